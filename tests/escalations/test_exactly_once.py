"""Exactly once, whatever happens: sweeps at once, a sweep killed half-way, a scheduler stopped
for hours. These run on whichever database the suite uses (SQLite or PostgreSQL); the sweeps
running at once and the one killed are the real `flask --app dutydesk sweep`, each a process
of its own, on data committed for them to see."""

import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, insert, select, text, update

from dutydesk.absences.operations import record_inbox_item
from dutydesk.clock import now_utc
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Escalation, InboxChannel, Obligation, ObligationKind, Role
from dutydesk.rules import LADDERS, EscalationLevel
from tests.factories import at, create_contact, create_team, create_user, flask_command_environment

from .conftest import call, escalations

ROOT = Path(__file__).resolve().parents[2]
WARNING, MANAGER, SENIOR = EscalationLevel.WARNING, EscalationLevel.MANAGER, EscalationLevel.SENIOR
HANDOFF = LADDERS[ObligationKind.WRITTEN_HANDOFF.value]


def start_sweep() -> subprocess.Popen:
    """`flask --app dutydesk sweep` on the tests' database, as an operator or cron would run it."""
    env = flask_command_environment(current_app)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "dutydesk", "sweep"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def issued_by(output: str) -> int:
    match = re.search(r"Issued (\d+) escalation", output)
    assert match, output
    return int(match.group(1))


def due_obligations(team, count: int, *, level: EscalationLevel, due_from: datetime,
                    spread: timedelta) -> None:
    """Insert `count` open written hand-offs of one call, due one after another from due_from
    across `spread`, whose next step is `level`; committed, for other processes to see."""
    contact = create_contact(due_from - timedelta(hours=1), team=team, now=due_from - timedelta(hours=1))
    # The call's own clocks take no step, so stay out of the count (records are never deleted).
    db.session.execute(update(Obligation).values(escalates_at=None))
    rows = []
    for n in range(count):
        due_at = due_from + spread * n / count
        rows.append(dict(kind=ObligationKind.WRITTEN_HANDOFF, contact_id=contact.id, child_id=None,
                         team_id=team.id, worker_id=None, created_at=due_from - timedelta(hours=1),
                         due_at=due_at, met_at=None, is_withdrawn=False, title="", reason="", details={},
                         escalation_level=level, escalates_at=HANDOFF.step_at(level, due_at)))
    db.session.execute(insert(Obligation.__table__), rows)
    db.session.commit()


@pytest.fixture
def duty_team():
    team = create_team("Duty North")
    team.manager = create_user("manager", (Role.DUTY_MANAGER,), team)
    db.session.commit()
    return team


def count_escalations() -> int:
    count = db.session.scalar(select(func.count()).select_from(Escalation))
    db.session.rollback()  # hold no snapshot or lock while the sweeps work
    return count


