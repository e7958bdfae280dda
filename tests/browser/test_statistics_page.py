"""The director's statistics in chromium: choosing a period, following a number to its children,
downloading CSV and Excel, printing with the chart, and axe-clean at 1200 and 320 CSS pixels."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dutydesk.clock import now_utc, to_london
from dutydesk.extensions import db
from dutydesk.models import Role
from tests.factories import create_user
from tests.statistics.test_rec29 import Case, Need, build

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width


def _workbook(download):
    assert download.suggested_filename.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def _csv(download) -> list[list[str]]:
    assert download.suggested_filename.endswith(".csv")
    return list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))


def test_the_director_chooses_a_period_follows_a_number_downloads_and_prints(page: Page):
    today = to_london(now_utc()).date()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    first = last_month_end.replace(day=1)
    day = f"{first + timedelta(days=1)}"
    later = f"{first + timedelta(days=5)}"
    build([Case("Anna Kouao", f"{day} 10:00", authorised_at=f"{later} 12:00", needs=[Need(None)]),
           Case("Leo Martin", f"{day} 11:00", authorised_at=f"{later} 13:00", requires_service=False),
           Case("Mia Novak", f"{day} 12:00")])
    create_user("dora", (Role.DIRECTOR,), None, display_name="Dora Director")
    db.session.commit()

    page.goto("/login")
    sign_in(page, "dora")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    for label, value in (("Day", first.day), ("Month", first.month), ("Year", first.year)):
        page.get_by_role("group", name="From").get_by_label(label).fill(str(value))
    for label, value in (("Day", last_month_end.day), ("Month", last_month_end.month), ("Year", last_month_end.year)):
        page.get_by_role("group", name="To").get_by_label(label).fill(str(value))
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-caption-l")).to_have_text(
        f"{first:%-d %B %Y} to {last_month_end:%-d %B %Y}, All teams")
    expect(page.locator("#figure-referred")).to_contain_text("3")
    expect(page.locator("#partition")).to_contain_text("1 = 0 + 1")
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page_width(page) <= width, f"the statistics are {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    # On paper: the chart prints, without the form or the download links.
    page.emulate_media(media="print")
    expect(page.locator("svg.dd-chart__svg")).to_be_visible()
    expect(page.locator("#period")).to_be_hidden()
    box = page.locator("svg.dd-chart__svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    printed = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert "Month by month" in printed and f"{first:%b %y}" in printed  # the chart's month on paper
    page.emulate_media(media="screen")

    # Downloads of the Rec 29 table.
    with page.expect_download() as download:
        page.locator("#download-rec29-csv").click()
    rows = _csv(download.value)
    assert ["Children referred", "3", "", ""] in rows
    with page.expect_download() as download:
        page.locator("#download-rec29-xlsx").click()
    sheet = _workbook(download.value).worksheets[0]
    assert ("Children with identified needs yet to be met", 1) in [row[:2] for row in sheet.iter_rows(values_only=True)]

    # A number, followed, lists the children behind it.
    page.locator("#figure-referred").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children referred")
    expect(page.locator("#children tbody tr")).to_have_count(3)
    expect(page.locator("#children")).to_contain_text("Anna Kouao")
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page_width(page) <= width, f"the list is {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    with page.expect_download() as download:
        page.locator("#download-children-csv").click()
    names = {row[1] for row in _csv(download.value)}
    assert {"Anna Kouao", "Leo Martin", "Mia Novak"} <= names
    with page.expect_download() as download:
        page.locator("#download-children-xlsx").click()
    sheet = _workbook(download.value).worksheets[0]
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Anna Kouao", "Leo Martin", "Mia Novak"}
    page.get_by_role("link", name="Back to the statistics").click()
    expect(page.locator(".govuk-caption-l")).to_have_text(
        f"{first:%-d %B %Y} to {last_month_end:%-d %B %Y}, All teams")
