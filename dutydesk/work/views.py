"""Actions (add, reassign, complete) and each worker's own list of what they own (R19)."""

from flask import Blueprint

from dutydesk import permissions
from dutydesk.permissions import requires

bp = Blueprint("work", __name__)


@bp.route("/my-work")
@requires(permissions.VIEW_MY_WORK)
def my_work():
    return "my work"
