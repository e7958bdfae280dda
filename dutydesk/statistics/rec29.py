"""Recommendation 29's statistics, exactly as DESIGN.md section 6 defines them, and the figures a
director reads beside them: contacts, the share that became referrals, repeat referrals, and the
timeliness of every kind of clock.

For a period [first day, day after the last) of London dates and optionally a team, counting
distinct children (a record merged into another counts as the record it joined):

    referred               children with a referral dated in the period;
    requiring a service    children whose assessment, authorised in the period, concluded that they
                           need a service (one or more identified needs);
    provided               of those, children every one of whose identified needs has a service
                           started on or before the report date;
    yet to be met          of those, children with at least one identified need with no service
                           started by the report date.

So requiring = provided + yet to be met, always: a child requiring a service has at least one need
(casework.operations.complete_assessment), and either all of them have a service or one does not.

Each count is one query returning the children's ids, so that every number can link to the list of
the children behind it (children_behind).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, and_, exists, func, not_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from dutydesk import rules
from dutydesk.clock import LONDON, as_utc
from dutydesk.models import (
    Assessment,
    Child,
    Contact,
    ContactChild,
    IdentifiedNeed,
    Obligation,
    ObligationKind,
    Referral,
    Service,
)
from dutydesk.rules import ObligationState


class years_before(FunctionElement):
    """A date column's date whole years earlier, 29 February going to the 28th (as rules.months_before)."""

    type = Date()
    inherit_cache = True


@compiles(years_before, "sqlite")
def _years_before_sqlite(element, compiler, **kw):
    column, years = list(element.clauses)
    day, count = compiler.process(column, **kw), int(years.value)
    return (f"CASE WHEN strftime('%m-%d', {day}) = '02-29' THEN date({day}, '-1 day', '-{count} years') "
            f"ELSE date({day}, '-{count} years') END")


@compiles(years_before, "postgresql")
def _years_before_postgresql(element, compiler, **kw):
    column, years = list(element.clauses)
    return f"CAST({compiler.process(column, **kw)} - INTERVAL '{int(years.value)} years' AS DATE)"


@dataclass(frozen=True)
class Period:
    """London dates from `first` to `last`, both included; optionally one team."""

    first: date
    last: date
    team_id: int | None = None

    @property
    def starts(self) -> datetime:
        return as_utc(datetime.combine(self.first, time.min, tzinfo=LONDON))

    @property
    def ends(self) -> datetime:
        """London midnight after the last day."""
        return as_utc(datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=LONDON))


#: The child a call's child is: their record, or the record theirs was merged into.
CHILD = func.coalesce(Child.merged_into_id, Child.id)


def _referrals_of_children():
    return (select(CHILD.label("child"))
            .select_from(Referral).join(ContactChild, ContactChild.id == Referral.child_id)
            .join(Child, Child.id == ContactChild.child_id))


def referred(period: Period):
    """SELECT of the distinct children with a referral dated in the period."""
    query = _referrals_of_children().where(Referral.referred_on >= period.first, Referral.referred_on <= period.last)
    if period.team_id is not None:
        query = query.where(Referral.team_id == period.team_id)
    return query.distinct()


def _requiring_assessments(period: Period):
    query = (select(CHILD.label("child"), Assessment.id.label("assessment_id"))
             .select_from(Assessment).join(Referral, Referral.id == Assessment.referral_id)
             .join(ContactChild, ContactChild.id == Referral.child_id).join(Child, Child.id == ContactChild.child_id)
             .where(Assessment.authorised_on >= period.first, Assessment.authorised_on <= period.last,
                    Assessment.requires_service.is_(True)))
    if period.team_id is not None:
        query = query.where(Referral.team_id == period.team_id)
    return query


def requiring(period: Period):
    """SELECT of the distinct children assessed, in the period, as requiring a service."""
    assessments = _requiring_assessments(period).subquery()
    return select(assessments.c.child).distinct()


def _unmet_need(assessment_id, as_at: date):
    """An identified need of the assessment with no service started by `as_at`."""
    started = exists().where(Service.need_id == IdentifiedNeed.id, Service.started_on <= as_at)
    return exists().where(IdentifiedNeed.assessment_id == assessment_id, not_(started))


def yet_to_be_met(period: Period, as_at: date):
    """SELECT of the children requiring a service with at least one identified need not yet met."""
    assessments = _requiring_assessments(period).subquery()
    return select(assessments.c.child).where(_unmet_need(assessments.c.assessment_id, as_at)).distinct()


