"""Rec 29 on hand-built cases whose answers the test works out from the cases themselves: a child
referred twice, a child with one need met and one not, a service that ended, a merged record,
periods and teams at their boundaries (London midnight)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.casework.operations import Conclusion
from dutydesk.clock import LONDON, as_utc
from dutydesk.extensions import db
from dutydesk.models import Referral, Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import AssessmentFactor, PrimaryNeed
from dutydesk.models.work import CLOCK_STATE_WHERE
from dutydesk.statistics import rec29
from dutydesk.statistics.rec29 import Period
from tests.factories import child_details, create_contact, create_team, create_user


def london(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text).replace(tzinfo=LONDON))


@dataclass
class Need:
    service_on: date | None = None
    ended_on: date | None = None


@dataclass
class Case:
    """One referral of a child: when it was decided, in which team, and its assessment if any."""

    child: str
    referred_at: str
    team: str = "north"
    authorised_at: str | None = None
    requires_service: bool = True
    needs: list[Need] = field(default_factory=list)


CASES = [
    # Referred twice in April: one child, counted once. The second referral is assessed.
    Case("Leo Martin", "2026-04-02 10:00"),
    Case("Leo Martin", "2026-04-20 10:00", authorised_at="2026-04-28 12:00",
         needs=[Need(date(2026, 4, 29)), Need(date(2026, 4, 30))]),
    # One need met and one not: yet to be met.
    Case("Amira Hassan", "2026-04-03 10:00", authorised_at="2026-04-27 12:00",
         needs=[Need(date(2026, 4, 28)), Need(None)]),
    # A service that started and ended: the need had its service.
    Case("Kai Brown", "2026-04-07 10:00", authorised_at="2026-04-24 12:00",
         needs=[Need(date(2026, 4, 25), ended_on=date(2026, 4, 27))]),
    # Assessed as not requiring a service.
    Case("Mia Novak", "2026-04-08 10:00", authorised_at="2026-04-24 15:00", requires_service=False),
    # Service started after the report date: yet to be met as at then.
    Case("Noah Price", "2026-04-09 10:00", authorised_at="2026-04-29 12:00", needs=[Need(date(2026, 5, 6))]),
    # South, not North.
    Case("Ava Stone", "2026-04-10 10:00", team="south", authorised_at="2026-04-29 12:00", needs=[Need(None)]),
    # At the boundaries: 00:30 London on 1 April is in April (23:30 UTC on 31 March); 23:59 London on
    # 31 March is not; 00:10 London on 1 May is not.
    Case("Zara Ali", "2026-04-01 00:30"),
    Case("Omar Farah", "2026-03-31 23:59"),
    Case("Ella Reed", "2026-05-01 00:10"),
]
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
AS_AT = date(2026, 5, 5)


def build(cases_: list[Case]):
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    teams = {"north": create_team("Duty North"), "south": create_team("Duty South")}
    handler = create_user("handler", (Role.CALL_HANDLER,), centre)
    people = {name: (create_user(f"{name}-worker", (Role.DUTY_WORKER,), team),
                     create_user(f"{name}-manager", (Role.DUTY_MANAGER,), team)) for name, team in teams.items()}
    records = {}
    for case in cases_:
        worker, manager = people[case.team]
        received = london(case.referred_at) - timedelta(minutes=20)
        record = records.get(case.child)
        contact = create_contact(received, team=teams[case.team], by=handler,
                                 children=[child_details(name=case.child, record=record)])
        records[case.child] = contact.children[0].child
        decided = london(case.referred_at)
        cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                        rationale="Needs assessing", by=worker, now=decided)
        if case.authorised_at is None:
            continue
        referral = cases.get_referral(contact.children[0])
        day = decided.astimezone(LONDON).date()
        now = london(case.authorised_at)
        assessment = casework.start_assessment(referral, started_on=day, by=worker, now=now)
        casework.record_seen(assessment, child_seen_on=day, is_child_seen_alone=True, carers_seen_on=day, by=worker,
                             now=now)
        casework.complete_assessment(assessment, Conclusion(
            completed_on=now.astimezone(LONDON).date(), requires_service=case.requires_service,
            factors=[AssessmentFactor.NEGLECT] if case.requires_service else [AssessmentFactor.NO_FACTORS],
            primary_need=PrimaryNeed.ABUSE_OR_NEGLECT if case.requires_service else PrimaryNeed.NOT_IN_NEED,
            summary="", needs=[f"Need {n}" for n, _ in enumerate(case.needs)]), by=worker, now=now)
        casework.authorise_assessment(assessment, note="Approved", by=manager, now=now)
        for need, planned in zip(assessment.needs, case.needs):
            if planned.service_on is not None:
                later = as_utc(datetime(2026, 6, 1, 12, tzinfo=LONDON))
                service = casework.start_service(need, what="Support", provided_by="Family centre",
                                                 started_on=planned.service_on, by=worker, now=later)
                if planned.ended_on is not None:
                    casework.end_service(service, ended_on=planned.ended_on, reason="Done", by=worker, now=later)
    db.session.flush()
    return teams


def expected(cases_: list[Case], period: Period, as_at: date, team: str | None = None) -> dict[str, set[str]]:
    """The answer, worked out from the cases as section 6 defines it."""
    mine = [c for c in cases_ if team is None or c.team == team]
    referred = {c.child for c in mine if period.first <= datetime.fromisoformat(c.referred_at).date() <= period.last}
    assessed = [c for c in mine if c.authorised_at and c.requires_service
                and period.first <= datetime.fromisoformat(c.authorised_at).date() <= period.last]
    unmet = {c.child for c in assessed if any(n.service_on is None or n.service_on > as_at for n in c.needs)}
    requiring = {c.child for c in assessed}
    return {"referred": referred, "requiring": requiring, "yet_to_be_met": unmet, "provided": requiring - unmet}


def names_of(query) -> set[str]:
    from dutydesk.models import Child

    ids = set(db.session.scalars(query))
    return {child.display_name for child in db.session.scalars(select(Child).where(Child.id.in_(ids)))}


@pytest.mark.parametrize("team", [None, "north", "south"])
def test_each_rec29_count_is_the_children_section_6_defines(team):
    teams = build(CASES)
    period = Period(APRIL.first, APRIL.last, teams[team].id if team else None)
    want = expected(CASES, period, AS_AT, team)

    assert names_of(rec29.referred(period)) == want["referred"]
    assert names_of(rec29.requiring(period)) == want["requiring"]
    assert names_of(rec29.provided(period, AS_AT)) == want["provided"]
    assert names_of(rec29.yet_to_be_met(period, AS_AT)) == want["yet_to_be_met"]
    counts = rec29.rec29(db.session, period, AS_AT)
    assert counts.requiring == counts.provided + counts.yet_to_be_met
    assert (counts.referred, counts.requiring, counts.provided, counts.yet_to_be_met) == tuple(
        len(want[key]) for key in ("referred", "requiring", "provided", "yet_to_be_met"))


def test_the_worked_answer_for_april_across_teams():
    build(CASES)

    counts = rec29.rec29(db.session, APRIL, AS_AT)

    # Leo, Amira, Kai, Mia, Noah, Ava, Zara; Leo once though referred twice.
    assert counts.referred == 7
    # Leo, Amira, Kai, Noah, Ava require a service; Mia does not.
    assert (counts.requiring, counts.provided, counts.yet_to_be_met) == (5, 2, 3)


def test_a_record_merged_into_another_counts_as_that_child():
    build([Case("Leo Martin", "2026-04-02 10:00"), Case("Leo Martyn", "2026-04-20 10:00")])
    first, second = (referral.child.child for referral in db.session.scalars(select(Referral).order_by(Referral.id)))
    assert rec29.rec29(db.session, APRIL, AS_AT).referred == 2

    second.merged_into = first
    db.session.flush()

    assert rec29.rec29(db.session, APRIL, AS_AT).referred == 1


def test_repeat_referrals_count_a_child_referred_within_twelve_months_before():
    build([Case("Leo Martin", "2025-04-20 10:00"), Case("Leo Martin", "2026-04-20 10:00"),
           Case("Amira Hassan", "2025-04-19 10:00"), Case("Amira Hassan", "2026-04-20 10:00"),
           Case("Kai Brown", "2026-04-02 10:00"), Case("Kai Brown", "2026-04-22 10:00")])

    assert names_of(rec29.repeat_referred(APRIL)) == {"Leo Martin", "Kai Brown"}


def test_repeat_referrals_follow_a_record_merged_either_way():
    build([Case("Leo Martin", "2025-05-01 10:00"), Case("Leo Martyn", "2026-04-20 10:00"),
           Case("Kai Brown", "2025-06-01 10:00"), Case("Kai Browne", "2026-04-22 10:00")])
    leo, leo_again, kai, kai_again = (referral.child.child
                                      for referral in db.session.scalars(select(Referral).order_by(Referral.id)))
    assert names_of(rec29.repeat_referred(APRIL)) == set()

    leo_again.merged_into = leo  # April's record joined the one referred before
    kai.merged_into = kai_again  # the record referred before joined April's
    db.session.flush()

    assert names_of(rec29.repeat_referred(APRIL)) == {"Leo Martin", "Kai Browne"}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_each_way_a_clock_ends_is_said_as_the_where_of_the_index_timeliness_counts_it_from(dialect):
    # A partial index is read only for a statement that says its WHERE in the same words.
    for state, condition in rec29.CLOCK_STATES.items():
        said = str(condition.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        index = CLOCK_STATE_WHERE[state.name.lower()][0 if dialect.name == "sqlite" else 1]
        assert said.replace("obligations.", "") == index


def test_the_database_has_each_index_timeliness_counts_from():
    indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("obligations")}
    for state in rec29.CLOCK_STATES:
        index = indexes[f"ix_obligations_clocks_{state.name.lower()}"]
        assert index["column_names"] == ["kind", "due_at", "team_id"]
        if db.engine.dialect.name == "sqlite":  # PostgreSQL keeps the WHERE in words of its own
            assert str(index["dialect_options"]["sqlite_where"]) == CLOCK_STATE_WHERE[state.name.lower()][0]


def test_timeliness_counts_each_kind_of_clock_due_in_the_period_by_how_it_ended():
    from dutydesk.models import Obligation, ObligationKind

    build(CASES)
    period = Period(date(2026, 4, 1), date(2026, 4, 30))
    clocks = [o for o in db.session.scalars(select(Obligation))
              if period.starts <= o.due_at < period.ends]
    by_kind = rec29.timeliness(db.session, period)

    assert [t.kind for t in by_kind] == list(ObligationKind)
    for row in by_kind:
        mine = [o for o in clocks if o.kind is row.kind]
        assert row.total == len(mine)
        assert row.withdrawn == sum(o.is_withdrawn for o in mine)
        assert row.open == sum(o.met_at is None for o in mine)
        assert row.met_on_time == sum(o.met_at is not None and not o.is_withdrawn and o.met_at <= o.due_at
                                      for o in mine)
    screening = next(t for t in by_kind if t.kind is ObligationKind.SCREENING_DECISION)
    assert screening.met_on_time == 9  # every decision made 20 minutes after its call, Omar's due in April too
