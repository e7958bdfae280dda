"""The migration that lets a line of a call's history name the child it is about, on whichever
database the suite uses: added and removed in place, so that contact_events stays append-only,
and the lines written before it keep no child of their own."""

from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import ContactEvent
from tests.factories import create_contact, create_team

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
REVISION = "e08222ac41cc"
BEFORE = "a7c3e9d1b2f4"


def triggers() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "WHERE c.relname = 'contact_events' AND NOT t.tgisinternal")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contact_events'"
    return set(db.session.scalars(text(sql)))


def columns() -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("contact_events")}


def migrate(revision: str) -> None:
    db.session.rollback()
    db.session.remove()
    if revision == "head":
        upgrade(directory=MIGRATIONS)
    else:
        downgrade(directory=MIGRATIONS, revision=revision)


@pytest.fixture
def at_head_afterwards():
    yield
    migrate("head")


def test_the_childs_column_comes_and_goes_in_place_and_the_history_stays_append_only(at_head_afterwards):
    contact = create_contact(now_utc(), team=create_team("Duty North"))
    db.session.commit()
    assert {line.contact_child_id for line in contact.events} == {None, contact.children[0].id}
    lines = len(contact.events)
    before = triggers()
    assert {"dutydesk_contact_events_no_update", "dutydesk_contact_events_no_delete"} <= before

    migrate(BEFORE)
    assert "contact_child_id" not in columns() and triggers() == before
    assert db.session.scalar(text("SELECT count(*) FROM contact_events")) == lines

    migrate("head")
    assert "contact_child_id" in columns() and triggers() == before
    assert db.session.scalars(select(ContactEvent.contact_child_id)).all() == [None] * lines
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE contact_events SET contact_child_id = NULL"))
    db.session.rollback()
