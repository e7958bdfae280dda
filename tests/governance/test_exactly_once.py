"""The monthly report and the audit reminder are made once, whatever the number of schedulers: the
real `flask --app dutydesk governance`, several processes at once, on whichever database the suite
uses (SQLite or PostgreSQL), on data committed for them to see."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from dutydesk import rules
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import AuditReminder, MonthlyReport, MonthlyReportCase, Notice
from tests.factories import flask_command_environment

from .conftest import refer

ROOT = Path(__file__).resolve().parents[2]


def start_governance() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "dutydesk", "governance"], cwd=ROOT,
                            env=flask_command_environment(current_app), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def count(model, *where) -> int:
    number = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.rollback()
    return number


def test_three_schedulers_at_once_make_the_months_report_and_the_quarters_reminder_once(world):
    for name in ("Kai Brown", "Noah Price", "Mia Novak"):
        refer(world, name, now_utc() - timedelta(days=3))
    db.session.commit()

    processes = [start_governance() for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    said = [out for out, _ in outputs]
    assert sum("report of" in out and "made (3 unallocated case(s))" in out for out in said) == 1, said
    assert sum("no report due" in out for out in said) == 2, said
    assert sum("the senior managers reminded" in out for out in said) == 1, said
    [report] = db.session.scalars(select(MonthlyReport)).all()
    assert report.month == rules.latest_month_reported(report.made_at)
    assert count(MonthlyReportCase) == 3
    assert count(AuditReminder) == 1
    # Each senior manager and director told of the report once; the senior manager of the quarter once.
    assert sorted(db.session.execute(select(Notice.recipient_id, Notice.report_id.is_not(None))).all()) == sorted(
        [(world.senior.id, True), (world.director.id, True), (world.senior.id, False)])
