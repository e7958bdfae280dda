"""What happens after the referral, as the worker and the manager record it: the assessment and
its authorisation (R25), identified needs and their services, section 47 enquiries and their
conferences, plans, strategy reviews (R51) and the case's closure (R26/40). Each meets or opens
its clock, and is written to the call's history, from which the child's chronology is made.
Operations flush, never commit.
"""

from dataclasses import dataclass
from datetime import date, datetime

from dutydesk import rules
from dutydesk.access import check_may_change
from dutydesk.cases.operations import is_manager
from dutydesk.clock import to_london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import (
    Assessment,
    Closure,
    IdentifiedNeed,
    Obligation,
    ObligationKind,
    Plan,
    Referral,
    Section47Enquiry,
    Service,
    StrategyDiscussion,
    StrategyReview,
    User,
)
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.codes import AbuseCategory, AssessmentFactor, ClosureReason, PlanKind, PrimaryNeed, Section47Outcome
from dutydesk.work.operations import meet_obligation, open_obligation, record_event, withdraw_obligation


def _today(now: datetime) -> date:
    return to_london(now).date()


def _check_day(day: date | None, referral: Referral, now: datetime, field: str, what: str,
               after: date | None = None, after_what: str = "") -> date:
    """A date of casework: given, not in the future, not before the referral (or `after`)."""
    if day is None:
        raise DomainError(f"Enter the date {what}", field)
    if day > _today(now):
        raise DomainError(f"The date {what} must be today or in the past", field)
    earliest, earliest_what = (after, after_what) if after is not None else (
        referral.referred_on, f"the referral ({referral.referred_on:%-d %B %Y})")
    if day < earliest:
        raise DomainError(f"The date {what} cannot be before {earliest_what}", field)
    return day


def _check_open_case(referral: Referral) -> None:
    if referral.is_nfa:
        raise DomainError(f"The referral of {referral.child.display_name} ended in no further action: "
                          "there is no open case to record this on")
    if referral.closure is not None:
        raise DomainError(f"The case of {referral.child.display_name} was closed on "
                          f"{referral.closure.closed_on:%-d %B %Y}: there is nothing more to record on it")


def _event(referral: Referral, action: str, summary: str, *, by: User, now: datetime) -> None:
    record_event(referral.contact, action=action, by=by, at=now,
                 summary=f"{referral.child.display_name}: {summary}")


def _open_clock(referral: Referral, kind: ObligationKind) -> Obligation | None:
    for obligation in referral.contact.obligations:
        if obligation.kind is kind and obligation.child_id == referral.child_id and obligation.met_at is None:
            return obligation
    return None


def _check_manager(user: User, what: str) -> None:
    if not is_manager(user):
        raise DomainError(f"Only a manager can {what}")


# -- The assessment (R25) ---------------------------------------------------------------------

def start_assessment(referral: Referral, *, started_on: date, by: User, now: datetime) -> Assessment:
    """Start an assessment of the referred child; one at a time."""
    check_may_change(by, referral, now=now)
    _check_open_case(referral)
    if any(not assessment.is_authorised for assessment in referral.assessments):
        raise DomainError("An assessment of this child is already under way: complete it first", "started_on")
    _check_day(started_on, referral, now, "started_on", "the assessment started")
    assessment = Assessment(referral=referral, started_on=started_on, recorded_at=now, recorded_by=by)
    db.session.add(assessment)
    _event(referral, "assessment_started", f"assessment started on {started_on:%-d %B %Y}", by=by, now=now)
    db.session.flush()
    return assessment


def record_seen(assessment: Assessment, *, child_seen_on: date | None, is_child_seen_alone: bool | None,
                carers_seen_on: date | None, by: User, now: datetime) -> Assessment:
    """R25: when, during the assessment, the child (and whether alone) and the carers were seen."""
    referral = assessment.referral
    check_may_change(by, referral, now=now)
    _check_not_authorised(assessment)
    started = (assessment.started_on, f"the assessment started ({assessment.started_on:%-d %B %Y})")
    said = []
    if child_seen_on is not None:
        _check_day(child_seen_on, referral, now, "child_seen_on", "the child was seen", *started)
        if is_child_seen_alone is None:
            raise DomainError("Say whether the child was seen alone", "is_child_seen_alone")
        assessment.child_seen_on, assessment.is_child_seen_alone = child_seen_on, is_child_seen_alone
        said.append(f"child seen{' alone' if is_child_seen_alone else ''} on {child_seen_on:%-d %B %Y}")
    if carers_seen_on is not None:
        assessment.carers_seen_on = _check_day(carers_seen_on, referral, now, "carers_seen_on",
                                               "the carers were seen", *started)
        said.append(f"carers seen on {carers_seen_on:%-d %B %Y}")
    if not said:
        raise DomainError("Enter when the child or the carers were seen", "child_seen_on")
    _event(referral, "assessment_seen", "assessment: " + ", ".join(said), by=by, now=now)
    db.session.flush()
    return assessment


