from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField

from dutydesk.forms import require


class LoginForm(FlaskForm):
    username = StringField("Username", widget=GovTextInput(), validators=[require("Enter your username")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[require("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())
