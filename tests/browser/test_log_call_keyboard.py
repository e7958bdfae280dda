"""A call handler working fast with the keyboard."""

from playwright.sync_api import Page, expect

from dutydesk.extensions import db
from dutydesk.models import Role, TeamKind
from tests.factories import create_team, create_user

from .test_log_call_flow import sign_in


def test_enter_in_a_field_tries_to_save_the_call_rather_than_add_a_child(page: Page):
    create_user("amira", (Role.CALL_HANDLER,), create_team("Contact Centre", TeamKind.CONTACT_CENTRE))
    create_team("North Duty")
    db.session.commit()
    page.goto("/login")
    sign_in(page, "amira")
    page.goto("/calls/new")
    name = page.get_by_label("Full name")
    name.fill("Leo Martin")
    name.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Enter the child's address")
    expect(page.get_by_role("heading", name="Child 2")).to_have_count(0)
    expect(page.get_by_label("Full name")).to_have_value("Leo Martin")


def test_the_first_tab_stop_after_the_navigation_is_the_childs_name(page: Page):
    create_user("amira", (Role.CALL_HANDLER,), create_team("Contact Centre", TeamKind.CONTACT_CENTRE))
    db.session.commit()
    page.goto("/login")
    sign_in(page, "amira")
    page.goto("/calls/new")
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Full name")).to_be_focused()
