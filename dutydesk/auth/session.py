"""Sign-in everywhere, the 30-minute idle timeout, and keeping what an idle person was typing.

Sessions are held on the server (auth/server_sessions.py), which signs out whoever has made no
request for the idle timeout. A call handler who is signed out while typing a call must lose
nothing: the browser keeps, in a signed cookie, who it was and the CSRF token of the form on
their screen, so a form posted after the timeout is kept as a FormDraft, and after signing in
again its author is sent back to the same page with the form filled in, ready to save.
"""

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from dutydesk.auth import operations
from dutydesk.auth.server_sessions import ServerSessionInterface
from dutydesk.clock import now_utc
from dutydesk.display import timescale_words
from dutydesk.extensions import db, login_manager
from dutydesk.inputs import parse_id
from dutydesk.models import FormDraft, SessionEndReason, User

#: Endpoints anyone may reach: signing in, the health check and the stylesheets.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "core.healthz", "static"})
#: All that someone whose password an administrator set may reach until they choose their own.
BEFORE_NEW_PASSWORD = PUBLIC_ENDPOINTS | {"auth.change_password", "auth.logout"}
#: Requests a page makes by itself (the board refreshing): they are not someone at the keyboard,
#: so they do not hold off the idle timeout.
PASSIVE_ENDPOINTS = frozenset({"board.live"})
DRAFT_ARG = "draft"
#: What a browser's session keeps across signing in: the form kept for after it.
KEPT_AT_SIGN_IN = ("draft_id",)


def init_app(app) -> None:
    app.session_interface = ServerSessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to use dutydesk"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(note_activity)
    app.before_request(require_sign_in)
    app.before_request(require_own_password)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The person whose session on the server this is; nobody for any other claim (a cookie
    signed with a leaked key, a remember-me cookie)."""
    signed_in = getattr(session, "user_id", None)
    if signed_in is None or str(signed_in) != user_id:
        return None
    if session.user is not None:
        return session.user  # loaded with the session's row, team and roles: no second query
    return db.session.get(User, signed_in, options=[joinedload(User.team), joinedload(User.role_grants)])


def start_session(user: User) -> None:
    """Sign this browser in as the user, in a new session with a new token and a new CSRF
    token, so that nothing from before (a planted or copied cookie) carries over."""
    now = now_utc()
    if session.record_id is not None:
        operations.end_user_session(session.record_id, reason=SessionEndReason.SIGNED_IN_AGAIN, now=now)
    kept = {key: session[key] for key in KEPT_AT_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)  # Flask-WTF's copy of the old token for this request
    record, token = operations.start_user_session(user, now=now)
    session.begin(record, token)
    session.permanent = True
    login_user(user)
    generate_csrf()  # made now, so that two tabs opening forms at once share one


def end_session() -> None:
    """Sign this browser out; its session on the server ends, so every copy of its cookie is refused."""
    if session.record_id is not None:
        operations.end_user_session(session.record_id, reason=SessionEndReason.SIGNED_OUT, now=now_utc())
    logout_user()
    session.clear()
    session.forget()


def note_activity():
    """Someone at the keyboard: this request holds off the idle timeout (a page refreshing itself does not)."""
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session.is_activity = True


def require_sign_in():
    """Send anyone not signed in to the sign-in page, keeping a form they had filled in."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    idle_user_id = session.get("idle_user_id")
    if request.method == "POST" and idle_user_id is not None:
        draft = keep_draft(idle_user_id, request.path, request.form, now_utc())
        session["draft_id"] = draft.id
        flash(f"You were signed out after {_idle_timeout_words()} without activity. Sign in again: what you "
              "typed has been kept and will be there to save.", "info")
        return redirect(url_for("auth.login"))
    if idle_user_id is not None:
        flash(f"You were signed out after {_idle_timeout_words()} without activity. Sign in again to carry on.",
              "info")
    if request.headers.get("HX-Request"):
        # A refresh by htmx would otherwise swap the sign-in page into the board: send the
        # whole page there instead.
        try:
            page = urlsplit(request.headers.get("HX-Current-URL", ""))
            back_to = f"{page.path}?{page.query}" if page.query else page.path
        except ValueError:  # not an address: back to the start once signed in
            back_to = None
        return "", 204, {"HX-Redirect": url_for("auth.login", next=back_to or None)}
    return login_manager.unauthorized()


def require_own_password():
    """Someone signed in with a password an administrator set chooses their own before anything else."""
    if (request.endpoint in BEFORE_NEW_PASSWORD or not current_user.is_authenticated
            or not current_user.must_change_password):
        return None
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Redirect": url_for("auth.change_password")}
    return redirect(url_for("auth.change_password"))


def _idle_timeout_words() -> str:
    return timescale_words(current_app.config["IDLE_TIMEOUT"])


def keep_draft(user_id: int, path: str, form: MultiDict, now: datetime) -> FormDraft:
    fields = [[key, value] for key, value in form.items(multi=True) if key != "csrf_token"]
    draft = FormDraft(user_id=user_id, path=path, fields=fields, created_at=now)
    db.session.add(draft)
    db.session.commit()
    return draft


def url_after_sign_in(user: User, default: str) -> str:
    """Back to a kept form if this person left one, else where they were going."""
    draft_id = session.pop("draft_id", None)
    if draft_id is not None:
        draft = db.session.get(FormDraft, draft_id)
        if draft is not None and draft.user_id == user.id and draft.restored_at is None:
            return f"{draft.path}?{DRAFT_ARG}={draft.id}"
    return default


def restored_formdata() -> MultiDict | None:
    """The kept form for this page, if the signed-in person was sent back here to finish it."""
    draft_id = parse_id(request.args.get(DRAFT_ARG))
    if draft_id is None or request.method != "GET":
        return None
    draft = db.session.scalar(
        select(FormDraft).where(FormDraft.id == draft_id, FormDraft.user_id == current_user.id,
                                FormDraft.path == request.path)
    )
    if draft is None:
        return None
    if draft.restored_at is None:
        draft.restored_at = now_utc()
        db.session.commit()
    return MultiDict([tuple(pair) for pair in draft.fields])