def wait_until_the_killed_sweep_holds_no_lock(deadline: float) -> None:
    """A killed client's PostgreSQL backend rolls back when it next reads from the closed socket;
    until then SKIP LOCKED would rightly pass over its rows. (SQLite's file locks die with it.)"""
    if db.engine.dialect.name != "postgresql":
        return
    others = text("SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                  "AND relation = 'obligations'::regclass")
    while db.session.scalar(others):
        db.session.rollback()
        assert time.monotonic() < deadline, "the killed sweep's transaction was never rolled back"
        time.sleep(0.01)
    db.session.rollback()


def ladder_state() -> dict[int, tuple[EscalationLevel | None, set[EscalationLevel]]]:
    """Each obligation's next step, and the levels recorded for it."""
    state = {id_: (level, set())
             for id_, level in db.session.execute(select(Obligation.id, Obligation.escalation_level))}
    for obligation_id, level in db.session.execute(select(Escalation.obligation_id, Escalation.level)):
        state[obligation_id][1].add(level)
    return state


def test_four_sweeps_at_once_over_ten_thousand_due_obligations_escalate_each_exactly_once(duty_team):
    now = now_utc()
    # Due over the last eight minutes: level 1 has fallen due, level 2 (half an hour on) has not.
    due_obligations(duty_team, 10_000, level=MANAGER, due_from=now - timedelta(minutes=10),
                    spread=timedelta(minutes=8))

    processes = [start_sweep() for _ in range(4)]
    outputs = [process.communicate(timeout=120) for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0, 0], outputs
    assert sum(issued_by(out) for out, _ in outputs) == 10_000
    assert count_escalations() == 10_000
    levels = db.session.execute(
        select(Escalation.level, func.count(), func.count(func.distinct(Escalation.obligation_id)))
        .group_by(Escalation.level)).all()
    assert levels == [(MANAGER, 10_000, 10_000)]
    assert db.session.scalar(select(func.count()).select_from(Escalation).where(
        Escalation.recipient_id != duty_team.manager_id)) == 0
    # None missed: every obligation has moved on to level 2, due half an hour after it was.
    assert db.session.execute(select(Obligation.escalation_level, func.count()).where(
        Obligation.escalates_at.is_not(None)).group_by(Obligation.escalation_level)).all() == [(SENIOR, 10_000)]
    assert db.session.scalar(select(func.count()).select_from(Obligation).join(
        Escalation, Escalation.obligation_id == Obligation.id).where(
        Escalation.due_at != Obligation.due_at)) == 0


def test_a_sweep_killed_half_way_leaves_nothing_half_done_and_the_next_one_completes_it(duty_team):
    now = now_utc()
    # Every step of 10,000 ladders has fallen due: 30,000 escalations, taken warnings first.
    due_obligations(duty_team, 10_000, level=WARNING, due_from=now - timedelta(hours=3),
                    spread=timedelta(minutes=30))

    process = start_sweep()
    deadline = time.monotonic() + 60
    while count_escalations() == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    wait_until_the_killed_sweep_holds_no_lock(deadline)
    left = count_escalations()
    assert 0 < left < 30_000, "the kill did not land half-way through the sweep"
    for obligation_id, (next_level, issued) in ladder_state().items():
        # Each obligation's record agrees with what was issued for it: every step below its next.
        expected = set(EscalationLevel) if next_level is None else {level for level in EscalationLevel
                                                                     if level < next_level}
        assert issued == expected, (obligation_id, next_level, issued)

    report = sweep(now_utc(), send_email=False)
    assert report.total == 30_000 - left
    assert count_escalations() == 30_000
    per_obligation = db.session.execute(
        select(Escalation.obligation_id, func.count(), func.count(func.distinct(Escalation.level)))
        .group_by(Escalation.obligation_id)).all()
    assert len(per_obligation) == 10_000
    assert {(count, distinct) for _, count, distinct in per_obligation} == {(3, 3)}
    assert db.session.scalar(select(func.count()).select_from(Obligation).where(
        Obligation.escalates_at.is_not(None))) == 0


@pytest.mark.parametrize("batch_size", [1000, 2])
def test_a_sweep_after_three_hours_stopped_issues_every_step_that_fell_due_once_in_due_order(front, batch_size):
    stopped, restarted = at("2026-11-23 09:00"), at("2026-11-23 12:00")
    # Calls whose hand-offs' steps (warning at :45, level 1 at the hour, level 2 at the half hour
    # after it) fell due at various times while no sweep ran; one whose level 2 is still to come.
    received = [at("2026-11-23 08:20"), at("2026-11-23 09:05"), at("2026-11-23 09:40"),
                at("2026-11-23 10:10"), at("2026-11-23 10:45")]
    contacts = [call(front, moment) for moment in received]
    # Post for Wes on Friday at 14:30, due at 10:30 on Monday (4 working hours): warned at 09:30,
    # level 1 at 10:30, level 2 at 14:30 (still to come).
    item = record_inbox_item(front.worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                             summary="Letter about attendance", received_at=at("2026-11-20 14:30"),
                             by=front.handler, now=at("2026-11-20 14:30"))
    db.session.commit()
    assert sweep(stopped).total == 0  # the last sweep before the scheduler stopped

    report = sweep(restarted, batch_size=batch_size)

    def fallen_due(ladder, due_at):
        return [(level, ladder.step_at(level, due_at)) for level in EscalationLevel
                if ladder.step_at(level, due_at) <= restarted]

    expected = [(("obligation", obligation.id), level, step_at)
                for contact in contacts for obligation in contact.obligations
                if obligation.kind in (ObligationKind.VERBAL_HANDOFF, ObligationKind.WRITTEN_HANDOFF)
                for level, step_at in fallen_due(HANDOFF, obligation.due_at)]
    expected += [(("inbox item", item.id), level, step_at)
                 for level, step_at in fallen_due(LADDERS["inbox_item"], item.due_at)]
    issued = escalations()
    assert sorted(((("obligation", e.obligation_id) if e.obligation_id else ("inbox item", e.inbox_item_id)),
                   e.level, e.due_at) for e in issued) == sorted(expected)
    assert len(issued) == len(expected) == report.total == 2 * (3 + 3 + 3 + 3 + 2) + 2
    assert all(e.issued_at == restarted for e in issued)
    assert [e.due_at for e in issued] == sorted(e.due_at for e in issued), "not issued in due order"
    assert issued[0].due_at == at("2026-11-23 09:05") and issued[-1].due_at == at("2026-11-23 11:45")
    assert [(e.level, e.due_at) for e in issued if e.inbox_item_id] == [
        (WARNING, at("2026-11-23 09:30")), (MANAGER, at("2026-11-23 10:30"))]
    # Each ladder now waits at its next step, and a sweep straight after has nothing to do.
    last = contacts[-1].obligations[0]
    assert (last.escalation_level, last.escalates_at) == (SENIOR, at("2026-11-23 12:15"))
    assert (item.escalation_level, item.escalates_at) == (SENIOR, at("2026-11-23 14:30"))
    assert sweep(restarted, batch_size=batch_size).total == 0
