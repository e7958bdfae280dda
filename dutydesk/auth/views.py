from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions
from dutydesk.access import requires
from dutydesk.auth import limits
from dutydesk.auth.forms import ChangePasswordForm, LoginForm
from dutydesk.auth.operations import authenticate
from dutydesk.auth.session import end_session, start_session, url_after_sign_in
from dutydesk.clock import now_utc
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.pages import show_error
from dutydesk.people.operations import change_own_password

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only ever redirect within dutydesk after signing in; anything else (or nonsense) goes home."""
    try:
        is_ours = bool(target) and urlsplit(target).netloc == "" and target.startswith("/") \
            and not target.startswith("//")
    except ValueError:  # not an address at all ("http://[::1")
        is_ours = False
    return target if is_ours else url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@limits.limit_sign_in
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data, now=now_utc(),
                            remote_addr=request.remote_addr or "")
        if user is None:
            limits.count_failure()
            db.session.commit()  # the attempt is recorded
            form.password.errors.append("Enter a correct username and password")
        else:
            start_session(user)
            db.session.commit()  # the attempt and the new session
            if user.must_change_password:
                response = redirect(url_for("auth.change_password"))
            else:
                response = redirect(url_after_sign_in(user, _safe_next(request.args.get("next"))))
            limits.remember_device(response, user.username)
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    db.session.commit()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(permissions.ANYONE, no_record=True)
def change_password():
    """Choose a new password: anyone for their own, and first of all whoever was given one by an
    administrator. Their other sessions end; this browser is signed in afresh."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, current=form.current_password.data, new=form.new_password.data,
                                now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            start_session(user)
            db.session.commit()
            flash("Your password has been changed. If you were signed in anywhere else, you have been signed "
                  "out there.", "success")
            return redirect(url_for("core.home"))
    return render_template("auth/change_password.html", form=form, is_required=current_user.must_change_password)
