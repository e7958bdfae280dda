"""Acknowledging an escalation, with a note of what is being done if the person wants one."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

#: A line, not a case note: what is being done, for whoever reads the escalation next.
NOTE_LENGTH = 300


class AcknowledgeForm(FlaskForm):
    note = StringField("Note (optional)", validators=[Length(
        max=NOTE_LENGTH, message=f"Keep the note to {NOTE_LENGTH} characters or fewer: nothing was acknowledged")])
