"""Absences and cover, and the post, e-mails and telephone messages received for a worker (R50)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import LabelledEnum
from dutydesk.models.escalations import Escalating, escalation_index
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


class Absence(db.Model):
    """A worker away from `starts_at` to `ends_at`, and who covers for them (R50)."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_worker_id_ends_at", "worker_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Who takes their new work and their post; none means their team's manager does.
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when a manager ended the absence early (ends_at is then when they did).
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    worker: Mapped[User] = relationship(foreign_keys=[worker_id])
    cover: Mapped[User | None] = relationship(foreign_keys=[cover_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    @classmethod
    def in_force_at(cls, moment: datetime):
        """The same as `covers`, in SQL (a withdrawn absence, ending as it starts, never is)."""
        return and_(cls.starts_at <= moment, cls.ends_at > moment)

    @classmethod
    def overlapping(cls, starts_at: datetime, ends_at: datetime):
        """Absences with any moment in [starts_at, ends_at), in SQL (never one withdrawn)."""
        return and_(cls.starts_at < ends_at, cls.ends_at > starts_at, cls.ends_at > cls.starts_at)


class InboxChannel(LabelledEnum):
    POST = ("post", "Post")
    EMAIL = ("email", "E-mail")
    PHONE = ("phone", "Telephone message")


class InboxItem(Escalating, db.Model):
    """Post, an e-mail or a telephone message received for a worker, until someone actions it."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        escalation_index("inbox_items", "actioned_at"),
        Index("ix_inbox_items_open_holder_id", "holder_id", "due_at",
              sqlite_where=db.text("actioned_at IS NULL"), postgresql_where=db.text("actioned_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[InboxChannel] = mapped_column(StrEnumType(InboxChannel, 10))
    #: Whom it was addressed to, and who must action it now (their cover while they are away).
    addressed_to_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    sender: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actioned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actioned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    addressed_to: Mapped[User] = relationship(foreign_keys=[addressed_to_id])
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    team: Mapped[Team] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    actioned_by: Mapped[User | None] = relationship(foreign_keys=[actioned_by_id])

    @property
    def is_actioned(self) -> bool:
        return self.actioned_at is not None

    @property
    def label(self) -> str:
        return f"{self.channel.label} from {self.sender}"
