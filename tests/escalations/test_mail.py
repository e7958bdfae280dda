"""Escalation e-mail over a real SMTP server (aiosmtpd on 127.0.0.1): sent after the escalation
is committed, retried without issuing it again, given up in the end, never naming the child."""

from datetime import timedelta

import pytest

from dutydesk.escalations.mail import retry_after
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation, Role
from dutydesk.rules import EscalationLevel
from tests.factories import at, create_user

from .conftest import call, escalations, everything_in

WARNED = at("2026-11-23 10:45")  # the written hand-off's warning; level 1 follows at 11:00
SECOND = timedelta(seconds=1)


@pytest.fixture
def contact(front):
    """A call put through to Wes: its verbal hand-off is met, and only the written one (Duty
    North's, not yet accepted) escalates, to the duty manager, Mo, from 10:45."""
    contact = call(front, is_put_through=True, put_through_to=front.worker)
    db.session.commit()
    return contact


def the_escalation() -> Escalation:
    [escalation] = escalations()
    return escalation


def test_the_email_is_sent_after_the_escalation_is_committed_and_names_the_call_not_the_child(smtp_server, contact):
    mailbox = smtp_server(db.engine)

    report = sweep(WARNED)

    assert report.emails.sent == 1
    escalation = the_escalation()
    assert (escalation.email_status, escalation.email_sent_at, escalation.email_attempts) == \
        (EmailStatus.SENT, WARNED, 1)
    # When the message reached the server another connection could already read the escalation.
    assert mailbox.committed_on_arrival == [[(escalation.id, 1)]]
    [(recipients, message)] = mailbox.messages
    assert recipients == ["manager@example.invalid"]
    assert message["To"] == "manager@example.invalid"
    body = message.get_content()
    assert contact.reference in message["Subject"] and contact.reference in body
    assert "Warning" in message["Subject"] and "Written hand-off" in message["Subject"]
    assert "/escalations" in body and "11:00" in body  # where to acknowledge it, and when it is due
    assert f"/calls/{contact.id}" in body  # the call's page, behind sign-in
    assert message["Message-ID"] == f"<escalation-{escalation.id}@127.0.0.1>"  # the same if it is sent again
    child = contact.children[0]
    for private in (child.name, child.name.split()[0], child.address, contact.concern):
        assert private not in everything_in(message), f"the e-mail gives away {private!r}"


def test_the_senior_managers_are_emailed_level_two(mailbox, contact, front):
    sweep(at("2026-11-23 11:30"))

    assert [e.level for e in escalations()] == list(EscalationLevel)
    assert sorted(recipients for recipients, _ in mailbox.messages) == [
        ["manager@example.invalid"], ["manager@example.invalid"], ["senior@example.invalid"]]
    assert [e.email_status for e in escalations()] == [EmailStatus.SENT] * 3


def test_a_refused_email_is_sent_on_the_second_attempt_and_the_escalation_is_issued_once(mailbox, contact):
    mailbox.refuse = 1

    report = sweep(WARNED)
    assert (report.total, report.emails.sent, report.emails.failed) == (1, 0, 1)
    escalation = the_escalation()
    assert (escalation.email_status, escalation.email_attempts) == (EmailStatus.PENDING, 1)
    assert "451" in escalation.email_error
    retry_at = WARNED + retry_after(1)
    assert escalation.email_next_attempt_at == retry_at
    assert mailbox.messages == []

    assert sweep(retry_at - SECOND).emails.attempted == 0
    assert mailbox.attempts == 1

    report = sweep(retry_at)
    assert (report.total, report.emails.sent) == (0, 1)
    escalation = the_escalation()  # still one escalation: only the e-mail was tried again
    assert (escalation.email_status, escalation.email_attempts, escalation.email_sent_at) == \
        (EmailStatus.SENT, 2, retry_at)
    assert escalation.email_error == ""
    assert (mailbox.attempts, len(mailbox.messages)) == (2, 1)
    assert sweep(retry_at + retry_after(2)).emails.attempted == 0  # sent once, not again
    assert len(mailbox.messages) == 1


