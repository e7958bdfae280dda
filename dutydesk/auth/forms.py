from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField

from dutydesk.auth.passwords import ADVICE, MIN_LENGTH
from dutydesk.forms import require


class LoginForm(FlaskForm):
    username = StringField("Username", widget=GovTextInput(), validators=[require("Enter your username")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[require("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Your current password", widget=GovPasswordInput(),
                                     description="The one you signed in with",
                                     validators=[require("Enter your current password")])
    new_password = PasswordField("New password", widget=GovPasswordInput(), description=(
        f"At least {MIN_LENGTH} characters, and not a common password. {ADVICE}"),
        validators=[require("Enter a new password")])
    save = SubmitField("Change my password", widget=GovSubmitInput())
