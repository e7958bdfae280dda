"""Reading the monthly reports, the file audits, the sign-offs of case files and the notices."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from dutydesk import rules
from dutydesk.extensions import db
from dutydesk.models import (
    Assessment,
    AuditReminder,
    CaseSignOff,
    Closure,
    Contact,
    ContactChild,
    FileAudit,
    FileAuditFile,
    FileAuditFinding,
    MonthlyReport,
    MonthlyReportCase,
    Notice,
    Referral,
    RoleGrant,
    User,
)


def list_people_with(roles) -> list[User]:
    """The active people holding any of these roles, by name."""
    return list(db.session.scalars(
        select(User).where(User.is_active.is_(True), exists().where(
            RoleGrant.user_id == User.id, RoleGrant.role.in_(roles), RoleGrant.in_force()))
        .order_by(User.display_name, User.id)))


# --- monthly reports (R54) ------------------------------------------------------------------------


def get_report_of(month: date) -> MonthlyReport | None:
    return db.session.scalar(select(MonthlyReport).where(MonthlyReport.month == month))


def list_reports() -> list[tuple[MonthlyReport, int]]:
    """Every monthly report, the latest first, with its number of unallocated cases."""
    counted = (select(MonthlyReportCase.report_id, func.count().label("cases"))
               .group_by(MonthlyReportCase.report_id).subquery())
    return [(report, cases or 0) for report, cases in db.session.execute(
        select(MonthlyReport, counted.c.cases).outerjoin(counted, counted.c.report_id == MonthlyReport.id)
        .order_by(MonthlyReport.month.desc()))]


def list_months_missed(reports: list[MonthlyReport], latest_due: date) -> list[date]:
    """The months since the first report whose report was never made (no scheduler ran on their
    first working day), latest first: a report made later would not be as at then, so none is."""
    if not reports:
        return []
    made = {report.month for report in reports}
    month, missed = min(made), []
    while month <= latest_due:
        if month not in made:
            missed.append(month)
        month = rules.month_after(month)
    return sorted(missed, reverse=True)


def get_report(report_id: int) -> MonthlyReport | None:
    """A report with each case's child, team and call, in a fixed number of queries."""
    return db.session.scalar(
        select(MonthlyReport).where(MonthlyReport.id == report_id)
        .options(selectinload(MonthlyReport.cases).options(
            selectinload(MonthlyReportCase.team),
            selectinload(MonthlyReportCase.referral).options(
                selectinload(Referral.child).selectinload(ContactChild.child), selectinload(Referral.contact)))))


@dataclass(frozen=True)
class Tally:
    """How many of a report's cases fall under each heading (a team, a concern, a need)."""

    heading: str
    rows: list[tuple[str, int]]


def tally(report: MonthlyReport) -> list[Tally]:
    """A report's cases counted by team, by the concern raised, by the need found, and by whether
    a contingency is recorded: the nature of the month's unallocated cases at a glance."""
    cases = report.cases

    def rows(values) -> list[tuple[str, int]]:
        return sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))

    return [
        Tally("Team", rows(case.team.name for case in cases)),
        Tally("Concern raised", rows(case.concern_category.label for case in cases)),
        Tally("Primary need found", rows(f"{case.primary_need.value} {case.primary_need.label}" if case.primary_need
                                         else "Not assessed yet" for case in cases)),
        Tally("Contingency", rows("Recorded" if case.contingency else "None recorded" for case in cases)),
    ]


def concerns_and_needs(referral_ids: list[int]) -> tuple[dict, dict]:
    """Each case's concern (its call's) and the primary need of its latest completed assessment."""
    if not referral_ids:
        return {}, {}
    concerns = dict(db.session.execute(
        select(Referral.id, Contact.concern_category).join(Contact, Contact.id == Referral.contact_id)
        .where(Referral.id.in_(referral_ids))).all())
    needs = {}
    for referral_id, need in db.session.execute(
            select(Assessment.referral_id, Assessment.primary_need)
            .where(Assessment.referral_id.in_(referral_ids), Assessment.completed_on.is_not(None))
            .order_by(Assessment.completed_on, Assessment.id)):
        needs[referral_id] = need
    return concerns, needs