def _check_not_authorised(assessment: Assessment) -> None:
    if assessment.is_authorised:
        raise DomainError(f"This assessment was authorised on {assessment.authorised_on:%-d %B %Y}: "
                          "it cannot be changed. Start a new assessment if the child's needs have changed")


#: Why a need not yet met has no service: the conclusion was recorded again without it.
NEED_REPLACED = "Replaced when the conclusion was recorded again"


@dataclass(frozen=True)
class Conclusion:
    """What the worker concluded: the date, whether a service is needed, the factors, the primary
    need, a summary, and each need identified (in words)."""

    completed_on: date
    requires_service: bool
    factors: list[AssessmentFactor]
    primary_need: PrimaryNeed
    summary: str
    needs: list[str]


def complete_assessment(assessment: Assessment, conclusion: Conclusion, *, by: User, now: datetime) -> Assessment:
    """The worker records the assessment's conclusion, ready for a manager to authorise. A child
    who requires a service has at least one identified need; one who does not has none."""
    referral = assessment.referral
    check_may_change(by, referral, now=now)
    _check_not_authorised(assessment)
    _check_day(conclusion.completed_on, referral, now, "completed_on", "the assessment was completed",
               assessment.started_on, f"the assessment started ({assessment.started_on:%-d %B %Y})")
    factors = sorted({factor.value for factor in conclusion.factors}, key=_factor_order)
    if not factors:
        raise DomainError("Choose the factors the assessment identified, or 'No factors identified'", "factors")
    if AssessmentFactor.NO_FACTORS.value in factors and len(factors) > 1:
        raise DomainError("Choose 'No factors identified' or the factors identified: not both", "factors")
    needs = [need.strip() for need in conclusion.needs if need.strip()]
    if conclusion.requires_service and not needs:
        raise DomainError("Enter each need identified: a child who requires a service has at least one", "needs")
    if not conclusion.requires_service and needs:
        raise DomainError("A child who does not require a service has no needs to meet: clear the needs, or "
                          "say that the child requires a service", "needs")
    if conclusion.requires_service and conclusion.primary_need is PrimaryNeed.NOT_IN_NEED:
        raise DomainError("A child who requires a service is a child in need: choose their primary need",
                          "primary_need")
    assessment.completed_on, assessment.completed_at, assessment.completed_by = conclusion.completed_on, now, by
    assessment.requires_service, assessment.factors = conclusion.requires_service, factors
    assessment.primary_need, assessment.summary = conclusion.primary_need, conclusion.summary.strip()
    for need in assessment.needs:  # a conclusion recorded again replaces the needs not yet met
        if not need.services:
            need.not_yet_reason = need.not_yet_reason or NEED_REPLACED
    known = {need.description for need in assessment.needs}
    for description in needs:
        if description not in known:
            db.session.add(IdentifiedNeed(assessment=assessment, description=description, recorded_at=now,
                                          recorded_by=by))
    _event(referral, "assessment_completed",
           f"assessment completed on {conclusion.completed_on:%-d %B %Y}: "
           + (f"requires a service ({len(needs)} need{'s' if len(needs) != 1 else ''} identified)"
              if conclusion.requires_service else "no service required")
           + f"; primary need {conclusion.primary_need.value}", by=by, now=now)
    db.session.flush()
    return assessment


def _factor_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code


