"""A child's chronology prints on A4 with the child named at the top of every sheet, and the page
passes axe on a phone-sized screen and on a desktop."""

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dutydesk.extensions import db
from dutydesk.work import operations as work
from tests.children.conftest import live_through_everything, people_and_teams, t

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width

#: A4 in PDF points (1/72 inch): 210 x 297 mm.
A4 = (595, 842)


def leo_with_a_long_history():
    """Leo's day, and forty more actions added and done by South over the next week: several sheets."""
    people, teams = people_and_teams()
    story = live_through_everything(people, teams)
    for n in range(40):
        day = f"2026-11-{24 + n // 10}"
        action = work.add_action(story.contact, title=f"Check-in call number {n + 1} with the family",
                                 owner=people["sol"], due_at=t("17:00", day), by=people["sol"],
                                 now=t(f"09:{n % 10:02d}", day), child=story.leo)
        work.complete_action(action, by=people["sol"], now=t(f"10:{n % 10:02d}", day), note="Spoke to mother")
    db.session.commit()
    return story


def test_the_chronology_prints_on_a4_with_the_child_named_on_every_sheet(page: Page):
    story = leo_with_a_long_history()
    url = f"/calls/{story.contact.id}/children/{story.leo.id}/chronology"
    page.goto("/login")
    sign_in(page, "ben")
    page.goto(url)
    rows = page.locator("table.dd-chronology tbody tr")
    expect(rows).to_have_count(21 + 80)
    expect(page.locator("tr.dd-print-only")).to_be_hidden()  # the running head is for paper

    page.emulate_media(media="print")
    for hidden in (".govuk-header", ".govuk-service-navigation", ".dd-user-bar", ".govuk-back-link", "#filter",
                   ".govuk-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    for button in page.locator(".govuk-button").all():
        expect(button).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    expect(rows.first).to_be_visible()
    expect(rows.last).to_be_visible()
    expect(page.locator("tr.dd-print-only")).to_be_visible()
    link = page.locator("table.dd-chronology a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after in ("none", "normal"), f"a link prints its address after it: {after}"  # links read as text

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    sheets = [sheet.extract_text() for sheet in pdf.pages]
    assert len(sheets) >= 3
    for number, (sheet, text) in enumerate(zip(pdf.pages, sheets), start=1):
        width, height = (float(side) for side in sheet.mediabox[2:])
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, (width, height)
        assert "Leo Martin" in text and "Born 27 Mar 2019" in text and f"Call {story.contact.reference}" in text, (
            f"sheet {number} does not name the child at its top:\n{text[:300]}")
        assert f"Page {number} of {len(sheets)}" in text
        assert "Log a call" not in text and "Sign out" not in text and "Show these events" not in text
    everything = "\n".join(sheets)
    assert "Duty South accepted the transfer from Duty North" in everything
    assert "Check-in call number 40" in everything
    assert "/calls/" not in everything  # no link's address printed


def test_the_chronology_page_has_no_accessibility_violations_at_320_pixels_and_on_a_desktop(page: Page):
    people, teams = people_and_teams()
    story = live_through_everything(people, teams)
    url = f"/calls/{story.contact.id}/children/{story.leo.id}/chronology"
    page.goto("/login")
    sign_in(page, "ben")
    for width, height in ((320, 640), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
        assert page_width(page) <= width, f"the chronology is {page_width(page)}px wide at {width}"
        check_accessibility(page)
    page.get_by_label("Escalation").check()
    page.get_by_label("Transfer between teams").check()
    page.get_by_role("button", name="Show these events").click()
    expect(page.locator("table.dd-chronology tbody tr")).to_have_count(5)
    expect(page.get_by_label("Escalation")).to_be_checked()
    check_accessibility(page)
