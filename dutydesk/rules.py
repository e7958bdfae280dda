"""Every timescale in dutydesk, named once, with its source.

Nothing else in the code says 60 minutes, 48 hours or one working day: views, templates,
operations and queries ask this module. Deadlines are computed in UTC, so "60 minutes" is
sixty real minutes even across the night the clocks change; working days and hours are office
time (09:00 to 17:00 London) on the London calendar, skipping weekends and England and Wales
bank holidays.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from functools import lru_cache

import holidays

from dutydesk.clock import LONDON, as_utc, to_london

#: R39: the duty team must have the details, verbally and in writing, within this long.
HANDOFF_WITHIN = timedelta(minutes=60)

#: R21: a professional referrer confirms the referral in writing within this long.
REFERRER_CONFIRMATION_WITHIN = timedelta(hours=48)

#: R98: the police are informed "at the earliest opportunity"; this is the default of the council's
#: standard, which is a setting (config.py POLICE_INFORMED_WITHIN_MINUTES, read where the clock opens).
POLICE_INFORMED_WITHIN = timedelta(minutes=60)

#: R35: a child alleged to have been deliberately harmed is seen and spoken to within this long.
CHILD_SEEN_WITHIN = timedelta(hours=24)

#: Working Together: the decision on what happens next is made within one working day.
SCREENING_DECISION_WORKING_DAYS = 1

#: Working Together: an assessment is completed within 45 working days of the referral.
ASSESSMENT_WORKING_DAYS = 45

#: Working Together: an initial child protection conference is held within 15 working days of the
#: strategy discussion that started the section 47 enquiry.
CONFERENCE_WORKING_DAYS = 15

#: R42: the receiving team accepts a case transferred to it within this many working days.
TRANSFER_ACCEPTANCE_WORKING_DAYS = 1

#: R19: the board shows open work as "due soon" once it is in the last quarter of its window
#: (from when it was opened to when it is due), or has less than an hour left, whichever
#: comes first. A 60-minute hand-off is therefore "due soon" from its first minute.
DUE_SOON_SHARE_OF_WINDOW = 0.25
DUE_SOON_WITHIN = timedelta(hours=1)

#: R50: post, e-mails and telephone messages for a worker are actioned within this many
#: working hours (office hours on working days) of arriving.
INBOX_ITEM_WORKING_HOURS = 4

#: The duty teams' office hours on a working day (London time); outside them the out-of-hours
#: team takes the front door's calls.
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)

#: A working day of a clock ("within 1 working day", "45 working days") is this much office
#: time: from OFFICE_OPENS to OFFICE_CLOSES, eight hours.
WORKING_DAY = datetime.combine(date.min, OFFICE_CLOSES) - datetime.combine(date.min, OFFICE_OPENS)

#: Who could have seen a child, and when: a list that shows the child again and again (the
#: board refreshes every few seconds) is logged when the child first appears in it for a
#: person, and again once this long has passed, not at every refresh.
LIST_VIEW_LOGGED_EVERY = timedelta(minutes=10)

#: The board counts, and "Calls I logged" lists, the calls of this many London days, today included.
RECENT_DAYS = 7

#: The statistics' year, as the CIN census and Annex A count it: 1 April to 31 March (month, day).
FINANCIAL_YEAR_STARTS = (4, 1)
#: A statistics page's month-by-month trend shows at most this many months (the latest of them).
TREND_MONTHS_AT_MOST = 36
#: When the period chosen spans fewer than two calendar months, the trend shows this many months
#: up to its end.
TREND_MONTHS_DEFAULT = 12

#: Annex A "number of referrals in the last 12 months": the call page, the case page and the
#: board count the earlier contacts and referrals about the child within this many calendar
#: months before the call (on or after the same London date that many months earlier).
REPEAT_CONTACTS_MONTHS = 12

#: R2.5 (issue 11): another team's call about a child whose open work a team holds shows on
#: that team's board while its clocks run, and for this many days (of 24 hours) after it was
#: received: long enough for the two teams to talk, not so long that the board fills with history.
OTHER_TEAM_NOTICE_DAYS = 14

#: R30: senior managers inspect a random selection of case files "at least once every three
#: months": a file audit is drawn for a quarter of the year the statistics count (1 April to 31
#: March), of this many files unless the senior manager chooses another number, at most the other.
FILE_AUDIT_SAMPLE_SIZE = 10
FILE_AUDIT_SAMPLE_MOST = 50
#: Months in a quarter.
QUARTER_MONTHS = 3

#: A form posted after its author's session went idle is kept (auth/session.py) so that they lose
#: nothing when they sign in again. It holds what was typed about a child, for convenience only, so
#: it is purged once it is this old: the default of the setting config.FORM_DRAFT_RETENTION_DAYS.
FORM_DRAFTS_KEPT_FOR = timedelta(days=7)

#: Calls may be written up late, but a receipt time this far ahead of the clock is a typo.
RECEIVED_AT_TOLERANCE = timedelta(minutes=1)

#: How far ahead any date typed into dutydesk may lie: a deadline, a review, the end of an
#: absence, an expected date of birth. Nothing the front door plans is further off, so a later
#: date is a slip of the keys (2062 for 2026, 9999 for "no end yet"); refusing it also keeps
#: every deadline, working-day count and escalation step worked out from it inside the calendar.
FURTHEST_AHEAD_YEARS = 5

#: Children's services work with children, and with care leavers up to the age of 25 (Children
#: Act 1989 s.23CZB, inserted by the Children and Social Work Act 2017 s.3): a date of birth
#: further back than this, or an approximate age above it, is a slip of the keys.
OLDEST_AGE_YEARS = 25

#: A pregnancy lasts about 40 weeks and is overdue at 42 (NHS): an unborn child's expected date
#: of birth lies no further ahead than this.
UNBORN_DUE_WITHIN = timedelta(weeks=42)


class EscalationLevel(IntEnum):
    """The steps of an escalation ladder, in the order they are taken."""

    WARNING = 0
    MANAGER = 1
    SENIOR = 2

    @property
    def label(self) -> str:
        return {0: "Warning", 1: "Overdue: duty manager", 2: "Overdue: senior manager"}[self.value]

    @property
    def meaning(self) -> str:
        """What the step tells the person who receives it."""
        return {
            0: "This is due soon and has not been done yet.",
            1: "This has passed its deadline without being done, so it is escalated to the team's duty manager.",
            2: "This is still not done well past its deadline, so it is escalated to the senior managers.",
        }[self.value]


@dataclass(frozen=True)
class Ladder:
    """How one kind of work escalates: a warning to its owner `warn_before` the deadline, the
    owner's duty manager at the deadline, and the senior manager `senior_after` it."""

    warn_before: timedelta
    senior_after: timedelta

    def step_at(self, level: EscalationLevel, due_at: datetime) -> datetime:
        """When the step falls due for work due at due_at."""
        due_at = as_utc(due_at)
        return {
            EscalationLevel.WARNING: due_at - self.warn_before,
            EscalationLevel.MANAGER: due_at,
            EscalationLevel.SENIOR: due_at + self.senior_after,
        }[level]

    def first_step(self, created_at: datetime, due_at: datetime) -> EscalationLevel:
        """Work opened already overdue (a call written up late) skips the warning."""
        return EscalationLevel.MANAGER if as_utc(created_at) >= as_utc(due_at) else EscalationLevel.WARNING

    def step_after(self, level: EscalationLevel) -> EscalationLevel | None:
        """The next step of the ladder, or None once the senior manager has been told."""
        return None if level is EscalationLevel.SENIOR else EscalationLevel(level + 1)


