"""A senior manager prepares the CIN census in chromium: from the statistics to the statutory
returns, checks the data quality, downloads the census and follows a problem to where it is put
right; each page axe-clean."""

from datetime import date
from pathlib import Path

from lxml import etree
from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc, to_london
from dutydesk.extensions import db
from dutydesk.models import Role
from dutydesk.returns.census import CensusYear
from dutydesk.rules import financial_year_start
from tests.factories import create_user
from tests.returns.builders import SCHEMA, referred

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_a_senior_manager_checks_the_census_data_quality_downloads_it_and_puts_a_problem_right(page: Page):
    today = to_london(now_utc()).date()
    year = CensusYear(financial_year_start(today).year)
    from dutydesk.models import TeamKind
    from tests.factories import create_team

    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    people = {"team": north, "handler": create_user("handler", (Role.CALL_HANDLER,), centre),
              "worker": create_user("worker", (Role.DUTY_WORKER,), north)}
    when = f"{max(year.first, today.replace(day=1))} 10:00"
    referred(people, "Leo Martin", when, date_of_birth=date(2015, 5, 4), upn="Z309400419001")
    referred(people, "Amira Hassan", when, date_of_birth=date(2012, 3, 1), ethnicity=None, upn="K309400411017")
    create_user("simon", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    db.session.commit()

    page.goto("/login")
    sign_in(page, "simon")
    page.goto("/statistics")
    page.get_by_role("link", name="Statutory returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    check_accessibility(page)
    page.get_by_label("Collection year").select_option(str(year.year))
    page.get_by_label("Local authority code").fill("30")
    page.get_by_role("button", name="Check the data quality").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("three-digit DfE code")
    expect(page.get_by_label("Local authority code")).to_have_value("30")
    page.get_by_label("Local authority code").fill("309")
    page.get_by_role("button", name="Check the data quality").click()
    expect(page.locator("#quality-summary")).to_contain_text("1 problem in the records of 1 child")
    row = page.locator("#problems tr[data-rule='4220']")
    expect(row).to_contain_text("Amira Hassan")
    check_accessibility(page)

    with page.expect_download() as download:
        page.locator("#download-census").click()
    file = download.value
    assert file.suggested_filename == f"cin-census-{year.label}-309.xml"
    document = etree.fromstring(Path(file.path()).read_bytes())
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    assert len(document.find("Children")) == 2

    row.get_by_role("link", name="Put it right").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the details")
    page.get_by_label("Ethnicity").select_option("AOTH")
    page.get_by_role("button", name="Save the details").click()
    page.goto(f"/statistics/returns/quality?year={year.year}&la=309")
    expect(page.locator("#quality-summary")).to_contain_text("No record lacks anything the census needs")
    check_accessibility(page)
