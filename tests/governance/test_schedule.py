"""When the scheduler's governance falls due, at its boundaries: the monthly report at the opening of
the first working day (after a bank holiday Monday, the Tuesday), and the reminder of a quarter
that passed without a file audit."""

from datetime import date, timedelta

from sqlalchemy import func, select

from dutydesk import rules
from dutydesk.extensions import db
from dutydesk.governance import operations
from dutydesk.governance.jobs import governance_job, produce_monthly_report, remind_of_missing_audit
from dutydesk.governance.questions import QUESTIONS
from dutydesk.models import AuditAnswer, AuditJudgement, AuditReminder, MonthlyReport, Notice
from dutydesk.scheduler import JOBS
from tests.factories import at

from .conftest import refer

SECOND = timedelta(seconds=1)


def months_reported() -> list[date]:
    return list(db.session.scalars(select(MonthlyReport.month).order_by(MonthlyReport.month)))


def test_after_easter_monday_on_the_first_the_march_report_is_made_at_nine_on_the_tuesday_not_before(world):
    # Easter Monday, 1 April 2024: a bank holiday. The first working day of April is Tuesday the 2nd.
    due = at("2024-04-02 09:00", "Europe/London")
    assert rules.monthly_report_due_at(date(2024, 3, 1)) == due == at("2024-04-02 08:00")  # BST
    assert produce_monthly_report(at("2024-04-01 12:00", "Europe/London")).month == date(2024, 2, 1)

    assert produce_monthly_report(due - SECOND) is None  # February's is made; March's is not due yet
    assert produce_monthly_report(due).month == date(2024, 3, 1)
    assert produce_monthly_report(due + SECOND) is None
    assert months_reported() == [date(2024, 2, 1), date(2024, 3, 1)]


def test_a_may_day_or_new_years_day_on_a_monday_puts_the_report_on_the_tuesday():
    assert rules.monthly_report_due_at(date(2028, 4, 1)) == at("2028-05-02 09:00", "Europe/London")  # May Day
    assert rules.monthly_report_due_at(date(2028, 12, 1)) == at("2029-01-02 09:00", "Europe/London")  # New Year
    # A 1st on a Saturday: the Monday after.
    assert rules.monthly_report_due_at(date(2026, 7, 1)) == at("2026-08-03 09:00", "Europe/London")


def test_the_quarter_ended_is_reminded_once_at_the_opening_of_the_first_working_day_after_it(world):
    # July to September 2026 ends on Wednesday 30 September; Thursday 1 October is a working day.
    due = at("2026-10-01 09:00", "Europe/London")
    assert rules.audit_reminder_due_at(date(2026, 7, 1)) == due
    assert remind_of_missing_audit(due - SECOND).quarter == date(2026, 4, 1)  # the quarter before, never audited

    assert remind_of_missing_audit(due - SECOND) is None
    reminder = remind_of_missing_audit(due)
    assert reminder.quarter == date(2026, 7, 1)
    assert remind_of_missing_audit(due + timedelta(days=20)) is None
    assert db.session.scalar(select(func.count()).select_from(AuditReminder)) == 2
    told = db.session.scalars(select(Notice.recipient_id).where(Notice.reminder_id == reminder.id)).all()
    assert told == [world.senior.id]  # the senior managers audit files; the director is not reminded


def test_a_quarter_with_an_audit_completed_is_not_reminded(world):
    refer(world, "Leo Martin", at("2026-08-03 10:00"))
    audit = operations.draw_audit(date(2026, 7, 1), size=1, by=world.senior, now=at("2026-09-28 10:00"))
    [file] = audit.files
    operations.record_finding(file, judgement=AuditJudgement.GOOD,
                              answers={question.key: AuditAnswer.YES for question in QUESTIONS},
                              findings="Clear plan, child seen", actions="", by=world.senior,
                              now=at("2026-09-28 11:00"))
    operations.complete_audit(audit, summary="All well", by=world.senior, now=at("2026-09-28 12:00"))
    db.session.commit()

    assert remind_of_missing_audit(at("2026-10-01 09:00", "Europe/London")) is None
    assert db.session.scalar(select(func.count()).select_from(AuditReminder)) == 0


def test_the_scheduler_looks_every_five_minutes_so_the_report_is_made_by_five_past_nine(app):
    assert (governance_job, "GOVERNANCE_INTERVAL_SECONDS") in JOBS
    assert app.config["GOVERNANCE_INTERVAL_SECONDS"] == 300
