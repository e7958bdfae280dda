"""Every timescale at its boundaries, across weekends, bank holidays and both clock changes."""

from datetime import date, timedelta

import pytest

from dutydesk import rules
from dutydesk.clock import NonexistentLocalTime, from_london, to_london
from dutydesk.rules import ObligationState, obligation_state
from tests.factories import at

RECEIVED = at("2026-11-23 10:00")


def state_at(offset: timedelta, met_at=None):
    return obligation_state(rules.handoff_due_at(RECEIVED), met_at, RECEIVED + offset)


def test_handoff_is_open_at_59_minutes_59_seconds():
    assert state_at(timedelta(minutes=59, seconds=59)) is ObligationState.OPEN


def test_handoff_is_still_open_at_exactly_60_minutes():
    assert state_at(timedelta(minutes=60)) is ObligationState.OPEN


def test_handoff_is_overdue_one_second_after_sixty_minutes():
    assert state_at(timedelta(minutes=60, seconds=1)) is ObligationState.OVERDUE


def test_handoff_met_at_exactly_60_minutes_is_on_time():
    met = RECEIVED + timedelta(minutes=60)
    assert state_at(timedelta(hours=5), met_at=met) is ObligationState.MET_ON_TIME


def test_handoff_met_at_60_minutes_1_second_is_late():
    met = RECEIVED + timedelta(minutes=60, seconds=1)
    assert state_at(timedelta(hours=5), met_at=met) is ObligationState.MET_LATE


# Spring forward: on 29 March 2026 the UK clocks went from 01:00 GMT to 02:00 BST.

def test_call_at_0030_the_night_clocks_go_forward_is_due_sixty_real_minutes_later():
    received = from_london(at("2026-03-29 00:30").date(), at("2026-03-29 00:30").time())
    due = rules.handoff_due_at(received)
    assert due - received == timedelta(minutes=60)
    assert to_london(due).strftime("%H:%M %Z") == "02:30 BST"


def test_0130_on_the_night_clocks_go_forward_never_happened():
    with pytest.raises(NonexistentLocalTime, match="clocks went forward"):
        from_london(at("2026-03-29 00:00").date(), at("2026-03-29 01:30").time())


def test_call_at_0130_utc_the_night_clocks_go_forward_is_due_0330_bst():
    received = at("2026-03-29 01:30")  # 02:30 BST on the wall clock
    assert to_london(received).strftime("%H:%M %Z") == "02:30 BST"
    assert to_london(rules.handoff_due_at(received)).strftime("%H:%M %Z") == "03:30 BST"


# Fall back: on 25 October 2026 the UK clocks went from 02:00 BST back to 01:00 GMT.

def test_call_at_0030_the_night_clocks_go_back_is_due_at_the_first_0130():
    received = from_london(at("2026-10-25 00:00").date(), at("2026-10-25 00:30").time())
    due = rules.handoff_due_at(received)
    assert received == at("2026-10-24 23:30")
    assert due == at("2026-10-25 00:30")
    assert to_london(due).strftime("%H:%M %Z") == "01:30 BST"


def test_call_at_0130_the_night_clocks_go_back_is_due_at_0130_gmt_sixty_real_minutes_later():
    received = from_london(at("2026-10-25 00:00").date(), at("2026-10-25 01:30").time())
    due = rules.handoff_due_at(received)
    assert to_london(received).strftime("%H:%M %Z") == "01:30 BST"  # the first 01:30 of the night
    assert to_london(due).strftime("%H:%M %Z") == "01:30 GMT"
    assert due - received == timedelta(minutes=60)


def test_handoff_across_the_autumn_change_is_overdue_one_second_after_sixty_real_minutes():
    received = at("2026-10-25 00:30")  # 01:30 BST
    due = rules.handoff_due_at(received)
    assert obligation_state(due, None, received + timedelta(minutes=60)) is ObligationState.OPEN
    assert obligation_state(due, None, received + timedelta(minutes=60, seconds=1)) is ObligationState.OVERDUE


def test_referrer_confirmation_runs_48_hours_through_a_weekend():
    friday_4pm = at("2026-11-20 16:00", "Europe/London")
    due = rules.referrer_confirmation_due_at(friday_4pm)
    assert to_london(due).strftime("%a %d %H:%M") == "Sun 22 16:00"
    assert obligation_state(due, None, due) is ObligationState.OPEN
    assert obligation_state(due, None, due + timedelta(seconds=1)) is ObligationState.OVERDUE


