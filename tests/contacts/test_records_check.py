"""R2.5: the records check while the call is taken, as the call handler meets it on the call form:
the children already known offered with why, chosen or not, and the check recorded on the call."""

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import func, select, update

from dutydesk.cases import operations as cases
from dutydesk.children.chronology import KINDS_RECORDED
from dutydesk.children.chronology import ChronologyKind as K
from dutydesk.children.chronology import list_chronology
from dutydesk.extensions import db
from dutydesk.models import Child, Contact, ContactEvent, RecordsCheck, RecordView, Role, ScreeningOutcome, TeamKind
from tests.factories import (
    at,
    child_details,
    create_contact,
    create_team,
    create_user,
    csrf_token,
    log_call_form,
    sign_in,
    submission_token,
)

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
LIKELY_KNOWN = "dutydesk already knows a child who may be this one: choose them, or &#39;None of these&#39;"
ANA = {"children-0-name": "Ana Kouao", "children-0-date_of_birth": ["2", "11", "2018"],
       "children-0-address": "12 Somerset Gdns, N17 8JX", "children-0-approximate_age": ""}


@pytest.fixture
def world():
    """Anna Kouao, known to Duty North, whose case is open there; a call handler; Duty South."""
    centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                            create_team("Duty South"))
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    first = create_contact(at("2026-11-20 09:00"), team=north, by=handler, children=[child_details(
        name="Anna Kouao", date_of_birth=date(2018, 11, 2), approximate_age=None,
        address="Flat 4, 12 Somerset Gardens, London N17 8JX")])
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=at("2026-11-20 11:00"))
    db.session.commit()
    return {"first": first, "anna": first.children[0].child, "north": north, "south": south}


def tokens(client) -> dict:
    page = client.get("/calls/new").get_data(as_text=True)
    return {"csrf_token": csrf_token(page), "submission_token": submission_token(page)}


def check(client, team, row="0", **typed):
    """Post the call form as htmx does when the handler types in a child's row."""
    return client.post("/calls/records-check", data={**tokens(client), **log_call_form(team.id, **typed),
                                                       "row": row})


