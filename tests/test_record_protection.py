"""The database itself refuses to delete a record or to rewrite history (DESIGN 10), through
triggers made by a migration, on whichever database the suite uses (SQLite or PostgreSQL).
Raw SQL and Core statements never meet the ORM's guard; here they meet the database's."""

import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactEvent, RecordView, Role, SignInAttempt
from dutydesk.models import guards
from dutydesk.models.guards import RecordProtectionError
from tests.factories import create_contact, create_team, create_user, sign_in

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
TRIGGERS_REVISION = "dabd151461ad"


@pytest.fixture
def call(client):
    """A logged call with its history, whose page a duty worker has opened after signing in."""
    duty = create_team("Duty North")
    create_user("worker", (Role.DUTY_WORKER,), duty)
    contact = create_contact(now_utc(), team=duty)
    db.session.commit()
    sign_in(client, "worker")
    assert client.get(f"/calls/{contact.id}").status_code == 200
    assert count(ContactEvent) > 0 and count(RecordView) == 1 and count(SignInAttempt) == 1
    return contact


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(statement, message: str) -> None:
    with pytest.raises(IntegrityError, match=re.escape(message)):
        db.session.execute(statement)
    db.session.rollback()


def dialect() -> str:
    return db.engine.dialect.name


def triggers() -> set[tuple[str, str]]:
    """(table, trigger) for every trigger on the tests' database."""
    if dialect() == "postgresql":
        sql = "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
    else:
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    return {tuple(row) for row in db.session.execute(text(sql))}


def test_a_raw_sql_delete_of_a_calls_history_is_refused_and_removes_nothing(call):
    events = count(ContactEvent)
    refused(text("DELETE FROM contact_events"), "dutydesk: contact_events rows are append-only (DELETE refused)")
    assert count(ContactEvent) == events


def test_a_raw_sql_update_of_a_record_view_is_refused_and_changes_nothing(call):
    refused(text("UPDATE record_views SET path = '/nowhere'"),
            "dutydesk: record_views rows are append-only (UPDATE refused)")
    assert db.session.scalars(select(RecordView.path)).all() == [f"/calls/{call.id}"]


def test_a_raw_sql_delete_of_sign_in_attempts_is_refused_and_removes_nothing(call):
    refused(text("DELETE FROM sign_in_attempts WHERE username = 'worker'"),
            "dutydesk: sign_in_attempts rows are append-only (DELETE refused)")
    assert count(SignInAttempt) == 1


def test_a_core_delete_of_contacts_is_refused_and_removes_nothing(call):
    refused(delete(Contact), "dutydesk: contacts rows are never deleted (DELETE refused)")
    assert db.session.scalars(select(Contact.id)).all() == [call.id]


def test_emptying_a_table_at_once_is_refused_too_by_truncate_on_postgresql(call):
    # SQLite has no TRUNCATE: its quick way to empty a table is a DELETE with no WHERE clause.
    statement = "TRUNCATE contacts CASCADE" if dialect() == "postgresql" else "DELETE FROM contacts"
    operation = statement.split()[0]
    refused(text(statement), f"dutydesk: contacts rows are never deleted ({operation} refused)")
    assert count(Contact) == 1


def test_history_can_still_be_added_and_records_changed_in_sql(call):
    db.session.execute(insert(ContactEvent).values(contact_id=call.id, at=now_utc(), by_id=call.logged_by_id,
                                                   action="note", summary="Added in SQL"))
    db.session.execute(text("UPDATE contacts SET concern = 'Changed in SQL'"))
    db.session.commit()
    assert db.session.scalar(select(ContactEvent.summary).order_by(ContactEvent.id.desc()).limit(1)) == "Added in SQL"
    assert db.session.scalar(select(Contact.concern)) == "Changed in SQL"


def test_the_orm_still_refuses_a_rewrite_before_the_database_sees_it(call):
    view = db.session.scalar(select(RecordView))
    view.path = "/nowhere"
    with pytest.raises(RecordProtectionError, match="RecordView rows are append-only"):
        db.session.flush()


