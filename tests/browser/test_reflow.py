"""Every page reflows at 320 CSS pixels wide without scrolling sideways (WCAG 1.4.10), its wide
tables scrolling in areas of their own; on a 1920 x 1080 screen the board uses the width and
shows children on the first screen (issue 10)."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.contacts.operations import Flags, ReferrerDetails
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import ObligationKind, Role, TeamKind
from dutydesk.work import operations as work
from tests.factories import child_details, create_contact, create_team, create_user, obligation_of

from .conftest import check_accessibility
from .test_log_call_flow import sign_in

#: Words no narrow screen has room for: a reference, an e-mail address, a name typed without spaces.
LONG_WORD = "CAD-4411-21-TOTTENHAM-HALE-PRIMARY-SAFEGUARDING-REFERRAL-FORM-2026-11"
LONG_EMAIL = "designated.safeguarding.lead.for.the.whole.federation@tottenham-hale-primary.example.org"


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_page_reflows_at_320_css_pixels_with_no_accessibility_violations(page: Page):
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty and assessment North")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    ben = create_user("ben", (Role.DUTY_WORKER,), duty, display_name="Ben Osei")
    duty.manager = create_user("maya", (Role.DUTY_MANAGER,), duty, display_name="Maya Patel")
    create_user("sam", (Role.SENIOR_MANAGER,), display_name="Sam Reid")
    professional = ReferrerDetails(name="Dr Ray", address="Surgery", phone="1", email=LONG_EMAIL, is_professional=True)
    contact = create_contact(now_utc() - timedelta(minutes=90), team=duty, by=handler, referrer=professional,
                             concern=f"Bruising to the face; see {LONG_WORD}.",
                             children=[child_details(name="Leo Martin-Featherstonehaugh-Cholmondeley")],
                             flags=Flags(is_possible_crime=True, is_deliberate_harm_alleged=True))
    child = contact.children[0]
    seen = obligation_of(contact, ObligationKind.CHILD_SEEN)
    work.add_action(contact, title=f"Ask the school for {LONG_WORD}", owner=ben, due_at=now_utc() + timedelta(hours=3),
                    by=ben, now=now_utc(), child=child)
    db.session.commit()
    sweep(now_utc(), send_email=False)  # the hand-offs are overdue: escalations on the board and the list
    db.session.commit()
    name = child.name

    page.set_viewport_size({"width": 320, "height": 640})
    pages = {
        "hannah": {"/calls/mine": "Calls I logged", "/calls/new": "Log a call about a child's safety",
                   f"/calls/{contact.id}/verbal-handoff": "Record the verbal hand-off"},
        "ben": {
            f"/calls/{contact.id}": name,
            f"/calls/{contact.id}/referrer-confirmation": "Record the referrer's written confirmation",
            f"/calls/{contact.id}/police-informed": "Record that the police were informed",
            f"/calls/{contact.id}/children/{child.id}/seen": f"Record {name} seen",
            f"/calls/{contact.id}/obligations/{seen.id}/reason": "Why is this not done yet?",
            "/my-work": "My work", "/queue": duty.name, "/board": duty.name, "/calls/999999": "Page not found",
        },
        "maya": {"/board": duty.name, "/escalations": "Escalations", "/cases/unallocated": "Unallocated cases",
                 "/absences": "Absences"},
        "sam": {"/board": duty.name, "/queue": "You cannot do this"},
    }
    page.goto("/login")
    assert page_width(page) <= 320, f"the sign-in page is {page_width(page)}px wide at 320"
    check_accessibility(page)
    for username, paths in pages.items():
        page.goto("/login")
        sign_in(page, username)
        for path, heading in paths.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            assert page_width(page) <= 320, f"{path} is {page_width(page)}px wide at 320, as {username}"
            check_accessibility(page)
        page.get_by_role("button", name="Sign out").click()

    # A wide table scrolls on its own, and a keyboard reaches its scroll area.
    page.goto("/login")
    sign_in(page, "ben")
    page.goto(f"/calls/{contact.id}")
    clocks = page.get_by_role("region", name="Clocks")
    assert clocks.evaluate("area => area.scrollWidth > area.clientWidth")
    clocks.focus()
    page.keyboard.press("ArrowRight")
    expect(clocks).to_be_focused()
    for _ in range(50):  # the arrow key scrolls smoothly: wait for it to move
        if clocks.evaluate("area => area.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert clocks.evaluate("area => area.scrollLeft") > 0, "the arrow key did not scroll the clocks"


def test_the_board_on_a_1920_by_1080_screen_uses_the_width_and_shows_children_on_the_first_screen(page: Page):
    duty = create_team("Duty and assessment North")
    duty.manager = create_user("maya", (Role.DUTY_MANAGER,), duty, display_name="Maya Patel")
    workers = [create_user(f"worker{n}", (Role.DUTY_WORKER,), duty, display_name=f"Worker {n}") for n in range(6)]
    for n in range(12):  # a busy day: twelve calls whose hand-offs are overdue, each escalated
        create_contact(now_utc() - timedelta(minutes=70 + n), team=duty, put_through_to=workers[n % 6],
                       is_put_through=True, children=[child_details(name=f"Child {n}")])
    db.session.commit()
    sweep(now_utc(), send_email=False)
    db.session.commit()

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/login")
    sign_in(page, "maya")
    page.goto("/board")
    expect(page.locator("#board-escalations tbody tr")).to_have_count(10)
    first_child = page.locator("#board tbody tr").first.get_by_role("link").first
    expect(first_child).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0
    assert page.locator("#board").bounding_box()["width"] > 960
    check_accessibility(page)