def log(client, team, **typed):
    return client.post("/calls/new", data={**tokens(client), **log_call_form(team.id, **typed)})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text_of(html: str, selector: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(selector)
    assert found is not None, f"nothing matches {selector}"
    return " ".join(found.get_text().split())


@freeze_time(NOW)
def test_a_child_known_under_another_spelling_is_offered_with_why_their_open_work_and_its_team(client, world):
    sign_in(client, "handler")
    response = check(client, world["south"], **ANA)
    html = response.get_data(as_text=True)
    anna = world["anna"]

    assert response.status_code == 200
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find()
    assert root.name == "div" and root["id"] == "records-check-0"
    offered = text_of(html, "#records-check-0")
    assert f"Anna Kouao, {anna.reference} Likely the same child" in offered
    assert "Born 2 Nov 2018" in offered
    assert "Lives at Flat 4, 12 Somerset Gardens, London N17 8JX" in offered
    assert "Matched on: similar first name (Ana / Anna), same surname, same date of birth" in offered
    assert (f"Open work in Duty North: a case from call {world['first'].reference}; call "
            f"{world['first'].reference} with clocks running (not the duty team you chose for this call)") in offered
    radios = [(radio["name"], radio["value"]) for radio in soup.select("input[type=radio]")]
    assert radios == [("children-0-record", str(anna.id)), ("children-0-record", "new")]
    assert "None of these: make a new record" in offered
    assert soup.select_one(f"a[href='/children/{anna.id}']") is not None
    # That the list showed Anna is logged against her call.
    views = db.session.scalars(select(RecordView).where(RecordView.path == "/calls/records-check")).all()
    assert [(view.contact_id, view.is_list) for view in views] == [(world["first"].id, True)]


@freeze_time(NOW)
def test_the_same_team_is_not_called_another(client, world):
    sign_in(client, "handler")
    offered = text_of(check(client, world["north"], **ANA).get_data(as_text=True), "#records-check-0")
    assert "Open work in Duty North" in offered and "not the duty team you chose" not in offered


@freeze_time(NOW)
def test_nobody_known_says_how_many_children_were_weighed(client, world):
    create_contact(at("2026-11-21 09:00"), team=world["north"], children=[child_details(
        name="Zofia Nowak", address="3 Lordship Lane, London N17 6RA")])
    db.session.commit()
    sign_in(client, "handler")
    html = check(client, world["south"], **{"children-0-name": "Zofia Nowakowska",
                                            "children-0-address": "99 Other Road, London E1 1AA"}).get_data(as_text=True)
    assert text_of(html, "#records-check-0") == "No child known with these details (0 weighed). Saving the call makes a new record."


@freeze_time(NOW)
def test_each_row_is_checked_on_its_own_and_a_date_that_cannot_be_read_is_left_out(client, world):
    sign_in(client, "handler")
    typed = {**ANA, "children-0-date_of_birth": ["31", "2", "2018"], "children-1-name": "Leo Martin",
             "children-1-address": "22 Park Lane, London N17"}
    first = text_of(check(client, world["south"], **typed).get_data(as_text=True), "#records-check-0")
    assert "Anna Kouao" in first and "date of birth" not in first.split("Matched on:")[1]
    second = check(client, world["south"], row="1", **typed).get_data(as_text=True)
    assert BeautifulSoup(second, "html.parser").find()["id"] == "records-check-1"
    assert "Anna Kouao" not in second


@freeze_time(NOW)
def test_a_row_that_is_not_a_number_is_refused_and_a_missing_one_is_the_first(client, world):
    sign_in(client, "handler")
    assert check(client, world["south"], row="x", **ANA).status_code == 400
    assert check(client, world["south"], row="12", **ANA).status_code == 400
    missing = client.post("/calls/records-check", data={**tokens(client), **log_call_form(world["south"].id, **ANA)})
    assert "Anna Kouao" in text_of(missing.get_data(as_text=True), "#records-check-0")
    nothing = client.post("/calls/records-check", data=tokens(client)).get_data(as_text=True)
    assert "As you type the child's name" in text_of(nothing, "#records-check-0")


@freeze_time(NOW)
def test_only_those_who_log_calls_may_check_records(client, world):
    create_user("admin", (Role.ADMIN,), None)
    db.session.commit()
    sign_in(client, "worker")
    assert "Anna Kouao" in check(client, world["south"], **ANA).get_data(as_text=True)
    client.post("/logout", data=tokens(client))
    sign_in(client, "admin")
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    response = client.post("/calls/records-check", data={"csrf_token": csrf_token(page), **ANA})
    assert response.status_code == 403 and "Anna" not in response.get_data(as_text=True)


@freeze_time(NOW)
def test_check_records_without_a_script_shows_the_row_keeps_everything_typed_and_saves_nothing(client, world):
    sign_in(client, "handler")
    calls_before = count(Contact)
    response = client.post("/calls/new", data={**tokens(client), **log_call_form(
        world["south"].id, **ANA, save=None, check_row="0", concern="She arrives hungry")})
    html = response.get_data(as_text=True)

    assert response.status_code == 200 and count(Contact) == calls_before
    assert "There is a problem" not in html
    assert f"Anna Kouao, {world['anna'].reference} Likely the same child" in text_of(html, "#records-check-0")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#children-0-name")["value"] == "Ana Kouao"
    assert soup.select_one("#children-0-address").get_text() == "12 Somerset Gdns, N17 8JX"
    assert soup.select_one("#children-0-date_of_birth-year")["value"] == "2018"
    assert soup.select_one("#concern").get_text() == "She arrives hungry"
    assert soup.select_one("#referrer_name")["value"] == "Joan Fraser"
    button = soup.select_one("button[name=check_row]")
    assert button["value"] == "0" and button["formaction"] == "/calls/new#records-check-0"


@freeze_time(NOW)
def test_a_likely_child_left_unanswered_is_refused_beside_the_row_with_nothing_lost_or_written(client, world):
    sign_in(client, "handler")
    rows_before = (count(Contact), count(Child), count(RecordsCheck))
    response = log(client, world["south"], **ANA)
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert (count(Contact), count(Child), count(RecordsCheck)) == rows_before
    assert LIKELY_KNOWN in html
    error = BeautifulSoup(html, "html.parser").select_one("#children-0-record-error")
    assert "dutydesk already knows a child who may be this one" in error.get_text()
    assert error.find_parent(id="records-check-0") is not None  # beside the row, with the candidates
    assert 'href="#children-0-record"' in html  # the error summary leads to the first radio
    assert BeautifulSoup(html, "html.parser").select_one("#children-0-name")["value"] == "Ana Kouao"


@freeze_time(NOW)
def test_linking_a_known_child_records_the_check_with_its_reasons_and_the_calls_history_says_so(client, world):
    sign_in(client, "handler")
    anna = world["anna"]
    response = log(client, world["south"], **ANA, **{"children-0-record": str(anna.id)})
    assert response.status_code == 302
    contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()))
    child = contact.children[0]
    assert child.child_id == anna.id

    recorded = db.session.scalar(select(RecordsCheck))
    assert (recorded.contact_child_id, recorded.child_id, recorded.is_linked) == (child.id, anna.id, True)
    assert (recorded.checked_by.username, recorded.checked_at) == ("handler", at(NOW))
    assert recorded.weighed >= 1
    assert recorded.offered[0]["child_id"] == anna.id and recorded.offered[0]["is_likely"] is True
    assert "same date of birth" in recorded.offered[0]["reasons"]
    outcome = f"Linked to {anna.reference}, matched on similar first name (Ana / Anna), same surname, same date of birth"
    assert recorded.outcome.startswith(outcome)
    history = db.session.scalars(select(ContactEvent.summary).where(ContactEvent.contact_id == contact.id)).all()
    assert f"Ana Kouao: {recorded.outcome}" in history

    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    shown = text_of(page, f"#check-outcome-{child.id}")
    assert shown == recorded.outcome
    assert "by Hannah Cole, 10:00 on 23 Nov 2026" in page


