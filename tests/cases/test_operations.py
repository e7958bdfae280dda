"""Screening decisions, referrals, actions, allocation, transfers and strategy discussions, through
the operations."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dutydesk.access import AccessRefused, may_change
from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.cases import queries
from dutydesk.cases.operations import OnwardReferral
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import ContactChild, ObligationKind, Referral, Role, ScreeningOutcome, TeamKind
from dutydesk.rules import ObligationState, obligation_state
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user, obligation_of

RECEIVED = at("2026-11-23 10:00")
LATER = RECEIVED + timedelta(hours=3)
K = ObligationKind
O = ScreeningOutcome


@pytest.fixture
def accepted():
    duty = create_team("Duty North")
    worker = create_user("worker", (Role.DUTY_WORKER,), duty)
    manager = create_user("manager", (Role.DUTY_MANAGER,), duty)
    contact = create_contact(RECEIVED, team=duty)
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=20))
    return contact, contact.children[0], worker, manager


def decide(accepted, outcome, **kwargs):
    contact, child, worker, _ = accepted
    return cases.record_screening_decision(contact, child, outcome=outcome, rationale="Seen the history",
                                           by=kwargs.pop("by", worker), now=kwargs.pop("now", LATER), **kwargs)


def test_the_first_decision_meets_the_screening_clock(accepted):
    contact, child, worker, _ = accepted
    decide(accepted, O.ADVICE)
    screening = obligation_of(contact, K.SCREENING_DECISION, child)
    assert (screening.met_at, screening.met_by) == (LATER, worker)
    assert cases.get_referral(child) is None


def test_a_referral_opens_the_cin_referral_with_its_date_and_source_and_an_assessment_clock(accepted):
    contact, child, worker, _ = accepted
    decide(accepted, O.REFERRAL)
    referral = cases.get_referral(child)
    assert referral.referred_on == date(2026, 11, 23)
    assert referral.source is contact.referral_source
    assert not referral.is_nfa
    assessment = obligation_of(contact, K.ASSESSMENT, child)
    assert assessment.due_at == rules.assessment_due_at(LATER)
    assert assessment.worker == worker


def test_a_referral_holds_the_record_of_its_call_s_child_as_the_database_stores_it(accepted):
    contact, child, _, _ = accepted
    decide(accepted, O.REFERRAL)
    db.session.commit()
    stored = db.session.execute(
        select(Referral.child_record_id, ContactChild.child_id).join(ContactChild, ContactChild.id == Referral.child_id)
        .where(Referral.child_id == child.id)).one()
    assert stored[0] is not None
    assert stored[0] == stored[1] == child.child.id


def test_no_further_action_after_a_referral_sets_its_nfa_flag_and_stops_the_assessment_clock(accepted):
    contact, child, _, _ = accepted
    decide(accepted, O.REFERRAL)
    decide(accepted, O.NO_FURTHER_ACTION, now=LATER + timedelta(days=2))
    referral = cases.get_referral(child)
    assert referral.is_nfa and referral.nfa_at == LATER + timedelta(days=2)
    assessment = obligation_of(contact, K.ASSESSMENT, child)
    assert obligation_state(assessment.due_at, assessment.met_at, LATER, assessment.is_withdrawn) \
        is ObligationState.WITHDRAWN


def test_no_further_action_without_a_referral_opens_none(accepted):
    _, child, _, _ = accepted
    decide(accepted, O.NO_FURTHER_ACTION)
    assert cases.get_referral(child) is None


def test_a_joint_investigation_cannot_be_recorded_without_the_social_care_manager(accepted):
    with pytest.raises(DomainError, match="Name the social-care manager") as refused:
        decide(accepted, O.STRATEGY_DISCUSSION, is_joint_investigation=True)
    assert refused.value.field == "social_care_manager_id"


def test_a_joint_investigation_needs_a_manager_not_any_worker(accepted):
    _, _, worker, _ = accepted
    with pytest.raises(DomainError, match="is not an active social-care manager"):
        decide(accepted, O.STRATEGY_DISCUSSION, is_joint_investigation=True, social_care_manager=worker)


def test_a_decision_to_hold_a_strategy_discussion_needs_the_manager_even_without_a_joint_investigation(accepted):
    # R93, all of it: the box unticked is no way round the manager.
    contact, child, worker, manager = accepted
    with pytest.raises(DomainError, match="Name the social-care manager involved: a decision to hold a strategy "
                                          "discussion cannot be recorded without one") as refused:
        decide(accepted, O.STRATEGY_DISCUSSION)
    assert refused.value.field == "social_care_manager_id"
    with pytest.raises(DomainError, match="is not an active social-care manager"):
        decide(accepted, O.STRATEGY_DISCUSSION, social_care_manager=worker)
    decision = decide(accepted, O.STRATEGY_DISCUSSION, social_care_manager=manager)
    assert decision.social_care_manager == manager and not decision.is_joint_investigation
    assert contact.events[-1].summary.endswith("Strategy discussion (possible section 47); social-care manager "
                                               f"{manager.display_name}")


def test_a_referral_names_no_manager_even_when_one_is_chosen(accepted):
    _, _, _, manager = accepted
    assert decide(accepted, O.REFERRAL, social_care_manager=manager).social_care_manager is None


def test_a_joint_investigation_with_its_manager_named_is_recorded_and_opens_a_referral(accepted):
    contact, child, _, manager = accepted
    decision = decide(accepted, O.STRATEGY_DISCUSSION, is_joint_investigation=True, social_care_manager=manager)
    assert decision.social_care_manager == manager
    assert cases.get_referral(child) is not None
    assert "social-care manager Manager" in contact.events[-1].summary


def test_an_onward_referral_needs_its_purpose(accepted):
    _, _, worker, _ = accepted
    with pytest.raises(DomainError, match="purpose"):
        decide(accepted, O.ADVICE, onward=OnwardReferral(agency="CAMHS", purpose=" ", agreed_by=worker))


def test_an_onward_referral_needs_the_agreement_of_the_worker_holding_the_child_or_a_manager(accepted):
    contact, _, worker, manager = accepted
    stranger = create_user("stranger", (Role.DUTY_WORKER,), contact.team)
    with pytest.raises(DomainError, match="agreement of Worker, who holds the child's work, or a manager"):
        decide(accepted, O.ADVICE, onward=OnwardReferral(agency="CAMHS", purpose="Anxiety", agreed_by=stranger))
    assert decide(accepted, O.ADVICE, onward=OnwardReferral("CAMHS", "Anxiety", worker)).onward_agreed_by == worker
    assert decide(accepted, O.ADVICE, onward=OnwardReferral("CAMHS", "Anxiety", manager)).onward_agreed_by == manager


def test_a_decision_needs_its_reasons(accepted):
    contact, child, worker, _ = accepted
    with pytest.raises(DomainError, match="reasons"):
        cases.record_screening_decision(contact, child, outcome=O.ADVICE, rationale=" ", by=worker, now=LATER)


def test_an_action_has_an_owner_and_a_deadline_and_can_be_reassigned_and_completed(accepted):
    contact, child, worker, manager = accepted
    action = work.add_action(contact, title="Check school attendance", owner=worker, child=child,
                             due_at=LATER + timedelta(hours=4), by=manager, now=LATER)
    assert (action.kind, action.label, action.worker) == (K.ACTION, "Check school attendance", worker)
    work.reassign_obligation(action, to=manager, by=manager, now=LATER)
    assert action.worker == manager
    work.complete_action(action, by=manager, now=LATER + timedelta(hours=1), note="Attending daily")
    assert action.met_at == LATER + timedelta(hours=1)
    assert [e.action for e in contact.events][-3:] == ["action_added", "reassigned", "action_done"]
    with pytest.raises(DomainError, match="nothing to reassign"):
        work.reassign_obligation(action, to=worker, by=manager, now=LATER)


def test_an_action_cannot_be_due_in_the_past_or_owned_by_a_leaver(accepted):
    contact, _, worker, manager = accepted
    with pytest.raises(DomainError, match="due in the future"):
        work.add_action(contact, title="x", owner=worker, due_at=LATER, by=manager, now=LATER)
    leaver = create_user("leaver", (Role.DUTY_WORKER,), contact.team, is_active=False)
    with pytest.raises(DomainError, match="no longer active"):
        work.add_action(contact, title="x", owner=leaver, due_at=LATER + timedelta(days=1), by=manager, now=LATER)


# Allocation (R55) and unallocated cases (R54)


def refer(accepted, now=LATER):
    contact, child, _, _ = accepted
    decide(accepted, O.REFERRAL, now=now)
    return cases.get_referral(child)


def test_a_new_referral_waits_unallocated_with_no_contingency_yet(accepted):
    referral = refer(accepted)
    assert referral.worker is None and not referral.is_allocated
    assert referral.unallocated_reason == cases.AWAITING_ALLOCATION
    assert referral.contingency == ""


def test_a_case_is_allocated_to_an_active_worker_of_its_team_who_then_owns_its_open_work(accepted):
    contact, child, worker, manager = accepted
    colleague = create_user("colleague", (Role.DUTY_WORKER,), contact.team)
    referral = refer(accepted)
    cases.allocate_case(referral, to=colleague, by=manager, now=LATER + timedelta(hours=1))
    assert referral.is_allocated and referral.worker == colleague
    assert referral.allocated_at == LATER + timedelta(hours=1)
    assert (referral.unallocated_reason, referral.contingency) == ("", "")
    assert obligation_of(contact, K.ASSESSMENT, child).worker == colleague
    assert contact.events[-1].action == "allocated"


def test_a_case_is_allocated_only_to_an_active_case_holder_in_its_team(accepted):
    contact, _, _, manager = accepted
    referral = refer(accepted)
    leaver = create_user("leaver", (Role.DUTY_WORKER,), contact.team, is_active=False)
    handler = create_user("handler", (Role.CALL_HANDLER,), contact.team)
    elsewhere = create_user("elsewhere", (Role.DUTY_WORKER,), create_team("Duty South"))
    for to, message in ((leaver, "cannot hold cases"), (handler, "cannot hold cases"),
                        (elsewhere, "is not in Duty North")):
        with pytest.raises(DomainError, match=message) as refused:
            cases.allocate_case(referral, to=to, by=manager, now=LATER)
        assert refused.value.field == "worker_id"
    assert referral.worker is None


def test_a_case_whose_worker_is_deactivated_counts_as_unallocated(accepted):
    _, _, worker, manager = accepted
    referral = refer(accepted)
    cases.allocate_case(referral, to=worker, by=manager, now=LATER)
    assert referral.is_allocated
    assert queries.list_unallocated(referral.team_id) == []
    worker.is_active = False
    assert not referral.is_allocated
    listed = queries.list_unallocated(referral.team_id)
    assert [case.referral for case in listed] == [referral]
    assert listed[0].since is None  # when the worker left is not recorded


def test_an_nfa_case_is_neither_allocated_nor_listed_as_unallocated(accepted):
    _, _, worker, manager = accepted
    referral = refer(accepted)
    decide(accepted, O.NO_FURTHER_ACTION, now=LATER + timedelta(hours=1))
    with pytest.raises(DomainError, match="no further action"):
        cases.allocate_case(referral, to=worker, by=manager, now=LATER + timedelta(hours=2))
    assert queries.list_unallocated(None) == []


def test_recording_why_a_case_is_unallocated_needs_a_reason_and_a_contingency(accepted):
    _, _, _, manager = accepted
    referral = refer(accepted)
    with pytest.raises(DomainError, match="why the case has no allocated worker") as refused:
        cases.record_unallocated(referral, reason=" ", contingency="Daily call", by=manager, now=LATER)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="keep in contact with the child") as refused:
        cases.record_unallocated(referral, reason="Team at capacity", contingency="", by=manager, now=LATER)
    assert refused.value.field == "contingency"
    cases.record_unallocated(referral, reason="Team at capacity", contingency="Duty worker phones mother daily",
                             by=manager, now=LATER)
    assert (referral.unallocated_reason, referral.contingency) == ("Team at capacity",
                                                                  "Duty worker phones mother daily")


def test_taking_a_case_from_its_worker_gives_its_open_work_back_to_the_team(accepted):
    contact, child, worker, manager = accepted
    referral = refer(accepted)
    cases.allocate_case(referral, to=worker, by=manager, now=LATER)
    taken_at = LATER + timedelta(days=1)
    cases.record_unallocated(referral, reason="Worker on long-term sick leave", contingency="Weekly visit by duty",
                             by=manager, now=taken_at)
    assert referral.worker is None and referral.allocated_at is None
    assessment = obligation_of(contact, K.ASSESSMENT, child)
    assert assessment.worker is None and assessment.team == contact.team
    assert contact.events[-1].action == cases.TAKEN_FROM_WORKER
    assert "taken from Worker" in contact.events[-1].summary
    assert queries.list_unallocated(referral.team_id)[0].since == taken_at


def test_a_case_is_unallocated_since_its_referral_or_its_worker_was_taken_off_not_since_its_reason_changed(accepted):
    _, _, worker, manager = accepted
    referral = refer(accepted)
    assert referral.unallocated_since == LATER
    cases.record_unallocated(referral, reason="Team at capacity", contingency="Daily call", by=manager,
                             now=LATER + timedelta(hours=2))
    assert referral.unallocated_since == LATER  # still waiting since the referral
    cases.allocate_case(referral, to=worker, by=manager, now=LATER + timedelta(days=1))
    assert referral.unallocated_since is None
    cases.record_unallocated(referral, reason="Sick leave", contingency="Weekly visit", by=manager,
                             now=LATER + timedelta(days=3))
    assert referral.unallocated_since == LATER + timedelta(days=3)


# Transfers between teams (R42)

@pytest.fixture
def south():
    team = create_team("Duty South")
    return team, create_user("south_manager", (Role.DUTY_MANAGER,), team)


def test_a_transfer_must_be_accepted_within_one_working_day(accepted, south):
    _, _, _, manager = accepted
    friday = at("2026-11-27 15:00")
    referral = refer(accepted)
    transfer = cases.request_transfer(referral, to_team=south[0], reason="Family moved", by=manager, now=friday)
    acceptance = transfer.obligation
    assert acceptance.kind is K.TRANSFER_ACCEPTANCE
    assert acceptance.due_at == rules.transfer_acceptance_due_at(friday) == at("2026-11-30 15:00")  # Monday
    assert (acceptance.team, acceptance.worker) == (south[0], None)
    assert referral.pending_transfer is transfer
    assert referral.team == accepted[0].team  # it stays until accepted


def test_a_case_cannot_wait_for_two_transfers_or_go_to_its_own_team_or_the_contact_centre(accepted, south):
    contact, _, _, manager = accepted
    referral = refer(accepted)
    with pytest.raises(DomainError, match="already with Duty North"):
        cases.request_transfer(referral, to_team=contact.team, reason="x", by=manager, now=LATER)
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    with pytest.raises(DomainError, match="does not hold cases"):
        cases.request_transfer(referral, to_team=centre, reason="x", by=manager, now=LATER)
    with pytest.raises(DomainError, match="why the case is being transferred"):
        cases.request_transfer(referral, to_team=south[0], reason=" ", by=manager, now=LATER)
    cases.request_transfer(referral, to_team=south[0], reason="Family moved", by=manager, now=LATER)
    west = create_team("Duty West")
    with pytest.raises(DomainError, match="already waiting for Duty South"):
        cases.request_transfer(referral, to_team=west, reason="Or here", by=manager, now=LATER)


def test_only_the_receiving_team_or_a_senior_manager_accepts_a_transfer(accepted, south):
    contact, _, worker, manager = accepted
    referral = refer(accepted)
    transfer = cases.request_transfer(referral, to_team=south[0], reason="Family moved", by=manager, now=LATER)
    for outsider in (manager, worker):
        with pytest.raises(AccessRefused, match="Only members of Duty South or a senior manager can"):
            cases.accept_transfer(transfer, by=outsider, now=LATER + timedelta(hours=1))
    assert transfer.accepted_at is None and referral.team.name == "Duty North"
    senior = create_user("senior", (Role.SENIOR_MANAGER,), create_team("Service managers", TeamKind.CONTACT_CENTRE))
    assert may_change(south[1], transfer) and may_change(senior, transfer)
    cases.accept_transfer(transfer, by=senior, now=LATER + timedelta(hours=1))
    assert transfer.accepted_by == senior


def test_on_acceptance_the_case_and_its_open_work_move_team_and_become_unallocated(accepted, south):
    contact, child, worker, manager = accepted
    team, south_manager = south
    referral = refer(accepted)
    cases.allocate_case(referral, to=worker, by=manager, now=LATER)
    transfer = cases.request_transfer(referral, to_team=team, reason="Family moved", by=manager, now=LATER)
    accepted_at = LATER + timedelta(hours=2)
    cases.accept_transfer(transfer, by=south_manager, now=accepted_at)
    assert (transfer.accepted_at, transfer.accepted_by) == (accepted_at, south_manager)
    assert transfer.obligation.met_at == accepted_at
    assert (referral.team, referral.worker, referral.is_allocated) == (team, None, False)
    assert "Transferred from Duty North" in referral.unallocated_reason
    assessment = obligation_of(contact, K.ASSESSMENT, child)
    assert (assessment.team, assessment.worker) == (team, None)
    assert referral.pending_transfer is None
    assert [c.referral for c in queries.list_unallocated(team.id)] == [referral]
    assert queries.list_unallocated(team.id)[0].since == accepted_at
    with pytest.raises(DomainError, match="already accepted"):
        cases.accept_transfer(transfer, by=south_manager, now=accepted_at)


def test_no_further_action_closes_a_pending_transfer(accepted, south):
    contact, child, _, manager = accepted
    referral = refer(accepted)
    transfer = cases.request_transfer(referral, to_team=south[0], reason="Family moved", by=manager, now=LATER)
    decide(accepted, O.NO_FURTHER_ACTION, now=LATER + timedelta(hours=1))
    assert transfer.obligation.is_withdrawn
    assert queries.list_pending_transfers(south[0].id) == []
    with pytest.raises(DomainError, match="no further action"):
        cases.accept_transfer(transfer, by=south[1], now=LATER + timedelta(hours=2))


# Decisions once a case is open (R48)

def test_once_a_case_is_allocated_its_worker_agrees_onward_referrals(accepted):
    contact, child, worker, manager = accepted
    colleague = create_user("colleague", (Role.DUTY_WORKER,), contact.team)
    referral = refer(accepted)
    cases.allocate_case(referral, to=colleague, by=manager, now=LATER)
    assert cases.responsible_worker(contact, child) == colleague
    with pytest.raises(DomainError, match="agreement of Colleague, who holds the child's work"):
        decide(accepted, O.ADVICE, onward=OnwardReferral("CAMHS", "Anxiety", worker))
    assert decide(accepted, O.ADVICE, onward=OnwardReferral("CAMHS", "Anxiety", colleague)).onward_agreed_by \
        == colleague


def test_a_worker_who_has_left_cannot_agree_an_onward_referral(accepted):
    _, _, worker, _ = accepted
    worker.is_active = False
    with pytest.raises(DomainError, match="agreement of"):
        decide(accepted, O.ADVICE, onward=OnwardReferral("CAMHS", "Anxiety", worker), by=accepted[3])


def test_a_referral_that_ended_in_no_further_action_is_not_silently_referred_again(accepted):
    refer(accepted)
    decide(accepted, O.NO_FURTHER_ACTION, now=LATER + timedelta(hours=1))
    with pytest.raises(DomainError, match="log the new concern as a call") as refused:
        decide(accepted, O.REFERRAL, now=LATER + timedelta(hours=2))
    assert refused.value.field == "outcome"


# Strategy discussions (R51)

HELD = LATER + timedelta(hours=1)
RECORDED = HELD + timedelta(hours=2)


def discuss(accepted, **overrides):
    contact, child, worker, manager = accepted
    values = dict(social_care_manager=manager, held_at=HELD, attendees=[cases.Attendee("DS Khan", "Police"), cases.Attendee("Ms Obi", "School")],
                  record="Agreed a joint visit today", action_points=[], circulated_to="DS Khan, Ms Obi",
                  circulated_at=HELD + timedelta(hours=1), review_on=date(2026, 11, 30), by=worker, now=RECORDED)
    values.update(overrides)
    return cases.record_strategy_discussion(contact, child, **values)


def test_a_strategy_discussion_records_who_took_part_and_its_review_date_becomes_an_obligation(accepted):
    contact, child, worker, _ = accepted
    discussion = discuss(accepted)
    assert [(a.name, a.agency) for a in discussion.attendees] == [("DS Khan", "Police"), ("Ms Obi", "School")]
    review = discussion.review
    assert review.kind is K.STRATEGY_REVIEW and review.child is child
    assert review.due_at == rules.end_of_working_day(date(2026, 11, 30)) == at("2026-11-30 17:00")
    assert review.worker == worker  # no allocated worker yet: whoever recorded it
    assert contact.events[-1].action == "strategy_discussion"


def test_the_review_belongs_to_the_allocated_worker_when_there_is_one(accepted):
    contact, _, worker, manager = accepted
    colleague = create_user("colleague", (Role.DUTY_WORKER,), contact.team)
    cases.allocate_case(refer(accepted), to=colleague, by=manager, now=LATER)
    assert discuss(accepted).review.worker == colleague


def test_a_strategy_discussion_cannot_be_recorded_without_its_social_care_manager(accepted):
    # R93: every strategy discussion, not only those of a joint investigation.
    contact, _, worker, manager = accepted
    with pytest.raises(DomainError, match="a strategy discussion cannot be recorded without one") as refused:
        discuss(accepted, social_care_manager=None)
    assert refused.value.field == "social_care_manager_id"
    with pytest.raises(DomainError, match="is not an active social-care manager"):
        discuss(accepted, social_care_manager=worker)
    discussion = discuss(accepted)
    assert discussion.social_care_manager == manager
    assert f"social-care manager {manager.display_name}" in contact.events[-1].summary


def test_every_attendee_needs_a_name_and_an_agency(accepted):
    with pytest.raises(DomainError, match="both the name and the agency"):
        discuss(accepted, attendees=[cases.Attendee("DS Khan", "Police"), cases.Attendee("Ms Obi", " ")])
    with pytest.raises(DomainError, match="who took part") as refused:
        discuss(accepted, attendees=[cases.Attendee(" ", "")])
    assert refused.value.field == "attendees"


def test_action_points_become_actions_with_owners_and_deadlines(accepted):
    contact, child, worker, manager = accepted
    due = rules.end_of_working_day(date(2026, 11, 24))
    discussion = discuss(accepted, action_points=[
        cases.ActionPoint("Visit the child at school", worker, due),
        cases.ActionPoint("Request health records", manager, due + timedelta(days=1))])
    points = discussion.action_points
    assert [(p.kind, p.label, p.worker, p.due_at, p.child) for p in points] == [
        (K.ACTION, "Visit the child at school", worker, due, child),
        (K.ACTION, "Request health records", manager, due + timedelta(days=1), child)]


def test_the_record_cannot_be_sent_before_the_discussion_or_in_the_future(accepted):
    for circulated_at in (HELD - timedelta(minutes=1), RECORDED + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="sent after the discussion") as refused:
            discuss(accepted, circulated_at=circulated_at)
        assert refused.value.field == "circulated_date"
    assert discuss(accepted, circulated_at=HELD).circulated_at == HELD


def test_a_discussion_is_in_the_past_and_its_review_in_the_future(accepted):
    with pytest.raises(DomainError, match="taken place already"):
        discuss(accepted, held_at=RECORDED + timedelta(minutes=5))
    with pytest.raises(DomainError, match="before the call was received"):
        discuss(accepted, held_at=RECEIVED - timedelta(minutes=5))
    with pytest.raises(DomainError, match="review date must be in the future"):
        discuss(accepted, review_on=date(2026, 11, 22))
