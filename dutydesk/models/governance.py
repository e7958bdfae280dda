"""What senior managers and directors are given to govern the front door: the monthly report of
unallocated cases (R54), quarterly audits of a random sample of case files (R30), managers'
sign-offs of case files (R45), and the notices that tell people of them (in dutydesk and by e-mail).
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.cases import Referral
from dutydesk.models.codes import ConcernCategory, LabelledEnum, PrimaryNeed
from dutydesk.models.escalations import EmailStatus
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


class MonthlyReport(db.Model):
    """R54: the month's unallocated cases, made once on the first working day of the month after.

    A snapshot, never changed: each case as it stood when the report was made (`made_at`), one
    line each. The unique month is the backstop of "once, whatever the number of schedulers"."""

    __tablename__ = "monthly_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The first day of the month reported on.
    month: Mapped[date] = mapped_column(Date, unique=True)
    #: When it fell due (rules.monthly_report_due_at), and when it was made: as at then.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)

    cases: Mapped[list["MonthlyReportCase"]] = relationship(back_populates="report",
                                                            order_by="MonthlyReportCase.position")


class MonthlyReportCase(db.Model):
    """One unallocated case in a monthly report, as it stood when the report was made."""

    __tablename__ = "monthly_report_cases"
    __table_args__ = (UniqueConstraint("report_id", "referral_id"), UniqueConstraint("report_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monthly_reports.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    #: The longest waiting first.
    position: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    referred_on: Mapped[date] = mapped_column(Date)
    #: Its nature: the concern the call raised, and the primary need its latest completed
    #: assessment found (none before an assessment is completed).
    concern_category: Mapped[ConcernCategory] = mapped_column(StrEnumType(ConcernCategory))
    primary_need: Mapped[PrimaryNeed | None] = mapped_column(StrEnumType(PrimaryNeed, 2), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    contingency: Mapped[str] = mapped_column(Text)
    #: Since when it had no named worker; None when a worker who left is still named on it (when
    #: they left is not recorded).
    unallocated_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    report: Mapped[MonthlyReport] = relationship(back_populates="cases")
    referral: Mapped[Referral] = relationship()
    team: Mapped[Team] = relationship()


class AuditJudgement(LabelledEnum):
    """The auditor's overall judgement of one case file (Ofsted's words)."""

    GOOD = ("good", "Good")
    REQUIRES_IMPROVEMENT = ("requires_improvement", "Requires improvement")
    INADEQUATE = ("inadequate", "Inadequate")


class AuditAnswer(LabelledEnum):
    YES = ("yes", "Yes")
    NO = ("no", "No")
    NOT_APPLICABLE = ("na", "Not applicable")


class FileAudit(db.Model):
    """R30: a senior manager's audit of a random sample of the case files of a quarter.

    The sample is drawn from the cases open at any time in the quarter (kept, in `population`)
    with a recorded seed, so anyone can draw it again and get the same files (governance/sampling.py).
    Findings are recorded for each file; the audit is then completed, and nothing more is recorded."""

    __tablename__ = "file_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The first day of the quarter audited.
    quarter: Mapped[date] = mapped_column(Date, index=True)
    seed: Mapped[int] = mapped_column(Integer)
    #: The case (referral) ids the sample was drawn from, in ascending order.
    population: Mapped[list] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: What the audit found overall, and what is to be done, written when it is completed.
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")

    drawn_by: Mapped[User] = relationship(foreign_keys=[drawn_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    files: Mapped[list["FileAuditFile"]] = relationship(back_populates="audit", order_by="FileAuditFile.position")

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class FileAuditFile(db.Model):
    """A case file drawn for an audit, in the order drawn. Never changed."""

    __tablename__ = "file_audit_files"
    __table_args__ = (UniqueConstraint("audit_id", "referral_id"), UniqueConstraint("audit_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("file_audits.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    audit: Mapped[FileAudit] = relationship(back_populates="files")
    referral: Mapped[Referral] = relationship()
    #: Read only: a finding recorded is added by its file's id, leaving this row (append-only) untouched.
    findings: Mapped[list["FileAuditFinding"]] = relationship(order_by="FileAuditFinding.id", viewonly=True)

    @property
    def finding(self) -> "FileAuditFinding | None":
        """The findings that stand: the latest recorded (an earlier one stays, as history)."""
        return self.findings[-1] if self.findings else None


class FileAuditFinding(db.Model):
    """What the auditor found in one case file. Never changed: recorded again, the latest stands."""

    __tablename__ = "file_audit_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("file_audit_files.id"), index=True)
    judgement: Mapped[AuditJudgement] = mapped_column(StrEnumType(AuditJudgement))
    #: The answer to each of the audit's questions (governance/questions.py), by the question's key.
    answers: Mapped[dict] = mapped_column(JSON)
    findings: Mapped[str] = mapped_column(Text)
    #: What the auditor asks to be done about the file, if anything.
    actions: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    file: Mapped[FileAuditFile] = relationship()
    recorded_by: Mapped[User] = relationship()


class CaseSignOff(db.Model):
    """R45: a manager read, reviewed and signed the case file: who, when, and what they noted."""

    __tablename__ = "case_sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The manager's observations and any actions they ask for (SSI audit framework 6.3).
    note: Mapped[str] = mapped_column(Text)

    referral: Mapped[Referral] = relationship()
    signed_by: Mapped[User] = relationship()


class AuditReminder(db.Model):
    """R30: the senior managers were reminded that a quarter passed without a file audit
    completed. Once a quarter, whatever the number of schedulers (the unique quarter)."""

    __tablename__ = "audit_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[date] = mapped_column(Date, unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notice(db.Model):
    """One person told of a monthly report or a quarter without a file audit: shown in dutydesk
    until they open it (`read_at`), and e-mailed as escalations are (escalations/mail.py)."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("report_id", "recipient_id"),
        UniqueConstraint("reminder_id", "recipient_id"),
        CheckConstraint("(report_id IS NULL) <> (reminder_id IS NULL)", name="notice_has_one_subject"),
        # The header's counts read what each person has not opened; the sender, what waits to go.
        Index("ix_notices_unread_recipient", "recipient_id",
              sqlite_where=db.text("read_at IS NULL"), postgresql_where=db.text("read_at IS NULL")),
        Index("ix_notices_email_pending", "email_next_attempt_at",
              sqlite_where=db.text("email_status = 'pending'"), postgresql_where=db.text("email_status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("monthly_reports.id"), nullable=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("audit_reminders.id"), nullable=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    email_status: Mapped[EmailStatus] = mapped_column(StrEnumType(EmailStatus, 10))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the next attempt may be made; a sender claims an e-mail by moving this forward.
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    report: Mapped[MonthlyReport | None] = relationship()
    reminder: Mapped[AuditReminder | None] = relationship()
    recipient: Mapped[User] = relationship()
