"""Nothing in dutydesk is ever hard-deleted, and history is never rewritten.

A record that a child was referred must outlive every mistake made after it (the Climbié
Inquiry's files were lost, not merely wrong). So the ORM refuses any DELETE, and any UPDATE
to the append-only tables, before it reaches the database; and the database refuses them too,
through triggers that the migrations make from the statements below.
"""

import re

from sqlalchemy import event
from sqlalchemy.orm import Session

from dutydesk.models.audit import AdminChange, ContactEvent, RecordView, SignInAttempt

APPEND_ONLY = (AdminChange, ContactEvent, RecordView, SignInAttempt)


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


# The same promise kept by the database itself, against a Core `delete()` or raw SQL: triggers,
# made by the migrations from the statements below (one home for their text, which the tests
# use too). On PostgreSQL every trigger calls one function, which raises the message it is given
# with SQLSTATE 23001 (restrict_violation); on SQLite each trigger raises its message with
# RAISE(ABORT). Both reach Python as an IntegrityError. There is no switch that turns them off:
# on PostgreSQL only a superuser can stop triggers (session_replication_role), and the
# application should not connect as one.

REFUSAL_FUNCTION = "dutydesk_refuse"

#: Tables of data kept only for convenience, which may be purged; every other table is guarded.
#: Sessions are ended, not deleted, when someone signs out; an ended session is of no use to
#: anyone and may be purged later. A form's claimed token matters only while the form can still
#: be posted again (core/submissions.py).
PURGEABLE_TABLES = ("form_drafts", "form_submissions", "user_sessions")

_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


def refusal_message(table: str, *, append_only: bool) -> str:
    """What the database says when code tries to delete a record or rewrite history."""
    return f"dutydesk: {table} rows are {'append-only' if append_only else 'never deleted'}"


def create_refusal_function(dialect: str) -> list[str]:
    """The function every PostgreSQL trigger calls (SQLite needs none): run before protect_table."""
    if dialect != "postgresql":
        return []
    return [f"""CREATE OR REPLACE FUNCTION {REFUSAL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% (% refused)', TG_ARGV[0], TG_OP USING ERRCODE = 'restrict_violation';
END
$$"""]


def drop_refusal_function(dialect: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {REFUSAL_FUNCTION}()"] if dialect == "postgresql" else []


def _refused_operations(dialect: str, append_only: bool) -> tuple[str, ...]:
    operations = ("UPDATE", "DELETE") if append_only else ("DELETE",)
    return operations + ("TRUNCATE",) if dialect == "postgresql" else operations


def _trigger_name(table: str, operation: str) -> str:
    return f"dutydesk_{table}_no_{operation.lower()}"


def trigger_names(dialect: str, table: str, *, append_only: bool) -> list[str]:
    """The names of the triggers that protect_table makes."""
    return [_trigger_name(table, operation) for operation in _refused_operations(dialect, append_only)]


def protect_table(dialect: str, table: str, *, append_only: bool) -> list[str]:
    """The statements that make the database refuse to delete `table`'s rows (and, if it is
    append-only, to update them). A migration that creates a table of records runs these for it."""
    if not _NAME.match(table):
        raise ValueError(f"not a plain table name: {table!r}")
    message = refusal_message(table, append_only=append_only)
    statements = []
    for operation in _refused_operations(dialect, append_only):
        name = _trigger_name(table, operation)
        if dialect == "postgresql":
            each = "STATEMENT" if operation == "TRUNCATE" else "ROW"
            statements.append(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH {each} "
                              f"EXECUTE FUNCTION {REFUSAL_FUNCTION}('{message}')")
        elif dialect == "sqlite":
            statements.append(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                              f"BEGIN SELECT RAISE(ABORT, '{message} ({operation} refused)'); END")
        else:
            raise ValueError(f"dutydesk cannot protect records on {dialect}")
    return statements


def unprotect_table(dialect: str, table: str, *, append_only: bool) -> list[str]:
    """The statements that remove protect_table's triggers (for a migration's downgrade)."""
    if not _NAME.match(table):
        raise ValueError(f"not a plain table name: {table!r}")
    on = f" ON {table}" if dialect == "postgresql" else ""
    return [f"DROP TRIGGER IF EXISTS {name}{on}" for name in trigger_names(dialect, table, append_only=append_only)]
