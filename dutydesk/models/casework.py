"""What happens after the referral: the assessment and what it concluded (R25), each need it
identified and the services that meet it, section 47 enquiries and their conferences, child
protection and child in need plans, strategy discussions' reviews, and the case's closure
(R26/40). The CIN census and Rec 29's statistics are read from exactly these rows.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.cases import Referral, StrategyDiscussion
from dutydesk.models.codes import AbuseCategory, AssessmentFactor, ClosureReason, PlanKind, PrimaryNeed, Section47Outcome
from dutydesk.models.people import User
from dutydesk.models.types import StrEnumType, UTCDateTime
from dutydesk.models.work import Obligation


class Recorded:
    """Who recorded the row, and when."""

    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Assessment(Recorded, db.Model):
    """A child and family assessment of a referred child: started, the child and the carers seen,
    its conclusion recorded by the worker, then authorised in writing by a manager (R25), which
    meets the assessment clock. The CIN census's Assessments."""

    __tablename__ = "assessments"
    #: Rec 29's assessments requiring a service, authorised in a period, and their referrals, from this alone.
    __table_args__ = (Index("ix_assessments_authorised_on_requires_service", "authorised_on", "requires_service",
                            "referral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    #: CIN census AssessmentActualStartDate.
    started_on: Mapped[date] = mapped_column(Date)
    #: R25: the child seen during the assessment, and whether alone.
    child_seen_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    is_child_seen_alone: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: R25: the parents or carers seen.
    carers_seen_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: The worker's conclusion: whether the child requires a service, the factors identified (CIN
    #: census AssessmentFactors codes) and the primary need (PrimaryNeedCode).
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requires_service: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    factors: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    primary_need: Mapped[PrimaryNeed | None] = mapped_column(StrEnumType(PrimaryNeed, 2), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: R25: the manager's written authorisation; CIN census AssessmentAuthorisationDate. An
    #: assessment counts as completed (Rec 29, the clock) when it is authorised.
    authorised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    authorised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    authorisation_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    referral: Mapped[Referral] = relationship(backref=backref("assessments", order_by="Assessment.id"))
    recorded_by: Mapped[User] = relationship(foreign_keys="Assessment.recorded_by_id")
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    authorised_by: Mapped[User | None] = relationship(foreign_keys=[authorised_by_id])
    needs: Mapped[list["IdentifiedNeed"]] = relationship(back_populates="assessment", order_by="IdentifiedNeed.id")

    @property
    def factor_codes(self) -> list[AssessmentFactor]:
        return [AssessmentFactor(code) for code in self.factors or []]

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None

    @property
    def is_authorised(self) -> bool:
        return self.authorised_on is not None


class IdentifiedNeed(Recorded, db.Model):
    """One need an assessment identified; met when a service for it has started."""

    __tablename__ = "identified_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    #: Why no service has started yet, while none has.
    not_yet_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    assessment: Mapped[Assessment] = relationship(back_populates="needs")
    recorded_by: Mapped[User] = relationship()
    services: Mapped[list["Service"]] = relationship(back_populates="need", order_by="Service.started_on")


class Service(Recorded, db.Model):
    """A service provided to meet an identified need: what, by whom, from when; it may end."""

    __tablename__ = "services"
    #: Whether a need had a service started by a date (Rec 29), from this alone.
    __table_args__ = (Index("ix_services_need_id_started_on", "need_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("identified_needs.id"))
    what: Mapped[str] = mapped_column(Text)
    provided_by: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    need: Mapped[IdentifiedNeed] = relationship(back_populates="services")
    recorded_by: Mapped[User] = relationship(foreign_keys="Service.recorded_by_id")
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])


class Section47Enquiry(Recorded, db.Model):
    """A section 47 enquiry (CIN census Section47): started, its outcome, and the initial child
    protection conference it may need, due 15 working days after the strategy discussion."""

    __tablename__ = "section47_enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    strategy_discussion_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_discussions.id"),
                                                               nullable=True, index=True)
    started_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[Section47Outcome | None] = mapped_column(StrEnumType(Section47Outcome), nullable=True)
    outcome_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: CIN census InitialCPCtarget, and the conference's clock.
    conference_target_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    conference_obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"), nullable=True,
                                                                 unique=True)
    #: CIN census DateOfInitialCPC.
    conference_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    referral: Mapped[Referral] = relationship(backref=backref("section47_enquiries", order_by="Section47Enquiry.id"))
    strategy_discussion: Mapped[StrategyDiscussion | None] = relationship()
    conference_obligation: Mapped[Obligation | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def is_conference_not_required(self) -> bool | None:
        """CIN census ICPCnotRequired: known once the outcome is."""
        return None if self.outcome is None else not self.outcome.needs_conference


class Plan(Recorded, db.Model):
    """A child protection plan or a child in need plan: started, and ended."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    kind: Mapped[PlanKind] = mapped_column(StrEnumType(PlanKind, 3))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: A child protection plan's category of abuse, at the start and latest.
    initial_category: Mapped[AbuseCategory | None] = mapped_column(StrEnumType(AbuseCategory, 3), nullable=True)
    latest_category: Mapped[AbuseCategory | None] = mapped_column(StrEnumType(AbuseCategory, 3), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    referral: Mapped[Referral] = relationship(backref=backref("plans", order_by="Plan.started_on"))
    recorded_by: Mapped[User] = relationship(foreign_keys="Plan.recorded_by_id")
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])


class StrategyReview(Recorded, db.Model):
    """R51: a strategy discussion reviewed on its review date: by whom, and what was decided."""

    __tablename__ = "strategy_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("strategy_discussions.id"), unique=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(Text)

    discussion: Mapped[StrategyDiscussion] = relationship(backref=backref("review_record", uselist=False))
    reviewed_by: Mapped[User] = relationship(foreign_keys=[reviewed_by_id])
    recorded_by: Mapped[User] = relationship(foreign_keys="StrategyReview.recorded_by_id")


#: R26/40: what must be done before a case where deliberate harm was alleged may close, each as
#: (column prefix, words).
CLOSURE_CHECKS = (
    ("child_seen_alone", "The child seen alone"),
    ("carers_seen", "The parents or carers seen"),
    ("home_visited", "The home visited"),
    ("professionals_consulted", "The professionals involved consulted"),
)


class Closure(Recorded, db.Model):
    """The case closed (CIN census CINclosureDate and ReasonForClosure). Where deliberate harm was
    alleged, each R26/40 check is done or has a recorded reason it was not."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    closed_on: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[ClosureReason] = mapped_column(StrEnumType(ClosureReason, 3))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_child_seen_alone: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    child_seen_alone_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_carers_seen: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    carers_seen_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_home_visited: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    home_visited_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_professionals_consulted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    professionals_consulted_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    referral: Mapped[Referral] = relationship(backref=backref("closure", uselist=False))
    recorded_by: Mapped[User] = relationship()
