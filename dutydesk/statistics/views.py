"""The director's and senior managers' statistics: Rec 29 for a period and team, with contacts,
repeat referrals, timeliness and the month-by-month trend; the children behind every figure;
each table as CSV or Excel; and Ofsted's Annex A for a period. Everything here reads through the
reporting session."""

import tempfile
from collections.abc import Iterable, Iterator

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from dutydesk import permissions
from dutydesk.access import requires
from dutydesk.clock import now_utc, to_london
from dutydesk.inputs import parse_id
from dutydesk.models import ObligationKind
from dutydesk.pages import log_list_view
from dutydesk.returns import annex_a
from dutydesk.statistics import chart, queries, reporting
from dutydesk.statistics.downloads import XLSX_TYPE, Share, Table, respond
from dutydesk.statistics.forms import ALL_TEAMS, DatesForm, PeriodForm, quick_periods
from dutydesk.statistics.rec29 import Measure, Period

bp = Blueprint("statistics", __name__)

FORMATS = ("csv", "xlsx")
TABLES = ("rec29", "timeliness", "trend")
#: The prefix of the Annex A form's fields, beside the statistics' own: ?annex-from=...&annex-to=...
ANNEX_A = "annex"
#: A download naming many children logs them this many calls at a time.
LOG_BATCH = 500


class Chosen:
    """The period, team and report date a request asks for, read once; `form` has any errors."""

    def __init__(self):
        self.session = reporting.session()
        self.teams = queries.list_teams(self.session)
        self.as_at = to_london(now_utc()).date()
        self.form = PeriodForm(request.args, self.teams, self.as_at)
        self.is_valid = self.form.validate()
        self.period = (Period(self.form.first.data, self.form.last.data, self.form.team_id)
                       if self.is_valid else None)

    @property
    def team_name(self) -> str:
        if self.period is None or self.period.team_id is None:
            return "All teams"
        return next(team.name for team in self.teams if team.id == self.period.team_id)

    @property
    def title(self) -> str:
        return f"{self.period.first:%-d %B %Y} to {self.period.last:%-d %B %Y}, {self.team_name}"

    def args(self, period: Period | None = None, **more) -> dict:
        """The query string naming a period (this one by default), for links."""
        period = period or self.period
        return {"from": period.first.isoformat(), "to": period.last.isoformat(),
                "team": ALL_TEAMS if period.team_id is None else period.team_id, **more}

    def about(self) -> list[tuple[str, object]]:
        """What a download's figures are, for its "About" sheet."""
        return [("From", self.period.first), ("To", self.period.last), ("Team", self.team_name),
                ("As at (report date)", self.as_at), ("Produced", f"{to_london(now_utc()):%-d %B %Y %H:%M}")]

    def filename(self, name: str) -> str:
        team = "all-teams" if self.period.team_id is None else f"team-{self.period.team_id}"
        return f"{name}-{self.period.first.isoformat()}-to-{self.period.last.isoformat()}-{team}"


def _back_to_statistics():
    """A figure, table or format that is none of the page's: back to the statistics, same period."""
    return redirect(url_for("statistics.show_statistics", **{key: request.args.getlist(key)
                                                                 for key in ("from", "to", "team")}))


def _figure_url(chosen: Chosen, measure: Measure, period: Period | None = None, **more) -> str:
    return url_for("statistics.list_children", **chosen.args(period, figure=measure.value, **more))


def _invalid(chosen: Chosen):
    return _page(chosen, _annex_form(chosen))


def _annex_form(chosen: Chosen) -> DatesForm:
    """The Annex A form: the period its fields name, else the statistics' period shown."""
    form = DatesForm(request.args, chosen.as_at, prefix=ANNEX_A)
    if not form.is_asked and chosen.is_valid:
        form.first.data, form.last.data = chosen.period.first, chosen.period.last
    return form


def _quick_links(chosen: Chosen) -> list[tuple[str, str]]:
    team = chosen.form.team_id if chosen.form.team.data in {v for v, _ in chosen.form.team.choices} else None
    return [(quick.label, url_for("statistics.show_statistics", **{
        "from": quick.first.isoformat(), "to": quick.last.isoformat(), "team": team or ALL_TEAMS}))
        for quick in quick_periods(chosen.as_at)]


@bp.route("/statistics")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def show_statistics():
    chosen = Chosen()
    return _page(chosen, _annex_form(chosen))