#: The escalation ladder of each kind of obligation (by its stored value), and of an inbox
#: item. The clocks of the front door (R39, R98) warn a quarter of an hour ahead and reach
#: the senior manager half an hour after the deadline; longer clocks warn and climb in
#: proportion. Every kind must be here: tests check it.
LADDERS: dict[str, Ladder] = {
    "verbal_handoff": Ladder(warn_before=timedelta(minutes=15), senior_after=timedelta(minutes=30)),
    "written_handoff": Ladder(warn_before=timedelta(minutes=15), senior_after=timedelta(minutes=30)),
    "police_informed": Ladder(warn_before=timedelta(minutes=15), senior_after=timedelta(minutes=30)),
    "referrer_confirmation": Ladder(warn_before=timedelta(hours=4), senior_after=timedelta(hours=24)),
    "child_seen": Ladder(warn_before=timedelta(hours=2), senior_after=timedelta(hours=2)),
    "screening_decision": Ladder(warn_before=timedelta(hours=2), senior_after=timedelta(hours=4)),
    "transfer_acceptance": Ladder(warn_before=timedelta(hours=2), senior_after=timedelta(hours=4)),
    "assessment": Ladder(warn_before=timedelta(days=3), senior_after=timedelta(days=2)),
    "action": Ladder(warn_before=timedelta(hours=1), senior_after=timedelta(days=1)),
    "strategy_review": Ladder(warn_before=timedelta(days=1), senior_after=timedelta(days=1)),
    "initial_conference": Ladder(warn_before=timedelta(days=2), senior_after=timedelta(days=1)),
    "inbox_item": Ladder(warn_before=timedelta(hours=1), senior_after=timedelta(hours=4)),
}


