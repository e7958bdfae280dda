"""Absences, cover and workers' post as managers, call handlers and duty workers use them (R50)."""

import html
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.absences import operations as absences
from dutydesk.extensions import db
from dutydesk.models import Absence, InboxChannel, InboxItem, Role, TeamKind, User
from dutydesk.clock import now_utc
from dutydesk.models import Obligation, ObligationKind
from dutydesk.work import operations as work
from dutydesk.work.forms import WHOLE_CALL
from tests.factories import at, create_contact, create_team, create_user, csrf_token, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT


@pytest.fixture
def team():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    south = create_team("Duty South")
    create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    create_user("priya", (Role.DUTY_WORKER,), duty, display_name="Priya Shah")
    create_user("sam", (Role.DUTY_WORKER,), duty, display_name="Sam Okoro")
    duty.manager = create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Birch")
    south.manager = create_user("southboss", (Role.DUTY_MANAGER,), south, display_name="Sue Lam")
    create_user("senior", (Role.SENIOR_MANAGER,), display_name="Sara Reid")
    db.session.commit()
    return duty


def person(username):
    return db.session.scalar(select(User).where(User.username == username))


def signed_in(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def absence_form(worker, **overrides):
    data = {"worker_id": str(worker.id), "starts_date": ["24", "11", "2026"], "starts_time": "",
            "ends_date": ["27", "11", "2026"], "ends_time": "", "cover_id": "", "reason": "Annual leave"}
    data.update(overrides)
    return data


def inbox_form(worker, **overrides):
    data = {"worker_id": str(worker.id), "channel": "post", "sender": "Park Lane Primary School",
            "summary": "Leo's attendance figures for the autumn term; call Ms Fraser back on 020 8800 0001",
            "received_date": ["23", "11", "2026"], "received_time": "09:30"}
    data.update(overrides)
    return data


def away(worker, *, starts, ends, cover=None, now=None):
    absence = absences.record_absence(worker, starts_at=starts, ends_at=ends, cover=cover, reason="Training",
                                      by=person("senior"), now=now or at(NOW))
    db.session.commit()
    return absence


def letter(worker, *, received=None, sender="Park Lane Primary School", now=None):
    received = received or at(NOW) - timedelta(minutes=30)
    item = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender=sender,
                                      summary="Attendance figures for Leo", received_at=received,
                                      by=person("handler"), now=now or received)
    db.session.commit()
    return item


def error_beside(page: str, field: str) -> str:
    """The error message shown beside a field (GOV.UK Frontend puts it in #<field>-error)."""
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


def response_is_refusal(page: str, message: str) -> bool:
    return "There is a problem" in page and message in page


