"""Screening decisions, strategy discussions, and cases: allocation, the unallocated list and
transfers between teams (R93, R48, R51, R54, R55, R42)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import may_change, requires
from dutydesk.cases import forms, operations, queries
from dutydesk.children.queries import count_earlier_contacts_and_referrals, list_other_teams_work
from dutydesk.clock import now_utc
from dutydesk.contacts.operations import is_duty_worker_of
from dutydesk.people.queries import get_team, get_user, list_duty_teams, list_duty_workers
from dutydesk.display import duration_words, london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.forms import fill_with_now, person_choices
from dutydesk.inputs import parse_id
from dutydesk.pages import (
    change_rows,
    chosen_person,
    commit_with_record_view,
    contact_or_404,
    get_referral_once,
    load_form,
    log_list_view,
    record_page,
    show_error,
)
from dutydesk.permissions import can

bp = Blueprint("cases", __name__)


@bp.app_template_global("child_records")
def child_records(contact):
    """The call page's decisions and strategy discussions for each child (loaded once a request)."""
    return queries.get_child_records(contact)


def _me():
    return current_user._get_current_object()


def _child_or_404(contact, child_id: int):
    return next((child for child in contact.children if child.id == child_id), None) or abort(404)


def _case_or_404(referral_id: int):
    return get_referral_once(referral_id) or abort(404)


def _contact_url(contact_id: int) -> str:
    return url_for("contacts.show_contact", contact_id=contact_id)


def _case_url(referral_id: int) -> str:
    return url_for("cases.show_case", referral_id=referral_id)


@bp.route("/calls/<int:contact_id>/children/<int:child_id>/decision", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CHILD)
def record_decision(contact_id: int, child_id: int):
    contact = contact_or_404(contact_id)
    child = _child_or_404(contact, child_id)
    form = load_form(forms.DecisionForm)
    managers = queries.list_social_care_managers()
    holder = operations.responsible_worker(contact, child)
    form.social_care_manager_id.choices = person_choices(managers, "Choose the manager")
    # R48: the worker holding the child's work, or a manager (the operation checks whoever is chosen).
    is_holder_offered = holder is not None and holder.is_active and holder not in managers
    form.onward_agreed_by_id.choices = person_choices(
        [holder, *managers] if is_holder_offered else managers, "Choose who agreed it",
        notes={holder.id: "holds the child's work"} if is_holder_offered else None)
    # Nobody has accepted the call: the decision accepts it too, and the page says so (R39).
    accepts_call = contact.accepted_at is None and is_duty_worker_of(current_user, contact.team)
    if accepts_call:
        form.save.label.text = "Accept the call and record the decision"

    def run(at):
        onward = None
        if form.has_onward_referral:
            agreed_by = get_user(form.onward_agreed_by_id.data) if form.onward_agreed_by_id.data else None
            onward = operations.OnwardReferral(agency=form.onward_agency.data or "",
                                               purpose=form.onward_purpose.data or "", agreed_by=agreed_by)
        joint = bool(form.is_joint_investigation.data)
        # R93: the operation decides whether the decision needs the manager chosen, and who may be.
        manager = get_user(form.social_care_manager_id.data) if form.social_care_manager_id.data else None
        outcome = form.outcome.data
        had_referral = child.referral is not None
        operations.record_screening_decision(
            contact, child, outcome=outcome, rationale=form.rationale.data, by=_me(), now=now_utc(),
            is_joint_investigation=joint, social_care_manager=manager, onward=onward)
        message = f"Decision for {child.display_name} recorded: {outcome.label}."
        if accepts_call:
            message = f"You have accepted call {contact.reference}. " + message
        if outcome.opens_referral and not had_referral:
            message += " A case is open for the child: it is waiting to be allocated to a worker."
        flash(message, "success")

    return record_page(contact, form, "cases/record_decision.html", run, done_url=_contact_url(contact.id),
                       child=child, holder=holder, decisions=queries.list_decisions(child.id),
                       accepts_call=accepts_call)


