"""The notices' e-mails: a monthly report made, a quarter without a file audit. Sent, retried and
claimed as escalations' e-mails are (escalations/mail.py). They leave the council's systems, so
they carry the month or the quarter, how many cases and a link behind sign-in: never a child's
name nor anything typed about one (DESIGN 10)."""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dutydesk.display import london
from dutydesk.escalations.mail import Delivery, Outbox
from dutydesk.extensions import db
from dutydesk.governance.operations import quarter_words
from dutydesk.models import MonthlyReport, MonthlyReportCase, Notice


def _load(ids: list[int]) -> list[Notice]:
    return list(db.session.scalars(
        select(Notice).where(Notice.id.in_(ids)).order_by(Notice.id)
        .options(selectinload(Notice.recipient), selectinload(Notice.report), selectinload(Notice.reminder))))


def _addresses(notice: Notice, delivery: Delivery) -> list[str]:
    return [notice.recipient.email]


def _count_cases(report: MonthlyReport) -> int:
    return db.session.scalar(select(func.count()).select_from(MonthlyReportCase)
                             .where(MonthlyReportCase.report_id == report.id)) or 0


def _content(notice: Notice) -> tuple[str, str, str]:
    """The subject, text and Message-ID: the month or quarter, a count and links, nothing about a child."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if notice.report is not None:
        report = notice.report
        cases = _count_cases(report)
        subject = f"dutydesk: the unallocated cases report for {report.month:%B %Y}"
        body = (f"The monthly report of unallocated cases (R54) for {report.month:%B %Y} is ready: "
                f"{cases} case{'s' if cases != 1 else ''} without an allocated worker as at "
                f"{london(report.made_at, '%H:%M on %A %-d %B %Y')} (London time).\n\n"
                f"Sign in to dutydesk to see it and download it:\n{base}/monthly-reports/{report.id}\n")
    else:
        quarter = notice.reminder.quarter
        subject = f"dutydesk: no file audit for {quarter_words(quarter)}"
        body = (f"No audit of case files was completed for {quarter_words(quarter)}. Senior managers inspect a "
                "random selection of case files at least once every three months (R30).\n\n"
                f"Sign in to dutydesk to draw a sample and audit it:\n{base}/file-audits/new?quarter="
                f"{quarter.isoformat()}\n\nEvery audit is listed at:\n{base}/file-audits\n")
    message_id = f"<notice-{notice.id}@{urlsplit(base).hostname or 'dutydesk'}>"
    return subject, body, message_id


#: The notices' e-mails, sent by escalations.mail.Delivery.
NOTICES = Outbox(Notice, _load, _addresses, _content)
