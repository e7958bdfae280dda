"""The one place that asks for "now", and the conversions between UTC and London time.

Times are stored in UTC and shown in Europe/London. A wall-clock time typed by a person is
London time; one that falls in the hour skipped when the clocks go forward did not happen,
and one in the hour repeated when they go back is taken as its first occurrence.
"""

from datetime import date, datetime, time, timezone
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
    """Return the moment as London wall-clock time."""
    return as_utc(moment).astimezone(LONDON)


def from_london(day: date, clock_time: time) -> datetime:
    """Return the UTC moment of a London wall-clock time; raise if that time never happened."""
    local = datetime.combine(day, clock_time, tzinfo=LONDON)  # fold=0: the first of a repeated hour
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{clock_time:%H:%M} on {day:%-d %B %Y} did not happen in the UK: the clocks went "
            "forward an hour that night. Enter the time as shown on a clock after the change."
        )
    return utc
