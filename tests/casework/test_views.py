"""After the referral, through the pages: an assessment from its start to a manager's written
authorisation (R25) meeting its clock, needs and services, and closure with the R26/40 gate."""

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import (
    Assessment,
    Closure,
    Obligation,
    ObligationKind,
    Referral,
    Role,
    ScreeningOutcome,
    Service,
    TeamKind,
)
from dutydesk.models.codes import AssessmentFactor, PrimaryNeed
from tests.factories import at, create_contact, create_team, create_user, obligation_of, post_form, sign_in

NOW = "2026-11-23 12:00:00"  # a Monday, GMT
RECEIVED = at("2026-11-16 10:00")
DAY = ["23", "11", "2026"]


def _case(north, handler, worker, *, harm: bool):
    contact = create_contact(RECEIVED, team=north, by=handler, flags=calls.Flags(is_deliberate_harm_alleged=harm))
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=10))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Marks seen at school", by=worker, now=RECEIVED + timedelta(hours=1))
    return cases.get_referral(contact.children[0])


@pytest.fixture
def world():
    with freeze_time(NOW):
        centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                                create_team("Duty South"))
        handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
        worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
        north.manager = create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
        create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Birch")
        create_user("sue", (Role.DUTY_MANAGER,), south, display_name="Sue Lam")
        referral = _case(north, handler, worker, harm=False)
        harmed = _case(north, handler, worker, harm=True)
        db.session.commit()
        return {"referral": referral.id, "harmed": harmed.id, "worker": worker}


def page(response) -> str:
    return response.get_data(as_text=True)


def text(response) -> str:
    return " ".join(BeautifulSoup(page(response), "html.parser").get_text(" ").split())


def error_beside(response, field_id: str) -> str:
    """The error message shown in the form group of the field with this id."""
    soup = BeautifulSoup(page(response), "html.parser")
    field = soup.find(id=field_id)
    assert field is not None, f"no field {field_id}"
    group = field.find_parent(class_="govuk-form-group--error")
    assert group is not None, f"no error beside {field_id}"
    return " ".join(group.find(class_="govuk-error-message").get_text(" ").split())


CONCLUSION = {"completed_on": DAY, "requires_service": "yes", "factors": ["18C", "3A"], "primary_need": "N1",
              "summary": "Marks consistent with being hit; mother's partner violent",
              "needs-0-description": "Safe care at home", "needs-1-description": "School attendance", "save": "y"}


def start(client, referral_id: int):
    return post_form(client, f"/cases/{referral_id}/assessment/start", {"started_on": ["17", "11", "2026"]})


