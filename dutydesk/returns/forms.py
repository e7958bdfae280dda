"""Choosing a census: the collection year (by its first April) and the local authority's code."""

import re
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectField, StringField, ValidationError

from dutydesk import rules

#: How many past collection years the page offers, besides the current one.
PAST_YEARS = 5


def collection_years(today: date) -> list[int]:
    """The current collection year (by its first April) and the ones before it, latest first."""
    current = rules.financial_year_start(today).year
    return list(range(current, current - PAST_YEARS - 1, -1))


class CensusForm(Form):
    year = SelectField("Collection year", widget=GovSelect(), coerce=int)
    la = StringField("Local authority code", widget=GovTextInput())

    def __init__(self, formdata, today: date, la_code: str):
        super().__init__(formdata)
        self.year.choices = [(year, f"{year}-{(year + 1) % 100:02d} (1 April {year} to 31 March {year + 1})")
                             for year in collection_years(today)]
        if not formdata or "year" not in formdata:
            self.year.data = self.year.choices[1][0] if today.month in (4, 5, 6, 7) else self.year.choices[0][0]
        if not formdata or "la" not in formdata:
            self.la.data = la_code

    def validate_year(self, field):
        if field.data not in dict(self.year.choices):
            raise ValidationError("Choose a collection year from the list")

    def validate_la(self, field):
        field.data = (field.data or "").strip()
        if not re.fullmatch(r"\d{3}", field.data):
            raise ValidationError("Enter the local authority's three-digit DfE code, for example 309")
