"""R50: actions for someone away go to whoever stands in for them (the page says so), work is not
reassigned to someone away with nobody in to stand in, and the lists of owners mark those away."""

import html
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from dutydesk.absences.operations import record_absence
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Role, TeamKind
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT


@pytest.fixture
def north():
    """Duty North: Mo manages Wes and Olu; Wes is away until the end of 4 December, Olu covering."""
    duty = create_team("Duty North")
    create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    people = {"wes": create_user("wes", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo"),
              "olu": create_user("olu", (Role.DUTY_WORKER,), duty, display_name="Olu Bankole")}
    people["mo"] = duty.manager = create_user("mo", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    record_absence(people["wes"], starts_at=at("2026-11-23 09:00"), ends_at=at("2026-12-05 00:00"),
                   cover=people["olu"], reason="Annual leave", by=people["mo"], now=at("2026-11-20 12:00"))
    people["contact"] = create_contact(at(NOW) - timedelta(minutes=10), team=duty)
    db.session.commit()
    return people


def options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]


@freeze_time(NOW)
def test_the_action_and_reassign_forms_mark_those_away_after_those_in(client, north):
    contact = north["contact"]
    action = work.add_action(contact, title="Ring the school", owner=north["mo"], due_at=at(NOW) + timedelta(days=1),
                             by=north["mo"], now=at(NOW))
    db.session.commit()
    sign_in(client, "mo")
    expected = ["Mo Rahman (Duty North)", "Olu Bankole (Duty North)", "Wes Adebayo (Duty North) — away until 4 Dec"]

    page = client.get(f"/calls/{contact.id}/actions/new").get_data(as_text=True)
    assert options(page, "worker_id") == ["Choose who will do it", *expected]
    page = client.get(f"/calls/{contact.id}/obligations/{action.id}/reassign").get_data(as_text=True)
    assert options(page, "worker_id") == ["Choose who will own it", *expected]


@freeze_time(NOW)
def test_work_reassigned_to_someone_away_goes_to_their_cover_and_the_page_says_so(client, north):
    contact = north["contact"]
    action = work.add_action(contact, title="Ring the school", owner=north["mo"], due_at=at(NOW) + timedelta(days=1),
                             by=north["mo"], now=at(NOW))
    db.session.commit()
    sign_in(client, "mo")

    page = post_form(client, f"/calls/{contact.id}/obligations/{action.id}/reassign",
                     {"worker_id": str(north["wes"].id)}, follow_redirects=True).get_data(as_text=True)

    assert "reassigned to Olu Bankole, standing in for Wes Adebayo, who is away" in page
    db.session.refresh(action)
    assert action.worker == north["olu"]


@freeze_time(NOW)
def test_work_is_not_reassigned_to_someone_away_with_nobody_in_to_stand_in(client, north):
    contact = north["contact"]
    action = work.add_action(contact, title="Ring the school", owner=north["olu"], due_at=at(NOW) + timedelta(days=1),
                             by=north["mo"], now=at(NOW))
    record_absence(north["olu"], starts_at=at(NOW), ends_at=at("2026-11-24 00:00"), cover=None, reason="",
                   by=north["mo"], now=at(NOW))
    record_absence(north["mo"], starts_at=at(NOW), ends_at=at("2026-11-24 00:00"), cover=None, reason="",
                   by=north["mo"], now=at(NOW))
    db.session.commit()

    with pytest.raises(DomainError) as refused:
        work.reassign_obligation(action, to=north["wes"], by=north["olu"], now=at(NOW))

    assert refused.value.message == ("Wes Adebayo is away until 4 Dec, and their work goes to the senior managers: "
                                     "give it to someone who is in")
    assert action.worker == north["olu"]
