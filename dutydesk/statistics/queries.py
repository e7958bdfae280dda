"""What the statistics pages show, read through the reporting session (statistics.reporting):
Rec 29's figures with contacts, repeat referrals and timeliness beside them, the month-by-month
trend, and the children behind each figure. Every definition is rec29's; this module only
gathers them for a page."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dutydesk import rules
from dutydesk.clock import to_london
from dutydesk.models import Assessment, Child, Contact, Obligation, ObligationKind, Referral, Team, TeamKind
from dutydesk.rules import ObligationState
from dutydesk.statistics import rec29
from dutydesk.statistics.rec29 import Measure, Period

#: The children lists show this many children a page.
CHILDREN_PER_PAGE = 100
#: How the timeliness table names each way a clock ended, in its order.
CLOCK_STATES = {ObligationState.MET_ON_TIME: "Met on time", ObligationState.MET_LATE: "Met late",
                ObligationState.OPEN: "Still open", ObligationState.WITHDRAWN: "Withdrawn"}


def list_teams(session: Session) -> list[Team]:
    """The teams the statistics can be chosen for: the duty teams, those closed since included."""
    return session.scalars(select(Team).where(Team.kind.in_([TeamKind.DUTY, TeamKind.OUT_OF_HOURS]))
                           .order_by(Team.is_active.desc(), Team.kind, Team.name)).all()


@dataclass(frozen=True)
class Report:
    counts: rec29.Rec29
    repeat_referred: int
    timeliness: list[rec29.Timeliness]

    @property
    def repeat_share(self) -> float | None:
        return self.repeat_referred / self.counts.referred if self.counts.referred else None


def get_report(session: Session, period: Period, as_at: date) -> Report:
    return Report(rec29.rec29(session, period, as_at), rec29.count(session, rec29.repeat_referred(period)),
                  rec29.timeliness(session, period))


@dataclass(frozen=True)
class Month:
    period: Period
    counts: rec29.Rec29

    @property
    def label(self) -> str:
        return f"{self.period.first:%b %Y}"


def trend_months(period: Period) -> list[Period]:
    """The calendar months of the trend: those the period touches (the latest
    rules.TREND_MONTHS_AT_MOST of them), or, when it touches fewer than two, the
    rules.TREND_MONTHS_DEFAULT months up to its end. Each is the whole month."""
    def month_start(day: date) -> date:
        return day.replace(day=1)

    def next_month(day: date) -> date:
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)

    last = month_start(period.last)
    firsts = []
    day = month_start(period.first)
    while day <= last:
        firsts.append(day)
        day = next_month(day)
    if len(firsts) < 2:
        firsts = [last]
        while len(firsts) < rules.TREND_MONTHS_DEFAULT:
            firsts.insert(0, month_start(firsts[0] - timedelta(days=1)))
    firsts = firsts[-rules.TREND_MONTHS_AT_MOST:]
    return [Period(first, next_month(first) - timedelta(days=1), period.team_id) for first in firsts]


def list_trend(session: Session, period: Period, as_at: date) -> list[Month]:
    """Rec 29's counts and the contacts, month by month, as at the report date."""
    return [Month(month, rec29.rec29(session, month, as_at)) for month in trend_months(period)]


# --- the children behind a figure ----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure whose children can be listed: what it counts, and for a clock its kind and state."""

    measure: Measure
    kind: ObligationKind | None = None
    state: ObligationState | None = None

    @property
    def label(self) -> str:
        if self.measure is Measure.CLOCKS:
            return f"Children whose '{self.kind.label}' clocks due in the period were {CLOCK_STATES[self.state].lower()}"
        return self.measure.label

    def behind(self, period: Period, as_at: date):
        return rec29.behind(self.measure, period, as_at, kind=self.kind, state=self.state)


@dataclass(frozen=True)
class Reason:
    """What counts a child in a figure: a referral, an assessment, a call or a clock."""

    what: str
    on: date | None
    team: str
    contact_id: int
    contact_reference: str
    referral_id: int | None = None


