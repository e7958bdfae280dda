"""After the referral, through the operations: the assessment authorised after the child and carers
are seen (R25), needs and services, section 47 and its conference clock, plans, the strategy
review's clock, and closure with the R26/40 gate."""

from datetime import date, timedelta

import pytest

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.casework.operations import ClosureCheck, Conclusion
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.models import ObligationKind, Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import (AbuseCategory, AssessmentFactor, ClosureReason, PlanKind, PrimaryNeed,
                                   Section47Outcome)
from tests.factories import at, create_contact, create_team, create_user, obligation_of

RECEIVED = at("2026-10-05 10:00")  # a Monday, BST
DECIDED = RECEIVED + timedelta(hours=2)
NOW = at("2026-11-23 12:00")  # seven weeks on, GMT


@pytest.fixture
def case():
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre)
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    manager = create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    contact = create_contact(RECEIVED, team=north, by=handler, flags=calls.Flags(is_deliberate_harm_alleged=True))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=DECIDED)
    return cases.get_referral(contact.children[0]), worker, manager


def conclusion(**overrides) -> Conclusion:
    values = dict(completed_on=date(2026, 11, 2), requires_service=True,
                  factors=[AssessmentFactor.PHYSICAL_ABUSE_ADULT_ON_CHILD], primary_need=PrimaryNeed.ABUSE_OR_NEGLECT,
                  summary="Marks consistent with being hit", needs=["Safe care at home", "School attendance"])
    return Conclusion(**{**values, **overrides})


def assessed(referral, worker, *, seen=True):
    assessment = casework.start_assessment(referral, started_on=date(2026, 10, 6), by=worker, now=NOW)
    if seen:
        casework.record_seen(assessment, child_seen_on=date(2026, 10, 8), is_child_seen_alone=True,
                             carers_seen_on=date(2026, 10, 9), by=worker, now=NOW)
    casework.complete_assessment(assessment, conclusion(), by=worker, now=NOW)
    return assessment


def test_a_manager_authorising_the_assessment_meets_its_clock(case):
    referral, worker, manager = case
    assessment = assessed(referral, worker)

    casework.authorise_assessment(assessment, note="Read the assessment; the plan fits the needs", by=manager, now=NOW)

    clock = obligation_of(referral.contact, ObligationKind.ASSESSMENT)
    assert (clock.met_at, clock.met_by, clock.is_withdrawn) == (NOW, manager, False)
    assert (assessment.authorised_on, assessment.authorised_by) == (date(2026, 11, 23), manager)
    assert [need.description for need in assessment.needs] == ["Safe care at home", "School attendance"]
    assert assessment.factors == ["18C"]


def test_an_assessment_is_not_authorised_before_the_child_and_carers_are_seen(case):
    referral, worker, manager = case
    assessment = assessed(referral, worker, seen=False)

    with pytest.raises(DomainError, match="only after the child and the carers have been seen"):
        casework.authorise_assessment(assessment, note="Fine", by=manager, now=NOW)
    assert obligation_of(referral.contact, ObligationKind.ASSESSMENT).met_at is None


def test_only_a_manager_authorises_an_assessment(case):
    referral, worker, _ = case
    assessment = assessed(referral, worker)

    with pytest.raises(DomainError, match="Only a manager"):
        casework.authorise_assessment(assessment, note="Fine", by=worker, now=NOW)


@pytest.mark.parametrize("overrides, message", [
    ({"needs": []}, "at least one"),
    ({"requires_service": False}, "has no needs to meet"),
    ({"factors": []}, "Choose the factors"),
    ({"factors": [AssessmentFactor.NO_FACTORS, AssessmentFactor.NEGLECT]}, "not both"),
    ({"primary_need": PrimaryNeed.NOT_IN_NEED}, "choose their primary need"),
    ({"completed_on": date(2026, 10, 1)}, "cannot be before the assessment started"),
    ({"completed_on": date(2026, 11, 24)}, "today or in the past"),
])
def test_a_conclusion_that_does_not_hold_together_is_refused(case, overrides, message):
    referral, worker, _ = case
    assessment = casework.start_assessment(referral, started_on=date(2026, 10, 6), by=worker, now=NOW)

    with pytest.raises(DomainError, match=message):
        casework.complete_assessment(assessment, conclusion(**overrides), by=worker, now=NOW)
    assert assessment.completed_on is None and assessment.needs == []


def test_a_service_meets_a_need_and_can_end_staying_on_the_record(case):
    referral, worker, _ = case
    need = assessed(referral, worker).needs[0]

    service = casework.start_service(need, what="Family support worker twice a week", provided_by="Early help hub",
                                     started_on=date(2026, 11, 10), by=worker, now=NOW)
    casework.end_service(service, ended_on=date(2026, 11, 20), reason="Family moved away", by=worker, now=NOW)

    assert [(s.what, s.ended_on, s.end_reason) for s in need.services] == [
        ("Family support worker twice a week", date(2026, 11, 20), "Family moved away")]
    with pytest.raises(DomainError, match="already ended"):
        casework.end_service(service, ended_on=date(2026, 11, 21), reason="Again", by=worker, now=NOW)


