"""The live board: a team's open work at a glance, refreshing itself (R19)."""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, rules
from dutydesk.board.queries import SORTS, UNASSIGNED, BoardFilters, load_board
from dutydesk.clock import now_utc
from dutydesk.inputs import parse_id
from dutydesk.models import ObligationKind
from dutydesk.people import queries as people
from dutydesk.access import requires
from dutydesk.pages import log_list_view

bp = Blueprint("board", __name__)


@bp.route("/board")
@requires(permissions.VIEW_BOARD, no_record=True)
def show_board():
    return _render("board/board.html")


@bp.route("/board/live")
@requires(permissions.VIEW_BOARD, no_record=True)
def live():
    """The part of the board that htmx fetches every few seconds and swaps in place."""
    return _render("board/_live.html")


def _render(template: str):
    teams = people.list_duty_teams()
    filters = _filters(request.args)
    team = next((t for t in teams if t.id == filters.team_id), None) \
        or next((t for t in teams if t.id == current_user.team_id), None) \
        or (teams[0] if teams else None)
    if team is None:
        return render_template("board/no_teams.html")
    board = load_board(team, filters, now_utc())
    workers = people.list_duty_workers([team.id])
    args = _args(filters, team.id)
    page = render_template(
        template, board=board, teams=teams, workers=workers, kinds=list(ObligationKind), UNASSIGNED=UNASSIGNED,
        args=args, sort_url=lambda column: _sort_url(filters, args, column),
        live_url=url_for("board.live", **args), refresh_seconds=current_app.config["BOARD_REFRESH_SECONDS"],
        recent_days=rules.RECENT_DAYS, notice_days=rules.OTHER_TEAM_NOTICE_DAYS,
    )
    log_list_view(contact_ids=board.contact_ids_shown,
                  inbox_item_ids=[e.inbox_item_id for e in board.escalations if e.inbox_item_id is not None])
    return page


def _filters(args) -> BoardFilters:
    """Read the filters from the query string; anything unrecognised means "no filter"."""
    worker = args.get("worker", "")
    kind = args.get("kind", "")
    sort = args.get("sort", "due")
    return BoardFilters(
        team_id=parse_id(args.get("team")),
        worker=UNASSIGNED if worker == UNASSIGNED else parse_id(worker),
        kind=ObligationKind(kind) if kind in {k.value for k in ObligationKind} else None,
        sort=sort if sort in SORTS else "due",
        descending=args.get("dir") == "desc",
    )


def _args(filters: BoardFilters, team_id: int) -> dict:
    args = {"team": team_id, "worker": filters.worker, "kind": filters.kind.value if filters.kind else None,
            "sort": filters.sort if filters.sort != "due" else None, "dir": "desc" if filters.descending else None}
    return {key: value for key, value in args.items() if value is not None}


def _sort_url(filters: BoardFilters, args: dict, column: str) -> str:
    """The link on a column heading: sort by it, or reverse it if it is the sort already."""
    descending = filters.sort == column and not filters.descending
    return url_for("board.show_board", **{**args, "sort": column, "dir": "desc" if descending else None})
