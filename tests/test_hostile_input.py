"""What a person sees when an address, a query string or a form holds what no page offered:
the eight causes of server errors found by fuzzing in issue 9, and their kin. Each is a 404
page, or a message beside the field with what was typed kept; never a server error."""

import re

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.cases import operations as cases
from dutydesk.extensions import db
from dutydesk.inputs import MAX_ID, parse_id
from dutydesk.models import Contact, FormDraft, Obligation, ObligationKind, Role, ScreeningOutcome, TeamKind
from tests.factories import at, create_contact, create_team, create_user, log_call_form, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
TOO_BIG = str(2**63)


@pytest.fixture
def world():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), contact_centre)
    worker = create_user("worker", (Role.DUTY_WORKER,), duty)
    create_user("manager", (Role.DUTY_MANAGER,), duty)
    contact = create_contact(at("2026-11-23 09:00"), team=duty, by=handler)
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=worker, now=at("2026-11-23 09:30"))
    db.session.commit()
    return {"duty": duty, "contact": contact, "worker": worker}


def leo_is_known(world) -> dict:
    """The records check's answer that the call is about the Leo Martin of the world's call (R2.5)."""
    return {"children-0-record": str(world["contact"].children[0].child_id)}


def error_beside(page: str, field_id: str) -> str:
    """The message GOV.UK Frontend shows beside a field, in #<field>-error."""
    match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_id_is_ascii_digits_from_one_to_the_largest_a_row_can_have():
    assert parse_id("42") == 42
    assert parse_id("007") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for text in [str(2**31), TOO_BIG, str(2**64), "9" * 5000, "0", "-1", "²", "٣", " 1", "1.5", "", None]:
        assert parse_id(text) is None, text


# Cause 1: an id of 2^63 or more in an address

@freeze_time(NOW)
@pytest.mark.parametrize("address", [
    f"/calls/{2**31}", f"/calls/{TOO_BIG}", f"/calls/{2**64}", f"/calls/{'9' * 40}", "/calls/0", "/calls/%D9%A3", "/calls/%C2%B2",
    f"/cases/{TOO_BIG}", f"/strategy-discussions/{TOO_BIG}", f"/inbox-items/{TOO_BIG}/action",
])
def test_an_address_with_an_id_no_row_could_have_is_page_not_found(client, world, address):
    sign_in(client, "worker")
    response = client.get(address)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@freeze_time(NOW)
def test_a_form_posted_to_an_id_no_row_could_have_is_page_not_found(client, world):
    sign_in(client, "worker")
    page = client.get(f"/calls/{world['contact'].id}").get_data(as_text=True)
    from tests.factories import csrf_token

    response = client.post(f"/calls/{TOO_BIG}/accept", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 404


# Cause 1, in a query string: ?draft=

@freeze_time(NOW)
@pytest.mark.parametrize("draft", [TOO_BIG, "²", "٣", "-1"])
def test_a_kept_draft_that_no_row_could_be_is_ignored_and_the_empty_form_shown(client, world, draft):
    db.session.add(FormDraft(user_id=world["worker"].id, path="/calls/new", created_at=at(NOW),
                             fields=[["concern", "Kept concern"]]))
    db.session.commit()
    sign_in(client, "worker")
    response = client.get(f"/calls/new?draft={draft}")
    assert response.status_code == 200
    assert "Kept concern" not in response.get_data(as_text=True)


# Cause 1, in a select: a team or worker id too big for the database

@freeze_time(NOW)
@pytest.mark.parametrize("team_id", [TOO_BIG, "²", "٣", "twelve"])
def test_a_team_that_is_no_id_is_refused_beside_the_select_keeping_what_was_typed(client, world, team_id):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, concern="Heard screaming next door")
    data["team_id"] = team_id
    response = post_form(client, "/calls/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_beside(page, "team_id") == "Choose the duty team to hand the call to from the list"
    assert "Heard screaming next door" in page
    assert count(Contact) == 1


@freeze_time(NOW)
def test_a_case_allocated_to_a_worker_id_too_big_for_the_database_is_refused_beside_the_select(client, world):
    referral = cases.get_referral(world["contact"].children[0])
    sign_in(client, "manager")
    page = post_form(client, f"/cases/{referral.id}/allocate", {"worker_id": TOO_BIG}).get_data(as_text=True)
    assert error_beside(page, "worker_id") == "Choose the worker to allocate the case to from the list"


# Cause 2: a 20-digit year or hour

@freeze_time(NOW)
def test_a_twenty_digit_year_is_refused_beside_the_date_keeping_what_was_typed(client, world):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, received_date=["23", "11", "9" * 20], concern="Heard screaming next door")
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert error_beside(page, "received_date") == (
        "Enter the date the call was received with a four-digit year, like 2026")
    assert "9" * 20 in page and "Heard screaming next door" in page