class ObligationState(StrEnum):
    MET_ON_TIME = "met on time"
    MET_LATE = "met late"
    OPEN = "open"
    OVERDUE = "overdue"
    WITHDRAWN = "no longer needed"


class Urgency(StrEnum):
    """How the board ranks open work: the colour and the words it shows beside each item."""

    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    ON_TRACK = "on track"

    @property
    def rank(self) -> int:
        return {"overdue": 0, "due soon": 1, "on track": 2}[self.value]


def handoff_due_at(received_at: datetime) -> datetime:
    """R39: when the verbal and the written hand-off of a call are due."""
    return as_utc(received_at) + HANDOFF_WITHIN


def referrer_confirmation_due_at(received_at: datetime) -> datetime:
    """R21: when a professional referrer's written confirmation is due."""
    return as_utc(received_at) + REFERRER_CONFIRMATION_WITHIN


def police_informed_due_at(flagged_at: datetime, within: timedelta = POLICE_INFORMED_WITHIN) -> datetime:
    """R98: when the police must have been told of a possible crime against a child, `within` the
    council's setting of the time it allows."""
    return as_utc(flagged_at) + within


def child_seen_due_at(allegation_received_at: datetime) -> datetime:
    """R35: when a child alleged to have been deliberately harmed must have been seen."""
    return as_utc(allegation_received_at) + CHILD_SEEN_WITHIN


def screening_decision_due_at(received_at: datetime) -> datetime:
    """Working Together: the screening decision is due one working day after receipt."""
    return add_working_days(received_at, SCREENING_DECISION_WORKING_DAYS)


def assessment_due_at(referred_at: datetime) -> datetime:
    """Working Together: when the assessment that follows a referral must be complete."""
    return add_working_days(referred_at, ASSESSMENT_WORKING_DAYS)


def conference_due_at(discussed_at: datetime) -> datetime:
    """Working Together: when the initial child protection conference must be held."""
    return add_working_days(discussed_at, CONFERENCE_WORKING_DAYS)


def transfer_acceptance_due_at(requested_at: datetime) -> datetime:
    """R42: when the receiving team must have accepted a transferred case."""
    return add_working_days(requested_at, TRANSFER_ACCEPTANCE_WORKING_DAYS)


def inbox_item_due_at(received_at: datetime) -> datetime:
    """R50: when post, an e-mail or a telephone message received for a worker must be actioned."""
    return add_working_hours(received_at, INBOX_ITEM_WORKING_HOURS)


def furthest_ahead(today: date) -> date:
    """The last date that may be typed for anything in the future (see FURTHEST_AHEAD_YEARS)."""
    return today + timedelta(days=round(365.25 * FURTHEST_AHEAD_YEARS))


