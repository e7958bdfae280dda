"""Append-only records: what happened to a contact, who looked at it, and unsaved work kept."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.contacts import Contact
from dutydesk.models.people import User
from dutydesk.models.types import UTCDateTime


class ContactEvent(db.Model):
    """One line of a contact's history: who did what, and when. Never changed once written."""

    __tablename__ = "contact_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: A short machine-readable name: logged, verbal_handoff, accepted, police_informed...
    action: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)

    contact: Mapped[Contact] = relationship(back_populates="events")
    by: Mapped[User] = relationship()


class RecordView(db.Model):
    """Somebody opened a child's record. Kept for audit; never changed once written."""

    __tablename__ = "record_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    path: Mapped[str] = mapped_column(String(500))

    user: Mapped[User] = relationship()


class FormDraft(db.Model):
    """A form posted after its author's session had gone idle, kept until they sign in again."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where it was posted; the author is sent back there with the form filled in.
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class SignInAttempt(db.Model):
    """One try at signing in, kept to slow down guessing and for audit."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As typed (lower-cased), whether or not such a user exists.
    username: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_success: Mapped[bool] = mapped_column(Boolean)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
