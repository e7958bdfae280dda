"""Opening and meeting obligations: the one way any clock in dutydesk starts or stops."""

from datetime import datetime

from dutydesk.absences.operations import route_new_work
from dutydesk.absences.queries import get_away
from dutydesk.access import check_may_change
from dutydesk.display import london
from dutydesk.errors import DomainError
from dutydesk.escalations.operations import start_ladder
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, ContactEvent, Obligation, ObligationKind, Team, User


def open_obligation(
    kind: ObligationKind,
    *,
    contact: Contact,
    team: Team,
    due_at: datetime,
    now: datetime,
    child: ContactChild | None = None,
    worker: User | None = None,
) -> Obligation:
    """Start a clock: something must be done about the contact (or one child) by due_at.

    Work for a worker who is away goes to whoever stands in for them (R50), and the
    obligation's escalation ladder starts.
    """
    details = {}
    if worker is not None:
        owner = route_new_work(worker, now)  # None: nobody is in to stand in, so it is the team's
        if owner is not worker:
            details["meant_for"] = worker.display_name
            worker = owner
    obligation = Obligation(
        kind=kind, contact=contact, child=child, team=team, worker=worker,
        created_at=now, due_at=due_at, reason="", details=details,
    )
    start_ladder(obligation, kind.value, created_at=now, due_at=due_at)
    db.session.add(obligation)
    return obligation


def meet_obligation(
    obligation: Obligation,
    *,
    at: datetime,
    by: User,
    now: datetime,
    details: dict | None = None,
    reason: str = "",
) -> Obligation:
    """Stop a clock: record when the obligation was met and by whom. It cannot be met twice."""
    if obligation.met_at is not None:
        raise DomainError(
            f"{obligation.kind.label} was already recorded by {obligation.met_by.display_name} "
            f"at {london(obligation.met_at, '%H:%M on %-d %B %Y')}. Nothing has been changed."
        )
    if at < obligation.contact.received_at:
        raise DomainError(
            f"The time must be after the call was received "
            f"({london(obligation.contact.received_at, '%H:%M on %-d %B %Y')})",
            field="at",
        )
    if at > now:
        raise DomainError("The time must be now or in the past", field="at")
    obligation.met_at = at
    obligation.met_by = by
    obligation.details = {**(obligation.details or {}), **(details or {})}
    if reason.strip():
        obligation.reason = reason.strip()
    return obligation


def record_event(contact: Contact, *, action: str, summary: str, by: User, at: datetime,
                 child: ContactChild | None = None) -> ContactEvent:
    """Append a line to the contact's history; `child` is the child of the call it is about, when
    it is about one (the child's chronology reads it)."""
    event = ContactEvent(contact=contact, action=action, summary=summary, by=by, at=at, contact_child=child)
    db.session.add(event)
    return event


def withdraw_obligation(obligation: Obligation, *, reason: str, by: User, now: datetime) -> Obligation:
    """Close an obligation that is no longer needed, with the reason; its clock stops."""
    if obligation.met_at is not None:
        return obligation
    obligation.met_at = now
    obligation.met_by = by
    obligation.is_withdrawn = True
    obligation.reason = reason
    return obligation


def reassign_obligation(obligation: Obligation, *, to: User, by: User, now: datetime) -> Obligation:
    """Give an open obligation to another named worker, who owns it from now (or whoever stands
    in for them while they are away: R50)."""
    check_may_change(by, obligation, now=now)
    if obligation.met_at is not None:
        raise DomainError(f"{obligation.label} is already done: there is nothing to reassign")
    if not to.is_active:
        raise DomainError(f"{to.display_name} is no longer active: choose someone working now", "worker_id")
    chosen, to = to, route_new_work(to, now)
    if to is None:  # nobody is in to stand in for them
        raise DomainError(get_away(chosen, now).refusal("give it to", now), "worker_id")
    if obligation.worker is to:
        raise DomainError(f"{to.display_name} already owns it: choose the person who is to take it over", "worker_id")
    details = {key: value for key, value in (obligation.details or {}).items() if key != "meant_for"}
    obligation.details = {**details, "meant_for": chosen.display_name} if to is not chosen else details
    previous = obligation.worker.display_name if obligation.worker else obligation.team.name
    obligation.worker = to
    if to.team is not None:
        obligation.team = to.team
    record_event(obligation.contact, action="reassigned", by=by, at=now, child=obligation.child,
                 summary=f"{obligation.label} ({obligation.subject}) reassigned from {previous} to {to.display_name}"
                         + (f", standing in for {chosen.display_name}, who is away" if to is not chosen else ""))
    db.session.flush()
    return obligation


def add_action(contact: Contact, *, title: str, owner: User, due_at: datetime, by: User, now: datetime,
               child: ContactChild | None = None) -> Obligation:
    """R19: something to be done about a call or a child, with a named owner and a deadline."""
    check_may_change(by, child or contact, now=now)
    if not title.strip():
        raise DomainError("Enter what must be done", "title")
    if not owner.is_active:
        raise DomainError(f"{owner.display_name} is no longer active: choose someone working now", "worker_id")
    if due_at <= now:
        raise DomainError("The action must be due in the future", "due_date")
    action = open_obligation(ObligationKind.ACTION, contact=contact, child=child, team=owner.team or contact.team,
                             worker=owner, due_at=due_at, now=now)
    action.title = title.strip()[:300]
    record_event(contact, action="action_added", by=by, at=now, child=child,
                 summary=f"Action for {owner.display_name}, due {london(due_at, '%H:%M on %-d %B %Y')}: {action.title}")
    db.session.flush()
    return action


def complete_action(action: Obligation, *, by: User, now: datetime, note: str = "") -> Obligation:
    """Record that an action has been done."""
    check_may_change(by, action, now=now)
    if action.kind is not ObligationKind.ACTION:
        raise DomainError(f"{action.kind.label} is recorded on its own page, not completed as an action")
    meet_obligation(action, at=now, by=by, now=now, details={"note": note.strip()} if note.strip() else None)
    record_event(action.contact, action="action_done", by=by, at=now, child=action.child,
                 summary=f"Action done: {action.title}" + (f" ({note.strip()})" if note.strip() else ""))
    db.session.flush()
    return action
