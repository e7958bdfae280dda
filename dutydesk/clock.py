"""The one place that asks for "now", and the conversions between UTC and London time.

Times are stored in UTC and shown in Europe/London. A wall-clock time typed by a person is
London time; one that falls in the hour skipped when the clocks go forward did not happen,
and one in the hour repeated when they go back happened twice (forms ask which was meant;
`from_london` takes the first).
"""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class NonexistentLocalTime(ValueError):
    """A London wall-clock time skipped when the clocks went forward."""


def now_utc() -> datetime:
    """Return the current time, tz-aware, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Return a tz-aware UTC datetime; a naive one (as SQLite returns) is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_london(moment: datetime) -> datetime:
    """Return the moment as London wall-clock time (with `fold` set for the second of a repeated hour)."""
    # fromutc rather than astimezone: the datetime freezegun puts in place in tests drops the fold
    # that astimezone sets, and with it which of the two 01:30s (BST or GMT) a moment is.
    return LONDON.fromutc(as_utc(moment).replace(tzinfo=LONDON))


def london_readings(day: date, clock_time: time) -> list[datetime]:
    """The UTC moments a London wall-clock time names, earliest first: none in the hour skipped
    when the clocks go forward, two (BST, then GMT) in the hour repeated when they go back."""
    readings = []
    for fold in (0, 1):
        local = datetime.combine(day, clock_time, tzinfo=LONDON).replace(fold=fold)
        utc = local.astimezone(timezone.utc)
        if utc.astimezone(LONDON).replace(tzinfo=None) == local.replace(tzinfo=None) and utc not in readings:
            readings.append(utc)
    return readings


def from_london(day: date, clock_time: time) -> datetime:
    """Return the UTC moment of a London wall-clock time (the first, if it happened twice);
    raise if that time never happened."""
    readings = london_readings(day, clock_time)
    if not readings:
        raise NonexistentLocalTime(
            f"{clock_time:%H:%M} on {day:%-d %B %Y} did not happen in the UK: the clocks went "
            "forward an hour that night. Enter the time as shown on a clock after the change."
        )
    return readings[0]


def clocks_change_on(day: date) -> bool:
    """Whether the London clocks go forward or back on this day (the last Sundays of March and October)."""
    starts = datetime.combine(day, time(0), tzinfo=LONDON)
    ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
    return starts.utcoffset() != ends.utcoffset()
