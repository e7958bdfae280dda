"""Screening decisions, strategy discussions, and cases: allocation, the unallocated list and
transfers between teams (R93, R48, R51, R54, R55, R42)."""

from flask import Blueprint

from dutydesk import permissions
from dutydesk.permissions import requires

bp = Blueprint("cases", __name__)


@bp.route("/cases/unallocated")
@requires(permissions.VIEW_CASES)
def unallocated():
    return "unallocated"
