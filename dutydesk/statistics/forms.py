"""Choosing the statistics' period and team: from and to dates (a GOV.UK date input each, or an
ISO date from a link) and one team or all."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField, ValidationError

from dutydesk.forms import LondonDateField
from dutydesk.rules import financial_year_start

#: How the page's own links write a date: 2026-04-01.
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
ALL_TEAMS = "all"


class PeriodDateField(LondonDateField):
    """A day, month and year typed, or one ISO date from a link."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and ISO_DATE.fullmatch(valuelist[0].strip()):
            year, month, day = ISO_DATE.fullmatch(valuelist[0].strip()).groups()
            self.raw_data = [day, month, year]  # shown in the day, month and year inputs
            super().process_formdata(self.raw_data)
            return
        super().process_formdata(valuelist)


class DatesForm(Form):
    """A period of London dates, its first and last days included: this financial year so far
    unless the query string names one. Forms that share a page take a prefix of their own
    (`prefix="annex"`: ?annex-from=...&annex-to=...)."""

    first = PeriodDateField("From", what="first day", name="from")
    last = PeriodDateField("To", what="last day", name="to")

    def __init__(self, formdata, today: date, **kwargs):
        super().__init__(formdata, **kwargs)
        self.today = today
        #: Whether the query string names the period, or it is the default.
        self.is_asked = formdata.get(self.first.name) is not None or formdata.get(self.last.name) is not None
        if not self.is_asked:
            self.first.data, self.last.data = this_financial_year(today)

    def validate_last(self, field):
        if self.first.data is None and not self.first.errors and field.data is not None:
            self.first.errors = [*self.first.errors, "Enter the first day of the period"]
        if field.data is None and not field.errors and self.first.data is not None:
            raise ValidationError("Enter the last day of the period")
        if field.data is not None and self.first.data is not None and field.data < self.first.data:
            raise ValidationError("The last day must be the same as the first day or after it")


class PeriodForm(DatesForm):
    """The statistics' period, and one team or all."""

    team = SelectField("Team", widget=GovSelect(), default=ALL_TEAMS, validate_choice=False)

    def __init__(self, formdata, teams, today: date):
        super().__init__(formdata, today)
        self.team.choices = [(ALL_TEAMS, "All teams")] + [
            (str(team.id), team.name if team.is_active else f"{team.name} (closed)") for team in teams]

    def validate_team(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a team from the list, or all teams")

    @property
    def team_id(self) -> int | None:
        return None if self.team.data in (None, ALL_TEAMS) else int(self.team.data)


def this_financial_year(today: date) -> tuple[date, date]:
    return financial_year_start(today), today


@dataclass(frozen=True)
class QuickPeriod:
    label: str
    first: date
    last: date


def quick_periods(today: date) -> list[QuickPeriod]:
    """This financial year so far, last month, last quarter and last financial year."""
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter_start - timedelta(days=1)
    last_quarter_start = date(last_quarter_end.year, last_quarter_end.month - 2, 1)
    year_start = financial_year_start(today)
    last_year_start = financial_year_start(year_start - timedelta(days=1))
    return [QuickPeriod("This financial year so far", year_start, today),
            QuickPeriod("Last month", last_month_end.replace(day=1), last_month_end),
            QuickPeriod("Last quarter", last_quarter_start, last_quarter_end),
            QuickPeriod("Last financial year", last_year_start, year_start - timedelta(days=1))]