def test_the_email_is_given_up_after_the_last_attempt_allowed(mailbox, contact, mail_config):
    mail_config["MAIL_MAX_ATTEMPTS"] = 3
    mailbox.refuse = 100

    moment = WARNED
    for attempt in (1, 2, 3):
        sweep(moment)
        escalation = the_escalation()
        assert escalation.email_attempts == attempt
        if attempt < 3:
            assert escalation.email_status is EmailStatus.PENDING
            moment = escalation.email_next_attempt_at
            assert moment == WARNED + sum((retry_after(n) for n in range(1, attempt + 1)), start=timedelta(0))

    assert moment == at("2026-11-23 10:48")  # 10:45, then a minute later, then two minutes after that
    assert (escalation.email_status, escalation.email_sent_at) == (EmailStatus.FAILED, None)
    assert "451" in escalation.email_error
    assert sweep(at("2026-11-23 10:59")).emails.attempted == 0
    assert (mailbox.attempts, mailbox.messages, len(escalations())) == (3, [], 1)


def test_with_no_server_listening_the_email_waits_and_goes_once_the_server_is_back(smtp_server, contact):
    report = sweep(WARNED)  # nothing is listening on the configured port

    assert (report.total, report.emails.failed) == (1, 1)
    escalation = the_escalation()
    assert (escalation.email_status, escalation.email_attempts) == (EmailStatus.PENDING, 1)
    assert "ConnectionRefusedError" in escalation.email_error
    retry_at = escalation.email_next_attempt_at
    assert retry_at == WARNED + retry_after(1)

    mailbox = smtp_server()
    report = sweep(retry_at)
    assert (report.total, report.emails.sent) == (0, 1)
    escalation = the_escalation()
    assert (escalation.email_status, escalation.email_attempts, escalation.level) == \
        (EmailStatus.SENT, 2, EscalationLevel.WARNING)
    assert len(mailbox.messages) == 1


def test_a_recipient_without_an_email_address_is_not_emailed(mailbox, contact, front):
    front.manager.email = ""
    db.session.commit()

    report = sweep(WARNED)

    escalation = the_escalation()
    assert escalation.recipient == front.manager
    assert escalation.email_status is EmailStatus.NOT_SENT
    assert escalation.email_error == "No e-mail address recorded for the person told"
    assert mailbox.messages == [] and report.emails.attempted == 0
    assert sweep(at("2026-11-23 10:59")).emails.attempted == 0


def test_without_a_mail_server_configured_escalations_are_issued_and_marked_not_emailed(contact):
    report = sweep(WARNED)

    escalation = the_escalation()
    assert report.total == 1
    assert (escalation.email_status, escalation.email_next_attempt_at) == (EmailStatus.NOT_SENT, None)
    assert "MAIL_SERVER" in escalation.email_error


def test_a_recipient_refused_for_good_fails_at_once_with_the_servers_reason_while_the_others_are_sent(
        mailbox, contact):
    mailbox.refuse_recipients = {
        "manager@example.invalid": "550 5.1.1 <manager@example.invalid>: Recipient address rejected: User unknown"}

    report = sweep(at("2026-11-23 11:30"))  # the warning and level 1 to Mo, level 2 to Simon

    assert (report.emails.sent, report.emails.refused, report.emails.failed) == (1, 2, 0)
    to_mo, overdue_to_mo, to_simon = escalations()
    for refused in (to_mo, overdue_to_mo):
        assert (refused.email_status, refused.email_attempts, refused.email_sent_at) == (EmailStatus.FAILED, 1, None)
        assert refused.email_error == ("Refused by the mail server: manager@example.invalid: 550 5.1.1 "
                                       "<manager@example.invalid>: Recipient address rejected: User unknown")
    assert to_simon.email_status is EmailStatus.SENT
    assert [recipients for recipients, _ in mailbox.messages] == [["senior@example.invalid"]]
    assert sweep(at("2026-11-23 12:30")).emails.attempted == 0  # not tried again


