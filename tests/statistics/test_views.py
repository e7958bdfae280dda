"""The statistics pages as a director and a senior manager use them, on the hand-built April of
test_rec29: the counts shown, each number's children, the list logged as a view of them, the
downloads read back, the period and team chosen, bad dates refused beside their field, and who
may open them."""

import csv
import io
import re
from datetime import date, datetime
from html import unescape

import openpyxl
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.children.queries import list_views
from dutydesk.extensions import db
from dutydesk.models import Child, Obligation, ObligationKind, RecordView, Role, ScreeningOutcome, User
from tests.factories import child_details, create_contact, create_user, sign_in
from tests.statistics.test_rec29 import CASES, build, london

NOW = "2026-05-05 12:00:00"  # AS_AT, a Tuesday, in BST
APRIL = "from=2026-04-01&to=2026-04-30"


@pytest.fixture
def april():
    """Test_rec29's April, a director and a senior manager, and a duty worker; Amira's date of birth known."""
    teams = build(CASES)
    create_user("dora", (Role.DIRECTOR,), None, display_name="Dora Director")
    create_user("sara", (Role.SENIOR_MANAGER,), None, display_name="Sara Reid")
    create_user("wes", (Role.DUTY_WORKER,), teams["north"], display_name="Wes Adebayo")
    amira = _child("Amira Hassan")
    amira.date_of_birth = date(2015, 6, 30)
    db.session.commit()
    return teams


def _child(name: str) -> Child:
    return next(child for child in db.session.scalars(select(Child)) if child.display_name == name)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _figure(html: str, name: str) -> tuple[int, str]:
    """The number shown for a figure (by its link's id) and where it links."""
    match = re.search(rf'<a class="govuk-link" href="([^"]+)" id="figure-{name}">([\d,]+)<', html)
    return int(match.group(2).replace(",", "")), unescape(match.group(1))


def _children_listed(html: str) -> set[str]:
    rows = re.findall(r'<tr class="govuk-table__row" data-child="[^"]+">\s*<td class="govuk-table__cell">\s*(.*?)<br>',
                      html, re.S)
    return {_text(row).split(":")[0].strip() for row in rows}