def authorise_assessment(assessment: Assessment, *, note: str, by: User, now: datetime) -> Assessment:
    """R25: a manager approves the assessment in writing, after the child and the carers have been
    seen. This meets the assessment clock."""
    referral = assessment.referral
    check_may_change(by, referral, now=now)
    _check_manager(by, "authorise an assessment")
    _check_not_authorised(assessment)
    if not assessment.is_completed:
        raise DomainError("The worker has not recorded the assessment's conclusion yet: it cannot be authorised")
    missing = [what for what, day in (("the child", assessment.child_seen_on), ("the carers", assessment.carers_seen_on))
               if day is None]
    if missing:
        raise DomainError(f"An assessment is authorised only after {' and '.join(missing)} "
                          f"{'has' if len(missing) == 1 else 'have'} been seen (R25): record when", "note")
    if not note.strip():
        raise DomainError("Write the authorisation: what you have read and why you approve it", "note")
    assessment.authorised_on, assessment.authorised_at, assessment.authorised_by = _today(now), now, by
    assessment.authorisation_note = note.strip()
    clock = _open_clock(referral, ObligationKind.ASSESSMENT)
    if clock is not None:
        meet_obligation(clock, at=now, by=by, now=now, details={"assessment_id": assessment.id})
    _event(referral, "assessment_authorised", f"assessment authorised by {by.display_name}", by=by, now=now)
    db.session.flush()
    return assessment


# -- Needs and services -----------------------------------------------------------------------

def record_not_yet(need: IdentifiedNeed, *, reason: str, by: User, now: datetime) -> IdentifiedNeed:
    """Why no service has started yet for a need."""
    referral = need.assessment.referral
    check_may_change(by, referral, now=now)
    if not reason.strip():
        raise DomainError("Say why no service has started yet", "reason")
    need.not_yet_reason = reason.strip()
    _event(referral, "need_not_yet", f"no service yet for '{need.description}': {reason.strip()}", by=by, now=now)
    db.session.flush()
    return need


def start_service(need: IdentifiedNeed, *, what: str, provided_by: str, started_on: date, by: User,
                  now: datetime) -> Service:
    """A service provided to meet a need: what, by whom, from when."""
    assessment = need.assessment
    referral = assessment.referral
    check_may_change(by, referral, now=now)
    _check_open_case(referral)
    if not what.strip():
        raise DomainError("Enter the service provided", "what")
    if not provided_by.strip():
        raise DomainError("Enter who provides the service", "provided_by")
    _check_day(started_on, referral, now, "started_on", "the service started")
    service = Service(need=need, what=what.strip(), provided_by=provided_by.strip()[:200], started_on=started_on,
                      recorded_at=now, recorded_by=by)
    db.session.add(service)
    _event(referral, "service_started", f"service started on {started_on:%-d %B %Y} for '{need.description}': "
                                        f"{what.strip()} ({provided_by.strip()})", by=by, now=now)
    db.session.flush()
    return service


def end_service(service: Service, *, ended_on: date, reason: str, by: User, now: datetime) -> Service:
    """A service ends; it stays on the record."""
    referral = service.need.assessment.referral
    check_may_change(by, referral, now=now)
    if service.ended_on is not None:
        raise DomainError(f"This service already ended on {service.ended_on:%-d %B %Y}")
    _check_day(ended_on, referral, now, "ended_on", "the service ended", service.started_on,
               f"it started ({service.started_on:%-d %B %Y})")
    if not reason.strip():
        raise DomainError("Say why the service ended", "reason")
    service.ended_on, service.end_reason, service.ended_at, service.ended_by = ended_on, reason.strip(), now, by
    _event(referral, "service_ended", f"service ended on {ended_on:%-d %B %Y}: {service.what} ({reason.strip()})",
           by=by, now=now)
    db.session.flush()
    return service


# -- Section 47, conferences and plans --------------------------------------------------------

def start_section47(referral: Referral, *, started_on: date, discussion: StrategyDiscussion | None, by: User,
                    now: datetime) -> Section47Enquiry:
    """A section 47 enquiry starts, usually from a strategy discussion about the child."""
    check_may_change(by, referral, now=now)
    _check_open_case(referral)
    if discussion is not None and discussion.child_id != referral.child_id:
        raise DomainError("That strategy discussion was about another child", "discussion_id")
    _check_day(started_on, referral, now, "started_on", "the enquiry started")
    enquiry = Section47Enquiry(referral=referral, started_on=started_on, strategy_discussion=discussion,
                               recorded_at=now, recorded_by=by)
    db.session.add(enquiry)
    _event(referral, "section47_started", f"section 47 enquiry started on {started_on:%-d %B %Y}", by=by, now=now)
    db.session.flush()
    return enquiry