@bp.route("/calls/<int:contact_id>/children/<int:child_id>/strategy-discussion", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CHILD)
def record_strategy_discussion(contact_id: int, child_id: int):
    contact = contact_or_404(contact_id)
    child = _child_or_404(contact, child_id)
    form = load_form(forms.StrategyDiscussionForm)
    workers = list_duty_workers()
    managers = queries.list_social_care_managers()
    form.social_care_manager_id.choices = person_choices(managers, "Choose the manager")
    rows_changed = form.is_submitted() and change_rows(
        (form.attendees, form.add_attendee, form.remove_attendee, forms.MAX_ATTENDEES),
        (form.action_points, form.add_action_point, form.remove_action_point, forms.MAX_ACTION_POINTS))
    if form.is_submitted() and not rows_changed:
        form.set_owner_choices(workers)
        if form.validate():
            try:
                discussion_id = _record_strategy_discussion(form, contact, child, workers, managers)
            except DomainError as error:
                show_error(form, error)
            else:
                commit_with_record_view(contact.id)
                flash(f"Strategy discussion about {child.display_name} recorded", "success")
                return redirect(url_for("cases.show_strategy_discussion", discussion_id=discussion_id))
    elif not form.is_submitted() and form.held_date.data is None:
        fill_with_now(form, form.held)
        fill_with_now(form, form.circulated)
    form.set_owner_choices(workers)
    commit_with_record_view(contact.id)
    return render_template("cases/record_strategy_discussion.html", contact=contact, child=child, form=form,
                           now=now_utc())


def _record_strategy_discussion(form, contact, child, workers, managers) -> int:
    manager = chosen_person(managers, form.social_care_manager_id.data,
                            "Choose the social-care manager involved from the list", "social_care_manager_id")
    points = []
    for entry in form.action_points:
        if entry.form.is_blank:
            continue
        owner = chosen_person(workers, entry.form.owner_id.data,
                              "Choose who will do each action point from the list", "action_points")
        points.append(operations.ActionPoint(title=entry.form.title.data, owner=owner, due_at=entry.form.due_at))
    discussion = operations.record_strategy_discussion(
        contact, child, held_at=form.held_at,
        attendees=[operations.Attendee(entry.form.name.data or "", entry.form.agency.data or "")
                   for entry in form.attendees],
        record=form.record.data, action_points=points, circulated_to=form.circulated_to.data,
        circulated_at=form.circulated_at, review_on=form.review_on.data, by=_me(), now=now_utc(),
        social_care_manager=manager)
    return discussion.id


@bp.route("/strategy-discussions/<int:discussion_id>")
@requires(permissions.VIEW_CASES, reads=subjects.STRATEGY_DISCUSSION)
def show_strategy_discussion(discussion_id: int):
    discussion = queries.get_strategy_discussion(discussion_id) or abort(404)
    page = render_template("cases/show_strategy_discussion.html", discussion=discussion,
                           contact=discussion.contact, child=discussion.child, now=now_utc())
    commit_with_record_view(discussion.contact_id)
    return page


@bp.route("/cases/<int:referral_id>")
@requires(permissions.VIEW_CASES, reads=subjects.CASE)
def show_case(referral_id: int):
    referral = _case_or_404(referral_id)
    pending = referral.pending_transfer if referral.is_open else None  # closed: nothing to accept
    can_accept = pending is not None and can(permissions.MANAGE_CASES) and may_change(_me(), pending)
    child_record_id = referral.child.child_id
    earlier = (count_earlier_contacts_and_referrals(child_record_id, referral.contact.received_at)
               if child_record_id is not None else None)
    subject = (child_record_id, referral.team_id)  # R2.5: other teams holding open work about the child
    page = render_template(
        "cases/show_case.html", referral=referral, contact=referral.contact, child=referral.child,
        pending=pending, can_accept=can_accept, accept_form=forms.AcceptTransferForm(), earlier=earlier,
        other_teams=list_other_teams_work([subject]).get(subject, []),
        open_work=queries.list_open_work(referral.child_id), decisions=queries.list_decisions(referral.child_id),
        discussions=queries.list_strategy_discussions(referral.child_id), now=now_utc())
    # The page is built before the commit, which would otherwise expire everything it shows.
    commit_with_record_view(referral.contact_id)
    return page


@bp.route("/cases/<int:referral_id>/allocate", methods=["GET", "POST"])
@requires(permissions.MANAGE_CASES, changes=subjects.CASE)
def allocate(referral_id: int):
    referral = _case_or_404(referral_id)
    form = load_form(forms.AllocateForm)
    workers = queries.list_case_holders(referral.team_id)
    form.worker_id.choices = person_choices(workers, "Choose a worker", with_team=False)

    def run(at):
        # Anyone may be posted: allocate_case is where the rule on who may hold the case lives.
        to = get_user(form.worker_id.data)
        if to is None:
            raise DomainError("Choose the worker to allocate the case to", "worker_id")
        operations.allocate_case(referral, to=to, by=_me(), now=now_utc())
        flash(f"Case of {referral.child.display_name} allocated to {to.display_name}", "success")

    return record_page(referral.contact, form, "cases/allocate.html", run, done_url=_case_url(referral.id),
                       referral=referral, workers=workers)


