"""A form saved once in the browser, however it is sent again: a double click on its button,
and Back to the form and Save again, where the browser brings back what was typed (issue 10)."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from dutydesk.clock import now_utc
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningDecision, TeamKind
from tests.factories import create_contact, create_team, create_user

from .test_log_call_flow import sign_in


def decisions() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ScreeningDecision))


def test_a_decision_double_clicked_then_sent_again_from_back_is_saved_once(page: Page):
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    contact = create_contact(now_utc() - timedelta(minutes=20), team=north, by=handler)
    calls.accept_handoff(contact, by=worker, now=now_utc() - timedelta(minutes=10))
    db.session.commit()
    call_page = re.compile(f"/calls/{contact.id}$")

    page.goto("/login")
    sign_in(page, "wes")
    page.goto(f"/calls/{contact.id}/children/{contact.children[0].id}/decision")
    page.get_by_label("No further action").check()
    page.get_by_label("Reasons for the decision").fill("Advice given to mother; school to monitor")
    page.get_by_role("button", name="Record the decision").dblclick()
    expect(page).to_have_url(call_page)
    assert decisions() == 1

    # Back to the form, shown again with what was typed, and Save again.
    page.go_back()
    expect(page.get_by_label("Reasons for the decision")).to_have_value("Advice given to mother; school to monitor")
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_url(call_page)
    expect(page.get_by_text(re.compile(r"This was already saved at \d\d:\d\d by you; nothing was recorded twice"))
           ).to_be_visible()
    assert decisions() == 1

    # A new decision is a new form: opened afresh, it saves.
    page.get_by_role("link", name="Record a screening decision").click()
    page.get_by_label("Referral to children's social care").check()
    page.get_by_label("Reasons for the decision").fill("The school rang again: new bruising")
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_url(call_page)
    assert decisions() == 2
