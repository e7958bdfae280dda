"""The forms of absences and cover, and of post, e-mails and messages received for a worker (R50)."""

from datetime import date, datetime, time, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from dutydesk.clock import from_london
from dutydesk.forms import (
    ClockTimeField,
    GovRadioField,
    GovSelectField,
    LondonDateField,
    LondonMoment,
    optional_int,
    require,
)
from dutydesk.models import InboxChannel


def start_of_day(day: date) -> datetime:
    """A whole day away starts at midnight (London time) at its start..."""
    return from_london(day, time(0, 0))


def end_of_day(day: date) -> datetime:
    """...and ends at midnight at its end."""
    return from_london(day + timedelta(days=1), time(0, 0))


class AbsenceBound(LondonMoment):
    """When an absence starts or ends: a London date and an optional time, past or future.

    A date without a time means the whole of that day. Whether the absence is over already,
    or ends before it starts, is for the operation to say.
    """

    def __init__(self, date_field: str, time_field: str, what: str, blank_time_means):
        super().__init__(date_field, time_field, what)
        self.blank_time_means = blank_time_means

    def value(self, form) -> datetime | None:
        return self._read(form)


class AbsenceForm(FlaskForm):
    starts = AbsenceBound("starts_date", "starts_time", "the absence starts", start_of_day)
    ends = AbsenceBound("ends_date", "ends_time", "the absence ends", end_of_day)

    # Who may be chosen is checked against the lists offered, in the view.
    worker_id = GovSelectField("Who is away?", coerce=optional_int, validate_choice=False,
                               validators=[require("Choose who is away")])
    starts_date = LondonDateField("First day away", what="first day away",
                                  description="For example, 24 11 2026",
                                  validators=[require("Enter the first day they are away")])
    starts_time = ClockTimeField("Time they go (optional)",
                                 description="24-hour clock, like 13:00, if they go part-way through the day. "
                                             "Leave blank if they are away all day.",
                                 validators=[Length(max=10)])
    ends_date = LondonDateField("Last day away", what="last day away",
                                description="For example, 27 11 2026",
                                validators=[require("Enter the last day they are away")])
    ends_time = ClockTimeField("Time they are back (optional)",
                               description="24-hour clock, like 12:30, if they are back part-way through their "
                                           "last day. Leave blank if they are away all day.",
                               validators=[Length(max=10)])
    cover_id = GovSelectField("Who covers for them? (optional)", coerce=optional_int, validate_choice=False,
                              unknown="Choose who covers from the list, or leave it empty for their team manager to",
                              description="They take the worker's new work and post, and see their open work. "
                                          "Leave this empty for the worker's team manager to.")
    reason = StringField("Reason (optional)", widget=GovTextInput(),
                         description="For example annual leave, training, off sick. Do not give medical details.",
                         validators=[Length(max=200, message="Give the reason in 200 characters or fewer")])
    save = SubmitField("Record the absence", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.starts_at = self.starts.value(self)
        self.ends_at = self.ends.value(self)
        return valid and self.starts_at is not None and self.ends_at is not None


class EndAbsenceForm(FlaskForm):
    """The "End now" button: nothing to fill in but the CSRF token."""


class InboxItemForm(FlaskForm):
    received = LondonMoment("received_date", "received_time", "it arrived")

    worker_id = GovSelectField("Who is it for?", coerce=optional_int, validate_choice=False,
                               description="If they are away, it goes to whoever covers for them",
                               validators=[require("Choose who it is for")])
    channel = GovRadioField("What is it?", codes=InboxChannel,
                            validators=[require("Choose whether it is post, an e-mail or a telephone message")])
    sender = StringField("Who is it from?", widget=GovTextInput(),
                         description="Their name, and their organisation if they gave one",
                         validators=[require("Enter who it is from"),
                                     Length(max=200, message="Enter who it is from in 200 characters or fewer")])
    summary = TextAreaField("What does it say?", widget=GovTextArea(),
                            description="In a sentence or two, with any number to call back",
                            validators=[require("Enter what it says, in a sentence or two"),
                                        Length(max=4000, message="Write what it says in 4,000 characters or fewer")])
    received_date = LondonDateField("Date it arrived", what="date it arrived",
                                    validators=[require("Enter the date it arrived")])
    received_time = ClockTimeField("Time it arrived", description="24-hour clock, like 14:05",
                                   validators=[require("Enter the time it arrived")])
    save = SubmitField("Record it", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.received_at = self.received.value(self) if valid else None
        return valid and self.received_at is not None


class ActionInboxItemForm(FlaskForm):
    note = TextAreaField("What was done about it?", widget=GovTextArea(),
                         description="For example: rang Ms Fraser back and booked a visit for Thursday",
                         validators=[require("Enter what was done about it"),
                                     Length(max=4000, message="Write what was done in 4,000 characters or fewer")])
    save = SubmitField("Record as actioned", widget=GovSubmitInput())
