"""E-mail for escalations: sent only after the escalation is committed, retried until it goes.

A sender claims a batch of waiting e-mails by moving their next attempt forward (committed
before anything is sent), so two senders never take the same one; it records each result
as it goes. If a sender dies after sending but before recording, the claim lapses and the
e-mail is sent again: an escalation may be e-mailed twice, never issued twice, and never
left unsent. E-mails name the call's reference, never the child: the details are behind
sign-in.
"""

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from dutydesk.clock import to_london
from dutydesk.database import lock_for_writing
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation, Role, RoleGrant, User

#: How long a sender's claim on an e-mail lasts before another may take it.
CLAIM_FOR = timedelta(minutes=5)
#: E-mails sent per delivery run (the rest wait for the next sweep).
BATCH_SIZE = 200


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.gave_up

    def __str__(self) -> str:
        if not is_configured():
            return "not configured"
        return f"{self.sent} sent, {self.failed} to retry, {self.gave_up} given up"


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def retry_after(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


def deliver_pending(now: datetime) -> DeliveryReport:
    """Send the escalation e-mails whose time has come; record each outcome."""
    report = DeliveryReport()
    if not is_configured():
        return report
    claimed = _claim(now)
    if not claimed:
        return report
    escalations = db.session.scalars(
        select(Escalation).where(Escalation.id.in_(claimed)).order_by(Escalation.id)
        .options(selectinload(Escalation.recipient), selectinload(Escalation.obligation),
                 selectinload(Escalation.inbox_item), selectinload(Escalation.team))).all()
    senior_addresses = _senior_manager_addresses()
    connection, connect_error = _connect()
    try:
        for escalation in escalations:
            addresses = ([escalation.recipient.email] if escalation.recipient else senior_addresses)
            addresses = [address for address in addresses if address]
            if not addresses:
                escalation.email_status = EmailStatus.NOT_SENT
                escalation.email_error = "No e-mail address recorded for the person told"
            elif connection is None:
                _failed(escalation, connect_error, now, report)
            else:
                try:
                    connection.send_message(_message(escalation, addresses))
                except (smtplib.SMTPException, OSError) as error:
                    _failed(escalation, error, now, report)
                else:
                    escalation.email_status, escalation.email_sent_at = EmailStatus.SENT, now
                    escalation.email_error = ""
                    report.sent += 1
            db.session.commit()
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return report


def _claim(now: datetime) -> list[int]:
    statement = (select(Escalation.id)
                 .where(Escalation.email_status == EmailStatus.PENDING, Escalation.email_next_attempt_at <= now)
                 .order_by(Escalation.email_next_attempt_at, Escalation.id).limit(BATCH_SIZE))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    lock_for_writing(db.session)
    ids = list(db.session.scalars(statement))
    if ids:
        db.session.execute(update(Escalation).where(Escalation.id.in_(ids))
                           .values(email_next_attempt_at=now + CLAIM_FOR,
                                   email_attempts=Escalation.email_attempts + 1))
    db.session.commit()
    return ids


def _failed(escalation: Escalation, error, now: datetime, report: DeliveryReport) -> None:
    escalation.email_error = f"{error.__class__.__name__}: {error}"[:500]
    if escalation.email_attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        escalation.email_status = EmailStatus.FAILED
        report.gave_up += 1
    else:
        escalation.email_next_attempt_at = now + retry_after(escalation.email_attempts)
        report.failed += 1


def _connect():
    config = current_app.config
    try:
        connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
        if config["MAIL_USE_STARTTLS"]:
            connection.starttls()
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except (smtplib.SMTPException, OSError) as error:
        return None, error
    return connection, None


def _senior_manager_addresses() -> list[str]:
    return list(db.session.scalars(
        select(User.email).join(RoleGrant).where(RoleGrant.role == Role.SENIOR_MANAGER, RoleGrant.in_force(),
                                                 User.is_active)))


def _message(escalation: Escalation, addresses: list[str]) -> EmailMessage:
    subject = escalation.subject
    config = current_app.config
    if escalation.obligation is not None:
        what = f"{subject.label}, call {subject.contact.reference}"
        owner = subject.worker.display_name if subject.worker else subject.team.name
    else:
        what = f"{subject.channel.label} for {subject.addressed_to.display_name}"
        owner = subject.holder.display_name
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(addresses)
    message["Subject"] = f"dutydesk: {escalation.level.label}: {what}"
    message.set_content(
        f"{escalation.level.meaning}\n\n"
        f"What: {what}\n"
        f"Team: {escalation.team.name}\n"
        f"Owner: {owner}\n"
        f"Due: {to_london(subject.due_at):%H:%M on %A %-d %B %Y}\n\n"
        f"Sign in to dutydesk to see it and acknowledge it:\n{config['PUBLIC_URL'].rstrip('/')}/escalations\n"
    )
    return message
