"""Who may change which record: the one rule of access by role and team (DESIGN.md §1).

A role (permissions.py) says what kind of thing a person may do; this module says on which
records. Changes to a call, its clocks, its children's decisions, a case, an action, post or an
absence are for

- members of the team that holds the record: the call's team, the current team of a child's
  case, the team a clock or an item of post is with;
- the person whose own work it is (the clock's owner, the case's allocated worker, the holder of
  the post), and whoever stands in for them while they are away (R50);
- senior managers, in any team.

The call handler who logged a call may still record its verbal hand-off (they own that clock).
Reading stays open to front-door staff across teams, because the front door must see a child's
history; every page that shows a child is logged (pages.py). Post and messages are the
exception: only those who may action an item may open it. Being an administrator gives no
access to children's records; staff accounts and teams are changed by administrators, whatever
their team, and by nobody else.

Every view declares its rule with `@requires(permission, reads=..., changes=...)`: the record
named in the URL is loaded once (a 404 when there is none) and, for a change, asked about here
before the view runs; a refusal is a 403 page that says why and who can do it. Operations ask
`check_may_change` again, so that no other way in (a command, a later page) skips the rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatch, wraps

from flask import abort, g, has_request_context
from flask_login import current_user, login_required

from dutydesk import permissions
from dutydesk.absences.directory import Directory
from dutydesk.children.queries import list_open_work
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import (
    Absence,
    Assessment,
    Child,
    ChildAddress,
    ChildName,
    Contact,
    ContactChild,
    Escalation,
    FileAudit,
    FileAuditFile,
    IdentifiedNeed,
    InboxItem,
    Obligation,
    ObligationKind,
    Plan,
    Referral,
    Role,
    Section47Enquiry,
    StrategyDiscussion,
    Service,
    Team,
    Transfer,
    User,
)


class AccessRefused(Exception):
    """A change refused by the rule of access by team; the message says why and who can."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Holders:
    """Who holds a record: its teams, the people whose own work it is, and how to name it."""

    #: The record in a few words, without a child's name: "call C000123", "the case from call C000123".
    what: str
    teams: tuple[Team, ...] = ()
    #: The people whose own work it is; whoever stands in for them while they are away may act too.
    owners: tuple[User, ...] = ()
    #: Only the teams' managers, not every member (post and messages, escalations, absences).
    is_managers_only: bool = False
    #: A staff account or a team: administrators change it, whatever their team, and nobody else.
    is_administered: bool = False
    #: Held by no team (a child's record with no open work): whoever's role allows the change may make it.
    is_unheld: bool = False


def _holding_team(contact: Contact, child: ContactChild | None) -> Team:
    """The team that holds a child's work: their case's current team, or the call's team."""
    referral = child.referral if child is not None else None
    return referral.team if referral is not None else contact.team


def _people(*people: User | None) -> tuple[User, ...]:
    unique = {person.id: person for person in people if person is not None}
    return tuple(unique.values())


def _teams(*teams: Team | None) -> tuple[Team, ...]:
    unique = {team.id: team for team in teams if team is not None}
    return tuple(unique.values())


@singledispatch
def holders_of(record) -> Holders:
    raise TypeError(f"no rule of access for {type(record).__name__}")


@holders_of.register
def _(contact: Contact) -> Holders:
    # The call's team, and the teams now holding the cases of its children.
    return Holders(f"call {contact.reference}",
                   teams=_teams(contact.team, *(_holding_team(contact, child) for child in contact.children)))


@holders_of.register
def _(child: ContactChild) -> Holders:
    referral = child.referral
    screening = next((o for o in child.contact.obligations
                      if o.kind is ObligationKind.SCREENING_DECISION and o.child_id == child.id and o.met_at is None),
                     None)
    return Holders(f"a child of call {child.contact.reference}", teams=_teams(_holding_team(child.contact, child)),
                   owners=_people(referral.worker if referral is not None else None,
                                  screening.worker if screening is not None else None))


