"""The forms of the front door: logging a call and recording what the duty team did."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Form,
    FormField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, StopValidation

from dutydesk import rules
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts.operations import missing_referrer_details
from dutydesk.display import timescale_words
from dutydesk.forms import (
    ClockTimeField,
    GovRadioField,
    GovSelectField,
    LondonDateField,
    LondonMoment,
    RowList,
    optional_int,
    person_choices,
    require,
)
from dutydesk.inputs import parse_id, whole_number
from dutydesk.models.codes import (
    Channel,
    ConcernCategory,
    ConfirmationMethod,
    InterpreterNeed,
    NoReferrerDetailsReason,
    ReferralSource,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
MAX_CHILDREN = 12
#: The records check's answer "None of these: make a new record", and one no page offers.
NEW, INVALID_CHOICE = "new", object()
NOT_OFFERED = "Choose one of the children offered, or 'None of these: make a new record'"

#: The concern flags, each the name of a Contact column and the words the call handler reads.
FLAGS = [
    ("is_possible_crime", "A crime may have been committed against the child (the police must be told)"),
    ("is_deliberate_harm_alleged", "Someone alleges the child was harmed deliberately "
                                   f"(the child must be seen within {timescale_words(rules.CHILD_SEEN_WITHIN)})"),
    ("is_child_in_hospital", "The child is in hospital"),
    ("is_child_missing_school", "The child is of school age and not attending school"),
    ("is_child_in_temporary_accommodation", "The child is living in temporary accommodation"),
]


def _blank_first(choices, prompt="Choose one"):
    return [("", prompt), *choices]


class BirthDateField(LondonDateField):
    """A date of birth, or an unborn child's expected one: which years it may be in is the child
    form's to say, knowing which it is."""

    def check_range(self, day, today):
        pass


class ChildForm(Form):
    """One child the call is about. Rendered as a fieldset inside the call form.

    R39: the name (or that the caller does not know it) and the address come first and are
    required; everything else may be left blank, and is then recorded as not known.
    """

    name = StringField("Full name", widget=GovTextInput(), validators=[Length(max=200)])
    is_name_not_known = BooleanField("The caller does not know the child's name", widget=GovCheckboxInput())
    address = TextAreaField("Address", widget=GovTextArea(),
                            description="If the caller does not know it, write 'not known' and what they know "
                                        "of where the child is",
                            validators=[require("Enter the child's address, or what is known of where they are"),
                                        Length(max=2000)])
    date_of_birth = BirthDateField("Date of birth", what="date of birth",
                                   description="For example, 27 3 2019. Leave blank if not known.")
    is_unborn = BooleanField("Unborn: the date above is the expected date of birth", widget=GovCheckboxInput())
    approximate_age = StringField("Approximate age in years", widget=GovTextInput(),
                                  description="If the date of birth is not known")
    first_language = StringField("First language", widget=GovTextInput(),
                                 description="For example English, Polish, Somali. Leave blank if not known.",
                                 validators=[Length(max=100)])
    interpreter_need = GovRadioField("Does the child need an interpreter?", codes=InterpreterNeed,
                                     unknown="Say whether the child needs an interpreter")
    #: R2.5: the answer to the records check: a known child's record id, NEW, or nothing yet. Its
    #: radios are drawn with the children the check offers (contacts/_records_check.html).
    record = StringField("Is this child already known?")

    def validate_name(self, field):
        if not self.is_name_not_known.data and not (field.data or "").strip():
            raise StopValidation("Enter the child's name, or tick that the caller does not know it")

    def validate_date_of_birth(self, field):
        day, today = field.data, to_london(now_utc()).date()
        if day is None:
            if self.is_unborn.data and not field.errors:
                raise StopValidation("Enter the expected date of birth, or untick 'Unborn'")
        elif self.is_unborn.data:
            if day < today:
                raise StopValidation("The expected date of birth must be today or later: for a child already "
                                     "born, untick 'Unborn' and enter the date of birth")
            if day > rules.latest_expected_date_of_birth(today):
                raise StopValidation(f"The expected date of birth must be within the next "
                                     f"{rules.UNBORN_DUE_WITHIN.days // 7} weeks: a pregnancy lasts about 40")
        elif day > today:
            raise StopValidation("The date of birth must be in the past: for an unborn child, tick 'Unborn' "
                                 "and enter the expected date of birth")
        elif day < rules.earliest_date_of_birth(today):
            raise StopValidation(f"The date of birth must be within the last {rules.OLDEST_AGE_YEARS} years: "
                                 f"children's services work with children and care leavers up to "
                                 f"{rules.OLDEST_AGE_YEARS}")

    def validate_approximate_age(self, field):
        if (field.data or "").strip():
            if self.is_unborn.data:
                raise StopValidation("An unborn child has no age yet: clear the approximate age, or untick 'Unborn'")
            if self.age is None:
                raise StopValidation("Enter the approximate age as a whole number of years, like 7")

    def validate_record(self, field):
        if self.record_choice is INVALID_CHOICE:
            raise StopValidation(NOT_OFFERED)

    @property
    def record_choice(self):
        """The answer to the records check: a record's id, NEW ("None of these"), None when not
        answered, or INVALID_CHOICE when the answer is none the page could have offered."""
        value = (self.record.data or "").strip()
        if not value:
            return None
        if value == NEW:
            return NEW
        return parse_id(value) or INVALID_CHOICE

    @property
    def age(self) -> int | None:
        return whole_number((self.approximate_age.data or "").strip(), most=rules.OLDEST_AGE_YEARS)

    def birth_details(self) -> dict:
        """The date of birth, or an unborn child's expected one, and the approximate age."""
        unborn = bool(self.is_unborn.data)
        return {"date_of_birth": None if unborn else self.date_of_birth.data,
                "expected_date_of_birth": self.date_of_birth.data if unborn else None,
                "approximate_age": self.age}