@freeze_time(NOW)
def test_the_page_shows_the_four_counts_as_at_today_with_the_partition_visibly_true(client, april):
    sign_in(client, "dora")
    html = client.get(f"/statistics?{APRIL}&team=all").get_data(as_text=True)

    assert [_figure(html, name)[0] for name in ("referred", "requiring", "provided", "yet_to_be_met")] == [7, 5, 2, 3]
    assert "Requiring a service = provided + yet to be met: 5 = 2 + 3" in _text(html)
    assert "As at 5 May 2026" in _text(html)
    # Contacts: nine calls received in April London time (Omar's at 23:39 on 31 March is March's,
    # Ella's at 23:50 on 30 April is April's), each referred; Leo referred again within 12 months.
    assert _figure(html, "contacts")[0] == 9 and _figure(html, "contacts_referred")[0] == 9
    assert re.search(r'id="share-contacts_referred">100.0%', html)
    assert _figure(html, "repeat_referred")[0] == 1
    assert re.search(r'id="share-repeat_referred">14.3%', html)  # 1 of 7
    # Timeliness: every screening decision was made 20 minutes after its call; nine were due in April.
    screening = re.search(r'data-kind="screening_decision">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'data-state="met_on_time"><a [^>]+>9<', screening) and "100.0%" in screening
    # The trend: the months of the period (one: so the 12 months up to it), April's figures in it.
    assert len(re.findall(r'<tr class="govuk-table__row" data-month=', html)) == 12
    april_row = _text(re.search(r'data-month="2026-04-01">(.*?)</tr>', html, re.S).group(1))
    assert re.findall(r"(\d+) :", april_row) == ["9", "7", "5", "2", "3"]
    svg = re.search(r"<svg class=\"dd-chart__svg\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=\"trend-chart-title\">" in svg and "<desc id=\"trend-chart-desc\">" in svg
    assert len(re.findall(r"<g data-series=", svg)) == 5


@freeze_time(NOW)
def test_the_director_lands_on_the_statistics_for_this_financial_year_so_far(client, april):
    sign_in(client, "dora")
    response = client.get("/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/statistics"
    assert "being built" not in html
    assert "1 April 2026 to 5 May 2026, All teams" in _text(html)
    assert _figure(html, "referred")[0] == 8  # April's seven and Ella on 1 May
    quick = dict((_text(label).strip(), unescape(href)) for href, label in
                 re.findall(r'<li><a class="govuk-link" href="([^"]+)">([^<]+)</a></li>', html))
    assert quick["Last month"] == "/statistics?from=2026-04-01&to=2026-04-30&team=all"
    assert quick["Last quarter"] == "/statistics?from=2026-01-01&to=2026-03-31&team=all"
    assert quick["Last financial year"] == "/statistics?from=2025-04-01&to=2026-03-31&team=all"
    assert quick["This financial year so far"] == "/statistics?from=2026-04-01&to=2026-05-05&team=all"


@freeze_time(NOW)
def test_a_team_and_a_period_typed_are_chosen(client, april):
    sign_in(client, "sara")
    south = april["south"].id
    html = client.get(f"/statistics?from=1&from=4&from=2026&to=30&to=4&to=2026&team={south}").get_data(as_text=True)
    assert "1 April 2026 to 30 April 2026, Duty South" in _text(html)
    assert [_figure(html, name)[0] for name in ("referred", "requiring", "provided", "yet_to_be_met")] == [1, 1, 0, 1]
    assert re.search(rf'<option value="{south}" selected>Duty South</option>', html)
    html = client.get(f"/statistics?{APRIL}&team={april['north'].id}").get_data(as_text=True)
    assert [_figure(html, name)[0] for name in ("referred", "requiring", "provided", "yet_to_be_met")] == [6, 4, 2, 2]


@freeze_time(NOW)
@pytest.mark.parametrize("query, field, message", [
    ("from=31&from=4&from=2026&to=30&to=4&to=2026", "from", "The first day must be a real date, like 21 11 2026"),
    ("from=1&from=4&from=26&to=30&to=4&to=2026", "from", "Enter the first day with a four-digit year, like 2026"),
    ("from=1&from=5&from=2026&to=30&to=4&to=2026", "to", "The last day must be the same as the first day or after it"),
    ("from=1&from=4&from=2026&to=&to=&to=", "to", "Enter the last day of the period"),
    ("from=1&from=4&from=2026&to=x&to=4&to=2026", "to", "Enter the last day as numbers for day, month and year"),
    (f"{APRIL}&team=999", "team", "Choose a team from the list, or all teams"),
])
def test_a_bad_period_or_team_is_refused_beside_its_field_and_what_was_typed_is_kept(client, april, query, field,
                                                                                      message):
    sign_in(client, "dora")
    html = client.get(f"/statistics?{query}").get_data(as_text=True)
    assert 'class="govuk-error-summary' in html and message in html
    error = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert error and message in _text(error.group(1))
    assert 'id="figure-referred"' not in html  # no figures for a period that is not one
    if "x" in query:
        assert re.search(r'id="to-day" name="to" type="text"[^>]*value="x"', html)


@freeze_time(NOW)
@pytest.mark.parametrize("figure, children", [
    ("referred", {"Leo Martin", "Amira Hassan", "Kai Brown", "Mia Novak", "Noah Price", "Ava Stone", "Zara Ali"}),
    ("requiring", {"Leo Martin", "Amira Hassan", "Kai Brown", "Noah Price", "Ava Stone"}),
    ("provided", {"Leo Martin", "Kai Brown"}),
    ("yet_to_be_met", {"Amira Hassan", "Noah Price", "Ava Stone"}),
    ("repeat_referred", {"Leo Martin"}),
    ("contacts", {"Leo Martin", "Amira Hassan", "Kai Brown", "Mia Novak", "Noah Price", "Ava Stone", "Zara Ali",
                  "Ella Reed"}),
])
def test_each_number_links_to_the_children_behind_it(client, april, figure, children):
    sign_in(client, "dora")
    html = client.get(f"/statistics?{APRIL}&team=all").get_data(as_text=True)
    number, href = _figure(html, figure)
    page = client.get(href).get_data(as_text=True)
    assert _children_listed(page) == children
    assert f"{len(children)} {'child' if len(children) == 1 else 'children'}, as at 5 May 2026" in _text(page)
    if figure != "contacts":
        assert number == len(children)


@freeze_time(NOW)
def test_the_list_shows_each_childs_reference_birth_team_and_what_counts_them_and_is_logged_as_a_view(client, april):
    sign_in(client, "sara")
    html = client.get(f"/statistics?{APRIL}&team=all").get_data(as_text=True)
    page = client.get(_figure(html, "yet_to_be_met")[1]).get_data(as_text=True)
    amira = _child("Amira Hassan")
    row = _text(re.search(rf'data-child="{amira.reference}">(.*?)</tr>', page, re.S).group(1))
    assert amira.reference in row and "Born 30 Jun 2015" in row and "Duty North" in row
    assert "Assessment authorised 27 Apr 2026, of the referral of 3 Apr 2026" in row
    assert f'href="/children/{amira.id}"' in page  # a senior manager may open the record

    sara = db.session.scalar(select(User).where(User.username == "sara"))
    logged = db.session.scalars(select(RecordView).where(RecordView.user_id == sara.id)).all()
    shown = {c.contact_id for name in ("Amira Hassan", "Noah Price", "Ava Stone") for c in _child(name).contact_children}
    assert {view.contact_id for view in logged} == shown and all(view.is_list for view in logged)
    assert all(view.path.startswith("/statistics/children?") for view in logged)
    views = list_views(amira.id)
    assert [(view.user.username, view.is_list) for view in views.views] == [("sara", True)]


@freeze_time(NOW)
def test_the_director_sees_the_children_without_links_to_records_they_may_not_open(client, april):
    sign_in(client, "dora")
    html = client.get(f"/statistics/children?{APRIL}&team=all&figure=referred").get_data(as_text=True)
    assert "/children/" not in re.sub(r'href="/statistics/children[^"]*"', "", html)
    assert "/cases/" not in html and "/calls/" not in html
    assert len(_children_listed(html)) == 7


def _read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _read_xlsx(response):
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data))


@freeze_time(NOW)
def test_the_rec29_timeliness_and_trend_tables_download_as_csv_and_excel(client, april):
    sign_in(client, "dora")
    html = client.get(f"/statistics?{APRIL}&team=all").get_data(as_text=True)
    links = {key: unescape(href) for href, key in
             re.findall(r'<a class="govuk-link" href="([^"]+)" id="download-([\w-]+)"', html)}
    assert set(links) == {f"{t}-{f}" for t in ("rec29", "timeliness", "trend") for f in ("csv", "xlsx")}

    rows = _read_csv(client.get(links["rec29-csv"]))
    assert rows[0] == ["Figure", "Number", "Share (%)", "Share of"]
    figures = {row[0]: row[1:] for row in rows[1:]}
    assert figures["Children referred"][0] == "7"
    assert figures["Children assessed as requiring a service"][0] == "5"
    assert figures["Children provided with the service they require"][:2] == ["2", "40.0"]
    assert figures["Children with identified needs yet to be met"][:2] == ["3", "60.0"]
    assert figures["Contacts that became referrals"][:2] == ["9", "100.0"]

    book = _read_xlsx(client.get(links["rec29-xlsx"]))
    sheet = book.worksheets[0]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Children with identified needs yet to be met"][:2] == (3, 0.6)
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["From"] == datetime(2026, 4, 1) and about["As at (report date)"] == datetime(2026, 5, 5)

    timeliness = _read_csv(client.get(links["timeliness-csv"]))
    screening = next(row for row in timeliness if row[0] == "Screening decision")
    assert screening[1:3] == ["9", "100.0"] and screening[-1] == "9"
    book = _read_xlsx(client.get(links["timeliness-xlsx"]))
    screening = next(row for row in book.worksheets[0].iter_rows(values_only=True) if row[0] == "Screening decision")
    assert screening[1:3] == (9, 1.0)

    trend = _read_csv(client.get(links["trend-csv"]))
    assert trend[-1] == ["2026-04-01", "9", "7", "5", "2", "3"] and len(trend) == 13
    book = _read_xlsx(client.get(links["trend-xlsx"]))
    months = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(month, datetime) for month in months)  # real Excel dates, not text
    assert months[-1] == datetime(2026, 4, 1) and book.worksheets[0]["A13"].number_format == "yyyy-mm-dd"