@dataclass
class ChildBehind:
    child: Child
    reasons: list[Reason] = field(default_factory=list)

    @property
    def teams(self) -> list[str]:
        return sorted({reason.team for reason in self.reasons})


@dataclass(frozen=True)
class ChildrenPage:
    children: list[ChildBehind]
    number: int
    pages: int
    total: int

    @property
    def contact_ids(self) -> list[int]:
        return sorted({reason.contact_id for child in self.children for reason in child.reasons})


def count_children_behind(session: Session, figure: Figure, period: Period, as_at: date) -> int:
    rows = figure.behind(period, as_at).subquery()
    return session.scalar(select(func.count(func.distinct(rows.c.child)))) or 0


def list_children_behind(session: Session, figure: Figure, period: Period, as_at: date, page: int | None = 1,
                         *, per_page: int = CHILDREN_PER_PAGE) -> ChildrenPage:
    """The children behind a figure, by reference, a page at a time (page None: every one), each
    with what counts them."""
    rows = figure.behind(period, as_at).subquery()
    total = session.scalar(select(func.count(func.distinct(rows.c.child)))) or 0
    pages = max(1, -(-total // per_page))
    children = select(rows.c.child).distinct().order_by(rows.c.child)
    if page is not None:
        page = min(max(page, 1), pages)
        children = children.offset((page - 1) * per_page).limit(per_page)
    ids = list(session.scalars(children))
    found = []
    for start in range(0, len(ids), 500):  # a bounded number of ids in each IN (...)
        chunk = ids[start:start + 500]
        found.extend(_load(session, chunk, session.execute(select(rows).where(rows.c.child.in_(chunk))).all()))
    return ChildrenPage(found, page or 1, pages if page is not None else 1, total)


def _load(session: Session, ids: list[int], rows) -> list[ChildBehind]:
    def by_id(model, wanted, *options):
        wanted = {w for w in wanted if w is not None}
        if not wanted:
            return {}
        return {item.id: item for item in session.scalars(select(model).where(model.id.in_(wanted)).options(*options))}

    children = by_id(Child, ids, selectinload(Child.names))
    contacts = by_id(Contact, [row.contact_id for row in rows], selectinload(Contact.team))
    referrals = by_id(Referral, [row.referral_id for row in rows], selectinload(Referral.team))
    assessments = by_id(Assessment, [row.assessment_id for row in rows])
    clocks = by_id(Obligation, [row.obligation_id for row in rows], selectinload(Obligation.team))
    reasons = defaultdict(set)
    for row in rows:
        contact = contacts[row.contact_id]
        referral = referrals.get(row.referral_id)
        assessment = assessments.get(row.assessment_id)
        clock = clocks.get(row.obligation_id)
        if clock is not None:
            what = f"'{clock.kind.label}' due {to_london(clock.due_at):%-d %b %Y %H:%M}, " + (
                "withdrawn" if clock.is_withdrawn else "still open" if clock.met_at is None
                else f"met {to_london(clock.met_at):%-d %b %Y %H:%M}")
            reason = Reason(what, to_london(clock.due_at).date(), clock.team.name, contact.id, contact.reference)
        elif assessment is not None:
            reason = Reason(f"Assessment authorised {assessment.authorised_on:%-d %b %Y}, of the referral of "
                            f"{referral.referred_on:%-d %b %Y}", assessment.authorised_on, referral.team.name,
                            contact.id, contact.reference, referral.id)
        elif referral is not None:
            reason = Reason(f"Referral {referral.referred_on:%-d %b %Y}", referral.referred_on, referral.team.name,
                            contact.id, contact.reference, referral.id)
        else:
            reason = Reason(f"Call {to_london(contact.received_at):%-d %b %Y %H:%M}, not referred",
                            to_london(contact.received_at).date(), contact.team.name, contact.id, contact.reference)
        reasons[row.child].add(reason)
    return [ChildBehind(children[child_id], sorted(reasons[child_id], key=lambda r: (r.on or date.min, r.what)))
            for child_id in ids]
