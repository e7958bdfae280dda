"""What the duty team decided about each child, the referrals (cases) that follow, who holds
them, transfers between teams and strategy discussions (R93, R48, R54, R55, R42, R51)."""

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, event, exists,
                        select)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import LabelledEnum, ReferralSource
from dutydesk.models.contacts import Contact, ContactChild
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime
from dutydesk.models.work import Obligation


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
    #: R93: the social-care manager involved, required for a strategy discussion (possible section
    #: 47) and for a joint investigation; decisions made before R93 was enforced in full may have none.
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
    __table_args__ = (
        UniqueConstraint("child_id"),
        # Rec 29 (statistics/rec29.py) reads the referrals of a period, the referral of each
        # assessment, and a child's earlier referrals from these alone: the child's record and
        # the team without the row.
        Index("ix_referrals_referred_on_team_id_child_record_id", "referred_on", "team_id", "child_record_id"),
        Index("ix_referrals_id_child_record_id_team_id", "id", "child_record_id", "team_id"),
        Index("ix_referrals_child_record_id_referred_on", "child_record_id", "referred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"))
    #: The record of the child referred: the call's child's record, copied as the referral is
    #: written (`_copy_child_record`), so that the statistics count children from the referrals
    #: alone. A call's child is linked to a record once and never relinked
    #: (children.operations), so the copy cannot fall behind. Nullable only because SQLite cannot
    #: add a NOT NULL foreign key to a table in place.
    child_record_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), nullable=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: CIN census ReferralDate: the London date of the decision to refer.
    referred_on: Mapped[date] = mapped_column(Date)
    source: Mapped[ReferralSource] = mapped_column(StrEnumType(ReferralSource, 4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: CIN census ReferralNFA: the referral ended in no further action.
    is_nfa: Mapped[bool] = mapped_column(Boolean, default=False)
    nfa_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: R55: the named worker working the case. The case counts as allocated only while they
    #: are active (see `is_allocated`); a leaver's cases are unallocated at once.
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: R54: why the case has no named worker, and how the team keeps in contact with the child
    #: meanwhile.
    unallocated_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Since when the case has had no named worker (None while allocated).
    unallocated_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    contingency: Mapped[str] = mapped_column(Text, default="", server_default="")

    contact: Mapped[Contact] = relationship()
    child: Mapped[ContactChild] = relationship(backref=backref("referral", uselist=False, viewonly=True))
    team: Mapped[Team] = relationship()
    worker: Mapped[User | None] = relationship()
    transfers: Mapped[list["Transfer"]] = relationship(back_populates="referral", order_by="Transfer.requested_at")

    @hybrid_property
    def is_open(self) -> bool:
        """Open: neither ended in no further action nor closed (CIN census closure)."""
        return not self.is_nfa and self.closure is None

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        from dutydesk.models.casework import Closure  # it refers to Referral: defined after it

        return and_(cls.is_nfa.is_(False), ~exists().where(Closure.referral_id == cls.id))

    @property
    def is_allocated(self) -> bool:
        """R55: allocated means a named, active worker is working the case."""
        return self.worker is not None and self.worker.is_active

    @property
    def pending_transfer(self) -> "Transfer | None":
        return next((t for t in self.transfers if t.accepted_at is None), None)


@event.listens_for(Referral, "before_insert")
def _copy_child_record(mapper, connection, referral: Referral) -> None:
    """The referral's child's record, read from the call's child in the INSERT itself: whatever
    made the referral, and whether or not the call's child was flushed with its record then."""
    referral.child_record_id = (select(ContactChild.child_id).where(ContactChild.id == referral.child_id)
                                .scalar_subquery())


class Transfer(db.Model):
    """R42: a case passed from one team to another, pending until the receiving team accepts it."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    from_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    to_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: The receiving team's clock: accept within a working day of the request.
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), unique=True)

    referral: Mapped[Referral] = relationship(back_populates="transfers")
    from_team: Mapped[Team] = relationship(foreign_keys=[from_team_id])
    to_team: Mapped[Team] = relationship(foreign_keys=[to_team_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    obligation: Mapped[Obligation] = relationship()


class StrategyDiscussion(db.Model):
    """R51: the record of a strategy discussion about one child, its action points and review."""

    __tablename__ = "strategy_discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    record: Mapped[str] = mapped_column(Text)
    #: Who the written record went to, and when.
    circulated_to: Mapped[str] = mapped_column(Text)
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: R93: the social-care manager involved. Required of every discussion recorded since R93 was
    #: enforced in full; discussions recorded before it may have none.
    social_care_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: The review date, as an obligation of its own.
    review_obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), unique=True)

    contact: Mapped[Contact] = relationship()
    child: Mapped[ContactChild] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    social_care_manager: Mapped[User | None] = relationship(foreign_keys=[social_care_manager_id])
    review: Mapped[Obligation] = relationship(foreign_keys=[review_obligation_id])
    attendees: Mapped[list["StrategyAttendee"]] = relationship(
        back_populates="discussion", order_by="StrategyAttendee.position")
    action_points: Mapped[list[Obligation]] = relationship(
        secondary="strategy_action_points", order_by=Obligation.due_at, viewonly=True)


class StrategyAttendee(db.Model):
    """Someone at a strategy discussion, and the agency they spoke for."""

    __tablename__ = "strategy_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("strategy_discussions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200))

    discussion: Mapped[StrategyDiscussion] = relationship(back_populates="attendees")


class StrategyActionPoint(db.Model):
    """An action agreed at a strategy discussion: an action obligation, linked to it."""

    __tablename__ = "strategy_action_points"

    discussion_id: Mapped[int] = mapped_column(ForeignKey("strategy_discussions.id"), primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), primary_key=True)
