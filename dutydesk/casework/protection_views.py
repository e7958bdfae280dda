"""Child protection after the referral: section 47 enquiries, their initial conferences, child
protection and child in need plans, and strategy discussions' reviews (R51). Each page meets or
opens its clock through casework/operations.py."""

from flask import Blueprint, flash, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.cases.queries import list_strategy_discussions
from dutydesk.casework import operations, protection_forms as forms, protection_queries as queries
from dutydesk.clock import now_utc, to_london
from dutydesk.display import london
from dutydesk.errors import DomainError
from dutydesk.forms import person_choices
from dutydesk.pages import chosen_person, get_referral_once, load_form, record_page

bp = Blueprint("protection", __name__)


@bp.app_template_global("conference_enquiry")
def conference_enquiry(obligation):
    """The enquiry whose initial conference an open clock is (for the call's clocks table)."""
    return queries.get_enquiry_of_conference(obligation)


def _me():
    return current_user._get_current_object()


def _today():
    return to_london(now_utc()).date()


def _case_url(referral) -> str:
    return url_for("cases.show_case", referral_id=referral.id) + "#protection"


def _discussion_words(discussion) -> str:
    return f"Strategy discussion held at {london(discussion.held_at)}"


@bp.route("/cases/<int:referral_id>/section-47/new", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CASE)
def start_section47(referral_id: int):
    referral = get_referral_once(referral_id)
    form = load_form(forms.StartSection47Form)
    discussions = list_strategy_discussions(referral.child_id)
    form.discussion.choices = [(str(d.id), _discussion_words(d)) for d in reversed(discussions)] + [
        (forms.NO_DISCUSSION, "It follows no strategy discussion recorded in dutydesk")]
    if not form.is_submitted() and form.started_on.data is None:
        form.started_on.data = _today()

    def run(at):
        chosen = None
        if form.discussion.data != forms.NO_DISCUSSION:
            chosen = next((d for d in discussions if str(d.id) == form.discussion.data), None)
            if chosen is None:
                raise DomainError("Choose the strategy discussion the enquiry follows", "discussion")
        operations.start_section47(referral, started_on=form.started_on.data, discussion=chosen, by=_me(),
                                   now=now_utc())
        flash(f"Section 47 enquiry about {referral.child.display_name} started", "success")

    return record_page(referral.contact, form, "casework/start_section47.html", run, done_url=_case_url(referral),
                       referral=referral)


@bp.route("/section-47/<int:enquiry_id>/outcome", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.SECTION47)
def record_section47_outcome(enquiry_id: int):
    enquiry = subjects.SECTION47.load(enquiry_id)
    referral = enquiry.referral
    form = load_form(forms.Section47OutcomeForm)
    if not form.is_submitted() and form.outcome_on.data is None:
        form.outcome_on.data = _today()

    def run(at):
        operations.record_section47_outcome(enquiry, outcome=form.outcome.data, outcome_on=form.outcome_on.data,
                                            by=_me(), now=now_utc())
        message = f"Outcome of the section 47 enquiry about {referral.child.display_name} recorded."
        if enquiry.conference_obligation is not None:
            message += (" The initial child protection conference must be held by "
                        f"{london(enquiry.conference_obligation.due_at)}.")
        flash(message, "success")

    return record_page(referral.contact, form, "casework/record_section47_outcome.html", run,
                       done_url=_case_url(referral), referral=referral, enquiry=enquiry,
                       conference_due=operations.conference_due_at(enquiry))


@bp.route("/section-47/<int:enquiry_id>/conference", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.SECTION47)
def record_conference(enquiry_id: int):
    enquiry = subjects.SECTION47.load(enquiry_id)
    referral = enquiry.referral
    form = load_form(forms.ConferenceForm)
    if not form.is_submitted() and form.held_on.data is None:
        form.held_on.data = _today()

    def run(at):
        operations.record_conference(enquiry, held_on=form.held_on.data, by=_me(), now=now_utc())
        flash(f"Initial child protection conference for {referral.child.display_name} recorded as held on "
              f"{form.held_on.data:%-d %B %Y}", "success")

    return record_page(referral.contact, form, "casework/record_conference.html", run, done_url=_case_url(referral),
                       referral=referral, enquiry=enquiry)


@bp.route("/cases/<int:referral_id>/plans/new", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CASE)
def start_plan(referral_id: int):
    referral = get_referral_once(referral_id)
    form = load_form(forms.StartPlanForm)
    if not form.is_submitted() and form.started_on.data is None:
        form.started_on.data = _today()

    def run(at):
        plan = operations.start_plan(referral, kind=form.kind.data, started_on=form.started_on.data,
                                     category=form.category.data or None, by=_me(), now=now_utc())
        flash(f"{plan.kind.label} for {referral.child.display_name} started", "success")

    return record_page(referral.contact, form, "casework/start_plan.html", run, done_url=_case_url(referral),
                       referral=referral)


@bp.route("/plans/<int:plan_id>/end", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.PLAN)
def end_plan(plan_id: int):
    plan = subjects.PLAN.load(plan_id)
    referral = plan.referral
    form = load_form(forms.EndPlanForm)
    if not form.is_submitted() and form.ended_on.data is None:
        form.ended_on.data = _today()

    def run(at):
        operations.end_plan(plan, ended_on=form.ended_on.data, by=_me(), now=now_utc())
        flash(f"{plan.kind.label} for {referral.child.display_name} ended", "success")

    return record_page(referral.contact, form, "casework/end_plan.html", run, done_url=_case_url(referral),
                       referral=referral, plan=plan)


@bp.route("/strategy-discussions/<int:discussion_id>/review", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.STRATEGY_DISCUSSION)
def record_strategy_review(discussion_id: int):
    discussion = subjects.STRATEGY_DISCUSSION.load(discussion_id)
    form = load_form(forms.StrategyReviewForm)
    reviewers = queries.list_reviewers()
    form.reviewed_by_id.choices = person_choices(reviewers, "Choose who reviewed it")
    if not form.is_submitted() and form.reviewed_on.data is None:
        form.reviewed_on.data = _today()
        if any(person.id == current_user.id for person in reviewers):
            form.reviewed_by_id.data = current_user.id

    def run(at):
        reviewer = chosen_person(reviewers, form.reviewed_by_id.data, "Choose who reviewed it from the list",
                                 "reviewed_by_id")
        operations.record_strategy_review(discussion, reviewed_on=form.reviewed_on.data, reviewed_by=reviewer,
                                          outcome=form.outcome.data, by=_me(), now=now_utc())
        flash(f"Review of the strategy discussion about {discussion.child.display_name} recorded", "success")

    return record_page(discussion.contact, form, "casework/record_strategy_review.html", run,
                       done_url=url_for("cases.show_strategy_discussion", discussion_id=discussion.id),
                       discussion=discussion, child=discussion.child)
