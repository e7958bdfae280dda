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
the children behind it: `behind(measure, ...)` is the same definition returning, for each child,
the call, referral, assessment or clock that counts them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Date, Integer, and_, cast, exists, func, literal, not_, null, or_, outerjoin, select, union_all
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


#: The child a call's child is: their record, or the record theirs was merged into. The record's id
#: is on the call's child already, so only records merged into another are joined (`_join_child`):
#: a count reads the few merged records, not the record of every child it counts.
CHILD = func.coalesce(Child.merged_into_id, ContactChild.child_id)
#: The child a referral is about, likewise: its record is on the referral itself (copied from the
#: call's child), so that a count of referrals reads the referrals alone.
REFERRED_CHILD = func.coalesce(Child.merged_into_id, Referral.child_record_id)


def _join_merged(query, record):
    """`query` with each child's record where it was merged into another (an outer join: none for
    a record that was not), and only the rows whose `record` column is set."""
    return (query.join(Child, and_(Child.id == record, Child.merged_into_id.is_not(None)), isouter=True)
            .where(record.is_not(None)))


def _join_child(query):
    """`query`, which reads contact_children, with the merged records of its children (CHILD)."""
    return _join_merged(query, ContactChild.child_id)


def _join_referred_child(query):
    """`query`, which reads referrals, with the merged records of their children (REFERRED_CHILD)."""
    return _join_merged(query, Referral.child_record_id)


def _row(contact_id, referral_id=None, assessment_id=None, obligation_id=None, *, child=CHILD) -> tuple:
    """The columns of a row behind a count: the child, and the call, referral, assessment or
    clock that counts them (None where it is not about one)."""
    def column(value, name):
        return (value if value is not None else cast(null(), Integer)).label(name)

    return (child.label("child"), column(contact_id, "contact_id"), column(referral_id, "referral_id"),
            column(assessment_id, "assessment_id"), column(obligation_id, "obligation_id"))


def _children(rows):
    """The distinct children of rows behind a count."""
    rows = rows.subquery()
    return select(rows.c.child).distinct()


def _referrals_of_children(*columns):
    return _join_referred_child(select(*(columns or (REFERRED_CHILD.label("child"),))).select_from(Referral))


def _referral_row(*ids) -> tuple:
    return _row(*ids, child=REFERRED_CHILD)


def _referrals_in(period: Period, *columns):
    """The referrals dated in the period (of its team, if it has one), as `columns` (default: their
    children)."""
    query = (_referrals_of_children(*columns)
             .where(Referral.referred_on >= period.first, Referral.referred_on <= period.last))
    if period.team_id is not None:
        query = query.where(Referral.team_id == period.team_id)
    return query


def _referral_rows(period: Period):
    """Each referral dated in the period, with its child."""
    return _referrals_in(period, *_referral_row(Referral.contact_id, Referral.id))


def referred(period: Period):
    """SELECT of the distinct children with a referral dated in the period."""
    return _referrals_in(period).distinct()


def _requiring_assessments(period: Period):
    query = (_join_referred_child(select(*_referral_row(Referral.contact_id, Referral.id, Assessment.id))
                                  .select_from(Assessment).join(Referral, Referral.id == Assessment.referral_id))
             .where(Assessment.authorised_on >= period.first, Assessment.authorised_on <= period.last,
                    Assessment.requires_service.is_(True)))
    if period.team_id is not None:
        query = query.where(Referral.team_id == period.team_id)
    return query


def _requiring_children(assessments):
    """The distinct children of the assessments requiring a service (`_requiring_assessments`' rows)."""
    return select(assessments.c.child).distinct()


def requiring(period: Period):
    """SELECT of the distinct children assessed, in the period, as requiring a service."""
    return _requiring_children(_requiring_assessments(period).subquery())


def _unmet_need(assessment_id, as_at: date):
    """An identified need of the assessment with no service started by `as_at`."""
    started = exists().where(Service.need_id == IdentifiedNeed.id, Service.started_on <= as_at)
    return exists().where(IdentifiedNeed.assessment_id == assessment_id, not_(started))


def _unmet_children(assessments, as_at: date):
    """The children of the assessments requiring a service with at least one need not yet met."""
    return select(assessments.c.child).where(_unmet_need(assessments.c.assessment_id, as_at))


def _provided_children(assessments, unmet):
    """The distinct children of the assessments requiring a service who are not among `unmet` (the
    children of those assessments with a need not yet met, `_unmet_children`)."""
    return select(assessments.c.child).where(assessments.c.child.not_in(unmet)).distinct()


