"""Nothing in dutydesk is ever hard-deleted, and history is never rewritten.

A record that a child was referred must outlive every mistake made after it (the Climbié
Inquiry's files were lost, not merely wrong). So the ORM refuses any DELETE, and any UPDATE
to the append-only tables, before it reaches the database.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from dutydesk.models.audit import ContactEvent, RecordView, SignInAttempt

APPEND_ONLY = (ContactEvent, RecordView, SignInAttempt)


class RecordProtectionError(RuntimeError):
    """Code tried to delete a record or rewrite history."""


def _refuse_deletes_and_rewrites(session: Session, flush_context, instances) -> None:
    if session.deleted:
        names = sorted({type(obj).__name__ for obj in session.deleted})
        raise RecordProtectionError(f"dutydesk never deletes records (tried: {', '.join(names)})")
    rewritten = [obj for obj in session.dirty if isinstance(obj, APPEND_ONLY) and session.is_modified(obj)]
    if rewritten:
        raise RecordProtectionError(f"{type(rewritten[0]).__name__} rows are append-only")


def install() -> None:
    """Guard every session; safe to call more than once."""
    if not event.contains(Session, "before_flush", _refuse_deletes_and_rewrites):
        event.listen(Session, "before_flush", _refuse_deletes_and_rewrites)
