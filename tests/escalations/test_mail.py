"""Escalation e-mail over a real SMTP server (aiosmtpd on 127.0.0.1): sent after the escalation
is committed, retried without issuing it again, given up in the end, never naming the child."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from dutydesk.escalations.mail import retry_after
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation
from dutydesk.rules import EscalationLevel
from tests.factories import at

from .conftest import call, escalations

WARNED = at("2026-11-23 10:45")  # the written hand-off's warning; level 1 follows at 11:00
SECOND = timedelta(seconds=1)


class Mailbox:
    """An SMTP server's handler: keeps what it accepts, answers 451 to the next `refuse` messages,
    and notes which escalations the database held, committed, as each message arrived."""

    def __init__(self, engine):
        self.engine = engine
        self.refuse = 0
        self.attempts = 0
        self.messages = []  # (envelope recipients, message)
        self.committed_on_arrival = []  # [(escalation id, e-mail attempts)] read by another connection

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy: try again later"
        with self.engine.connect() as connection:
            self.committed_on_arrival.append(
                connection.execute(select(Escalation.id, Escalation.email_attempts).order_by(Escalation.id)).all())
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_config(app):
    """E-mail on, to 127.0.0.1 at a free port; the application's settings restored afterwards."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_MAX_ATTEMPTS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp_server(mail_config):
    """Start a real SMTP server on the configured port (when the test chooses), stopped afterwards."""
    controllers = []

    def start() -> Mailbox:
        mailbox = Mailbox(db.engine)
        controller = Controller(mailbox, hostname="127.0.0.1", port=mail_config["MAIL_PORT"])
        controller.start()
        controllers.append(controller)
        return mailbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return smtp_server()


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


def test_the_email_is_sent_after_the_escalation_is_committed_and_names_the_call_not_the_child(mailbox, contact):
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
    child = contact.children[0]
    for private in (child.name, child.name.split()[0], child.address, contact.concern):
        assert private not in message.as_string(), f"the e-mail gives away {private!r}"


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
