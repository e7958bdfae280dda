"""Two duty teams, their managers and workers, a senior manager and a director, and cases made
through the real operations: referred, allocated, unallocated with a reason, or closed."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Referral, Role, ScreeningOutcome, Team, TeamKind, User
from dutydesk.models.codes import ConcernCategory
from tests.factories import at, child_details, create_contact, create_team, create_user

#: A Monday in November (GMT, so London and UTC agree).
MONDAY = at("2026-11-23 10:00")


@dataclass
class World:
    north: Team
    south: Team
    handler: User  # Hannah, a call handler
    worker: User  # Wes, a duty worker in Duty North
    manager: User  # Maya, Duty North's duty manager
    south_manager: User  # Grace, Duty South's duty manager
    senior: User  # Simon, a senior manager
    director: User  # Diane, the director


@pytest.fixture
def world() -> World:
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty North"), create_team("Duty South")
    people = dict(
        handler=create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole"),
        worker=create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo"),
        manager=create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel"),
        south_manager=create_user("south", (Role.DUTY_MANAGER,), south, display_name="Grace Lin"),
        senior=create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid"),
        director=create_user("director", (Role.DIRECTOR,), None, display_name="Diane Okoro"),
    )
    for person in people.values():
        person.email = f"{person.username}@example.invalid"
    north.manager, south.manager = people["manager"], people["south_manager"]
    db.session.commit()
    return World(north=north, south=south, **people)


def refer(world: World, name: str, received_at: datetime = MONDAY, *, team: Team | None = None,
          category: ConcernCategory = ConcernCategory.NEGLECT) -> Referral:
    """A call about the child, accepted and referred to children's social care: an unallocated case."""
    team = team or world.north
    worker = world.worker if team is world.north else world.south_manager
    contact = create_contact(received_at, team=team, by=world.handler, children=[child_details(name=name)],
                             concern_category=category)
    calls.accept_handoff(contact, by=worker, now=received_at + timedelta(minutes=10))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Needs an assessment", by=worker, now=received_at + timedelta(minutes=20))
    return cases.get_referral(contact.children[0])
