"""Starting a ladder when work opens, and acknowledging an escalation."""

from datetime import datetime

from dutydesk.access import check_may_change
from dutydesk.errors import DomainError
from dutydesk.models import Escalation, User
from dutydesk.models.escalations import Escalating
from dutydesk.rules import LADDERS


def start_ladder(item: Escalating, ladder_name: str, *, created_at: datetime, due_at: datetime) -> None:
    """Set the first step of the item's escalation ladder (the sweep takes it from there)."""
    ladder = LADDERS[ladder_name]
    level = ladder.first_step(created_at, due_at)
    item.escalation_level = level
    item.escalates_at = ladder.step_at(level, due_at)


def acknowledge(escalation: Escalation, *, by: User, now: datetime, note: str = "") -> Escalation:
    """Record that someone has seen the escalation and is dealing with it: the person told (or whoever
    stands in for them), the team's managers, or a senior manager (access.py)."""
    check_may_change(by, escalation, now=now)
    if escalation.acknowledged_at is not None:
        raise DomainError(f"{escalation.acknowledged_by.display_name} acknowledged this already. Nothing has been changed.")
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.acknowledgement = note.strip()
    return escalation


def describe(escalation: Escalation) -> str:
    """What escalated, in a few words: "Written hand-off accepted by the duty team, Leo Martin"."""
    if escalation.obligation is not None:
        return f"{escalation.obligation.label}, {escalation.obligation.subject}"
    item = escalation.inbox_item
    return f"{item.label} for {item.addressed_to.display_name}"