class LogCallForm(FlaskForm):
    received = LondonMoment("received_date", "received_time", "the call was received")
    received_date = LondonDateField("Date received", what="date the call was received",
                                    validators=[require("Enter the date the call was received")])
    received_time = ClockTimeField("Time received", description="24-hour clock, like 14:05",
                                   validators=[require("Enter the time the call was received")])
    channel = GovRadioField("How did the concern reach us?", codes=Channel,
                         default=Channel.PHONE.value, validators=[require("Choose how the concern reached us")])

    children = RowList(FormField(ChildForm), min_entries=1, max_entries=MAX_CHILDREN)
    add_child = SubmitField("Add another child", widget=GovSubmitInput())
    remove_child = SubmitField("Remove the last child", widget=GovSubmitInput())

    concern = TextAreaField("What is the concern?", widget=GovTextArea(),
                            description="What happened or is happening to the child, in the caller's words where you can",
                            validators=[require("Enter the nature of the concern"), Length(max=20000)])
    concern_category = GovSelectField("Kind of concern", codes=ConcernCategory, default=ConcernCategory.NOT_KNOWN.value,
                                      unknown="Choose the kind of concern from the list")
    flags = SelectMultipleField("Tick all that apply", widget=GovCheckboxesInput(), choices=FLAGS,
                                validate_choice=True)

    referrer_name = StringField("Referrer's name", widget=GovTextInput(), validators=[Length(max=200)])
    referrer_role = StringField("Relationship to the child, or professional role", widget=GovTextInput(),
                                description="For example aunt, neighbour, class teacher, health visitor",
                                validators=[Length(max=200)])
    referrer_agency = StringField("Agency or organisation", widget=GovTextInput(), validators=[Length(max=200)])
    referrer_address = TextAreaField("Referrer's address", widget=GovTextArea(), validators=[Length(max=2000)])
    referrer_phone = StringField("Referrer's phone number", widget=GovTextInput(), validators=[Length(max=50)])
    referrer_email = StringField("Referrer's e-mail address", widget=GovTextInput(), validators=[
        Optional(), Email("Enter the e-mail address in the right form, like name@example.org"), Length(max=254)])
    is_referrer_professional = GovRadioField(
        "Is the referrer a professional?", choices=YES_NO,
        description="A professional must confirm the referral in writing within "
                    f"{timescale_words(rules.REFERRER_CONFIRMATION_WITHIN)}",
        validators=[require("Say whether the referrer is a professional")])
    referral_source = GovSelectField("Referral source", codes=ReferralSource, default=ReferralSource.UNKNOWN.value,
                                     unknown="Choose the referral source from the list")

    # Which teams and workers may be chosen is the operation's rule (log_call checks both), so
    # a save need not load every duty worker just to validate the choice.
    team_id = GovSelectField("Duty team", coerce=optional_int, validate_choice=False,
                          validators=[require("Choose the duty team to hand the call to")])
    is_put_through = GovRadioField("Was the call put through to the duty team at once?",
                                choices=YES_NO, validators=[require("Say whether the call was put through at once")])
    put_through_to = GovSelectField("Who took it?", coerce=optional_int, validate_choice=False,
                                    unknown="Choose the duty worker the call was put through to from the list")
    no_referrer_details_reason = GovRadioField(
        "If you do not have the referrer's name, address and phone number, why not?",
        codes=NoReferrerDetailsReason, validators=[Optional()],
        unknown="Choose one of the reasons listed, or none if you have the referrer's details")

    save = SubmitField("Save and start the clocks", widget=GovSubmitInput())

    def set_choices(self, teams, workers) -> None:
        self.team_id.choices = _blank_first([(team.id, team.name) for team in teams], "Choose a team")
        self.put_through_to.choices = person_choices(workers, "Choose who took the call")

    def validate_put_through_to(self, field):
        if self.is_put_through.data == "yes" and not field.data:
            raise StopValidation("Choose the duty worker the call was put through to")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field_name, message in missing_referrer_details(
            is_put_through=self.is_put_through.data != "no", name=self.referrer_name.data or "",
            address=self.referrer_address.data or "", phone=self.referrer_phone.data or "",
            no_details_reason=self.no_referrer_details_reason.data,
        ):
            getattr(self, field_name).errors.append(message)
            valid = False
        self.received_at = self.received.value(self)
        return valid and self.received_at is not None


