"""The escalations page: what has been escalated to you (and your team), and acknowledging it."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.clock import now_utc
from dutydesk.errors import DomainError
from dutydesk.escalations import operations, queries
from dutydesk.escalations.forms import NOTE_LENGTH, AcknowledgeForm
from dutydesk.extensions import db
from dutydesk.models import ObligationKind
from dutydesk.pages import log_list_view
from dutydesk.rules import LADDERS

bp = Blueprint("escalations", __name__)


@bp.route("/escalations")
@requires(permissions.VIEW_ESCALATIONS, no_record=True)
def list_escalations():
    now = now_utc()
    g.escalations_waiting = waiting_count = queries.count_waiting_for(current_user)  # the header's too
    is_manager = current_user.has_any_role(permissions.SOCIAL_CARE_MANAGER) and current_user.team_id is not None
    waiting = queries.list_waiting_for(current_user)
    team_waiting = (queries.list_team_waiting(current_user.team_id, exclude_for=current_user,
                                              limit=queries.WAITING_SHOWN) if is_manager else [])
    acknowledged = queries.list_acknowledged(current_user, now)
    page = render_template(
        "escalations/list.html", now=now, waiting=waiting, waiting_count=waiting_count, team_waiting=team_waiting,
        ladders=[(kind.label, LADDERS[kind.value]) for kind in ObligationKind]
        + [("Post, e-mail or telephone message actioned", LADDERS["inbox_item"])],
        acknowledged=acknowledged, is_manager=is_manager, acknowledged_days=queries.ACKNOWLEDGED_SHOWN_FOR.days,
        note_length=NOTE_LENGTH,
    )
    shown = [*waiting, *team_waiting, *acknowledged]
    log_list_view(contact_ids=[e.obligation.contact_id for e in shown if e.obligation_id is not None],
                  inbox_item_ids=[e.inbox_item_id for e in shown if e.inbox_item_id is not None])
    return page


@bp.route("/escalations/<int:escalation_id>/acknowledge", methods=["POST"])
@requires(permissions.VIEW_ESCALATIONS, changes=subjects.ESCALATION)
def acknowledge(escalation_id: int):
    escalation = queries.get_escalation(escalation_id) or abort(404)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "Nothing was acknowledged: try again", "error")
        return redirect(url_for("escalations.list_escalations"))
    try:
        operations.acknowledge(escalation, by=current_user, now=now_utc(), note=form.note.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Acknowledged: {escalation.level.label.lower()}, {operations.describe(escalation)}", "success")
    return redirect(url_for("escalations.list_escalations"))


def init_app(app) -> None:
    """The header's count of escalations waiting for the signed-in person."""

    @app.context_processor
    def escalations_waiting():
        def count() -> int:
            # Read once a request: GOV.UK's page template renders the header twice (once to
            # see whether it has anything in it).
            if "escalations_waiting" not in g:
                g.escalations_waiting = (queries.count_waiting_for(current_user)
                                         if permissions.can(permissions.VIEW_ESCALATIONS) else 0)
            return g.escalations_waiting

        return {"escalations_waiting": count}
