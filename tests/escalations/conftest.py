"""A contact centre and a duty team with a manager each, and helpers to read what escalated."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Escalation, Obligation, Role, Team, TeamKind, User
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user

#: A Monday in November (GMT, so London and UTC agree): hand-offs logged now are due at 11:00.
RECEIVED = at("2026-11-23 10:00")


@dataclass
class Front:
    """Who is who at the front door in these tests."""

    contact_centre: Team
    duty: Team
    handler: User  # Hannah, a call handler: owns the verbal hand-offs of the calls she logs
    centre_manager: User  # Cal, the contact centre's manager
    worker: User  # Wes, a duty worker in Duty North
    colleague: User  # Cora, another duty worker, who covers for Wes
    manager: User  # Mo, Duty North's duty manager
    deputy: User  # Dee, a duty manager who covers for Mo
    senior: User  # Simon, a senior manager


@pytest.fixture
def front() -> Front:
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    people = dict(
        handler=create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole"),
        centre_manager=create_user("centre", (Role.DUTY_MANAGER,), contact_centre, display_name="Cal Evans"),
        worker=create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo"),
        colleague=create_user("colleague", (Role.DUTY_WORKER,), duty, display_name="Cora Lind"),
        manager=create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman"),
        deputy=create_user("deputy", (Role.DUTY_MANAGER,), duty, display_name="Dee Okafor"),
        senior=create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid"),
    )
    contact_centre.manager = people["centre_manager"]
    duty.manager = people["manager"]
    db.session.commit()
    return Front(contact_centre=contact_centre, duty=duty, **people)


def call(front: Front, received_at: datetime = RECEIVED, **overrides):
    """A call about Leo Martin logged by Hannah for Duty North, with every clock it starts."""
    return create_contact(received_at, team=front.duty, by=front.handler, **overrides)


def quiet_call(front: Front, received_at: datetime = RECEIVED):
    """A call put through to Wes and accepted by him at once: of its own clocks only the screening
    decision (due the next working day) is still running, so an action added to it is what escalates."""
    contact = call(front, received_at, is_put_through=True, put_through_to=front.worker)
    calls.accept_handoff(contact, by=front.worker, now=received_at)
    return contact


def add_action(front: Front, contact, *, due_at: datetime, owner: User | None = None,
               now: datetime = RECEIVED) -> Obligation:
    return work.add_action(contact, title="Ring the school back", owner=owner or front.worker, due_at=due_at,
                           by=front.manager, now=now)


def escalations(**where) -> list[Escalation]:
    """Every escalation recorded (in the order issued), optionally of one obligation or level."""
    statement = select(Escalation).order_by(Escalation.id)
    if "obligation" in where:
        statement = statement.where(Escalation.obligation_id == where["obligation"].id)
    if "level" in where:
        statement = statement.where(Escalation.level == where["level"])
    return list(db.session.scalars(statement))


def steps(obligation: Obligation) -> list[tuple[EscalationLevel, str | None, datetime, datetime]]:
    """The obligation's ladder as issued: (level, who was told, when due, when issued)."""
    return [(e.level, e.recipient.username if e.recipient else None, e.due_at, e.issued_at)
            for e in escalations(obligation=obligation)]
