"""The sweep: take every escalation step that has fallen due, exactly once, in due order.

Each open obligation and inbox item carries its next step (`escalation_level`) and when it
falls due (`escalates_at`). A sweep reads the due ones in batches, oldest first, through a
partial index; for each it records the escalation and moves the item to its next step in the
same transaction. Whatever happens, each step is issued once:

- On PostgreSQL the batch is read `FOR UPDATE SKIP LOCKED`, so sweeps running at once take
  different rows; on SQLite a sweep takes the write lock before it reads, so they take turns.
- The unique constraint on (obligation, level) and (inbox item, level) is the backstop: a
  batch that would issue a step twice is rolled back and read again.
- A sweep killed half-way loses its uncommitted batch only; the next sweep takes it again.
- A sweep after an outage issues everything that fell due meanwhile, in due order, each with
  when it fell due and when it was issued. Steps of a full batch are issued only up to the
  last row read, so that no step of a later batch is older than one already issued.

E-mails are sent after the escalations are committed (see escalations.mail). A sweep stops
between batches when asked (the scheduler's SIGTERM): what it committed stands, and the rest is
still due for the next sweep.
"""

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from dutydesk.absences.directory import Directory
from dutydesk.clock import now_utc
from dutydesk.database import lock_for_writing
from dutydesk.escalations import mail
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, Escalation, InboxItem, Obligation
from dutydesk.rules import LADDERS, EscalationLevel

log = logging.getLogger(__name__)

#: Rows read (and locked) per transaction.
BATCH_SIZE = 1000
#: A batch rolled back (two sweeps raced to one step) is read again at most this many times.
RETRIES = 5


@dataclass(frozen=True)
class _Source:
    """One kind of thing that escalates, and how to read its ladder and owner."""

    model: type
    key: str  # the escalation's column naming it
    open_column: str

    def ladder_name(self, row) -> str:
        return row.kind.value if self.model is Obligation else "inbox_item"

    def columns(self):
        model = self.model
        owner = model.worker_id if model is Obligation else model.holder_id
        kind = model.kind if model is Obligation else db.literal(None)
        return (model.id, model.escalation_level, model.escalates_at, model.due_at, model.team_id,
                owner.label("owner_id"), kind.label("kind"))


SOURCES = (
    _Source(Obligation, "obligation_id", "met_at"),
    _Source(InboxItem, "inbox_item_id", "actioned_at"),
)


@dataclass
class SweepReport:
    issued: Counter = field(default_factory=Counter)
    batches: int = 0
    retried: int = 0
    emails: mail.DeliveryReport = field(default_factory=mail.DeliveryReport)

    @property
    def total(self) -> int:
        return sum(self.issued.values())

    def __str__(self) -> str:
        issued = self.issued
        return (f"Issued {self.total} escalation(s): {issued[EscalationLevel.WARNING]} warning(s) to owners, "
                f"{issued[EscalationLevel.MANAGER]} to duty managers, {issued[EscalationLevel.SENIOR]} to senior "
                f"managers, in {self.batches} batch(es). E-mails: {self.emails}.")


def due_rows(source: _Source, now: datetime, limit: int):
    """The statement reading items whose next step has fallen due, oldest first."""
    model = source.model
    return (select(*source.columns())
            .where(getattr(model, source.open_column).is_(None), model.escalates_at.is_not(None),
                   model.escalates_at <= now)
            .order_by(model.escalates_at, model.id)
            .limit(limit))


def sweep(now: datetime, *, batch_size: int = BATCH_SIZE, send_email: bool = True,
          stop: Event | None = None) -> SweepReport:
    """Issue every escalation due by `now`, then send the e-mails waiting. Safe to run at once.

    E-mail goes out batch after batch until none is waiting; between batches whatever has
    fallen due since is issued, so that a burst of e-mail never holds up the ladders. A stop
    (the scheduler's SIGTERM) is seen between batches, and by the e-mail between messages.
    """
    report = SweepReport()
    stop = stop or Event()
    started = time.monotonic()  # how long this sweep has run, added to `now` as it goes on
    with mail.Delivery(stop) as delivery:
        report.emails = delivery.report
        moment = now
        while True:
            _issue_due(moment, batch_size, report, stop)
            if not send_email or stop.is_set() or not delivery.deliver_batch(moment):
                break
            moment = now + timedelta(seconds=time.monotonic() - started)
    return report