def test_a_message_refused_for_good_fails_at_once_and_one_refused_for_now_is_tried_again(mailbox, contact):
    mailbox.replies = {1: "554 5.6.0 Message content rejected", 2: "452 4.3.1 Insufficient system storage"}

    report = sweep(at("2026-11-23 11:30"))

    assert (report.emails.refused, report.emails.failed, report.emails.sent) == (1, 1, 1)
    refused, busy, sent = escalations()
    assert (refused.email_status, refused.email_error) == \
        (EmailStatus.FAILED, "Refused by the mail server: 554 5.6.0 Message content rejected")
    assert (busy.email_status, busy.email_next_attempt_at) == (EmailStatus.PENDING, at("2026-11-23 11:31"))
    assert "452 4.3.1" in busy.email_error
    assert sent.email_status is EmailStatus.SENT
    assert sweep(at("2026-11-23 11:31")).emails.sent == 1
    assert [e.email_status for e in escalations()] == [EmailStatus.FAILED, EmailStatus.SENT, EmailStatus.SENT]


def test_when_the_server_drops_the_connection_mid_batch_the_rest_go_over_a_new_one(mailbox, contact):
    mailbox.replies = {2: "421 4.3.2 Service shutting down, closing transmission channel"}

    report = sweep(at("2026-11-23 11:30"))

    assert (report.emails.sent, report.emails.failed) == (2, 1)
    first, dropped, third = escalations()
    assert (first.email_status, third.email_status) == (EmailStatus.SENT, EmailStatus.SENT)
    assert (dropped.email_status, dropped.email_attempts) == (EmailStatus.PENDING, 1)
    assert "421" in dropped.email_error
    assert len(mailbox.peers) == 2  # the third message came over a second connection
    assert sweep(dropped.email_next_attempt_at).emails.sent == 1


def test_an_email_that_cannot_be_built_fails_alone_with_its_reason_and_the_next_sweep_still_works(
        mailbox, contact, front):
    front.manager.email = "manager@example.invalid\r\nBcc: intruder@example.invalid"
    db.session.commit()

    report = sweep(at("2026-11-23 11:30"))

    assert (report.emails.refused, report.emails.sent) == (2, 1)
    to_mo, overdue_to_mo, to_simon = escalations()
    for failed in (to_mo, overdue_to_mo):
        assert failed.email_status is EmailStatus.FAILED
        assert failed.email_error.startswith("The e-mail address recorded cannot be used: 'manager@example.invalid")
    assert to_simon.email_status is EmailStatus.SENT
    assert [recipients for recipients, _ in mailbox.messages] == [["senior@example.invalid"]]

    front.manager.email = "manager@example.invalid"
    later = call(front, received_at=at("2026-11-23 12:00"), is_put_through=True, put_through_to=front.worker)
    db.session.commit()
    assert sweep(at("2026-11-23 12:45")).emails.sent == 1
    assert mailbox.messages[-1][0] == ["manager@example.invalid"]
    assert later.reference in mailbox.messages[-1][1]["Subject"]


def test_a_message_to_the_senior_managers_goes_to_those_not_refused_and_notes_the_one_refused(mailbox, contact):
    create_user("senior2", (Role.SENIOR_MANAGER,), None, display_name="Sade Bello")
    db.session.commit()
    mailbox.refuse_recipients = {"senior2@example.invalid": "550 5.2.1 Mailbox disabled"}

    sweep(at("2026-11-23 11:30"))

    to_seniors = escalations(level=EscalationLevel.SENIOR)[0]
    assert to_seniors.email_status is EmailStatus.SENT
    assert to_seniors.email_error == \
        "Refused by the mail server for senior2@example.invalid: 550 5.2.1 Mailbox disabled"
    assert mailbox.messages[-1][0] == ["senior@example.invalid"]
