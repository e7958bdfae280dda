"""The scheduler's governance job: the monthly report of unallocated cases (R54), the reminder of a
quarter without a file audit (R30), and their e-mails. Safe to run any number of times, at once.

Each is "due and not yet done" at the moment the job runs, whenever that is:

- the report of the latest month whose first working day has opened (rules.latest_month_reported)
  is made unless it has been. It is a snapshot of the cases unallocated when it is made, so a
  month whose first working day passed with no scheduler running is not made later (it would not
  be as at then): the reports page lists it as missed.
- the latest quarter that ended (rules.latest_quarter_ended) is reminded of unless it has been, or
  an audit of it has been completed.

Exactly once, whatever the number of schedulers: a process takes its turn under a lock before it
looks (on PostgreSQL an advisory lock, on SQLite the write lock), looks whether the work is done,
and does it and records it in the same transaction; the unique month (quarter) is the backstop,
and a process that meets it rolls back having done nothing. The e-mails go out after the commit,
claimed as escalations' are (escalations/mail.py): each person told once.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from threading import Event

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dutydesk import rules
from dutydesk.clock import now_utc
from dutydesk.database import take_turns
from dutydesk.escalations.mail import Delivery, DeliveryReport
from dutydesk.extensions import db
from dutydesk.governance import operations
from dutydesk.governance.mail import NOTICES
from dutydesk.models import AuditReminder, FileAudit, MonthlyReport

log = logging.getLogger(__name__)

#: Any number: the key of the PostgreSQL advisory lock under which the job takes its turn.
_LOCK_KEY = 130_054


@dataclass
class GovernanceReport:
    report: MonthlyReport | None = None
    reminder: AuditReminder | None = None
    emails: DeliveryReport = field(default_factory=DeliveryReport)

    def __str__(self) -> str:
        made = (f"the report of {self.report.month:%B %Y} made ({len(self.report.cases)} unallocated case(s))"
                if self.report else "no report due")
        reminded = (f"the senior managers reminded that {operations.quarter_words(self.reminder.quarter)} had no "
                    "file audit" if self.reminder else "no reminder due")
        return f"Governance: {made}; {reminded}. E-mails: {self.emails}."


def produce_monthly_report(now: datetime) -> MonthlyReport | None:
    """Make the report of the latest month due, once; None when it was made already."""
    month = rules.latest_month_reported(now)
    take_turns(db.session, _LOCK_KEY)
    if db.session.scalar(select(MonthlyReport.id).where(MonthlyReport.month == month)) is not None:
        db.session.rollback()
        return None
    return _commit(lambda: operations.make_monthly_report(month, now=now))


def remind_of_missing_audit(now: datetime) -> AuditReminder | None:
    """Remind the senior managers once that the latest quarter ended without a file audit completed."""
    quarter = rules.latest_quarter_ended(now)
    take_turns(db.session, _LOCK_KEY)
    reminded = db.session.scalar(select(AuditReminder.id).where(AuditReminder.quarter == quarter))
    audited = db.session.scalar(select(FileAudit.id).where(FileAudit.quarter == quarter,
                                                           FileAudit.completed_at.is_not(None)).limit(1))
    if reminded is not None or audited is not None:
        db.session.rollback()
        return None
    return _commit(lambda: operations.issue_audit_reminder(quarter, now=now))


def _commit(make):
    try:
        made = make()
        db.session.commit()
    except IntegrityError as error:
        # Another process did it first (the unique month or quarter): nothing of ours was kept.
        db.session.rollback()
        log.warning("governance: rolled back, done already by another process: %s", error.__class__.__name__)
        return None
    return made


def deliver_notices(now: datetime, stop: Event | None = None) -> DeliveryReport:
    """Send the notices' e-mails waiting, batch after batch, until none is due or a stop is asked."""
    with Delivery(stop, outbox=NOTICES) as delivery:
        while delivery.deliver_batch(now):
            pass
    return delivery.report


def run(now: datetime, stop: Event | None = None) -> GovernanceReport:
    """Everything of governance due by `now`, once."""
    done = GovernanceReport(report=produce_monthly_report(now), reminder=remind_of_missing_audit(now))
    done.emails = deliver_notices(now, stop)
    return done


def governance_job(stop: Event) -> None:
    """The scheduler's job: the monthly report and the audit reminder when due, and their e-mails."""
    done = run(now_utc(), stop)
    if done.report or done.reminder or done.emails.attempted or done.emails.released:
        log.info("%s", done)