def _issue_due(now: datetime, batch_size: int, report: SweepReport, stop: Event) -> None:
    """Issue the due steps, batch after batch, until none is due or a stop is asked."""
    retries = 0
    while not stop.is_set():
        try:
            issued = _sweep_batch(now, batch_size)
        except (IntegrityError, OperationalError) as error:
            # Another sweep issued one of these steps first (or held the lock too long):
            # nothing of this batch was kept; read again what is still due.
            db.session.rollback()
            retries += 1
            report.retried += 1
            if retries > RETRIES:
                raise
            log.warning("escalation batch rolled back and read again: %s", error.__class__.__name__)
            continue
        if issued is None:
            return
        report.batches += 1
        report.issued.update(issued)


def _read_batch(now: datetime, batch_size: int):
    """Due rows of every source, and the horizon up to which their steps may be issued."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    horizon, batch = now, []
    for source in SOURCES:
        statement = due_rows(source, now, batch_size)
        if postgres:
            statement = statement.with_for_update(skip_locked=True, of=source.model)
        rows = db.session.execute(statement).all()
        if len(rows) == batch_size:
            horizon = min(horizon, rows[-1].escalates_at)
        batch.extend((source, row) for row in rows)
    return batch, horizon


def _sweep_batch(now: datetime, batch_size: int) -> Counter | None:
    """Issue one batch of due steps and commit; None when nothing is due."""
    lock_for_writing(db.session)
    batch, horizon = _read_batch(now, batch_size)
    if not batch:
        db.session.rollback()
        return None
    directory = Directory.load(now)
    email = EmailStatus.PENDING if mail.is_configured() else EmailStatus.NOT_SENT
    email_note = "" if email is EmailStatus.PENDING else "E-mail is not configured (MAIL_SERVER)"
    steps, moves = [], {source: [] for source in SOURCES}
    for source, row in batch:
        ladder = LADDERS[source.ladder_name(row)]
        level, step_at = row.escalation_level, row.escalates_at
        while level is not None and step_at <= horizon:
            steps.append({
                "obligation_id": None, "inbox_item_id": None, source.key: row.id,
                "level": level, "team_id": row.team_id, "recipient_id": _recipient(directory, level, row),
                "due_at": step_at, "issued_at": now, "acknowledgement": "",
                "email_status": email, "email_attempts": 0, "email_error": email_note,
                "email_next_attempt_at": now if email is EmailStatus.PENDING else None,
            })
            level = ladder.step_after(level)
            step_at = ladder.step_at(level, row.due_at) if level is not None else None
        moves[source].append({"id": row.id, "escalation_level": level, "escalates_at": step_at})
    steps.sort(key=lambda step: (step["due_at"], step["level"], step["obligation_id"] or 0,
                                 step["inbox_item_id"] or 0))
    if steps:
        # render_nulls: rows with and without a recipient go in one statement, not dozens.
        db.session.execute(insert(Escalation).execution_options(render_nulls=True), steps)
    for source, rows in moves.items():
        if rows:
            db.session.execute(update(source.model), rows)
    db.session.commit()
    return Counter(step["level"] for step in steps)


def _recipient(directory: Directory, level: EscalationLevel, row) -> int | None:
    """Warning: the owner (or who stands in for them; the team's manager for team-held work).
    Level 1: the team's duty manager, unless the work is the manager's own: then, as level 2,
    None: the senior managers, who all see it."""
    if level is EscalationLevel.SENIOR:
        return None
    owner = directory.stand_in(row.owner_id) if row.owner_id is not None else None
    if level is EscalationLevel.WARNING and owner is not None:
        return owner
    manager = directory.team_manager(row.team_id)
    if level is EscalationLevel.MANAGER and owner is not None and manager == owner:
        return None
    return manager


def sweep_job(stop: Event) -> None:
    """The scheduler's job: one sweep at the current time, until done or `stop` is set."""
    report = sweep(now_utc(), stop=stop)
    if report.total or report.emails.attempted or report.emails.released:
        log.info("sweep: %s", report)
