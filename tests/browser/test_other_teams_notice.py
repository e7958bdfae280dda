"""R2.5, issue 11: both teams are told. A child with an open case in North; a call about the same child
handed to South. North's duty manager sees the call on the board and opens it; South's worker sees
the notice on the call page and "Also known to" on their board. Every page passes axe at full width
and at 320 CSS pixels without scrolling sideways."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width

HOME = "Flat 4, 12 Somerset Gardens, London N17 8JX"


def check_both_widths(page: Page) -> None:
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page_width(page) <= width, f"{page.url} is {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})


def test_both_teams_are_told_on_the_board_and_the_call_page(page: Page, quick_refresh):
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty and assessment North"), create_team("Duty and assessment South")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Evans")
    now = now_utc()
    first = create_contact(now - timedelta(days=3), team=north, by=handler, children=[child_details(
        name="Anna Kouao", date_of_birth=date(2018, 11, 2), approximate_age=None, address=HOME)])
    calls.accept_handoff(first, by=wes, now=now - timedelta(days=3) + timedelta(minutes=20))
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=wes, now=now - timedelta(days=2))
    referral = cases.get_referral(first.children[0])
    cases.allocate_case(referral, to=wes, by=maya, now=now - timedelta(days=2) + timedelta(hours=1))
    # Today's call, "Ana Kouao", linked to Anna's record by the records check and handed to South.
    later = create_contact(now - timedelta(minutes=30), team=south, by=handler, children=[child_details(
        name="Ana Kouao", address=HOME, record=first.children[0].child)])
    db.session.commit()

    page.goto("/login")
    sign_in(page, "maya")
    page.goto("/board")
    section = page.get_by_role("table", name="Your children in other teams' calls")
    expect(section).to_be_visible()
    row = section.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Call {later.reference}")
    expect(row).to_contain_text("Duty and assessment South")
    expect(row).to_contain_text("allocated to Wes Adebayo")
    check_both_widths(page)

    # Another call about her reaches South: North's board shows it without a reload, and says so.
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    again = create_contact(now_utc() - timedelta(minutes=1), team=south, by=handler, children=[child_details(
        name="Anna Kouao", address=HOME, record=first.children[0].child)])
    db.session.commit()
    expect(row).to_have_count(2)
    expect(row.first).to_contain_text(f"Call {again.reference}")
    expect(page.get_by_role("status")).to_contain_text("2 in other teams' calls")
    assert page.evaluate("window.loadedOnce") is True

    # The call opens from the section.
    page.locator(f"#elsewhere-{later.id}-{later.children[0].id}").click()
    expect(page).to_have_url(f"/calls/{later.id}")
    notice = page.get_by_role("region", name="Known to another team")
    expect(notice).to_contain_text("Ana Kouao is known to Duty and assessment North")
    expect(notice).to_contain_text(f"open case from call {first.reference}")
    expect(notice).to_contain_text("allocated to Wes Adebayo")
    expect(notice).to_contain_text("Both teams are told")
    check_both_widths(page)
    notice.get_by_role("link", name="open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Kouao")
    expect(page.get_by_role("region", name="Known to another team")).to_contain_text(f"call {later.reference}")
    check_both_widths(page)

    # South's worker: the notice on their call, and the row on their board says who else knows the child.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "tom")
    page.goto(f"/calls/{later.id}")
    expect(page.get_by_role("region", name="Known to another team")).to_contain_text(
        "Duty and assessment North: open case")
    check_both_widths(page)
    page.goto("/board")
    expect(page.locator(f'[data-known-to="{later.id}-{later.children[0].id}"]')).to_have_text(
        "Also known to Duty and assessment North")
    check_both_widths(page)