# --- notices --------------------------------------------------------------------------------------


def count_unread_reports(user: User) -> int:
    """Monthly reports made since the person last opened them: the header's number."""
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.recipient_id == user.id, Notice.read_at.is_(None), Notice.report_id.is_not(None))) or 0


def count_unread_reminders(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.recipient_id == user.id, Notice.read_at.is_(None), Notice.reminder_id.is_not(None))) or 0


def unread_report_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(Notice.report_id).where(
        Notice.recipient_id == user.id, Notice.read_at.is_(None), Notice.report_id.is_not(None))))


# --- file audits (R30) ----------------------------------------------------------------------------


def list_population(quarter: date) -> list[int]:
    """The cases open at any time in the quarter, by number: referred before it ended, and
    neither ended in no further action nor closed before it began."""
    starts, ends = rules.london_midnight(quarter), rules.london_midnight(rules.quarter_after(quarter))
    closed_before = exists().where(Closure.referral_id == Referral.id, Closure.closed_on < quarter)
    return list(db.session.scalars(
        select(Referral.id).where(Referral.created_at < ends, ~closed_before,
                                  or_(Referral.is_nfa.is_(False), Referral.nfa_at.is_(None), Referral.nfa_at >= starts))
        .order_by(Referral.id)))


def list_audits() -> list[FileAudit]:
    """Every audit, the latest quarter first, with its files and their findings."""
    return list(db.session.scalars(
        select(FileAudit).order_by(FileAudit.quarter.desc(), FileAudit.drawn_at.desc(), FileAudit.id.desc())
        .options(selectinload(FileAudit.drawn_by), selectinload(FileAudit.completed_by),
                 selectinload(FileAudit.files).selectinload(FileAuditFile.findings))))


def get_audit(audit_id: int) -> FileAudit | None:
    """An audit with its files, their cases and findings, in a fixed number of queries."""
    return db.session.scalar(
        select(FileAudit).where(FileAudit.id == audit_id)
        .options(selectinload(FileAudit.drawn_by), selectinload(FileAudit.completed_by),
                 selectinload(FileAudit.files).options(
                     selectinload(FileAuditFile.findings).selectinload(FileAuditFinding.recorded_by),
                     selectinload(FileAuditFile.referral).options(
                         selectinload(Referral.child), selectinload(Referral.team), selectinload(Referral.worker)))))


def quarters_audited(quarters: list[date]) -> dict[date, bool]:
    """Whether an audit of each quarter has been completed."""
    completed = set(db.session.scalars(select(FileAudit.quarter).where(
        FileAudit.quarter.in_(quarters), FileAudit.completed_at.is_not(None))))
    return {quarter: quarter in completed for quarter in quarters}


def list_reminded_quarters() -> list[date]:
    """The quarters the senior managers were reminded had passed without an audit, and still have none."""
    completed = exists().where(FileAudit.quarter == AuditReminder.quarter, FileAudit.completed_at.is_not(None))
    return list(db.session.scalars(select(AuditReminder.quarter).where(~completed)
                                   .order_by(AuditReminder.quarter.desc())))


# --- sign-offs (R45) ------------------------------------------------------------------------------


def list_sign_offs(referral_id: int) -> list[CaseSignOff]:
    """A case file's sign-offs, the latest first."""
    return list(db.session.scalars(
        select(CaseSignOff).where(CaseSignOff.referral_id == referral_id)
        .options(selectinload(CaseSignOff.signed_by))
        .order_by(CaseSignOff.signed_at.desc(), CaseSignOff.id.desc())))


def last_sign_offs(referral_ids: list[int]) -> dict[int, CaseSignOff]:
    """The latest sign-off of each of these case files that has one, in one query."""
    if not referral_ids:
        return {}
    latest = (select(CaseSignOff.referral_id, func.max(CaseSignOff.id).label("id"))
              .where(CaseSignOff.referral_id.in_(referral_ids)).group_by(CaseSignOff.referral_id).subquery())
    return {sign_off.referral_id: sign_off for sign_off in db.session.scalars(
        select(CaseSignOff).join(latest, and_(latest.c.id == CaseSignOff.id))
        .options(selectinload(CaseSignOff.signed_by)))}