@holders_of.register
def _(obligation: Obligation) -> Holders:
    what = f"'{obligation.kind.label}' on call {obligation.contact.reference}"
    if obligation.kind is ObligationKind.TRANSFER_ACCEPTANCE:
        # R42: the team the case is sent to accepts it, never the team sending it.
        return Holders(what, teams=_teams(obligation.team))
    owners = [obligation.worker]
    if obligation.kind is ObligationKind.VERBAL_HANDOFF:
        owners.append(obligation.contact.logged_by)
    return Holders(what, teams=_teams(obligation.team, _holding_team(obligation.contact, obligation.child)),
                   owners=_people(*owners))


@holders_of.register
def _(referral: Referral) -> Holders:
    return Holders(f"the case from call {referral.contact.reference}", teams=_teams(referral.team),
                   owners=_people(referral.worker))


@holders_of.register
def _(enquiry: Section47Enquiry) -> Holders:
    return holders_of(enquiry.referral)


@holders_of.register
def _(plan: Plan) -> Holders:
    return holders_of(plan.referral)


@holders_of.register
def _(discussion: StrategyDiscussion) -> Holders:
    # As its child of the call: the case's team and worker, or the call's team (R51).
    return holders_of(discussion.child)


@holders_of.register
def _(assessment: Assessment) -> Holders:
    # What happens after the referral is the case's: its team, its worker, senior managers.
    return holders_of(assessment.referral)


@holders_of.register
def _(need: IdentifiedNeed) -> Holders:
    return holders_of(need.assessment.referral)


@holders_of.register
def _(service: Service) -> Holders:
    return holders_of(service.need.assessment.referral)


@holders_of.register
def _(transfer: Transfer) -> Holders:
    return Holders(f"the transfer of the case from call {transfer.referral.contact.reference} to "
                   f"{transfer.to_team.name}", teams=_teams(transfer.to_team))


@holders_of.register
def _(item: InboxItem) -> Holders:
    return Holders(f"{item.channel.label.lower()} for {item.addressed_to.display_name}", teams=_teams(item.team),
                   owners=_people(item.holder, item.addressed_to), is_managers_only=True)


@holders_of.register
def _(absence: Absence) -> Holders:
    return Holders(f"{absence.worker.display_name}'s absences", teams=_teams(absence.worker.team),
                   is_managers_only=True)


@holders_of.register
def _(escalation: Escalation) -> Holders:
    return Holders("this escalation", teams=_teams(escalation.team), owners=_people(escalation.recipient),
                   is_managers_only=True)


@holders_of.register
def _(audit: FileAudit) -> Holders:
    # R30: an audit of files across every team is the senior managers' (who act in any team) alone.
    return Holders(f"the file audit drawn on {audit.drawn_at:%-d %B %Y}")


@holders_of.register
def _(file: FileAuditFile) -> Holders:
    return holders_of(file.audit)


@holders_of.register
def _(child: Child) -> Holders:
    # The teams working with the child now correct their record; a record no team holds (no open
    # call or case) may be corrected by any duty team, the next to meet the child. Every change
    # is in the record's history with who and when.
    work = list_open_work(child.id)
    what = f"the record of child {child.reference}"
    if not work:
        return Holders(what, is_unheld=True)
    return Holders(what, teams=_teams(*(item.team for item in work)),
                   owners=_people(*(referral.worker for item in work for referral in item.referrals)))


@holders_of.register
def _(name: ChildName) -> Holders:
    return holders_of(name.child)


@holders_of.register
def _(address: ChildAddress) -> Holders:
    return holders_of(address.child)


@holders_of.register
def _(user: User) -> Holders:
    return Holders(f"{user.display_name}'s account", is_administered=True)


@holders_of.register
def _(team: Team) -> Holders:
    return Holders(f"the team {team.name}", is_administered=True)


def _directory(now: datetime) -> Directory:
    """Who stands in for whom now, read once a request (a page asks about many records)."""
    if not has_request_context():
        return Directory.load(now)
    if "access_directory" not in g:
        g.access_directory = Directory.load(now)
    return g.access_directory


