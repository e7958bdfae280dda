"""The forms of the administration pages: people and teams."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from dutydesk import rules
from dutydesk.auth.passwords import ADVICE, MIN_LENGTH
from dutydesk.escalations.mail import is_usable_address
from dutydesk.forms import GovRadioField, GovSelectField, optional_int, require
from dutydesk.models import Role, TeamKind
from dutydesk.people.operations import BAD_ADDRESS

ROLE_HINTS = {
    Role.CALL_HANDLER: "Logs calls in the contact centre and passes them to a duty team",
    Role.DUTY_WORKER: "Takes hand-offs, records decisions and holds cases",
    Role.DUTY_MANAGER: "Watches the board, allocates cases, records absences; told of escalations",
    Role.SENIOR_MANAGER: "Acts in every team; told of escalations no one else has taken",
    Role.DIRECTOR: "Statistics and returns",
    Role.ADMIN: "These pages: staff, teams and the record of changes. Gives no access to children's records",
}
TEAM_KINDS = [(kind.value, kind.label) for kind in TeamKind]
CHOOSE_ROLES = "Choose at least one role"
FIRST_PASSWORD_HINT = (f"At least {MIN_LENGTH} characters, not a common password. Tell it to them in person or by "
                       f"phone, not by e-mail: they must choose their own when they first sign in. {ADVICE}")


def _roles_field():
    return SelectMultipleField(
        "Roles", widget=GovCheckboxesInput(), description="Tick every role they hold",
        choices=[(role.value, role.label) for role in Role], coerce=Role,
        invalid_choice_message=f"{CHOOSE_ROLES} from the list", invalid_value_message=f"{CHOOSE_ROLES} from the list",
        validators=[require(CHOOSE_ROLES)])


def role_items() -> list[dict]:
    """Each role's checkbox hint, in the order of the checkboxes, as the GOV.UK macro takes them."""
    return [{"hint": {"text": ROLE_HINTS[role]}} for role in Role]


def usable_address(form, field) -> None:
    """An address escalations can be e-mailed to (the operation asks the same)."""
    if field.data and field.data.strip() and not is_usable_address(field.data.strip()):
        raise ValidationError(BAD_ADDRESS)


def _name_field():
    return StringField("Full name", widget=GovTextInput(), description="As colleagues know them, like Wes Adebayo",
                       validators=[require("Enter the person's full name"),
                                   Length(max=120, message="Enter the name in 120 characters or fewer")])


def _email_field():
    return StringField("E-mail address", widget=GovTextInput(),
                       description="Escalations are e-mailed here", validators=[
                           require("Enter their e-mail address"),
                           usable_address,
                           Length(max=254, message="Enter the e-mail address in 254 characters or fewer")])


def _team_field():
    # Which teams may be chosen is checked against the list offered, in the view.
    return GovSelectField("Team", coerce=optional_int, validate_choice=False,
                          unknown="Choose their team from the list, or no team",
                          description="Duty workers and managers hold the work of their team; "
                                      "senior managers, directors and administrators may have none")


class PersonForm(FlaskForm):
    display_name = _name_field()
    username = StringField("Username", widget=GovTextInput(),
                           description="What they type to sign in: letters, digits, dots, hyphens or underscores, "
                                       "like wes.adebayo",
                           validators=[require("Enter a username"),
                                       Length(max=80, message="Enter a username of 80 characters or fewer")])
    email = _email_field()
    roles = _roles_field()
    team_id = _team_field()
    password = PasswordField("First password", widget=GovPasswordInput(), description=FIRST_PASSWORD_HINT,
                             validators=[require("Enter a first password for them")])
    save = SubmitField("Add the person", widget=GovSubmitInput())


class ChangePersonForm(FlaskForm):
    display_name = _name_field()
    email = _email_field()
    roles = _roles_field()
    team_id = _team_field()
    save = SubmitField("Save the changes", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(), description=FIRST_PASSWORD_HINT,
                             validators=[require("Enter a new password for them")])
    save = SubmitField("Reset the password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something (unlock, deactivate, close): nothing to fill in but the CSRF token."""


class TeamForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), description="Like Duty and assessment North",
                       validators=[require("Enter the team's name"),
                                   Length(max=120, message="Enter the name in 120 characters or fewer")])
    kind = GovRadioField("Kind of team", choices=TEAM_KINDS, coerce=lambda value: TeamKind(value) if value else None,
                         validators=[require("Choose the kind of team")])
    suggested = SelectMultipleField(
        "When the call form suggests this team", widget=GovCheckboxesInput(),
        description="Call handlers see this team chosen already, and may choose another. Marking this team unmarks "
                    "any other. With none marked, the call form suggests the only duty team in office hours and the "
                    "only out-of-hours team out of hours. With several duty teams covering different areas, mark "
                    "none for office hours, so that the call handler chooses by where the child lives.",
        choices=[("office_hours", f"In office hours ({rules.OFFICE_OPENS:%H:%M} to {rules.OFFICE_CLOSES:%H:%M} on "
                                  "working days)"), ("out_of_hours", "Out of hours")],
        invalid_choice_message="Choose when the call form suggests the team from the list",
        invalid_value_message="Choose when the call form suggests the team from the list")
    save = SubmitField("Save", widget=GovSubmitInput())


class TeamManagerForm(FlaskForm):
    manager_id = GovRadioField("Manager told first", coerce=optional_int, validate_choice=False,
                               unknown="Choose one of the team's duty managers, or nobody")
    save = SubmitField("Save the manager told first", widget=GovSubmitInput())
