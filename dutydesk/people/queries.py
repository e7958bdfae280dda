"""Read-only questions about staff and teams: the one home of who is on which team, in which role."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from dutydesk import permissions, rules
from dutydesk.extensions import db
from dutydesk.models import (
    AdminChange,
    AdminChangeKind,
    Escalation,
    InboxItem,
    Obligation,
    Referral,
    Role,
    RoleGrant,
    SignInAttempt,
    Team,
    TeamKind,
    User,
    UserSession,
)


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


def list_teams() -> list[Team]:
    """Every team, open ones first, by kind and name, with their members."""
    return db.session.scalars(
        select(Team).options(selectinload(Team.members), selectinload(Team.manager))
        .order_by(Team.is_active.desc(), Team.kind, Team.name)
    ).all()


def list_open_teams() -> list[Team]:
    """The teams a person may be put in: those not closed."""
    return db.session.scalars(select(Team).where(Team.is_active.is_(True)).order_by(Team.kind, Team.name)).all()


def list_duty_managers(team_id: int) -> list[User]:
    """The team's active members holding the duty manager role, by name."""
    return db.session.scalars(
        select(User).where(
            User.team_id == team_id, User.is_active.is_(True),
            exists().where(RoleGrant.user_id == User.id, RoleGrant.role == Role.DUTY_MANAGER, RoleGrant.in_force()))
        .order_by(User.display_name)
    ).all()


def suggested_team(teams: list[Team], at: datetime) -> Team | None:
    """The team the call form suggests at this moment, of the duty teams offered.

    In office hours, the team marked "suggested in office hours"; out of hours, the team marked
    "suggested out of hours" (people/operations.py keeps at most one of each). With none marked,
    the only team of the matching kind (duty team; out-of-hours team), or the only team there
    is. Otherwise none: with several duty teams and none marked, the call handler chooses by
    where the child lives, rather than pass on a suggestion made for another area.
    """
    is_office_hours = rules.is_office_hours(at)
    marked = [team for team in teams
              if (team.is_suggested_in_office_hours if is_office_hours else team.is_suggested_out_of_hours)]
    if marked:
        return marked[0]
    kind = TeamKind.DUTY if is_office_hours else TeamKind.OUT_OF_HOURS
    candidates = [team for team in teams if team.kind is kind] or teams
    return candidates[0] if len(candidates) == 1 else None


def list_people() -> list[User]:
    """Every member of staff, active ones first, by name, with their team and roles."""
    return db.session.scalars(
        select(User).options(selectinload(User.team), selectinload(User.role_grants))
        .order_by(User.is_active.desc(), User.display_name, User.id)
    ).all()


def signed_in_counts(now: datetime) -> dict[int, int]:
    """How many sessions each person has open now (not ended, not idle), by user id."""
    since = now - current_app.config["IDLE_TIMEOUT"]
    return dict(db.session.execute(
        select(UserSession.user_id, func.count()).where(UserSession.ended_at.is_(None), UserSession.seen_at > since)
        .group_by(UserSession.user_id)).all())


def count_recent_failures(username: str, since: datetime) -> int:
    """Failed sign-ins as this username since the moment given."""
    return db.session.scalar(
        select(func.count()).select_from(SignInAttempt).where(
            SignInAttempt.username == username, SignInAttempt.is_success.is_(False), SignInAttempt.at > since)) or 0


def get_last_change(kind: AdminChangeKind, *, user_id: int) -> AdminChange | None:
    return db.session.scalar(select(AdminChange).where(AdminChange.kind == kind, AdminChange.user_id == user_id)
                             .order_by(AdminChange.at.desc(), AdminChange.id.desc()).limit(1))


@dataclass(frozen=True)
class OpenWork:
    """What a team holds that is not done: open clocks and actions, open cases, unactioned post."""

    obligations: int
    cases: int
    post: int

    @property
    def total(self) -> int:
        return self.obligations + self.cases + self.post

    @property
    def words(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        parts = [count(self.obligations, "open clock or action", "open clocks and actions"),
                 count(self.cases, "open case", "open cases"),
                 count(self.post, "item of post or messages not actioned", "items of post or messages not actioned")]
        return ", ".join(part for part in parts if not part.startswith("0 ")) or "no open work"


def count_open_work(team_id: int) -> OpenWork:
    """What the team holds that is not done, in one query."""
    row = db.session.execute(select(
        select(func.count()).select_from(Obligation)
        .where(Obligation.team_id == team_id, Obligation.met_at.is_(None)).scalar_subquery(),
        select(func.count()).select_from(Referral)
        .where(Referral.team_id == team_id, Referral.is_open).scalar_subquery(),
        select(func.count()).select_from(InboxItem)
        .where(InboxItem.team_id == team_id, InboxItem.actioned_at.is_(None)).scalar_subquery(),
    )).one()
    return OpenWork(*row)


#: The record of changes is shown this many to a page, newest first.
CHANGES_PER_PAGE = 50


@dataclass(frozen=True)
class ChangesPage:
    changes: list[AdminChange]
    number: int
    pages: int
    total: int


def list_admin_changes(page: int = 1, *, user_id: int | None = None, team_id: int | None = None,
                       per_page: int = CHANGES_PER_PAGE) -> ChangesPage:
    """One page of the record of administrative changes, newest first (about one person or team, if given)."""
    query = select(AdminChange)
    if user_id is not None:
        query = query.where(AdminChange.user_id == user_id)
    if team_id is not None:
        query = query.where(AdminChange.team_id == team_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    changes = db.session.scalars(
        query.options(selectinload(AdminChange.by), selectinload(AdminChange.user), selectinload(AdminChange.team))
        .order_by(AdminChange.at.desc(), AdminChange.id.desc())
        .offset((number - 1) * per_page).limit(per_page)
    ).all()
    return ChangesPage(changes=list(changes), number=number, pages=pages, total=total)


@dataclass(frozen=True)
class HeldWork:
    """What a person holds now: what deactivating them would pass on."""

    cases: int
    work: int
    post: int
    escalations: int

    @property
    def total(self) -> int:
        return self.cases + self.work + self.post + self.escalations


def count_held_by(user_id: int) -> HeldWork:
    """The person's open cases, open clocks and actions, unactioned post and escalations waiting, in one query."""
    row = db.session.execute(select(
        select(func.count()).select_from(Referral)
        .where(Referral.worker_id == user_id, Referral.is_open).scalar_subquery(),
        select(func.count()).select_from(Obligation)
        .where(Obligation.worker_id == user_id, Obligation.met_at.is_(None)).scalar_subquery(),
        select(func.count()).select_from(InboxItem)
        .where(InboxItem.holder_id == user_id, InboxItem.actioned_at.is_(None)).scalar_subquery(),
        select(func.count()).select_from(Escalation)
        .where(Escalation.recipient_id == user_id, Escalation.acknowledged_at.is_(None)).scalar_subquery(),
    )).one()
    return HeldWork(*row)
