"""The forms of decisions, strategy discussions and cases: allocation, unallocation and transfers."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, Form, FormField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from dutydesk import rules
from dutydesk.clock import now_utc
from dutydesk.forms import (
    person_choices,
    ClockTimeField,
    GovRadioField,
    GovSelectField,
    LondonDateField,
    LondonMoment,
    RowList,
    optional_int,
    require,
)
from dutydesk.models import ScreeningOutcome

MAX_ATTENDEES = 30
MAX_ACTION_POINTS = 30


class DecisionForm(FlaskForm):
    outcome = GovRadioField("What is the decision?", codes=ScreeningOutcome,
                            validators=[require("Choose the decision")])
    rationale = TextAreaField("Reasons for the decision", widget=GovTextArea(),
                              description="What you weighed up, including the records checked",
                              validators=[require("Record the reasons for the decision"), Length(max=20000)])
    is_joint_investigation = BooleanField("A joint investigation with the police is being considered",
                                          widget=GovCheckboxInput())
    social_care_manager_id = GovSelectField(
        "Social-care manager involved", coerce=optional_int, validate_choice=False,
        unknown="Choose the social-care manager involved from the list",
        description="Needed for a strategy discussion (possible section 47), whether or not a joint "
                    "investigation with the police is being considered: it cannot be recorded without one")
    onward_agency = StringField("Agency", widget=GovTextInput(),
                                description="For example CAMHS, the health visiting service, a housing provider. "
                                            "Leave blank if the child is not referred to another agency.",
                                validators=[Length(max=200)])
    onward_purpose = TextAreaField("Purpose of the referral", widget=GovTextArea(), validators=[Length(max=4000)])
    onward_agreed_by_id = GovSelectField("Who agreed it?", coerce=optional_int, validate_choice=False,
                                         unknown="Choose who agreed the onward referral from the list")
    save = SubmitField("Record the decision", widget=GovSubmitInput())

    @property
    def has_onward_referral(self) -> bool:
        return bool((self.onward_agency.data or "").strip() or (self.onward_purpose.data or "").strip()
                    or self.onward_agreed_by_id.data)


class AttendeeForm(Form):
    """One person who took part in a strategy discussion, and the agency they spoke for."""

    name = StringField("Name", widget=GovTextInput(), validators=[Length(max=200)])
    agency = StringField("Agency", widget=GovTextInput(), description="For example police, school, health",
                         validators=[Length(max=200)])

    @property
    def is_blank(self) -> bool:
        return not ((self.name.data or "").strip() or (self.agency.data or "").strip())

    def validate_name(self, field):
        if not (field.data or "").strip() and (self.agency.data or "").strip():
            raise ValidationError(f"Enter the name of the person from {self.agency.data.strip()}")

    def validate_agency(self, field):
        if not (field.data or "").strip() and (self.name.data or "").strip():
            raise ValidationError(f"Enter the agency {self.name.data.strip()} spoke for")


class ActionPointForm(Form):
    """An action agreed at the discussion: what, who, and the date it must be done by."""

    title = StringField("What must be done", widget=GovTextInput(), validators=[Length(max=300)])
    owner_id = GovSelectField("Who will do it", coerce=optional_int, validate_choice=False,
                              unknown="Choose who will do it from the list")
    due_date = LondonDateField("Due by", what="due date",
                               description=f"By close of office ({rules.OFFICE_CLOSES:%H:%M}) that day, "
                                           "for example 27 11 2026")

    @property
    def is_blank(self) -> bool:
        return not ((self.title.data or "").strip() or self.owner_id.data or self.due_date.data
                    or self.due_date.errors)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_blank:
            return valid
        if not (self.title.data or "").strip():
            self.title.errors.append("Enter what must be done")
        if not self.owner_id.data:
            self.owner_id.errors.append("Choose who will do it")
        if self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors.append("Enter the date it must be done by")
        elif self.due_date.data is not None and rules.end_of_working_day(self.due_date.data) <= now_utc():
            self.due_date.errors.append(
                f"The action must be due after now: it is due by {rules.OFFICE_CLOSES:%H:%M} on the date given")
        return not (self.title.errors or self.owner_id.errors or self.due_date.errors) and valid

    @property
    def due_at(self):
        return rules.end_of_working_day(self.due_date.data)


class StrategyDiscussionForm(FlaskForm):
    held = LondonMoment("held_date", "held_time", "the discussion was held")
    held_date = LondonDateField("Date", what="date of the discussion",
                                validators=[require("Enter the date the discussion was held")])
    held_time = ClockTimeField("Time", description="24-hour clock, like 14:05",
                               validators=[require("Enter the time the discussion was held")])

    #: R93: every strategy discussion names the social-care manager involved.
    social_care_manager_id = GovSelectField(
        "Social-care manager involved", coerce=optional_int, validate_choice=False,
        unknown="Choose the social-care manager involved from the list",
        description="A duty manager or a senior manager: a strategy discussion cannot be recorded without one",
        validators=[require("Name the social-care manager involved: a strategy discussion cannot be recorded "
                            "without one (R93)")])

    attendees = RowList(FormField(AttendeeForm), min_entries=1, max_entries=MAX_ATTENDEES)
    add_attendee = SubmitField("Add another attendee", widget=GovSubmitInput())
    remove_attendee = SubmitField("Remove the last attendee", widget=GovSubmitInput())

    record = TextAreaField("Record of the discussion", widget=GovTextArea(),
                           description="What was shared, what was decided and why",
                           validators=[require("Enter the record of the discussion"), Length(max=50000)])

    action_points = RowList(FormField(ActionPointForm), min_entries=1, max_entries=MAX_ACTION_POINTS)
    add_action_point = SubmitField("Add another action point", widget=GovSubmitInput())
    remove_action_point = SubmitField("Remove the last action point", widget=GovSubmitInput())

    circulated_to = TextAreaField("Who was the record sent to?", widget=GovTextArea(),
                                  description="Everyone who took part and everyone with an action point",
                                  validators=[require("Enter who the record was sent to"), Length(max=4000)])
    circulated = LondonMoment("circulated_date", "circulated_time", "the record was sent")
    circulated_date = LondonDateField("Date", what="date the record was sent",
                                      validators=[require("Enter the date the record was sent")])
    circulated_time = ClockTimeField("Time", description="24-hour clock, like 14:05",
                                     validators=[require("Enter the time the record was sent")])
    review_on = LondonDateField("Review date", what="review date",
                                description="The review is due by close of office that day, for example 4 12 2026",
                                validators=[require("Enter the date the discussion will be reviewed")])

    save = SubmitField("Record the strategy discussion", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if all(entry.form.is_blank for entry in self.attendees):
            self.attendees[0].form.name.errors.append("Enter who took part in the discussion, and their agency")
            # The list gathered its rows' errors as it validated them: gather them again.
            self.attendees.errors = [entry.errors for entry in self.attendees]
            valid = False
        self.held_at = self.held.value(self) if valid else None
        self.circulated_at = self.circulated.value(self, not_before=self.held_at) if self.held_at else None
        return valid and self.held_at is not None and self.circulated_at is not None

    def set_owner_choices(self, workers) -> None:
        choices = person_choices(workers, "Choose who will do it")
        for entry in self.action_points:
            entry.form.owner_id.choices = choices


class AllocateForm(FlaskForm):
    worker_id = GovSelectField("Who will work the case?", coerce=optional_int, validate_choice=False,
                               validators=[require("Choose the worker to allocate the case to")])
    save = SubmitField("Allocate the case", widget=GovSubmitInput())


class UnallocateForm(FlaskForm):
    reason = TextAreaField("Why has the case no allocated worker?", widget=GovTextArea(),
                           validators=[require("Enter why the case has no allocated worker"), Length(max=4000)])
    contingency = TextAreaField(
        "How will the team keep in contact with the child until it is allocated?", widget=GovTextArea(),
        description="Who visits or calls, how often, and who the family can call",
        validators=[require("Enter how the team will keep in contact with the child until the case is allocated"),
                    Length(max=4000)])
    save = SubmitField("Record why the case is unallocated", widget=GovSubmitInput())


class TransferForm(FlaskForm):
    to_team_id = GovSelectField("Which team should take the case?", coerce=optional_int, validate_choice=False,
                                validators=[require("Choose the team to transfer the case to")])
    reason = TextAreaField("Why is the case being transferred?", widget=GovTextArea(),
                           validators=[require("Enter why the case is being transferred"), Length(max=4000)])
    save = SubmitField("Request the transfer", widget=GovSubmitInput())


class AcceptTransferForm(FlaskForm):
    save = SubmitField("Accept the transfer", widget=GovSubmitInput())
