"""The administration pages: staff and their accounts, teams, and the record of every change.

Administrators only (permissions.ADMINISTER), which gives no access to children's records.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.auth import limits
from dutydesk.clock import now_utc
from dutydesk.display import timescale_words
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.inputs import parse_id
from dutydesk.models import AdminChangeKind, Team, User
from dutydesk.pages import show_error
from dutydesk.people import forms, operations, queries

bp = Blueprint("people", __name__)
bp.add_app_template_filter(operations.roles_words, "roles_words")


def _me() -> User:
    return current_user._get_current_object()


def _person_url(user: User) -> str:
    return url_for("people.show_person", user_id=user.id)


def _team_url(team: Team) -> str:
    return url_for("people.show_team", team_id=team.id)


def _chosen_team(teams: list[Team], team_id: int | None) -> Team | None:
    """The team chosen in the select, from those offered (None: no team); anything else is refused."""
    if team_id is None:
        return None
    team = next((team for team in teams if team.id == team_id), None)
    if team is None:
        raise DomainError("Choose their team from the list, or no team", "team_id")
    return team


def _team_choices(teams: list[Team]) -> list[tuple]:
    return [("", "No team")] + [(team.id, f"{team.name} ({team.kind.label.lower()})") for team in teams]


# --- people ---------------------------------------------------------------------------------


@bp.route("/people")
@requires(permissions.ADMINISTER, no_record=True)
def list_people():
    return render_template("people/list_people.html", people=queries.list_people(),
                           signed_in=queries.signed_in_counts(now_utc()))


@bp.route("/people/new", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, no_record=True)
def add_person():
    form = forms.PersonForm()
    teams = queries.list_open_teams()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                username=form.username.data, display_name=form.display_name.data, email=form.email.data,
                roles=form.roles.data, team=_chosen_team(teams, form.team_id.data), password=form.password.data,
                by=_me(), now=now_utc(), must_change_password=True)
        except DomainError as error:
            show_error(form, error)
        else:
            url, name, username = _person_url(user), user.display_name, user.username
            db.session.commit()
            flash(f"{name} added. They sign in as {username} with the first password you gave them, and must "
                  "then choose their own.", "success")
            return redirect(url)
    form.team_id.choices = _team_choices(teams)
    return render_template("people/add_person.html", form=form, role_items=forms.role_items())


@dataclass(frozen=True)
class SignIns:
    """How sign-ins as the person stand: wrong passwords counted now, and whether they are paused."""

    failures: int
    allowance: int
    window: str
    #: When they were unlocked, if within the window: failures before it no longer count.
    unlocked_at: datetime | None

    @property
    def is_paused(self) -> bool:
        return self.failures >= self.allowance


def _sign_ins(user: User, now: datetime) -> SignIns:
    allowance, window = limits.username_allowance()
    unlocked = queries.get_last_change(AdminChangeKind.UNLOCKED, user_id=user.id)
    unlocked_at = unlocked.at if unlocked is not None and unlocked.at > now - window else None
    return SignIns(failures=queries.count_recent_failures(user.username, unlocked_at or now - window),
                   allowance=allowance, window=timescale_words(window), unlocked_at=unlocked_at)


@bp.route("/people/<int:user_id>")
@requires(permissions.ADMINISTER, reads=subjects.PERSON)
def show_person(user_id: int):
    user = queries.get_user(user_id) or abort(404)
    now = now_utc()
    return render_template("people/show_person.html", person=user, now=now, sign_ins=_sign_ins(user, now),
                           signed_in=queries.signed_in_counts(now).get(user.id, 0),
                           changes=queries.list_admin_changes(user_id=user.id, per_page=20))


def _deactivated_already(user: User):
    flash(f"{user.display_name} has been deactivated: their account cannot be changed", "error")
    return redirect(_person_url(user))


@bp.route("/people/<int:user_id>/change", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, changes=subjects.PERSON)
def change_person(user_id: int):
    user = queries.get_user(user_id) or abort(404)
    if not user.is_active:
        return _deactivated_already(user)
    form = forms.ChangePersonForm()
    teams = queries.list_open_teams()
    if form.validate_on_submit():
        try:
            changes = operations.change_person(user, operations.PersonChanges(
                display_name=form.display_name.data, email=form.email.data, roles=frozenset(form.roles.data),
                team=_chosen_team(teams, form.team_id.data)), by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            said = [change.description for change in changes]
            url, name = _person_url(user), user.display_name
            db.session.commit()
            flash(f"{name}: " + ". ".join(said) if said else f"Nothing was changed for {name}",
                  "success" if said else "info")
            return redirect(url)
    elif not form.is_submitted():
        form.display_name.data, form.email.data = user.display_name, user.email
        form.roles.data = sorted(user.roles)
        form.team_id.data = user.team_id
    form.team_id.choices = _team_choices(teams)
    return render_template("people/change_person.html", form=form, person=user, role_items=forms.role_items())


@bp.route("/people/<int:user_id>/password", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, changes=subjects.PERSON)
def reset_password(user_id: int):
    user = queries.get_user(user_id) or abort(404)
    if not user.is_active:
        return _deactivated_already(user)
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(user, form.password.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            url, name = _person_url(user), user.display_name
            db.session.commit()
            flash(f"{name}'s password is reset and they have been signed out everywhere. Tell them the new "
                  "password in person or by phone: they must choose their own when they next sign in.", "success")
            return redirect(url)
    return render_template("people/reset_password.html", form=form, person=user)


@bp.route("/people/<int:user_id>/unlock", methods=["POST"])
@requires(permissions.ADMINISTER, changes=subjects.PERSON)
def unlock(user_id: int):
    user = queries.get_user(user_id) or abort(404)
    if forms.ConfirmForm().validate_on_submit():
        now = now_utc()
        failures = _sign_ins(user, now).failures
        try:
            operations.unlock_sign_in(user, by=_me(), now=now, failures=failures)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            name, username = user.display_name, user.username
            db.session.commit()
            flash(f"Unlocked: {name} can sign in as {username} at once, on any computer. Wrong passwords typed "
                  "before now no longer count. If they have forgotten their password, reset it.", "success")
    return redirect(_person_url(user))


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, changes=subjects.PERSON)
def deactivate(user_id: int):
    user = queries.get_user(user_id) or abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            leaving = operations.deactivate_user(user, by=_me(), now=now_utc())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            name = user.display_name
            db.session.commit()
            flash(f"{name} is deactivated: {operations.leaving_words(leaving)}.", "success")
            return redirect(_person_url(user))
    return render_template("people/deactivate.html", form=form, person=user, held=queries.count_held_by(user.id),
                           managed=[team for team in queries.list_teams() if team.manager_id == user.id])


@bp.route("/people/changes")
@requires(permissions.ADMINISTER, no_record=True)
def list_changes():
    page = parse_id(request.args.get("page")) or 1
    user_id, team_id = parse_id(request.args.get("user")), parse_id(request.args.get("team"))
    about = (queries.get_user(user_id) if user_id else None) or (queries.get_team(team_id) if team_id else None)
    changes = queries.list_admin_changes(page, user_id=user_id if isinstance(about, User) else None,
                                         team_id=team_id if isinstance(about, Team) else None)
    filters = {"user": about.id} if isinstance(about, User) else {"team": about.id} if about is not None else {}
    return render_template("people/list_changes.html", changes=changes, about=about,
                           page_url=lambda number: url_for("people.list_changes", page=number, **filters))


# --- teams ----------------------------------------------------------------------------------


def _team_changes(form: forms.TeamForm) -> operations.TeamChanges:
    suggested = set(form.suggested.data or [])
    return operations.TeamChanges(name=form.name.data, kind=form.kind.data,
                                  is_suggested_in_office_hours="office_hours" in suggested,
                                  is_suggested_out_of_hours="out_of_hours" in suggested)


@bp.route("/teams")
@requires(permissions.ADMINISTER, no_record=True)
def list_teams():
    teams = queries.list_teams()
    return render_template("people/list_teams.html", teams=teams,
                           duty_managers={team.id: queries.list_duty_managers(team.id) for team in teams})


@bp.route("/teams/new", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, no_record=True)
def add_team():
    form = forms.TeamForm()
    if form.validate_on_submit():
        try:
            team = operations.add_team(_team_changes(form), by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            url, name = _team_url(team), team.name
            db.session.commit()
            flash(f"{name} added. Put people in it from their pages, then choose its manager told first.", "success")
            return redirect(url)
    return render_template("people/team_form.html", form=form, team=None)


@bp.route("/teams/<int:team_id>")
@requires(permissions.ADMINISTER, reads=subjects.TEAM)
def show_team(team_id: int):
    team = queries.get_team(team_id) or abort(404)
    return render_template("people/show_team.html", team=team, duty_managers=queries.list_duty_managers(team.id),
                           work=queries.count_open_work(team.id), members=[m for m in team.members if m.is_active],
                           changes=queries.list_admin_changes(team_id=team.id, per_page=20))


@bp.route("/teams/<int:team_id>/change", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, changes=subjects.TEAM)
def change_team(team_id: int):
    team = queries.get_team(team_id) or abort(404)
    form = forms.TeamForm()
    if form.validate_on_submit():
        try:
            changes = operations.change_team(team, _team_changes(form), by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            said = [change.description for change in changes]
            url, name = _team_url(team), team.name
            db.session.commit()
            flash(f"{name}: " + ". ".join(said) if said else f"Nothing was changed for {name}",
                  "success" if said else "info")
            return redirect(url)
    elif not form.is_submitted():
        form.name.data, form.kind.data = team.name, team.kind
        form.suggested.data = [value for value, is_on in (("office_hours", team.is_suggested_in_office_hours),
                                                          ("out_of_hours", team.is_suggested_out_of_hours)) if is_on]
    return render_template("people/team_form.html", form=form, team=team)


@bp.route("/teams/<int:team_id>/manager", methods=["GET", "POST"])
@requires(permissions.ADMINISTER, changes=subjects.TEAM)
def choose_manager(team_id: int):
    team = queries.get_team(team_id) or abort(404)
    managers = queries.list_duty_managers(team.id)
    form = forms.TeamManagerForm()
    if form.validate_on_submit():
        try:
            manager = None
            if form.manager_id.data is not None:
                manager = next((m for m in managers if m.id == form.manager_id.data), None)
                if manager is None:
                    raise DomainError("Choose one of the team's duty managers, or nobody", "manager_id")
            change = operations.choose_team_manager(team, manager, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            url, said = _team_url(team), f"{team.name}: {change.description}" if change else "Nothing was changed"
            db.session.commit()
            flash(said, "success" if change else "info")
            return redirect(url)
    elif not form.is_submitted():
        form.manager_id.data = team.manager_id
    form.manager_id.choices = [(m.id, m.display_name) for m in managers] + [("", "Nobody")]
    return render_template("people/choose_manager.html", form=form, team=team, managers=managers)


def _open_or_close(team_id: int, change, done: str):
    team = queries.get_team(team_id) or abort(404)
    if forms.ConfirmForm().validate_on_submit():
        try:
            change(team, by=_me(), now=now_utc())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            name = team.name
            db.session.commit()
            flash(f"{name} {done}", "success")
    return redirect(_team_url(team))


@bp.route("/teams/<int:team_id>/close", methods=["POST"])
@requires(permissions.ADMINISTER, changes=subjects.TEAM)
def close_team(team_id: int):
    return _open_or_close(team_id, operations.close_team,
                          "is closed: it is no longer offered for calls, cases or people. Its history stays.")


@bp.route("/teams/<int:team_id>/reopen", methods=["POST"])
@requires(permissions.ADMINISTER, changes=subjects.TEAM)
def reopen_team(team_id: int):
    return _open_or_close(team_id, operations.reopen_team, "is open again")