def the(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


@freeze_time(NOW)
def test_an_assessment_goes_from_its_start_to_a_managers_authorisation_meeting_its_clock(client, world):
    sign_in(client, "worker")
    case = world["referral"]
    started = start(client, case)
    assert started.status_code == 302 and started.location == f"/cases/{case}/assessment"
    assessment = the(Assessment, referral_id=case)
    seen = post_form(client, f"/assessments/{assessment.id}/seen", {
        "child_seen_on": ["18", "11", "2026"], "is_child_seen_alone": "yes", "carers_seen_on": ["19", "11", "2026"]})
    assert seen.status_code == 302
    concluded = post_form(client, f"/assessments/{assessment.id}/conclusion", CONCLUSION)
    assert concluded.status_code == 302, text(concluded)
    shown = text(client.get(f"/cases/{case}/assessment"))
    assert "Waiting for a manager" in shown and "18C Physical abuse by an adult" in shown
    assert "Authorise the assessment" not in shown  # the worker is no manager

    client.get("/logout")
    sign_in(client, "manager")
    authorised = post_form(client, f"/assessments/{assessment.id}/authorise",
                           {"note": "Read it with Wes; the needs are right"})
    assert authorised.status_code == 302
    db.session.expire_all()
    assessment = the(Assessment, referral_id=case)
    assert (assessment.child_seen_on, assessment.is_child_seen_alone, assessment.carers_seen_on) == (
        date(2026, 11, 18), True, date(2026, 11, 19))
    assert (assessment.factors, assessment.primary_need.value) == (["3A", "18C"], "N1")
    assert [need.description for need in assessment.needs] == ["Safe care at home", "School attendance"]
    clock = db.session.scalars(select(Obligation).where(Obligation.kind == ObligationKind.ASSESSMENT,
                                                        Obligation.child_id == assessment.referral.child_id)).one()
    assert clock.met_at is not None and clock.met_by.username == "manager"
    case_page = text(client.get(f"/cases/{case}"))
    assert "Authorised Started 17 November 2026, authorised 23 November 2026 by Maya Patel" in case_page
    assert "Safe care at home Not yet" in case_page


@freeze_time(NOW)
def test_the_conclusion_keeps_what_was_typed_adds_need_rows_and_refuses_beside_the_field(client, world):
    sign_in(client, "worker")
    start(client, world["referral"])
    assessment = the(Assessment, referral_id=world["referral"])
    url = f"/assessments/{assessment.id}/conclusion"
    more = post_form(client, url, {**CONCLUSION, "save": "", "add_need": "y"})
    assert more.status_code == 200 and 'name="needs-2-description"' in page(more)
    assert 'value="School attendance"' in page(more)
    refused = post_form(client, url, {**CONCLUSION, "factors": ["21", "3A"]})
    assert refused.status_code == 200
    assert "Choose 'No factors identified' or the factors identified: not both" in text(refused)
    assert 'value="Safe care at home"' in page(refused) and "Marks consistent with being hit" in page(refused)
    soup = BeautifulSoup(page(refused), "html.parser")
    assert soup.find("input", attrs={"name": "factors", "value": "3A"}).has_attr("checked")
    no_service = post_form(client, url, {**CONCLUSION, "requires_service": "no", "primary_need": "N9"})
    assert "A child who does not require a service has no needs to meet" in text(no_service)
    assert db.session.scalar(select(Assessment.completed_on).where(Assessment.id == assessment.id)) is None


@freeze_time(NOW)
def test_authorisation_is_refused_before_the_child_and_the_carers_are_seen(client, world):
    sign_in(client, "worker")
    start(client, world["referral"])
    assessment = the(Assessment, referral_id=world["referral"])
    post_form(client, f"/assessments/{assessment.id}/conclusion", CONCLUSION)
    client.get("/logout")
    sign_in(client, "manager")
    form_page = text(client.get(f"/assessments/{assessment.id}/authorise"))
    assert "The child and the carers have not been recorded as seen" in form_page
    refused = post_form(client, f"/assessments/{assessment.id}/authorise", {"note": "Looks right"})
    assert refused.status_code == 200
    assert ("An assessment is authorised only after the child and the carers have been seen (R25)"
            in error_beside(refused, "note"))
    assert "Looks right" in page(refused)
    db.session.expire_all()
    assert the(Assessment, id=assessment.id).authorised_on is None
    assert obligation_of(the(Assessment, id=assessment.id).referral.contact, ObligationKind.ASSESSMENT).met_at is None


@freeze_time(NOW)
def test_the_assessment_clock_on_the_board_leads_to_the_page_that_meets_it(client, world):
    referral_id = world["referral"]
    with freeze_time("2026-11-20 12:00"):
        assessment = casework.start_assessment(the(Referral, id=referral_id),
                                               started_on=date(2026, 11, 17), by=world["worker"],
                                               now=at("2026-11-20 12:00"))
        casework.record_seen(assessment, child_seen_on=date(2026, 11, 18), is_child_seen_alone=False,
                             carers_seen_on=date(2026, 11, 18), by=world["worker"], now=at("2026-11-20 12:00"))
        db.session.commit()
    sign_in(client, "manager")
    board = BeautifulSoup(page(client.get("/board")), "html.parser")
    clock = obligation_of(assessment.referral.contact, ObligationKind.ASSESSMENT)
    link = board.find(attrs={"data-obligation": str(clock.id)}).find("a")
    assert link["href"] == f"/cases/{referral_id}/assessment"
    assessment_page = BeautifulSoup(page(client.get(link["href"])), "html.parser")
    # The worker has not concluded yet: the page says what is left, and a manager cannot yet authorise.
    assert assessment_page.find(id="authorise") is None
    client.get("/logout")
    sign_in(client, "worker")
    post_form(client, f"/assessments/{assessment.id}/conclusion", CONCLUSION)
    client.get("/logout")
    sign_in(client, "manager")
    assessment_page = BeautifulSoup(page(client.get(link["href"])), "html.parser")
    authorise = assessment_page.find(id="authorise")["href"]
    assert post_form(client, authorise, {"note": "Approved"}).status_code == 302
    db.session.expire_all()
    assert obligation_of(the(Assessment, id=assessment.id).referral.contact, ObligationKind.ASSESSMENT).met_at == at(NOW)
    board = BeautifulSoup(page(client.get("/board")), "html.parser")
    assert board.find(attrs={"data-obligation": str(clock.id)}) is None


@freeze_time(NOW)
def test_needs_are_met_by_services_which_end_or_wait_with_a_reason(client, world):
    referral = the(Referral, id=world["referral"])
    assessment = casework.start_assessment(referral, started_on=date(2026, 11, 17), by=world["worker"], now=at(NOW))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=date(2026, 11, 20), requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglect", needs=["Safe care", "Schooling"]),
        by=world["worker"], now=at(NOW))
    db.session.commit()
    care, school = assessment.needs
    sign_in(client, "worker")
    refused = post_form(client, f"/needs/{care.id}/services/new", {"what": "Family support", "provided_by": "",
                                                                   "started_on": DAY})
    assert "Enter who provides the service" in error_beside(refused, "provided_by")
    assert 'value="Family support"' in page(refused)
    started = post_form(client, f"/needs/{care.id}/services/new", {
        "what": "Family support worker, twice a week", "provided_by": "Early help North", "started_on": DAY})
    assert started.status_code == 302 and started.location == f"/cases/{referral.id}#needs"
    waiting = post_form(client, f"/needs/{school.id}/not-yet", {"reason": "Waiting for a school place"})
    assert waiting.status_code == 302
    service = the(Service, need_id=care.id)
    too_early = post_form(client, f"/services/{service.id}/end", {"ended_on": ["1", "11", "2026"], "reason": "Done"})
    assert "cannot be before it started" in error_beside(too_early, "ended_on")
    ended = post_form(client, f"/services/{service.id}/end", {"ended_on": DAY, "reason": "Family moved away"})
    assert ended.status_code == 302
    case_page = text(client.get(f"/cases/{referral.id}"))
    assert "Family support worker, twice a week , by Early help North" in case_page
    assert "ended (Family moved away)" in case_page
    assert "Schooling Not yet Waiting for a school place" in case_page


