"""E-mail for escalations: sent only after the escalation is committed, retried until it goes.

A delivery run claims a batch of waiting e-mails by moving their next attempt forward
(committed before anything is sent), so two senders never take the same one, sends them over
one SMTP connection (opened again if it drops), records the results a chunk at a time, and
claims the next batch until none is due or a stop is asked. A stop (the scheduler's SIGTERM)
is seen between messages: what was sent is recorded and the claims not yet sent are given back
(due at once, their attempt not counted). If a sender dies after sending but before recording,
its claim lapses and the e-mail is sent again: an escalation may be e-mailed twice (with the
same Message-ID), never issued twice, and never left unsent.

The same delivery sends the notices of governance (a monthly report made, a quarter without a
file audit: governance/mail.py), each table an Outbox of its own with the same e-mail columns.

What an e-mail may carry (DESIGN 10: e-mails leave the council's systems): the kind of work
(an ObligationKind's or an inbox channel's label), the call's reference, the team, the owner,
the deadline in London time and links to the pages behind sign-in; never a child's name nor
anything typed as free text (an obligation's title, an inbox item's sender and summary). Names
entered by administrators (teams, staff) go in as plain single lines, so nothing can add a
header; an e-mail that cannot be built fails alone, with the reason.

A refusal of this message by the server (5xx to its recipients or its content) fails it at
once, with the server's reason. Anything else (4xx, a lost connection, a server that cannot be
reached, or refuses our sender or sign-in: our settings, not this message) is tried again 1,
2, 4… minutes later, up to MAIL_MAX_ATTEMPTS attempts.
"""

import smtplib
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import parseaddr
from threading import Event
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from dutydesk.display import london
from dutydesk.database import lock_for_writing
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation, InboxItem, Obligation, Role, RoleGrant, User