@freeze_time(NOW)
def test_a_childrens_list_downloads_with_dates_of_birth_as_dates_and_is_logged(client, april):
    sign_in(client, "dora")
    page = client.get(f"/statistics/children?{APRIL}&team=all&figure=yet_to_be_met").get_data(as_text=True)
    links = {key: unescape(href) for href, key in
             re.findall(r'<a class="govuk-link" href="([^"]+)" id="download-children-(\w+)"', page)}
    rows = _read_csv(client.get(links["csv"]))
    assert rows[0] == ["Reference", "Name", "Date of birth", "Expected date of birth", "Team", "Counted for", "Date",
                       "Call"]
    amira = _child("Amira Hassan")
    assert [amira.reference, "Amira Hassan", "2015-06-30", "", "Duty North"] == next(
        row for row in rows if row[1] == "Amira Hassan")[:5]
    assert {row[1] for row in rows[1:]} == {"Amira Hassan", "Noah Price", "Ava Stone"}

    sheet = _read_xlsx(client.get(links["xlsx"])).worksheets[0]
    found = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert found["Amira Hassan"][2] == datetime(2015, 6, 30) and found["Noah Price"][2] is None
    assert found["Amira Hassan"][6] == datetime(2026, 4, 27)  # the assessment's date, a date
    dora = db.session.scalar(select(User).where(User.username == "dora"))
    paths = {view.path.split("?")[0] for view in db.session.scalars(select(RecordView)
                                                                     .where(RecordView.user_id == dora.id))}
    assert paths == {"/statistics/children"}  # the list page; the downloads within ten minutes add none


