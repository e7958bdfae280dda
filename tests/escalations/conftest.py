"""A contact centre and a duty team with a manager each, helpers to read what escalated, and a
real SMTP server (aiosmtpd on 127.0.0.1) for the e-mail tests."""

import asyncio
import socket
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Escalation, Obligation, Role, Team, TeamKind, User
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user

#: A Monday in November (GMT, so London and UTC agree): hand-offs logged now are due at 11:00.
RECEIVED = at("2026-11-23 10:00")


@dataclass
class Front:
    """Who is who at the front door in these tests."""

    contact_centre: Team
    duty: Team
    handler: User  # Hannah, a call handler: owns the verbal hand-offs of the calls she logs
    centre_manager: User  # Cal, the contact centre's manager
    worker: User  # Wes, a duty worker in Duty North
    colleague: User  # Cora, another duty worker, who covers for Wes
    manager: User  # Mo, Duty North's duty manager
    deputy: User  # Dee, a duty manager who covers for Mo
    senior: User  # Simon, a senior manager


@pytest.fixture
def front() -> Front:
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    people = dict(
        handler=create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole"),
        centre_manager=create_user("centre", (Role.DUTY_MANAGER,), contact_centre, display_name="Cal Evans"),
        worker=create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo"),
        colleague=create_user("colleague", (Role.DUTY_WORKER,), duty, display_name="Cora Lind"),
        manager=create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman"),
        deputy=create_user("deputy", (Role.DUTY_MANAGER,), duty, display_name="Dee Okafor"),
        senior=create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid"),
    )
    contact_centre.manager = people["centre_manager"]
    duty.manager = people["manager"]
    db.session.commit()
    return Front(contact_centre=contact_centre, duty=duty, **people)


def call(front: Front, received_at: datetime = RECEIVED, **overrides):
    """A call about Leo Martin logged by Hannah for Duty North, with every clock it starts."""
    return create_contact(received_at, team=front.duty, by=front.handler, **overrides)


def quiet_call(front: Front, received_at: datetime = RECEIVED):
    """A call put through to Wes and accepted by him at once: of its own clocks only the screening
    decision (due the next working day) is still running, so an action added to it is what escalates."""
    contact = call(front, received_at, is_put_through=True, put_through_to=front.worker)
    calls.accept_handoff(contact, by=front.worker, now=received_at)
    return contact


def add_action(front: Front, contact, *, due_at: datetime, owner: User | None = None,
               now: datetime = RECEIVED) -> Obligation:
    return work.add_action(contact, title="Ring the school back", owner=owner or front.worker, due_at=due_at,
                           by=front.manager, now=now)


def escalations(**where) -> list[Escalation]:
    """Every escalation recorded (in the order issued), optionally of one obligation or level."""
    statement = select(Escalation).order_by(Escalation.id)
    if "obligation" in where:
        statement = statement.where(Escalation.obligation_id == where["obligation"].id)
    if "level" in where:
        statement = statement.where(Escalation.level == where["level"])
    return list(db.session.scalars(statement))


def steps(obligation: Obligation) -> list[tuple[EscalationLevel, str | None, datetime, datetime]]:
    """The obligation's ladder as issued: (level, who was told, when due, when issued)."""
    return [(e.level, e.recipient.username if e.recipient else None, e.due_at, e.issued_at)
            for e in escalations(obligation=obligation)]


class Mailbox:
    """An SMTP server's handler: keeps what it accepts, and answers as a test asks.

    `refuse`: answer the next that many messages 451 (try again later). `replies`: answer the
    message of that number (1 for the first offered) with that reply instead. `refuse_recipients`:
    refuse those addresses with that reply. `delay`: seconds to take over each message. With an
    engine, it notes which escalations the database held, committed, as each message arrived.
    """

    def __init__(self, engine=None):
        self.engine = engine
        self.refuse = 0
        self.replies: dict[int, str] = {}
        self.refuse_recipients: dict[str, str] = {}
        self.delay = 0.0
        self.attempts = 0
        self.received: list[tuple[list[str], bytes]] = []  # (envelope recipients, message as sent)
        self.peers: set = set()  # the client's end of each connection a message came over
        self.committed_on_arrival = []  # [(escalation id, e-mail attempts)] read by another connection

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return self.refuse_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        self.peers.add(session.peer)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.attempts in self.replies:
            return self.replies[self.attempts]
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy: try again later"
        if self.engine is not None:
            with self.engine.connect() as connection:
                self.committed_on_arrival.append(connection.execute(
                    select(Escalation.id, Escalation.email_attempts).order_by(Escalation.id)).all())
        self.received.append((envelope.rcpt_tos, envelope.content))
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        """The Message-ID of each message accepted (its headers alone read: quick for thousands)."""
        parser = BytesHeaderParser(policy=policy.default)
        return [parser.parsebytes(content)["Message-ID"] for _, content in self.received]

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        """(envelope recipients, message) for each message accepted, read as a mail program reads it."""
        return [(recipients, message_from_bytes(content, policy=policy.default))
                for recipients, content in self.received]


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

    def start(engine=None) -> Mailbox:
        mailbox = Mailbox(engine)
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


def body(message: EmailMessage) -> str:
    """A received message's text, decoded, with its lines ending as Python's do."""
    return message.get_content().replace("\r\n", "\n")


def everything_in(message: EmailMessage) -> str:
    """A received message as sent (headers and body, encoded) and as read (decoded), in one text."""
    decoded = [f"{name}: {value}" for name, value in message.items()]
    return "\n".join([message.as_string(), *decoded, body(message)])
