"""The people the returns' tests work as."""

import pytest

from dutydesk.models import Role, TeamKind
from tests.factories import create_team, create_user


@pytest.fixture
def people():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    return {"team": north, "handler": create_user("handler", (Role.CALL_HANDLER,), centre),
            "worker": create_user("worker", (Role.DUTY_WORKER,), north),
            "manager": create_user("manager", (Role.DUTY_MANAGER,), north)}