def _page(chosen: Chosen, annex_form: DatesForm):
    """The statistics for the period chosen (or only the form, saying what is wrong with it), with
    the Annex A form."""
    common = {"chosen": chosen, "form": chosen.form, "quick": _quick_links(chosen), "annex_form": annex_form}
    if not chosen.is_valid:
        return render_template("statistics/show_statistics.html", **common), 200
    report = queries.get_report(chosen.session, chosen.period, chosen.as_at)
    trend = queries.list_trend(chosen.session, chosen.period, chosen.as_at)
    return render_template(
        "statistics/show_statistics.html", **common,
        report=report, trend=trend, trend_chart=_trend_chart(trend, chosen), series=_trend_series(trend),
        states=queries.CLOCK_STATES, Measure=Measure, chart_swatch=chart.legend_swatch,
        figure_url=lambda measure, period=None, **more: _figure_url(chosen, measure, period, **more),
        download_url=lambda table, file_format: url_for("statistics.download", **chosen.args(
            table=table, format=file_format)))


def _trend_series(trend: list[queries.Month]) -> list[chart.Series]:
    values = {
        "contacts": ("Contacts (calls)", [m.counts.contacts for m in trend]),
        "referred": ("Children referred", [m.counts.referred for m in trend]),
        "requiring": ("Assessed as requiring a service", [m.counts.requiring for m in trend]),
        "provided": ("Provided with the service", [m.counts.provided for m in trend]),
        "yet_to_be_met": ("Needs yet to be met", [m.counts.yet_to_be_met for m in trend]),
    }
    return [chart.Series(key, label, numbers, *chart.STYLES[key]) for key, (label, numbers) in values.items()]


def _trend_chart(trend: list[queries.Month], chosen: Chosen):
    first, last = trend[0].period.first, trend[-1].period.last
    series = _trend_series(trend)
    description = (f"Line chart of {', '.join(s.label.lower() for s in series)}, for each month from "
                   f"{first:%B %Y} to {last:%B %Y}, {chosen.team_name}. "
                   "The same figures are in the table after the chart.")
    return chart.line_chart("trend-chart", "Month by month: contacts and Rec 29's counts", description,
                            [f"{m.period.first:%b %y}" for m in trend], series)


# --- the tables, as the page and the downloads show them --------------------------------------------


def _rec29_table(chosen: Chosen, report: queries.Report) -> Table:
    counts = report.counts
    return Table("Rec 29", f"Rec 29 and contacts, {chosen.title}, as at {chosen.as_at:%-d %B %Y}",
                 ["Figure", "Number", "Share (%)", "Share of"], [
                     ["Children referred", counts.referred, None, None],
                     ["Children assessed as requiring a service", counts.requiring, None, None],
                     ["Children provided with the service they require", counts.provided,
                      Share(counts.provided / counts.requiring if counts.requiring else None), "requiring a service"],
                     ["Children with identified needs yet to be met", counts.yet_to_be_met,
                      Share(counts.yet_to_be_met / counts.requiring if counts.requiring else None),
                      "requiring a service"],
                     ["Contacts (calls received)", counts.contacts, None, None],
                     ["Contacts that became referrals", counts.contacts_referred, Share(counts.referral_share),
                      "contacts"],
                     ["Children referred again within 12 months", report.repeat_referred,
                      Share(report.repeat_share), "children referred"],
                 ], chosen.about())


def _timeliness_table(chosen: Chosen, report: queries.Report) -> Table:
    columns = ["Clock"]
    for label in queries.CLOCK_STATES.values():
        columns += [label, f"{label} (%)"]
    rows = []
    for row in report.timeliness:
        cells = [row.kind.label]
        for state, number in zip(queries.CLOCK_STATES, (row.met_on_time, row.met_late, row.open, row.withdrawn)):
            cells += [number, Share(row.share(state))]
        rows.append(cells + [row.total])
    return Table("Timeliness", f"Timeliness of every clock due {chosen.title}", columns + ["Total"], rows,
                 chosen.about())


def _trend_table(chosen: Chosen, trend: list[queries.Month]) -> Table:
    return Table("Trend", f"Month by month, {chosen.team_name}, as at {chosen.as_at:%-d %B %Y}",
                 ["Month", "Contacts", "Children referred", "Assessed as requiring a service",
                  "Provided with the service", "Needs yet to be met"],
                 [[m.period.first, m.counts.contacts, m.counts.referred, m.counts.requiring, m.counts.provided,
                   m.counts.yet_to_be_met] for m in trend],
                 chosen.about() + [("Months", f"{trend[0].period.first:%B %Y} to {trend[-1].period.last:%B %Y}")])


