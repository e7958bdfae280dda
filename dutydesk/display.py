"""How times, clocks and states read on screen: template filters and globals."""

import re
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup

from dutydesk import permissions, rules
from dutydesk.clock import clocks_change_on, now_utc, to_london
from dutydesk.rules import ObligationState, Urgency, obligation_state, urgency

#: The GOV.UK tag colour that goes with each state; the state's words are always shown too.
STATE_TAG_CLASSES = {
    ObligationState.MET_ON_TIME: "govuk-tag--green",
    ObligationState.MET_LATE: "govuk-tag--orange",
    ObligationState.OPEN: "govuk-tag--blue",
    ObligationState.OVERDUE: "govuk-tag--red",
    ObligationState.WITHDRAWN: "govuk-tag--grey",
}


#: The board's colours for open work (R19); the words are always shown beside the colour.
URGENCY_TAG_CLASSES = {
    Urgency.OVERDUE: "govuk-tag--red",
    Urgency.DUE_SOON: "govuk-tag--yellow",
    Urgency.ON_TRACK: "govuk-tag--green",
}


#: A clock time in a format, to which the zone is added on the days the clocks change.
_CLOCK_TIME = re.compile(r"%H:%M(?::%S)?")


def london(moment: datetime | None, fmt: str = "%H:%M on %-d %b %Y") -> str:
    """A UTC moment as London wall-clock time.

    On the two days a year the clocks change, a time is shown with its zone ("01:30 BST",
    "01:30 GMT"): that night an hour is repeated or skipped, and a time alone could be either
    of two moments, or make a 60-minute clock look like no time at all, or two hours.
    """
    if moment is None:
        return ""
    local = to_london(moment)
    if clocks_change_on(local.date()):
        fmt = _CLOCK_TIME.sub(lambda match: f"{match.group(0)} %Z", fmt)
    return local.strftime(fmt)


def london_until(moment: datetime | None) -> str:
    """When something that may last whole days ends: '12:30 on 27 Nov 2026', or 'the end of
    27 Nov 2026' for midnight (so a day typed as the last day away reads as that day)."""
    if moment is None:
        return ""
    local = to_london(moment)
    if (local.hour, local.minute) == (0, 0):
        return f"the end of {local - timedelta(days=1):%-d %b %Y}"
    return london(moment)


def away_until(ends_at: datetime, now: datetime | None = None) -> str:
    """When someone away is back, as a duty manager says it: '4 Dec' (their last day away, in
    London), with the year if it is not this year's, or '15:00 today' if they are back today."""
    local, today = to_london(ends_at), to_london(now or now_utc()).date()
    is_midnight = (local.hour, local.minute) == (0, 0)
    last_day = (local - timedelta(days=1)).date() if is_midnight else local.date()
    if last_day == today:
        return "the end of today" if is_midnight else f"{local:%H:%M} today"
    return f"{last_day:%-d %b}" if last_day.year == today.year else f"{last_day:%-d %b %Y}"


def duration_words(seconds: float) -> str:
    """'1 hour 5 minutes', '2 days 3 hours', '45 seconds'."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)

    def plural(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'}"

    if days:
        return " ".join([plural(days, "day")] + ([plural(hours, "hour")] if hours else []))
    if hours:
        return " ".join([plural(hours, "hour")] + ([plural(minutes, "minute")] if minutes else []))
    if minutes:
        return plural(minutes, "minute")
    return plural(secs, "second")


def timescale_words(span: timedelta) -> str:
    """A timescale as people say it: '60 minutes', '24 hours', '48 hours', '3 days'."""
    minutes = int(span.total_seconds() // 60)
    if minutes <= 120:
        return f"{minutes} minutes"
    if minutes % 60 == 0 and minutes <= 72 * 60:
        return f"{minutes // 60} hours"
    return duration_words(span.total_seconds())


def time_left(due_at: datetime, now: datetime | None = None) -> str:
    """'42 minutes left', or 'overdue by 3 minutes'."""
    remaining = (due_at - (now or now_utc())).total_seconds()
    if remaining >= 0:
        return f"{duration_words(remaining)} left"
    return f"overdue by {duration_words(remaining)}"


def state_of(obligation, now: datetime | None = None) -> ObligationState:
    return obligation_state(obligation.due_at, obligation.met_at, now or now_utc(), obligation.is_withdrawn)


def state_tag(obligation, now: datetime | None = None) -> Markup:
    state = state_of(obligation, now)
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(
        STATE_TAG_CLASSES[state], state.value.capitalize()
    )


def urgency_of(obligation, now: datetime | None = None) -> Urgency:
    return urgency(obligation.created_at, obligation.due_at, now or now_utc())


def urgency_tag(obligation_or_urgency, now: datetime | None = None) -> Markup:
    """Open work's state as the board shows it: overdue, due soon or on track, in colour and words."""
    state = obligation_or_urgency if isinstance(obligation_or_urgency, Urgency) \
        else urgency_of(obligation_or_urgency, now)
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(
        URGENCY_TAG_CLASSES[state], state.value.capitalize()
    )


def answer(value: bool | None) -> str:
    """A yes-or-no question's answer as recorded: "Yes", "No", or "Not recorded" (asked only since)."""
    return "Not recorded" if value is None else "Yes" if value else "No"


def init_app(app) -> None:
    app.add_template_filter(answer)
    app.add_template_filter(london)
    app.add_template_filter(london_until)
    app.add_template_filter(time_left)
    app.add_template_filter(state_tag)
    app.add_template_filter(urgency_tag)
    app.add_template_global(urgency_of)
    app.add_template_global(state_of)
    app.add_template_global(permissions.can, "can")
    app.add_template_global(permissions, "permissions")
    app.add_template_global(now_utc)
    app.add_template_global(rules, "rules")
    app.add_template_filter(timescale_words)

    @app.context_processor
    def council():
        return {"council_name": current_app.config["COUNCIL_NAME"],
                "service_name": current_app.config["SERVICE_NAME"]}
