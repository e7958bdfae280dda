"""Annex A's "number of referrals in the last 12 months": earlier contacts and referrals about a
child, counted at the boundary (exactly 12 months, a day more and a day less, the leap day, and
a London midnight an hour away from UTC's)."""

from datetime import timedelta

import pytest

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.children.queries import count_earlier_contacts_and_referrals, count_earlier_for
from dutydesk.models import Role, ScreeningOutcome
from tests.factories import at, child_details, create_contact, create_team, create_user


@pytest.fixture
def north():
    team = create_team("Duty North")
    create_user("worker", (Role.DUTY_WORKER,), team)
    return team


def call_about(team, received, record=None, name="Leo Martin"):
    return create_contact(received, team=team, children=[child_details(name=name, record=record)])


def earlier(record, before):
    count = count_earlier_contacts_and_referrals(record.id, before)
    return count.contacts, count.referrals


def test_the_window_is_twelve_calendar_months_in_rules():
    assert rules.REPEAT_CONTACTS_MONTHS == 12
    assert rules.repeat_window_start(at("2027-06-15 14:00")) == at("2026-06-15 00:00", "Europe/London")


@pytest.mark.parametrize(("first", "later", "counted"), [
    ("2026-03-10 09:00", "2027-03-10 09:00", True),   # exactly 12 months
    ("2026-03-10 00:00", "2027-03-10 23:59", True),   # the same date 12 months earlier, however early
    ("2026-03-09 23:59", "2027-03-10 00:01", False),  # a day more than 12 months
    ("2026-03-11 09:00", "2027-03-10 09:00", True),   # a day less
    ("2027-02-28 09:00", "2028-02-29 09:00", True),   # leap day: 12 months before 29 Feb is 28 Feb
    ("2027-02-27 09:00", "2028-02-29 09:00", False),
    ("2028-02-29 09:00", "2029-02-28 09:00", True),   # the leap day itself, a day less than 12 months before
    ("2028-02-29 09:00", "2029-03-01 09:00", False),  # and a day more
])
def test_an_earlier_call_counts_when_it_is_on_or_after_the_same_date_twelve_months_before(north, first, later,
                                                                                           counted):
    record = call_about(north, at(first, "Europe/London")).children[0].child
    again = call_about(north, at(later, "Europe/London"), record=record)
    assert earlier(record, again.received_at) == ((1, 0) if counted else (0, 0))


def test_the_boundary_is_londons_midnight_not_utcs(north):
    # 00:30 on 1 Jun 2026 in London is 23:30 on 31 May in UTC: still on the first day of the window.
    record = call_about(north, at("2026-06-01 00:30", "Europe/London")).children[0].child
    assert earlier(record, at("2027-06-01 12:00", "Europe/London")) == (1, 0)
    assert earlier(record, at("2027-06-02 12:00", "Europe/London")) == (0, 0)


def test_referrals_count_beside_contacts_and_nothing_at_or_after_the_moment_counts(north):
    worker = north.members[0]
    first = call_about(north, at("2026-11-02 10:00"))
    record = first.children[0].child
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Bruising", by=worker, now=at("2026-11-02 12:00"))
    second = call_about(north, at("2026-11-20 10:00"), record=record)
    assert earlier(record, second.received_at) == (1, 1)
    assert earlier(record, at("2026-11-02 11:00")) == (1, 0)  # before the referral was made
    assert earlier(record, first.received_at) == (0, 0)       # the call itself is not earlier than itself
    assert earlier(record, at("2026-11-21 10:00")) == (2, 1)


def test_other_childrens_calls_do_not_count_and_many_are_counted_at_once(north):
    leo = call_about(north, at("2026-10-01 10:00")).children[0].child
    mia = call_about(north, at("2026-10-02 10:00"), name="Mia Novak").children[0].child
    call_about(north, at("2026-10-03 10:00"), record=leo)
    counts = count_earlier_for([(leo.id, at("2026-10-05 10:00")), (mia.id, at("2026-10-05 10:00")),
                                (leo.id, at("2026-10-02 10:00"))])
    assert {key: (c.contacts, c.referrals) for key, c in counts.items()} == {
        (leo.id, at("2026-10-05 10:00")): (2, 0), (mia.id, at("2026-10-05 10:00")): (1, 0),
        (leo.id, at("2026-10-02 10:00")): (1, 0)}
    assert count_earlier_for([]) == {}