class VerbalHandoffForm(FlaskForm):
    moment = LondonMoment("at_date", "at_time", "the details were passed on")
    to_worker_id = GovSelectField("Which duty worker did you tell?", coerce=optional_int,
                               validators=[require("Choose the duty worker you passed the details to")])
    at_date = LondonDateField("Date", what="date", validators=[require("Enter the date you passed the details on")])
    at_time = ClockTimeField("Time", description="24-hour clock, like 14:05",
                             validators=[require("Enter the time you passed the details on")])
    save = SubmitField("Record verbal hand-off", widget=GovSubmitInput())


class AcceptForm(FlaskForm):
    save = SubmitField("Accept this call", widget=GovSubmitInput())


class LateReasonMixin:
    reason = TextAreaField("If this was late, why?", widget=GovTextArea(), validators=[Length(max=4000)])


class ReferrerConfirmationForm(LateReasonMixin, FlaskForm):
    moment = LondonMoment("at_date", "at_time", "the confirmation was received")
    at_date = LondonDateField("Date received", what="date", validators=[require("Enter the date the confirmation arrived")])
    at_time = ClockTimeField("Time received", validators=[require("Enter the time the confirmation arrived")])
    method = GovRadioField("How did it arrive?", codes=ConfirmationMethod,
                        validators=[require("Choose how the confirmation arrived")])
    reference = StringField("Reference", widget=GovTextInput(), description="The referrer's reference, if any",
                            validators=[Length(max=200)])
    save = SubmitField("Record written confirmation", widget=GovSubmitInput())


class PoliceInformedForm(LateReasonMixin, FlaskForm):
    moment = LondonMoment("at_date", "at_time", "the police were told")
    at_date = LondonDateField("Date", what="date", validators=[require("Enter the date the police were told")])
    at_time = ClockTimeField("Time", validators=[require("Enter the time the police were told")])
    officer = StringField("Who did you tell?", widget=GovTextInput(), description="Officer's name and collar number, or the unit",
                          validators=[require("Enter who at the police was told"), Length(max=200)])
    police_reference = StringField("Police reference", widget=GovTextInput(), description="Crime or incident number",
                                   validators=[require("Enter the police reference (the crime or incident number)"),
                                               Length(max=100)])
    save = SubmitField("Record police informed", widget=GovSubmitInput())


class ChildSeenForm(LateReasonMixin, FlaskForm):
    moment = LondonMoment("at_date", "at_time", "the child was seen")
    at_date = LondonDateField("Date seen", what="date", validators=[require("Enter the date the child was seen")])
    at_time = ClockTimeField("Time seen", validators=[require("Enter the time the child was seen")])
    seen_by_id = GovSelectField("Seen by", coerce=optional_int,
                             validators=[require("Choose who saw the child")])
    # R35: asked every time, with no answer chosen for the worker.
    is_seen_alone = GovRadioField("Was the child seen alone?", choices=YES_NO,
                                  description="Without a parent, carer or anyone else from the household present",
                                  validators=[require("Say whether the child was seen alone")])
    is_spoken_to = GovRadioField("Was the child spoken to?", choices=YES_NO,
                                 description="Spoken with directly, as far as their age and understanding allow",
                                 validators=[require("Say whether the child was spoken to")])
    save = SubmitField("Record child seen", widget=GovSubmitInput())


class InterpreterForm(FlaskForm):
    """R18: whether an interpreter was used with the child and, if one was needed and not, why."""

    is_used = GovRadioField("Was an interpreter used with the child?", choices=YES_NO,
                            validators=[require("Say whether an interpreter was used with the child")])
    reason = TextAreaField("If not, why not?", widget=GovTextArea(),
                           description="Needed when the child needs an interpreter and none was used",
                           validators=[Length(max=4000)])
    save = SubmitField("Record interpreter use", widget=GovSubmitInput())


class RaiseFlagForm(FlaskForm):
    """R98, R35: a possible crime or an allegation of deliberate harm learned after the call was logged."""

    flag = GovRadioField("What has been learned?", validators=[require("Choose what has been learned")])
    note = TextAreaField("What was learned, and from whom", widget=GovTextArea(),
                         description="For example: at screening the school nurse said the bruises were caused "
                                     "by a belt",
                         validators=[require("Say what was learned, and from whom"), Length(max=4000)])
    save = SubmitField("Raise the flag", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", widget=GovTextArea(),
                           validators=[require("Enter the reason"), Length(max=4000)])
    save = SubmitField("Record reason", widget=GovSubmitInput())
