"""Child protection through the pages: a section 47 enquiry started from the child's strategy
discussion, its outcome starting the initial conference's clock (15 working days from the
discussion) and the conference meeting it; plans started and ended; the strategy review meeting
its clock, reached from the board; the R93 gate on decisions and discussions; and possible crime
or deliberate harm raised after the call, with clocks running from then."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.children.chronology import ChronologyKind as K, list_chronology
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import (
    ContactEvent,
    Obligation,
    ObligationKind,
    Plan,
    Role,
    ScreeningDecision,
    ScreeningOutcome,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyReview,
    TeamKind,
)
from dutydesk.models.codes import AbuseCategory, PlanKind, Section47Outcome
from tests.factories import at, create_contact, create_team, create_user, obligation_of, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
RECEIVED = at("2026-11-16 09:00")  # a week before
HELD = at("2026-11-16 14:00")  # the strategy discussion


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def error_beside(page: str, field_id: str, message: str) -> bool:
    marker = f'id="{field_id}-error"'
    return marker in page and message in page.split(marker, 1)[1][:400]


@pytest.fixture
def world():
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    south = create_team("Duty South")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    manager = create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Birch")
    contact = create_contact(RECEIVED, team=north, by=handler)
    child = contact.children[0]
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=10))
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.STRATEGY_DISCUSSION,
                                    rationale="Disclosure at school", social_care_manager=manager, by=worker,
                                    now=RECEIVED + timedelta(hours=1))
    discussion = cases.record_strategy_discussion(
        contact, child, held_at=HELD, attendees=[cases.Attendee("DS Asha Khan", "Police")],
        record="Agreed a section 47 enquiry", action_points=[], circulated_to="DS Khan",
        circulated_at=HELD + timedelta(minutes=30), review_on=date(2026, 11, 25), by=worker,
        now=HELD + timedelta(hours=1), social_care_manager=manager)
    db.session.commit()
    return {"contact": contact, "child": child, "referral": cases.get_referral(child), "discussion": discussion,
            "worker": worker, "manager": manager}


def case_page(client, world) -> str:
    return client.get(f"/cases/{world['referral'].id}").get_data(as_text=True)


# Section 47 and the initial conference


@freeze_time(NOW)
def test_a_section_47_enquiry_runs_from_start_to_outcome_to_conference_through_the_pages(client, world):
    referral, discussion = world["referral"], world["discussion"]
    sign_in(client, "worker")
    start_url = f"/cases/{referral.id}/section-47/new"
    assert 'href="' + start_url + '"' in case_page(client, world)
    form = client.get(start_url).get_data(as_text=True)
    assert "Strategy discussion held at 14:00 on 16 Nov 2026" in form  # the child's discussion, offered

    done = post_form(client, start_url, {"discussion": str(discussion.id), "started_on": ["17", "11", "2026"]},
                     follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Section 47 enquiry about Leo Martin started" in page
    enquiry = db.session.scalar(select(Section47Enquiry))
    assert (enquiry.started_on, enquiry.strategy_discussion_id) == (date(2026, 11, 17), discussion.id)
    assert "after the strategy discussion of 16 Nov 2026" in page and "Not yet recorded" in page

    outcome_url = f"/section-47/{enquiry.id}/outcome"
    # The conference's target is shown before the outcome is chosen: 15 working days from the discussion.
    assert "must be held by <strong>7 December 2026</strong>" in client.get(outcome_url).get_data(as_text=True)
    done = post_form(client, outcome_url, {"outcome": "conference", "outcome_on": ["20", "11", "2026"]},
                     follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "The initial child protection conference must be held by 14:00 on 7 Dec 2026" in page
    db.session.expire_all()
    clock = enquiry.conference_obligation
    assert clock.kind is ObligationKind.INITIAL_CONFERENCE and clock.met_at is None
    assert clock.due_at == rules.conference_due_at(HELD) == at("2026-12-07 14:00")
    assert enquiry.conference_target_on == date(2026, 12, 7)
    assert "Target 7 Dec 2026" in page and "Concerns substantiated: the child is likely to suffer" in page

    done = post_form(client, f"/section-47/{enquiry.id}/conference", {"held_on": ["23", "11", "2026"]},
                     follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "recorded as held on 23 November 2026" in page and "Held on 23 Nov 2026" in page
    db.session.expire_all()
    assert enquiry.conference_on == date(2026, 11, 23)
    assert clock.met_at is not None and clock.met_at <= clock.due_at and clock.met_by.username == "worker"


@freeze_time(NOW)
def test_without_a_strategy_discussion_the_conference_runs_from_the_start_of_the_enquiry(client, world):
    referral = world["referral"]
    sign_in(client, "worker")
    post_form(client, f"/cases/{referral.id}/section-47/new", {"discussion": "none", "started_on": ["18", "11", "2026"]})
    enquiry = db.session.scalar(select(Section47Enquiry))
    post_form(client, f"/section-47/{enquiry.id}/outcome", {"outcome": "conference", "outcome_on": ["20", "11", "2026"]})
    db.session.expire_all()
    assert enquiry.conference_obligation.due_at == rules.conference_due_at(rules.start_of_working_day(date(2026, 11, 18)))


@freeze_time(NOW)
def test_an_outcome_needing_no_conference_opens_no_clock(client, world):
    sign_in(client, "worker")
    enquiry = casework.start_section47(world["referral"], started_on=date(2026, 11, 17), discussion=None,
                                       by=world["worker"], now=at(NOW))
    db.session.commit()
    post_form(client, f"/section-47/{enquiry.id}/outcome", {"outcome": "not_substantiated",
                                                            "outcome_on": ["20", "11", "2026"]})
    assert count(Obligation, Obligation.kind == ObligationKind.INITIAL_CONFERENCE) == 0
    assert "Not needed" in case_page(client, world)
    page = client.get(f"/section-47/{enquiry.id}/conference").get_data(as_text=True)
    assert "has not concluded that a conference is needed" in page and 'name="held_on"' not in page


@freeze_time(NOW)
def test_refused_section_47_forms_say_why_beside_the_field_and_keep_what_was_typed(client, world):
    referral = world["referral"]
    sign_in(client, "worker")
    page = post_form(client, f"/cases/{referral.id}/section-47/new",
                     {"started_on": ["17", "11", "2026"]}).get_data(as_text=True)
    assert error_beside(page, "discussion", "Choose the strategy discussion the enquiry follows")
    assert 'value="17"' in page
    page = post_form(client, f"/cases/{referral.id}/section-47/new",
                     {"discussion": "none", "started_on": ["1", "11", "2026"]}).get_data(as_text=True)
    assert error_beside(page, "started_on", "cannot be before the referral (16 November 2026)")
    assert 'value="none" checked' in page
    assert count(Section47Enquiry) == 0

    enquiry = casework.start_section47(referral, started_on=date(2026, 11, 17), discussion=None,
                                       by=world["worker"], now=at(NOW))
    db.session.commit()
    page = post_form(client, f"/section-47/{enquiry.id}/outcome",
                     {"outcome": "conference", "outcome_on": ["24", "11", "2026"]}).get_data(as_text=True)
    assert error_beside(page, "outcome_on", "must be today or in the past")
    assert 'value="conference" checked' in page and 'value="24"' in page
    db.session.expire_all()
    assert enquiry.outcome is None and enquiry.conference_obligation is None


# Plans


@freeze_time(NOW)
def test_plans_start_with_their_category_and_end_through_the_pages(client, world):
    referral = world["referral"]
    sign_in(client, "worker")
    url = f"/cases/{referral.id}/plans/new"
    page = post_form(client, url, {"kind": "cp", "started_on": ["20", "11", "2026"]}).get_data(as_text=True)
    assert error_beside(page, "category", "Choose the category of abuse of the child protection plan")
    assert 'value="cp" checked' in page and count(Plan) == 0

    page = post_form(client, url, {"kind": "cp", "category": "PHY", "started_on": ["20", "11", "2026"]},
                     follow_redirects=True).get_data(as_text=True)
    assert "Child protection plan for Leo Martin started" in page
    page = post_form(client, url, {"kind": "cin", "category": "NEG", "started_on": ["21", "11", "2026"]}
                     ).get_data(as_text=True)
    assert error_beside(page, "category", "A category of abuse is for a child protection plan only")
    assert 'value="cin" checked' in page and count(Plan) == 1
    post_form(client, url, {"kind": "cin", "started_on": ["21", "11", "2026"]})
    cp, cin = db.session.scalars(select(Plan).order_by(Plan.id)).all()
    assert (cp.kind, cp.initial_category, cp.started_on) == (PlanKind.CHILD_PROTECTION, AbuseCategory.PHYSICAL,
                                                          date(2026, 11, 20))
    assert (cin.kind, cin.initial_category) == (PlanKind.CHILD_IN_NEED, None)
    page = case_page(client, world)
    assert "Physical abuse" in page and "20 Nov 2026" in page and page.count("Continuing") == 2

    page = post_form(client, f"/plans/{cp.id}/end", {"ended_on": ["19", "11", "2026"]}).get_data(as_text=True)
    assert error_beside(page, "ended_on", "cannot be before it started (20 November 2026)")
    page = post_form(client, f"/plans/{cp.id}/end", {"ended_on": ["23", "11", "2026"]},
                     follow_redirects=True).get_data(as_text=True)
    assert "Child protection plan for Leo Martin ended" in page and "23 Nov 2026" in page
    db.session.expire_all()
    assert cp.ended_on == date(2026, 11, 23) and cp.ended_by.username == "worker"
    assert "This plan ended on 23 November 2026" in client.get(f"/plans/{cp.id}/end").get_data(as_text=True)


# The strategy review, reached from the board


def _link(html: str, selector: str, text: str) -> str:
    for anchor in BeautifulSoup(html, "html.parser").select(selector):
        if text in anchor.get_text():
            return anchor["href"]
    raise AssertionError(f"no link '{text}' in {selector}")


@freeze_time(NOW)
def test_the_boards_strategy_review_leads_to_a_page_that_meets_its_clock(client, world):
    discussion = world["discussion"]
    sign_in(client, "worker")
    board = client.get("/board").get_data(as_text=True)
    soup = BeautifulSoup(board, "html.parser")
    item = soup.select_one('li[data-kind="strategy_review"]')
    assert item is not None
    call_url = item.find_parent("tr").select_one("a.govuk-link")["href"]
    assert call_url == f"/calls/{world['contact'].id}"
    review_url = _link(client.get(call_url).get_data(as_text=True), 'tr[data-kind="strategy_review"] a',
                       "Record the review")
    assert review_url == f"/strategy-discussions/{discussion.id}/review"

    page = post_form(client, review_url, {"reviewed_on": ["23", "11", "2026"], "reviewed_by_id": "",
                                          "outcome": "Enquiry continues"}).get_data(as_text=True)
    assert error_beside(page, "reviewed_by_id", "Choose who reviewed it from the list")
    assert "Enquiry continues" in page and count(StrategyReview) == 0

    done = post_form(client, review_url, {"reviewed_on": ["23", "11", "2026"],
                                          "reviewed_by_id": str(world["manager"].id),
                                          "outcome": "Enquiry continues; conference to be booked"},
                     follow_redirects=True)
    assert "Review of the strategy discussion about Leo Martin recorded" in done.get_data(as_text=True)
    db.session.expire_all()
    review = discussion.review
    assert review.met_at is not None and review.met_at <= review.due_at and review.met_by.username == "worker"
    assert discussion.review_record.reviewed_by.display_name == "Maya Patel"
    assert 'data-kind="strategy_review"' not in client.get("/board").get_data(as_text=True)
    page = case_page(client, world)
    assert "Reviewed on 23 Nov 2026 by Maya Patel: Enquiry continues; conference to be booked" in page


@freeze_time(NOW)
def test_the_boards_initial_conference_leads_to_a_page_that_meets_its_clock(client, world):
    enquiry = casework.start_section47(world["referral"], started_on=date(2026, 11, 17),
                                       discussion=world["discussion"], by=world["worker"], now=at(NOW))
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=date(2026, 11, 20),
                                      by=world["worker"], now=at(NOW))
    db.session.commit()
    sign_in(client, "worker")
    item = BeautifulSoup(client.get("/board").get_data(as_text=True), "html.parser").select_one(
        'li[data-kind="initial_conference"]')
    call_url = item.find_parent("tr").select_one("a.govuk-link")["href"]
    conference_url = _link(client.get(call_url).get_data(as_text=True), 'tr[data-kind="initial_conference"] a',
                           "Record the conference")
    assert conference_url == f"/section-47/{enquiry.id}/conference"
    page = client.get(conference_url).get_data(as_text=True)
    assert "7 December 2026" in page and "14:00 on 7 Dec 2026" in page  # its target and due time
    post_form(client, conference_url, {"held_on": ["23", "11", "2026"]})
    db.session.expire_all()
    assert enquiry.conference_obligation.met_at is not None
    assert 'data-kind="initial_conference"' not in client.get("/board").get_data(as_text=True)


# R93, all of it


@freeze_time(NOW)
def test_a_decision_to_hold_a_strategy_discussion_without_a_manager_is_refused_joint_or_not(client, world):
    contact = create_contact(at(NOW) - timedelta(minutes=30), team=world["contact"].team,
                             by=world["contact"].logged_by)
    calls.accept_handoff(contact, by=world["worker"], now=at(NOW) - timedelta(minutes=20))
    db.session.commit()
    sign_in(client, "worker")
    url = f"/calls/{contact.id}/children/{contact.children[0].id}/decision"
    data = {"outcome": "strategy_discussion", "rationale": "Disclosure to the school nurse",
            "social_care_manager_id": ""}
    before = count(ScreeningDecision)
    page = post_form(client, url, data).get_data(as_text=True)
    assert error_beside(page, "social_care_manager_id", "Name the social-care manager involved: a decision to hold "
                                                        "a strategy discussion cannot be recorded without one")
    assert "Disclosure to the school nurse" in page and 'value="strategy_discussion" checked' in page
    assert count(ScreeningDecision) == before
    post_form(client, url, {**data, "social_care_manager_id": str(world["manager"].id)})
    decision = db.session.scalar(select(ScreeningDecision).order_by(ScreeningDecision.id.desc()))
    assert (decision.outcome, decision.is_joint_investigation, decision.social_care_manager.display_name) == (
        ScreeningOutcome.STRATEGY_DISCUSSION, False, "Maya Patel")


@freeze_time(NOW)
def test_a_strategy_discussion_without_a_manager_is_refused_beside_the_field(client, world):
    sign_in(client, "worker")
    url = f"/calls/{world['contact'].id}/children/{world['child'].id}/strategy-discussion"
    data = {"held_date": ["23", "11", "2026"], "held_time": "09:30", "social_care_manager_id": "",
            "attendees-0-name": "DS Asha Khan", "attendees-0-agency": "Police", "record": "Second discussion",
            "action_points-0-title": "", "circulated_to": "DS Khan", "circulated_date": ["23", "11", "2026"],
            "circulated_time": "09:45", "review_on": ["30", "11", "2026"], "save": "y"}
    page = post_form(client, url, data).get_data(as_text=True)
    assert error_beside(page, "social_care_manager_id", "a strategy discussion cannot be recorded without one")
    assert "Second discussion" in page and count(StrategyDiscussion) == 1
    page = post_form(client, url, {**data, "social_care_manager_id": str(world["worker"].id)}).get_data(as_text=True)
    assert error_beside(page, "social_care_manager_id", "Choose the social-care manager involved from the list")
    post_form(client, url, {**data, "social_care_manager_id": str(world["manager"].id)})
    assert count(StrategyDiscussion) == 2


# Flags raised later


@freeze_time(NOW)
def test_possible_crime_raised_at_screening_starts_the_police_clock_from_then(client, world):
    contact = world["contact"]
    sign_in(client, "worker")
    assert f'href="/calls/{contact.id}/flags/new"' in client.get(f"/calls/{contact.id}").get_data(as_text=True)
    page = post_form(client, f"/calls/{contact.id}/flags/new", {"flag": "is_possible_crime", "note": ""}
                     ).get_data(as_text=True)
    assert error_beside(page, "note", "Say what was learned, and from whom")
    page = post_form(client, f"/calls/{contact.id}/flags/new",
                     {"flag": "is_possible_crime", "note": "The nurse says a belt was used"},
                     follow_redirects=True).get_data(as_text=True)
    assert "Police informed is due by 11:00 on 23 Nov 2026" in page
    db.session.expire_all()
    police = obligation_of(contact, ObligationKind.POLICE_INFORMED)
    assert police.due_at == at(NOW) + rules.POLICE_INFORMED_WITHIN  # from when it was raised, not the call
    assert police.created_at == at(NOW) and contact.is_possible_crime
    line = contact.events[-1]
    assert (line.action, line.by.username, line.at) == ("possible_crime_raised", "worker", at(NOW))
    assert line.summary.startswith(f"Possible crime raised ({contact.reference}): The nurse says a belt was used")
    assert "Possible crime raised" in page  # in the call's history
    form = client.get(f"/calls/{contact.id}/flags/new").get_data(as_text=True)
    assert 'value="is_possible_crime"' not in form and 'value="is_deliberate_harm_alleged"' in form


@freeze_time(NOW)
def test_deliberate_harm_raised_later_starts_each_childs_seen_clock_from_then(client, world):
    contact = world["contact"]
    sign_in(client, "worker")
    post_form(client, f"/calls/{contact.id}/flags/new",
              {"flag": "is_deliberate_harm_alleged", "note": "Leo told the nurse his stepfather hit him"})
    db.session.expire_all()
    seen = obligation_of(contact, ObligationKind.CHILD_SEEN, world["child"])
    assert seen.due_at == at(NOW) + rules.CHILD_SEEN_WITHIN
    assert seen.team.name == "Duty North" and seen.worker.username == "worker"
    repeat = post_form(client, f"/calls/{contact.id}/flags/new",
                       {"flag": "is_deliberate_harm_alleged", "note": "Again"}).get_data(as_text=True)
    assert error_beside(repeat, "flag", "Choose what has been learned")
    assert count(ContactEvent, ContactEvent.action == "deliberate_harm_raised") == 1


@freeze_time(NOW)
def test_another_teams_worker_cannot_raise_a_flag(client, world):
    sign_in(client, "tom")
    response = post_form(client, f"/calls/{world['contact'].id}/flags/new",
                         {"flag": "is_possible_crime", "note": "x"})
    assert response.status_code == 403 and not world["contact"].is_possible_crime


def test_the_police_informed_setting_changes_the_due_time_of_the_clocks_opened_after(app, world, monkeypatch):
    contact, worker = world["contact"], world["worker"]
    monkeypatch.setitem(app.config, "POLICE_INFORMED_WITHIN_MINUTES", 30)
    raised = at("2026-11-23 10:00")
    [police] = calls.raise_flag(contact, flag="is_possible_crime", note="A belt", by=worker, now=raised)
    assert police.due_at == at("2026-11-23 10:30")
    monkeypatch.setitem(app.config, "POLICE_INFORMED_WITHIN_MINUTES", 90)
    logged = create_contact(at("2026-11-23 11:00"), team=contact.team, flags=calls.Flags(is_possible_crime=True))
    assert obligation_of(logged, ObligationKind.POLICE_INFORMED).due_at == at("2026-11-23 12:30")


def test_the_police_informed_setting_comes_from_the_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("POLICE_INFORMED_WITHIN_MINUTES", "45")
    try:
        assert importlib.reload(config).Config.POLICE_INFORMED_WITHIN_MINUTES == 45
        monkeypatch.delenv("POLICE_INFORMED_WITHIN_MINUTES")
        assert importlib.reload(config).Config.POLICE_INFORMED_WITHIN_MINUTES == 60
    finally:
        importlib.reload(config)


# The chronology


@freeze_time(NOW)
def test_the_chronology_tells_each_step_once_from_its_record(client, world):
    referral, worker, manager = world["referral"], world["worker"], world["manager"]
    now = at(NOW)
    calls.raise_flag(world["contact"], flag="is_possible_crime", note="A belt was used", by=worker, now=now)
    enquiry = casework.start_section47(referral, started_on=date(2026, 11, 17), discussion=world["discussion"],
                                       by=worker, now=now)
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=date(2026, 11, 20),
                                      by=manager, now=now)
    casework.record_conference(enquiry, held_on=date(2026, 11, 23), by=worker, now=now)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=date(2026, 11, 23),
                               category=AbuseCategory.PHYSICAL, by=worker, now=now)
    casework.end_plan(plan, ended_on=date(2026, 11, 23), by=manager, now=now)
    casework.record_strategy_review(world["discussion"], reviewed_on=date(2026, 11, 23), reviewed_by=manager,
                                    outcome="Enquiry continues", by=worker, now=now)
    db.session.commit()
    events = [(e.kind, e.summary, e.by) for e in list_chronology([world["child"].id])]
    wanted = [
        (K.SECTION47, "Section 47 enquiry started after the strategy discussion of 16 Nov 2026", "Wes Adebayo"),
        (K.SECTION47, "Section 47 outcome: " + Section47Outcome.CONFERENCE.label
         + "; the initial child protection conference is due by 7 Dec 2026", "Maya Patel"),
        (K.CONFERENCE, "Initial child protection conference held", "Wes Adebayo"),
        (K.PLAN, "Child protection plan started: physical abuse", "Wes Adebayo"),
        (K.PLAN, "Child protection plan ended", "Maya Patel"),
        (K.STRATEGY_REVIEW, "Strategy discussion of 16 Nov 2026 reviewed by Maya Patel", "Wes Adebayo"),
    ]
    for event in wanted:
        assert events.count(event) == 1, event
    [flag] = [e for e in events if e[0] is K.FLAG_RAISED]
    assert flag[1].startswith("Possible crime raised") and flag[2] == "Wes Adebayo"
    [call] = [e for e in events if e[0] is K.CALL_RECEIVED]
    assert "possible crime" not in call[1]  # raised later: not what the call said
    assert not any("Review the strategy discussion" in e[1] for e in events)  # told once, by the review
    sign_in(client, "worker")
    page = client.get(f"/calls/{world['contact'].id}/children/{world['child'].id}/chronology").get_data(as_text=True)
    assert "Section 47 enquiry started" in page and "Strategy discussion reviewed" in page
