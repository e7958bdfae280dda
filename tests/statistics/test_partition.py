"""requiring = provided + yet to be met on a few hundred generated cases, each count checked
against an independent count written here in plain SQL, over several periods, both teams and
all, with some children referred more than once and some records merged into others."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from dutydesk.extensions import db
from dutydesk.models import Child
from dutydesk.statistics import rec29
from dutydesk.statistics.rec29 import Period
from tests.statistics.test_rec29 import Case, Need, build

#: Services start up to 1 June (test_rec29.build records them then): some after the report date.
AS_AT = date(2026, 5, 15)
LAST_SERVICE = date(2026, 6, 1)

REQUIRING = """
    SELECT a.id AS assessment_id, COALESCE(ch.merged_into_id, ch.id) AS child
    FROM assessments a
    JOIN referrals r ON r.id = a.referral_id
    JOIN contact_children cc ON cc.id = r.child_id
    JOIN children ch ON ch.id = cc.child_id
    WHERE a.requires_service = :yes AND a.authorised_on >= :first AND a.authorised_on <= :last
      AND (CAST(:team AS INTEGER) IS NULL OR r.team_id = :team)
"""
UNMET = f"""
    SELECT req.child FROM ({REQUIRING}) req
    WHERE EXISTS (SELECT 1 FROM identified_needs n WHERE n.assessment_id = req.assessment_id
                  AND NOT EXISTS (SELECT 1 FROM services s WHERE s.need_id = n.id AND s.started_on <= :as_at))
"""
SQL = {
    "referred": """
        SELECT COUNT(DISTINCT COALESCE(ch.merged_into_id, ch.id)) FROM referrals r
        JOIN contact_children cc ON cc.id = r.child_id JOIN children ch ON ch.id = cc.child_id
        WHERE r.referred_on >= :first AND r.referred_on <= :last AND (CAST(:team AS INTEGER) IS NULL OR r.team_id = :team)""",
    "requiring": f"SELECT COUNT(DISTINCT req.child) FROM ({REQUIRING}) req",
    "yet_to_be_met": f"SELECT COUNT(DISTINCT u.child) FROM ({UNMET}) u",
    "provided": f"SELECT COUNT(DISTINCT req.child) FROM ({REQUIRING}) req WHERE req.child NOT IN ({UNMET})",
}

NAMES = [f"{first} {last}" for first in ("Leo", "Amira", "Kai", "Mia", "Noah", "Ava", "Zara", "Omar", "Ella", "Sam")
         for last in ("Martin", "Hassan", "Brown", "Novak", "Price", "Stone", "Ali", "Farah", "Reed")]


def generated(count: int, seed: int = 29) -> list[Case]:
    """Referrals over spring 2026 of 90 children (so many referred twice or more), half assessed,
    most of those requiring a service with one to three needs, each met before, after or never."""
    chance = random.Random(seed)
    cases = []
    for _ in range(count):
        referred = date(2026, 3, 1) + timedelta(days=chance.randrange(90))
        case = Case(chance.choice(NAMES), f"{referred} {chance.randrange(9, 17):02d}:{chance.randrange(60):02d}",
                    team=chance.choice(["north", "south"]))
        if chance.random() < 0.6:
            authorised = min(referred + timedelta(days=chance.randrange(1, 40)), LAST_SERVICE - timedelta(days=1))
            case.authorised_at = f"{authorised} 12:00"
            case.requires_service = chance.random() < 0.8
            if case.requires_service:
                case.needs = [Need(chance.choice([None, min(authorised + timedelta(days=chance.randrange(0, 30)),
                                                            LAST_SERVICE)]))
                              for _ in range(chance.randrange(1, 4))]
        cases.append(case)
    return cases


@pytest.fixture(scope="module")
def cases():
    return generated(240)


def test_the_partition_holds_and_each_count_is_the_hand_written_sql_count(cases):
    teams = build(cases)
    # Merge a few records into others: each then counts as the child it joined.
    records = db.session.scalars(select(Child).order_by(Child.id)).all()
    for merged, kept in zip(records[1:12:2], records[0:12:2]):
        merged.merged_into = kept
    db.session.flush()

    checked = 0
    for first, last in [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)),
                        (date(2026, 3, 15), date(2026, 5, 14)), (date(2026, 1, 1), date(2026, 12, 31))]:
        for team in (None, teams["north"].id, teams["south"].id):
            period = Period(first, last, team)
            counts = rec29.rec29(db.session, period, AS_AT)
            assert counts.requiring == counts.provided + counts.yet_to_be_met
            params = {"first": first, "last": last, "team": team, "as_at": AS_AT, "yes": True}
            sql = {name: db.session.execute(text(query), params).scalar() for name, query in SQL.items()}
            assert (counts.referred, counts.requiring, counts.provided, counts.yet_to_be_met) == (
                sql["referred"], sql["requiring"], sql["provided"], sql["yet_to_be_met"]), (period, sql)
            checked += counts.requiring
    assert checked > 100  # the periods hold many children requiring a service: the check is not vacuous