#: How long a sender's claim on an e-mail lasts before another may take it.
CLAIM_FOR = timedelta(minutes=5)
#: E-mails claimed at once; a delivery run claims batch after batch until none is due.
BATCH_SIZE = 500
#: Results are committed every this many e-mails (and at the end of each batch), not one by one.
RECORD_EVERY = 100
#: A batch still sending after this long gives back what it has not sent and claims afresh, so
#: that no claim lapses (and no other sender takes an e-mail) while it is being sent.
GIVE_BACK_AFTER = CLAIM_FOR / 2


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # to be tried again
    gave_up: int = 0  # failed after the last attempt allowed
    refused: int = 0  # failed at once: refused by the server, or could not be built
    released: int = 0  # claimed, then given back unsent (a stop, or a batch too slow for its claim)

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.gave_up + self.refused

    def __str__(self) -> str:
        if not is_configured():
            return "not configured"
        text = f"{self.sent} sent, {self.failed} to retry, {self.gave_up} given up, {self.refused} refused"
        return text + (f", {self.released} given back unsent" if self.released else "")


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def retry_after(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


@dataclass
class _Outgoing:
    """A claimed e-mail, read before anything is sent: its result is recorded by id, so that
    committing a chunk of results never reads it again."""

    id: int
    attempts: int  # this one included
    previous_error: str
    to: list[str]
    unusable: list[str]
    subject: str = ""
    body: str = ""
    message_id: str = ""
    problem: str = ""  # why it cannot be built, found while reading it


@dataclass(frozen=True)
class Outbox:
    """What a delivery run sends: rows of a table with the e-mail columns of Escalation
    (email_status, email_attempts, email_next_attempt_at, email_sent_at, email_error), how to
    load the claimed ones with everything their e-mails say, whom each goes to, and what it says
    (subject, text, Message-ID). Escalations are one outbox; governance's notices another."""

    model: type
    load: Callable[[list[int]], list]
    addresses: Callable[[object, "Delivery"], list[str]]
    content: Callable[[object], tuple[str, str, str]]


class Delivery:
    """One delivery run: a connection kept open across batches, and what became of each e-mail.

    `with Delivery(stop) as delivery: while delivery.deliver_batch(moment): ...`
    """

    def __init__(self, stop: Event | None = None, outbox: Outbox | None = None):
        self.report = DeliveryReport()
        self.stop = stop or Event()
        self.outbox = outbox or ESCALATIONS
        self._connection: smtplib.SMTP | None = None
        self._unreachable: Exception | None = None  # the server could not be reached: stop trying this run
        self._senior_addresses: list[str] | None = None
        self._results: list[dict] = []

    def __enter__(self) -> "Delivery":
        return self

    def __exit__(self, *exc) -> None:
        self._disconnect(politely=True)

    def deliver_batch(self, moment: datetime) -> bool:
        """Claim the e-mails due by `moment` (a batch) and send them; False if none was claimed."""
        if self.stop.is_set() or self._unreachable is not None or not is_configured():
            return False
        claimed = _claim(self.outbox.model, moment)
        if not claimed:
            return False
        claimed_at = time.monotonic()
        outgoing = [self._read(row) for row in self.outbox.load(claimed)]
        done = 0
        for item in outgoing:
            if self.stop.is_set() or time.monotonic() - claimed_at > GIVE_BACK_AFTER.total_seconds():
                break
            self._deliver(item, moment)
            done += 1
            if done % RECORD_EVERY == 0:
                self._record()
        for item in outgoing[done:]:  # given back as it was: due now, this attempt not counted
            self._result(item, EmailStatus.PENDING, item.previous_error, attempts=item.attempts - 1, next_at=moment)
            self.report.released += 1
        self._record()
        return True

    def senior_manager_addresses(self) -> list[str]:
        """The senior managers' addresses, read once a run."""
        if self._senior_addresses is None:
            self._senior_addresses = _senior_manager_addresses()
        return self._senior_addresses

    def _read(self, row) -> _Outgoing:
        addresses = [address for address in self.outbox.addresses(row, self) if address]
        item = _Outgoing(row.id, row.email_attempts, row.email_error,
                         to=[address for address in addresses if is_usable_address(address)],
                         unusable=[address for address in addresses if not is_usable_address(address)])
        try:
            item.subject, item.body, item.message_id = self.outbox.content(row)
        except Exception as error:  # noqa: BLE001 - whatever it is, this e-mail alone fails, with why
            item.problem = f"The e-mail could not be built: {_describe(error)}"
        return item

    def _deliver(self, item: _Outgoing, moment: datetime) -> None:
        if not item.to and not item.unusable:
            return self._result(item, EmailStatus.NOT_SENT, "No e-mail address recorded for the person told")
        if not item.to:
            return self._refused(item, "The e-mail address recorded cannot be used: "
                                 + ", ".join(map(repr, item.unusable)))
        if item.problem:
            return self._refused(item, item.problem)
        try:
            message = _message(item).as_bytes(policy=SMTP_POLICY)
        except Exception as error:  # noqa: BLE001 - as above
            return self._refused(item, f"The e-mail could not be built: {_describe(error)}")
        connection = self._connected()
        if connection is None:
            return self._failed(item, _describe(self._unreachable), moment)
        try:
            refused = connection.sendmail(current_app.config["MAIL_FROM"], item.to, message)
        except smtplib.SMTPRecipientsRefused as error:  # every recipient refused
            reason = "; ".join(f"{address}: {_reply(code, text)}" for address, (code, text) in error.recipients.items())
            if all(500 <= code < 600 for code, _ in error.recipients.values()):
                self._refused(item, f"Refused by the mail server: {reason}")
            else:
                self._failed(item, f"SMTPRecipientsRefused: {reason}", moment)
        except smtplib.SMTPDataError as error:
            if 500 <= error.smtp_code < 600:
                self._refused(item, f"Refused by the mail server: {_reply(error.smtp_code, error.smtp_error)}")
            else:
                self._failed(item, _describe(error), moment)
        except (smtplib.SMTPException, OSError) as error:
            self._failed(item, _describe(error), moment)
        else:
            notes = [f"Refused by the mail server for {address}: {_reply(code, text)}"
                     for address, (code, text) in refused.items()]
            notes += [f"Not sent to {', '.join(map(repr, item.unusable))}: the address cannot be used"
                      ] if item.unusable else []
            self._result(item, EmailStatus.SENT, "; ".join(notes), sent_at=moment)
            self.report.sent += 1
        finally:
            if connection.sock is None:  # smtplib closed it (421, a timeout, the line dropped)
                self._disconnect(politely=False)

    def _refused(self, item: _Outgoing, reason: str) -> None:
        self._result(item, EmailStatus.FAILED, reason)
        self.report.refused += 1

    def _failed(self, item: _Outgoing, reason: str, moment: datetime) -> None:
        if item.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            self._result(item, EmailStatus.FAILED, reason)
            self.report.gave_up += 1
        else:
            self._result(item, EmailStatus.PENDING, reason, next_at=moment + retry_after(item.attempts))
            self.report.failed += 1

    def _result(self, item: _Outgoing, status: EmailStatus, error: str, *, attempts: int | None = None,
                next_at: datetime | None = None, sent_at: datetime | None = None) -> None:
        self._results.append({"id": item.id, "email_status": status, "email_error": error[:500],
                              "email_attempts": item.attempts if attempts is None else attempts,
                              "email_next_attempt_at": next_at, "email_sent_at": sent_at})

    def _record(self) -> None:
        """Write the results so far (one statement for the chunk) and commit them."""
        if self._results:
            db.session.execute(update(self.outbox.model), self._results)
            self._results = []
        db.session.commit()

    def _connected(self) -> smtplib.SMTP | None:
        if self._connection is not None:
            return self._connection
        config = current_app.config
        connection = smtplib.SMTP(timeout=config["MAIL_TIMEOUT_SECONDS"])
        try:
            connection.connect(config["MAIL_SERVER"], config["MAIL_PORT"])
            if config["MAIL_USE_STARTTLS"]:
                connection.starttls()
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except (smtplib.SMTPException, OSError) as error:
            connection.close()
            self._unreachable = error
            return None
        self._connection = connection
        return connection

    def _disconnect(self, politely: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if politely:
                connection.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            connection.close()


def _claim(model, moment: datetime) -> list[int]:
    statement = (select(model.id)
                 .where(model.email_status == EmailStatus.PENDING, model.email_next_attempt_at <= moment)
                 .order_by(model.email_next_attempt_at, model.id).limit(BATCH_SIZE))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    lock_for_writing(db.session)
    ids = list(db.session.scalars(statement))
    if ids:
        db.session.execute(update(model).where(model.id.in_(ids))
                           .values(email_next_attempt_at=moment + CLAIM_FOR,
                                   email_attempts=model.email_attempts + 1))
    db.session.commit()
    return ids


def _load(ids: list[int]) -> list[Escalation]:
    """The claimed escalations, with everything their e-mails say, in a fixed number of queries."""
    return list(db.session.scalars(
        select(Escalation).where(Escalation.id.in_(ids)).order_by(Escalation.id)
        .options(selectinload(Escalation.recipient), selectinload(Escalation.team),
                 selectinload(Escalation.obligation).options(selectinload(Obligation.contact),
                                                             selectinload(Obligation.worker)),
                 selectinload(Escalation.inbox_item).options(selectinload(InboxItem.holder),
                                                             selectinload(InboxItem.addressed_to)))))


def _escalation_addresses(escalation: Escalation, delivery: Delivery) -> list[str]:
    """The person told, or every senior manager for an escalation sent to no one in particular."""
    if escalation.recipient is not None:
        return [escalation.recipient.email]
    return delivery.senior_manager_addresses()


def _senior_manager_addresses() -> list[str]:
    return list(db.session.scalars(
        select(User.email).join(RoleGrant).where(RoleGrant.role == Role.SENIOR_MANAGER, RoleGrant.in_force(),
                                                 User.is_active)
        .order_by(User.id)))


def is_usable_address(address: str) -> bool:
    """One plain address (someone@somewhere), nothing that could break a header or add a recipient."""
    name, parsed = parseaddr(address)
    return (not name and parsed == address and address.count("@") == 1 and address.isascii()
            and not any(character.isspace() or not character.isprintable() for character in address))


def plain(text: str, limit: int = 120) -> str:
    """A name typed by someone, as one plain line: no line breaks, control or format characters."""
    text = "".join(" " if unicodedata.category(character)[0] in "CZ" else character for character in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _content(escalation: Escalation) -> tuple[str, str, str]:
    """The e-mail's subject, text and Message-ID: kinds of work, the call's reference, team, owner,
    deadline and links; nothing typed about a child (see the module's docstring)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    team = plain(escalation.team.name)
    if escalation.obligation is not None:
        obligation = escalation.obligation
        what = f"{obligation.kind.label}, call {obligation.contact.reference}"
        owner = plain(obligation.worker.display_name) if obligation.worker else f"{team} (no named worker yet)"
        facts = [("What", obligation.kind.label), ("Call", obligation.contact.reference)]
        page = f"{base}/calls/{obligation.contact_id}"
    else:
        item = escalation.inbox_item
        what = f"{item.channel.label} for {plain(item.addressed_to.display_name)}"
        owner = plain(item.holder.display_name)
        facts = [("What", item.channel.label), ("For", plain(item.addressed_to.display_name))]
        page = f"{base}/inbox-items/{item.id}/action"
    facts += [("Team", team), ("Owner", owner),
              ("Due", f"{london(escalation.subject.due_at, '%H:%M on %A %-d %B %Y')} (London time)")]
    body = (f"{escalation.level.meaning}\n\n"
            + "".join(f"{label}: {value}\n" for label, value in facts)
            + f"\nSign in to dutydesk to see it and act on it:\n{page}\n\n"
            f"Acknowledge it on your escalations page:\n{base}/escalations\n")
    message_id = f"<escalation-{escalation.id}@{urlsplit(base).hostname or 'dutydesk'}>"
    return f"dutydesk: {escalation.level.label}: {what}", body, message_id


def _message(item: _Outgoing) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = ", ".join(item.to)
    message["Subject"] = item.subject
    message["Message-ID"] = item.message_id
    message.set_content(item.body)
    return message


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {plain(text, 300)}"


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.__class__.__name__}: {_reply(error.smtp_code, error.smtp_error)}"
    return f"{error.__class__.__name__}: {plain(str(error), 400)}"


#: The escalations' e-mails.
ESCALATIONS = Outbox(Escalation, _load, _escalation_addresses, _content)
