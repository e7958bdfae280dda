"""The pages of governance: the monthly reports of unallocated cases and their downloads (R54), the
quarterly file audits (R30), and the sign-off of a case file on the case page (R45)."""

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, rules, subjects
from dutydesk.access import may_change, requires
from dutydesk.clock import now_utc, to_london
from dutydesk.display import duration_words, london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.governance import forms, operations, queries
from dutydesk.models import AuditAnswer, MonthlyReport
from dutydesk.pages import (
    commit_with_record_view,
    get_audit_once,
    get_referral_once,
    get_report_once,
    load_form,
    log_list_view,
    show_error,
)
from dutydesk.statistics.downloads import Table, respond

bp = Blueprint("governance", __name__)

FORMATS = ("csv", "xlsx")
#: The quarters offered when drawing an audit: this one and the four before it.
QUARTERS_OFFERED = 5


def _me():
    return current_user._get_current_object()


# --- the monthly report of unallocated cases (R54) ------------------------------------------------


def waited(report: MonthlyReport, since) -> str:
    """How long a case had waited when the report was made."""
    return duration_words((report.made_at - since).total_seconds()) if since is not None else "Not recorded"


def days_waited(report: MonthlyReport, since) -> int | None:
    return (report.made_at - since).days if since is not None else None


@bp.route("/monthly-reports")
@requires(permissions.VIEW_MONTHLY_REPORTS, no_record=True)
def list_reports():
    now = now_utc()
    reports = queries.list_reports()
    latest_due = rules.latest_month_reported(now)
    return render_template(
        "governance/list_reports.html", reports=reports, unread=queries.unread_report_ids(_me()),
        missed=queries.list_months_missed([report for report, _ in reports], latest_due),
        next_month=rules.month_after(latest_due), next_due=rules.monthly_report_due_at(rules.month_after(latest_due)))


@bp.route("/monthly-reports/<int:report_id>")
@requires(permissions.VIEW_MONTHLY_REPORTS, reads=subjects.MONTHLY_REPORT)
def show_report(report_id: int):
    report = get_report_once(report_id)
    operations.mark_read(_me(), now=now_utc(), report=report)  # before the header counts what is new
    page = render_template("governance/show_report.html", report=report, tallies=queries.tally(report),
                           waited=lambda since: waited(report, since), formats=FORMATS)
    log_list_view(contact_ids=[case.referral.contact_id for case in report.cases])
    db.session.commit()  # the report read, when it lists nobody to log
    return page


def _report_table(report: MonthlyReport) -> Table:
    made = london(report.made_at, "%-d %B %Y %H:%M")
    return Table(
        "Unallocated cases", f"Unallocated cases, {report.month:%B %Y}: as at {made} (London time)",
        ["Child's record", "Name", "Call", "Team", "Referred on", "Concern raised", "Primary need found",
         "Why unallocated", "Keeping in contact with the child", "Unallocated since", "Days waited"],
        [[case.referral.child.child.reference if case.referral.child.child else None,
          case.referral.child.display_name, case.referral.contact.reference, case.team.name, case.referred_on,
          case.concern_category.label,
          f"{case.primary_need.value} {case.primary_need.label}" if case.primary_need else "Not assessed yet",
          case.reason, case.contingency or "None recorded",
          to_london(case.unallocated_since).date() if case.unallocated_since else None,
          days_waited(report, case.unallocated_since)]
         for case in report.cases],
        [("Month", f"{report.month:%B %Y}"), ("As at", made), ("Due", london(report.due_at, "%-d %B %Y %H:%M")),
         ("Unallocated cases", str(len(report.cases)))])


@bp.route("/monthly-reports/<int:report_id>/download")
@requires(permissions.VIEW_MONTHLY_REPORTS, reads=subjects.MONTHLY_REPORT)
def download_report(report_id: int):
    """The report's cases as CSV or Excel (?format=csv|xlsx); logged as a list view of them all."""
    report = get_report_once(report_id)
    file_format = request.args.get("format")
    if file_format not in FORMATS:
        return redirect(url_for("governance.show_report", report_id=report.id))
    response = respond(_report_table(report), file_format, f"unallocated-cases-{report.month:%Y-%m}")
    log_list_view(contact_ids=[case.referral.contact_id for case in report.cases])
    return response


