"""The forms of a child's record: a name or an address added or ended, the details corrected."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from dutydesk.forms import GovRadioField, GovSelectField, LondonDateField, require
from dutydesk.models.codes import Disability, Ethnicity, NameKind, Sex


class NameForm(FlaskForm):
    kind = GovRadioField("What kind of name is it?", codes=NameKind,
                         validators=[require("Choose what kind of name it is")])
    full_name = StringField("Full name", widget=GovTextInput(), description="As the child is called by it",
                            validators=[require("Enter the name as the child is called by it"), Length(max=200)])
    given_names = StringField("Given names", widget=GovTextInput(), validators=[Length(max=200)],
                              description="Leave blank to read them from the full name")
    family_name = StringField("Family name", widget=GovTextInput(), validators=[Length(max=200)],
                              description="Leave blank to read it from the full name")
    from_date = LondonDateField("Since when? (optional)", what="date from", description="For example, 27 3 2019")
    to_date = LondonDateField("Until when? (optional)", what="date until",
                              description="Only if the child is no longer called by it")
    save = SubmitField("Add the name", widget=GovSubmitInput())


class AddressForm(FlaskForm):
    address = TextAreaField("Address", widget=GovTextArea(),
                            description="With the postcode, if it is known",
                            validators=[require("Enter the address"), Length(max=2000)])
    from_date = LondonDateField("Since when? (optional)", what="date from", description="For example, 27 3 2019")
    to_date = LondonDateField("Until when? (optional)", what="date until",
                              description="Only if the child no longer lives there")
    save = SubmitField("Add the address", widget=GovSubmitInput())


class EndForm(FlaskForm):
    on = LondonDateField("Until when?", what="date", description="The last day it was so, for example 27 3 2026",
                         validators=[require("Enter the last day it was so")])
    save = SubmitField("End it", widget=GovSubmitInput())


class DetailsForm(FlaskForm):
    sex = GovRadioField("Sex", codes=Sex, validators=[require("Choose the child's sex, or 'Not known'")])
    ethnicity = GovSelectField("Ethnicity", codes=Ethnicity, prompt="Not yet known",
                               unknown="Choose the child's ethnicity from the list")
    disabilities = SelectMultipleField("Disability", widget=GovCheckboxesInput(), choices=Disability.choices(),
                                       validate_choice=True,
                                       description="Tick all that apply. Leave all unticked if not yet known.")
    upn = StringField("Unique Pupil Number (UPN)", widget=GovTextInput(),
                      description="13 characters, like A123456789012. Leave blank if not known.",
                      validators=[Length(max=20)])
    date_of_birth = LondonDateField("Date of birth", what="date of birth",
                                    description="For example, 27 3 2019. Leave blank if not known.")
    expected_date_of_birth = LondonDateField("Expected date of birth (an unborn child)", what="expected date of birth",
                                             description="Only for a child not yet born, for example 14 6 2027")
    save = SubmitField("Save the details", widget=GovSubmitInput())

    @property
    def disability_codes(self) -> list[Disability] | None:
        return [Disability(code) for code in self.disabilities.data] if self.disabilities.data else None



class MergeForm(FlaskForm):
    reason = TextAreaField("Why are these the same child?", widget=GovTextArea(),
                           description="What you checked, and with whom: for example, the school confirmed one "
                                       "pupil of that name and date of birth at that address",
                           validators=[require("Say why these are the same child: what you checked, and with whom"),
                                       Length(max=2000)])
    save = SubmitField("Merge the records", widget=GovSubmitInput())


class UndoMergeForm(FlaskForm):
    reason = TextAreaField("Why was the merge wrong?", widget=GovTextArea(),
                           description="What shows these are two children",
                           validators=[require("Say why the merge was wrong: what shows these are two children"),
                                       Length(max=2000)])
    save = SubmitField("Undo the merge", widget=GovSubmitInput())


class NotSameForm(FlaskForm):
    reason = TextAreaField("How do you know they are two children?", widget=GovTextArea(),
                           description="For example, twins: the mother confirmed two children born that day",
                           validators=[require("Say how you know these are two children"), Length(max=2000)])
    save = SubmitField("They are not the same child", widget=GovSubmitInput())
