"""Escalations: each step of a ladder taken for overdue work, to whom, when due and when issued."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.people import Team, User
from dutydesk.models.types import IntEnumType, StrEnumType, UTCDateTime
from dutydesk.rules import EscalationLevel


class Escalating:
    """Columns of anything that climbs an escalation ladder (obligations, inbox items).

    `escalation_level` is the next step to take and `escalates_at` when it falls due; both are
    empty once the ladder is done. The sweep reads them through a partial index over open work,
    so an idle sweep is one index probe however much work is open.
    """

    escalation_level: Mapped[EscalationLevel | None] = mapped_column(IntEnumType(EscalationLevel), nullable=True)
    escalates_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def escalation_index(table: str, open_column: str) -> Index:
    """The partial index the sweep reads: open work with a ladder step still to take."""
    where = db.text(f"{open_column} IS NULL AND escalates_at IS NOT NULL")
    return Index(f"ix_{table}_escalates_at", "escalates_at", sqlite_where=where, postgresql_where=where)


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    NOT_SENT = "not sent"

    @property
    def label(self) -> str:
        return {"pending": "E-mail waiting to be sent", "sent": "E-mailed",
                "failed": "E-mail failed", "not sent": "Not e-mailed"}[self.value]


class Escalation(db.Model):
    """One step of a ladder, taken once: for one obligation or inbox item, at one level."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("obligation_id", "level"),
        UniqueConstraint("inbox_item_id", "level"),
        CheckConstraint("(obligation_id IS NULL) <> (inbox_item_id IS NULL)", name="escalation_has_one_subject"),
        # The header's count and the escalations page read what is waiting to be acknowledged.
        Index("ix_escalations_waiting_recipient", "recipient_id",
              sqlite_where=db.text("acknowledged_at IS NULL"),
              postgresql_where=db.text("acknowledged_at IS NULL")),
        Index("ix_escalations_waiting_team", "team_id", "issued_at",
              sqlite_where=db.text("acknowledged_at IS NULL"),
              postgresql_where=db.text("acknowledged_at IS NULL")),
        Index("ix_escalations_email_pending", "email_next_attempt_at",
              sqlite_where=db.text("email_status = 'pending'"),
              postgresql_where=db.text("email_status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"), nullable=True)
    inbox_item_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_items.id"), nullable=True)
    level: Mapped[EscalationLevel] = mapped_column(IntEnumType(EscalationLevel))
    #: The team whose work it is: its managers see it on the board and the escalations page.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    #: Who is told. None for the senior managers (level 2, or nobody else to tell): all see it.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: When this step fell due, and when a sweep issued it (later if no sweep ran for a while).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    acknowledgement: Mapped[str] = mapped_column(Text, default="", server_default="")

    email_status: Mapped[EmailStatus] = mapped_column(StrEnumType(EmailStatus, 10))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the next attempt may be made; a sender claims an e-mail by moving this forward.
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    obligation: Mapped["Obligation | None"] = relationship()  # noqa: F821
    inbox_item: Mapped["InboxItem | None"] = relationship()  # noqa: F821
    team: Mapped[Team] = relationship()
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def subject(self):
        """The obligation or inbox item that escalated."""
        return self.obligation or self.inbox_item
