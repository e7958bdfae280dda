from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from dutydesk import permissions
from dutydesk.contacts import queries as contacts
from dutydesk.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required
def home():
    """Send each person to where their work is."""
    if permissions.can(permissions.MANAGE_CASES):
        return redirect(url_for("board.show_board"))
    if permissions.can(permissions.VIEW_MY_WORK):
        return redirect(url_for("work.my_work"))
    if permissions.can(permissions.LOG_CALL):
        # A call handler owns the verbal hand-off of each call they log (R39): while one is open,
        # they start on their calls rather than a blank form.
        if contacts.count_open_handoffs_logged_by(current_user.id):
            return redirect(url_for("contacts.list_my_calls"))
        return redirect(url_for("contacts.log_call"))
    if permissions.can(permissions.VIEW_STATISTICS):
        return redirect(url_for("statistics.show_statistics"))
    if permissions.can(permissions.ADMINISTER):
        return redirect(url_for("people.list_people"))
    return render_template("core/home.html", user=current_user)


@bp.route("/healthz")
def healthz():
    """For load balancers: the app is up and can reach its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