def earliest_date_of_birth(today: date) -> date:
    """The earliest date of birth of anyone the front door works with (see OLDEST_AGE_YEARS)."""
    year = today.year - OLDEST_AGE_YEARS
    return date(year, 3, 1) if (today.month, today.day) == (2, 29) else today.replace(year=year)


def age_on(date_of_birth: date, day: date) -> int | None:
    """Whole years of age on `day` (Annex A's "Age of Child (Years)", at the date of the event): a
    birthday not yet reached that year does not count, and a child born on 29 February turns a
    year older on 1 March in other years. None for a child not yet born that day."""
    if date_of_birth > day:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def latest_expected_date_of_birth(today: date) -> date:
    """The furthest ahead an unborn child's expected date of birth may lie (see UNBORN_DUE_WITHIN)."""
    return today + UNBORN_DUE_WITHIN


def end_of_working_day(day: date) -> datetime:
    """A date given for something (a review, an action point) means by close of office that day."""
    return as_utc(datetime.combine(day, OFFICE_CLOSES, tzinfo=LONDON))


def start_of_working_day(day: date) -> datetime:
    """A date given for something done (a conference held, a review made) counts from the opening of
    office that day: done on a clock's due date is done on time, whatever the hour."""
    return as_utc(datetime.combine(day, OFFICE_OPENS, tzinfo=LONDON))


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """Return the moment `days` working days of office time after start: each is WORKING_DAY
    of office time (09:00 to 17:00 London on working days), counted as post and messages are.

    A call at 15:00 on a Friday is due at 15:00 on Monday; one at 00:30 on a Sunday (or on a
    Saturday, or at 20:00 on a Friday) at 17:00 on Monday, the close of the first whole working
    day after it; one at 15:00 on the Thursday before Easter, at 15:00 on the Tuesday after it.
    """
    return add_working_time(start, days * WORKING_DAY)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """Return the moment `hours` of office time after start. Something arriving at 16:00 on a
    Friday with 4 working hours is due at 12:00 on Monday; something arriving at night starts
    its clock when the office opens."""
    return add_working_time(start, timedelta(hours=hours))


def add_working_time(start: datetime, span: timedelta) -> datetime:
    """Return the moment `span` of office time (09:00 to 17:00 London on working days) after
    start. Time outside office hours does not count; when the span runs out exactly at the
    close of office, that close is the answer (not the next morning's opening)."""
    remaining = span
    local = to_london(start)
    day, clock_time = local.date(), local.time().replace(tzinfo=None)
    while True:
        if is_working_day(day) and clock_time < OFFICE_CLOSES:
            opens = max(clock_time, OFFICE_OPENS)
            available = datetime.combine(day, OFFICE_CLOSES) - datetime.combine(day, opens)
            if remaining <= available:
                return as_utc(datetime.combine(day, opens, tzinfo=LONDON) + remaining)
            remaining -= available
        day += timedelta(days=1)
        clock_time = time(0, 0)


def is_office_hours(moment: datetime) -> bool:
    """Whether the duty teams (rather than the out-of-hours team) are on at this moment."""
    local = to_london(moment)
    return is_working_day(local.date()) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES


def recent_days_start(now: datetime) -> datetime:
    """When the RECENT_DAYS London days up to now began: midnight, London time, RECENT_DAYS - 1 days ago."""
    first_day = to_london(now).date() - timedelta(days=RECENT_DAYS - 1)
    return as_utc(datetime.combine(first_day, time.min, tzinfo=LONDON))


def other_team_notice_since(now: datetime) -> datetime:
    """The earliest receipt time of another team's call that a team's board still shows when
    its clocks have all stopped: OTHER_TEAM_NOTICE_DAYS before now, that moment included."""
    return as_utc(now) - timedelta(days=OTHER_TEAM_NOTICE_DAYS)


