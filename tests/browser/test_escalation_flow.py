"""An overdue hand-off reaches the duty manager's escalations, who acknowledges it (issue 4)."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Escalation, ObligationKind, Role, TeamKind
from dutydesk.rules import EscalationLevel
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_an_overdue_handoff_reaches_the_managers_escalations_and_is_acknowledged(app, page: Page):
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    handler = create_user("hannah", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    north.manager = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    # Received 70 minutes ago: neither hand-off happened within the hour.
    contact = create_contact(now_utc() - timedelta(minutes=70), team=north, by=handler, now=now_utc())
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["sweep"])  # what the scheduler runs every minute
    assert result.exit_code == 0 and "to duty managers" in result.output, result.output
    [overdue] = [e for e in db.session.scalars(db.select(Escalation).where(Escalation.level == EscalationLevel.MANAGER))
                 if e.obligation.kind is ObligationKind.WRITTEN_HANDOFF]
    assert overdue.recipient.username == "maya"
    db.session.rollback()

    page.goto("/login")
    sign_in(page, "maya")
    count = page.locator("#escalations-waiting")
    expect(count).to_be_visible()
    waiting = int(re.match(r"\d+", count.inner_text()).group())
    page.get_by_role("link", name=re.compile(r"^Escalations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalations")
    row = page.locator(f"#escalation-{overdue.id}")
    expect(row).to_contain_text("Overdue: duty manager")
    expect(row).to_contain_text("Written hand-off accepted by the duty team")
    expect(row).to_contain_text(contact.children[0].display_name)
    check_accessibility(page)

    row.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(page.get_by_text("Acknowledged: overdue: duty manager")).to_be_visible()
    if waiting > 1:
        expect(page.locator("#escalations-waiting")).to_contain_text(str(waiting - 1))
    else:
        expect(page.locator("#escalations-waiting")).to_have_count(0)
    expect(page.locator("#acknowledged-table").locator(f"#escalation-{overdue.id}")).to_contain_text("Maya Patel")
    check_accessibility(page)
    db.session.refresh(overdue)
    assert overdue.acknowledged_by.username == "maya"

    page.get_by_role("link", name="Board").click()
    expect(page.locator("#board-escalations").locator(f"#escalation-{overdue.id}")).to_have_count(0)
    check_accessibility(page)
