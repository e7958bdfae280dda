"""The notices' e-mails, received by a real SMTP server: a monthly report made goes to each senior
manager and director, a quarter without a file audit to each senior manager, once each, with the
month or quarter, a count and links; never a child's name nor anything typed about a child."""

from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.extensions import db
from dutydesk.governance.jobs import run
from dutydesk.models import EmailStatus, Notice
from tests.escalations.conftest import body, everything_in, mail_config, mailbox, smtp_server  # noqa: F401
from tests.factories import at

from .conftest import refer

#: Tuesday 1 December 2026 at 09:00: November's report falls due; July to September was never audited.
DUE = at("2026-12-01 09:00")


def test_each_person_is_emailed_once_with_the_month_a_count_and_a_link_and_nothing_about_a_child(world, mailbox):
    kai = refer(world, "Ottoline Vexworth", at("2026-11-02 10:00"))
    cases.record_unallocated(kai, reason="Quixotic-reason: no worker", contingency="Zanzibar-contingency: daily calls",
                             by=world.manager, now=at("2026-11-03 10:00"))
    db.session.commit()

    done = run(DUE)
    assert run(DUE).emails.attempted == 0  # nothing left to send, nothing made twice

    assert done.emails.sent == 3 == len(mailbox.messages)
    by_recipient = {tuple(recipients): message for recipients, message in mailbox.messages}
    report = by_recipient[("director@example.invalid",)]
    assert report["Subject"] == "dutydesk: the unallocated cases report for November 2026"
    assert "1 case without an allocated worker as at 09:00 on Tuesday 1 December 2026" in body(report)
    assert f"/monthly-reports/{done.report.id}" in body(report)
    reminders = [message for recipients, message in mailbox.messages if "no file audit" in message["Subject"]]
    assert [message["To"] for message in reminders] == ["senior@example.invalid"]
    assert "/file-audits/new?quarter=2026-07-01" in body(reminders[0])
    for _, message in mailbox.messages:
        text = everything_in(message)
        assert not any(word in text for word in ("Ottoline", "Vexworth", "Quixotic", "Zanzibar")), message["Subject"]
    assert {notice.email_status for notice in db.session.scalars(select(Notice))} == {EmailStatus.SENT}


def test_without_a_mail_server_people_are_told_in_dutydesk_only(world):
    done = run(DUE)
    assert done.report is not None and done.emails.attempted == 0
    assert {(n.email_status, n.email_error) for n in db.session.scalars(select(Notice))} == {
        (EmailStatus.NOT_SENT, "E-mail is not configured (MAIL_SERVER)")}
