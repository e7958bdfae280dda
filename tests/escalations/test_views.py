"""The escalations page, the header's count and the board's panel, as managers and workers use them."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Escalation, ObligationKind, Role, TeamKind
from dutydesk.rules import EscalationLevel
from tests.factories import at, create_contact, create_team, create_user, csrf_token, sign_in

RECEIVED = "2026-11-23 10:00:00"  # a Monday, GMT: the hand-offs are due at 11:00


@pytest.fixture
def north():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    duty.manager = create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    contact_centre.manager = create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    create_contact(at(RECEIVED), team=duty, by=handler)
    db.session.commit()
    return duty


def escalations_to(username: str, level: EscalationLevel) -> list[Escalation]:
    return [e for e in db.session.scalars(select(Escalation).where(Escalation.level == level))
            if (e.recipient.username if e.recipient else None) == username]


def header_count(html: str) -> int:
    match = re.search(r'id="escalations-waiting">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_the_header_counts_what_is_waiting_for_you_and_acknowledging_takes_it_off(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=61))  # the written hand-off is a minute overdue
    [overdue] = [e for e in escalations_to("manager", EscalationLevel.MANAGER)
                 if e.obligation.kind is ObligationKind.WRITTEN_HANDOFF]
    with freeze_time(at(RECEIVED) + timedelta(minutes=62)):
        sign_in(client, "manager")
        page = client.get("/escalations").get_data(as_text=True)
        # The warning (the team's written hand-off has no named owner: its manager is warned)
        # and level 1 of both hand-offs: the call handler's verbal one went to its own manager.
        waiting = header_count(page)
        assert waiting == len([e for e in db.session.scalars(select(Escalation))
                               if e.recipient and e.recipient.username == "manager"])
        assert waiting >= 2
        assert "Written hand-off accepted by the duty team" in page and "Overdue: duty manager" in page
        response = client.post(f"/escalations/{overdue.id}/acknowledge", data={"csrf_token": csrf_token(page)},
                               follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Acknowledged: overdue: duty manager, Written hand-off accepted by the duty team" in html
    assert header_count(html) == waiting - 1
    db.session.refresh(overdue)
    assert overdue.acknowledged_by.username == "manager"
    assert overdue.acknowledged_at == at(RECEIVED) + timedelta(minutes=62)
    acknowledged = html[html.index('id="acknowledged"'):]
    assert f'id="escalation-{overdue.id}"' in acknowledged and "Mo Rahman" in acknowledged


def test_a_worker_cannot_acknowledge_a_managers_escalation_and_nothing_changes(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=61))
    overdue = escalations_to("manager", EscalationLevel.MANAGER)[0]
    sign_in(client, "worker")
    page = client.get("/escalations").get_data(as_text=True)
    assert "Nothing is waiting for you" in page
    refused = client.post(f"/escalations/{overdue.id}/acknowledge", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 403
    html = refused.get_data(as_text=True).replace("&#39;", "'")
    assert "You cannot change this escalation: it is held by Duty North. Only the managers of Duty North" in html
    db.session.refresh(overdue)
    assert overdue.acknowledged_at is None


def test_the_senior_managers_see_level_two_and_the_board_shows_the_teams_unacknowledged(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=90))  # half an hour past the deadline
    level_two = db.session.scalars(select(Escalation).where(Escalation.level == EscalationLevel.SENIOR)).all()
    assert level_two and all(e.recipient_id is None for e in level_two)
    with freeze_time(at(RECEIVED) + timedelta(minutes=91)):
        sign_in(client, "senior")
        page = client.get("/escalations").get_data(as_text=True)
        assert "Overdue: senior manager" in page and "Senior managers" in page
        # Level 2 goes to every senior manager; this one also manages the contact centre, whose
        # call handler's verbal hand-off reached him at level 1.
        as_contact_centre_manager = escalations_to("senior", EscalationLevel.MANAGER)
        assert len(as_contact_centre_manager) == 1
        assert header_count(page) == len(level_two) + 1
        board = client.get(f"/board?team={north.id}").get_data(as_text=True)
    in_team = [e for e in db.session.scalars(select(Escalation)) if e.team_id == north.id and e.level >= 1]
    assert re.search(rf'id="escalations-count">{len(in_team)}<', board)
    assert "Acknowledge escalations" in board


def test_nothing_waiting_shows_no_count_and_says_so(client, north):
    sign_in(client, "manager")
    page = client.get("/escalations").get_data(as_text=True)
    assert header_count(page) == 0 and "Nothing is waiting for you" in page
    assert "No escalation waiting to be acknowledged" in client.get("/board").get_data(as_text=True)


def test_a_page_reads_the_headers_count_once(client, north):
    from sqlalchemy import event

    sign_in(client, "manager")
    counts = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM escalations" in statement and "recipient_id" in statement and "count(" in statement.lower():
            counts.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/my-work").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(counts) == 1


def test_the_page_says_when_each_kind_of_work_escalates(client, north):
    sign_in(client, "worker")
    page = client.get("/escalations").get_data(as_text=True)
    row = re.search(r"Verbal hand-off to the duty team</th>(.*?)</tr>", page, re.S).group(1)
    assert "15 minutes before the deadline" in row and "30 minutes after it" in row
    assert "Post, e-mail or telephone message actioned" in page


def test_the_calls_record_lists_each_step_taken_and_who_acknowledged_it(client, north):
    from dutydesk.escalations.operations import acknowledge
    from dutydesk.models import Contact

    sweep(at(RECEIVED) + timedelta(minutes=61))
    overdue = [e for e in escalations_to("manager", EscalationLevel.MANAGER)
               if e.obligation.kind is ObligationKind.WRITTEN_HANDOFF][0]
    manager = overdue.recipient
    acknowledge(overdue, by=manager, now=at(RECEIVED) + timedelta(minutes=65))
    db.session.commit()
    contact_id = db.session.scalar(select(Contact.id))
    with freeze_time(at(RECEIVED) + timedelta(minutes=66)):
        sign_in(client, "manager")
        page = client.get(f"/calls/{contact_id}").get_data(as_text=True)
    row = page[page.index('data-kind="written_handoff"'):]
    row = row[:row.index("</tr>")]
    assert "Warning: Mo Rahman, 11:01 23 Nov" in row  # both steps issued by the sweep at 11:01
    assert "Overdue: duty manager: Mo Rahman, 11:01 23 Nov; acknowledged by Mo Rahman, 11:05 23 Nov" in row


def test_the_boards_announcement_says_how_many_escalations_wait(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=61))
    waiting = len([e for e in db.session.scalars(select(Escalation)) if e.team_id == north.id and e.level >= 1])
    with freeze_time(at(RECEIVED) + timedelta(minutes=62)):
        sign_in(client, "manager")
        live = client.get(f"/board/live?team={north.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert waiting == 1
    assert re.search(r'data-summary="[^"]*; 1 escalated and not yet acknowledged"', live)


def test_an_acknowledgement_keeps_its_note_shown_with_it_on_the_escalations_page_and_the_call(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=61))
    [overdue] = [e for e in escalations_to("manager", EscalationLevel.MANAGER)
                 if e.obligation.kind is ObligationKind.WRITTEN_HANDOFF]
    with freeze_time(at(RECEIVED) + timedelta(minutes=62)):
        sign_in(client, "manager")
        page = client.get("/escalations").get_data(as_text=True)
        assert re.search(rf'<label [^>]*for="note-{overdue.id}">Note \(optional\)', page)
        response = client.post(f"/escalations/{overdue.id}/acknowledge", follow_redirects=True, data={
            "csrf_token": csrf_token(page), "note": "  Rang Wes: he is accepting it now  "})
        html = response.get_data(as_text=True)
        call = client.get(f"/calls/{overdue.obligation.contact_id}").get_data(as_text=True)
    assert f'id="escalation-{overdue.id}-note">Note: Rang Wes: he is accepting it now<' in html
    assert "acknowledged by Mo Rahman, 11:02 23 Nov: &ldquo;Rang Wes: he is accepting it now&rdquo;" in call
    db.session.refresh(overdue)
    assert overdue.acknowledgement == "Rang Wes: he is accepting it now"


def test_an_acknowledgement_without_a_note_shows_none_and_a_note_too_long_acknowledges_nothing(client, north):
    sweep(at(RECEIVED) + timedelta(minutes=61))
    first, second = [e for e in db.session.scalars(select(Escalation).order_by(Escalation.id))
                     if e.recipient and e.recipient.username == "manager"][:2]
    with freeze_time(at(RECEIVED) + timedelta(minutes=62)):
        sign_in(client, "manager")
        token = csrf_token(client.get("/escalations").get_data(as_text=True))
        html = client.post(f"/escalations/{first.id}/acknowledge", data={"csrf_token": token},
                           follow_redirects=True).get_data(as_text=True)
        assert f'id="escalation-{first.id}-note"' not in html
        refused = client.post(f"/escalations/{second.id}/acknowledge", data={"csrf_token": token, "note": "x" * 301},
                              follow_redirects=True).get_data(as_text=True)
    assert "Keep the note to 300 characters or fewer: nothing was acknowledged" in refused
    db.session.refresh(second)
    assert second.acknowledged_at is None