def test_a_conference_is_due_15_working_days_after_the_strategy_discussion_and_holding_it_meets_the_clock(case):
    referral, worker, manager = case
    discussion_at = at("2026-10-07 11:00")
    discussion = cases.record_strategy_discussion(
        referral.contact, referral.child, held_at=discussion_at,
        attendees=[cases.Attendee("DS Ray Cole", "Police")], record="Agreed a section 47 enquiry",
        action_points=[], circulated_to="Police, school", circulated_at=discussion_at + timedelta(hours=1),
        review_on=date(2026, 10, 14), by=manager, now=discussion_at + timedelta(hours=2), social_care_manager=manager)
    enquiry = casework.start_section47(referral, started_on=date(2026, 10, 7), discussion=discussion, by=worker,
                                       now=NOW)

    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=date(2026, 10, 16),
                                      by=worker, now=NOW)

    clock = enquiry.conference_obligation
    assert clock.kind is ObligationKind.INITIAL_CONFERENCE
    assert clock.due_at == rules.add_working_days(discussion_at, 15)
    assert enquiry.conference_target_on == date(2026, 10, 28)  # 15 working days on from Wed 7 Oct
    assert enquiry.is_conference_not_required is False

    casework.record_conference(enquiry, held_on=date(2026, 10, 28), by=worker, now=NOW)

    assert clock.met_at is not None and clock.met_at <= clock.due_at  # held on the target date: on time
    assert enquiry.conference_on == date(2026, 10, 28)


def test_a_strategy_review_meets_its_clock(case):
    referral, worker, manager = case
    held = at("2026-10-07 11:00")
    discussion = cases.record_strategy_discussion(
        referral.contact, referral.child, held_at=held, attendees=[cases.Attendee("DS Ray Cole", "Police")],
        record="Agreed", action_points=[], circulated_to="Police", circulated_at=held + timedelta(hours=1),
        review_on=date(2026, 10, 14), by=manager, now=held + timedelta(hours=2), social_care_manager=manager)

    casework.record_strategy_review(discussion, reviewed_on=date(2026, 10, 14), reviewed_by=manager,
                                    outcome="Enquiry continues; conference booked", by=manager, now=NOW)

    assert discussion.review.met_at is not None and discussion.review.met_at <= discussion.review.due_at
    assert discussion.review_record.reviewed_by == manager


def test_plans_start_and_end(case):
    referral, worker, _ = case
    with pytest.raises(DomainError, match="category of abuse"):
        casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=date(2026, 10, 29), category=None,
                            by=worker, now=NOW)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=date(2026, 10, 29),
                               category=AbuseCategory.PHYSICAL, by=worker, now=NOW)
    casework.end_plan(plan, ended_on=date(2026, 11, 20), by=worker, now=NOW)

    assert (plan.initial_category, plan.latest_category, plan.ended_on) == (
        AbuseCategory.PHYSICAL, AbuseCategory.PHYSICAL, date(2026, 11, 20))


CHECKS_DONE = {name: ClosureCheck(True) for name in ("child_seen_alone", "carers_seen", "home_visited",
                                                    "professionals_consulted")}


def test_a_case_where_harm_was_alleged_does_not_close_until_each_check_is_done_or_explained(case):
    referral, worker, _ = case
    checks = {**CHECKS_DONE, "home_visited": ClosureCheck(False)}

    with pytest.raises(DomainError, match="The home visited: record why not"):
        casework.close_case(referral, closed_on=date(2026, 11, 23), reason=ClosureReason.CEASED, note="",
                            checks=checks, by=worker, now=NOW)
    assert referral.closure is None

    checks["home_visited"] = ClosureCheck(False, "Family refused entry; seen at the family centre")
    closure = casework.close_case(referral, closed_on=date(2026, 11, 23), reason=ClosureReason.CEASED, note="",
                                  checks=checks, by=worker, now=NOW)

    assert (closure.is_home_visited, closure.home_visited_reason) == (
        False, "Family refused entry; seen at the family centre")


def test_closing_withdraws_every_clock_still_running_about_the_child(case):
    referral, worker, _ = case
    casework.close_case(referral, closed_on=date(2026, 11, 23), reason=ClosureReason.ANOTHER_LA, note="Moved",
                        checks=CHECKS_DONE, by=worker, now=NOW)

    clock = obligation_of(referral.contact, ObligationKind.ASSESSMENT)
    assert (clock.is_withdrawn, clock.reason) == (True, "The case closed: Transferred to the services of another "
                                                        "local authority")
    with pytest.raises(DomainError, match="was closed on 23 November 2026"):
        casework.start_assessment(referral, started_on=date(2026, 11, 23), by=worker, now=NOW)
