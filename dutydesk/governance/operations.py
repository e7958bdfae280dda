"""Making the monthly report (R54) and reminding of a quarter without an audit (R30), telling
those who must know; drawing an audit, recording its findings and completing it (R30); signing
off a case file (R45). Each flushes; the view or the scheduler's job commits."""

from datetime import date, datetime

from sqlalchemy import select

from dutydesk import permissions, rules
from dutydesk.access import check_may_change
from dutydesk.cases.queries import list_unallocated
from dutydesk.clock import to_london
from dutydesk.errors import DomainError
from dutydesk.escalations import mail
from dutydesk.extensions import db
from dutydesk.governance import queries, sampling
from dutydesk.governance.questions import QUESTIONS
from dutydesk.models import (
    AuditAnswer,
    AuditJudgement,
    AuditReminder,
    CaseSignOff,
    EmailStatus,
    FileAudit,
    FileAuditFile,
    FileAuditFinding,
    MonthlyReport,
    MonthlyReportCase,
    Notice,
    Referral,
    User,
)

#: The reason a case in a report shows when none was recorded.
NO_REASON = "No reason recorded"


def quarter_words(quarter: date) -> str:
    """'July to September 2026'."""
    last = rules.month_before(rules.quarter_after(quarter))
    return f"{quarter:%B}{'' if quarter.year == last.year else f' {quarter.year}'} to {last:%B %Y}"


def _tell(people: list[User], *, now: datetime, report: MonthlyReport | None = None,
          reminder: AuditReminder | None = None) -> None:
    """Tell each person, in dutydesk and (once committed) by e-mail, with nothing about a child."""
    is_mailed = mail.is_configured()
    for person in people:
        db.session.add(Notice(
            report=report, reminder=reminder, recipient=person, created_at=now,
            email_status=EmailStatus.PENDING if is_mailed else EmailStatus.NOT_SENT, email_attempts=0,
            email_error="" if is_mailed else "E-mail is not configured (MAIL_SERVER)",
            email_next_attempt_at=now if is_mailed else None))


def make_monthly_report(month: date, *, now: datetime) -> MonthlyReport:
    """R54: record the cases with no allocated worker now, for the month's report, each with its
    nature (the concern raised, the need found), why it is unallocated, how the team keeps in
    contact with the child meanwhile, and since when; tell the senior managers and directors."""
    cases = list_unallocated(None)
    concerns, needs = queries.concerns_and_needs([case.referral.id for case in cases])
    report = MonthlyReport(month=month, due_at=rules.monthly_report_due_at(month), made_at=now)
    db.session.add(report)
    for position, case in enumerate(cases):
        referral = case.referral
        reason = referral.unallocated_reason
        if referral.worker is not None:  # a leaver still named on it (R55: not allocated)
            reason = "; ".join(part for part in (f"{referral.worker.display_name} is no longer active", reason) if part)
        db.session.add(MonthlyReportCase(
            report=report, referral=referral, position=position, team_id=referral.team_id,
            referred_on=referral.referred_on, concern_category=concerns[referral.id],
            primary_need=needs.get(referral.id), reason=reason or NO_REASON, contingency=referral.contingency,
            unallocated_since=case.since))
    _tell(queries.list_people_with(permissions.VIEW_MONTHLY_REPORTS), now=now, report=report)
    db.session.flush()
    return report


def issue_audit_reminder(quarter: date, *, now: datetime) -> AuditReminder:
    """R30: record that the quarter passed without a file audit completed, and tell the senior managers."""
    reminder = AuditReminder(quarter=quarter, due_at=rules.audit_reminder_due_at(quarter), issued_at=now)
    db.session.add(reminder)
    _tell(queries.list_people_with(permissions.AUDIT_CASE_FILES), now=now, reminder=reminder)
    db.session.flush()
    return reminder


def mark_read(user: User, *, now: datetime, report: MonthlyReport | None = None,
              reminders: bool = False) -> None:
    """The person has opened the report (or the audits, for reminders): it is no longer new to them."""
    statement = select(Notice).where(Notice.recipient_id == user.id, Notice.read_at.is_(None))
    if report is not None:
        statement = statement.where(Notice.report_id == report.id)
    elif reminders:
        statement = statement.where(Notice.reminder_id.is_not(None))
    else:
        return
    for notice in db.session.scalars(statement):
        notice.read_at = now


# --- file audits (R30) ----------------------------------------------------------------------------


def _check_auditor(by: User) -> None:
    if not (by.is_active and by.has_any_role(permissions.AUDIT_CASE_FILES)):
        raise DomainError("Only a senior manager audits case files (R30)")


