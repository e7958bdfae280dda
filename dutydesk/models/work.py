"""Obligations: every "due" in dutydesk, the spine of the board, the sweep and the statistics."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import LabelledEnum
from dutydesk.models.contacts import Contact, ContactChild
from dutydesk.models.escalations import Escalating, escalation_index
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


class ObligationKind(LabelledEnum):
    VERBAL_HANDOFF = ("verbal_handoff", "Verbal hand-off to the duty team")
    WRITTEN_HANDOFF = ("written_handoff", "Written hand-off accepted by the duty team")
    REFERRER_CONFIRMATION = ("referrer_confirmation", "Referrer's written confirmation")
    POLICE_INFORMED = ("police_informed", "Police informed")
    CHILD_SEEN = ("child_seen", "Child seen and spoken to")
    SCREENING_DECISION = ("screening_decision", "Screening decision")
    ASSESSMENT = ("assessment", "Assessment completed")
    ACTION = ("action", "Action")
    TRANSFER_ACCEPTANCE = ("transfer_acceptance", "Transfer accepted by the receiving team")
    STRATEGY_REVIEW = ("strategy_review", "Strategy discussion reviewed")
    INITIAL_CONFERENCE = ("initial_conference", "Initial child protection conference held")


#: Each way a clock ended, as statistics/rec29.py's CLOCK_STATES says it on each database (SQLite,
#: PostgreSQL): the WHERE of the partial index timeliness counts that way from. The words must be
#: the statement's own for the database to use the index (tests/statistics check that they are).
CLOCK_STATE_WHERE = {
    "met_on_time": ("met_at IS NOT NULL AND is_withdrawn IS 0 AND met_at <= due_at",
                    "met_at IS NOT NULL AND is_withdrawn IS false AND met_at <= due_at"),
    "met_late": ("met_at IS NOT NULL AND is_withdrawn IS 0 AND met_at > due_at",
                 "met_at IS NOT NULL AND is_withdrawn IS false AND met_at > due_at"),
    "open": ("met_at IS NULL", "met_at IS NULL"),
    "withdrawn": ("is_withdrawn IS 1", "is_withdrawn IS true"),
}


class Obligation(Escalating, db.Model):
    """Something that must be done about a contact or child by a deadline, and who owns it."""

    __tablename__ = "obligations"
    __table_args__ = (
        Index(
            "ix_obligations_open_due_at",
            "due_at",
            sqlite_where=db.text("met_at IS NULL"),
            postgresql_where=db.text("met_at IS NULL"),
        ),
        # The board and "my work" read open work only: these stay the size of the open work
        # however much history the table holds.
        Index(
            "ix_obligations_open_team_id",
            "team_id",
            "due_at",
            sqlite_where=db.text("met_at IS NULL"),
            postgresql_where=db.text("met_at IS NULL"),
        ),
        Index(
            "ix_obligations_open_worker_id",
            "worker_id",
            "due_at",
            sqlite_where=db.text("met_at IS NULL"),
            postgresql_where=db.text("met_at IS NULL"),
        ),
        escalation_index("obligations", "met_at"),
        *(Index(f"ix_obligations_clocks_{state}", "kind", "due_at", "team_id", sqlite_where=db.text(sqlite),
                postgresql_where=db.text(postgresql)) for state, (sqlite, postgresql) in CLOCK_STATE_WHERE.items()),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ObligationKind] = mapped_column(StrEnumType(ObligationKind))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    #: The child the obligation is about, where it is about one child rather than the call.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("contact_children.id"), nullable=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: The named worker who owns it; none while the team as a whole holds it.
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    met_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: Closed as no longer needed (the referral ended in no further action, say): met_at is
    #: then when it was closed, so that nothing still waits on it.
    is_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: What is to be done, for an action or a transfer (its kind says it for the clocks).
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: Why it was late, or why it could not be met in time (R35: why the child was not seen).
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What meeting it recorded: the duty worker told, the police reference, and so on.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    #: R35, for a child seen: whether the child was seen alone, and whether spoken to (both
    #: asked when it is recorded; None: not recorded, as before they were asked).
    is_child_seen_alone: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    is_child_spoken_to: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    contact: Mapped[Contact] = relationship(back_populates="obligations")
    child: Mapped[ContactChild | None] = relationship()
    team: Mapped[Team] = relationship()
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    met_by: Mapped[User | None] = relationship(foreign_keys=[met_by_id])

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def label(self) -> str:
        return self.title or self.kind.label

    @property
    def subject(self) -> str:
        return self.child.display_name if self.child else self.contact.reference
