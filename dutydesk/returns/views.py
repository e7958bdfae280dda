"""The statutory returns on the statistics pages, for directors and senior managers: the CIN census
to download, and its data-quality report with a link to where each problem is put right."""

import csv
import io
import tempfile
from importlib.metadata import version

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import insert

from dutydesk import permissions
from dutydesk.access import requires
from dutydesk.clock import now_utc, to_london
from dutydesk.extensions import db
from dutydesk.inputs import parse_id
from dutydesk.models import RecordView
from dutydesk.pages import log_list_view
from dutydesk.returns.census import CensusYear, children_in_need, count_children, write_xml
from dutydesk.returns.forms import CensusForm
from dutydesk.returns.quality import quality_report
from dutydesk.statistics import reporting
from dutydesk.statistics.downloads import neutralise

bp = Blueprint("returns", __name__)

PROBLEMS_PER_PAGE = 100


def _form() -> CensusForm:
    return CensusForm(request.args, to_london(now_utc()).date(), current_app.config["LA_CODE"])


@bp.route("/statistics/returns")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def show_returns():
    form = _form()
    is_valid = bool(request.args) and form.validate()
    return render_template("returns/show_returns.html", form=form, is_valid=is_valid)


@bp.route("/statistics/returns/cin-census")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def download_census():
    form = _form()
    if not form.validate():
        return render_template("returns/show_returns.html", form=form, is_valid=False), 200
    year, session = CensusYear(form.year.data), reporting.session()
    if count_children(session, year) == 0:
        form.year.errors = [f"No child was in need in {year.label}: there is no census to download"]
        return render_template("returns/show_returns.html", form=form, is_valid=False), 200
    viewer = _viewer()

    def children():
        """Each child, their calls logged as seen in a list, a batch at a time."""
        seen: list[int] = []
        for child in children_in_need(session, year):
            seen.extend(episode.contact_id for episode in child.episodes)
            if len(seen) >= 1000:
                _log(viewer, seen)
                seen = []
            yield child
        _log(viewer, seen)

    out = tempfile.TemporaryFile()  # the file grows on disk, not in memory; closed once sent
    write_xml(out, children(), year, form.la.data, release=version("dutydesk"), produced_at=now_utc())
    db.session.commit()
    out.seek(0)
    return send_file(out, mimetype="application/xml", as_attachment=True,
                     download_name=f"cin-census-{year.label}-{form.la.data}.xml")


def _viewer() -> dict:
    return {"user_id": current_user.id, "inbox_item_id": None, "path": request.full_path.rstrip("?")[:500],
            "is_list": True}


def _log(viewer: dict, contact_ids: list[int]) -> None:
    """Log the calls of children in an export as seen in a list: every one, since an export is
    read in full (no "seen lately" shortcut, and batches, since it may hold a million)."""
    if contact_ids:
        at = now_utc()
        db.session.execute(insert(RecordView), [{**viewer, "at": at, "contact_id": contact_id}
                                                for contact_id in sorted(set(contact_ids))])


@bp.route("/statistics/returns/quality")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def show_quality():
    form = _form()
    if not form.validate():
        return render_template("returns/show_returns.html", form=form, is_valid=False), 200
    year = CensusYear(form.year.data)
    report = quality_report(reporting.session(), year)
    if request.args.get("format") == "csv":
        return _quality_csv(report)
    pages = max(1, -(-len(report.problems) // PROBLEMS_PER_PAGE))
    number = min(max(parse_id(request.args.get("page")) or 1, 1), pages)
    shown = report.problems[(number - 1) * PROBLEMS_PER_PAGE:number * PROBLEMS_PER_PAGE]
    page = render_template(
        "returns/show_quality.html", form=form, report=report, shown=shown, number=number, pages=pages,
        page_url=lambda n: url_for("returns.show_quality", year=year.year, la=form.la.data, page=n),
        csv_url=url_for("returns.show_quality", year=year.year, la=form.la.data, format="csv"),
        census_url=url_for("returns.download_census", year=year.year, la=form.la.data),
        fix_url=_fix_url)
    shown_children = {problem.child_id for problem in shown}
    log_list_view(contact_ids=report.contacts_of(shown_children))
    return page


def _fix_url(problem) -> str | None:
    """Where the problem is put right, if the signed-in person may go there (a director, who
    changes no record, sees the problem and who puts it right)."""
    view = current_app.view_functions[problem.endpoint]
    if not current_user.has_any_role(view.required_permission):
        return None
    return url_for(problem.endpoint, **dict(problem.values))


def _quality_csv(report):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Child", "Name", "DfE rule", "Problem", "What to do", "Where"])
    for problem in report.problems:
        reference, name = report.children[problem.child_id]
        writer.writerow([reference, neutralise(name), problem.rule, problem.what, problem.fix,
                         url_for(problem.endpoint, _external=True, **dict(problem.values))])
    _log(_viewer(), sorted(report.contact_ids))
    db.session.commit()
    return current_app.response_class(
        text.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=cin-census-{report.year.label}-data-quality.csv"})
