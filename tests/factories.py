"""Plain keyword-default factories (GOV.UK Notify's tests/app/db.py style) and test helpers."""

import os
import re
import secrets
from datetime import datetime, timezone
from itertools import count
from zoneinfo import ZoneInfo

from dutydesk.people.operations import create_user as _create_user
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, Team, TeamKind
from dutydesk.models.codes import Channel, ConcernCategory, InterpreterNeed, ReferralSource

PASSWORD = "correct horse battery staple"
_serial = count(1)


def at(text: str, zone: str = "UTC") -> datetime:
    """'2026-03-29 00:30' as a tz-aware moment, read in UTC unless another zone is named."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def create_team(name: str | None = None, kind: TeamKind = TeamKind.DUTY, manager=None) -> Team:
    team = Team(name=name or f"Team {next(_serial)}", kind=kind, manager=manager, is_active=True)
    db.session.add(team)
    db.session.flush()
    return team


def create_user(username: str | None = None, roles=(Role.DUTY_WORKER,), team: Team | None = None,
                display_name: str | None = None, password: str = PASSWORD, is_active: bool = True):
    username = username or f"user{next(_serial)}"
    user = _create_user(username=username, display_name=display_name or username.title(),
                        password=password, roles=roles, team=team)
    user.is_active = is_active
    db.session.flush()
    return user


def child_details(**overrides) -> calls.ChildDetails:
    values = dict(name="Leo Martin", is_name_known=True, address="22 Park Lane, London N17",
                  first_language="English", interpreter_need=InterpreterNeed.NOT_NEEDED, approximate_age=6)
    values.update(overrides)
    return calls.ChildDetails(**values)


def call_details(team: Team, received_at: datetime, **overrides) -> calls.CallDetails:
    values = dict(
        received_at=received_at, channel=Channel.PHONE, children=[child_details()],
        concern="Bruising to the face; says his stepfather hit him.",
        concern_category=ConcernCategory.PHYSICAL_ABUSE,
        referrer=calls.ReferrerDetails(name="Joan Fraser", role="Class teacher", agency="Park Lane Primary",
                                       address="Park Lane, London N17", phone="020 8800 0001",
                                       is_professional=False, source=ReferralSource.SCHOOLS),
        is_put_through=False, team=team,
    )
    values.update(overrides)
    return calls.CallDetails(**values)


def create_contact(received_at: datetime, *, team: Team | None = None, by=None, now: datetime | None = None,
                   **overrides):
    """Log a call through the real operation, with a duty team and call handler made if not given."""
    team = team or create_team()
    by = by or create_user(roles=(Role.CALL_HANDLER,), team=create_team(kind=TeamKind.CONTACT_CENTRE))
    contact = calls.log_call(call_details(team, received_at, **overrides), by=by, now=now or received_at)
    db.session.flush()
    return contact


def obligation_of(contact, kind, child=None):
    matches = [o for o in contact.obligations if o.kind is kind and (child is None or o.child is child)]
    assert len(matches) == 1, f"expected one {kind} obligation, found {len(matches)}"
    return matches[0]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign in through the real form, CSRF token and all."""
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                       "username": username, "password": password})


def log_call_form(team_id: int, received: datetime | None = None, **overrides) -> dict:
    """A complete, valid log-call form as the browser posts it (received in London time)."""
    from dutydesk.clock import now_utc, to_london

    local = to_london(received or now_utc())
    data = {
        "children-0-name": "Leo Martin", "children-0-address": "22 Park Lane, London N17",
        "children-0-approximate_age": "6", "children-0-first_language": "English",
        "children-0-interpreter_need": "not_needed",
        "concern": "Bruising to the face; says his stepfather hit him.", "concern_category": "physical_abuse",
        "received_date": [str(local.day), str(local.month), str(local.year)],
        "received_time": local.strftime("%H:%M"), "channel": "phone",
        "referrer_name": "Joan Fraser", "referrer_role": "Class teacher", "referrer_agency": "Park Lane Primary",
        "referrer_address": "Park Lane, London N17", "referrer_phone": "020 8800 0001",
        "referrer_email": "", "is_referrer_professional": "yes", "referral_source": "2A",
        "team_id": str(team_id), "is_put_through": "no", "save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submission_token(html: str) -> str | None:
    """The one-time token of the page's own form (the form posting to the page itself), if any."""
    from bs4 import BeautifulSoup

    for form in BeautifulSoup(html, "html.parser").find_all("form", method="post"):
        field = form.find("input", attrs={"name": "submission_token"})
        if not form.get("action") and field is not None:
            return field["value"]
    return None


def post_form(client, url: str, data: dict, follow_redirects: bool = False):
    """Open the form page for its CSRF and submission tokens, then post the data as the browser would."""
    html = client.get(url).get_data(as_text=True)
    token = submission_token(html)
    return client.post(url, data={"csrf_token": csrf_token(html), **({"submission_token": token} if token else {}),
                                  **data}, follow_redirects=follow_redirects)


def flask_command_environment(app, **settings: str) -> dict:
    """The environment for a `flask` command run as its own process on the tests' database.

    It has a secret key of its own (dutydesk starts with nothing less) and no e-mail server
    unless one is given.
    """
    environment = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "FLASK_APP": "dutydesk",
                   "SECRET_KEY": secrets.token_hex(32)}
    environment.pop("MAIL_SERVER", None)
    return {**environment, **settings}
