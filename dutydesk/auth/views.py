from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from dutydesk.auth import limits
from dutydesk.auth.forms import LoginForm
from dutydesk.auth.operations import authenticate
from dutydesk.auth.session import end_session, start_session, url_after_sign_in
from dutydesk.clock import now_utc
from dutydesk.extensions import db

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
