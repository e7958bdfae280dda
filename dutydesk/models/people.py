"""Staff, their roles and their teams."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.types import StrEnumType, UTCDateTime


class Role(StrEnum):
    CALL_HANDLER = "call_handler"
    DUTY_WORKER = "duty_worker"
    DUTY_MANAGER = "duty_manager"
    SENIOR_MANAGER = "senior_manager"
    DIRECTOR = "director"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TeamKind(StrEnum):
    CONTACT_CENTRE = "contact_centre"
    DUTY = "duty"
    OUT_OF_HOURS = "out_of_hours"

    @property
    def label(self) -> str:
        return {"contact_centre": "Contact centre", "duty": "Duty team",
                "out_of_hours": "Out-of-hours team"}[self.value]

    @property
    def takes_handoffs(self) -> bool:
        return self is not TeamKind.CONTACT_CENTRE


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[TeamKind] = mapped_column(StrEnumType(TeamKind))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True), nullable=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The call form suggests this team for calls in office hours (at most one team is marked),
    #: or out of hours; with none marked it suggests the only team of the matching kind
    #: (people/queries.py: suggested_team).
    is_suggested_in_office_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_suggested_out_of_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    #: Set after the rows it joins are written (post_update): a team and its manager, a member of
    #: it, may both change in one flush.
    manager: Mapped["User | None"] = relationship(foreign_keys=[manager_id], post_update=True)
    members: Mapped[list["User"]] = relationship(
        back_populates="team", foreign_keys="User.team_id", order_by="User.display_name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: A leaver is deactivated, never deleted: their name stays on everything they did.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The password was set by an administrator: the person chooses their own at their next
    #: sign-in, before any other page (auth/session.py).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    #: The roles held now; a grant that has ended stays in role_grants' table as history.
    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", lazy="selectin", cascade="save-update, merge",
        primaryjoin="and_(User.id == RoleGrant.user_id, RoleGrant.ended_at.is_(None))",
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_any_role(self, roles) -> bool:
        return not self.roles.isdisjoint(roles)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleGrant(db.Model):
    """One role held by one person; a person may hold several.

    A role taken away is ended, never deleted, so that who held which role when stays on record;
    a role given back is a new grant. Queries about who holds a role ask `RoleGrant.in_force()`.
    """

    __tablename__ = "role_grants"
    __table_args__ = (
        Index("uq_role_grants_user_id_role_in_force", "user_id", "role", unique=True,
              sqlite_where=db.text("ended_at IS NULL"), postgresql_where=db.text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    #: Unknown (empty) for grants made before roles could change.
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="role_grants")

    @classmethod
    def in_force(cls):
        """Grants not ended, in SQL: the role is held now."""
        return cls.ended_at.is_(None)


class SessionEndReason(StrEnum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    SIGNED_IN_AGAIN = "signed_in_again"
    DEACTIVATED = "deactivated"
    ROLES_CHANGED = "roles_changed"
    PASSWORD_CHANGED = "password_changed"


class UserSession(db.Model):
    """One signed-in session: the cookie carries only a random token, and this row, keyed by the
    token's hash, says whose session it is and whether it still stands (see auth/server_sessions.py).

    Ended sessions are kept (ended, not deleted); they are convenience data, to be purged later.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the cookie's token, in hex: a copy of this table signs nobody in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The last request its person made, written at most about once a minute; the idle timeout counts from it.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[SessionEndReason | None] = mapped_column(StrEnumType(SessionEndReason), nullable=True)
    #: Flask's session data (the CSRF token, messages waiting to be shown), as Flask's tagged JSON.
    data: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship()
