"""Sign-in everywhere, the 30-minute idle timeout, and keeping what an idle person was typing.

A call handler who is signed out while typing a call must lose nothing. The session cookie
outlives the idle timeout, so a form posted after it still arrives with a valid CSRF token and
the signed name of its author; it is kept as a FormDraft, and after signing in again the author
is sent back to the same page with the form filled in, ready to save.
"""

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from dutydesk.clock import now_utc
from dutydesk.display import timescale_words
from dutydesk.extensions import db, login_manager
from dutydesk.inputs import parse_id
from dutydesk.models import FormDraft, User

#: Endpoints anyone may reach: signing in, the health check and the stylesheets.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "core.healthz", "static"})
#: Requests a page makes by itself (the board refreshing): they are not someone at the keyboard,
#: so they do not hold off the idle timeout.
PASSIVE_ENDPOINTS = frozenset({"board.live"})
DRAFT_ARG = "draft"


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to use dutydesk"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(enforce_idle_timeout)
    app.before_request(require_sign_in)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id), options=[joinedload(User.team), joinedload(User.role_grants)])


def start_session(user: User) -> None:
    session.permanent = True
    session["seen_at"] = now_utc().timestamp()
    session.pop("idle_user_id", None)


def enforce_idle_timeout():
    """Sign out whoever has made no request for the idle timeout, remembering who they were."""
    if not current_user.is_authenticated:
        return None
    now = now_utc().timestamp()
    seen_at = session.get("seen_at")
    if seen_at is not None and now - seen_at > current_app.config["IDLE_TIMEOUT"].total_seconds():
        user_id = current_user.id
        logout_user()
        session.pop("seen_at", None)
        session["idle_user_id"] = user_id
        return None
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = now
    return None


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
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back_to = f"{page.path}?{page.query}" if page.query else page.path
        return "", 204, {"HX-Redirect": url_for("auth.login", next=back_to or None)}
    return login_manager.unauthorized()


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