def conference_due_at(enquiry: Section47Enquiry) -> datetime:
    """Working Together: when the enquiry's initial child protection conference must be held, 15
    working days from the strategy discussion it follows (without one, from the enquiry's start)."""
    start = (enquiry.strategy_discussion.held_at if enquiry.strategy_discussion is not None
             else rules.start_of_working_day(enquiry.started_on))
    return rules.conference_due_at(start)


def record_section47_outcome(enquiry: Section47Enquiry, *, outcome: Section47Outcome, outcome_on: date, by: User,
                             now: datetime) -> Section47Enquiry:
    """The enquiry's outcome. When an initial child protection conference is needed its clock
    starts: 15 working days from the strategy discussion (or, without one, the enquiry's start)."""
    referral = enquiry.referral
    check_may_change(by, referral, now=now)
    if enquiry.outcome is not None:
        raise DomainError(f"The enquiry's outcome was recorded on {enquiry.outcome_on:%-d %B %Y}")
    _check_day(outcome_on, referral, now, "outcome_on", "of the outcome", enquiry.started_on,
               f"the enquiry started ({enquiry.started_on:%-d %B %Y})")
    enquiry.outcome, enquiry.outcome_on = outcome, outcome_on
    if outcome.needs_conference:
        due = conference_due_at(enquiry)
        clock = open_obligation(ObligationKind.INITIAL_CONFERENCE, contact=referral.contact, child=referral.child,
                                team=referral.team, worker=referral.worker if referral.is_allocated else by,
                                due_at=due, now=now)
        clock.title = f"Hold the initial child protection conference for {referral.child.display_name}"
        enquiry.conference_obligation, enquiry.conference_target_on = clock, to_london(due).date()
    _event(referral, "section47_outcome", f"section 47 outcome: {outcome.label}", by=by, now=now)
    db.session.flush()
    return enquiry


def record_conference(enquiry: Section47Enquiry, *, held_on: date, by: User, now: datetime) -> Section47Enquiry:
    """The initial child protection conference was held: its clock is met."""
    referral = enquiry.referral
    check_may_change(by, referral, now=now)
    if enquiry.outcome is None or not enquiry.outcome.needs_conference:
        raise DomainError("This enquiry did not conclude that a conference is needed")
    if enquiry.conference_on is not None:
        raise DomainError(f"The conference was recorded as held on {enquiry.conference_on:%-d %B %Y}")
    _check_day(held_on, referral, now, "held_on", "of the conference", enquiry.started_on,
               f"the enquiry started ({enquiry.started_on:%-d %B %Y})")
    enquiry.conference_on = held_on
    clock = enquiry.conference_obligation
    if clock is not None and clock.met_at is None:
        at = max(rules.start_of_working_day(held_on), clock.contact.received_at)
        meet_obligation(clock, at=min(at, now), by=by, now=now)
    _event(referral, "conference_held", f"initial child protection conference held on {held_on:%-d %B %Y}",
           by=by, now=now)
    db.session.flush()
    return enquiry


def start_plan(referral: Referral, *, kind: PlanKind, started_on: date, category: AbuseCategory | None, by: User,
               now: datetime) -> Plan:
    """A child protection plan (with its category of abuse) or a child in need plan starts."""
    check_may_change(by, referral, now=now)
    _check_open_case(referral)
    if kind is PlanKind.CHILD_PROTECTION and category is None:
        raise DomainError("Choose the category of abuse of the child protection plan", "category")
    if kind is not PlanKind.CHILD_PROTECTION and category is not None:
        raise DomainError("A category of abuse is for a child protection plan only: "
                          "clear it for a child in need plan, or choose a child protection plan", "category")
    if any(plan.kind is kind and plan.ended_on is None for plan in referral.plans):
        raise DomainError(f"The child already has a {kind.label.lower()}: end it first", "kind")
    _check_day(started_on, referral, now, "started_on", "the plan started")
    plan = Plan(referral=referral, kind=kind, started_on=started_on,
                initial_category=category, latest_category=category,
                recorded_at=now, recorded_by=by)
    db.session.add(plan)
    _event(referral, "plan_started", f"{kind.label.lower()} started on {started_on:%-d %B %Y}", by=by, now=now)
    db.session.flush()
    return plan