def provided(period: Period, as_at: date):
    """SELECT of the children requiring a service all of whose identified needs have one started."""
    assessments = _requiring_assessments(period).subquery()
    unmet = select(assessments.c.child).where(_unmet_need(assessments.c.assessment_id, as_at))
    return select(assessments.c.child).where(assessments.c.child.not_in(unmet)).distinct()


def contacts(period: Period):
    """SELECT of the calls received in the period (each call once, however many children)."""
    query = select(Contact.id).where(Contact.received_at >= period.starts, Contact.received_at < period.ends)
    if period.team_id is not None:
        query = query.where(Contact.team_id == period.team_id)
    return query


def contacts_referred(period: Period):
    """SELECT of the calls received in the period that led to a referral of at least one child."""
    return contacts(period).where(exists().where(Referral.contact_id == Contact.id))


def repeat_referred(period: Period, months: int = rules.REPEAT_CONTACTS_MONTHS):
    """SELECT of the children referred in the period who had been referred within `months` months
    before that referral (Annex A's repeat referrals)."""
    earlier = Referral.__table__.alias("earlier")
    earlier_child = ContactChild.__table__.alias("earlier_child")
    earlier_record = Child.__table__.alias("earlier_record")
    if months % 12:
        raise ValueError("repeat referrals are counted over whole years")
    window_start = years_before(Referral.referred_on, months // 12)
    query = (_referrals_of_children()
             .where(Referral.referred_on >= period.first, Referral.referred_on <= period.last,
                    exists().where(and_(
                        earlier.c.child_id == earlier_child.c.id, earlier_child.c.child_id == earlier_record.c.id,
                        func.coalesce(earlier_record.c.merged_into_id, earlier_record.c.id) == CHILD,
                        earlier.c.id != Referral.id, earlier.c.referred_on < Referral.referred_on,
                        earlier.c.referred_on >= window_start))))
    if period.team_id is not None:
        query = query.where(Referral.team_id == period.team_id)
    return query.distinct()


@dataclass(frozen=True)
class Rec29:
    period: Period
    as_at: date
    referred: int
    requiring: int
    provided: int
    yet_to_be_met: int
    contacts: int
    contacts_referred: int

    @property
    def referral_share(self) -> float | None:
        return self.contacts_referred / self.contacts if self.contacts else None


def _count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def rec29(session, period: Period, as_at: date) -> Rec29:
    """The four Rec 29 counts, and the contacts beside them."""
    return Rec29(period, as_at, _count(session, referred(period)), _count(session, requiring(period)),
                 _count(session, provided(period, as_at)), _count(session, yet_to_be_met(period, as_at)),
                 _count(session, contacts(period)), _count(session, contacts_referred(period)))


@dataclass(frozen=True)
class Timeliness:
    kind: ObligationKind
    met_on_time: int
    met_late: int
    open: int
    withdrawn: int

    @property
    def total(self) -> int:
        return self.met_on_time + self.met_late + self.open + self.withdrawn

    def share(self, state: ObligationState) -> float | None:
        counts = {ObligationState.MET_ON_TIME: self.met_on_time, ObligationState.MET_LATE: self.met_late,
                  ObligationState.OPEN: self.open, ObligationState.WITHDRAWN: self.withdrawn}
        return counts[state] / self.total if self.total else None


def timeliness(session, period: Period) -> list[Timeliness]:
    """For each kind of clock, of those due in the period: met on time, met late, still open,
    withdrawn (no longer needed). Inbox items have clocks of their own, counted elsewhere."""
    on_time = and_(Obligation.met_at.is_not(None), Obligation.is_withdrawn.is_(False),
                   Obligation.met_at <= Obligation.due_at)
    late = and_(Obligation.met_at.is_not(None), Obligation.is_withdrawn.is_(False),
                Obligation.met_at > Obligation.due_at)
    query = (select(Obligation.kind, func.count().filter(on_time), func.count().filter(late),
                    func.count().filter(Obligation.met_at.is_(None)), func.count().filter(Obligation.is_withdrawn))
             .where(Obligation.due_at >= period.starts, Obligation.due_at < period.ends)
             .group_by(Obligation.kind))
    if period.team_id is not None:
        query = query.where(Obligation.team_id == period.team_id)
    found = {kind: Timeliness(kind, *counts) for kind, *counts in session.execute(query)}
    return [found.get(kind, Timeliness(kind, 0, 0, 0, 0)) for kind in ObligationKind]