def closure_form(**checks) -> dict:
    return {"closed_on": DAY, "reason": "RC8", "note": "", **checks}


@freeze_time(NOW)
def test_a_case_where_harm_was_alleged_closes_only_when_each_check_is_done_or_explained(client, world):
    case = world["harmed"]
    sign_in(client, "worker")
    form = client.get(f"/cases/{case}/close")
    soup = BeautifulSoup(page(form), "html.parser")
    # Without JavaScript the reason is there, under "No".
    reason = soup.find("textarea", attrs={"name": "home_visited_reason"})
    assert reason.find_parent(class_="govuk-radios__conditional") is not None
    refused = post_form(client, f"/cases/{case}/close", closure_form(
        child_seen_alone="yes", carers_seen="yes", home_visited="no", home_visited_reason=""))
    assert refused.status_code == 200
    assert "The home visited: record why not, or the case cannot close (R26/40)" in error_beside(
        refused, "home_visited_reason")
    refused = post_form(client, f"/cases/{case}/close", closure_form(
        child_seen_alone="yes", carers_seen="yes", home_visited="no", home_visited_reason="Family refused entry"))
    assert "Deliberate harm was alleged: say whether this was done. The professionals involved consulted?" in \
        error_beside(refused, "professionals_consulted")
    assert "Family refused entry" in page(refused)
    assert db.session.scalar(select(Closure).where(Closure.referral_id == case)) is None
    closed = post_form(client, f"/cases/{case}/close", closure_form(
        child_seen_alone="yes", carers_seen="yes", home_visited="no", home_visited_reason="Family refused entry",
        professionals_consulted="yes"))
    assert closed.status_code == 302
    closure = the(Closure, referral_id=case)
    assert (closure.is_home_visited, closure.home_visited_reason, closure.is_carers_seen) == (
        False, "Family refused entry", True)
    case_page = text(client.get(f"/cases/{case}"))
    assert "Closed on 23 November 2026: RC8 Case closed after assessment: no further action" in case_page
    assert "The home visited No, because Family refused entry" in case_page
    assert "Close the case" not in case_page