@freeze_time(NOW)
@pytest.mark.parametrize("typed", ["9" * 20 + ":00", "10:" + "9" * 20, "²:00", "١٤:٠٥", "10:٠٥"])
def test_a_time_in_twenty_digits_or_other_scripts_digits_is_refused_beside_the_time(client, world, typed):
    sign_in(client, "handler")
    page = post_form(client, "/calls/new", log_call_form(world["duty"].id, received_time=typed)).get_data(as_text=True)
    assert error_beside(page, "received_time") == (
        "Enter the time the call was received as hours and minutes on a 24-hour clock, like 14:05")
    assert f'value="{typed}"' in page
    assert count(Contact) == 1


@freeze_time(NOW)
@pytest.mark.parametrize("day", [["٢٣", "١١", "٢٠٢٦"], ["²", "11", "2026"]])
def test_a_date_in_other_scripts_digits_is_refused_beside_the_date(client, world, day):
    sign_in(client, "handler")
    page = post_form(client, "/calls/new", log_call_form(world["duty"].id, received_date=day)).get_data(as_text=True)
    assert error_beside(page, "received_date") == (
        "Enter the date the call was received as numbers for day, month and year, like 21 11 2026")


# Cause 3: a deadline in year 9999

@freeze_time(NOW)
@pytest.mark.parametrize("year", ["9999", "2032"])
def test_an_action_due_in_year_9999_is_refused_as_too_far_ahead(client, world, year):
    sign_in(client, "worker")
    data = {"title": "Ring the school", "child": "call", "worker_id": str(world["worker"].id),
            "due_date": ["31", "12", year], "due_time": ""}
    page = post_form(client, f"/calls/{world['contact'].id}/actions/new", data).get_data(as_text=True)
    assert error_beside(page, "due_date") == "The date the action is due must be within 5 years from today"
    assert "Ring the school" in page
    assert count(Obligation) == len(world["contact"].obligations)


@freeze_time(NOW)
def test_an_absence_ending_in_year_9999_is_refused_as_too_far_ahead(client, world):
    sign_in(client, "manager")
    data = {"worker_id": str(world["worker"].id), "starts_date": ["24", "11", "2026"],
            "ends_date": ["31", "12", "9999"], "reason": "Career break"}
    page = post_form(client, "/absences/new", data).get_data(as_text=True)
    assert error_beside(page, "ends_date") == "The last day away must be within 5 years from today"
    assert "Career break" in page


# Cause 4: an unknown value for a choice built from a code list

@freeze_time(NOW)
@pytest.mark.parametrize("field, value, message", [
    ("no_referrer_details_reason", "nonsense",
     "Choose one of the reasons listed, or none if you have the referrer&#39;s details"),
    ("channel", "pigeon", "Choose how the concern reached us"),
    ("concern_category", "nonsense", "Choose the kind of concern from the list"),
    ("referral_source", "11", "Choose the referral source from the list"),
    ("children-0-interpreter_need", "²", "Say whether the child needs an interpreter"),
    ("is_put_through", "maybe", "Say whether the call was put through at once"),
])
def test_an_answer_the_form_never_offered_is_refused_beside_the_question(client, world, field, value, message):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, concern="Heard screaming next door", **{field: value})
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert error_beside(page, field) == message
    assert "Heard screaming next door" in page
    assert count(Contact) == 1


