"""Opening and meeting obligations: the one way any clock in dutydesk starts or stops."""

from datetime import datetime

from dutydesk.clock import to_london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, ContactEvent, Obligation, ObligationKind, Team, User
from dutydesk.rules import obligation_state


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
    """Start a clock: something must be done about the contact (or one child) by due_at."""
    obligation = Obligation(
        kind=kind, contact=contact, child=child, team=team, worker=worker,
        created_at=now, due_at=due_at, reason="", details={},
    )
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
            f"at {to_london(obligation.met_at):%H:%M on %-d %B %Y}. Nothing has been changed."
        )
    if at < obligation.contact.received_at:
        raise DomainError(
            f"The time must be after the call was received "
            f"({to_london(obligation.contact.received_at):%H:%M on %-d %B %Y})",
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


def record_event(contact: Contact, *, action: str, summary: str, by: User, at: datetime) -> ContactEvent:
    """Append a line to the contact's history."""
    event = ContactEvent(contact=contact, action=action, summary=summary, by=by, at=at)
    db.session.add(event)
    return event


def describe_meeting(obligation: Obligation, now: datetime) -> str:
    """'on time' or 'late', for the history line that records an obligation being met."""
    return obligation_state(obligation.due_at, obligation.met_at, now).value
