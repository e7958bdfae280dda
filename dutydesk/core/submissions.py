"""Every form is saved once: posted twice (a double click, Back and resubmit, two tabs), the
second post records nothing and goes where the first went.

The form macro (templates/macros/forms.html) puts a one-time token in every form beside the
CSRF token. When a POST that carries one writes work (rows other than the logs and
convenience data below), the token is claimed first, in the same transaction: a row in
form_submissions, whose token is unique, committed or rolled back with the work. So the claim
happens in one place (the session's events), whichever way the view commits
(pages.record_page, pages.commit_with_record_view, or db.session.commit()), and a view cannot
forget it. A POST that saves nothing (a refused form, "Add another") claims nothing, and the
page it shows carries the same token, so that the form, once it is saved, is saved once
however it is posted again.

A token already claimed is answered before the view runs: "This was already saved at 10:42 by
you", and a redirect to where the first post went. Two posts of one form at the same moment
both run their view; the unique token decides which saves, and the other is rolled back and
given the same answer. CSRF is Flask-WTF's, untouched: it is checked before any of this.

Browsers bring back what was typed when someone goes Back to a form (pages are never cached,
so the form is fetched again with a new token), but not hidden fields: a few lines in
base.html keep each page's tokens in sessionStorage and put them back when the page is shown
again by Back or a reload, so that Back and Save again is answered too. A form opened afresh
is a new form, with a new token.
"""

import re
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.clock import now_utc, to_london
from dutydesk.extensions import db
from dutydesk.models import FormSubmission
from dutydesk.models.guards import PURGEABLE_TABLES

#: The form field that carries the token.
FIELD = "submission_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
#: Rows that do not make a POST "save something": who looked and who tried (logged whatever the
#: answer), and convenience data (forms kept over an idle sign-out, sessions, these claims).
NOT_WORK = frozenset({"record_views", "sign_in_attempts", *PURGEABLE_TABLES})
#: A post close behind the first waits at most this long (in steps) to learn where the first went.
WAIT_FOR_FIRST = timedelta(seconds=2)
WAIT_FOR_FIRST_STEPS = 40


class AlreadySubmitted(Exception):
    """The token of the form being saved was claimed by another post of the same form."""

    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _posted_token() -> str | None:
    token = request.form.get(FIELD, "") if request.method == "POST" else ""
    return token if _TOKEN.fullmatch(token) else None


def submission_token(action: str = "") -> str:
    """The token for a form on the page being rendered: the one posted, when this page shows
    again the form that was posted (refused, or a row added), else a new one."""
    posted = _posted_token()
    if posted is not None and (not action or urlsplit(action).path == request.path):
        return posted
    return secrets.token_urlsafe(24)


def _find(token: str) -> FormSubmission | None:
    return db.session.scalar(select(FormSubmission).where(FormSubmission.token == token))


def _settled(token: str) -> FormSubmission | None:
    """The token's claim, once the post that made it has said where it went. That is written
    just after the post's work is saved, so a post close behind it waits a moment for it."""
    claim = _find(token)
    for _ in range(WAIT_FOR_FIRST_STEPS):
        if claim is None or claim.went_to is not None or now_utc() - claim.at > WAIT_FOR_FIRST:
            break
        db.session.rollback()  # read it afresh
        time.sleep(WAIT_FOR_FIRST.total_seconds() / WAIT_FOR_FIRST_STEPS)
        claim = _find(token)
    return claim


def _answer(claim: FormSubmission):
    """Say that the form was saved already, by whom and when, and go where it went then."""
    when = to_london(claim.at)
    at = f"{when:%H:%M}" if when.date() == to_london(now_utc()).date() else f"{when:%H:%M on %-d %B %Y}"
    who = "you" if claim.user_id == current_user.id else claim.user.display_name
    flash(f"This was already saved at {at} by {who}; nothing was recorded twice", "info")
    return redirect(claim.went_to or _back())


def _back() -> str:
    """Where to go when the first post's destination is not known: the page the form was on."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("core.home")


def answer_repeat():
    """Before the view: a form posted again after it was saved is answered, not saved again."""
    g.submission_token = None
    token = _posted_token()
    if token is None or not current_user.is_authenticated:
        return None
    claim = _settled(token)
    if claim is None:
        g.submission_token = token
        return None
    if claim.endpoint != request.endpoint:
        return None  # not this form's token: nothing to answer, and nothing to claim
    return _answer(claim)


def note_where_it_went(response):
    """After a post that saved something: remember where it went, for a second post to follow."""
    token = g.get("submission_claimed")
    if token is not None and response.location and len(response.location) <= 500:
        g.submission_claimed = None
        location = response.location
        db.session.rollback()  # whatever the view left uncommitted is not ours to commit
        db.session.execute(update(FormSubmission).where(FormSubmission.token == token).values(went_to=location))
        db.session.commit()
    return response


def answer_lost_race(error: AlreadySubmitted):
    """Two posts of one form at once: this one lost; it is rolled back and answered as a repeat."""
    db.session.rollback()
    claim = _settled(error.token)
    if claim is None:  # not a lost race after all (cannot happen: the token is the only unique column)
        raise error.__cause__ or error
    return _answer(claim)


# The session events that see work about to be written, and claim the token before it.

def _is_unclaimed() -> bool:
    return has_request_context() and bool(g.get("submission_token"))


def _claim(session: Session) -> None:
    """Claim the request's token, in the transaction about to write the request's work, before
    that work: of two posts of one form at once, the second waits on the first's claim (a
    unique key or SQLite's write lock) and fails there, before its own work can collide with
    the first's (one referral per child, say)."""
    token = g.pop("submission_token")
    g.submission_pending = token
    try:
        session.connection().execute(insert(FormSubmission.__table__).values(
            token=token, user_id=current_user.id, endpoint=request.endpoint, at=now_utc()))
    except IntegrityError as error:
        raise AlreadySubmitted(token) from error


def _before_flush(session: Session, flush_context, instances) -> None:
    if not _is_unclaimed():
        return
    changed = [*session.new, *session.deleted,
               *(obj for obj in session.dirty if session.is_modified(obj, include_collections=False))]
    if any(getattr(obj, "__tablename__", None) not in NOT_WORK for obj in changed):
        _claim(session)


def _before_orm_execute(state) -> None:
    if ((state.is_insert or state.is_update or state.is_delete) and state.statement.table.name not in NOT_WORK
            and _is_unclaimed()):
        _claim(state.session)


def _after_commit(session: Session) -> None:
    if has_request_context() and g.get("submission_pending"):
        g.submission_claimed = g.pop("submission_pending")


def _after_rollback(session: Session) -> None:
    """The work was not saved, nor was the claim: the token may be claimed by work saved later."""
    if has_request_context() and g.get("submission_pending"):
        g.submission_token = g.pop("submission_pending")


_LISTENERS = (("before_flush", _before_flush), ("do_orm_execute", _before_orm_execute),
              ("after_commit", _after_commit), ("after_rollback", _after_rollback))


def init_app(app) -> None:
    """After CSRF and sign-in (registered after them): answer repeats; claim tokens with the work."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.add_template_global(submission_token)
    app.before_request(answer_repeat)
    app.after_request(note_where_it_went)
    app.register_error_handler(AlreadySubmitted, answer_lost_race)