# Cause 5: approximate_age=² (a digit to str.isdigit, not to int)

@freeze_time(NOW)
@pytest.mark.parametrize("age", ["²", "٣", "9" * 20, "26", "-1"])
def test_an_approximate_age_that_is_no_whole_number_of_years_is_refused_beside_it(client, world, age):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, **{"children-0-approximate_age": age})
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert error_beside(page, "children-0-approximate_age") == (
        "Enter the approximate age as a whole number of years, like 7")
    assert f'value="{age}"' in page


# Causes 6 and 7: ?worker=² on the board, ?team=² on the unallocated list

@freeze_time(NOW)
@pytest.mark.parametrize("query", ["worker=²", "worker=٣", f"worker={TOO_BIG}", "team=²", f"team={TOO_BIG}"])
def test_the_board_shows_everyone_in_the_own_team_for_a_filter_that_is_no_id(client, world, query):
    sign_in(client, "manager")
    response = client.get(f"/board?{query}")
    assert response.status_code == 200
    assert "Duty North" in response.get_data(as_text=True)


@freeze_time(NOW)
@pytest.mark.parametrize("team", ["²", "٣", TOO_BIG, "-1"])
def test_the_unallocated_list_shows_the_own_team_for_a_team_that_is_no_id(client, world, team):
    sign_in(client, "manager")
    response = client.get(f"/cases/unallocated?team={team}")
    assert response.status_code == 200
    assert "Duty North" in response.get_data(as_text=True)


@freeze_time(NOW)
def test_the_queue_shows_the_own_team_for_a_team_that_is_no_id(client, world):
    sign_in(client, "worker")
    assert client.get(f"/queue?team={TOO_BIG}").status_code == 200


# Found by the fuzz tests: rows numbered in other scripts' digits

@freeze_time(NOW)
def test_a_row_numbered_in_other_digits_belongs_to_no_row_and_the_call_is_still_logged(client, world):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, **{"children-²-name": "Nobody", "children-٣-name": "Nobody"},
                         **leo_is_known(world))
    response = post_form(client, "/calls/new", data)
    assert response.status_code == 302
    contact = db.session.scalars(select(Contact).order_by(Contact.id.desc())).first()
    assert [child.name for child in contact.children] == ["Leo Martin"]


@freeze_time(NOW)
def test_a_call_typed_with_nul_characters_is_logged_without_them(client, world):
    sign_in(client, "handler")
    data = log_call_form(world["duty"].id, concern="Heard\x00 screaming",
                         **{"children-0-name": "Leo\x00 Martin"}, **leo_is_known(world))
    assert post_form(client, "/calls/new", data).status_code == 302
    contact = db.session.scalars(select(Contact).order_by(Contact.id.desc())).first()
    assert contact.concern == "Heard screaming"
    assert contact.children[0].name == "Leo Martin"
    assert ObligationKind.VERBAL_HANDOFF in {o.kind for o in contact.obligations}


def test_every_deadline_rule_works_out_a_real_moment_from_the_furthest_date_that_may_be_typed():
    from datetime import date

    from dutydesk import rules

    furthest = rules.furthest_ahead(date(2026, 11, 23))
    assert date(2031, 11, 23) <= furthest <= date(2031, 11, 24)
    due = rules.end_of_working_day(furthest)
    for moment in [rules.assessment_due_at(due), rules.screening_decision_due_at(due),
                   rules.transfer_acceptance_due_at(due), rules.inbox_item_due_at(due), rules.child_seen_due_at(due)]:
        assert moment > due
    for ladder in rules.LADDERS.values():
        assert ladder.step_at(rules.EscalationLevel.SENIOR, rules.assessment_due_at(due)).year == 2032
