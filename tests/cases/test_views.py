"""The pages of decisions, strategy discussions and cases, as duty workers and managers use them."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select

from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import (
    ObligationKind,
    RecordView,
    Referral,
    Role,
    ScreeningDecision,
    ScreeningOutcome,
    StrategyDiscussion,
    TeamKind,
    User,
)
from tests.factories import at, create_contact, create_team, create_user, csrf_token, obligation_of, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
RECEIVED = at("2026-11-23 09:00")


@pytest.fixture
def world():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    south = create_team("Duty South")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("colleague", (Role.DUTY_WORKER,), north, display_name="Cara Lewis")
    create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("south_manager", (Role.DUTY_MANAGER,), south, display_name="Sol Grant")
    contact = create_contact(RECEIVED, team=north, by=handler)
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=10))
    db.session.commit()
    return {"contact": contact, "child": contact.children[0], "north": north, "south": south, "worker": worker}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def decision_url(world) -> str:
    return f"/calls/{world['contact'].id}/children/{world['child'].id}/decision"


def refer(world) -> Referral:
    contact, child = world["contact"], world["child"]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Second call",
                                    by=world["worker"], now=RECEIVED + timedelta(minutes=30))
    referral = cases.get_referral(child)
    db.session.commit()
    return referral


def error_beside(page: str, field_id: str, message: str) -> bool:
    """The GOV.UK error message of a field, which follows the field's label and hint."""
    marker = f'id="{field_id}-error"'
    return marker in page and message in page.split(marker, 1)[1][:400]


# Screening decisions: the R93 and R48 gates