def test_every_table_but_purgeable_convenience_data_refuses_deletes_and_history_refuses_updates():
    # A migration that creates a table must protect it (or name it in guards.PURGEABLE_TABLES);
    # one that recreates a table on SQLite must protect it again.
    # An end-only table's triggers are named as an append-only table's (its UPDATE trigger refuses
    # every update but the ending of a row).
    append_only = {model.__tablename__ for model in (*guards.APPEND_ONLY, *guards.END_ONLY)}
    expected = {(table.name, name) for table in db.metadata.sorted_tables if table.name not in guards.PURGEABLE_TABLES
                for name in guards.trigger_names(dialect(), table.name, append_only=table.name in append_only)}
    assert triggers() == expected
    assert ("contact_events", "dutydesk_contact_events_no_update") in expected
    assert ("contacts", "dutydesk_contacts_no_delete") in expected
    assert not any(table == "form_drafts" for table, _ in triggers())


def test_the_migrations_downgrade_removes_the_triggers_and_its_upgrade_makes_them_again():
    before = triggers()
    assert before
    db.session.rollback()
    revision = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config(MIGRATIONS))
    try:
        downgrade(directory=MIGRATIONS, revision=revision.get_revision(TRIGGERS_REVISION).down_revision)
        assert triggers() == set()
        if dialect() == "postgresql":
            assert db.session.scalar(text(f"SELECT count(*) FROM pg_proc WHERE proname = '{guards.REFUSAL_FUNCTION}'")) == 0
        db.session.rollback()
    finally:
        upgrade(directory=MIGRATIONS)
    assert triggers() == before


def test_a_merge_is_only_ever_undone_once_a_not_the_same_child_is_never_changed_and_the_duplicates_list_is_remade(call):
    from datetime import timedelta

    from dutydesk.children import duplicates, merging
    from dutydesk.models import ChildMerge, DuplicatePair, NotSameChild, User

    worker = db.session.scalar(select(User).where(User.username == "worker"))
    other = create_contact(now_utc(), team=call.team).children[0].child
    record = call.children[0].child
    merging.merge_children(other, into=record, reason="Same child", by=worker, now=now_utc())
    merging.record_not_same_child(record, create_contact(now_utc(), team=call.team).children[0].child,
                                  reason="Twins", by=worker, now=now_utc())
    duplicates.find_duplicates(now_utc())
    db.session.commit()
    refused(text("UPDATE child_merges SET reason = 'rewritten'"), "dutydesk: child_merges rows are only ever ended")
    refused(text("DELETE FROM child_merges"), "dutydesk: child_merges rows are only ever ended (DELETE refused)")
    refused(text("UPDATE not_same_children SET reason = 'x'"),
            "dutydesk: not_same_children rows are append-only (UPDATE refused)")
    refused(text("DELETE FROM not_same_children"), "dutydesk: not_same_children rows are append-only (DELETE refused)")
    later = now_utc() + timedelta(hours=1)
    db.session.execute(text("UPDATE child_merges SET undone_at = :at, undone_by_id = :by, undo_reason = 'Twins'"),
                       {"at": later, "by": worker.id})
    db.session.commit()
    refused(text("UPDATE child_merges SET undo_reason = 'changed my mind'"), "child_merges rows are only ever ended")
    assert db.session.scalar(select(ChildMerge.undo_reason)) == "Twins" and count(NotSameChild) == 1
    # The ORM refuses the same before the database sees it.
    merge = db.session.scalar(select(ChildMerge))
    merge.undone_at = later + timedelta(hours=1)
    with pytest.raises(RecordProtectionError, match="ChildMerge rows are only ever ended, never changed"):
        db.session.flush()
    db.session.rollback()
    # The duplicates list is derived: remade wholesale, it may be emptied.
    db.session.execute(delete(DuplicatePair))
    db.session.commit()
    assert count(DuplicatePair) == 0
