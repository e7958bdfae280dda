"""Form pieces shared by every area: London date-and-time entry and plain-English messages."""

import re
from datetime import date, datetime, time

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSelect, GovTextInput
from wtforms import DateField, Field, FieldList, RadioField, SelectField, StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from dutydesk.absences.queries import list_absences_in_force
from dutydesk.clock import NonexistentLocalTime, from_london, london_readings, now_utc, to_london
from dutydesk.display import away_until, london
from dutydesk.inputs import parse_id, whole_number
from dutydesk.rules import FURTHEST_AHEAD_YEARS, RECEIVED_AT_TOLERANCE, end_of_working_day, furthest_ahead


def parse_clock_time(text: str) -> time:
    """Read a 24-hour clock time typed as 14:05, 14.05, 1405 or 9:05 (ASCII digits only)."""
    cleaned = text.strip().replace(".", ":").replace(" ", "")
    if ":" not in cleaned and cleaned.isascii() and cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    hours, _, minutes = cleaned.partition(":")
    hour, minute = whole_number(hours, most=23), whole_number(minutes, most=59)
    if hour is None or minute is None or len(hours) > 2 or len(minutes) != 2:
        raise ValueError
    return time(hour, minute)


#: No date typed into dutydesk lies before this year: an earlier one is a slip of the keys.
EARLIEST_YEAR = 1900


class LondonDateField(DateField):
    """A GOV.UK day, month and year input; empty is None (let `require` decide), nonsense is an error."""

    widget = GovDateInput()

    def __init__(self, label: str, what: str = "date", **kwargs):
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        self.data = None
        if len(valuelist) != 3:  # not posted (or not by our form): show the inputs empty
            self.raw_data = None
        if not valuelist or not "".join(valuelist).strip():
            return
        parts = [part.strip() for part in valuelist]
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            raise ValueError(f"Enter the {self.what} as numbers for day, month and year, like 21 11 2026")
        day, month = whole_number(parts[0], most=31), whole_number(parts[1], most=12)
        year = whole_number(parts[2], least=1000, most=9999) if len(parts[2]) == 4 else None
        if year is None:
            raise ValueError(f"Enter the {self.what} with a four-digit year, like 2026")
        try:
            moment = date(year, month, day)
        except (TypeError, ValueError):  # no such day or month (None), or not in that month
            raise ValueError(f"The {self.what} must be a real date, like 21 11 2026") from None
        self.check_range(moment, to_london(now_utc()).date())
        self.data = moment

    def check_range(self, day: date, today: date) -> None:
        """Refuse (ValueError, saying why) a date outside the years this field takes."""
        if day.year < EARLIEST_YEAR:
            raise ValueError(f"The {self.what} must be in {EARLIEST_YEAR} or later")
        if day > furthest_ahead(today):
            raise ValueError(f"The {self.what} must be within {FURTHEST_AHEAD_YEARS} years from today")


class ClockTimeField(StringField):
    """A 24-hour clock time, typed. In the hour repeated when the clocks go back a time happened
    twice: the page then asks which was meant, in radios of their own (`which_name`), and
    `which` is the answer, "first" (BST) or "second" (GMT), or None."""

    widget = GovTextInput()
    WHICH = ("first", "second")

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        answer = formdata.getlist(self.which_name) if formdata is not None else []
        self.which = answer[0] if answer and answer[0] in self.WHICH else None

    @property
    def which_name(self) -> str:
        return f"{self.name}_which"

    def repeated_hour(self, date_field) -> dict | None:
        """When the date and time typed name a time that happened twice: the question to ask, as
        GOV.UK radios' legend and items (the answer given, if any, chosen). Otherwise None."""
        try:
            clock_time = parse_clock_time(self.data or "")
        except ValueError:
            return None
        readings = [] if date_field.data is None else london_readings(date_field.data, clock_time)
        if len(readings) != 2:
            return None
        return {"legend": f"Which {clock_time:%H:%M} on {date_field.data:%-d %B %Y}?", "items": [
            {"value": which, "checked": self.which == which,
             "text": f"{to_london(moment):%H:%M %Z}: the {which} {clock_time:%H:%M}, "
                     f"{'before' if which == 'first' else 'after'} the clocks went back"}
            for which, moment in zip(self.WHICH, readings)]}


class LondonMoment:
    """A date field and a time field that together give one moment, typed in London time.

    Call `value(form)` after validation; it adds an error to the fields and returns None when
    the time cannot be read, never happened (the spring clock change), happened twice (the
    autumn one) and the person has not said which, or lies in the future.
    """

    #: What a date typed without a time means (a function of the date); None: the time is needed.
    blank_time_means = None

    def __init__(self, date_field: str, time_field: str, what: str):
        self.date_field, self.time_field, self.what = date_field, time_field, what

    def value(self, form, *, not_before: datetime | None = None) -> datetime | None:
        moment = self._read(form)
        if moment is None:
            return None
        if moment > now_utc() + RECEIVED_AT_TOLERANCE:
            getattr(form, self.date_field).errors.append(f"The time {self.what} must be now or in the past")
            return None
        if not_before is not None and moment < not_before:
            getattr(form, self.time_field).errors.append(
                f"The time {self.what} cannot be before {london(not_before, '%H:%M on %-d %B %Y')}"
            )
            return None
        return moment

    def _read(self, form) -> datetime | None:
        """The UTC moment typed, or None with an error beside the field that cannot be read."""
        day_field: Field = getattr(form, self.date_field)
        time_field: Field = getattr(form, self.time_field)
        if day_field.errors or day_field.data is None:
            return None
        text = (time_field.data or "").strip()
        if not text and self.blank_time_means is not None:
            return self.blank_time_means(day_field.data)
        try:
            clock_time = parse_clock_time(text)
        except ValueError:
            time_field.errors.append(f"Enter the time {self.what} as hours and minutes on a 24-hour clock, like 14:05")
            return None
        readings = london_readings(day_field.data, clock_time)
        if len(readings) == 2:  # the hour repeated when the clocks go back: which was meant?
            if time_field.which is None:
                time_field.errors.append(
                    f"{clock_time:%H:%M} on {day_field.data:%-d %B %Y} happened twice: the clocks went back an "
                    f"hour that night. Choose which {clock_time:%H:%M} you mean")
                return None
            return readings[ClockTimeField.WHICH.index(time_field.which)]
        try:
            return from_london(day_field.data, clock_time)
        except NonexistentLocalTime as error:
            time_field.errors.append(str(error))
            return None


