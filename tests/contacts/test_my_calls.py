""""Calls I logged": a call handler finds again the calls they logged, with their hand-off clocks."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event, select

from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import RecordView, Role, TeamKind, User
from tests.factories import PASSWORD, at, child_details, create_contact, create_team, create_user, csrf_token, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT: London time is UTC


@pytest.fixture
def front():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    create_user("hal", (Role.CALL_HANDLER,), centre, display_name="Hal Byrne")
    worker = create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    db.session.commit()
    return handler, worker, duty


def logged(front, received_at, name, *, by=None):
    handler, _, duty = front
    return create_contact(received_at, team=duty, by=by or handler, children=[child_details(name=name)])


def handed_off(front, call, at_):
    """Both hand-offs done: the duty worker told, and the call accepted."""
    handler, worker, _ = front
    calls.record_verbal_handoff(call, to=worker, at=at_, by=handler, now=at_)
    calls.accept_handoff(call, by=worker, now=at_ + timedelta(minutes=10))


def shown(page: str) -> list[str]:
    """The children of each call listed, in the order shown."""
    return re.findall(r'data-call="C\d+">\s*<td class="govuk-table__cell">\s*'
                      r'<a class="govuk-link" href="/calls/\d+">([^<]+)<', page)


@freeze_time(NOW)
def test_calls_i_logged_lists_the_last_7_london_days_and_older_open_hand_offs_most_urgent_first(client, front):
    handler, _, _ = front
    now = at(NOW)
    logged(front, now - timedelta(minutes=10), "Ten Minutes")
    logged(front, now - timedelta(minutes=30), "Half Hour")
    handed_off(front, logged(front, now - timedelta(hours=2), "Both Met"), now - timedelta(minutes=110))
    # The first minute of the seventh London day back, and the last minute before it.
    handed_off(front, logged(front, at("2026-11-17 00:00"), "Six Days Ago"), at("2026-11-17 00:10"))
    handed_off(front, logged(front, at("2026-11-16 23:59"), "Seven Days Ago"), at("2026-11-17 00:10"))
    logged(front, now - timedelta(days=10), "Ten Days Open")  # its hand-offs are still open
    hal = db.session.scalar(select(User).where(User.username == "hal"))
    logged(front, now - timedelta(minutes=5), "Someone Else's", by=hal)
    db.session.commit()

    sign_in(client, "handler")
    page = client.get("/calls/mine").get_data(as_text=True)

    assert shown(page) == ["Ten Days Open", "Half Hour", "Ten Minutes", "Both Met", "Six Days Ago"]
    assert "5 calls, most urgent first: 3 with a hand-off still open" in page
    assert "30 minutes left" in page and "50 minutes left" in page
    assert "overdue by 9 days 23 hours" in page
    assert "told Wes Adebayo, 08:10 23 Nov" in page
    assert "accepted by Wes Adebayo, 08:20 23 Nov" in page
    assert page.count(">Duty North<") == 5
    assert '<a class="govuk-link govuk-body-s" href="/calls/' in page  # "Record" the verbal hand-off
    # The children named in the list were seen by the handler, and that is logged.
    views = db.session.scalars(select(RecordView).where(RecordView.user_id == handler.id)).all()
    assert len(views) == 5 and all(view.is_list and view.path == "/calls/mine" for view in views)


@freeze_time("2026-07-08 10:00:00")  # 11:00 BST: the seventh London day back began at 23:00 UTC
def test_the_days_listed_are_london_days(client, front):
    for received, name in ((at("2026-07-01 23:00"), "First BST Minute"), (at("2026-07-01 22:59"), "Day Before")):
        handed_off(front, logged(front, received, name), received + timedelta(minutes=5))
    db.session.commit()

    sign_in(client, "handler")
    page = client.get("/calls/mine").get_data(as_text=True)

    assert shown(page) == ["First BST Minute"]


@freeze_time(NOW)
def test_a_call_handler_with_a_hand_off_open_lands_on_calls_i_logged_after_signing_in(client, front):
    call = logged(front, at(NOW) - timedelta(minutes=20), "Leo Martin")
    db.session.commit()

    response = sign_in(client, "handler")
    assert client.get(response.location).location == "/calls/mine"
    assert "Calls I logged" in client.get("/calls/mine").get_data(as_text=True)

    # Once both hand-offs are done, they start on a new call again.
    handed_off(front, call, at(NOW) - timedelta(minutes=15))
    db.session.commit()
    assert client.get("/").location == "/calls/new"


@freeze_time(NOW)
def test_where_a_person_was_going_wins_over_calls_i_logged(client, front):
    logged(front, at(NOW) - timedelta(minutes=20), "Leo Martin")
    db.session.commit()
    page = client.get("/login?next=/calls/new").get_data(as_text=True)
    response = client.post("/login?next=/calls/new",
                           data={"csrf_token": csrf_token(page), "username": "handler", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/calls/new"


@freeze_time(NOW)
def test_a_duty_worker_who_logged_a_call_still_starts_on_my_work(client, front):
    _, worker, _ = front
    logged(front, at(NOW) - timedelta(minutes=20), "Leo Martin", by=worker)
    db.session.commit()
    sign_in(client, "worker")
    assert client.get("/").location == "/my-work"


@freeze_time(NOW)
def test_calls_i_logged_is_in_the_menu_of_those_who_log_calls_and_refused_to_others(client, front):
    sign_in(client, "handler")
    page = client.get("/calls/mine").get_data(as_text=True)
    assert "You have logged no calls in the last 7 days." in page
    assert 'href="/calls/mine"' in client.get("/calls/new").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})

    sign_in(client, "senior")
    assert 'href="/calls/mine"' not in client.get("/board", follow_redirects=True).get_data(as_text=True)
    response = client.get("/calls/mine")
    assert response.status_code == 403
    assert "This page is for a" in response.get_data(as_text=True)


@freeze_time(NOW)
def test_calls_i_logged_reads_a_fixed_number_of_queries_however_many_calls(client, front):
    sign_in(client, "handler")
    logged(front, at(NOW) - timedelta(minutes=5), "Open Child")
    handed_off(front, logged(front, at(NOW) - timedelta(minutes=50), "Met Child"), at(NOW) - timedelta(minutes=45))
    db.session.commit()
    with_one = statements_for(client, "/calls/mine")
    for n in range(20):
        call = logged(front, at(NOW) - timedelta(hours=n + 1), f"Child {n}")
        if n % 2:
            handed_off(front, call, at(NOW) - timedelta(hours=n + 1) + timedelta(minutes=5))
    db.session.commit()
    assert statements_for(client, "/calls/mine") <= with_one


def statements_for(client, url: str) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