# --- quarterly file audits (R30) ------------------------------------------------------------------


@bp.route("/file-audits")
@requires(permissions.VIEW_FILE_AUDITS, no_record=True)
def list_audits():
    now = now_utc()
    this_quarter = rules.quarter_start(to_london(now).date())
    quarters = [this_quarter]
    for _ in range(QUARTERS_OFFERED - 1):
        quarters.append(rules.quarter_before(quarters[-1]))
    if current_user.has_any_role(permissions.AUDIT_CASE_FILES):
        operations.mark_read(_me(), now=now, reminders=True)  # before the header counts what is new
    page = render_template(
        "governance/list_audits.html", audits=queries.list_audits(), quarters=quarters,
        audited=queries.quarters_audited(quarters), reminded=queries.list_reminded_quarters(),
        quarter_words=operations.quarter_words, this_quarter=this_quarter)
    db.session.commit()
    return page


def _quarter_choices(now) -> list[tuple[str, str]]:
    quarter = rules.quarter_start(to_london(now).date())
    choices = []
    for _ in range(QUARTERS_OFFERED):
        words = operations.quarter_words(quarter) + (" (this quarter)" if not choices else "")
        choices.append((quarter.isoformat(), words))
        quarter = rules.quarter_before(quarter)
    return choices


@bp.route("/file-audits/new", methods=["GET", "POST"])
@requires(permissions.AUDIT_CASE_FILES, no_record=True)
def draw_audit():
    now = now_utc()
    form = load_form(forms.DrawAuditForm)
    form.quarter.choices = [("", "Choose a quarter"), *_quarter_choices(now)]
    if form.is_submitted():
        if form.validate():
            try:
                audit = operations.draw_audit(date.fromisoformat(form.quarter.data), size=form.size_number,
                                              by=_me(), now=now)
            except DomainError as error:
                show_error(form, error)
            else:
                db.session.commit()
                flash(f"{len(audit.files)} case files drawn at random for "
                      f"{operations.quarter_words(audit.quarter)}. Record your findings on each.", "success")
                return redirect(url_for("governance.show_audit", audit_id=audit.id))
    else:
        asked = request.args.get("quarter", "")
        form.quarter.data = asked if asked in dict(form.quarter.choices) and asked else _quarter_choices(now)[0][0]
        form.size.data = form.size.data or str(rules.FILE_AUDIT_SAMPLE_SIZE)
    return render_template("governance/draw_audit.html", form=form)


@bp.route("/file-audits/<int:audit_id>")
@requires(permissions.VIEW_FILE_AUDITS, reads=subjects.FILE_AUDIT)
def show_audit(audit_id: int):
    audit = get_audit_once(audit_id)
    referral_ids = [file.referral_id for file in audit.files]
    page = render_template(
        "governance/show_audit.html", audit=audit, quarter_words=operations.quarter_words,
        sign_offs=queries.last_sign_offs(referral_ids), redrawn=operations.redraw(audit) == referral_ids,
        may_audit=current_user.has_any_role(permissions.AUDIT_CASE_FILES) and may_change(_me(), audit),
        complete_form=forms.CompleteAuditForm(), note_length=forms.NOTE_LENGTH)
    log_list_view(contact_ids=[file.referral.contact_id for file in audit.files])
    return page


