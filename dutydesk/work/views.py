"""Actions (add, reassign, complete) and each worker's own list of what they own (R19)."""

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.clock import now_utc
from dutydesk.models import ObligationKind
from dutydesk.people.queries import list_duty_workers
from dutydesk.display import london, urgency_of
from dutydesk.forms import person_choices
from dutydesk.pages import chosen_person, contact_or_404, load_form, log_list_view, record_page
from dutydesk.rules import Urgency, urgency
from dutydesk.work import forms, operations, queries

bp = Blueprint("work", __name__)


@bp.app_template_global("obligation_page")
def obligation_page(obligation) -> str | None:
    """The page where an open clock is met, for the kinds met on a page of their own rather than
    on the call's page: the board, My work and the escalations link the clock to it."""
    if obligation.kind is ObligationKind.ASSESSMENT and obligation.child is not None \
            and obligation.child.referral is not None:
        return url_for("casework.show_assessment", referral_id=obligation.child.referral.id)
    return None


def _contact_url(contact) -> str:
    return url_for("contacts.show_contact", contact_id=contact.id)


def _owner_words(obligation) -> str:
    """Who now owns it, saying so when it went to someone standing in for a person away (R50)."""
    meant_for = (obligation.details or {}).get("meant_for")
    owner = obligation.worker.display_name if obligation.worker else obligation.team.name
    return f"{owner}, standing in for {meant_for}, who is away" if meant_for else owner


def _obligation_or_404(contact, obligation_id: int):
    return next((o for o in contact.obligations if o.id == obligation_id), None) or abort(404)


@bp.route("/calls/<int:contact_id>/actions/new", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CALL)
def add_action(contact_id: int):
    contact = contact_or_404(contact_id)
    form = load_form(forms.AddActionForm)
    workers = list_duty_workers()
    form.set_choices(contact, workers)
    if not form.is_submitted():
        form.child.data = form.child.data or forms.WHOLE_CALL
        form.worker_id.data = form.worker_id.data or current_user.id

    def run(_):
        owner = chosen_person(workers, form.worker_id.data,
                              "Choose who will do it from the list of people working now", "worker_id")
        child = next((c for c in contact.children if str(c.id) == form.child.data), None)
        action = operations.add_action(contact, title=form.title.data, owner=owner, due_at=form.due_at,
                                       child=child, by=current_user, now=now_utc())
        flash(f"Action added for {_owner_words(action)}, due {london(action.due_at)}", "success")

    return record_page(contact, form, "work/add_action.html", run, done_url=_contact_url(contact))


@bp.route("/calls/<int:contact_id>/obligations/<int:obligation_id>/reassign", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CLOCK)
def reassign(contact_id: int, obligation_id: int):
    contact = contact_or_404(contact_id)
    obligation = _obligation_or_404(contact, obligation_id)
    form = load_form(forms.ReassignForm)
    workers = list_duty_workers()
    form.worker_id.choices = person_choices(workers, "Choose who will own it")
    if not form.is_submitted() and form.worker_id.data is None:
        form.worker_id.data = obligation.worker_id

    def run(_):
        to = chosen_person(workers, form.worker_id.data,
                           "Choose who will own it from the list of people working now", "worker_id")
        operations.reassign_obligation(obligation, to=to, by=current_user, now=now_utc())
        flash(f"{obligation.label} ({obligation.subject}) reassigned to {_owner_words(obligation)}", "success")

    return record_page(contact, form, "work/reassign.html", run, done_url=_contact_url(contact),
                       obligation=obligation)


@bp.route("/calls/<int:contact_id>/obligations/<int:obligation_id>/complete", methods=["GET", "POST"])
@requires(permissions.RECORD_DECISIONS, changes=subjects.CLOCK)
def complete_action(contact_id: int, obligation_id: int):
    contact = contact_or_404(contact_id)
    obligation = _obligation_or_404(contact, obligation_id)
    form = load_form(forms.CompleteActionForm)

    def run(_):
        operations.complete_action(obligation, note=form.note.data or "", by=current_user, now=now_utc())
        flash(f"Action done: {obligation.label}", "success")

    return record_page(contact, form, "work/complete_action.html", run, done_url=_contact_url(contact),
                       obligation=obligation)


@bp.route("/my-work")
@requires(permissions.VIEW_MY_WORK, no_record=True)
def my_work():
    now = now_utc()
    work = queries.list_open_work(current_user.id)
    post = queries.list_held_inbox_items(current_user.id)
    cases = queries.list_allocated_cases(current_user.id)
    covering = queries.list_covering(current_user.id, now)
    page = render_template(
        "work/my_work.html", work=work, now=now,
        overdue=sum(1 for obligation in work if urgency_of(obligation, now) is Urgency.OVERDUE),
        cases=cases, post=post,
        post_overdue=sum(1 for item in post if urgency(item.received_at, item.due_at, now) is Urgency.OVERDUE),
        covering=covering,
    )
    log_list_view(
        contact_ids=[o.contact_id for o in work] + [case.contact_id for case in cases]
        + [o.contact_id for cover in covering for o in cover.work],
        inbox_item_ids=[item.id for item in post] + [item.id for cover in covering for item in cover.post])
    return page
