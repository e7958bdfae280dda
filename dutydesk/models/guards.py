"""Nothing in dutydesk is ever hard-deleted, and history is never rewritten.

A record that a child was referred must outlive every mistake made after it (the Climbié
Inquiry's files were lost, not merely wrong). So the ORM refuses any DELETE, and any UPDATE
to the append-only tables, before it reaches the database; and the database refuses them too,
through triggers that the migrations make from the statements below.
"""

import re
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from dutydesk.models.audit import AdminChange, ContactEvent, RecordView, SignInAttempt
from dutydesk.models.children import (ChildAddress, ChildEvent, ChildMerge, ChildName, NotSameChild, Period,
                                      RecordsCheck)
from dutydesk.models.governance import (AuditReminder, CaseSignOff, FileAuditFile, FileAuditFinding, MonthlyReport,
                                        MonthlyReportCase)

APPEND_ONLY = (AdminChange, AuditReminder, CaseSignOff, ChildEvent, ContactEvent, FileAuditFile, FileAuditFinding,
               MonthlyReport, MonthlyReportCase, NotSameChild, RecordView, RecordsCheck, SignInAttempt)


@dataclass(frozen=True)
class EndOnly:
    """History whose rows are only ever ended: a row's `ends` columns may be set, once, while the
    first of them (its end date) is empty; nothing else about it ever changes. A child's name or
    address that stops being theirs is ended so, and still finds the child."""

    #: The columns set when the row is ended; the first says whether it has been.
    ends: tuple[str, ...]
    #: Every other column of the table, which never changes.
    fixed: tuple[str, ...]


#: The end-only tables' models, and the columns that end a row.
END_ONLY = {ChildName: Period.END_COLUMNS, ChildAddress: Period.END_COLUMNS,
            ChildMerge: ("undone_at", "undone_by_id", "undo_reason")}


class RecordProtectionError(RuntimeError):
    """Code tried to delete a record or rewrite history."""


def _refuse_deletes_and_rewrites(session: Session, flush_context, instances) -> None:
    if session.deleted:
        names = sorted({type(obj).__name__ for obj in session.deleted})
        raise RecordProtectionError(f"dutydesk never deletes records (tried: {', '.join(names)})")
    rewritten = [obj for obj in session.dirty if isinstance(obj, APPEND_ONLY) and session.is_modified(obj)]
    if rewritten:
        raise RecordProtectionError(f"{type(rewritten[0]).__name__} rows are append-only")
    for obj in session.dirty:
        ends = END_ONLY.get(type(obj))
        if ends is not None and not _is_ending(obj, ends):
            raise RecordProtectionError(f"{type(obj).__name__} rows are only ever ended, never changed")


def _is_ending(obj, ends: tuple[str, ...]) -> bool:
    """Whether the only change to an end-only row is setting its end, and it had none."""
    state = inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed:
        return True
    # The person who ended it may be set through its relationship (ended_by) as well as its column.
    allowed = set(ends) | {rel.key for rel in state.mapper.relationships
                           if all(column.key in ends for column in rel.local_columns)}
    was_ended = state.attrs[ends[0]].history
    return changed <= allowed and not any(value is not None for value in (*was_ended.deleted, *was_ended.unchanged))


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
#: A child's search keys are derived from their record and rebuilt from it (children.search); the
#: duplicates list and the record of its scans are remade wholesale by each scan (children.duplicates).
#: Kept form drafts hold what was typed about a child for its author's convenience only, and are
#: purged by the scheduler once config.FORM_DRAFT_RETENTION_DAYS old (auth/drafts.py): the one
#: deletion of rows holding children's details that dutydesk makes.
PURGEABLE_TABLES = ("child_search_keys", "duplicate_pairs", "duplicate_scans", "form_drafts", "form_submissions",
                    "user_sessions")

_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


def refusal_message(table: str, *, append_only: bool, end_only: bool = False) -> str:
    """What the database says when code tries to delete a record or rewrite history."""
    if end_only:
        return f"dutydesk: {table} rows are only ever ended"
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


def protect_table(dialect: str, table: str, *, append_only: bool, end_only: EndOnly | None = None) -> list[str]:
    """The statements that make the database refuse to delete `table`'s rows (and, if it is
    append-only, to update them; if it is end-only, to update them but to end them once).
    A migration that creates a table of records runs these for it, naming an end-only table's
    columns as they are at that revision."""
    if not _NAME.match(table) or not all(_NAME.match(column) for column in _columns(end_only)):
        raise ValueError(f"not a plain table or column name: {table!r}, {end_only!r}")
    message = refusal_message(table, append_only=append_only, end_only=end_only is not None)
    statements = []
    for operation in _refused_operations(dialect, append_only or end_only is not None):
        name = _trigger_name(table, operation)
        when = _changes_more_than_an_end(dialect, end_only) if operation == "UPDATE" and end_only else ""
        if dialect == "postgresql":
            each = "STATEMENT" if operation == "TRUNCATE" else "ROW"
            when = f" WHEN ({when})" if when else ""
            statements.append(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH {each}{when} "
                              f"EXECUTE FUNCTION {REFUSAL_FUNCTION}('{message}')")
        elif dialect == "sqlite":
            when = f" FOR EACH ROW WHEN {when}" if when else ""
            statements.append(f"CREATE TRIGGER {name} BEFORE {operation} ON {table}{when} "
                              f"BEGIN SELECT RAISE(ABORT, '{message} ({operation} refused)'); END")
        else:
            raise ValueError(f"dutydesk cannot protect records on {dialect}")
    return statements


def _columns(end_only: EndOnly | None) -> tuple[str, ...]:
    return () if end_only is None else end_only.ends + end_only.fixed


def _changes_more_than_an_end(dialect: str, end_only: EndOnly) -> str:
    """An UPDATE that is not the ending of a row not yet ended: the condition its trigger refuses."""
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join([f"OLD.{end_only.ends[0]} IS NOT NULL",
                        *(f"OLD.{column} {differs} NEW.{column}" for column in end_only.fixed)])


def unprotect_table(dialect: str, table: str, *, append_only: bool) -> list[str]:
    """The statements that remove protect_table's triggers (for a migration's downgrade; an
    end-only table's are an append-only table's)."""
    if not _NAME.match(table):
        raise ValueError(f"not a plain table name: {table!r}")
    on = f" ON {table}" if dialect == "postgresql" else ""
    return [f"DROP TRIGGER IF EXISTS {name}{on}" for name in trigger_names(dialect, table, append_only=append_only)]