@bp.route("/file-audits/<int:audit_id>/files/<int:file_id>/findings", methods=["GET", "POST"])
@requires(permissions.AUDIT_CASE_FILES, changes=subjects.AUDIT_FILE)
def record_finding(audit_id: int, file_id: int):
    audit = get_audit_once(audit_id)
    file = next(file for file in audit.files if file.id == file_id)
    referral = file.referral
    form = load_form(forms.FindingForm)
    if form.is_submitted():
        if form.validate():
            try:
                operations.record_finding(file, judgement=form.judgement.data, answers=form.answers,
                                          findings=form.findings.data, actions=form.actions.data or "", by=_me(),
                                          now=now_utc())
            except DomainError as error:
                show_error(form, error)
            else:
                commit_with_record_view(referral.contact_id)
                flash(f"Findings on the case file of {referral.child.display_name} recorded", "success")
                return redirect(url_for("governance.show_audit", audit_id=audit.id))
    elif file.finding is not None:  # recorded before: start from what stands
        standing = file.finding
        form.judgement.data, form.findings.data, form.actions.data = (standing.judgement, standing.findings,
                                                                      standing.actions)
        for question, field in form.questions:
            field.data = AuditAnswer(standing.answers[question.key]) if question.key in standing.answers else None
    sign_offs = queries.last_sign_offs([referral.id])
    page = render_template("governance/record_finding.html", audit=audit, file=file, referral=referral, form=form,
                           last_sign_off=sign_offs.get(referral.id), quarter_words=operations.quarter_words)
    commit_with_record_view(referral.contact_id)
    return page


@bp.route("/file-audits/<int:audit_id>/complete", methods=["GET", "POST"])
@requires(permissions.AUDIT_CASE_FILES, changes=subjects.FILE_AUDIT)
def complete_audit(audit_id: int):
    audit = get_audit_once(audit_id)
    form = load_form(forms.CompleteAuditForm)
    if form.is_submitted() and form.validate():
        try:
            operations.complete_audit(audit, summary=form.summary.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"The audit of {operations.quarter_words(audit.quarter)} is complete", "success")
            return redirect(url_for("governance.show_audit", audit_id=audit.id))
    return render_template("governance/complete_audit.html", audit=audit, form=form,
                           quarter_words=operations.quarter_words,
                           missing=[file for file in audit.files if file.finding is None])


# --- the sign-off of a case file (R45) ------------------------------------------------------------


@bp.route("/cases/<int:referral_id>/sign-off", methods=["GET", "POST"])
@requires(permissions.SIGN_OFF_CASES, changes=subjects.CASE)
def sign_off_case(referral_id: int):
    referral = get_referral_once(referral_id) or abort(404)
    form = load_form(forms.SignOffForm)
    if form.is_submitted() and form.validate():
        try:
            operations.sign_off_case(referral, note=form.note.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            commit_with_record_view(referral.contact_id)
            flash(f"You have signed off the case file of {referral.child.display_name}", "success")
            return redirect(url_for("cases.show_case", referral_id=referral.id) + "#sign-offs")
    page = render_template("governance/sign_off.html", referral=referral, form=form,
                           sign_offs=queries.list_sign_offs(referral.id))
    commit_with_record_view(referral.contact_id)
    return page


def init_app(app) -> None:
    """The case page's sign-offs and their form; the header's counts of what is new."""

    @app.template_global()
    def case_sign_offs(referral):
        return queries.list_sign_offs(referral.id)

    @app.template_global()
    def may_sign_off(referral) -> bool:
        return (permissions.can(permissions.SIGN_OFF_CASES) and may_change(_me(), referral)
                and operations.may_sign_off(_me(), referral))

    @app.template_global()
    def sign_off_form():
        return forms.SignOffForm(formdata=None)

    @app.context_processor
    def governance_unread():
        def reports() -> int:
            # Read once a request: the page template renders the header twice.
            if "reports_unread" not in g:
                g.reports_unread = (queries.count_unread_reports(_me())
                                    if permissions.can(permissions.VIEW_MONTHLY_REPORTS) else 0)
            return g.reports_unread

        def reminders() -> int:
            if "reminders_unread" not in g:
                g.reminders_unread = (queries.count_unread_reminders(_me())
                                      if permissions.can(permissions.AUDIT_CASE_FILES) else 0)
            return g.reminders_unread

        return {"reports_unread": reports, "reminders_unread": reminders}
