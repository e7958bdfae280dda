"""What happens after the referral, page by page: the assessment and its authorisation (R25), the
needs it identified and their services, and the case's closure (R26/40)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.casework import forms, operations, queries
from dutydesk.casework.operations import ClosureCheck, Conclusion
from dutydesk.access import requires
from dutydesk.clock import now_utc
from dutydesk.errors import DomainError
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.pages import (
    change_rows,
    commit_with_record_view,
    get_assessment_once,
    get_need_once,
    get_referral_once,
    get_service_once,
    load_form,
    record_page,
    show_error,
)

bp = Blueprint("casework", __name__)
bp.add_app_template_global(CLOSURE_CHECKS, "closure_checks")


@bp.app_template_global("assessment_clock")
def assessment_clock(referral):
    """The case's "Assessment completed" clock, for the case page."""
    return queries.get_assessment_clock(referral)


@bp.app_template_global("closure_needs_checks")
def closure_needs_checks(referral) -> bool:
    return operations.closure_needs_checks(referral)


def _me():
    return current_user._get_current_object()


def _case_url(referral_id: int) -> str:
    return url_for("cases.show_case", referral_id=referral_id)


def _assessment_url(referral_id: int) -> str:
    return url_for("casework.show_assessment", referral_id=referral_id)


def _case_or_404(referral_id: int):
    return get_referral_once(referral_id) or abort(404)


# -- The assessment (R25) ---------------------------------------------------------------------


@bp.route("/cases/<int:referral_id>/assessment")
@requires(permissions.VIEW_CASES, reads=subjects.CASE)
def show_assessment(referral_id: int):
    referral = _case_or_404(referral_id)
    assessments = queries.list_assessments(referral.id)
    current = next((a for a in assessments if not a.is_authorised), None) or (assessments[-1] if assessments else None)
    page = render_template("casework/show_assessment.html", referral=referral, contact=referral.contact,
                           child=referral.child, assessment=current,
                           earlier=[a for a in assessments if a is not current],
                           clock=queries.get_assessment_clock(referral), now=now_utc())
    commit_with_record_view(referral.contact_id)
    return page


@bp.route("/cases/<int:referral_id>/assessment/start", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.CASE)
def start_assessment(referral_id: int):
    referral = _case_or_404(referral_id)
    form = load_form(forms.StartAssessmentForm)

    def run(_):
        operations.start_assessment(referral, started_on=form.started_on.data, by=_me(), now=now_utc())
        flash(f"Assessment of {referral.child.display_name} started", "success")

    return record_page(referral.contact, form, "casework/start_assessment.html", run,
                       done_url=_assessment_url(referral.id), referral=referral)


@bp.route("/assessments/<int:assessment_id>/seen", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.ASSESSMENT)
def record_seen(assessment_id: int):
    assessment = get_assessment_once(assessment_id)
    referral = assessment.referral
    form = load_form(forms.SeenForm)
    if not form.is_submitted():
        form.child_seen_on.data = form.child_seen_on.data or assessment.child_seen_on
        form.carers_seen_on.data = form.carers_seen_on.data or assessment.carers_seen_on
        if assessment.is_child_seen_alone is not None and not form.is_child_seen_alone.data:
            form.is_child_seen_alone.data = "yes" if assessment.is_child_seen_alone else "no"

    def run(_):
        operations.record_seen(assessment, child_seen_on=form.child_seen_on.data,
                               is_child_seen_alone=forms.yes_no(form.is_child_seen_alone.data),
                               carers_seen_on=form.carers_seen_on.data, by=_me(), now=now_utc())
        flash(f"Who was seen during the assessment of {referral.child.display_name} recorded", "success")

    return record_page(referral.contact, form, "casework/record_seen.html", run,
                       done_url=_assessment_url(referral.id), referral=referral, assessment=assessment)


@bp.route("/assessments/<int:assessment_id>/conclusion", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.ASSESSMENT)
def complete_assessment(assessment_id: int):
    assessment = get_assessment_once(assessment_id)
    referral = assessment.referral
    form = load_form(forms.ConclusionForm)
    rows_changed = form.is_submitted() and change_rows(
        (form.needs, form.add_need, form.remove_need, forms.MAX_NEEDS))
    if form.is_submitted() and not rows_changed:
        if form.validate():
            conclusion = Conclusion(
                completed_on=form.completed_on.data, requires_service=forms.yes_no(form.requires_service.data),
                factors=form.factors.members, primary_need=form.primary_need.data, summary=form.summary.data,
                needs=form.need_descriptions)
            try:
                operations.complete_assessment(assessment, conclusion, by=_me(), now=now_utc())
            except DomainError as error:
                show_error(form, error)
            else:
                commit_with_record_view(referral.contact_id)
                flash(f"The conclusion of the assessment of {referral.child.display_name} is recorded: "
                      "a manager can now authorise it", "success")
                return redirect(_assessment_url(referral.id))
    elif not form.is_submitted() and assessment.is_completed and form.completed_on.data is None:
        _fill_conclusion(form, assessment)
    page = render_template("casework/complete_assessment.html", referral=referral, contact=referral.contact,
                           assessment=assessment, form=form, now=now_utc())
    commit_with_record_view(referral.contact_id)
    return page