def months_before(day: date, months: int) -> date:
    """The same date `months` calendar months earlier; the last day of that month when it is
    shorter (12 months before 29 February 2028 is 28 February 2027)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    first_of_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_of_next - timedelta(days=1)).day))


def repeat_window_start(before: datetime, months: int = REPEAT_CONTACTS_MONTHS) -> datetime:
    """When the window of earlier contacts counted for a call received at `before` opens:
    London midnight of the date `months` months before its London date (the whole of that day
    counts, so a call exactly 12 months earlier is counted, one a day earlier is not)."""
    first_day = months_before(to_london(before).date(), months)
    return as_utc(datetime.combine(first_day, time.min, tzinfo=LONDON))


def obligation_state(due_at: datetime, met_at: datetime | None, now: datetime,
                     is_withdrawn: bool = False) -> ObligationState:
    """An obligation met by its due time is on time; one still open after it is overdue."""
    due_at = as_utc(due_at)
    if is_withdrawn:
        return ObligationState.WITHDRAWN
    if met_at is not None:
        return ObligationState.MET_ON_TIME if as_utc(met_at) <= due_at else ObligationState.MET_LATE
    return ObligationState.OPEN if as_utc(now) <= due_at else ObligationState.OVERDUE


def urgency(created_at: datetime, due_at: datetime, now: datetime) -> Urgency:
    """R19: overdue once past due; due soon in the last quarter of the window or the last hour."""
    left = as_utc(due_at) - as_utc(now)
    if left < timedelta(0):
        return Urgency.OVERDUE
    window = as_utc(due_at) - as_utc(created_at)
    if left <= window * DUE_SOON_SHARE_OF_WINDOW or left < DUE_SOON_WITHIN:
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK


def financial_year_start(day: date) -> date:
    """The first day of the financial year (FINANCIAL_YEAR_STARTS) that the London date lies in."""
    month, first = FINANCIAL_YEAR_STARTS
    start = date(day.year, month, first)
    return start if day >= start else date(day.year - 1, month, first)


def first_working_day(month: date) -> date:
    """The first working day of the month that `month` (any day of it) lies in."""
    day = month.replace(day=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def month_after(month: date) -> date:
    """The first day of the calendar month after the one `month` lies in."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_before(month: date) -> date:
    """The first day of the calendar month before the one `month` lies in."""
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def monthly_report_due_at(month: date) -> datetime:
    """R54: when the report of the month's unallocated cases is made: at the opening of office on the
    first working day of the month after (after a bank holiday Monday on the 1st, the Tuesday)."""
    return start_of_working_day(first_working_day(month_after(month)))


def latest_month_reported(now: datetime) -> date:
    """The first day of the latest month whose report has fallen due by now."""
    month = month_before(to_london(now).date())
    return month if monthly_report_due_at(month) <= as_utc(now) else month_before(month)


def quarter_start(day: date) -> date:
    """The first day of the quarter (of the year that starts on FINANCIAL_YEAR_STARTS) that day lies in."""
    year_start = financial_year_start(day)
    months = (day.year - year_start.year) * 12 + day.month - year_start.month
    index = year_start.year * 12 + year_start.month - 1 + months - months % QUARTER_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def quarter_after(start: date) -> date:
    """The first day of the quarter after the one starting on `start`."""
    index = start.year * 12 + start.month - 1 + QUARTER_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def quarter_before(start: date) -> date:
    """The first day of the quarter before the one starting on `start`."""
    index = start.year * 12 + start.month - 1 - QUARTER_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def london_midnight(day: date) -> datetime:
    """The moment a London day begins."""
    return as_utc(datetime.combine(day, time.min, tzinfo=LONDON))


def audit_reminder_due_at(quarter: date) -> datetime:
    """R30: when the senior managers are reminded that the quarter passed without a file audit
    completed: at the opening of office on the first working day after it."""
    return start_of_working_day(first_working_day(quarter_after(quarter)))


def latest_quarter_ended(now: datetime) -> date:
    """The first day of the latest quarter whose reminder has fallen due by now."""
    quarter = quarter_before(quarter_start(to_london(now).date()))
    return quarter if audit_reminder_due_at(quarter) <= as_utc(now) else quarter_before(quarter)


def form_drafts_purged_before(now: datetime, kept_for: timedelta = FORM_DRAFTS_KEPT_FOR) -> datetime:
    """Kept form drafts made at or before this moment have been kept `kept_for` and are purged."""
    return as_utc(now) - kept_for
