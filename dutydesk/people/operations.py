"""Staff accounts and teams: adding and changing them, and the record of every change.

Every change is recorded in admin_changes, who made it (an administrator, or `by=None` for the
command line: whoever can run it runs the server) and what changed from what to what.
Changing someone's roles, resetting their password or deactivating them ends every session they
have (auth/operations.py), so the change applies at once wherever they were signed in.

A leaver's cases go to the unallocated list at once (R55: allocated means an active worker),
their open work stays with the team that holds it with no named owner, as the board shows
unassigned work, and what must have an owner (post and messages they hold) or someone to tell
(escalations waiting for them) goes to the team's duty manager, or whoever stands in for them.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from werkzeug.security import check_password_hash

from dutydesk.absences.directory import Directory
from dutydesk.access import check_may_change
from dutydesk.auth import limits
from dutydesk.auth.operations import end_sessions_of, get_user_by_username, normal_username
from dutydesk.auth.passwords import WeakPassword, check_new_password, hash_password
from dutydesk.cases.operations import unallocate_leavers_cases
from dutydesk.clock import now_utc, to_london
from dutydesk.errors import DomainError
from dutydesk.escalations.mail import is_usable_address
from dutydesk.extensions import db
from dutydesk.models import (
    AdminChange,
    AdminChangeKind,
    Escalation,
    InboxItem,
    Obligation,
    Role,
    RoleGrant,
    SessionEndReason,
    Team,
    TeamKind,
    User,
)
from dutydesk.people.queries import count_open_work, list_duty_managers
from dutydesk.work.operations import record_event

#: A username: lower-case letters, digits, dots, hyphens and underscores (matched without case).
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
NAME_LENGTH = 120
BAD_ADDRESS = "Enter the e-mail address in the right form, like wes.adebayo@example.gov.uk"


def record_change(kind: AdminChangeKind, description: str, *, by: User | None, now: datetime,
                  user: User | None = None, team: Team | None = None) -> AdminChange:
    """Append one administrative change to the record (never changed afterwards)."""
    change = AdminChange(at=now, by=by, kind=kind, user=user, team=team, description=description)
    db.session.add(change)
    return change


def _check_administers(by: User | None, record, now: datetime) -> None:
    """Only administrators change accounts and teams (access.py); the command line may too."""
    if by is not None:
        check_may_change(by, record, now=now)


def _words(items, empty: str = "none") -> str:
    return ", ".join(items) or empty


def roles_words(roles) -> str:
    """"Duty worker, Duty manager", in the order of the Role list."""
    return _words([role.label for role in Role if role in roles])


def _team_words(team: Team | None) -> str:
    return team.name if team is not None else "no team"


def _person_words(user: User | None) -> str:
    return user.display_name if user is not None else "nobody"


def _check_name(display_name: str) -> str:
    name = display_name.strip()
    if not name:
        raise DomainError("Enter the person's full name, as colleagues know them", "display_name")
    if len(name) > NAME_LENGTH:
        raise DomainError(f"Enter the name in {NAME_LENGTH} characters or fewer", "display_name")
    return name


def _check_email(email: str) -> str:
    address = email.strip()
    if not is_usable_address(address) or len(address) > 254:
        raise DomainError(BAD_ADDRESS, "email")
    return address


def _check_team(team: Team | None, field_name: str = "team_id") -> None:
    if team is not None and not team.is_active:
        raise DomainError(f"{team.name} is closed: choose an open team", field_name)


def _check_password(password: str, field_name: str) -> None:
    """The password rule (auth/passwords.py), its refusal shown beside the field."""
    try:
        check_new_password(password)
    except WeakPassword as problem:
        raise WeakPassword(problem.message, field_name) from None


def _active_admins_other_than(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(
            User.id != user.id, User.is_active.is_(True),
            exists().where(RoleGrant.user_id == User.id, RoleGrant.role == Role.ADMIN, RoleGrant.in_force()))) or 0


# --- people ---------------------------------------------------------------------------------


def create_user(*, username: str, display_name: str, password: str, roles, team: Team | None = None,
                email: str = "", by: User | None = None, now: datetime | None = None,
                must_change_password: bool = False) -> User:
    """Add a member of staff with the given roles. A first password set for them by someone else
    (must_change_password) is theirs to replace at their first sign-in."""
    now = now or now_utc()
    name = _check_name(display_name)
    login = normal_username(username)
    if not USERNAME.fullmatch(login):
        raise DomainError("Enter a username of up to 80 letters, digits, dots, hyphens or underscores, "
                          "like wes.adebayo", "username")
    existing = get_user_by_username(login)
    if existing is not None:
        raise DomainError(f"{existing.display_name} already has the username {login}"
                          + ("" if existing.is_active else " (deactivated)") + ": choose another", "username")
    address = _check_email(email) if email.strip() else f"{login}@example.invalid"
    if not roles:
        raise DomainError("Give the person at least one role", "roles")
    _check_team(team)
    _check_password(password, "password")
    user = User(username=login, display_name=name, team=team, email=address, is_active=True,
                password_hash=hash_password(password), must_change_password=must_change_password)
    _check_administers(by, user, now)
    held = {Role(role) for role in roles}
    user.role_grants = [RoleGrant(role=role, granted_at=now) for role in Role if role in held]
    db.session.add(user)
    db.session.flush()
    record_change(AdminChangeKind.PERSON_ADDED,
                  f"Added {user.display_name} ({user.username}): {roles_words(held)}; {_team_words(team)}; "
                  f"e-mail {user.email}" + ("; must choose a new password at their first sign-in"
                                            if must_change_password else ""),
                  by=by, now=now, user=user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class PersonChanges:
    """What a person's details, roles and team are to be (the page's one form)."""

    display_name: str
    email: str
    roles: frozenset[Role]
    team: Team | None


def change_person(user: User, changes: PersonChanges, *, by: User, now: datetime) -> list[AdminChange]:
    """Change a person's name and e-mail, roles and team together; each change is recorded.
    A change of roles ends their sessions. Nothing is recorded when nothing changed."""
    _check_administers(by, user, now)
    if not user.is_active:
        raise DomainError(f"{user.display_name} has been deactivated: their account cannot be changed")
    done = [change_details(user, display_name=changes.display_name, email=changes.email, by=by, now=now)]
    done.append(set_team(user, changes.team, by=by, now=now))
    done.append(set_roles(user, changes.roles, by=by, now=now))
    return [change for change in done if change is not None]


def change_details(user: User, *, display_name: str, email: str, by: User | None,
                   now: datetime) -> AdminChange | None:
    """Change the name colleagues see and the e-mail address escalations go to."""
    _check_administers(by, user, now)
    name, address = _check_name(display_name), _check_email(email)
    changed = []
    if name != user.display_name:
        changed.append(f"Name: {user.display_name} → {name}")
    if address != user.email:
        changed.append(f"E-mail: {user.email} → {address}")
    if not changed:
        return None
    user.display_name, user.email = name, address
    db.session.flush()
    return record_change(AdminChangeKind.DETAILS_CHANGED, "; ".join(changed), by=by, now=now, user=user)


def set_team(user: User, team: Team | None, *, by: User | None, now: datetime) -> AdminChange | None:
    """Move the person to another team (or none). A manager told first stops being one for the
    team they leave."""
    _check_administers(by, user, now)
    if (team.id if team else None) == user.team_id:
        return None
    _check_team(team)
    before = user.team
    user.team = team
    db.session.flush()
    change = record_change(AdminChangeKind.TEAM_CHANGED, f"Team: {_team_words(before)} → {_team_words(team)}",
                           by=by, now=now, user=user)
    if before is not None:
        _after_manager_left(user, [before], why=f"moved to {_team_words(team)}", by=by, now=now)
    return change


def set_roles(user: User, roles, *, by: User | None = None, now: datetime) -> AdminChange | None:
    """Give the user exactly these roles, ending the grants of any others; their sessions end so
    that the change applies at once. None if they held exactly these roles already."""
    _check_administers(by, user, now)
    wanted = {Role(role) for role in roles}
    if not wanted:
        raise DomainError("Give the person at least one role. To stop them signing in, deactivate them",
                          field="roles")
    before = user.roles
    if wanted == before:
        return None
    if Role.ADMIN in before and Role.ADMIN not in wanted:
        if by is not None and by.id == user.id:
            raise DomainError("You cannot take the administrator role from yourself: ask another administrator to",
                              "roles")
        if user.is_active and not _active_admins_other_than(user):
            raise DomainError(f"{user.display_name} is the only active administrator: give someone else the "
                              "administrator role first", "roles")
    for grant in list(user.role_grants):
        if grant.role not in wanted:
            grant.ended_at = now
    user.role_grants.extend(RoleGrant(role=role, granted_at=now) for role in Role if role in wanted - before)
    ended = end_sessions_of(user, reason=SessionEndReason.ROLES_CHANGED, now=now)
    db.session.flush()
    db.session.expire(user, ["role_grants"])  # the ended grants are no longer held
    change = record_change(AdminChangeKind.ROLES_CHANGED,
                           f"Roles: {roles_words(before)} → {roles_words(wanted)}; {_sessions_words(ended)}",
                           by=by, now=now, user=user)
    if Role.DUTY_MANAGER in before and Role.DUTY_MANAGER not in wanted:
        _after_manager_left(user, _teams_managed_by(user), why="no longer a duty manager", by=by, now=now)
    return change


def _sessions_words(ended: int) -> str:
    return f"{ended} signed-in session{'' if ended == 1 else 's'} ended" if ended else "not signed in"


def reset_password(user: User, password: str, *, by: User | None = None, now: datetime) -> AdminChange:
    """Set a password for someone who has forgotten theirs: they must choose their own at their
    next sign-in, and every session they had ends."""
    _check_administers(by, user, now)
    if not user.is_active:
        raise DomainError(f"{user.display_name} has been deactivated: they cannot sign in with any password")
    if by is not None and by.id == user.id:
        raise DomainError("Change your own password on the \"Change your password\" page: it asks for the one "
                          "you have now", "password")
    _check_password(password, "password")
    user.password_hash = hash_password(password)
    user.must_change_password = True
    ended = end_sessions_of(user, reason=SessionEndReason.PASSWORD_CHANGED, now=now)
    db.session.flush()
    return record_change(AdminChangeKind.PASSWORD_RESET,
                         f"Password reset: they must choose a new one at their next sign-in; {_sessions_words(ended)}",
                         by=by, now=now, user=user)


def change_own_password(user: User, *, current: str, new: str, now: datetime) -> None:
    """The person chooses a new password, giving the one they have: every session they had ends
    (the page then signs them in afresh), and a password set by an administrator is replaced."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError("Enter your current password correctly: the one you signed in with", "current_password")
    if new == current:
        raise DomainError("Choose a new password, not the one you have now", "new_password")
    _check_password(new, "new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions_of(user, reason=SessionEndReason.PASSWORD_CHANGED, now=now)
    db.session.flush()


def unlock_sign_in(user: User, *, by: User | None, now: datetime, failures: int) -> AdminChange:
    """Clear what slows or refuses sign-ins as this person: the failed attempts counted against
    their username, in browsers they have not used and in those they have (auth/limits.py).
    `failures` is how many were counted lately, for the record."""
    _check_administers(by, user, now)
    limits.start_allowances_afresh(user.username)
    return record_change(AdminChangeKind.UNLOCKED,
                         f"Sign-in unlocked: {failures} recent wrong password{'' if failures == 1 else 's'} for "
                         f"{user.username} no longer count", by=by, now=now, user=user)


@dataclass
class Leaving:
    """What deactivating a leaver did, for the page to say."""

    sessions: int = 0
    cases: int = 0
    work: int = 0
    #: Post and messages, and escalations waiting, by who holds them now ("the senior managers").
    post_to: dict[str, int] = field(default_factory=dict)
    escalations_to: dict[str, int] = field(default_factory=dict)
    #: The teams they were manager told first of, and who is now.
    managers: dict[str, str] = field(default_factory=dict)


def deactivate_user(user: User, *, by: User | None = None, now: datetime) -> Leaving:
    """A leaver: they can no longer sign in and their sessions end; their cases go to the
    unallocated list at once, their open work to the team that holds it, their post and the
    escalations waiting for them to the team's duty manager. Their name stays on what they did.

    An administrator cannot deactivate themselves, and the last active administrator stays.
    """
    _check_administers(by, user, now)
    if not user.is_active:
        raise DomainError(f"{user.display_name} ({user.username}) is already deactivated")
    if by is not None and by.id == user.id:
        raise DomainError("You cannot deactivate yourself: ask another administrator to")
    if user.has_any_role({Role.ADMIN}) and not _active_admins_other_than(user):
        raise DomainError(f"{user.display_name} is the only active administrator: give someone else the "
                          "administrator role first")
    leaving = Leaving()
    user.is_active = False
    leaving.sessions = end_sessions_of(user, reason=SessionEndReason.DEACTIVATED, now=now)
    leaving.managers = _after_manager_left(user, _teams_managed_by(user), why="left", by=by, now=now)
    db.session.flush()
    # The history names the leaver when the command line, with no one signed in, deactivates them.
    acting = by or user
    leaving.cases = len(unallocate_leavers_cases(user, by=acting, now=now))
    leaving.work = _release_open_work(user, by=acting, now=now)
    directory = Directory.load(now)  # after the flush: the leaver is no longer active
    leaving.post_to = _pass_on_post(user, directory)
    leaving.escalations_to = _pass_on_escalations(user, directory)
    record_change(AdminChangeKind.DEACTIVATED, f"Deactivated: {leaving_words(leaving)}", by=by, now=now, user=user)
    db.session.flush()
    return leaving


def leaving_words(leaving: Leaving) -> str:
    """What a leaver's deactivation did, in a sentence."""
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    said = [_sessions_words(leaving.sessions),
            count(leaving.cases, "case", "cases") + " to the unallocated list",
            count(leaving.work, "piece", "pieces") + " of open work to their teams, with no named owner"]
    said += [count(n, "item", "items") + f" of post or messages to {who}" for who, n in leaving.post_to.items()]
    said += [count(n, "escalation", "escalations") + f" waiting to {who}" for who, n in leaving.escalations_to.items()]
    said += [f"{team}'s manager told first is now {who}" for team, who in leaving.managers.items()]
    return "; ".join(said)


def _teams_managed_by(user: User) -> list[Team]:
    return list(db.session.scalars(select(Team).where(Team.manager_id == user.id).order_by(Team.name)))


def _after_manager_left(user: User, teams: list[Team], *, why: str, by: User | None,
                        now: datetime) -> dict[str, str]:
    """The teams' manager told first leaves that place (moved, no longer a duty manager, left):
    the team's one other active duty manager takes it; with none or several, nobody does until an
    administrator chooses (escalations go to the senior managers meanwhile)."""
    replaced = {}
    for team in teams:
        if team.manager_id != user.id:
            continue
        others = [manager for manager in list_duty_managers(team.id) if manager.id != user.id]
        team.manager = others[0] if len(others) == 1 else None
        replaced[team.name] = _person_words(team.manager)
        record_change(AdminChangeKind.TEAM_MANAGER_CHANGED,
                      f"Manager told first: {user.display_name} → {_person_words(team.manager)} "
                      f"({user.display_name} {why})", by=by, now=now, team=team)
    db.session.flush()
    return replaced


def _release_open_work(user: User, *, by: User, now: datetime) -> int:
    """The leaver's open clocks and actions stay with the team holding each, with no named owner:
    the board shows them as the team's unassigned work. Each call's history says so."""
    work = list(db.session.scalars(
        select(Obligation).where(Obligation.worker_id == user.id, Obligation.met_at.is_(None))
        .order_by(Obligation.contact_id, Obligation.due_at, Obligation.id)))
    by_contact: dict[int, list[Obligation]] = {}
    for obligation in work:
        obligation.worker = None
        by_contact.setdefault(obligation.contact_id, []).append(obligation)
    for obligations in by_contact.values():
        teams = sorted({obligation.team.name for obligation in obligations})
        children = {obligation.child_id for obligation in obligations}
        record_event(obligations[0].contact, action="worker_left", by=by, at=now,
                     child=obligations[0].child if len(children) == 1 else None,
                     summary=f"{user.display_name} left: " + "; ".join(
                         f"{o.label} ({o.subject})" for o in obligations)
                     + f" now with {' and '.join(teams)}, with no named owner")
    return len(work)


def _pass_on_post(user: User, directory: Directory) -> dict[str, int]:
    """Post and messages the leaver holds go to the duty manager of the team they came to (or
    whoever stands in for them): an item must have someone to action it."""
    passed: dict[str, int] = {}
    items = db.session.scalars(select(InboxItem).where(InboxItem.holder_id == user.id,
                                                       InboxItem.actioned_at.is_(None)))
    for item in items:
        holder_id = directory.team_manager(item.team_id)
        if holder_id is None:
            raise DomainError(f"{user.display_name} holds post or messages for {item.team.name}, which has no duty "
                              "manager here to take them (none chosen, or away with nobody covering). Choose the "
                              "team's manager told first on its page (or give a member the duty manager role) first")
        item.holder = db.session.get(User, holder_id)
        passed[item.holder.display_name] = passed.get(item.holder.display_name, 0) + 1
    return passed


def _pass_on_escalations(user: User, directory: Directory) -> dict[str, int]:
    """Escalations waiting for the leaver go to their team's duty manager, as the sweep would
    send them now (escalations/sweep.py), or to the senior managers when there is none."""
    passed: dict[str, int] = {}
    waiting = db.session.scalars(select(Escalation).where(Escalation.recipient_id == user.id,
                                                          Escalation.acknowledged_at.is_(None)))
    for escalation in waiting:
        escalation.recipient_id = directory.team_manager(escalation.team_id)
        who = db.session.get(User, escalation.recipient_id).display_name if escalation.recipient_id else \
            "the senior managers"
        passed[who] = passed.get(who, 0) + 1
    return passed


# --- teams ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamChanges:
    """What a team's name, kind and call-form suggestion are to be (the page's one form)."""

    name: str
    kind: TeamKind
    is_suggested_in_office_hours: bool = False
    is_suggested_out_of_hours: bool = False


def _check_team_name(name: str, team: Team | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError("Enter the team's name", "name")
    if len(name) > NAME_LENGTH:
        raise DomainError(f"Enter the team's name in {NAME_LENGTH} characters or fewer", "name")
    same = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if same is not None and same is not team:
        raise DomainError(f"There is already a team called {same.name}"
                          + ("" if same.is_active else " (closed)") + ": choose another name", "name")
    return name


def add_team(changes: TeamChanges, *, by: User | None, now: datetime) -> Team:
    """Add a team of the given kind."""
    team = Team(name=_check_team_name(changes.name), kind=changes.kind, is_active=True)
    _check_administers(by, team, now)
    db.session.add(team)
    db.session.flush()
    record_change(AdminChangeKind.TEAM_ADDED, f"Added {team.name}: {team.kind.label}", by=by, now=now, team=team)
    _set_suggestion(team, changes, by=by, now=now)
    db.session.flush()
    return team


def change_team(team: Team, changes: TeamChanges, *, by: User | None, now: datetime) -> list[AdminChange]:
    """Rename a team, change its kind, or when the call form suggests it; each change is recorded."""
    _check_administers(by, team, now)
    if not team.is_active:
        raise DomainError(f"{team.name} is closed: reopen it to change it")
    done = []
    name = _check_team_name(changes.name, team)
    if name != team.name:
        done.append(record_change(AdminChangeKind.TEAM_RENAMED, f"Name: {team.name} → {name}", by=by, now=now,
                                  team=team))
        team.name = name
    if changes.kind is not team.kind:
        if not changes.kind.takes_handoffs and count_open_work(team.id).total:
            raise DomainError(f"{team.name} holds open work: a contact centre takes no hand-offs. Pass its work "
                              "to another team first", "kind")
        done.append(record_change(AdminChangeKind.TEAM_KIND_CHANGED,
                                  f"Kind: {team.kind.label} → {changes.kind.label}", by=by, now=now, team=team))
        team.kind = changes.kind
    done += _set_suggestion(team, changes, by=by, now=now)
    db.session.flush()
    return done


def _suggestion_words(in_office_hours: bool, out_of_hours: bool) -> str:
    times = [words for words, is_on in (("in office hours", in_office_hours), ("out of hours", out_of_hours))
             if is_on]
    return "suggested " + " and ".join(times) if times else "not suggested"


def _set_suggestion(team: Team, changes: TeamChanges, *, by: User | None, now: datetime) -> list[AdminChange]:
    """When the call form suggests the team. One team at most is suggested in office hours and one
    out of hours: marking this one unmarks any other, and each change is recorded."""
    office, out = changes.is_suggested_in_office_hours, changes.is_suggested_out_of_hours
    if (office or out) and not changes.kind.takes_handoffs:
        raise DomainError(f"A contact centre takes no hand-offs: the call form cannot suggest {team.name}",
                          "suggested")
    done = []
    if office:
        for other in _teams_suggested(Team.is_suggested_in_office_hours, team):
            done.append(_suggest(other, office=False, out=other.is_suggested_out_of_hours,
                                 why=f"{team.name} is suggested in office hours now", by=by, now=now))
    if out:
        for other in _teams_suggested(Team.is_suggested_out_of_hours, team):
            done.append(_suggest(other, office=other.is_suggested_in_office_hours, out=False,
                                 why=f"{team.name} is suggested out of hours now", by=by, now=now))
    if (office, out) != (team.is_suggested_in_office_hours, team.is_suggested_out_of_hours):
        done.append(_suggest(team, office=office, out=out, why="", by=by, now=now))
    return done


def _teams_suggested(column, other_than: Team) -> list[Team]:
    return list(db.session.scalars(select(Team).where(column.is_(True), Team.id != other_than.id)))


def _suggest(team: Team, *, office: bool, out: bool, why: str, by: User | None, now: datetime) -> AdminChange:
    before = _suggestion_words(team.is_suggested_in_office_hours, team.is_suggested_out_of_hours)
    team.is_suggested_in_office_hours, team.is_suggested_out_of_hours = office, out
    return record_change(AdminChangeKind.TEAM_SUGGESTION_CHANGED,
                         f"Call form: {before} → {_suggestion_words(office, out)}" + (f" ({why})" if why else ""),
                         by=by, now=now, team=team)


def choose_team_manager(team: Team, manager: User | None, *, by: User | None, now: datetime) -> AdminChange | None:
    """The duty manager told first about the team's absences, post and escalations (R50): one of
    its active members holding the duty manager role, or nobody (the senior managers are told)."""
    _check_administers(by, team, now)
    if manager is not None and manager not in list_duty_managers(team.id):
        raise DomainError(f"{manager.display_name} is not an active duty manager in {team.name}: choose one of "
                          "the team's duty managers, or give them the role first", "manager_id")
    if (manager.id if manager else None) == team.manager_id:
        return None
    before = team.manager
    team.manager = manager
    db.session.flush()
    return record_change(AdminChangeKind.TEAM_MANAGER_CHANGED,
                         f"Manager told first: {_person_words(before)} → {_person_words(manager)}",
                         by=by, now=now, team=team)


def close_team(team: Team, *, by: User | None, now: datetime) -> AdminChange:
    """Close a team that holds no open work and has no active members: it is no longer offered
    anywhere, and its history stays."""
    _check_administers(by, team, now)
    if not team.is_active:
        raise DomainError(f"{team.name} is already closed")
    work = count_open_work(team.id)
    if work.total:
        raise DomainError(f"{team.name} still holds {work.words}: allocate, transfer or complete it first")
    members = [member for member in team.members if member.is_active]
    if members:
        raise DomainError(f"{team.name} still has {len(members)} active member{'' if len(members) == 1 else 's'}: "
                          "move them to other teams first")
    team.is_active = False
    team.is_suggested_in_office_hours = team.is_suggested_out_of_hours = False
    db.session.flush()
    return record_change(AdminChangeKind.TEAM_CLOSED, f"Closed on {to_london(now):%-d %B %Y}", by=by, now=now,
                         team=team)


def reopen_team(team: Team, *, by: User | None, now: datetime) -> AdminChange:
    """Open a closed team again."""
    _check_administers(by, team, now)
    if team.is_active:
        raise DomainError(f"{team.name} is open already")
    team.is_active = True
    db.session.flush()
    return record_change(AdminChangeKind.TEAM_REOPENED, f"Reopened on {to_london(now):%-d %B %Y}", by=by,
                         now=now, team=team)

