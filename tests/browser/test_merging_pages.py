"""Merging two records of one child and undoing it, through the pages, and the list of likely
duplicates: every page passes axe in chromium at full width and at 320 CSS pixels without
scrolling sideways."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from dutydesk.children.duplicates import find_duplicates
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role, TeamKind
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width

HOME = "Flat 4, 12 Somerset Gardens, London N17 8JX"


def check_both_widths(page: Page, paths: dict[str, str]) -> None:
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for path, heading in paths.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            assert page_width(page) <= width, f"{path} is {page_width(page)}px wide at {width}"
            check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})


def test_a_senior_manager_finds_a_duplicate_merges_it_and_undoes_the_merge(page: Page):
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty and assessment North"), create_team("Duty and assessment South")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    create_user("sara", (Role.SENIOR_MANAGER,), None, display_name="Sara Reid")
    now = now_utc()
    born = date(2018, 11, 2)
    anna = create_contact(now - timedelta(days=3), team=north, by=handler, children=[child_details(
        name="Anna Kouao", date_of_birth=born, approximate_age=None, address=HOME)]).children[0].child
    ana = create_contact(now - timedelta(hours=2), team=south, by=handler, children=[child_details(
        name="Ana Kouao", date_of_birth=born, approximate_age=None,
        address="12 Somerset Gdns, N17 8JX")]).children[0].child
    find_duplicates(now)
    db.session.commit()

    page.goto("/login")
    sign_in(page, "sara")
    record, other = f"/children/{anna.id}", f"/children/{ana.id}"
    check_both_widths(page, {
        "/children/duplicates": "Likely duplicate records",
        f"{record}/merge": "Merge another record into this one",
        f"{record}/merge?record={ana.reference}": f"Merge {ana.reference} into {anna.reference}?",
        f"/children/duplicates/not-the-same?child={anna.id}&other={ana.id}": "are not the same child",
    })

    # The list offers the pair with why; the merge starts from it.
    page.goto("/children/duplicates")
    expect(page.locator("#pairs")).to_contain_text("same date of birth")
    page.get_by_role("link", name=f"Merge {ana.reference} into {anna.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Merge {ana.reference} into {anna.reference}?")
    expect(page.locator("#records")).to_contain_text("12 Somerset Gdns, N17 8JX")
    page.get_by_role("button", name="Merge the records").click()  # no reason: refused, beside the field
    expect(page.get_by_role("alert")).to_contain_text("Say why these are the same child")
    check_accessibility(page)
    page.get_by_label("Why are these the same child?").fill("Same date of birth and home; the school has one pupil")
    page.get_by_role("button", name="Merge the records").click()
    expect(page).to_have_url(record)
    expect(page.get_by_role("table", name="Names")).to_contain_text(f"from {ana.reference}")
    expect(page.locator("#calls-table tbody tr")).to_have_count(2)
    expect(page.locator("#merged-records")).to_contain_text("the school has one pupil")
    check_accessibility(page)

    # The merged record says so, keeps its own history, and the merge is undone from it.
    page.goto(other)
    expect(page.locator("#merged-into")).to_contain_text(f"This record was merged into {anna.reference}")
    page.set_viewport_size({"width": 320, "height": 900})
    assert page_width(page) <= 320
    check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.get_by_role("link", name=f"Undo the merge of {ana.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo the merge")
    check_both_widths(page, {f"{other}/unmerge": "Undo the merge"})
    page.get_by_label("Why was the merge wrong?").fill("Twins: the GP has two girls born that day")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page).to_have_url(other)
    expect(page.get_by_text("The merge is undone")).to_be_visible()
    expect(page.locator("#merged-into")).to_have_count(0)
    expect(page.locator("#record-history")).to_contain_text("Merge into record")
    page.goto(record)
    expect(page.locator("#calls-table tbody tr")).to_have_count(1)
    expect(page.locator("#record-history")).to_contain_text(f"Merge of record {ana.reference} (Ana Kouao) undone")
