"""The live board in chromium: a new call appears without a reload, keeping the keyboard focus
where it was and telling a screen reader politely what changed."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_a_new_call_appears_on_the_board_without_a_reload_and_the_focus_stays_put(page: Page, quick_refresh):
    duty = create_team("Duty East")
    create_user("mgr", (Role.DUTY_MANAGER,), duty, display_name="Maya Patel")
    create_contact(now_utc() - timedelta(minutes=70), team=duty, children=[child_details(name="Ava Late")])
    db.session.commit()

    page.goto("/board")
    sign_in(page, "mgr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duty East")
    board = page.get_by_role("table", name="1 child or call with open work")
    expect(board.get_by_role("row").filter(has_text="Ava Late")).to_contain_text("Overdue")
    check_accessibility(page)

    sort_by_child = page.locator("#sort-child")
    sort_by_child.focus()
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    create_contact(now_utc() - timedelta(minutes=2), team=duty, children=[child_details(name="Ben New")])
    db.session.commit()

    new_row = page.get_by_role("table", name="2 children or calls with open work").get_by_role("row") \
        .filter(has_text="Ben New")
    expect(new_row).to_contain_text("Due soon")
    assert page.evaluate("window.loadedOnce") is True
    assert page.evaluate("document.activeElement.id") == "sort-child"
    items = page.locator("#board li[data-obligation]")
    shown = {state: items.filter(has=page.locator(".govuk-tag", has_text=state)).count()
             for state in ("Overdue", "Due soon")}
    expect(page.get_by_role("status")).to_have_text(
        f"Board updated: {items.count()} open: {shown['Overdue']} overdue, {shown['Due soon']} due soon")
    assert shown["Overdue"] >= 1 and shown["Due soon"] >= 1
    check_accessibility(page)
