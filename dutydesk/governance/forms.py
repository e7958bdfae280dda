"""The forms of governance: drawing an audit, its findings for each file, completing it, and a
manager's sign-off of a case file."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from dutydesk import rules
from dutydesk.forms import GovRadioField, GovSelectField, require
from dutydesk.governance.questions import QUESTIONS
from dutydesk.inputs import whole_number
from dutydesk.models import AuditAnswer, AuditJudgement

#: A sign-off's note, an audit's findings: what a manager writes, not a case record.
NOTE_LENGTH = 4000


class DrawAuditForm(FlaskForm):
    quarter = GovSelectField("Quarter", validators=[require("Choose the quarter to audit")])
    size = StringField("How many case files?", widget=GovTextInput(),
                       description=f"Between 1 and {rules.FILE_AUDIT_SAMPLE_MOST}, drawn at random from the cases "
                                   "open at any time in the quarter",
                       validators=[require("Enter how many case files to draw")])
    save = SubmitField("Draw the sample", widget=GovSubmitInput())

    def validate_size(self, field):
        if whole_number((field.data or "").strip(), least=1, most=rules.FILE_AUDIT_SAMPLE_MOST) is None:
            raise ValidationError(f"Enter a whole number of files from 1 to {rules.FILE_AUDIT_SAMPLE_MOST}, like "
                                  f"{rules.FILE_AUDIT_SAMPLE_SIZE}")

    @property
    def size_number(self) -> int:
        return whole_number(self.size.data.strip(), least=1, most=rules.FILE_AUDIT_SAMPLE_MOST)


class FindingForm(FlaskForm):
    """The findings of one file: an answer to each question, a judgement, what was found, actions."""

    judgement = GovRadioField("Overall, the case file is", codes=AuditJudgement,
                              validators=[require("Choose your judgement of the case file")])
    findings = TextAreaField("What did you find?", widget=GovTextArea(),
                             description="What the file shows of the work with the child, and what it lacks",
                             validators=[require("Enter what you found in the case file"),
                                         Length(max=NOTE_LENGTH)])
    actions = TextAreaField("Actions (optional)", widget=GovTextArea(),
                            description="What the team or the worker is to do about the file, and by when",
                            validators=[Length(max=NOTE_LENGTH)])
    save = SubmitField("Record the findings", widget=GovSubmitInput())

    @property
    def questions(self):
        """(question, its radio field), in the order asked."""
        return [(question, getattr(self, question.key)) for question in QUESTIONS]

    @property
    def answers(self) -> dict:
        return {question.key: field.data for question, field in self.questions}


# One radio question a line of the framework, added to the form by its key.
for _question in QUESTIONS:
    setattr(FindingForm, _question.key, GovRadioField(
        _question.text, codes=AuditAnswer, description=f"SSI audit framework {_question.source}",
        validators=[require(f"Answer: {_question.text}")]))


class CompleteAuditForm(FlaskForm):
    summary = TextAreaField("What did the audit find overall?", widget=GovTextArea(),
                            description="What the files show of practice and supervision, and what is to be done",
                            validators=[require("Enter what the audit found overall, and what is to be done"),
                                        Length(max=NOTE_LENGTH)])
    save = SubmitField("Complete the audit", widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    note = TextAreaField("What you read, and any actions for the worker", widget=GovTextArea(),
                         validators=[require("Enter what you read and any actions for the worker"),
                                     Length(max=NOTE_LENGTH)])
    save = SubmitField("Sign off the case file", widget=GovSubmitInput())