def test_child_seen_is_due_24_real_hours_after_the_allegation_across_the_spring_change():
    received = at("2026-03-28 12:00", "Europe/London")  # GMT
    due = rules.child_seen_due_at(received)
    assert due - received == timedelta(hours=24)
    assert to_london(due).strftime("%d %H:%M %Z") == "29 13:00 BST"


def test_police_informed_is_due_sixty_minutes_after_the_call():
    assert rules.police_informed_due_at(RECEIVED) == RECEIVED + timedelta(minutes=60)


def test_a_working_day_is_the_eight_hours_the_office_is_open():
    assert rules.WORKING_DAY == timedelta(hours=8)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # The examples: night-time and the weekend do not count; office time does.
        ("2026-11-22 00:30", "Mon 23 Nov 17:00"),   # Sunday night: the whole of Monday
        ("2026-11-20 15:00", "Mon 23 Nov 15:00"),   # Friday: two hours on Friday, six on Monday
        ("2026-11-23 15:00", "Tue 24 Nov 15:00"),   # Monday to Tuesday
        # The edges of the office day.
        ("2026-11-23 08:59", "Mon 23 Nov 17:00"),   # before opening: the whole of the day
        ("2026-11-23 09:00", "Mon 23 Nov 17:00"),   # at opening: the whole of the day, no more
        ("2026-11-23 09:01", "Tue 24 Nov 09:01"),
        ("2026-11-23 16:59", "Tue 24 Nov 16:59"),   # one minute on Monday, the rest on Tuesday
        ("2026-11-23 17:00", "Tue 24 Nov 17:00"),   # at closing: nothing left of Monday
        ("2026-11-20 19:00", "Mon 23 Nov 17:00"),   # Friday evening
        ("2026-11-21 10:00", "Mon 23 Nov 17:00"),   # Saturday
        # Bank holidays.
        ("2026-04-02 15:00", "Tue 07 Apr 15:00"),   # Thursday before Good Friday and Easter Monday
        ("2026-04-03 11:00", "Tue 07 Apr 17:00"),   # on Good Friday itself
        ("2026-12-24 15:00", "Tue 29 Dec 15:00"),   # Christmas Day, Boxing Day observed on Monday 28th
        ("2026-12-24 18:00", "Tue 29 Dec 17:00"),   # Christmas Eve, after the office closed
        ("2026-12-24 09:00", "Thu 24 Dec 17:00"),   # Christmas Eve is a working day
        ("2026-05-01 11:00", "Tue 05 May 11:00"),   # Friday before the early May bank holiday
    ],
)
def test_screening_decision_is_due_one_working_day_of_office_time_later(received, due):
    moment = at(received, "Europe/London")
    assert to_london(rules.screening_decision_due_at(moment)).strftime("%a %d %b %H:%M") == due


def test_a_working_day_across_the_autumn_clock_change_keeps_the_wall_clock_time():
    friday = at("2026-10-23 15:00", "Europe/London")  # BST
    due = rules.screening_decision_due_at(friday)
    assert to_london(due).strftime("%a %d %H:%M %Z") == "Mon 26 15:00 GMT"
    assert due - friday == timedelta(days=3, hours=1)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-10-25 00:30", "Mon 26 Oct 17:00 GMT"),  # BST, the night the clocks go back
        ("2026-10-25 01:30", "Mon 26 Oct 17:00 GMT"),  # the first 01:30 (BST)...
        ("2026-10-25 02:30", "Mon 26 Oct 17:00 GMT"),  # ...and the second (GMT), as UTC 01:30
        ("2026-03-29 00:30", "Mon 30 Mar 17:00 BST"),  # GMT, the night the clocks go forward
        ("2026-03-27 15:00", "Mon 30 Mar 15:00 BST"),  # Friday GMT to Monday BST
    ],
)
def test_a_working_day_across_the_clock_changes_counts_office_time(received, due):
    # Given in UTC: 00:30, 01:30 and 02:30 UTC on 25 October are 01:30 BST, 01:30 GMT and 02:30 GMT.
    moment = at(received)
    assert to_london(rules.screening_decision_due_at(moment)).strftime("%a %d %b %H:%M %Z") == due


