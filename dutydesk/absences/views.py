"""Absences and cover, and the post, e-mails and telephone messages received for workers (R50)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.absences import forms, operations, queries
from dutydesk.clock import now_utc, to_london
from dutydesk.people.queries import list_duty_workers
from dutydesk.display import london, london_until
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.forms import fill_with_now, person_choices
from dutydesk.pages import chosen_person, commit_with_record_view, get_inbox_item_once, load_form, show_error
from dutydesk.permissions import can

bp = Blueprint("absences", __name__)


def _me():
    return current_user._get_current_object()


def _teams_looked_after() -> list[int] | None:
    """The teams whose absences the signed-in manager records: their own, or all (None) for seniors."""
    if can(permissions.ACT_IN_ANY_TEAM):
        return None
    return [] if current_user.team_id is None else [current_user.team_id]


def _stand_in_words(absence) -> str:
    """Who takes the absent worker's new work and post, as the confirmation says it."""
    return queries.stand_in_words(absence, queries.get_stand_in(absence.worker, absence.starts_at))


@bp.route("/absences")
@requires(permissions.MANAGE_ABSENCES, no_record=True)
def list_absences():
    now = now_utc()
    teams = _teams_looked_after()
    return render_template("absences/list_absences.html", now=now, is_all_teams=teams is None,
                           absences=queries.list_current_and_upcoming_absences(now, teams))


@bp.route("/absences/new", methods=["GET", "POST"])
@requires(permissions.MANAGE_ABSENCES, no_record=True)
def record_absence():
    form = load_form(forms.AbsenceForm)
    teams = _teams_looked_after()
    workers = list_duty_workers(teams)
    covers = list_duty_workers()
    if form.validate_on_submit():
        try:
            worker = chosen_person(workers, form.worker_id.data, "Choose who is away from the list", "worker_id")
            cover = None
            if form.cover_id.data is not None:
                cover = chosen_person(covers, form.cover_id.data, "Choose who covers from the list, or leave it "
                                                                  "empty for their team manager to", "cover_id")
            absence = operations.record_absence(worker, starts_at=form.starts_at, ends_at=form.ends_at, cover=cover,
                                                reason=form.reason.data or "", by=_me(), now=now_utc())
            message = (f"{worker.display_name} is away from {london(absence.starts_at)} to "
                       f"{london_until(absence.ends_at)}; new work and post go to {_stand_in_words(absence)}")
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("absences.list_absences"))
    elif not form.is_submitted() and form.starts_date.data is None:
        form.starts_date.data = to_london(now_utc()).date()
    form.worker_id.choices = person_choices(workers, "Choose who is away", with_team=teams is None)
    form.cover_id.choices = person_choices(covers, "Nobody: their team manager")
    return render_template("absences/record_absence.html", form=form)


@bp.route("/absences/<int:absence_id>/end", methods=["POST"])
@requires(permissions.MANAGE_ABSENCES, changes=subjects.ABSENCE)
def end_absence(absence_id: int):
    absence = queries.get_absence(absence_id) or abort(404)
    if forms.EndAbsenceForm().validate_on_submit():
        now = now_utc()
        name, was_upcoming = absence.worker.display_name, absence.starts_at > now
        starts, ends = london(absence.starts_at), london_until(absence.ends_at)
        try:
            operations.end_absence(absence, by=_me(), now=now)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{name}'s absence from {starts} to {ends} is withdrawn" if was_upcoming
                  else f"{name} is back: new work and post go to them again from now", "success")
    return redirect(url_for("absences.list_absences"))


@bp.route("/inbox-items/new", methods=["GET", "POST"])
@requires(permissions.RECORD_INBOX_ITEM, no_record=True)
def record_inbox_item():
    form = load_form(forms.InboxItemForm)
    workers = list_duty_workers()
    if form.validate_on_submit():
        try:
            addressed_to = chosen_person(workers, form.worker_id.data,
                                         "Choose who it is for from the list of people working now", "worker_id")
            item = operations.record_inbox_item(
                addressed_to, channel=form.channel.data, sender=form.sender.data,
                summary=form.summary.data, received_at=form.received_at, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            label, due, for_whom, holder = item.label, london(item.due_at), addressed_to.display_name, \
                item.holder.display_name
            if item.holder_id != addressed_to.id:
                message = f"{for_whom} is away, so it goes to {holder}, who must action it by {due}."
            elif queries.get_away(addressed_to, item.recorded_at) is not None:
                message = (f"{for_whom} is away and nobody is in to stand in for them, so the senior managers "
                           f"are told of it: it must be actioned by {due}.")
            else:
                message = f"{for_whom} must action it by {due}."
            db.session.commit()
            flash(f"{label} for {for_whom} recorded. {message}", "success")
            return redirect(url_for("absences.record_inbox_item"))
    elif not form.is_submitted() and form.received_date.data is None:
        fill_with_now(form, form.received)
    form.worker_id.choices = person_choices(workers, "Choose who it is for")
    return render_template("absences/record_inbox_item.html", form=form)


@bp.route("/inbox-items/<int:inbox_item_id>/action", methods=["GET", "POST"])
@requires(permissions.ACTION_INBOX_ITEM, changes=subjects.INBOX_ITEM)
def action_inbox_item(inbox_item_id: int):
    item = get_inbox_item_once(inbox_item_id) or abort(404)
    form = load_form(forms.ActionInboxItemForm)
    if form.validate_on_submit():
        try:
            operations.action_inbox_item(item, note=form.note.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            label, for_whom = item.label, item.addressed_to.display_name
            commit_with_record_view(inbox_item_id=inbox_item_id)
            flash(f"{label} for {for_whom} actioned", "success")
            if can(permissions.VIEW_MY_WORK):
                return redirect(url_for("work.my_work"))
            return redirect(url_for("absences.action_inbox_item", inbox_item_id=inbox_item_id))
    page = render_template("absences/action_inbox_item.html", form=form, item=item, now=now_utc())
    commit_with_record_view(inbox_item_id=inbox_item_id)  # post may name a child: who saw it is logged
    return page