@bp.route("/cases/<int:referral_id>/unallocate", methods=["GET", "POST"])
@requires(permissions.MANAGE_CASES, changes=subjects.CASE)
def unallocate(referral_id: int):
    referral = _case_or_404(referral_id)
    form = load_form(forms.UnallocateForm)
    taking_from = referral.worker if referral.is_allocated else None
    if not form.is_submitted() and not form.reason.data and taking_from is None:
        if referral.worker is not None:
            form.reason.data = f"{referral.worker.display_name} is no longer active"
        elif referral.unallocated_reason != operations.AWAITING_ALLOCATION:
            form.reason.data = referral.unallocated_reason
        form.contingency.data = referral.contingency

    def run(at):
        name = referral.child.display_name
        operations.record_unallocated(referral, reason=form.reason.data, contingency=form.contingency.data,
                                      by=_me(), now=now_utc())
        flash(f"Case of {name} taken from {taking_from.display_name}: it is unallocated" if taking_from
              else f"Why the case of {name} is unallocated recorded", "success")

    return record_page(referral.contact, form, "cases/unallocate.html", run, done_url=_case_url(referral.id),
                       referral=referral, taking_from=taking_from)


@bp.route("/cases/<int:referral_id>/transfer", methods=["GET", "POST"])
@requires(permissions.MANAGE_CASES, changes=subjects.CASE)
def request_transfer(referral_id: int):
    referral = _case_or_404(referral_id)
    form = load_form(forms.TransferForm)
    teams = [team for team in list_duty_teams() if team.id != referral.team_id]
    form.to_team_id.choices = [("", "Choose a team"), *((team.id, team.name) for team in teams)]

    def run(at):
        team = get_team(form.to_team_id.data)
        if team is None:
            raise DomainError("Choose the team to transfer the case to", "to_team_id")
        transfer = operations.request_transfer(referral, to_team=team, reason=form.reason.data, by=_me(),
                                               now=now_utc())
        flash(f"Transfer of {referral.child.display_name} to {team.name} requested. {team.name} must accept it "
              f"by {london(transfer.obligation.due_at)}.", "success")

    return record_page(referral.contact, form, "cases/request_transfer.html", run, done_url=_case_url(referral.id),
                       referral=referral, teams=teams)


@bp.route("/transfers/<int:transfer_id>/accept", methods=["POST"])
@requires(permissions.MANAGE_CASES, changes=subjects.TRANSFER)
def accept_transfer(transfer_id: int):
    transfer = queries.get_transfer(transfer_id) or abort(404)
    referral = transfer.referral
    referral_id, contact_id = referral.id, referral.contact_id
    child_name, to_team_name = referral.child.display_name, transfer.to_team.name
    form = forms.AcceptTransferForm()
    if form.validate_on_submit():
        try:
            operations.accept_transfer(transfer, by=_me(), now=now_utc())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(f"{to_team_name} has taken the case of {child_name}. Allocate it to a worker, or record why "
                  "it is unallocated.", "success")
        commit_with_record_view(contact_id)
    return redirect(_case_url(referral_id))


@bp.route("/cases/unallocated")
@requires(permissions.VIEW_CASES, no_record=True)
def unallocated():
    teams = list_duty_teams()
    chosen = request.args.get("team", "")
    if chosen == "all":
        team = None
    else:
        team_id = parse_id(chosen) or current_user.team_id
        team = next((t for t in teams if t.id == team_id), None)
    team_id = team.id if team else None
    cases = queries.list_unallocated(team_id)
    transfers = queries.list_pending_transfers(team_id)
    now = now_utc()
    transfers_in = [t for t in transfers if team is None or t.to_team_id == team.id]
    transfers_out = [t for t in transfers if team is not None and t.from_team_id == team.id]
    page = render_template(
        "cases/unallocated.html", teams=teams, team=team, cases=cases, now=now,
        transfers_in=transfers_in, transfers_out=transfers_out,
        waited=lambda since: duration_words((now - since).total_seconds()))
    log_list_view(contact_ids=[case.referral.contact_id for case in cases]
                  + [transfer.referral.contact_id for transfer in (*transfers_in, *transfers_out)])
    return page