def test_forty_five_working_days_are_forty_five_office_days():
    # Referred on a Sunday night: 45 whole working days from Monday 23 November 2026, past
    # Christmas Day and Boxing Day (observed Monday 28 December) and New Year's Day.
    sunday = at("2026-11-22 23:00", "Europe/London")
    assert to_london(rules.assessment_due_at(sunday)).strftime("%a %d %b %Y %H:%M") == "Wed 27 Jan 2027 17:00"
    # Referred at 10:00 on the Monday: seven hours that day, and 44 whole days and an hour after it.
    monday = at("2026-11-23 10:00", "Europe/London")
    assert to_london(rules.assessment_due_at(monday)).strftime("%a %d %b %Y %H:%M") == "Thu 28 Jan 2027 10:00"


def test_a_transfer_asked_for_on_a_saturday_is_due_at_the_close_of_monday():
    saturday = at("2026-11-28 11:00", "Europe/London")
    assert rules.transfer_acceptance_due_at(saturday) == at("2026-11-30 17:00", "Europe/London")


def test_bank_holidays_come_from_the_holidays_library_not_a_list():
    assert not rules.is_working_day(at("2026-08-31 12:00").date())  # late summer bank holiday
    assert rules.is_working_day(at("2026-09-01 12:00").date())


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        ("2026-11-23 08:59", "Europe/London", False),  # Monday, before the office opens
        ("2026-11-23 09:00", "Europe/London", True),
        ("2026-11-23 16:59", "Europe/London", True),
        ("2026-11-23 17:00", "Europe/London", False),
        ("2026-11-21 11:00", "Europe/London", False),  # Saturday
        ("2026-12-25 11:00", "Europe/London", False),  # Christmas Day
        ("2026-07-01 08:30", "UTC", True),             # 09:30 BST
    ],
)
def test_office_hours_are_london_working_day_hours(moment, zone, expected):
    assert rules.is_office_hours(at(moment, zone)) is expected


@pytest.mark.parametrize(
    ("span", "words"),
    [(rules.HANDOFF_WITHIN, "60 minutes"), (rules.CHILD_SEEN_WITHIN, "24 hours"),
     (rules.REFERRER_CONFIRMATION_WITHIN, "48 hours"), (timedelta(days=5), "5 days")],
)
def test_timescales_read_as_people_say_them(span, words):
    from dutydesk.display import timescale_words

    assert timescale_words(span) == words


OPENED = at("2026-11-23 10:00")
U = rules.Urgency


@pytest.mark.parametrize("window, left, expected", [
    # A 48-hour window: "due soon" in its last quarter (12 hours) and not before.
    (timedelta(hours=48), timedelta(hours=12, seconds=1), U.ON_TRACK),
    (timedelta(hours=48), timedelta(hours=12), U.DUE_SOON),
    (timedelta(hours=48), timedelta(0), U.DUE_SOON),
    (timedelta(hours=48), timedelta(seconds=-1), U.OVERDUE),
    # A 60-minute hand-off: the last hour is its whole window, so due soon from its first second.
    (timedelta(minutes=60), timedelta(minutes=60), U.ON_TRACK),
    (timedelta(minutes=60), timedelta(minutes=59, seconds=59), U.DUE_SOON),
    # A long window (an assessment): under an hour left is due soon, whatever the quarter says.
    (timedelta(days=63), timedelta(minutes=59, seconds=59), U.DUE_SOON),
    (timedelta(days=63), timedelta(days=15, hours=18), U.DUE_SOON),
    (timedelta(days=63), timedelta(days=15, hours=18, seconds=1), U.ON_TRACK),
])
def test_the_board_says_overdue_due_soon_or_on_track_at_the_boundaries(window, left, expected):
    due = OPENED + window
    assert rules.urgency(OPENED, due, due - left) is expected


def test_a_transfer_must_be_accepted_by_the_same_time_on_the_next_working_day():
    friday = at("2026-11-27 16:30", "Europe/London")
    assert rules.transfer_acceptance_due_at(friday) == at("2026-11-30 16:30", "Europe/London")


def test_a_date_given_for_a_review_means_by_close_of_office_that_day_in_london_time():
    assert rules.end_of_working_day(date(2026, 7, 1)) == at("2026-07-01 16:00")  # 17:00 BST
    assert rules.end_of_working_day(date(2026, 12, 1)) == at("2026-12-01 17:00")  # 17:00 GMT