@freeze_time("2026-07-01 09:15:00")  # 10:15 BST
def test_the_call_page_shows_when_the_check_was_made_in_london_time(client, world):
    sign_in(client, "handler")
    log(client, world["south"], **{"children-0-name": "Zed Quinn", "children-0-address": "1 High Road, London N22 1AA"})
    contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()))
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "by Hannah Cole, 10:15 on 1 Jul 2026" in page


@freeze_time(NOW)
def test_a_child_nobody_knows_gets_a_new_record_and_the_check_says_no_match_among_those_weighed(client, world):
    sign_in(client, "handler")
    assert log(client, world["south"], **{"children-0-name": "Zed Quinn",
                                          "children-0-address": "1 High Road, London N22 1AA"}).status_code == 302
    recorded = db.session.scalar(select(RecordsCheck))
    assert recorded.is_linked is False and recorded.offered == []
    assert recorded.outcome == f"New record {recorded.child.reference}: no match among {recorded.weighed} children weighed"
    history = db.session.scalars(select(ContactEvent.summary).where(
        ContactEvent.contact_id == recorded.contact_child.contact_id)).all()
    assert f"Zed Quinn: {recorded.outcome}" in history


@freeze_time(NOW)
def test_none_of_these_makes_a_new_record_and_says_the_children_offered_were_not_this_child(client, world):
    sign_in(client, "handler")
    assert log(client, world["south"], **ANA, **{"children-0-record": "new"}).status_code == 302
    recorded = db.session.scalar(select(RecordsCheck))
    assert recorded.child_id != world["anna"].id and recorded.is_linked is False
    assert recorded.outcome == (f"New record {recorded.child.reference}: none of the 1 children offered "
                                f"(of {recorded.weighed} weighed) was this child")


@freeze_time(NOW)
def test_a_possible_child_alone_does_not_stop_the_save(client, world):
    sign_in(client, "handler")
    # Same surname and street, another first name and no date: a brother or sister, at most possible.
    offered = text_of(check(client, world["south"], **{"children-0-name": "Kofi Kouao",
                                                        "children-0-address": "12 Somerset Gardens, N17 8JX"})
                      .get_data(as_text=True), "#records-check-0")
    assert "Possible" in offered and "Likely" not in offered
    assert log(client, world["south"], **{"children-0-name": "Kofi Kouao",
                                          "children-0-address": "12 Somerset Gardens, N17 8JX"}).status_code == 302
    assert db.session.scalar(select(RecordsCheck)).is_linked is False