def end_plan(plan: Plan, *, ended_on: date, by: User, now: datetime) -> Plan:
    referral = plan.referral
    check_may_change(by, referral, now=now)
    if plan.ended_on is not None:
        raise DomainError(f"This plan already ended on {plan.ended_on:%-d %B %Y}")
    _check_day(ended_on, referral, now, "ended_on", "the plan ended", plan.started_on,
               f"it started ({plan.started_on:%-d %B %Y})")
    plan.ended_on, plan.ended_at, plan.ended_by = ended_on, now, by
    _event(referral, "plan_ended", f"{plan.kind.label.lower()} ended on {ended_on:%-d %B %Y}", by=by, now=now)
    db.session.flush()
    return plan


# -- Strategy review (R51) --------------------------------------------------------------------

def record_strategy_review(discussion: StrategyDiscussion, *, reviewed_on: date, reviewed_by: User, outcome: str,
                           by: User, now: datetime) -> StrategyReview:
    """The strategy discussion is reviewed: by whom, when, and what was decided. Meets its clock."""
    check_may_change(by, discussion.child, now=now)
    if discussion.review_record is not None:
        raise DomainError(f"This discussion was reviewed on {discussion.review_record.reviewed_on:%-d %B %Y}")
    if not outcome.strip():
        raise DomainError("Enter what the review decided", "outcome")
    held = to_london(discussion.held_at).date()
    if reviewed_on is None or reviewed_on > _today(now) or reviewed_on < held:
        raise DomainError(f"The review date must be between the discussion ({held:%-d %B %Y}) and today",
                          "reviewed_on")
    review = StrategyReview(discussion=discussion, reviewed_on=reviewed_on, reviewed_by=reviewed_by,
                            outcome=outcome.strip(), recorded_at=now, recorded_by=by)
    db.session.add(review)
    if discussion.review.met_at is None:
        at = max(rules.start_of_working_day(reviewed_on), discussion.held_at)
        meet_obligation(discussion.review, at=min(at, now), by=by, now=now)
    record_event(discussion.contact, action="strategy_reviewed", by=by, at=now,
                 summary=f"Strategy discussion about {discussion.child.display_name} reviewed on "
                         f"{reviewed_on:%-d %B %Y} by {reviewed_by.display_name}")
    db.session.flush()
    return review


# -- Closure (R26/40) -------------------------------------------------------------------------

@dataclass(frozen=True)
class ClosureCheck:
    """One R26/40 check: done, or the reason it was not."""

    is_done: bool | None
    reason: str = ""


def closure_needs_checks(referral: Referral) -> bool:
    """R26/40: deliberate harm was alleged about the child, when the call was logged or since."""
    return bool(referral.contact.is_deliberate_harm_alleged)


def close_case(referral: Referral, *, closed_on: date, reason: ClosureReason, note: str,
               checks: dict[str, ClosureCheck], by: User, now: datetime) -> Closure:
    """Close the case (CIN census closure date and reason). Where deliberate harm was alleged, each
    R26/40 check is done or has the reason it was not. Every clock still running about the child
    is withdrawn, as no further action does."""
    check_may_change(by, referral, now=now)
    _check_open_case(referral)
    _check_day(closed_on, referral, now, "closed_on", "the case closed")
    if closure_needs_checks(referral):
        for name, words in CLOSURE_CHECKS:
            check = checks.get(name) or ClosureCheck(None)
            if check.is_done is None:
                raise DomainError(f"Deliberate harm was alleged: say whether this was done. {words}?", name)
            if not check.is_done and not check.reason.strip():
                raise DomainError(f"{words}: record why not, or the case cannot close (R26/40)", f"{name}_reason")
    closure = Closure(referral=referral, closed_on=closed_on, reason=reason, note=note.strip(), recorded_at=now,
                      recorded_by=by)
    for name, _ in CLOSURE_CHECKS:
        check = checks.get(name) or ClosureCheck(None)
        setattr(closure, f"is_{name}", check.is_done)
        setattr(closure, f"{name}_reason", check.reason.strip() if check.is_done is False else "")
    db.session.add(closure)
    for obligation in list(referral.contact.obligations):
        if obligation.child_id == referral.child_id and obligation.met_at is None:
            withdraw_obligation(obligation, reason=f"The case closed: {reason.label}", by=by, now=now)
    _event(referral, "case_closed", f"case closed on {closed_on:%-d %B %Y}: {reason.label}", by=by, now=now)
    db.session.flush()
    return closure
