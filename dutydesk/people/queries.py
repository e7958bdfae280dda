"""Read-only questions about staff and teams: the one home of who is on which team, in which role."""

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from dutydesk import permissions
from dutydesk.extensions import db
from dutydesk.models import RoleGrant, Team, TeamKind, User


def list_duty_teams() -> list[Team]:
    """Active teams that take hand-offs from the contact centre."""
    return db.session.scalars(
        select(Team)
        .where(Team.is_active.is_(True), Team.kind.in_([TeamKind.DUTY, TeamKind.OUT_OF_HOURS]))
        .order_by(Team.kind, Team.name)
    ).all()


def list_duty_workers(team_ids: list[int] | None = None) -> list[User]:
    """Active duty workers and managers, optionally only of the given teams."""
    query = (
        select(User)
        .where(
            User.is_active.is_(True),
            exists().where(RoleGrant.user_id == User.id,
                           RoleGrant.role.in_(permissions.DUTY_TEAM_WORK), RoleGrant.in_force()),
        )
        .options(selectinload(User.team))
        .order_by(User.display_name)
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids))
    return db.session.scalars(query).all()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)