def _yet_to_be_met_rows(period: Period, as_at: date):
    """The assessments in the period with an identified need not yet met."""
    assessments = _requiring_assessments(period).subquery()
    return select(assessments).where(_unmet_need(assessments.c.assessment_id, as_at))


def yet_to_be_met(period: Period, as_at: date):
    """SELECT of the children requiring a service with at least one identified need not yet met."""
    return _unmet_children(_requiring_assessments(period).subquery(), as_at).distinct()


def _provided_rows(period: Period, as_at: date):
    """The assessments in the period of the children all of whose needs have a service."""
    assessments = _requiring_assessments(period).subquery()
    return select(assessments).where(assessments.c.child.not_in(_unmet_children(assessments, as_at)))


def provided(period: Period, as_at: date):
    """SELECT of the children requiring a service all of whose identified needs have one started."""
    assessments = _requiring_assessments(period).subquery()
    return _provided_children(assessments, _unmet_children(assessments, as_at))


def contacts(period: Period):
    """SELECT of the calls received in the period (each call once, however many children)."""
    query = select(Contact.id).where(Contact.received_at >= period.starts, Contact.received_at < period.ends)
    if period.team_id is not None:
        query = query.where(Contact.team_id == period.team_id)
    return query


def contacts_referred(period: Period):
    """SELECT of the calls received in the period that led to a referral of at least one child."""
    return contacts(period).where(exists().where(Referral.contact_id == Contact.id))


def _contact_children_rows(calls):
    """The children named on the calls, with their referral from the call if they have one."""
    return (_join_child(select(*_row(ContactChild.contact_id, Referral.id))
                        .select_from(outerjoin(ContactChild, Referral, Referral.child_id == ContactChild.id)))
            .where(ContactChild.contact_id.in_(calls)))


def repeat_window_opens(day, months: int = rules.REPEAT_CONTACTS_MONTHS):
    """SQL: the first date of the window of earlier events counted with an event on the date
    column `day` (Annex A's "in the last 12 months"): the same date `months` months before."""
    if months % 12:
        raise ValueError("repeat events are counted over whole years")
    return years_before(day, months // 12)


def _repeat_referral_rows(period: Period, months: int = rules.REPEAT_CONTACTS_MONTHS, *columns):
    """The referrals dated in the period of a child referred within `months` months before."""
    earlier = Referral.__table__.alias("earlier")
    merged_in = Child.__table__.alias("merged_in")
    window_start = repeat_window_opens(Referral.referred_on, months)

    def earlier_referral(same_child):
        return exists().where(and_(
            same_child, earlier.c.id != Referral.id, earlier.c.referred_on < Referral.referred_on,
            earlier.c.referred_on >= window_start))

    # The earlier referral's record is the same child, coalesce(merged_into_id, record) =
    # REFERRED_CHILD: asked as the two ways that can be (the child's own record, or a record merged
    # into it), each an equality or a short IN found through the index of a child's referrals
    # (child_record_id, referred_on), not by reading every referral of the year before for each one.
    # The child's own record is never itself merged: REFERRED_CHILD is the record a merge ended in.
    return _referrals_in(period, *columns).where(or_(
        earlier_referral(earlier.c.child_record_id == REFERRED_CHILD),
        earlier_referral(earlier.c.child_record_id.in_(
            select(merged_in.c.id).where(merged_in.c.merged_into_id == REFERRED_CHILD).correlate(Child, Referral)))))


def repeat_referred(period: Period, months: int = rules.REPEAT_CONTACTS_MONTHS):
    """SELECT of the children referred in the period who had been referred within `months` months
    before that referral (Annex A's repeat referrals)."""
    return _repeat_referral_rows(period, months).distinct()


#: How each kind of clock due in the period ended, as the timeliness table counts it.
CLOCK_STATES = {
    ObligationState.MET_ON_TIME: and_(Obligation.met_at.is_not(None), Obligation.is_withdrawn.is_(False),
                                      Obligation.met_at <= Obligation.due_at),
    ObligationState.MET_LATE: and_(Obligation.met_at.is_not(None), Obligation.is_withdrawn.is_(False),
                                   Obligation.met_at > Obligation.due_at),
    ObligationState.OPEN: Obligation.met_at.is_(None),
    ObligationState.WITHDRAWN: Obligation.is_withdrawn.is_(True),
}


def _clocks_due(period: Period, *columns):
    query = select(*columns).where(Obligation.due_at >= period.starts, Obligation.due_at < period.ends)
    if period.team_id is not None:
        query = query.where(Obligation.team_id == period.team_id)
    return query


def _clock_rows(period: Period, kind: ObligationKind, state: ObligationState):
    """The clocks of the kind due in the period that ended so, with their children: the child the
    clock is about, or every child of the call for a clock about the whole call."""
    about = or_(ContactChild.id == Obligation.child_id,
                and_(Obligation.child_id.is_(None), ContactChild.contact_id == Obligation.contact_id))
    return (_join_child(_clocks_due(period, *_row(Obligation.contact_id, obligation_id=Obligation.id))
                        .select_from(Obligation).join(ContactChild, about))
            .where(Obligation.kind == kind, CLOCK_STATES[state]))


class Measure(StrEnum):
    """Each figure whose children can be listed."""

    REFERRED = "referred"
    REQUIRING = "requiring"
    PROVIDED = "provided"
    YET_TO_BE_MET = "yet_to_be_met"
    REPEAT_REFERRED = "repeat_referred"
    CONTACTS = "contacts"
    CONTACTS_REFERRED = "contacts_referred"
    CLOCKS = "clocks"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]


