"""The front door's pages: log a call, see it, hand it off, accept it, record what was done."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, rules, subjects
from dutydesk.access import requires
from dutydesk.children import queries as children
from dutydesk.children.search import CheckResult, find_children, query_for_call
from dutydesk.clock import now_utc
from dutydesk.contacts import forms, operations, queries
from dutydesk.contacts.forms import FLAGS, NEW, NOT_OFFERED, LogCallForm
from dutydesk.display import london
from dutydesk.errors import DomainError
from dutydesk.escalations import queries as escalation_queries
from dutydesk.extensions import db
from dutydesk.forms import fill_with_now, person_choices
from dutydesk.inputs import parse_id, whole_number
from dutydesk.models import ObligationKind
from dutydesk.models.codes import ConcernCategory, InterpreterNeed, ReferralSource
from dutydesk.pages import (
    change_rows,
    chosen_person,
    commit_with_record_view,
    contact_or_404,
    load_form,
    log_list_view,
    record_page,
    show_error,
)
from dutydesk.people import queries as people

bp = Blueprint("contacts", __name__)


def _contact_url(contact) -> str:
    return url_for("contacts.show_contact", contact_id=contact.id)


@bp.route("/calls/new", methods=["GET", "POST"])
@requires(permissions.LOG_CALL, no_record=True)
def log_call():
    form = load_form(LogCallForm)
    rows_changed = form.is_submitted() and change_rows(
        (form.children, form.add_child, form.remove_child, forms.MAX_CHILDREN))
    # R2.5 without a browser script: "Check records" shows a row's check, saving nothing.
    is_checking = form.is_submitted() and CHECK_ROW in request.form
    if not rows_changed and not is_checking and form.validate_on_submit():
        try:
            contact = operations.log_call(_call_details(form), by=current_user, now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            contact_id, reference, received_at = contact.id, contact.reference, contact.received_at
            db.session.commit()
            flash(f"Call {reference} logged. The duty team must have it verbally and in "
                  f"writing by {london(rules.handoff_due_at(received_at), '%H:%M')}.", "success")
            return redirect(url_for("contacts.show_contact", contact_id=contact_id))
    # The lists are loaded only to show the form: a save needs just the team and worker chosen.
    teams = people.list_duty_teams()
    form.set_choices(teams, people.list_duty_workers([team.id for team in teams]))
    if not form.is_submitted() and form.received_date.data is None:
        fill_with_now(form, form.received)
        suggested = people.suggested_team(teams, now_utc())
        form.team_id.data = suggested.id if suggested is not None else None
    checks = [_records_check(entry, form) for entry in form.children]
    page = render_template("contacts/log_call.html", form=form, checks=checks, check_row=CHECK_ROW)
    log_list_view(contact_ids=children.list_contact_ids_about(
        offer.child.id for check in checks for offer in check.offers))
    return page


#: The name of the "Check records" button of each child's row; its value is the row's number.
CHECK_ROW = "check_row"


@dataclass(frozen=True)
class RecordsCheckShown:
    """R2.5: the records check of one child of the call form, as the page shows it."""

    #: The row's number in the form's field names (children-N-...).
    row: int
    #: Whether anything the check asks about (name, date of birth, address) was typed.
    is_asked: bool
    check: CheckResult
    offers: list[children.Offer]
    #: The answer chosen so far: a record's id, "new", or None.
    chosen: int | str | None
    errors: list[str]
    #: The duty team chosen on the form, to say when a child's work is held by another.
    team_id: int | None

    @property
    def field(self) -> str:
        return f"children-{self.row}-record"


def _row_of(entry) -> int:
    return int(entry.name.rsplit("-", 1)[1])


def _row_query(child_form):
    """What the check asks about the child typed in a row of the call form."""
    name = None if child_form.is_name_not_known.data else child_form.name.data
    return query_for_call(name, child_form.date_of_birth.data, child_form.address.data)


def _records_check(entry, form: LogCallForm, row: int | None = None) -> RecordsCheckShown:
    """The records check of a row of the call form (None: a row the form does not have)."""
    row = _row_of(entry) if entry is not None else row
    team_id = form.team_id.data if isinstance(form.team_id.data, int) else None
    if entry is None:
        return RecordsCheckShown(row, False, CheckResult([], 0), [], None, [], team_id)
    query = _row_query(entry.form)
    is_asked = bool(query.full_name or query.date_of_birth or query.address)
    check = find_children(query) if is_asked else CheckResult([], 0)
    choice = entry.form.record_choice
    chosen = choice if isinstance(choice, int) or choice == NEW else None
    offers = children.list_offers(check, query=query, chosen=chosen if isinstance(chosen, int) else None)
    return RecordsCheckShown(row, is_asked, check, offers, chosen, list(entry.form.record.errors), team_id)


@bp.route("/calls/records-check", methods=["POST"])
@requires(permissions.LOG_CALL, no_record=True)
def check_records():
    """R2.5: the children already known who may be the child typed in one row of the call form.

    htmx posts the whole form as the call handler types, with `row`, the row's number, and swaps
    this row's part of the page for the answer. Nothing is saved; that the list showed the
    children is logged.
    """
    form = LogCallForm()
    row = whole_number(request.form.get("row") or "0", most=forms.MAX_CHILDREN - 1)
    if row is None:
        return f"Say which child of the call to check: row is a number from 0 to {forms.MAX_CHILDREN - 1}", \
            400, {"Content-Type": "text/plain; charset=utf-8"}
    entry = next((entry for entry in form.children if entry.name == f"children-{row}"), None)
    shown = _records_check(entry, form, row)
    page = render_template("contacts/_records_check.html", shown=shown)
    log_list_view(contact_ids=children.list_contact_ids_about(offer.child.id for offer in shown.offers))
    return page


def _call_details(form: LogCallForm) -> operations.CallDetails:
    team = people.get_team(form.team_id.data)
    if team is None:
        raise DomainError("Choose the duty team to hand the call to", "team_id")
    is_put_through = form.is_put_through.data == "yes"
    return operations.CallDetails(
        received_at=form.received_at,
        channel=form.channel.data,
        children=[
            operations.ChildDetails(
                name=entry.form.name.data or "", is_name_known=not entry.form.is_name_not_known.data,
                address=entry.form.address.data, first_language=entry.form.first_language.data or "",
                interpreter_need=entry.form.interpreter_need.data or InterpreterNeed.NOT_KNOWN,
                **entry.form.birth_details(), **_answer(entry),
            )
            for entry in form.children
        ],
        concern=form.concern.data,
        concern_category=form.concern_category.data or ConcernCategory.NOT_KNOWN,
        flags=operations.Flags(**{name: name in (form.flags.data or []) for name, _ in FLAGS}),
        referrer=operations.ReferrerDetails(
            name=form.referrer_name.data or "", role=form.referrer_role.data or "",
            agency=form.referrer_agency.data or "", address=form.referrer_address.data or "",
            phone=form.referrer_phone.data or "", email=form.referrer_email.data or "",
            is_professional=form.is_referrer_professional.data == "yes",
            source=form.referral_source.data or ReferralSource.UNKNOWN,
        ),
        is_put_through=is_put_through,
        put_through_to=people.get_user(form.put_through_to.data) if is_put_through else None,
        no_referrer_details_reason=form.no_referrer_details_reason.data,
        team=team,
    )


def _answer(entry) -> dict:
    """R2.5: the row's records check, made again as it is saved, and the handler's answer to it:
    the record chosen (any child's: the check is council-wide), or a new one."""
    choice = entry.form.record_choice
    record = None
    if isinstance(choice, int):
        record = children.get_child(choice)
        if record is None:
            raise DomainError(NOT_OFFERED, f"{entry.name}-record")
    return {"record": record, "check": find_children(_row_query(entry.form)),
            "is_check_answered": choice is not None}


@bp.route("/calls/mine")
@requires(permissions.LOG_CALL, no_record=True)
def list_my_calls():
    """The calls the signed-in person logged lately, with their hand-off clocks, the most urgent first."""
    now = now_utc()
    calls = queries.list_calls_logged_by(current_user.id, now)
    page = render_template("contacts/list_my_calls.html", calls=calls, now=now)
    log_list_view(contact_ids=[call.contact.id for call in calls])
    return page


@bp.route("/calls/<int:contact_id>")
@requires(permissions.VIEW_CONTACT, reads=subjects.CALL)
def show_contact(contact_id: int):
    contact = contact_or_404(contact_id)
    now = now_utc()
    earlier = children.count_earlier_for((child.child_id, contact.received_at) for child in contact.children)
    elsewhere = children.list_other_teams_work((child.child_id, contact.team_id) for child in contact.children)
    commit_with_record_view(contact_id)
    return render_template("contacts/show_contact.html", contact=contact, now=now,
                           earlier={child.id: earlier.get((child.child_id, contact.received_at))
                                    for child in contact.children},
                           other_teams={child.id: elsewhere.get((child.child_id, contact.team_id), [])
                                        for child in contact.children},
                           told={child.id: children.is_shown_to_other_teams(child, now)
                                 for child in contact.children},
                           records_checks=children.list_records_checks(child.id for child in contact.children),
                           accept_form=forms.AcceptForm(),
                           escalations=escalation_queries.by_obligation([o.id for o in contact.obligations]),
                           can_accept=operations.is_duty_worker_of(current_user, contact.team))


@bp.route("/calls/<int:contact_id>/verbal-handoff", methods=["GET", "POST"])
@requires(permissions.RECORD_VERBAL_HANDOFF, changes=subjects.VERBAL_HANDOFF)
def record_verbal_handoff(contact_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.VerbalHandoffForm)
    workers = people.list_duty_workers([contact.team_id])
    form.to_worker_id.choices = person_choices(workers, "Choose a duty worker", with_team=False)

    def run(at):
        to = chosen_person(workers, form.to_worker_id.data, "Choose the duty worker you passed the details to",
                           "to_worker_id")
        operations.record_verbal_handoff(contact, to=to, at=at, by=current_user, now=now_utc())
        flash(f"Verbal hand-off to {to.display_name} recorded", "success")

    return record_page(contact, form, "contacts/record_verbal_handoff.html", run, done_url=_contact_url(contact))


@bp.route("/calls/<int:contact_id>/accept", methods=["POST"])
@requires(permissions.ACCEPT_HANDOFF, changes=subjects.WRITTEN_HANDOFF)
def accept_handoff(contact_id: int):
    contact = contact_or_404(contact_id)
    form = forms.AcceptForm()
    if form.validate_on_submit():
        try:
            operations.accept_handoff(contact, by=current_user, now=now_utc())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(f"You have accepted call {contact.reference}. Its clocks are yours now.", "success")
        commit_with_record_view(contact_id)
    return redirect(url_for("contacts.show_contact", contact_id=contact_id))


@bp.route("/calls/<int:contact_id>/referrer-confirmation", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.REFERRER_CONFIRMATION)
def record_referrer_confirmation(contact_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.ReferrerConfirmationForm)

    def run(at):
        operations.record_referrer_confirmation(
            contact, received_at=at, method=form.method.data,
            reference=form.reference.data or "", reason=form.reason.data or "",
            by=current_user, now=now_utc())
        flash("Referrer's written confirmation recorded", "success")

    return record_page(contact, form, "contacts/record_referrer_confirmation.html", run,
                       done_url=_contact_url(contact))


@bp.route("/calls/<int:contact_id>/police-informed", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.POLICE_INFORMED)
def record_police_informed(contact_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.PoliceInformedForm)

    def run(at):
        operations.record_police_informed(
            contact, informed_at=at, officer=form.officer.data,
            police_reference=form.police_reference.data, reason=form.reason.data or "",
            by=current_user, now=now_utc())
        flash("Police informed recorded", "success")

    return record_page(contact, form, "contacts/record_police_informed.html", run, done_url=_contact_url(contact))


@bp.route("/calls/<int:contact_id>/children/<int:child_id>/seen", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.CHILD_SEEN)
def record_child_seen(contact_id: int, child_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.ChildSeenForm)
    child = next((c for c in contact.children if c.id == child_id), None) or abort(404)
    workers = people.list_duty_workers()
    # No one is chosen for the worker: one click must not record a statutory visit (R35).
    form.seen_by_id.choices = person_choices(workers, "Choose who saw the child")

    def run(at):
        seen_by = chosen_person(workers, form.seen_by_id.data, "Choose who saw the child", "seen_by_id")
        alone, spoken = form.is_seen_alone.data == "yes", form.is_spoken_to.data == "yes"
        operations.record_child_seen(contact, child, seen_at=at, seen_by=seen_by, is_seen_alone=alone,
                                     is_spoken_to=spoken, reason=form.reason.data or "", by=current_user,
                                     now=now_utc())
        flash(f"{child.display_name} recorded as seen by {seen_by.display_name}, "
              f"{'alone' if alone else 'not alone'}, {'spoken to' if spoken else 'not spoken to'}", "success")

    return record_page(contact, form, "contacts/record_child_seen.html", run, done_url=_contact_url(contact),
                       child=child)


@bp.route("/calls/<int:contact_id>/children/<int:child_id>/interpreter", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.CHILD)
def record_interpreter_use(contact_id: int, child_id: int):
    contact = contact_or_404(contact_id)
    child = next((c for c in contact.children if c.id == child_id), None) or abort(404)
    form = load_form(forms.InterpreterForm)
    if not form.is_submitted() and child.is_interpreter_used is not None:
        form.is_used.data = "yes" if child.is_interpreter_used else "no"
        form.reason.data = child.interpreter_not_used_reason

    def run(at):
        is_used = form.is_used.data == "yes"
        operations.record_interpreter_use(child, is_used=is_used, reason=form.reason.data or "", by=current_user,
                                          now=now_utc())
        flash(f"Recorded that an interpreter was {'used' if is_used else 'not used'} with {child.display_name}",
              "success")

    return record_page(contact, form, "contacts/record_interpreter_use.html", run, done_url=_contact_url(contact),
                       child=child)


@bp.route("/calls/<int:contact_id>/flags/new", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.CALL)
def raise_flag(contact_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.RaiseFlagForm)
    form.flag.choices = [(name, words) for name, words in FLAGS
                         if name in operations.FLAGS_RAISED_LATER and not getattr(contact, name)]

    def run(at):
        opened = operations.raise_flag(contact, flag=form.flag.data, note=form.note.data, by=current_user,
                                       now=now_utc())
        words = operations.FLAGS_RAISED_LATER[form.flag.data][1]
        flash(f"'{words}' raised on call {contact.reference}. "
              + " ".join(f"{o.kind.label}{f' ({o.child.display_name})' if o.child else ''} is due by "
                         f"{london(o.due_at)}." for o in opened), "success")

    return record_page(contact, form, "contacts/raise_flag.html", run, done_url=_contact_url(contact))


@bp.route("/calls/<int:contact_id>/obligations/<int:obligation_id>/reason", methods=["GET", "POST"])
@requires(permissions.RECORD_DUTY_WORK, changes=subjects.CLOCK)
def record_obligation_reason(contact_id: int, obligation_id: int):
    contact = contact_or_404(contact_id)
    obligation = next((o for o in contact.obligations if o.id == obligation_id), None) or abort(404)
    form = load_form(forms.ReasonForm)
    if not form.is_submitted() and not form.reason.data:
        form.reason.data = obligation.reason

    def run(at):
        operations.record_obligation_reason(obligation, reason=form.reason.data, by=current_user, now=now_utc())
        flash("Reason recorded", "success")

    return record_page(contact, form, "contacts/record_obligation_reason.html", run,
                       done_url=_contact_url(contact), obligation=obligation)


@bp.route("/queue")
@requires(permissions.VIEW_QUEUE, no_record=True)
def queue():
    teams = people.list_duty_teams()
    team_id = parse_id(request.args.get("team")) or current_user.team_id
    team = next((t for t in teams if t.id == team_id), teams[0] if teams else None)
    contacts = queries.list_team_queue(team.id) if team else []
    page = render_template("contacts/queue.html", teams=teams, team=team, contacts=contacts,
                           now=now_utc(), ObligationKind=ObligationKind)
    log_list_view(contact_ids=[contact.id for contact in contacts])
    return page
