"""What the duty team decided about each child, and the referrals (cases) that follow (R93, R48)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import LabelledEnum, ReferralSource
from dutydesk.models.contacts import Contact, ContactChild
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


class ScreeningOutcome(LabelledEnum):
    NO_FURTHER_ACTION = ("nfa", "No further action")
    ADVICE = ("advice", "Advice and signposting")
    EARLY_HELP = ("early_help", "Early help")
    REFERRAL = ("referral", "Referral to children's social care")
    STRATEGY_DISCUSSION = ("strategy_discussion", "Strategy discussion (possible section 47)")

    @property
    def opens_referral(self) -> bool:
        return self in (ScreeningOutcome.REFERRAL, ScreeningOutcome.STRATEGY_DISCUSSION)


class ScreeningDecision(db.Model):
    """A decision on what happens next for one child. Never changed: a new one supersedes it."""

    __tablename__ = "screening_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), index=True)
    outcome: Mapped[ScreeningOutcome] = mapped_column(StrEnumType(ScreeningOutcome))
    rationale: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: R93: a joint police and social-care investigation is being considered.
    is_joint_investigation: Mapped[bool] = mapped_column(Boolean, default=False)
    #: R93: the social-care manager involved, required for a joint investigation.
    social_care_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: R48: another agency the child is referred on to, why, and who agreed it.
    onward_agency: Mapped[str] = mapped_column(String(200), default="")
    onward_purpose: Mapped[str] = mapped_column(Text, default="")
    onward_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    contact: Mapped[Contact] = relationship()
    child: Mapped[ContactChild] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    social_care_manager: Mapped[User | None] = relationship(foreign_keys=[social_care_manager_id])
    onward_agreed_by: Mapped[User | None] = relationship(foreign_keys=[onward_agreed_by_id])


class Referral(db.Model):
    """A child referred to children's social care: the CIN census referral, and the case it opens."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: CIN census ReferralDate: the London date of the decision to refer.
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[ReferralSource] = mapped_column(StrEnumType(ReferralSource, 4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: CIN census ReferralNFA: the referral ended in no further action.
    is_nfa: Mapped[bool] = mapped_column(Boolean, default=False)
    nfa_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    contact: Mapped[Contact] = relationship()
    child: Mapped[ContactChild] = relationship()
    team: Mapped[Team] = relationship()
