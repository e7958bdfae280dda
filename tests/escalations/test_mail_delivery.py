"""Delivery at scale and at a stop, over a real SMTP server: a burst drains in one delivery run
over one connection; sweeps at once e-mail each escalation once; a scheduler (or a sweep) stopped
by SIGTERM while sending gives back what it claimed."""

import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dutydesk.clock import now_utc
from dutydesk.escalations import mail
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation, ObligationKind
from dutydesk.work.operations import open_obligation
from tests.factories import at, flask_command_environment

from .conftest import RECEIVED, escalations, quiet_call

ROOT = Path(__file__).resolve().parents[2]
#: Escalations in the burst: several of the mail module's batches (the benchmark sends 25,000).
BURST = 2000


def open_work(front, contact, count: int, *, due_at, now) -> None:
    """`count` pieces of team-held work on the call, of every kind in turn, each on its ladder."""
    kinds = list(ObligationKind)
    for n in range(count):
        open_obligation(kinds[n % len(kinds)], contact=contact, team=front.duty, due_at=due_at, now=now)
    db.session.commit()


def test_a_burst_is_emailed_in_one_delivery_run_over_one_connection_each_message_once(mailbox, front):
    contact = quiet_call(front)
    open_work(front, contact, BURST // 3, due_at=RECEIVED + timedelta(hours=2), now=RECEIVED)

    started = time.monotonic()
    report = sweep(at("2026-12-23 10:00"))  # every step of every ladder due at once
    print(f"{report}: {time.monotonic() - started:.1f} s")

    issued = escalations()
    assert len(issued) > BURST > 2 * mail.BATCH_SIZE
    assert report.emails.sent == len(issued) == len(mailbox.received)
    assert {e.email_status for e in issued} == {EmailStatus.SENT}
    assert sorted(escalation_ids(mailbox)) == sorted(f"<escalation-{e.id}@127.0.0.1>" for e in issued)
    assert len(mailbox.peers) == 1


def test_three_sweeps_at_once_email_each_escalation_once(mailbox, front, app):
    contact = quiet_call(front, now_utc() - timedelta(days=30))
    open_work(front, contact, 200, due_at=now_utc() - timedelta(days=20), now=now_utc() - timedelta(days=21))
    environment = flask_command_environment(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(app.config["MAIL_PORT"]))

    processes = [subprocess.Popen([sys.executable, "-m", "flask", "sweep"], cwd=ROOT, env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [process.communicate(timeout=180)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    issued = escalations()
    assert len(issued) == 3 * 201 > mail.BATCH_SIZE
    assert sum(int(re.search(r"E-mails: (\d+) sent", output).group(1)) for output in outputs) == len(issued)
    assert {e.email_status for e in issued} == {EmailStatus.SENT}
    assert sorted(escalation_ids(mailbox)) == sorted(f"<escalation-{e.id}@127.0.0.1>" for e in issued)


def escalation_ids(mailbox) -> list[str]:
    """The Message-IDs of the escalations' e-mails received."""
    return [message_id for message_id in mailbox.message_ids() if message_id.startswith("<escalation-")]


@pytest.mark.parametrize("command, said_at_the_end", [
    ("scheduler", "dutydesk scheduler stopped"),  # the scheduler process
    ("sweep", "given back unsent"),  # one sweep, as cron would run it
])
def test_a_scheduler_or_a_sweep_stopped_by_sigterm_while_sending_gives_back_what_it_claimed_and_exits(
        smtp_server, front, app, command, said_at_the_end):
    mailbox = smtp_server()
    mailbox.delay = 0.2  # a slow server: the scheduler is still sending when it is stopped
    contact = quiet_call(front, now_utc() - timedelta(days=30))
    open_work(front, contact, 20, due_at=now_utc() - timedelta(days=20), now=now_utc() - timedelta(days=21))
    environment = flask_command_environment(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(app.config["MAIL_PORT"]))
    process = subprocess.Popen([sys.executable, "-m", "flask", command], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(mailbox.received) < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert len(mailbox.received) >= 3 and process.poll() is None, "the scheduler sent nothing"
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert time.monotonic() - stopped_at < 10, output
    assert said_at_the_end in output

    db.session.rollback()
    issued = escalations()
    sent = [e for e in issued if e.email_status is EmailStatus.SENT]
    given_back = [e for e in issued if e.email_status is EmailStatus.PENDING]
    assert len(issued) == 3 * 21 and len(sent) + len(given_back) == len(issued)
    # Each e-mail that went was recorded before it stopped (the scheduler's governance job may have
    # sent notices of its own over the same server).
    assert len(sent) == len(escalation_ids(mailbox))
    assert given_back, "the stop came after every e-mail had gone"
    now = now_utc()
    for escalation in given_back:  # due now, as if never claimed: not in CLAIM_FOR's 5 minutes
        assert escalation.email_attempts == 0
        assert escalation.email_next_attempt_at <= now

    mailbox.delay = 0
    assert sweep(now).emails.sent == len(given_back)
    assert sorted(escalation_ids(mailbox)) == sorted(f"<escalation-{e.id}@127.0.0.1>" for e in issued)
    assert db.session.scalar(select(Escalation.id).where(Escalation.email_status != EmailStatus.SENT)) is None