MEASURE_LABELS = {
    Measure.REFERRED: "Children referred",
    Measure.REQUIRING: "Children assessed as requiring a service",
    Measure.PROVIDED: "Children provided with the service they require",
    Measure.YET_TO_BE_MET: "Children with identified needs yet to be met",
    Measure.REPEAT_REFERRED: "Children referred again within 12 months of an earlier referral",
    Measure.CONTACTS: "Children named on the calls received (contacts)",
    Measure.CONTACTS_REFERRED: "Children named on the calls that became referrals",
    Measure.CLOCKS: "Children whose clocks these are",
}


def behind(measure: Measure, period: Period, as_at: date, *, kind: ObligationKind | None = None,
           state: ObligationState | None = None):
    """SELECT of the rows behind a figure: each child counted (a merged record as the one it
    joined) with the call, referral, assessment or clock that counts them; columns child,
    contact_id, referral_id, assessment_id and obligation_id. A clock's figure needs its kind
    and state."""
    if measure is Measure.REFERRED:
        return _referral_rows(period)
    if measure is Measure.REQUIRING:
        return _requiring_assessments(period)
    if measure is Measure.PROVIDED:
        return _provided_rows(period, as_at)
    if measure is Measure.YET_TO_BE_MET:
        return _yet_to_be_met_rows(period, as_at)
    if measure is Measure.REPEAT_REFERRED:
        return _repeat_referral_rows(period, rules.REPEAT_CONTACTS_MONTHS,
                                     *_referral_row(Referral.contact_id, Referral.id))
    if measure is Measure.CONTACTS:
        return _contact_children_rows(contacts(period))
    if measure is Measure.CONTACTS_REFERRED:
        return _contact_children_rows(contacts_referred(period))
    if kind is None or state is None:
        raise ValueError("a clock's figure needs its kind and state")
    return _clock_rows(period, kind, state)


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


def count(session, query) -> int:
    """How many rows the SELECT gives."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def rec29(session, period: Period, as_at: date) -> Rec29:
    """The four Rec 29 counts, and the contacts beside them, in one statement: each count is its
    SELECT above, the assessments requiring a service and their children with needs not yet met
    each read once (CTEs) for the three counts made of them."""
    assessments = _requiring_assessments(period).cte("requiring")
    unmet = _unmet_children(assessments, as_at).cte("unmet")

    def counted(query):
        return select(func.count()).select_from(query.subquery()).scalar_subquery()

    counts = session.execute(select(
        counted(referred(period)), counted(_requiring_children(assessments)),
        counted(_provided_children(assessments, select(unmet.c.child))), counted(select(unmet.c.child).distinct()),
        counted(contacts(period)), counted(contacts_referred(period)))).one()
    return Rec29(period, as_at, *(number or 0 for number in counts))


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
    # One count for each way a clock ended, each with that way's own condition (CLOCK_STATES), kind by
    # kind: each condition is the WHERE of a partial index of obligations on (kind, due_at, team_id)
    # (models/work.py), so each count reads only the clocks due in the period that ended that way, from
    # the index alone, rather than every column of every clock due. Every kind is named (the answer has
    # a row for each, and no other) so that the index is read kind by kind on both databases.
    states = (ObligationState.MET_ON_TIME, ObligationState.MET_LATE, ObligationState.OPEN, ObligationState.WITHDRAWN)
    counts = union_all(*(
        _clocks_due(period, literal(position).label("state"), Obligation.kind, func.count().label("clocks"))
        .where(Obligation.kind.in_(list(ObligationKind)), CLOCK_STATES[state]).group_by(Obligation.kind)
        for position, state in enumerate(states)))
    found = {kind: [0] * len(states) for kind in ObligationKind}
    for position, kind, clocks in session.execute(counts):
        found[kind][position] = clocks
    return [Timeliness(kind, *found[kind]) for kind in ObligationKind]