def draw_audit(quarter: date, *, size: int, by: User, now: datetime, seed: int | None = None) -> FileAudit:
    """R30: draw a random sample of `size` case files open in the quarter, with a seed recorded (a
    new random one unless given) so that anyone can draw the same files again."""
    _check_auditor(by)
    if quarter != rules.quarter_start(quarter):
        raise DomainError("Choose a quarter from the list", "quarter")
    if quarter > rules.quarter_start(to_london(now).date()):
        raise DomainError(f"{quarter_words(quarter)} has not begun: choose this quarter or an earlier one", "quarter")
    if not 1 <= size <= rules.FILE_AUDIT_SAMPLE_MOST:
        raise DomainError(f"Choose between 1 and {rules.FILE_AUDIT_SAMPLE_MOST} files", "size")
    population = queries.list_population(quarter)
    if not population:
        raise DomainError(f"No case was open in {quarter_words(quarter)}: choose another quarter", "quarter")
    if size > len(population):
        raise DomainError(f"Only {len(population)} case{'s were' if len(population) != 1 else ' was'} open in "
                          f"{quarter_words(quarter)}: choose {len(population)} or fewer files", "size")
    seed = sampling.new_seed() if seed is None else seed
    audit = FileAudit(quarter=quarter, seed=seed, population=population, drawn_at=now, drawn_by=by, summary="")
    db.session.add(audit)
    for position, referral_id in enumerate(sampling.draw(population, seed, size)):
        db.session.add(FileAuditFile(audit=audit, referral_id=referral_id, position=position))
    db.session.flush()
    return audit


def redraw(audit: FileAudit) -> list[int]:
    """The files the audit's seed draws from the cases it was drawn from: the audit's own, always."""
    return sampling.draw(audit.population, audit.seed, len(audit.files))


def _check_open(audit: FileAudit) -> None:
    if audit.is_completed:
        raise DomainError(f"The audit was completed by {audit.completed_by.display_name} on "
                          f"{to_london(audit.completed_at):%-d %B %Y}: nothing more can be recorded on it")


def record_finding(file: FileAuditFile, *, judgement: AuditJudgement, answers: dict[str, AuditAnswer],
                   findings: str, actions: str, by: User, now: datetime) -> FileAuditFinding:
    """R30: what the auditor found in one file drawn: an answer to each question, a judgement and
    what they found, and what is to be done. Recorded again, the latest stands; the earlier stays."""
    _check_auditor(by)
    _check_open(file.audit)
    for question in QUESTIONS:
        if answers.get(question.key) is None:
            raise DomainError(f"Answer: {question.text}", question.key)
    if not findings.strip():
        raise DomainError("Enter what you found in the case file", "findings")
    finding = FileAuditFinding(file_id=file.id, judgement=judgement,
                               answers={question.key: answers[question.key].value for question in QUESTIONS},
                               findings=findings.strip(), actions=actions.strip(), recorded_at=now, recorded_by=by)
    db.session.add(finding)
    db.session.flush()
    db.session.expire(file, ["findings"])  # read again with this one
    return finding


def complete_audit(audit: FileAudit, *, summary: str, by: User, now: datetime) -> FileAudit:
    """R30: the audit is done once every file drawn has its findings; say what it found overall."""
    _check_auditor(by)
    _check_open(audit)
    missing = [file for file in audit.files if file.finding is None]
    if missing:
        raise DomainError(f"Record the findings of every file first: {len(missing)} of {len(audit.files)} "
                          f"{'have' if len(missing) != 1 else 'has'} none yet")
    if not summary.strip():
        raise DomainError("Enter what the audit found overall, and what is to be done", "summary")
    audit.completed_at, audit.completed_by, audit.summary = now, by, summary.strip()
    db.session.flush()
    return audit


# --- sign-off (R45) -------------------------------------------------------------------------------


def may_sign_off(user: User, referral: Referral) -> bool:
    """Whether the person is a manager who may sign the case file off (not their own case)."""
    return (user.has_any_role(permissions.SIGN_OFF_CASES) and referral.worker_id != user.id)


def sign_off_case(referral: Referral, *, note: str, by: User, now: datetime) -> CaseSignOff:
    """R45: a manager has read and reviewed the case file, and signs it, noting what they saw and
    any actions. The managers of the team holding the case and senior managers (access.py) may,
    but not the manager who holds the case: the supervisor reads the work of someone else."""
    check_may_change(by, referral, now=now)
    if not by.has_any_role(permissions.SIGN_OFF_CASES):
        raise DomainError("Only a duty manager or a senior manager signs off a case file")
    if referral.worker_id == by.id:
        raise DomainError("You hold this case: another manager reads and signs off its file", "note")
    if not note.strip():
        raise DomainError("Enter what you read and any actions for the worker", "note")
    sign_off = CaseSignOff(referral=referral, signed_at=now, signed_by=by, note=note.strip())
    db.session.add(sign_off)
    db.session.flush()
    return sign_off
