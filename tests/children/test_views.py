"""The child's record as people use it: what it shows, who may change it, the forms, repeat
counts on the call, case and board, and the access log of who has seen the child."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import ChildName, RecordView, Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import InterpreterNeed
from tests.factories import at, child_details, create_contact, create_team, create_user, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
RECEIVED = at("2026-11-23 09:00")


@pytest.fixture
def world():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty North"), create_team("Duty South")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Evans")
    create_user("sue", (Role.DUTY_MANAGER,), south, display_name="Sue Lam")
    create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    # Anna: referred in North months ago; today's call about her (as "Ana") is South's.
    first = create_contact(at("2026-06-01 10:00"), team=north, by=handler, children=[child_details(
        name="Anna Kouao", address="Flat 4, 12 Somerset Gardens, London N17 8JX", first_language="French",
        interpreter_need=InterpreterNeed.NEEDED)])
    calls.accept_handoff(first, by=worker, now=at("2026-06-01 10:30"))
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=at("2026-06-01 11:00"))
    anna = first.children[0].child
    today = create_contact(RECEIVED, team=south, by=handler, children=[child_details(
        name="Ana Kouao", address="Flat 4, 12 Somerset Gardens, London N17 8JX", record=anna,
        interpreter_need=InterpreterNeed.NEEDED)])
    db.session.commit()
    return {"anna": anna, "first": first, "today": today, "referral": cases.get_referral(first.children[0])}


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ").split())


def views() -> list[tuple]:
    return db.session.execute(select(RecordView.contact_id, RecordView.path, RecordView.is_list)
                              .order_by(RecordView.id)).all()


@freeze_time(NOW)
def test_the_record_shows_names_details_addresses_every_call_and_case_and_the_other_teams_work(client, world):
    sign_in(client, "tom")
    anna = world["anna"]
    response = client.get(f"/children/{anna.id}")
    page = text_of(response)
    assert response.status_code == 200
    assert f"Child's record {anna.reference} Anna Kouao" in page
    assert "Anna Kouao Given: Anna; family: Kouao Legal or current name" in page
    assert "Ana Kouao Given: Ana; family: Kouao Other spelling or alias" in page
    assert "Flat 4, 12 Somerset Gardens, London N17 8JX" in page and "French" in page
    assert "Open work in other teams" in page and "Anna Kouao has open work held by Duty North" in page
    assert f"Duty North: case from call {world['first'].reference} , unallocated" in page
    calls_table = text_of_table(response, "calls-table")
    assert calls_table.index(world["today"].reference) < calls_table.index(world["first"].reference)
    assert "Duty South" in calls_table and "Ana Kouao" in calls_table and "Open" in calls_table
    assert "Duty North Unallocated" in text_of_table(response, "cases-table")
    # Every call about the child is logged as seen, from the child's page.
    assert views() == [(world["first"].id, f"/children/{anna.id}", False),
                       (world["today"].id, f"/children/{anna.id}", False)]


def text_of_table(response, table_id: str) -> str:
    table = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(id=table_id)
    return " ".join(table.get_text(" ").split())


@freeze_time(NOW)
def test_the_holding_team_sees_no_warning_of_its_own_work_and_everyone_else_does(client, world):
    sign_in(client, "worker")
    page = text_of(client.get(f"/children/{world['anna'].id}"))
    assert "Open work in other teams" in page and "Duty South: call" in page  # South's call today
    assert "Duty North: case" not in page


@freeze_time(NOW)
def test_a_call_handler_may_read_the_record_but_is_offered_no_change_and_an_administrator_not_even_that(client, world):
    sign_in(client, "handler")
    page = client.get(f"/children/{world['anna'].id}").get_data(as_text=True)
    assert "Anna Kouao" in page and "Add a name or alias" not in page and "See who has viewed" not in page
    assert client.get(f"/children/{world['anna'].id}/names/new").status_code == 403
    admin = create_user("admin", (Role.ADMIN,), None)
    db.session.commit()
    client.post("/logout", data={})
    sign_in(client, admin.username)
    assert client.get(f"/children/{world['anna'].id}").status_code == 403


@freeze_time(NOW)
def test_a_name_added_shows_on_the_record_and_a_refused_one_keeps_what_was_typed(client, world):
    sign_in(client, "worker")
    url = f"/children/{world['anna'].id}/names/new"
    refused = post_form(client, url, {"kind": "known_as", "full_name": "Nana K", "from_date": ["1", "12", "2026"]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "The date from cannot be in the future" in page
    assert 'value="Nana K"' in page and 'value="known_as" checked' in page
    saved = post_form(client, url, {"kind": "known_as", "full_name": "Nana K", "from_date": ["1", "11", "2026"]},
                      follow_redirects=True)
    assert "Nana K added to the record as &#39;known as&#39;" in saved.get_data(as_text=True)
    assert "Nana K Given: Nana; family: K Known as From 1 Nov 2026 until now" in text_of(saved)
    assert db.session.scalar(select(func.count()).select_from(ChildName)) == 3


@freeze_time(NOW)
def test_another_team_cannot_change_a_record_their_team_does_not_hold(client, world):
    # Anna's open work is North's case and South's call: a third team is refused, and told who can.
    west = create_team("Duty West")
    create_user("wendy", (Role.DUTY_WORKER,), west)
    db.session.commit()
    sign_in(client, "wendy")
    response = client.get(f"/children/{world['anna'].id}/addresses/new")
    assert response.status_code == 403
    assert ("it is held by Duty North and Duty South. Only members of Duty North, members of Duty South or a "
            "senior manager can. You are in Duty West.") in text_of(response)


@freeze_time(NOW)
def test_an_address_added_and_ended_stays_on_the_record_as_former(client, world):
    sign_in(client, "worker")
    anna = world["anna"]
    post_form(client, f"/children/{anna.id}/addresses/new", {"address": "2 Bruce Grove, London N17 6RA",
                                                              "from_date": ["20", "11", "2026"]})
    address = anna.addresses[0]
    ended = post_form(client, f"/children/{anna.id}/addresses/{address.id}/end", {"on": ["19", "11", "2026"]},
                      follow_redirects=True)
    table = text_of_table(ended, "addresses")
    assert table.index("2 Bruce Grove") < table.index("Somerset Gardens")
    assert "Flat 4, 12 Somerset Gardens, London N17 8JX Former From a date not known until 19 Nov 2026" in table
    again = post_form(client, f"/children/{anna.id}/addresses/{address.id}/end", {"on": ["20", "11", "2026"]})
    assert "already says this address ended on 19 November 2026" in again.get_data(as_text=True)


@freeze_time(NOW)
def test_the_details_are_corrected_and_a_wrong_upn_is_refused_beside_its_field(client, world):
    sign_in(client, "manager")
    url = f"/children/{world['anna'].id}/details"
    refused = post_form(client, url, {"sex": "F", "ethnicity": "BAFR", "disabilities": ["HEAR"],
                                      "upn": "A801200005001"})
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert "The UPN's first letter does not match the rest" in soup.find(id="upn-error").get_text()
    assert soup.find(id="upn")["value"] == "A801200005001" and soup.find(id="sex-2").has_attr("checked")
    saved = post_form(client, url, {"sex": "F", "ethnicity": "BAFR", "disabilities": ["HEAR"],
                                    "upn": "B801200005001"}, follow_redirects=True)
    page = text_of(saved)
    assert "Sex Female" in page and "Ethnicity African" in page and "Disability Hearing" in page
    assert "Unique Pupil Number B801200005001" in page
    assert "Maya Patel: Sex: Not known, not recorded, or unborn → Female; Ethnicity: not yet known → African" in page


@freeze_time(NOW)
def test_the_call_page_links_to_the_record_counts_earlier_contacts_and_records_the_interpreter(client, world):
    sign_in(client, "tom")
    today, anna = world["today"], world["anna"]
    response = client.get(f"/calls/{today.id}")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    child = today.children[0]
    assert soup.find(id=f"record-{child.id}")["href"] == f"/children/{anna.id}"
    earlier = soup.find(id=f"earlier-{child.id}")
    assert earlier.get_text(" ", strip=True) == "1 earlier contact and 1 referral"
    assert earlier["href"] == f"/children/{anna.id}#calls"
    url = f"/calls/{today.id}/children/{child.id}/interpreter"
    refused = post_form(client, url, {"is_used": "no", "reason": ""})
    assert "Ana Kouao needs an interpreter: say why none was used" in refused.get_data(as_text=True)
    saved = post_form(client, url, {"is_used": "no", "reason": "None free for French today"}, follow_redirects=True)
    assert "Interpreter used No: None free for French today" in text_of(saved)


@freeze_time(NOW)
def test_the_case_page_and_the_board_show_the_earlier_contacts_and_referrals(client, world):
    sign_in(client, "manager")
    case = BeautifulSoup(client.get(f"/cases/{world['referral'].id}").get_data(as_text=True), "html.parser")
    assert case.find(id="child-record")["href"] == f"/children/{world['anna'].id}"
    assert case.find(id="earlier").get_text(strip=True) == "None in the last 12 months"  # the first call
    client.post("/logout")
    sign_in(client, "sue")
    board = BeautifulSoup(client.get("/board").get_data(as_text=True), "html.parser")
    child = world["today"].children[0]
    link = board.find(id=f"earlier-{world['today'].id}-{child.id}")
    assert link.get_text(" ", strip=True) == "1 earlier contact and 1 referral"
    assert link["href"] == f"/children/{world['anna'].id}#calls"


@freeze_time(NOW)
def test_a_manager_sees_who_viewed_the_child_and_the_lists_that_showed_them_newest_first(client, world, app):
    anna = world["anna"]
    with freeze_time("2026-11-23 09:10:00"):
        sign_in(client, "tom")
        client.get("/board")  # Ana in South's list; opening her call just after is logged too
        client.get(f"/calls/{world['today'].id}")
        client.post("/logout")
    with freeze_time("2026-11-23 09:20:00"):
        sign_in(client, "worker")
        client.get(f"/children/{anna.id}")
        client.post("/logout")
    sign_in(client, "manager")
    response = client.get(f"/children/{anna.id}/views")
    rows = [" ".join(tr.get_text(" ").split()) for tr in
            BeautifulSoup(response.get_data(as_text=True), "html.parser").select("#views tbody tr")]
    assert rows == [
        f"09:20:00 on 23 Nov 2026 Wes Adebayo Duty North The record /children/{anna.id}",
        "09:10:00 on 23 Nov 2026 Tom Evans Duty South In a list /board",
        f"09:10:00 on 23 Nov 2026 Tom Evans Duty South The record /calls/{world['today'].id}",
    ]
    assert "3 views, newest first" in text_of(response)
    # Opening the access log is itself a view of the record, logged for the next to look.
    assert views()[-1][1:] == (f"/children/{anna.id}/views", False)
    sign_in(client, "worker")
    assert client.get(f"/children/{anna.id}/views").status_code == 403  # for managers only


@freeze_time(NOW)
def test_the_access_log_is_paginated(client, world):
    from dutydesk.children import queries

    anna = world["anna"]
    sign_in(client, "manager")
    for minute in range(3):
        with freeze_time(f"2026-11-23 09:0{minute}:00"):
            client.get(f"/children/{anna.id}")
    first, second = queries.list_views(anna.id, 1, per_page=2), queries.list_views(anna.id, 2, per_page=2)
    assert (first.total, first.pages, len(first.views), len(second.views)) == (3, 2, 2, 1)
    assert queries.list_views(anna.id, 99, per_page=2).number == 2
    page = client.get(f"/children/{anna.id}/views?page=1").get_data(as_text=True)
    assert "3 views, newest first" in page  # its own view is logged once the page is built


@freeze_time(NOW)
def test_a_record_that_does_not_exist_is_not_found(client, world):
    sign_in(client, "worker")
    assert client.get("/children/99999").status_code == 404
    assert client.get(f"/children/{world['anna'].id}/names/99999/end").status_code == 404


@freeze_time(NOW)
def test_the_records_chronology_has_every_call_about_the_child_whatever_they_were_called(client, world):
    sign_in(client, "tom")
    anna = world["anna"]
    response = client.get(f"/children/{anna.id}/chronology")
    page = text_of(response)
    assert response.status_code == 200 and f"Child's record {anna.reference}" in page
    assert f"Call {world['first'].reference}" in page and f"Call {world['today'].reference}" in page
    assert {contact_id for contact_id, path, _ in views()} == {world["first"].id, world["today"].id}
