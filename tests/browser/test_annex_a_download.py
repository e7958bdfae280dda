"""Ofsted's Annex A from the statistics page in chromium: a period typed the wrong way round is
refused beside its field, then the workbook downloads with its five lists; axe-clean at 1200 and
320 CSS pixels, with the refusal showing and without."""

import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from dutydesk.extensions import db
from dutydesk.models import Role
from tests.factories import create_user
from tests.returns.test_annex_a import HEADINGS, build

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width


def _fill(page: Page, legend: str, day: date) -> None:
    group = page.locator("#annex-a").get_by_role("group", name=legend, exact=True)
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(label).fill(str(value))


def _accessible_at_1200_and_320(page: Page) -> None:
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page_width(page) <= width, f"the statistics are {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})


def test_the_director_downloads_annex_a_after_correcting_the_period(page: Page):
    world = build()
    create_user("dora", (Role.DIRECTOR,), None, display_name="Dora Director")
    db.session.commit()

    page.goto("/login")
    sign_in(page, "dora")
    expect(page.get_by_role("heading", name="Ofsted's Annex A")).to_be_visible()
    _accessible_at_1200_and_320(page)

    _fill(page, "First day", date(2026, 6, 30))
    _fill(page, "Last day", date(2026, 4, 1))
    page.get_by_role("button", name="Download Annex A (Excel)").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The last day must be the same as the first day or after it")
    expect(page.locator("#annex-to-error")).to_contain_text("The last day must be the same as the first day or after it")
    expect(page).to_have_title(re.compile(r"^Error: Statistics – "))
    _accessible_at_1200_and_320(page)

    _fill(page, "First day", date(2026, 4, 1))
    _fill(page, "Last day", date(2026, 6, 30))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Annex A (Excel)").click()
    assert download.value.suggested_filename == "annex-a-2026-04-01-to-2026-06-30.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == list(HEADINGS)
    assert [cell.value for cell in book["List 5"][1]] == HEADINGS["List 5"]
    (leo,) = book["List 5"].iter_rows(min_row=2, values_only=True)
    assert leo[:2] == (world.leo.reference, "a) Male") and leo[6] == datetime(2026, 4, 16)
