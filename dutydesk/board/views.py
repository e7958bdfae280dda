"""The live board: a team's open work at a glance, refreshing itself (R19)."""

from flask import Blueprint

from dutydesk import permissions
from dutydesk.permissions import requires

bp = Blueprint("board", __name__)


@bp.route("/board")
@requires(permissions.VIEW_BOARD)
def show_board():
    return "board"