def _fill_conclusion(form, assessment) -> None:
    """The conclusion recorded already, to be changed before it is authorised."""
    form.completed_on.data = assessment.completed_on
    form.requires_service.data = "yes" if assessment.requires_service else "no"
    form.factors.data = list(assessment.factors or [])
    form.primary_need.data = assessment.primary_need
    form.summary.data = assessment.summary
    current = [need.description for need in assessment.needs
               if need.services or need.not_yet_reason != operations.NEED_REPLACED]
    while len(form.needs) < len(current):
        form.needs.append_entry()
    for entry, description in zip(form.needs, current):
        entry.form.description.data = description


@bp.route("/assessments/<int:assessment_id>/authorise", methods=["GET", "POST"])
@requires(permissions.AUTHORISE_ASSESSMENT, changes=subjects.ASSESSMENT)
def authorise_assessment(assessment_id: int):
    assessment = get_assessment_once(assessment_id)
    referral = assessment.referral
    form = load_form(forms.AuthoriseForm)

    def run(_):
        operations.authorise_assessment(assessment, note=form.note.data or "", by=_me(), now=now_utc())
        flash(f"The assessment of {referral.child.display_name} is authorised", "success")

    return record_page(referral.contact, form, "casework/authorise_assessment.html", run,
                       done_url=_assessment_url(referral.id), referral=referral, assessment=assessment,
                       clock=queries.get_assessment_clock(referral))


# -- Needs and services -----------------------------------------------------------------------


@bp.route("/needs/<int:need_id>/services/new", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.NEED)
def start_service(need_id: int):
    need = get_need_once(need_id)
    referral = need.assessment.referral
    form = load_form(forms.ServiceForm)

    def run(_):
        operations.start_service(need, what=form.what.data, provided_by=form.provided_by.data,
                                 started_on=form.started_on.data, by=_me(), now=now_utc())
        flash(f"Service recorded for '{need.description}'", "success")

    return record_page(referral.contact, form, "casework/start_service.html", run,
                       done_url=_case_url(referral.id) + "#needs", referral=referral, need=need)


@bp.route("/needs/<int:need_id>/not-yet", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.NEED)
def record_not_yet(need_id: int):
    need = get_need_once(need_id)
    referral = need.assessment.referral
    form = load_form(forms.NotYetForm)
    if not form.is_submitted() and not form.reason.data and need.not_yet_reason != operations.NEED_REPLACED:
        form.reason.data = need.not_yet_reason

    def run(_):
        operations.record_not_yet(need, reason=form.reason.data, by=_me(), now=now_utc())
        flash(f"Why no service has started yet for '{need.description}' recorded", "success")

    return record_page(referral.contact, form, "casework/record_not_yet.html", run,
                       done_url=_case_url(referral.id) + "#needs", referral=referral, need=need)


@bp.route("/services/<int:service_id>/end", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.SERVICE)
def end_service(service_id: int):
    service = get_service_once(service_id)
    referral = service.need.assessment.referral
    form = load_form(forms.EndServiceForm)

    def run(_):
        operations.end_service(service, ended_on=form.ended_on.data, reason=form.reason.data, by=_me(),
                               now=now_utc())
        flash(f"Service ended: {service.what}", "success")

    return record_page(referral.contact, form, "casework/end_service.html", run,
                       done_url=_case_url(referral.id) + "#needs", referral=referral, service=service)


# -- Closure (R26/40) -------------------------------------------------------------------------


@bp.route("/cases/<int:referral_id>/close", methods=["GET", "POST"])
@requires(permissions.RECORD_CASEWORK, changes=subjects.CASE)
def close_case(referral_id: int):
    referral = _case_or_404(referral_id)
    form = load_form(forms.CloseCaseForm)
    needs_checks = operations.closure_needs_checks(referral)

    def run(_):
        checks = {name: ClosureCheck(forms.yes_no(answer.data), reason_field.data or "")
                  for name, _, answer, reason_field in form.checks} if needs_checks else {}
        operations.close_case(referral, closed_on=form.closed_on.data, reason=form.reason.data,
                              note=form.note.data or "", checks=checks, by=_me(), now=now_utc())
        flash(f"The case of {referral.child.display_name} is closed. Every clock still running about the child "
              "was withdrawn.", "success")

    return record_page(referral.contact, form, "casework/close_case.html", run, done_url=_case_url(referral.id),
                       referral=referral, needs_checks=needs_checks)
