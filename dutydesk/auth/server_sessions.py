"""Sessions held on the server, so that signing out ends every copy of one (DESIGN.md section 10).

Someone signed in carries only a random token in the session cookie. The user_sessions row keyed
by the token's SHA-256 says whose session it is and holds its data (the CSRF token, messages
waiting to be shown), and every request checks that the row has not ended, that its person is
still active and that it has not been idle for IDLE_TIMEOUT. So signing out, deactivation, a
change of roles or a new password (auth/operations.py) ends the session wherever its cookie was
copied, and the SECRET_KEY alone signs nobody in.

Anyone not signed in keeps Flask's signed cookie (the sign-in page's CSRF token; who was signed
out for being idle, so that what they were typing can be kept), so that opening /login writes no
row. Such a cookie never signs anyone in: Flask-Login's keys are dropped from it, and load_user
(auth/session.py) believes only the row.
"""

import re
from datetime import datetime, timedelta

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, session_json_serializer
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from dutydesk.auth.operations import session_token_hash
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import SessionEndReason, User, UserSession

#: A session token as it appears in the cookie (secrets.token_urlsafe(32)); a signed cookie has dots.
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: Flask-Login's keys: only a session held on the server may carry them.
SIGNED_IN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")
#: "Last seen" is written at most this often, so that a request does not cost a write each time.
#: The idle timeout counts from it, so someone may be signed out up to this much early.
SEEN_AT_EVERY = timedelta(minutes=1)
#: The most messages kept waiting to be shown: a client that posts forms and never follows the
#: redirects to where they are shown must not grow its session without end.
MAX_FLASHES = 10


class DeskSession(SecureCookieSession):
    """Flask's session: in a signed cookie, or held on the server while someone is signed in."""

    def __init__(self, initial=None, *, record_id: int | None = None, user: User | None = None,
                 seen_at: datetime | None = None, saved: str | None = None, token: str | None = None):
        super().__init__(initial)
        #: The user_sessions row, and its person (loaded with it), while someone is signed in.
        self.record_id = record_id
        self.user = user
        self.user_id = user.id if user is not None else None
        self.seen_at = seen_at
        #: The data as the row holds it: only a change is written.
        self.saved = saved
        self.token = token
        self.is_new_token = False
        #: Someone at the keyboard made this request (not a page refreshing itself).
        self.is_activity = False
        #: A session found idle, ended when the response is saved.
        self.idle_record_id: int | None = None

    def begin(self, record: UserSession, token: str) -> None:
        """This browser is signed in, from this response on, in a new session."""
        self.record_id, self.user, self.user_id, self.seen_at = record.id, None, record.user_id, record.seen_at
        self.saved, self.token, self.is_new_token = None, token, True

    def forget(self) -> None:
        """This browser is no longer signed in: what is left (a message) goes into a signed cookie."""
        self.record_id = self.user = self.user_id = self.seen_at = self.saved = self.token = None


class ServerSessionInterface(SecureCookieSessionInterface):
    session_class = DeskSession

    def open_session(self, app, request) -> DeskSession | None:
        if request.path.startswith(f"{app.static_url_path}/"):
            return self.session_class()  # stylesheets and scripts need no session, and no query
        value = request.cookies.get(self.get_cookie_name(app), "")
        if not TOKEN.fullmatch(value):
            return self._open_signed_cookie(app, request)
        record = db.session.scalar(
            db.select(UserSession).where(UserSession.token_hash == session_token_hash(value)).options(
                joinedload(UserSession.user).joinedload(User.team),
                joinedload(UserSession.user).joinedload(User.role_grants)))
        if record is None or record.ended_at is not None or not record.user.is_active:
            anonymous = self.session_class()
            anonymous.modified = True  # the dead token's cookie is dropped
            return anonymous
        data = session_json_serializer.loads(record.data)
        if now_utc() - record.seen_at > app.config["IDLE_TIMEOUT"]:
            return self._signed_out_for_idling(record, data)
        return self.session_class({**data, "_user_id": str(record.user_id)}, record_id=record.id,
                                  user=record.user, seen_at=record.seen_at, saved=record.data, token=value)

    def _open_signed_cookie(self, app, request) -> DeskSession | None:
        session = super().open_session(app, request)
        if session is not None and any(key in session for key in SIGNED_IN_KEYS):
            for key in SIGNED_IN_KEYS:
                session.pop(key, None)
        return session

    def _signed_out_for_idling(self, record: UserSession, data: dict) -> DeskSession:
        """Idle too long: signed out, remembering who it was and the CSRF token that the form they
        were typing carries, so that a form posted now is kept for them (auth/session.py)."""
        kept = {"_permanent": True, "idle_user_id": record.user_id}
        if "csrf_token" in data:
            kept["csrf_token"] = data["csrf_token"]
        session = self.session_class(kept)
        session.idle_record_id = record.id
        session.modified = True
        return session

    def save_session(self, app, session: DeskSession, response) -> None:
        now = now_utc()
        if session.idle_record_id is not None:
            self._end(session.idle_record_id, SessionEndReason.IDLE, now)
        if session.record_id is not None and "_user_id" not in session:
            # Signed out by some path that did not end the session: end it, so no copy lives on.
            self._end(session.record_id, SessionEndReason.SIGNED_OUT, now)
            session.forget()
        if session.record_id is None:
            for key in SIGNED_IN_KEYS:
                if key in session:
                    session.pop(key)
            super().save_session(app, session, response)
            return
        self._save_on_server(session, now)
        response.vary.add("Cookie")
        if session.is_new_token or self.should_set_cookie(app, session):
            response.set_cookie(
                self.get_cookie_name(app), session.token, expires=self.get_expiration_time(app, session),
                httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
                path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                partitioned=self.get_cookie_partitioned(app), samesite=self.get_cookie_samesite(app))

    def _save_on_server(self, session: DeskSession, now: datetime) -> None:
        """Write the session's data if it changed, and "last seen" if it is a minute old."""
        data = {key: value for key, value in session.items() if key != "_user_id"}
        if len(data.get("_flashes", ())) > MAX_FLASHES:
            data["_flashes"] = data["_flashes"][-MAX_FLASHES:]
        values = {}
        text = session_json_serializer.dumps(data)
        if text != session.saved:
            values["data"] = text
        if session.is_activity and now - session.seen_at >= SEEN_AT_EVERY:
            values["seen_at"] = now
        if values:
            self._write(update(UserSession).where(UserSession.id == session.record_id,
                                                  UserSession.ended_at.is_(None)).values(**values))

    def _end(self, record_id: int, reason: SessionEndReason, now: datetime) -> None:
        self._write(update(UserSession).where(UserSession.id == record_id, UserSession.ended_at.is_(None))
                    .values(ended_at=now, end_reason=reason))

    @staticmethod
    def _write(statement) -> None:
        """Write to the session's row in a transaction of its own, after the view's. Whatever the
        request left uncommitted is not ours to commit: it is rolled back, as teardown would."""
        db.session.rollback()
        db.session.execute(statement)
        db.session.commit()
