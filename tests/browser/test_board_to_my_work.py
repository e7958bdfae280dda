"""R19 and R55 end to end in chromium: a duty manager watches a call arrive on the live board,
refers the child, allocates the case, and the worker finds it on their own "My work"."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_a_manager_sees_a_call_arrive_allocates_it_and_the_worker_finds_it_on_my_work(page: Page, quick_refresh):
    north = create_team("Duty West")
    create_user("mia", (Role.DUTY_MANAGER,), north, display_name="Mia Khan")
    create_user("ben", (Role.DUTY_WORKER,), north, display_name="Ben Osei")
    db.session.commit()

    page.goto("/")
    sign_in(page, "mia")
    expect(page).to_have_url("/board")  # a duty manager starts on the board
    expect(page.get_by_role("table", name="0 children or calls with open work")).to_be_visible()

    create_contact(now_utc() - timedelta(minutes=3), team=north, children=[child_details(name="Leo Martin")])
    db.session.commit()
    row = page.get_by_role("row").filter(has_text="Leo Martin")
    expect(row).to_contain_text("Due soon")  # arrived without a reload
    check_accessibility(page)

    row.get_by_role("link", name="Leo Martin").click()
    page.get_by_role("link", name="Record a screening decision for Leo Martin").click()
    page.get_by_label("Referral to children's social care").check()
    page.get_by_label("Reasons for the decision").fill("Third call about bruising this term.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("link", name="Open the case of Leo Martin").click()
    page.get_by_role("link", name="Allocate the case of Leo Martin").click()
    page.get_by_label("Who will work the case?").select_option(label="Ben Osei")
    page.get_by_role("button", name="Allocate the case").click()
    expect(page.locator("#allocation")).to_contain_text("Allocated to Ben Osei")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "ben")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    main = page.get_by_role("main")
    expect(main.get_by_role("row").filter(has_text="Assessment completed")).to_contain_text("Leo Martin")
    expect(main).to_contain_text("Leo Martin")
    check_accessibility(page)