@freeze_time(NOW)
def test_a_record_merged_into_another_is_refused_naming_the_one_to_choose(client, world):
    anna = world["anna"]
    other = create_contact(at("2026-11-21 09:00"), team=world["north"], children=[child_details(
        name="Anna Kuao", address="Somewhere, London")]).children[0].child
    db.session.execute(update(Child).where(Child.id == other.id).values(merged_into_id=anna.id))
    db.session.commit()
    sign_in(client, "handler")
    before = count(Contact)
    response = log(client, world["south"], **ANA, **{"children-0-record": str(other.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Contact) == before
    assert f"{other.reference} was merged into {anna.reference}: choose that one" in html


@freeze_time(NOW)
def test_a_record_that_does_not_exist_or_an_answer_never_offered_is_refused(client, world):
    sign_in(client, "handler")
    for answer in ("999999", "anna"):
        response = log(client, world["south"], **ANA, **{"children-0-record": answer})
        assert response.status_code == 200
        assert "Choose one of the children offered, or &#39;None of these: make a new record&#39;" in \
            response.get_data(as_text=True)
    assert count(Contact) == 1


@freeze_time(NOW)
def test_a_choice_made_stays_chosen_when_the_form_is_refused_for_something_else(client, world):
    sign_in(client, "handler")
    anna = world["anna"]
    for typed in (ANA, {**ANA, "children-0-name": "Ana K"}):  # still offered; or, typed on, no longer
        response = log(client, world["south"], **typed, **{"children-0-record": str(anna.id), "concern": ""})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Enter the nature of the concern" in html
        chosen = BeautifulSoup(html, "html.parser").select_one("input[name='children-0-record'][checked]")
        assert chosen is not None and chosen["value"] == str(anna.id)


@freeze_time(NOW)
def test_any_call_handler_may_link_a_child_known_to_any_team(client, world):
    sign_in(client, "handler")
    anna = world["anna"]
    assert log(client, world["south"], **ANA, **{"children-0-record": str(anna.id)}).status_code == 302
    assert log(client, world["north"], **ANA, **{"children-0-record": str(anna.id)}).status_code == 302
    assert [check.child_id for check in db.session.scalars(select(RecordsCheck))] == [anna.id, anna.id]


@freeze_time(NOW)
def test_the_check_is_in_the_childs_chronology_with_who_made_it(client, world):
    sign_in(client, "handler")
    anna = world["anna"]
    log(client, world["south"], **ANA, **{"children-0-record": str(anna.id)})
    recorded = db.session.scalar(select(RecordsCheck))
    events = list_chronology([recorded.contact_child_id], kinds=[K.RECORDS_CHECK])
    assert [(event.at, event.summary, event.by, event.child_id) for event in events] == [
        (at(NOW), f"Records check: {recorded.outcome}", "Hannah Cole", recorded.contact_child_id)]
    assert K.RECORDS_CHECK in KINDS_RECORDED
    page = client.get(f"/children/{anna.id}/chronology").get_data(as_text=True)
    assert f"Records check: {recorded.outcome}" in page


def test_a_check_made_later_follows_the_call_in_the_chronology(world):
    first = world["first"]
    events = list_chronology([first.children[0].id])
    assert K.RECORDS_CHECK not in {event.kind for event in events}  # logged by the factory: no check made
    assert events[0].at == first.received_at and events[0].at < first.received_at + timedelta(minutes=1)


@freeze_time(NOW)
def test_typing_in_a_rows_name_date_or_address_or_ticking_its_boxes_asks_the_check_for_that_row(client, world):
    sign_in(client, "handler")
    html = client.post("/calls/new", data={**tokens(client), **log_call_form(world["south"].id, save=None,
                                                                               add_child="y")}).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    for row in (0, 1):
        fields = soup.select_one(f"#records-check-fields-{row}")
        assert (fields["hx-post"], fields["hx-target"], fields["hx-vals"]) == (
            "/calls/records-check", f"#records-check-{row}", f'{{"row": "{row}"}}')
        assert fields["hx-trigger"].startswith("input changed delay:400ms, ")
        ticked = re.findall(r"change from:#([\w-]+)", fields["hx-trigger"])
        assert ticked == [f"children-{row}-is_name_not_known", f"children-{row}-is_unborn"]
        assert all(fields.select_one(f"input#{name}[type=checkbox]") for name in ticked)
        for name in ("name", "address", "date_of_birth-day"):
            assert fields.select_one(f"#children-{row}-{name}") is not None
        assert soup.select_one(f"#records-check-{row}") is not None
