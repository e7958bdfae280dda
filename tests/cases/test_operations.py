"""Screening decisions, referrals and actions, through the operations."""

from datetime import date, timedelta

import pytest

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.cases.operations import OnwardReferral
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.models import ObligationKind, Role, ScreeningOutcome
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
    with pytest.raises(DomainError, match="Name the social-care manager"):
        decide(accepted, O.STRATEGY_DISCUSSION, is_joint_investigation=True, social_care_manager=worker)


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