@freeze_time(NOW)
def test_closing_a_case_withdraws_its_clocks_and_it_leaves_the_board_and_the_open_lists(client, world):
    case = world["referral"]
    sign_in(client, "manager")
    referral = the(Referral, id=case)
    clock = obligation_of(referral.contact, ObligationKind.ASSESSMENT)
    board = BeautifulSoup(page(client.get("/board")), "html.parser")
    assert board.find(attrs={"data-obligation": str(clock.id)}) is not None
    assert "Unallocated" in text(client.get(f"/cases/{case}"))
    assert f'href="/cases/{case}"' in page(client.get("/cases/unallocated"))
    closed = post_form(client, f"/cases/{case}/close", closure_form())
    assert closed.status_code == 302
    db.session.expire_all()
    clock = db.session.get(Obligation, clock.id)
    assert clock.is_withdrawn and clock.reason.startswith("The case closed")
    board = BeautifulSoup(page(client.get("/board")), "html.parser")
    assert board.find(attrs={"data-obligation": str(clock.id)}) is None
    assert f'href="/cases/{case}"' not in page(client.get("/cases/unallocated"))
    case_page = text(client.get(f"/cases/{case}"))
    assert "Closed on 23 November 2026" in case_page
    assert "Allocate the case" not in case_page and "Start the assessment" not in case_page
    record = text(client.get(f"/children/{referral.child.child_id}"))
    assert "Closed on 23 November 2026: case closed after assessment: no further action" in record


@freeze_time(NOW)
def test_a_south_worker_cannot_change_norths_case_and_is_offered_no_link_to(client, world):
    case = world["referral"]
    sign_in(client, "worker")
    start(client, case)
    assessment = the(Assessment, referral_id=case)
    client.get("/logout")
    sign_in(client, "tom")
    for url in (f"/cases/{case}/assessment/start", f"/assessments/{assessment.id}/seen",
                f"/assessments/{assessment.id}/conclusion", f"/cases/{case}/close"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "it is held by Duty North. Only members of Duty North" in text(refused)
    assert client.get(f"/cases/{case}/assessment").status_code == 200  # reading stays open
    assert "Record who was seen" not in text(client.get(f"/cases/{case}/assessment"))
    assert "Close the case" not in text(client.get(f"/cases/{case}"))
    client.get("/logout")
    sign_in(client, "sue")
    assert client.get(f"/assessments/{assessment.id}/authorise").status_code == 403


@freeze_time(NOW)
def test_a_conclusion_not_yet_authorised_opens_again_with_what_was_recorded(client, world):
    sign_in(client, "worker")
    start(client, world["referral"])
    assessment = the(Assessment, referral_id=world["referral"])
    post_form(client, f"/assessments/{assessment.id}/conclusion", CONCLUSION)
    again = BeautifulSoup(page(client.get(f"/assessments/{assessment.id}/conclusion")), "html.parser")
    assert [box["value"] for box in again.find_all("input", attrs={"name": "factors", "checked": True})] == [
        "3A", "18C"]
    assert [field["value"] for field in again.find_all("input", attrs={"name": re.compile("^needs-")})] == [
        "Safe care at home", "School attendance"]
    assert again.find("input", attrs={"name": "primary_need", "value": "N1"}).has_attr("checked")
