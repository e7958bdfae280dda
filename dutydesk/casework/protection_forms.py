"""The forms of section 47 enquiries, their conferences, plans and strategy reviews."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from dutydesk.forms import GovRadioField, GovSelectField, LondonDateField, optional_int, require
from dutydesk.models.codes import AbuseCategory, PlanKind, Section47Outcome

#: The answer for an enquiry that follows no strategy discussion recorded in dutydesk.
NO_DISCUSSION = "none"


class StartSection47Form(FlaskForm):
    discussion = GovRadioField("Which strategy discussion does it follow?",
                               validators=[require("Choose the strategy discussion the enquiry follows")])
    started_on = LondonDateField("Date the enquiry started", what="date the enquiry started",
                                 description="For example 23 11 2026",
                                 validators=[require("Enter the date the enquiry started")])
    save = SubmitField("Start the section 47 enquiry", widget=GovSubmitInput())


class Section47OutcomeForm(FlaskForm):
    outcome = GovRadioField("What did the enquiry find?", codes=Section47Outcome,
                            validators=[require("Choose what the enquiry found")])
    outcome_on = LondonDateField("Date of the outcome", what="date of the outcome",
                                 description="For example 23 11 2026",
                                 validators=[require("Enter the date of the outcome")])
    save = SubmitField("Record the outcome", widget=GovSubmitInput())


class ConferenceForm(FlaskForm):
    held_on = LondonDateField("Date the conference was held", what="date the conference was held",
                              description="For example 23 11 2026",
                              validators=[require("Enter the date the conference was held")])
    save = SubmitField("Record the conference", widget=GovSubmitInput())


class StartPlanForm(FlaskForm):
    kind = GovRadioField("Which plan?", codes=PlanKind, validators=[require("Choose the plan")])
    category = GovRadioField("Category of abuse", codes=AbuseCategory,
                             unknown="Choose the category of abuse from the list",
                             description="For a child protection plan only")
    started_on = LondonDateField("Date the plan started", what="date the plan started",
                                 description="For example 23 11 2026",
                                 validators=[require("Enter the date the plan started")])
    save = SubmitField("Start the plan", widget=GovSubmitInput())


class EndPlanForm(FlaskForm):
    ended_on = LondonDateField("Date the plan ended", what="date the plan ended",
                               description="For example 23 11 2026",
                               validators=[require("Enter the date the plan ended")])
    save = SubmitField("End the plan", widget=GovSubmitInput())


class StrategyReviewForm(FlaskForm):
    reviewed_on = LondonDateField("Date of the review", what="date of the review",
                                  description="For example 23 11 2026",
                                  validators=[require("Enter the date of the review")])
    reviewed_by_id = GovSelectField("Reviewed by", coerce=optional_int, validate_choice=False,
                                    unknown="Choose who reviewed it from the list",
                                    validators=[require("Choose who reviewed it from the list")])
    outcome = TextAreaField("What did the review decide?", widget=GovTextArea(),
                            description="Whether the enquiry continues, what has changed, and the next steps",
                            validators=[require("Enter what the review decided"), Length(max=20000)])
    save = SubmitField("Record the review", widget=GovSubmitInput())