def may_change(user: User, record, *, now: datetime | None = None) -> bool:
    """Whether the person may change the record: by team, as its owner or their stand-in, or as a senior."""
    if not (user.is_authenticated and user.is_active):
        return False
    holders = holders_of(record)
    if holders.is_administered:
        return user.has_any_role(permissions.ADMINISTER)
    if holders.is_unheld or user.has_any_role(permissions.ACT_IN_ANY_TEAM):
        return True
    if any(owner.id == user.id for owner in holders.owners):
        return True
    if user.team_id is not None and any(team.id == user.team_id for team in holders.teams):
        if not holders.is_managers_only or user.has_any_role(permissions.SOCIAL_CARE_MANAGER):
            return True
    if holders.owners:
        directory = _directory(now or now_utc())
        return any(directory.stand_in(owner.id) == user.id for owner in holders.owners if owner.id != user.id)
    return False


def check_may_change(user: User, record, *, now: datetime | None = None) -> None:
    """Refuse, saying why and who can, unless the person may change the record."""
    if not may_change(user, record, now=now):
        raise AccessRefused(refusal(user, holders_of(record)))


def refusal(user: User, holders: Holders) -> str:
    """Why the person cannot change the record, and who can."""
    if holders.is_administered:
        return f"You cannot change {holders.what}. Only a dutydesk administrator can."
    who = [f"the managers of {team.name}" if holders.is_managers_only else f"members of {team.name}"
           for team in holders.teams]
    if holders.owners:
        names = _words([owner.display_name for owner in holders.owners])
        who.append(f"{names} (whose work it is) or whoever stands in for them while they are away")
    who.append("a senior manager")
    held_by = _words([team.name for team in holders.teams], "and")
    yours = f"You are in {user.team.name}." if user.team is not None else "You are in no team."
    return (f"You cannot change {holders.what}" + (f": it is held by {held_by}." if held_by else ".")
            + f" Only {_words(who)} can. {yours}")


def _words(items: list[str], last: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'."""
    return ", ".join(items[:-1]) + f" {last} {items[-1]}" if len(items) > 1 else "".join(items)


def role_refusal(permission: frozenset[Role]) -> str:
    """Why the person's roles do not reach a page, and who they would need to be."""
    needed = _words(sorted(role.label.lower() for role in permission))
    yours = sorted(role.label.lower() for role in current_user.roles) or ["no role"]
    return (f"This page is for a {needed}. You are signed in as {current_user.display_name} "
            f"({', '.join(yours)}). If you need it for your work, ask your manager or the dutydesk "
            "administrator to change your roles.")


# --- what each page is about ------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The record a page is about: how to load it from the page's URL arguments."""

    name: str
    load: Callable[..., object | None]
    #: Whether reading it is restricted to those who may change it (post and messages).
    is_read_restricted: bool = False


@dataclass(frozen=True)
class Rule:
    """What a page declares: the record it reads or changes, or none (a list, a new record)."""

    subject: Subject | None
    is_change: bool

    def record(self, kwargs: dict):
        return self.subject.load(**kwargs) if self.subject is not None else None


def requires(permission: frozenset[Role], *, reads: Subject | None = None, changes: Subject | None = None,
             no_record: bool = False):
    """Let a view run only for a signed-in person holding one of the permission's roles, and who
    may change the record it changes (or read the record it reads).

    Every view declares one of `reads=`, `changes=` or `no_record=True` (a page about no single
    record: a list, or a form that makes a new record). The record is loaded before the view
    runs, a 404 when it does not exist.
    """
    if sum((reads is not None, changes is not None, no_record)) != 1:
        raise TypeError("declare exactly one of reads=, changes= or no_record=True")
    rule = Rule(subject=changes or reads, is_change=changes is not None)

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_any_role(permission):
                abort(403, description=role_refusal(permission))
            if rule.subject is not None:
                record = rule.record(kwargs)
                if record is None:
                    abort(404)
                if rule.is_change or rule.subject.is_read_restricted:
                    check_may_change(current_user, record)
            return view(*args, **kwargs)

        guarded.required_permission = permission
        guarded.access_rule = rule
        return guarded

    return decorator


def init_app(app) -> None:
    """A refusal by team is a 403 page that says why and who can; nothing is changed."""
    from flask import render_template

    @app.errorhandler(AccessRefused)
    def refused(error: AccessRefused):
        db.session.rollback()
        return render_template("errors/403.html", message=error.message), 403

    @app.template_global()
    def can_change(permission: frozenset[Role], record) -> bool:
        """Whether to offer a link that changes the record: the role, and the rule by team."""
        return permissions.can(permission) and may_change(current_user, record)