def selected_option(page: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    match = re.search(r'<option value="([^"]*)" selected', select_html)
    return match.group(1) if match else None


def options_of(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)


# Who may use the pages


@freeze_time(NOW)
def test_absence_pages_refuse_duty_workers_and_call_handlers(app, team):
    absence = away(person("priya"), starts=at(NOW) + timedelta(days=1), ends=at(NOW) + timedelta(days=2))
    for username in ("priya", "handler"):
        client = signed_in(app, username)
        assert client.get("/absences").status_code == 403
        assert client.get("/absences/new").status_code == 403
        token = csrf_token(client.get("/my-work" if username == "priya" else "/calls/new").get_data(as_text=True))
        assert client.post(f"/absences/{absence.id}/end", data={"csrf_token": token}).status_code == 403
    db.session.refresh(absence)
    assert absence.ended_by_id is None


@freeze_time(NOW)
def test_call_handlers_record_post_but_only_duty_staff_and_managers_action_it(app, team):
    item = letter(person("priya"))
    handler = signed_in(app, "handler")
    assert handler.get("/inbox-items/new").status_code == 200
    assert handler.get(f"/inbox-items/{item.id}/action").status_code == 403
    assert signed_in(app, "senior").get(f"/inbox-items/{item.id}/action").status_code == 200
    assert signed_in(app, "priya").get("/inbox-items/new").status_code == 200
    assert signed_in(app, "priya").get("/inbox-items/999999/action").status_code == 404


# Recording an absence


@freeze_time(NOW)
def test_the_absence_form_offers_the_managers_own_team_and_suggests_today(app, team):
    page = signed_in(app, "manager").get("/absences/new").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Record an absence</h1>" in page
    workers = options_of(page, "worker_id")
    assert "Priya Shah" in workers and "Sam Okoro" in workers and "Mo Rahman" in workers
    assert "Tom Birch" not in workers and "Hannah Cole" not in workers and "Sara Reid" not in workers
    covers = options_of(page, "cover_id")
    assert "Nobody: their team manager" in covers and "Tom Birch (Duty South)" in covers
    assert re.search(r'id="starts_date-day"[^>]*value="23"', page)
    assert "Leave blank if they are away all day" in page


@freeze_time(NOW)
def test_a_manager_records_a_whole_days_absence_with_cover_and_is_told_where_work_goes(app, team):
    priya, sam = person("priya"), person("sam")
    response = post_form(signed_in(app, "manager"), "/absences/new",
                         absence_form(priya, cover_id=str(sam.id)), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("Priya Shah is away from 00:00 on 24 Nov 2026 to the end of 27 Nov 2026; "
            "new work and post go to Sam Okoro") in page
    [absence] = db.session.scalars(select(Absence)).all()
    assert (absence.worker_id, absence.cover_id, absence.reason, absence.recorded_by.username) == (
        priya.id, sam.id, "Annual leave", "manager")
    assert absence.starts_at == at("2026-11-24 00:00", "Europe/London")
    assert absence.ends_at == at("2026-11-28 00:00", "Europe/London")
    row = re.search(rf'<tr class="govuk-table__row" id="absence-{absence.id}">(.*?)</tr>', page, re.S).group(1)
    assert "Priya Shah" in row and "Sam Okoro" in row and "Annual leave" in row and "Mo Rahman" in row
    assert "To come" in row and "Withdraw" in row


@freeze_time("2026-07-01 08:00:00")  # British Summer Time
def test_times_typed_are_london_times_and_without_cover_the_manager_takes_the_work(app, team):
    response = post_form(signed_in(app, "manager"), "/absences/new",
                         absence_form(person("priya"), starts_date=["1", "7", "2026"], starts_time="13:00",
                                      ends_date=["2", "7", "2026"], ends_time="12:30", reason=""),
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("Priya Shah is away from 13:00 on 1 Jul 2026 to 12:30 on 2 Jul 2026; "
            "new work and post go to their manager, Mo Rahman") in page
    absence = db.session.scalar(select(Absence))
    assert (absence.starts_at, absence.ends_at) == (at("2026-07-01 12:00"), at("2026-07-02 11:30"))
    assert absence.cover_id is None and absence.reason == ""
    assert "Their manager" in page and "Not given" in page


@freeze_time(NOW)
def test_a_refused_absence_says_why_beside_the_field_and_keeps_everything_typed(app, team):
    priya, sam = person("priya"), person("sam")
    client = signed_in(app, "manager")
    page = post_form(client, "/absences/new",
                     absence_form(priya, cover_id=str(sam.id), ends_date=["22", "11", "2026"], ends_time="16:15",
                                  reason="Course in Leeds")).get_data(as_text=True)
    assert "There is a problem" in page
    assert error_beside(page, "ends_date") == "The absence must end after it starts"
    assert selected_option(page, "worker_id") == str(priya.id)
    assert selected_option(page, "cover_id") == str(sam.id)
    assert 'value="Course in Leeds"' in page and 'value="16:15"' in page
    assert re.search(r'id="ends_date-day"[^>]*value="22"', page)

    page = post_form(client, "/absences/new",
                     absence_form(priya, worker_id="", starts_date=["31", "11", "2026"], starts_time="25:00",
                                  cover_id=str(priya.id))).get_data(as_text=True)
    assert error_beside(page, "worker_id") == "Choose who is away"
    assert error_beside(page, "starts_date") == "The first day away must be a real date, like 21 11 2026"
    assert 'value="25:00"' in page

    page = post_form(client, "/absences/new",
                     absence_form(priya, starts_time="25:00", cover_id=str(priya.id))).get_data(as_text=True)
    assert error_beside(page, "starts_time") == (
        "Enter the time the absence starts as hours and minutes on a 24-hour clock, like 14:05")

    page = post_form(client, "/absences/new", absence_form(priya, cover_id=str(priya.id))).get_data(as_text=True)
    assert error_beside(page, "cover_id").startswith("Priya Shah cannot cover for themselves")
    assert db.session.scalars(select(Absence)).all() == []


@freeze_time(NOW)
def test_an_overlapping_absence_is_refused_beside_the_first_day(app, team):
    away(person("priya"), starts=at("2026-11-25 00:00"), ends=at("2026-11-26 00:00"))
    page = post_form(signed_in(app, "manager"), "/absences/new", absence_form(person("priya"))).get_data(as_text=True)
    assert error_beside(page, "starts_date").startswith("Priya Shah is already recorded as away from 00:00 on 25")
    assert len(db.session.scalars(select(Absence)).all()) == 1


@freeze_time(NOW)
def test_a_manager_records_and_sees_only_their_own_teams_absences(app, team):
    tom = person("tom")
    theirs = away(tom, starts=at(NOW), ends=at(NOW) + timedelta(days=1))
    client = signed_in(app, "manager")
    page = post_form(client, "/absences/new", absence_form(tom)).get_data(as_text=True)
    assert error_beside(page, "worker_id") == "Choose who is away from the list"
    assert "Tom Birch" not in client.get("/absences").get_data(as_text=True)
    token = csrf_token(client.get("/absences").get_data(as_text=True))
    refused = client.post(f"/absences/{theirs.id}/end", data={"csrf_token": token})
    assert refused.status_code == 403
    assert ("You cannot change Tom Birch&#39;s absences: it is held by Duty South. Only the managers of Duty South "
            "or a senior manager can. You are in Duty North.") in refused.get_data(as_text=True)
    db.session.refresh(theirs)
    assert theirs.ended_by_id is None and theirs.ends_at == at(NOW) + timedelta(days=1)

    senior = signed_in(app, "senior")
    page = senior.get("/absences").get_data(as_text=True)
    assert "All teams" in page and "Tom Birch" in page and "Duty South" in page and "Away now" in page
    assert "Tom Birch (Duty South)" in options_of(senior.get("/absences/new").get_data(as_text=True), "worker_id")


@freeze_time(NOW)
def test_the_list_shows_current_and_coming_absences_but_not_past_ones(app, team):
    priya, sam = person("priya"), person("sam")
    away(priya, starts=at(NOW) - timedelta(days=3), ends=at(NOW) - timedelta(days=2), now=at(NOW) - timedelta(days=4))
    now_away = away(priya, starts=at(NOW) - timedelta(hours=1), ends=at("2026-11-24 00:00"), cover=sam)
    page = signed_in(app, "manager").get("/absences").get_data(as_text=True)
    assert "1 absence now or to come" in page
    row = re.search(rf'id="absence-{now_away.id}">(.*?)</tr>', page, re.S).group(1)
    assert "Away now" in row and "the end of 23 Nov 2026" in row and "End now" in row


@freeze_time(NOW)
def test_nobody_away_says_so(app, team):
    page = signed_in(app, "manager").get("/absences").get_data(as_text=True)
    assert "Nobody is away" in page and "<table" not in page
    assert 'href="/absences/new"' in page


@freeze_time(NOW)
def test_end_now_ends_a_current_absence_and_withdraws_a_coming_one(app, team):
    priya, sam = person("priya"), person("sam")
    current = away(priya, starts=at(NOW) - timedelta(hours=1), ends=at(NOW) + timedelta(days=1), cover=sam)
    coming = away(sam, starts=at(NOW) + timedelta(days=2), ends=at(NOW) + timedelta(days=3))
    client = signed_in(app, "manager")
    token = csrf_token(client.get("/absences").get_data(as_text=True))
    page = client.post(f"/absences/{current.id}/end", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Priya Shah is back: new work and post go to them again from now" in page
    page = client.post(f"/absences/{coming.id}/end", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Sam Okoro&#39;s absence from 10:00 on 25 Nov 2026 to 10:00 on 26 Nov 2026 is withdrawn" in page
    assert "Nobody is away" in page
    db.session.refresh(current)
    db.session.refresh(coming)
    assert (current.ends_at, current.ended_by.username) == (at(NOW), "manager")
    assert coming.ends_at == coming.starts_at
    page = client.post(f"/absences/{current.id}/end", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert response_is_refusal(page, "This absence ended at 10:00 on 23 November 2026")


# Recording post and messages


@freeze_time(NOW)
def test_the_inbox_form_suggests_now_and_offers_duty_staff(app, team):
    page = signed_in(app, "handler").get("/inbox-items/new").get_data(as_text=True)
    assert "Record post or a message for someone" in page
    assert 'value="10:00"' in page and re.search(r'id="received_date-day"[^>]*value="23"', page)
    workers = options_of(page, "worker_id")
    assert "Priya Shah (Duty North)" in workers and "Tom Birch (Duty South)" in workers
    assert "Hannah Cole" not in workers and "Sara Reid" not in workers
    assert "Telephone message" in page and "4 working hours" in page


@freeze_time(NOW)
def test_a_call_handler_records_post_for_a_worker_who_is_in(app, team):
    priya = person("priya")
    page = post_form(signed_in(app, "handler"), "/inbox-items/new", inbox_form(priya),
                     follow_redirects=True).get_data(as_text=True)
    assert ("Post from Park Lane Primary School for Priya Shah recorded. "
            "Priya Shah must action it by 13:30 on 23 Nov 2026.") in page
    item = db.session.scalar(select(InboxItem))
    assert (item.addressed_to_id, item.holder_id, item.channel, item.recorded_by.username) == (
        priya.id, priya.id, InboxChannel.POST, "handler")
    assert (item.received_at, item.due_at) == (at("2026-11-23 09:30"), at("2026-11-23 13:30"))


@freeze_time(NOW)
def test_a_message_for_an_absent_worker_goes_to_their_cover_and_the_call_handler_is_told(app, team):
    priya, sam = person("priya"), person("sam")
    away(priya, starts=at(NOW) - timedelta(hours=2), ends=at(NOW) + timedelta(days=1), cover=sam)
    page = post_form(signed_in(app, "handler"), "/inbox-items/new",
                     inbox_form(priya, channel="phone", sender="Joan Fraser"),
                     follow_redirects=True).get_data(as_text=True)
    assert ("Telephone message from Joan Fraser for Priya Shah recorded. Priya Shah is away, so it goes to "
            "Sam Okoro, who must action it by 13:30 on 23 Nov 2026.") in page
    assert db.session.scalar(select(InboxItem)).holder_id == sam.id


@freeze_time(NOW)
def test_a_refused_inbox_item_says_why_beside_the_field_and_keeps_everything_typed(app, team):
    priya = person("priya")
    client = signed_in(app, "handler")
    page = post_form(client, "/inbox-items/new",
                     inbox_form(priya, sender=" ", channel="", received_time="10:45")).get_data(as_text=True)
    assert error_beside(page, "sender") == "Enter who it is from"
    assert error_beside(page, "channel") == "Choose whether it is post, an e-mail or a telephone message"
    assert "Leo&#39;s attendance figures" in page and 'value="10:45"' in page
    assert selected_option(page, "worker_id") == str(priya.id)

    page = post_form(client, "/inbox-items/new", inbox_form(priya, received_time="10:45")).get_data(as_text=True)
    assert error_beside(page, "received_date") == "The time it arrived must be now or in the past"
    leaver = create_user("leaver", (Role.DUTY_WORKER,), team, display_name="Lee Vere", is_active=False)
    db.session.commit()
    page = post_form(client, "/inbox-items/new", inbox_form(leaver)).get_data(as_text=True)
    assert error_beside(page, "worker_id") == "Choose who it is for from the list of people working now"
    assert db.session.scalars(select(InboxItem)).all() == []


# Actioning it


@freeze_time(NOW)
def test_the_holder_records_what_was_done_and_it_leaves_their_work(app, team):
    item = letter(person("priya"))
    client = signed_in(app, "priya")
    mine = client.get("/my-work").get_data(as_text=True)
    assert f'href="/inbox-items/{item.id}/action"' in mine
    page = client.get(f"/inbox-items/{item.id}/action").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Post from Park Lane Primary School</h1>" in page
    assert "Attendance figures for Leo" in page and "13:30 on 23 Nov 2026" in page and "On track" in page

    page = post_form(client, f"/inbox-items/{item.id}/action", {"note": "  "}).get_data(as_text=True)
    assert error_beside(page, "note") == "Enter what was done about it"
    page = post_form(client, f"/inbox-items/{item.id}/action", {"note": "Filed on Leo's record"},
                     follow_redirects=True).get_data(as_text=True)
    assert "Post from Park Lane Primary School for Priya Shah actioned" in page
    assert "No post or messages are waiting for you to action" in page
    db.session.refresh(item)
    assert (item.actioned_at, item.actioned_by.username, item.action_note) == (
        at(NOW), "priya", "Filed on Leo's record")
    page = client.get(f"/inbox-items/{item.id}/action").get_data(as_text=True)
    assert "This has been actioned" in page and "Filed on Leo&#39;s record" in page and "<form method" not in \
        page.split("<main")[1]


@freeze_time(NOW)
def test_someone_who_neither_holds_nor_covers_it_is_told_whose_it_is(app, team):
    item = letter(person("priya"))
    client = signed_in(app, "sam")
    response = client.get(f"/inbox-items/{item.id}/action")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    refusal = ("You cannot change post for Priya Shah: it is held by Duty North. Only the managers of Duty North, "
               "Priya Shah (whose work it is) or whoever stands in for them while they are away or a senior "
               "manager can.")
    assert refusal in page.replace("&#39;", "'")
    assert 'name="note"' not in page and "Attendance figures" not in page  # what it says is not shown either
    token = csrf_token(page)
    response = client.post(f"/inbox-items/{item.id}/action", data={"csrf_token": token, "note": "Done"})
    assert response.status_code == 403 and refusal in response.get_data(as_text=True).replace("&#39;", "'")
    db.session.refresh(item)
    assert item.actioned_at is None


# My work


@freeze_time(NOW)
def test_my_work_lists_my_post_soonest_due_first_with_its_state(app, team):
    priya = person("priya")
    letter(priya, received=at("2026-11-20 13:00"), sender="Health visitor")  # Friday: due 09:00 on Monday
    letter(priya, received=at(NOW) - timedelta(minutes=10), sender="Mrs Martin")
    letter(person("sam"), sender="Not mine")
    page = signed_in(app, "priya").get("/my-work").get_data(as_text=True)
    section = page.split('id="post"')[1].split('id="cases"')[0]
    assert "Post and messages: 2 to action, 1 overdue" in section
    rows = re.findall(r'<tr class="govuk-table__row" data-inbox-item="\d+">(.*?)</tr>', section, re.S)
    assert ["Health visitor" in rows[0], "Mrs Martin" in rows[1]] == [True, True]
    assert "Overdue" in rows[0] and "On track" in rows[1]
    assert "Not mine" not in page


def covered_world():
    """Priya holds an action and a letter; she is away from 11:00 with Sam covering."""
    priya, sam = person("priya"), person("sam")
    contact = create_contact(at(NOW) - timedelta(minutes=20), team=priya.team)
    work.add_action(contact, title="Ring the school", owner=priya, due_at=at(NOW) + timedelta(days=1),
                    by=priya, now=at(NOW))
    letter(priya, sender="Park Lane Primary School")
    absence = away(priya, starts=at(NOW) + timedelta(hours=1), ends=at(NOW) + timedelta(days=1), cover=sam)
    return absence


@freeze_time(NOW)
def test_the_cover_sees_the_absent_workers_work_and_post_from_the_start_of_the_absence_and_not_before(app, team):
    absence = covered_world()
    before = signed_in(app, "sam").get("/my-work").get_data(as_text=True)
    assert "Covering for" not in before and "Ring the school" not in before

    with freeze_time(at(NOW) + timedelta(hours=1)):
        during = signed_in(app, "sam").get("/my-work").get_data(as_text=True)
    section = during.split(f'id="covering-{absence.id}"')[1].split('id="cases"')[0]
    assert "Covering for Priya Shah" in section and "away until 10:00 on 24 Nov 2026 (Training)" in section
    assert "Ring the school" in section and "Post from Park Lane Primary School" in section
    assert "On track" in section
    assert "Ring the school" not in during.split('id="covering-')[0]  # still Priya's, not Sam's own

    with freeze_time(at(NOW) + timedelta(days=1)):
        after = signed_in(app, "sam").get("/my-work").get_data(as_text=True)
    assert "Covering for" not in after


@freeze_time(NOW)
def test_the_cover_may_action_the_absent_workers_post(app, team):
    covered_world()
    item = db.session.scalar(select(InboxItem))
    with freeze_time(at(NOW) + timedelta(hours=2)):
        client = signed_in(app, "sam")
        page = client.get(f"/inbox-items/{item.id}/action").get_data(as_text=True)
        assert 'name="note"' in page
        post_form(client, f"/inbox-items/{item.id}/action", {"note": "Rang the school back"})
    db.session.refresh(item)
    assert item.actioned_by.username == "sam"


@freeze_time(NOW)
def test_with_nobody_covering_the_team_manager_sees_the_absent_workers_work(app, team):
    priya = person("priya")
    contact = create_contact(at(NOW) - timedelta(minutes=20), team=priya.team)
    work.add_action(contact, title="Ring the school", owner=priya, due_at=at(NOW) + timedelta(days=1),
                    by=priya, now=at(NOW))
    away(priya, starts=at(NOW), ends=at(NOW) + timedelta(days=1))
    manager_page = signed_in(app, "manager").get("/my-work").get_data(as_text=True)
    assert "Covering for Priya Shah" in manager_page and "Ring the school" in manager_page
    assert "None of Priya Shah's post or messages is waiting to be actioned" in manager_page
    assert "Covering for" not in signed_in(app, "sam").get("/my-work").get_data(as_text=True)
    assert "Covering for" not in signed_in(app, "priya").get("/my-work").get_data(as_text=True)
    assert "Covering for" not in signed_in(app, "southboss").get("/my-work").get_data(as_text=True)


@freeze_time(NOW)
def test_work_and_post_sent_to_the_cover_while_the_worker_is_away_say_whom_they_were_meant_for(app, team):
    priya, sam = person("priya"), person("sam")
    away(priya, starts=at(NOW) - timedelta(hours=1), ends=at(NOW) + timedelta(days=1), cover=sam)
    contact = create_contact(at(NOW) - timedelta(minutes=20), team=priya.team)
    work.add_action(contact, title="Visit the family", owner=priya, due_at=at(NOW) + timedelta(days=1),
                    by=person("manager"), now=at(NOW))
    letter(priya, sender="Mrs Martin")
    db.session.commit()
    page = signed_in(app, "sam").get("/my-work").get_data(as_text=True)
    own = page.split('id="open-work"')[1].split('id="post"')[0]
    post = page.split('id="post"')[1].split("Covering for")[0]
    assert "Visit the family" in own and "Meant for Priya Shah, who was away" in own
    assert "Mrs Martin" in post and "For Priya Shah, who was away" in post


def test_an_action_for_someone_away_goes_to_their_cover_and_the_page_says_so(client):
    duty = create_team("Duty East")
    manager = create_user("east_manager", (Role.DUTY_MANAGER,), duty, display_name="Eve Stone")
    away = create_user("away", (Role.DUTY_WORKER,), duty, display_name="Ada Away")
    cover = create_user("cover", (Role.DUTY_WORKER,), duty, display_name="Cy Cover")
    duty.manager = manager
    now = now_utc()
    absences.record_absence(away, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1),
                            cover=cover, reason="", by=manager, now=now)
    contact = create_contact(now - timedelta(minutes=5), team=duty, now=now)
    db.session.commit()
    sign_in(client, "east_manager")
    due = (now + timedelta(days=2)).date()
    html = post_form(client, f"/calls/{contact.id}/actions/new", {
        "title": "Ring the school", "worker_id": str(away.id), "child": WHOLE_CALL,
        "due_date": [str(due.day), str(due.month), str(due.year)], "due_time": "",
    }, follow_redirects=True).get_data(as_text=True)
    assert "Action added for Cy Cover, standing in for Ada Away, who is away" in html
    action = db.session.scalar(db.select(Obligation).where(Obligation.kind == ObligationKind.ACTION))
    assert action.worker_id == cover.id


# Nobody away is offered as if they were in, and cover cannot go round in a circle.


@freeze_time(NOW)
def test_the_lists_of_people_mark_those_away_and_put_them_after_those_in(app, team):
    away(person("priya"), starts=at(NOW) - timedelta(hours=1), ends=at("2026-12-05 00:00"))
    away(person("sam"), starts=at(NOW) - timedelta(hours=1), ends=at("2026-11-23 15:00"))
    page = signed_in(app, "manager").get("/absences/new").get_data(as_text=True)
    covers = re.findall(r"<option[^>]*>([^<]*)</option>", options_of(page, "cover_id"))
    assert covers == ["Nobody: their team manager", "Mo Rahman (Duty North)", "Sue Lam (Duty South)",
                      "Tom Birch (Duty South)", "Priya Shah (Duty North) — away until 4 Dec",
                      "Sam Okoro (Duty North) — away until 15:00 today"]
    page = signed_in(app, "handler").get("/inbox-items/new").get_data(as_text=True)
    assert "Priya Shah (Duty North) — away until 4 Dec" in options_of(page, "worker_id")


@freeze_time(NOW)
def test_two_people_covering_each_other_is_refused_beside_the_cover_at_the_second_recording(app, team):
    priya, sam = person("priya"), person("sam")
    client = signed_in(app, "manager")
    post_form(client, "/absences/new", absence_form(priya, cover_id=str(sam.id)))

    page = post_form(client, "/absences/new", absence_form(sam, cover_id=str(priya.id))).get_data(as_text=True)

    assert html.unescape(error_beside(page, "cover_id")) == (
        "Priya Shah is away from 00:00 on 24 Nov 2026 to the end of 27 Nov 2026, during this absence: choose "
        "someone who is in then, or leave cover empty for Sam Okoro's team manager to take their work")
    assert selected_option(page, "cover_id") == str(priya.id)
    assert [absence.worker_id for absence in db.session.scalars(select(Absence))] == [priya.id]


@freeze_time(NOW)
def test_post_for_someone_away_with_nobody_in_to_stand_in_says_the_senior_managers_are_told(app, team):
    priya, manager = person("priya"), person("manager")
    away(priya, starts=at(NOW) - timedelta(hours=2), ends=at(NOW) + timedelta(days=1))
    away(manager, starts=at(NOW) - timedelta(hours=2), ends=at(NOW) + timedelta(days=1))
    page = post_form(signed_in(app, "handler"), "/inbox-items/new", inbox_form(priya),
                     follow_redirects=True).get_data(as_text=True)
    assert ("Post from Park Lane Primary School for Priya Shah recorded. Priya Shah is away and nobody is in to "
            "stand in for them, so the senior managers are told of it: it must be actioned by 13:30 on 23 Nov "
            "2026.") in page
