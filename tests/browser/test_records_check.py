"""R2.5 in chromium: a call about a child known under another spelling is linked to her record while
the call is taken, as the call handler types (htmx), and again with no browser script at all."""

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Contact, RecordsCheck, Role, ScreeningOutcome, TeamKind
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import group, sign_in
from .test_reflow import page_width


def anna_known_to_north():
    """Anna Kouao, born 2 Nov 2018, of Flat 4, 12 Somerset Gardens, with a case open in Duty North."""
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty North"), create_team("Duty South")
    create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("sol", (Role.DUTY_WORKER,), south, display_name="Sol Grant")
    create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    now = now_utc()
    first = create_contact(now - timedelta(days=3), team=north, children=[child_details(
        name="Anna Kouao", date_of_birth=date(2018, 11, 2), approximate_age=None,
        address="Flat 4, 12 Somerset Gardens, London N17 8JX")])
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=now - timedelta(days=2))
    db.session.commit()
    return first.children[0].child


def type_the_child(page: Page) -> None:
    page.get_by_label("Full name").fill("Ana Kouao")
    for part, value in (("Day", "2"), ("Month", "11"), ("Year", "2018")):
        group(page, "Date of birth").get_by_label(part).fill(value)
    page.get_by_label("Address", exact=True).fill("12 Somerset Gdns, N17 8JX")


def type_the_rest_and_hand_to_south(page: Page) -> None:
    page.get_by_label("What is the concern?").fill("Childminder worried: Ana arrives hungry.")
    page.get_by_label("Referrer's name").fill("Priscilla Cameron")
    page.get_by_label("Referrer's address").fill("3 Somerset Road, London N17")
    page.get_by_label("Referrer's phone number").fill("020 8800 0077")
    group(page, "Is the referrer a professional?").get_by_label("No", exact=True).check()
    page.get_by_label("Duty team").select_option(label="Duty South")
    group(page, "Was the call put through to the duty team at once?").get_by_label("No", exact=True).check()


def offered(page: Page):
    return page.locator("#records-check-0")


def test_a_call_about_ana_is_linked_to_anna_as_the_call_handler_types(page: Page):
    anna = anna_known_to_north()
    page.goto("/login")
    sign_in(page, "hannah")
    page.goto("/calls/new")
    expect(offered(page)).to_contain_text("As you type the child's name")

    type_the_child(page)
    expect(offered(page)).to_contain_text(f"Anna Kouao, {anna.reference}")
    expect(offered(page)).to_contain_text("Likely the same child")
    expect(offered(page)).to_contain_text("same date of birth")
    expect(offered(page)).to_contain_text("Open work in Duty North")
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page_width(page) <= width, f"the call form is {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    offered(page).get_by_role("radio", name=re.compile("^Anna Kouao")).check()
    type_the_rest_and_hand_to_south(page)
    expect(offered(page).get_by_role("radio", name=re.compile("^Anna Kouao"))).to_be_checked()
    page.get_by_role("button", name="Save and start the clocks").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Kouao")
    expect(page.get_by_text(re.compile(f"^Linked to {anna.reference}, matched on .*same date of birth"))).to_be_visible()
    expect(page.get_by_text(re.compile("^by Hannah Cole, "))).to_be_visible()
    contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()))
    assert contact.team.name == "Duty South" and contact.children[0].child_id == anna.id
    # Both teams are told: the call says North knows her, and North's board shows South's call.
    expect(page.get_by_text("Known to another team")).to_be_visible()
    check_accessibility(page)
    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "maya")
    page.goto("/board")
    expect(page.locator("#elsewhere-area")).to_contain_text("Your children in other teams' calls")
    expect(page.locator("#elsewhere-area").locator(f'a[href="/calls/{contact.id}"]')).to_contain_text("Ana Kouao")
    check_accessibility(page)


def test_without_a_script_check_records_offers_anna_and_the_call_is_linked(browser, live_server):
    anna = anna_known_to_north()
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        sign_in(page, "hannah")
        page.goto("/calls/new")
        type_the_child(page)
        type_the_rest_and_hand_to_south(page)
        expect(offered(page)).not_to_contain_text("Anna Kouao")  # nothing asks without a script

        page.get_by_role("button", name="Check records").click()
        expect(offered(page)).to_contain_text(f"Anna Kouao, {anna.reference}")
        expect(offered(page)).to_contain_text("same date of birth")
        assert page.url.endswith("#records-check-0")
        # Nothing typed was lost, nothing saved.
        expect(page.get_by_label("Full name")).to_have_value("Ana Kouao")
        expect(page.get_by_label("What is the concern?")).to_have_value("Childminder worried: Ana arrives hungry.")
        expect(page.get_by_label("Duty team").locator("option:checked")).to_have_text("Duty South")
        assert db.session.scalar(select(RecordsCheck)) is None

        # Saved unanswered, the call is refused beside the row; Anna is chosen, and it is saved.
        page.get_by_role("button", name="Save and start the clocks").click()
        expect(offered(page)).to_contain_text("dutydesk already knows a child who may be this one")
        offered(page).get_by_role("radio", name=re.compile("^Anna Kouao")).check()
        page.get_by_role("button", name="Save and start the clocks").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Ana Kouao")
        expect(page.get_by_text(re.compile(f"^Linked to {anna.reference}"))).to_be_visible()
    finally:
        context.close()
    db.session.expire_all()
    assert db.session.scalar(select(RecordsCheck)).child_id == anna.id