class LondonDeadline(LondonMoment):
    """A date and an optional time by which something must be done, typed in London time.

    Unlike a `LondonMoment` (when something happened), a deadline must lie in the future. A
    date without a time means the close of office that day (`rules.end_of_working_day`).
    """

    blank_time_means = staticmethod(end_of_working_day)

    def value(self, form) -> datetime | None:
        moment = self._read(form)
        if moment is None:
            return None
        if moment <= now_utc():
            getattr(form, self.date_field).errors.append(
                f"The time {self.what} must be in the future: it is now {london(now_utc(), '%H:%M on %-d %B %Y')}"
            )
            return None
        return moment


def fill_with_now(form, moment: LondonMoment) -> None:
    """Fill a moment's fields with the current London date and time (a form's default), saying
    which of a time that happens twice it is, in the hour repeated when the clocks go back."""
    local = to_london(now_utc())
    time_field = getattr(form, moment.time_field)
    getattr(form, moment.date_field).data = local.date()
    time_field.data = f"{local:%H:%M}"
    time_field.which = ClockTimeField.WHICH[local.fold]


def require(message: str):
    """A DataRequired that says what to do, and treats whitespace as empty."""

    def check(form, field):
        value = field.data
        if field.errors:  # already says what is wrong with what was typed
            raise StopValidation()
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            raise StopValidation(message)

    check.field_flags = {"required": True}
    check.message = message
    return check


def optional_int(value) -> int | None:
    """Coerce a select's value to an id, with its blank "Choose one" as None.

    Anything that is not an id any row could have (letters, other scripts' digits, twenty
    digits) is refused: the select then says, beside itself, to choose from the list.
    """
    if value in (None, "") or isinstance(value, int):
        return value or None
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


def _code_of(codes):
    """Coerce a choice's value to the member of its code list, with a blank answer as None."""

    def coerce(value):
        return None if value in (None, "") else codes(value)  # ValueError: not one of the codes

    return coerce


class ChoiceMixin:
    """A radio or select field: an unanswered choice is left to `require`, so that its message
    says what to do, and an answer the form never offered is refused beside the field.

    `codes` (a code list, `LabelledEnum`) gives the choices, after an optional blank `prompt`,
    and makes the field's data the member itself: no view converts what was posted. `unknown`
    says what to do when a value not offered arrives; by default it is the `require` message
    (for a select, "... from the list").
    """

    unknown_suffix = ""

    def __init__(self, label=None, validators=None, *, codes=None, prompt: str | None = None,
                 unknown: str | None = None, **kwargs):
        if codes is not None:
            kwargs["choices"] = ([("", prompt)] if prompt is not None else []) + codes.choices()
            kwargs["coerce"] = _code_of(codes)
        required = next((v.message for v in validators or () if getattr(v, "field_flags", {}).get("required")
                         and getattr(v, "message", None)), None)
        unknown = unknown or (required and f"{required}{self.unknown_suffix}")
        if unknown is None:
            raise TypeError(f"{label}: say what to do when an answer not offered is posted (unknown=...)")
        super().__init__(label, validators, invalid_value_message=unknown, invalid_choice_message=unknown,
                         **kwargs)

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)


class GovRadioField(ChoiceMixin, RadioField):
    widget = GovRadioInput()


class GovSelectField(ChoiceMixin, SelectField):
    widget = GovSelect()
    unknown_suffix = " from the list"


class RowList(FieldList):
    """A form's repeatable rows (children, attendees), numbered in ASCII digits as our pages number
    them: a field named with other digits (children-²-name) belongs to no row."""

    _ROW = re.compile(r"[0-9]{1,4}")

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if self._ROW.fullmatch(index):
                    yield int(index)


def person_choices(people, prompt: str, *, with_team: bool = True, notes: dict[int, str] | None = None) -> list[tuple]:
    """A select's options: a "Choose" prompt, then each person with their team (unless told not),
    or with the note given for them ("holds the child's work").

    R50: nobody away is offered as if they were in. Those away now come after those in, each
    marked "Wes Adams (Duty North) — away until 4 Dec"; each group keeps the order given.
    """
    now = now_utc()
    away = list_absences_in_force([person.id for person in people], now)

    def label(person) -> str:
        aside = (notes or {}).get(person.id) or (person.team.name if with_team and person.team else None)
        name = f"{person.display_name} ({aside})" if aside else person.display_name
        absence = away.get(person.id)
        return f"{name} — away until {away_until(absence.ends_at, now)}" if absence is not None else name

    return [("", prompt)] + [(person.id, label(person)) for person in sorted(people, key=lambda p: p.id in away)]