@bp.route("/statistics/download")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def download():
    """One of the page's tables as CSV or Excel: ?table=rec29|timeliness|trend&format=csv|xlsx."""
    table, file_format = request.args.get("table"), request.args.get("format")
    if table not in TABLES or file_format not in FORMATS:
        return _back_to_statistics()
    chosen = Chosen()
    if not chosen.is_valid:
        return _invalid(chosen)
    if table == "trend":
        made = _trend_table(chosen, queries.list_trend(chosen.session, chosen.period, chosen.as_at))
    else:
        report = queries.get_report(chosen.session, chosen.period, chosen.as_at)
        made = _rec29_table(chosen, report) if table == "rec29" else _timeliness_table(chosen, report)
    return respond(made, file_format, chosen.filename(table))


# --- the children behind a figure -------------------------------------------------------------------


def _figure() -> queries.Figure | None:
    """The figure the query string names (?figure=...; a clock's also &kind=...&state=...), or None."""
    try:
        measure = Measure(request.args.get("figure", ""))
    except ValueError:
        return None
    if measure is not Measure.CLOCKS:
        return queries.Figure(measure)
    kind = next((k for k in ObligationKind if k.value == request.args.get("kind")), None)
    state = next((s for s in queries.CLOCK_STATES if s.name.lower() == request.args.get("state")), None)
    return queries.Figure(measure, kind, state) if kind and state else None


def _figure_args(figure: queries.Figure) -> dict:
    args = {"figure": figure.measure.value}
    if figure.measure is Measure.CLOCKS:
        args.update(kind=figure.kind.value, state=figure.state.name.lower())
    return args


@bp.route("/statistics/children")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def list_children():
    """The children behind one figure, each with what counts them; logged as a list view of them."""
    figure = _figure()
    if figure is None:
        return _back_to_statistics()
    chosen = Chosen()
    if not chosen.is_valid:
        return _invalid(chosen)
    found = queries.list_children_behind(chosen.session, figure, chosen.period, chosen.as_at,
                                         parse_id(request.args.get("page")) or 1)
    args = chosen.args(**_figure_args(figure))
    page = render_template(
        "statistics/list_children.html", chosen=chosen, figure=figure, found=found,
        back_url=url_for("statistics.show_statistics", **chosen.args()),
        page_url=lambda number: url_for("statistics.list_children", **args, page=number),
        download_url=lambda file_format: url_for("statistics.download_children", **args, format=file_format))
    log_list_view(contact_ids=found.contact_ids)
    return page


@bp.route("/statistics/children/download")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def download_children():
    """Every child behind a figure as CSV or Excel, one row for each thing that counts them; logged
    as a list view of them all."""
    figure, file_format = _figure(), request.args.get("format")
    if figure is None or file_format not in FORMATS:
        return _back_to_statistics()
    chosen = Chosen()
    if not chosen.is_valid:
        return _invalid(chosen)
    found = queries.list_children_behind(chosen.session, figure, chosen.period, chosen.as_at, None)
    table = Table("Children", f"{figure.label}, {chosen.title}",
                  ["Reference", "Name", "Date of birth", "Expected date of birth", "Team", "Counted for",
                   "Date", "Call"],
                  [[behind.child.reference, behind.child.display_name, behind.child.date_of_birth,
                    behind.child.expected_date_of_birth, reason.team, reason.what, reason.on,
                    reason.contact_reference]
                   for behind in found.children for reason in behind.reasons],
                  chosen.about() + [("Figure", figure.label), ("Children", str(found.total))])
    response = respond(table, file_format, chosen.filename(figure.measure.value))
    log_list_view(contact_ids=found.contact_ids)
    return response


# --- Ofsted's Annex A -------------------------------------------------------------------------------


@bp.route("/statistics/annex-a")
@requires(permissions.VIEW_STATISTICS, no_record=True)
def download_annex_a():
    """Ofsted's Annex A for the period the form names (?annex-from=...&annex-to=...), as an Excel
    workbook written to a temporary file and sent from it; logged as a list view of every child in
    it. A period that is not one comes back on the statistics page, the reason beside its field."""
    chosen = Chosen()
    form = _annex_form(chosen)
    if not form.validate():
        return _page(chosen, form)
    period = Period(form.first.data, form.last.data)
    workbook = tempfile.TemporaryFile()
    try:
        summary = annex_a.write_workbook(chosen.session, period, workbook)
        for contact_ids in _batches(summary.contact_ids, LOG_BATCH):
            log_list_view(contact_ids=contact_ids)
        workbook.seek(0)
    except BaseException:
        workbook.close()
        raise
    response = send_file(workbook, mimetype=XLSX_TYPE, as_attachment=True, etag=False,
                         download_name=f"annex-a-{period.first.isoformat()}-to-{period.last.isoformat()}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch = []
    for number in ids:
        batch.append(number)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
