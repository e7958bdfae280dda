"""The forms of what happens after the referral: the assessment, needs and services, and closure."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Form, FormField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from dutydesk.forms import GovRadioField, LondonDateField, RowList, require
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.codes import AssessmentFactor, ClosureReason, PrimaryNeed

YES_NO = [("yes", "Yes"), ("no", "No")]
MAX_NEEDS = 20

#: The CIN census assessment factors, grouped as a worker looks for them.
FACTOR_GROUPS = (
    ("Alcohol and drugs", ("1A", "1B", "1C", "2A", "2B", "2C")),
    ("Domestic violence", ("3A", "3B", "3C")),
    ("Mental health, learning disability and physical health", ("4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B",
                                                                "6C")),
    ("Abuse and neglect", ("16A", "17A", "18B", "18C", "19B", "19C", "22A", "23A")),
    ("Exploitation, going missing and gangs", ("10A", "11A", "12A", "13A", "24A")),
    ("The child's circumstances and behaviour", ("7A", "8B", "8C", "8D", "8E", "8F", "9A", "14A", "15A")),
    ("Other, or none", ("20", "21")),
)


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class CodeCheckboxes(SelectMultipleField):
    """Tick boxes of a code list; a value the page never offered is refused beside them."""

    widget = GovCheckboxesInput()

    def __init__(self, label, codes, *, unknown: str, **kwargs):
        super().__init__(label, choices=codes.choices(), **kwargs)
        self.codes, self.unknown = codes, unknown

    def pre_validate(self, form):
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(self.unknown)

    @property
    def members(self):
        offered = {value for value, _ in self.choices}
        return [self.codes(value) for value in self.data or () if value in offered]


class StartAssessmentForm(FlaskForm):
    started_on = LondonDateField("When did the assessment start?", what="date the assessment started",
                                 validators=[require("Enter the date the assessment started")])
    save = SubmitField("Start the assessment", widget=GovSubmitInput())


class SeenForm(FlaskForm):
    """R25: the child (and whether alone) and the carers seen during the assessment."""

    child_seen_on = LondonDateField("When was the child seen?", what="date the child was seen",
                                    description="Leave blank if the child has not been seen yet, for example 21 11 2026")
    is_child_seen_alone = GovRadioField("Was the child seen alone?", choices=YES_NO, validators=[Optional()],
                                        description="Without a parent, carer or anyone else from the household",
                                        unknown="Say whether the child was seen alone")
    carers_seen_on = LondonDateField("When were the parents or carers seen?", what="date the carers were seen",
                                     description="Leave blank if they have not been seen yet")
    save = SubmitField("Record who was seen", widget=GovSubmitInput())


class NeedForm(Form):
    """One need the assessment identified, in words."""

    description = StringField("Need", widget=GovTextInput(),
                              description="For example: safe care at home while mother is in hospital",
                              validators=[Length(max=2000)])


class ConclusionForm(FlaskForm):
    completed_on = LondonDateField("When was the assessment completed?", what="date the assessment was completed",
                                   validators=[require("Enter the date the assessment was completed")])
    requires_service = GovRadioField("Does the child require a service?", choices=YES_NO,
                                     validators=[require("Say whether the child requires a service")])
    factors = CodeCheckboxes("Factors identified", AssessmentFactor,
                             unknown="Choose the factors identified from the list",
                             description="Tick every factor the assessment found. Tick 'No factors identified' "
                                         "only when there is no evidence of any.")
    primary_need = GovRadioField("Primary need", codes=PrimaryNeed,
                                 description="The main reason the child needs a service (CIN census N0 to N9)",
                                 validators=[require("Choose the child's primary need")])
    summary = TextAreaField("Summary of the assessment", widget=GovTextArea(),
                            validators=[require("Write a summary of what the assessment found"),
                                        Length(max=20000)])
    needs = RowList(FormField(NeedForm), min_entries=1, max_entries=MAX_NEEDS)
    add_need = SubmitField("Add another need", widget=GovSubmitInput())
    remove_need = SubmitField("Remove the last need", widget=GovSubmitInput())
    save = SubmitField("Record the conclusion", widget=GovSubmitInput())

    def factor_groups(self) -> list[tuple[str, list[dict]]]:
        """The factors' tick boxes in their groups, as GOV.UK checkbox items, those chosen ticked."""
        labels, chosen = dict(self.factors.choices), set(self.factors.data or ())
        return [(group, [{"value": code, "text": f"{code} {labels[code]}", "checked": code in chosen}
                         for code in codes]) for group, codes in FACTOR_GROUPS]

    @property
    def need_descriptions(self) -> list[str]:
        return [entry.form.description.data or "" for entry in self.needs]


class AuthoriseForm(FlaskForm):
    note = TextAreaField("Your authorisation", widget=GovTextArea(),
                         description="What you have read, and why you approve the assessment and what it found",
                         validators=[Length(max=20000)])
    save = SubmitField("Authorise the assessment", widget=GovSubmitInput())


class ServiceForm(FlaskForm):
    what = StringField("What is the service?", widget=GovTextInput(),
                       description="For example: family support worker, twice a week",
                       validators=[require("Enter the service provided"), Length(max=2000)])
    provided_by = StringField("Who provides it?", widget=GovTextInput(),
                              description="The team, agency or person",
                              validators=[require("Enter who provides the service"), Length(max=200)])
    started_on = LondonDateField("When did it start?", what="date the service started",
                                 validators=[require("Enter the date the service started")])
    save = SubmitField("Record the service", widget=GovSubmitInput())


class NotYetForm(FlaskForm):
    reason = TextAreaField("Why has no service started yet?", widget=GovTextArea(),
                           validators=[require("Say why no service has started yet"), Length(max=4000)])
    save = SubmitField("Record why not yet", widget=GovSubmitInput())


class EndServiceForm(FlaskForm):
    ended_on = LondonDateField("When did the service end?", what="date the service ended",
                               validators=[require("Enter the date the service ended")])
    reason = TextAreaField("Why did it end?", widget=GovTextArea(),
                           validators=[require("Say why the service ended"), Length(max=4000)])
    save = SubmitField("End the service", widget=GovSubmitInput())


class CloseCaseForm(FlaskForm):
    closed_on = LondonDateField("When did the case close?", what="date the case closed",
                                validators=[require("Enter the date the case closed")])
    reason = GovRadioField("Why is the case closing?", codes=ClosureReason,
                           validators=[require("Choose why the case is closing")])
    note = TextAreaField("Anything else to record", widget=GovTextArea(), validators=[Length(max=20000)])
    save = SubmitField("Close the case", widget=GovSubmitInput())

    @property
    def checks(self):
        """R26/40: each check's (name, words, answer field, reason field)."""
        return [(name, words, self[name], self[f"{name}_reason"]) for name, words in CLOSURE_CHECKS]


# R26/40: each check answered "Yes", or "No" with the reason it was not done.
for _name, _words in CLOSURE_CHECKS:
    setattr(CloseCaseForm, _name, GovRadioField(f"{_words}?", choices=YES_NO, validators=[Optional()],
                                                unknown=f"Say whether this was done: {_words.lower()}"))
    setattr(CloseCaseForm, f"{_name}_reason", TextAreaField("Why not?", widget=GovTextArea(),
                                                            validators=[Length(max=4000)]))