@freeze_time(NOW)
def test_a_joint_investigation_without_the_manager_is_refused_beside_the_field_keeping_what_was_typed(client, world):
    sign_in(client, "worker")
    data = {"outcome": "strategy_discussion", "rationale": "Bruising seen by the school nurse",
            "is_joint_investigation": "y", "social_care_manager_id": ""}
    page = post_form(client, decision_url(world), data).get_data(as_text=True)
    assert "There is a problem" in page
    assert error_beside(page, "social_care_manager_id", "Name the social-care manager involved")
    assert "Bruising seen by the school nurse" in page
    assert 'value="strategy_discussion" checked' in page
    assert count(ScreeningDecision) == 0 and count(Referral) == 0

    maya = next(u for u in world["north"].members if u.username == "manager")
    response = post_form(client, decision_url(world), {**data, "social_care_manager_id": str(maya.id)},
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Decision for Leo Martin recorded: Strategy discussion (possible section 47)" in page
    decision = db.session.scalar(select(ScreeningDecision))
    assert decision.is_joint_investigation and decision.social_care_manager.display_name == "Maya Patel"
    assert "Joint investigation with the police; social-care manager Maya Patel" in page  # on the call page
    assert "Open the case" in page


@freeze_time(NOW)
def test_an_onward_referral_without_agreement_is_refused_beside_the_field_keeping_what_was_typed(client, world):
    sign_in(client, "worker")
    data = {"outcome": "advice", "rationale": "Low-level anxiety", "onward_agency": "CAMHS",
            "onward_purpose": "Assessment of anxiety", "onward_agreed_by_id": ""}
    page = post_form(client, decision_url(world), data).get_data(as_text=True)
    assert error_beside(page, "onward_agreed_by_id",
                        "needs the agreement of Wes Adebayo, who holds the child&#39;s work, or a manager")
    assert 'value="CAMHS"' in page and "Assessment of anxiety" in page and "Low-level anxiety" in page
    assert count(ScreeningDecision) == 0

    without_purpose = {**data, "onward_purpose": " ", "onward_agreed_by_id": str(world["worker"].id)}
    page = post_form(client, decision_url(world), without_purpose).get_data(as_text=True)
    assert error_beside(page, "onward_purpose", "Record the purpose of the referral")
    assert count(ScreeningDecision) == 0

    response = post_form(client, decision_url(world), {**data, "onward_agreed_by_id": str(world["worker"].id)})
    assert response.status_code == 302
    decision = db.session.scalar(select(ScreeningDecision))
    assert (decision.onward_agency, decision.onward_agreed_by.username) == ("CAMHS", "worker")
    assert obligation_of(world["contact"], ObligationKind.SCREENING_DECISION).met_at == at(NOW)


@freeze_time(NOW)
def test_a_decision_needs_an_outcome_and_its_reasons(client, world):
    sign_in(client, "worker")
    page = post_form(client, decision_url(world), {"rationale": " "}).get_data(as_text=True)
    assert "Choose the decision" in page and "Record the reasons for the decision" in page
    assert count(ScreeningDecision) == 0


@freeze_time(NOW)
def test_the_decision_page_shows_the_earlier_decisions_with_their_reasons(client, world):
    refer(world)
    sign_in(client, "worker")
    page = client.get(decision_url(world)).get_data(as_text=True)
    assert "Earlier decisions about Leo Martin" in page
    assert "Referral to children&#39;s social care" in page and "Second call" in page


# Cases: the unallocated list, allocation, transfers

@freeze_time(NOW)
def test_a_referral_opens_a_case_that_shows_on_the_unallocated_list(client, world):
    sign_in(client, "worker")
    response = post_form(client, decision_url(world), {"outcome": "referral", "rationale": "Injuries unexplained"},
                         follow_redirects=True)
    assert "waiting to be allocated to a worker" in response.get_data(as_text=True)
    referral = db.session.scalar(select(Referral))
    page = client.get("/cases/unallocated").get_data(as_text=True)
    assert "1 unallocated case in Duty North" in page
    assert f'href="/cases/{referral.id}"' in page and "Leo Martin" in page
    assert cases.AWAITING_ALLOCATION in page
    assert "No contingency recorded" in page
    assert "0 seconds" in page  # how long it has waited
    assert "1 unallocated case in Duty South" not in client.get(
        f"/cases/unallocated?team={world['south'].id}").get_data(as_text=True)
    assert "1 unallocated case," in client.get("/cases/unallocated?team=all").get_data(as_text=True)


@freeze_time(NOW)
def test_a_manager_allocates_the_case_and_the_case_page_shows_the_worker(client, world):
    referral = refer(world)
    sign_in(client, "manager")
    page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert "No contingency is recorded" in page
    assert "Allocate the case" in page and "Record why this case is unallocated" in page
    colleague = next(u for u in world["north"].members if u.username == "colleague")
    response = post_form(client, f"/cases/{referral.id}/allocate", {"worker_id": str(colleague.id)},
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Case of Leo Martin allocated to Cara Lewis" in page
    assert "Allocated to <strong>Cara Lewis</strong> since 10:00 on 23 Nov 2026" in page
    assert "Take the case from Cara Lewis" in page
    assessment = obligation_of(world["contact"], ObligationKind.ASSESSMENT)
    db.session.refresh(assessment)
    assert assessment.worker == colleague
    assert "No unallocated cases" in client.get("/cases/unallocated").get_data(as_text=True)


@freeze_time(NOW)
def test_allocating_someone_from_another_team_is_refused_beside_the_choice(client, world):
    referral = refer(world)
    sign_in(client, "manager")
    sol = world["south"].members[0]
    page = post_form(client, f"/cases/{referral.id}/allocate", {"worker_id": str(sol.id)}).get_data(as_text=True)
    assert error_beside(page, "worker_id", "Sol Grant is not in Duty North")
    db.session.refresh(referral)
    assert referral.worker is None


@freeze_time(NOW)
def test_a_deactivated_workers_case_shows_as_unallocated(client, world):
    referral = refer(world)
    cases.allocate_case(referral, to=world["worker"], by=world["worker"], now=at(NOW))
    world["worker"].is_active = False
    db.session.commit()
    sign_in(client, "manager")
    page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert "Allocated to" not in page
    assert "Wes Adebayo is no longer active" in page
    listing = client.get("/cases/unallocated").get_data(as_text=True)
    assert "1 unallocated case in Duty North" in listing and "Wes Adebayo is no longer active" in listing
    page = client.get(f"/cases/{referral.id}/unallocate").get_data(as_text=True)
    assert "Record why this case is unallocated" in page


@freeze_time(NOW)
def test_taking_a_case_from_its_worker_needs_a_reason_and_a_contingency(client, world):
    referral = refer(world)
    cases.allocate_case(referral, to=world["worker"], by=world["worker"], now=at(NOW))
    db.session.commit()
    sign_in(client, "manager")
    url = f"/cases/{referral.id}/unallocate"
    assert "Take the case from Wes Adebayo" in client.get(url).get_data(as_text=True)
    page = post_form(client, url, {"reason": "Long-term sick leave", "contingency": ""}).get_data(as_text=True)
    assert "Enter how the team will keep in contact with the child" in page and "Long-term sick leave" in page
    response = post_form(client, url, {"reason": "Long-term sick leave", "contingency": "Duty phones mother daily"},
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Case of Leo Martin taken from Wes Adebayo: it is unallocated" in page
    assert "Duty phones mother daily" in page
    db.session.refresh(referral)
    assert referral.worker is None


@freeze_time(NOW)
def test_a_transfer_is_requested_and_accepted_by_the_other_teams_manager(client, world):
    referral = refer(world)
    sign_in(client, "manager")
    page = client.get(f"/cases/{referral.id}/transfer").get_data(as_text=True)
    assert f'<option value="{world["north"].id}"' not in page  # not to its own team
    response = post_form(client, f"/cases/{referral.id}/transfer",
                         {"to_team_id": str(world["south"].id), "reason": "Family moved to Tottenham"},
                         follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Duty South must accept it by 10:00 on 24 Nov 2026" in page
    assert 'id="accept-transfer"' not in page  # not the receiving team: no button
    listing = client.get("/cases/unallocated").get_data(as_text=True)
    assert "Transfers out of Duty North waiting for acceptance: 1" in listing

    transfer = db.session.scalar(select(Referral)).transfers[0]
    refused = client.post(f"/transfers/{transfer.id}/accept", data={"csrf_token": csrf_token(page)},
                          follow_redirects=True)
    assert refused.status_code == 403
    assert "Only members of Duty South or a senior manager can. You are in Duty North." in refused.get_data(as_text=True)
    assert transfer.accepted_at is None

    client.post("/logout", data={"csrf_token": csrf_token(page)})
    sign_in(client, "south_manager")
    listing = client.get("/cases/unallocated").get_data(as_text=True)
    assert "Transfers waiting for Duty South to accept: 1" in listing
    page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert "Duty North asks Duty South to take this case" in page and 'id="accept-transfer"' in page
    response = client.post(f"/transfers/{transfer.id}/accept", data={"csrf_token": csrf_token(page)},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Duty South has taken the case of Leo Martin" in page
    assert "Case, Duty South" in page and "Transferred from Duty North" in page
    referral = db.session.scalar(select(Referral))
    assert referral.team.name == "Duty South" and referral.worker is None
    assert "1 unallocated case in Duty South" in client.get("/cases/unallocated").get_data(as_text=True)


# Strategy discussions

def strategy_form(owner_id: int, **overrides) -> dict:
    maya = db.session.scalar(select(User).where(User.username == "manager"))
    data = {
        "held_date": ["23", "11", "2026"], "held_time": "09:30", "social_care_manager_id": str(maya.id),
        "attendees-0-name": "DS Asha Khan", "attendees-0-agency": "Metropolitan Police",
        "attendees-1-name": "Joan Fraser", "attendees-1-agency": "Park Lane Primary",
        "record": "Agreed a joint visit.\nThe school keeps the child until a social worker arrives.",
        "action_points-0-title": "Visit Leo at school with DS Khan",
        "action_points-0-owner_id": str(owner_id), "action_points-0-due_date": ["24", "11", "2026"],
        "circulated_to": "DS Khan, Joan Fraser, Wes Adebayo",
        "circulated_date": ["23", "11", "2026"], "circulated_time": "09:55",
        "review_on": ["30", "11", "2026"], "save": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def strategy_url(world) -> str:
    return f"/calls/{world['contact'].id}/children/{world['child'].id}/strategy-discussion"


@freeze_time(NOW)
def test_a_strategy_discussion_with_two_attendees_and_an_action_point_is_saved_and_shown(client, world):
    sign_in(client, "worker")
    response = post_form(client, strategy_url(world), strategy_form(world["worker"].id), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    discussion = db.session.scalar(select(StrategyDiscussion))
    assert response.request.path == f"/strategy-discussions/{discussion.id}"
    assert "Strategy discussion about Leo Martin recorded" in page
    for text in ("DS Asha Khan", "Metropolitan Police", "Joan Fraser", "Park Lane Primary",
                 "Agreed a joint visit.", "The school keeps the child", "Visit Leo at school with DS Khan",
                 "17:00 on 24 Nov 2026", "09:30 on 23 Nov 2026", "09:55 on 23 Nov 2026",
                 "17:00 on 30 Nov 2026", "DS Khan, Joan Fraser, Wes Adebayo", "Maya Patel"):
        assert text in page, text
    assert [(a.name, a.agency) for a in discussion.attendees] == [
        ("DS Asha Khan", "Metropolitan Police"), ("Joan Fraser", "Park Lane Primary")]
    [action] = discussion.action_points
    assert (action.kind, action.worker.username, action.due_at) == (
        ObligationKind.ACTION, "worker", at("2026-11-24 17:00"))
    assert discussion.review.due_at == at("2026-11-30 17:00")
    call_page = client.get(f"/calls/{world['contact'].id}").get_data(as_text=True)
    assert f'href="/strategy-discussions/{discussion.id}"' in call_page


@freeze_time(NOW)
def test_add_another_attendee_keeps_what_was_typed_and_saves_nothing(client, world):
    sign_in(client, "worker")
    data = strategy_form(world["worker"].id, save=None, add_attendee="Add another attendee")
    page = post_form(client, strategy_url(world), data).get_data(as_text=True)
    assert "Attendee 3" in page and 'name="attendees-2-name"' in page
    assert "DS Asha Khan" in page and "Visit Leo at school with DS Khan" in page
    assert "Remove the last attendee" in page
    assert count(StrategyDiscussion) == 0


@freeze_time(NOW)
def test_an_attendee_without_an_agency_or_an_action_without_an_owner_is_refused_beside_the_field(client, world):
    sign_in(client, "worker")
    data = strategy_form(world["worker"].id, **{"attendees-1-agency": "", "action_points-0-owner_id": ""})
    page = post_form(client, strategy_url(world), data).get_data(as_text=True)
    assert error_beside(page, "attendees-1-agency", "Enter the agency Joan Fraser spoke for")
    assert error_beside(page, "action_points-0-owner_id", "Choose who will do it")
    assert 'href="#attendees-1-agency"' in page  # in the error summary
    assert "Agreed a joint visit." in page
    assert count(StrategyDiscussion) == 0


@freeze_time(NOW)
def test_a_record_sent_before_the_discussion_is_refused(client, world):
    sign_in(client, "worker")
    data = strategy_form(world["worker"].id, circulated_time="09:00")
    page = post_form(client, strategy_url(world), data).get_data(as_text=True)
    assert "cannot be before 09:30 on 23 November 2026" in page
    assert count(StrategyDiscussion) == 0


@freeze_time(NOW)
def test_a_review_date_in_the_past_is_refused_by_the_operation_beside_its_field(client, world):
    sign_in(client, "worker")
    data = strategy_form(world["worker"].id, review_on=["20", "11", "2026"])
    page = post_form(client, strategy_url(world), data).get_data(as_text=True)
    assert error_beside(page, "review_on", "The review date must be in the future")
    assert count(StrategyDiscussion) == 0


# Every view of a case is logged; the list is a fixed number of queries

@freeze_time(NOW)
def test_every_case_page_logs_a_view_of_the_childs_record(client, world):
    referral = refer(world)
    contact, child = world["contact"], world["child"]
    discussion = cases.record_strategy_discussion(
        contact, child, held_at=at("2026-11-23 09:30"), attendees=[cases.Attendee("DS Khan", "Police")],
        record="Joint visit", action_points=[], circulated_to="DS Khan", circulated_at=at("2026-11-23 09:40"),
        review_on=at("2026-11-30 12:00").date(), by=world["worker"], now=at(NOW),
        social_care_manager=next(u for u in world["north"].members if u.username == "manager"))
    transfer = cases.request_transfer(referral, to_team=world["south"], reason="Moved", by=world["worker"],
                                      now=at(NOW))
    db.session.commit()
    sign_in(client, "manager")
    pages = [decision_url(world), strategy_url(world), f"/strategy-discussions/{discussion.id}",
             f"/cases/{referral.id}", f"/cases/{referral.id}/allocate", f"/cases/{referral.id}/unallocate",
             f"/cases/{referral.id}/transfer"]
    for number, url in enumerate(pages, start=1):
        assert client.get(url).status_code == 200, url
        assert count(RecordView) == number, url
    page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    refused = client.post(f"/transfers/{transfer.id}/accept", data={"csrf_token": csrf_token(page)})  # North's
    assert refused.status_code == 403 and child.name not in refused.get_data(as_text=True)
    views = db.session.scalars(select(RecordView).order_by(RecordView.id)).all()
    assert len(views) == len(pages) + 1  # the refusal showed nothing of the child
    assert {view.contact_id for view in views} == {contact.id}
    assert not any(view.is_list for view in views)
    assert views[-1].path == f"/cases/{referral.id}"


def _unallocated_cases(world, n: int, start: int = 0) -> None:
    handler = world["contact"].logged_by
    for i in range(start, start + n):
        contact = create_contact(RECEIVED, team=world["north"], by=handler)
        cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                        rationale=f"Case {i}", by=world["worker"], now=at(NOW))
    db.session.commit()


def _statements_for(client, url: str) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


@freeze_time(NOW)
def test_the_unallocated_list_is_a_fixed_number_of_queries_whatever_the_number_of_cases(client, world):
    # One of each kind of row: a leaver's case, a case taken from its worker with a transfer
    # waiting, and a new referral.
    colleague = next(u for u in world["north"].members if u.username == "colleague")
    leavers = refer(world)
    cases.allocate_case(leavers, to=colleague, by=world["worker"], now=at(NOW))
    colleague.is_active = False
    _unallocated_cases(world, 2)
    taken, _ = db.session.scalars(select(Referral).order_by(Referral.id.desc())).all()[:2]
    cases.allocate_case(taken, to=world["worker"], by=world["worker"], now=at(NOW))
    cases.record_unallocated(taken, reason="Sick leave", contingency="Daily call", by=world["worker"], now=at(NOW))
    cases.request_transfer(taken, to_team=world["south"], reason="Moved", by=world["worker"], now=at(NOW))
    db.session.commit()
    sign_in(client, "manager")
    few = _statements_for(client, "/cases/unallocated")
    assert "3 unallocated cases in Duty North" in client.get("/cases/unallocated").get_data(as_text=True)
    _unallocated_cases(world, 20, start=2)
    many = _statements_for(client, "/cases/unallocated")
    assert "23 unallocated cases in Duty North" in client.get("/cases/unallocated").get_data(as_text=True)
    assert many == few
    # Every case on it was logged as seen a moment ago, so the log reads and writes nothing new.
    assert _statements_for(client, "/cases/unallocated?team=all") == few - 1


@freeze_time(NOW)
def test_the_call_page_shows_each_childs_decisions_in_a_fixed_number_of_queries(client, world):
    sign_in(client, "worker")
    url = f"/calls/{world['contact'].id}"
    before = _statements_for(client, url)
    refer(world)
    contact, child = world["contact"], world["child"]
    for i in range(3):
        cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.ADVICE, rationale=f"Again {i}",
                                        by=world["worker"], now=at(NOW))
    db.session.commit()
    after = _statements_for(client, url)
    page = client.get(url).get_data(as_text=True)
    assert "Screening decisions about Leo Martin" in page and "Record a screening decision" in page
    assert page.count(">Advice and signposting</td>") == 3
    # The decisions, their people, the case and what other teams hold about the child: not one query per
    # decision (checked below).
    assert after <= before + 5
    before_more = after
    for i in range(5):
        cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.ADVICE, rationale=f"More {i}",
                                        by=world["worker"], now=at(NOW))
    db.session.commit()
    assert _statements_for(client, url) == before_more


# A decision on a call nobody has accepted (R39): it accepts the call too

@pytest.fixture
def unaccepted(world):
    """A second call to Duty North that nobody has accepted."""
    handler = db.session.scalar(select(User).where(User.username == "handler"))
    contact = create_contact(RECEIVED, team=world["north"], by=handler)
    db.session.commit()
    return {**world, "contact": contact, "child": contact.children[0]}


@freeze_time(NOW)
def test_a_decision_on_a_call_nobody_accepted_accepts_it_as_the_page_says_before_saving(client, unaccepted):
    sign_in(client, "worker")
    page = client.get(decision_url(unaccepted)).get_data(as_text=True)
    assert "Nobody has accepted this call yet. Recording this decision accepts it for you as well" in page
    assert "Accept the call and record the decision" in page
    response = post_form(client, decision_url(unaccepted), {"outcome": "nfa", "rationale": "Advice given to mother"},
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You have accepted call C000002. Decision for Leo Martin recorded: No further action." in html
    contact = unaccepted["contact"]
    db.session.refresh(contact)
    written = obligation_of(contact, ObligationKind.WRITTEN_HANDOFF)
    decision = db.session.scalar(select(ScreeningDecision))
    # Met by the person deciding, at the moment of the decision, in the same request.
    assert (written.met_by.username, written.met_at) == ("worker", at(NOW))
    assert (contact.accepted_by.username, decision.decided_at) == ("worker", at(NOW))
    assert [event.action for event in contact.events][-2:] == ["accepted", "decision"]
    assert "Nobody in Duty North has accepted this call yet" not in html  # the call page's warning is gone


@freeze_time(NOW)
def test_a_decision_on_an_accepted_call_does_not_talk_about_accepting(client, world):
    sign_in(client, "worker")
    page = client.get(decision_url(world)).get_data(as_text=True)
    assert "Nobody has accepted" not in page and "Record the decision" in page


@freeze_time(NOW)
def test_someone_outside_the_team_cannot_decide_on_a_call_nobody_accepted_and_is_told_who_can(client, unaccepted):
    from dutydesk.work import operations as work

    # Sol, of Duty South, was given the child's screening decision: the decision is his to
    # make, but only Duty North can accept the call.
    sol = db.session.scalar(select(User).where(User.username == "south_manager"))
    screening = obligation_of(unaccepted["contact"], ObligationKind.SCREENING_DECISION)
    work.reassign_obligation(screening, to=sol, by=unaccepted["worker"], now=at(NOW) - timedelta(minutes=5))
    db.session.commit()
    sign_in(client, "south_manager")
    page = client.get(decision_url(unaccepted)).get_data(as_text=True)
    assert "yet, and only a duty worker in Duty North can. Ask one of them to accept it" in page
    assert f'href="/calls/{unaccepted["contact"].id}">call C000002</a>' in page
    refused = post_form(client, decision_url(unaccepted), {"outcome": "nfa", "rationale": "Advice given"})
    assert refused.status_code == 200
    assert ("Nobody has accepted call C000002 yet, and only a duty worker in Duty North can. Ask one of them to "
            "accept it, then record the decision") in refused.get_data(as_text=True)
    assert "Advice given" in refused.get_data(as_text=True)
    assert count(ScreeningDecision) == 0
    assert obligation_of(unaccepted["contact"], ObligationKind.WRITTEN_HANDOFF).met_at is None