@freeze_time(NOW)
def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, april):
    north = april["north"]
    worker = db.session.scalar(select(User).where(User.username == "wes"))
    names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1)"]
    contact = create_contact(london("2026-04-15 10:00"), team=north, by=worker,
                             children=[child_details(name=name) for name in names])
    for child in contact.children:
        cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Assess",
                                        by=worker, now=london("2026-04-15 10:20"))
    db.session.commit()
    sign_in(client, "dora")
    rows = _read_csv(client.get(f"/statistics/children/download?{APRIL}&team=all&figure=referred&format=csv"))
    written = {row[1] for row in rows[1:]}
    assert {"'" + name for name in names} <= written
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    sheet = _read_xlsx(client.get(f"/statistics/children/download?{APRIL}&team=all&figure=referred&format=xlsx"))
    cells = [cell for cell in sheet.worksheets[0]["B"]]
    assert {cell.value for cell in cells} >= set(names) and all(cell.data_type == "s" for cell in cells)


@freeze_time(NOW)
def test_only_directors_and_senior_managers_may_open_the_statistics(client, april):
    sign_in(client, "wes")
    for url in (f"/statistics?{APRIL}", f"/statistics/children?{APRIL}&figure=referred",
                f"/statistics/download?{APRIL}&table=rec29&format=csv",
                f"/statistics/children/download?{APRIL}&figure=referred&format=xlsx"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "This page is for a director or senior manager" in response.get_data(as_text=True)
    assert db.session.scalars(select(RecordView)).all() == []
    assert "Statistics" not in client.get("/", follow_redirects=True).get_data(as_text=True).split("<main")[0]
    sign_in(client, "sara")
    assert client.get(f"/statistics?{APRIL}").status_code == 200
    assert 'href="/statistics"' in client.get("/board").get_data(as_text=True)  # in the menu


@freeze_time(NOW)
def test_an_unknown_figure_table_or_format_goes_back_to_the_statistics_for_the_period(client, april):
    sign_in(client, "dora")
    for url in (f"/statistics/children?{APRIL}&figure=nonsense", f"/statistics/children?{APRIL}&figure=clocks",
                f"/statistics/children?{APRIL}&figure=clocks&kind=assessment&state=late",
                f"/statistics/download?{APRIL}&table=rec29&format=pdf", f"/statistics/download?{APRIL}&table=x&format=csv"):
        response = client.get(url)
        assert response.status_code == 302 and response.location == f"/statistics?{APRIL}", url


@freeze_time(NOW)
def test_a_timeliness_number_lists_the_children_of_those_clocks(client, april):
    sign_in(client, "dora")
    html = client.get(f"/statistics?{APRIL}&team=all").get_data(as_text=True)
    screening = re.search(r'data-kind="screening_decision">(.*?)</tr>', html, re.S).group(1)
    href = unescape(re.search(r'data-state="met_on_time"><a class="govuk-link" href="([^"]+)"', screening).group(1))
    page = client.get(href).get_data(as_text=True)
    starts, ends = london("2026-04-01 00:00"), london("2026-05-01 00:00")
    clocks = [o for o in db.session.scalars(select(Obligation).where(Obligation.kind == ObligationKind.SCREENING_DECISION))
              if starts <= o.due_at < ends]
    assert len(clocks) == 9
    assert _children_listed(page) == {clock.child.child.display_name for clock in clocks}
    assert "'Screening decision' due" in _text(page) and ", met " in _text(page)
