"""The forms of actions: add one with an owner and a deadline, give it to someone else, mark it done."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from dutydesk import rules
from dutydesk.forms import (
    person_choices,
    ClockTimeField,
    GovRadioField,
    GovSelectField,
    LondonDateField,
    LondonDeadline,
    optional_int,
    require,
)

#: The "about which child" answer that means the action is about the call as a whole.
WHOLE_CALL = "call"


class AddActionForm(FlaskForm):
    due = LondonDeadline("due_date", "due_time", "the action is due")

    title = StringField("What must be done?", widget=GovTextInput(),
                        validators=[require("Enter what must be done"),
                                    Length(max=300, message="Describe what must be done in 300 characters or fewer")])
    child = GovRadioField("Which child is it about?", validators=[
        require("Choose whether the action is about the whole call or one child")])
    # Who may own it is checked against the list of active duty workers in the view, so that
    # someone who left since the page was loaded gets a message saying what to do.
    worker_id = GovSelectField("Who will do it?", coerce=optional_int, validate_choice=False,
                               validators=[require("Choose who will do it")])
    due_date = LondonDateField("Date due", what="date the action is due",
                               description="For example, 27 11 2026",
                               validators=[require("Enter the date the action is due")])
    due_time = ClockTimeField("Time due (optional)", description="24-hour clock, like 14:05. Leave blank for the "
                                                                 f"end of the working day ({rules.OFFICE_CLOSES:%H:%M}).",
                              validators=[Length(max=10)])
    save = SubmitField("Add action", widget=GovSubmitInput())

    def set_choices(self, contact, workers) -> None:
        self.child.choices = [(WHOLE_CALL, "The whole call")] + [
            (str(child.id), child.display_name) for child in contact.children]
        self.worker_id.choices = person_choices(workers, "Choose who will do it")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.due_at = self.due.value(self)
        return valid and self.due_at is not None


class ReassignForm(FlaskForm):
    worker_id = GovSelectField("Who owns it now?", coerce=optional_int, validate_choice=False,
                               validators=[require("Choose who will own it")])
    save = SubmitField("Reassign", widget=GovSubmitInput())


class CompleteActionForm(FlaskForm):
    note = TextAreaField("Note (optional)", widget=GovTextArea(),
                         description="What was done, if the history should say more than that it is done",
                         validators=[Length(max=4000, message="Write the note in 4,000 characters or fewer")])
    save = SubmitField("Mark as done", widget=GovSubmitInput())
