"""Append-only records: what happened to a contact, who looked at it, what administrators
changed; and, kept for convenience, unsaved work and the forms already saved."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import LabelledEnum
from dutydesk.models.contacts import Contact, ContactChild
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


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
    #: The child of the call the line is about, when it is about one (a case allocated, a child
    #: seen); None when it is about the whole call or several of its children, and on lines
    #: written before it was kept (e08222ac41cc), whose summary names the child instead.
    contact_child_id: Mapped[int | None] = mapped_column(ForeignKey("contact_children.id"), nullable=True)

    contact: Mapped[Contact] = relationship(back_populates="events")
    by: Mapped[User] = relationship()
    contact_child: Mapped[ContactChild | None] = relationship()


class RecordView(db.Model):
    """Somebody saw a child's record, or a child in a list, or an item of post or a message.

    Kept so that "who could have seen this child, and when" has an answer; never changed once
    written. A list shown again and again (the board refreshes itself) is logged when a child
    first appears in it and again after `rules.LIST_VIEW_LOGGED_EVERY`, not at every refresh.
    """

    __tablename__ = "record_views"
    __table_args__ = (
        CheckConstraint("(contact_id IS NULL) <> (inbox_item_id IS NULL)", name="record_view_has_one_subject"),
        # A list asks what the person saw lately before logging it again.
        Index("ix_record_views_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The call whose child was seen, or (for post and messages) the item seen.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True, nullable=True)
    inbox_item_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_items.id"), index=True, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    path: Mapped[str] = mapped_column(String(500))
    #: Seen as a line of a list (the board, a queue), rather than the record itself opened.
    is_list: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

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


class FormSubmission(db.Model):
    """A form's one-time token, claimed when what it posted was saved (core/submissions.py).

    Kept so that the same form posted again (a double click, Back and resubmit, a second tab)
    records nothing and goes where the first went. Convenience data, not history: purgeable.
    """

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token the form was rendered with; unique, so that of two posts at once only one saves.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    endpoint: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where the first submission went on to (its redirect), written just after it was saved.
    went_to: Mapped[str | None] = mapped_column(String(500), nullable=True)

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


class AdminChangeKind(LabelledEnum):
    PERSON_ADDED = ("person_added", "Person added")
    DETAILS_CHANGED = ("details_changed", "Name or e-mail changed")
    ROLES_CHANGED = ("roles_changed", "Roles changed")
    TEAM_CHANGED = ("team_changed", "Team changed")
    PASSWORD_RESET = ("password_reset", "Password reset")
    UNLOCKED = ("unlocked", "Sign-in unlocked")
    DEACTIVATED = ("deactivated", "Deactivated")
    TEAM_ADDED = ("team_added", "Team added")
    TEAM_RENAMED = ("team_renamed", "Team renamed")
    TEAM_KIND_CHANGED = ("team_kind_changed", "Kind of team changed")
    TEAM_MANAGER_CHANGED = ("team_manager_changed", "Manager told first changed")
    TEAM_SUGGESTION_CHANGED = ("team_suggestion_changed", "Call form's suggestion changed")
    TEAM_CLOSED = ("team_closed", "Team closed")
    TEAM_REOPENED = ("team_reopened", "Team reopened")


class AdminChange(db.Model):
    """One change an administrator made to a person's account or a team: who, when, and what
    changed from what to what. Never changed once written."""

    __tablename__ = "admin_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: The administrator; none when the change was made at the command line (`flask create-user`...).
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    kind: Mapped[AdminChangeKind] = mapped_column(StrEnumType(AdminChangeKind))
    #: The person or the team the change was about.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True, nullable=True)
    #: What changed, from what to what, in words: "Roles: Duty worker → Duty worker, Duty manager".
    description: Mapped[str] = mapped_column(Text)

    by: Mapped[User | None] = relationship(foreign_keys=[by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    team: Mapped[Team | None] = relationship()
