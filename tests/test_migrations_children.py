"""The migration that made children's records, run on a database holding the demo, on whichever
database the suite uses (SQLite, or PostgreSQL with TEST_DATABASE_URL): every child on a call
gets a record of their own, with the name, date of birth and address the call gave; calls and
cases follow; down and up again gives the same."""

from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from freezegun import freeze_time
from sqlalchemy import inspect, select, text

from dutydesk import demo
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Child, ContactChild, Referral, Role, Team, User
from dutydesk.models.codes import NameKind
from tests.factories import child_details, create_contact, create_team, create_user

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
CHILDREN_REVISION = "96ac33563c44"
BEFORE = "f6a2b8c4d1e5"
RECORDS_CHECK_REVISION = "a7c3e9d1b2f4"
REFERRAL_RECORD_BEFORE = "d3f7a1c9e5b2"


def what_each_call_said() -> dict[int, tuple]:
    """For each child on a call: their name, date of birth, address, language and need, as the call gave them."""
    return {cc.id: (cc.name if cc.is_name_known else None, cc.date_of_birth, cc.expected_date_of_birth,
                    cc.address, cc.first_language, cc.interpreter_need.value)
            for cc in db.session.scalars(select(ContactChild))}


def what_each_record_says() -> dict[int, tuple]:
    records = {}
    for cc in db.session.scalars(select(ContactChild)):
        child = cc.child
        assert child is not None, f"{cc.display_name} on call {cc.contact.reference} has no record"
        names = [(n.kind, n.full_name, n.given_names, n.family_name) for n in child.names]
        assert len(names) <= 1 and all(kind is NameKind.CURRENT for kind, *_ in names)
        records[cc.id] = (names[0][1] if names else None, child.date_of_birth, child.expected_date_of_birth,
                          child.addresses[0].address if child.addresses else None, child.first_language,
                          child.interpreter_need.value)
    return records


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


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


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_migrated_from_before_childrens_records_gives_each_child_on_a_call_their_record(at_head_afterwards):
    demo.seed()
    # A name and an address not known, and a name typed surname first, as earlier calls may hold.
    duty = create_team("Duty West")
    create_contact(now_utc(), team=duty, by=create_user("hal", (Role.CALL_HANDLER,), duty), children=[
        child_details(name="", is_name_known=False, address="Not known"),
        child_details(name="OKAFOR, Leo James", address="Flat 3, 9 West Green Rd, London n15 5bx")])
    db.session.commit()
    said = what_each_call_said()
    assert len(said) == 11

    migrate(BEFORE)  # the demo, as it would have stood before children's records
    assert not {"children", "child_names", "child_addresses", "child_events"} & table_names()
    assert "child_id" not in {c["name"] for c in inspect(db.engine).get_columns("contact_children")}
    assert db.session.scalar(text("SELECT count(*) FROM contact_children")) == 11

    migrate("head")
    assert what_each_record_says() == {
        cc_id: (name, born, due, None if address == "Not known" else address, language, need)
        for cc_id, (name, born, due, address, language, need) in said.items()}
    assert db.session.scalar(text("SELECT count(*) FROM children")) == 11  # one each: no guessing
    okafor = db.session.scalar(select(ContactChild).where(ContactChild.name == "OKAFOR, Leo James")).child
    assert [(n.given_names, n.family_name) for n in okafor.names] == [("Leo James", "OKAFOR")]
    assert [(a.normalised, a.postcode) for a in okafor.addresses] == [("FLAT 3 9 WEST GREEN ROAD LONDON", "N15 5BX")]
    assert okafor.created_by.username == "hal"
    # Calls and cases follow: every case reaches its child's record through its call's child.
    for referral in db.session.scalars(select(Referral)):
        assert referral.child.child.display_name == referral.child.display_name
    # New records take ids after the migrated ones.
    west = db.session.scalar(select(Team).where(Team.name == "Duty West"))
    later = create_contact(now_utc(), team=west, by=db.session.scalar(select(User).where(User.username == "hal")))
    assert later.children[0].child_id == max(said) + 1
    db.session.commit()
    migrated = what_each_record_says()

    migrate(BEFORE)
    migrate("head")
    assert what_each_record_says() == migrated


def test_the_migration_keeps_the_protection_of_the_table_of_calls_children(at_head_afterwards):
    def triggers():
        if db.engine.dialect.name == "postgresql":
            sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   "WHERE c.relname = 'contact_children' AND NOT t.tgisinternal")
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contact_children'"
        return set(db.session.scalars(text(sql)))

    before = triggers()
    assert "dutydesk_contact_children_no_delete" in before
    migrate(BEFORE)
    assert triggers() == before
    migrate("head")
    assert triggers() == before
    assert db.session.scalar(select(Child.id)) is None


@freeze_time("2026-11-23 11:00:00")
def test_the_merging_migration_goes_down_and_up_on_the_demo_with_its_protection(at_head_afterwards):
    demo.seed()  # with its list of duplicates made
    db.session.commit()
    merging_tables = {"child_merges", "not_same_children", "duplicate_scans", "duplicate_pairs"}
    assert merging_tables <= table_names()
    assert db.session.scalar(text("SELECT count(*) FROM duplicate_pairs")) == 1
    children = db.session.scalar(text("SELECT count(*) FROM children"))
    migrate(RECORDS_CHECK_REVISION)
    assert not merging_tables & table_names()
    assert db.session.scalar(text("SELECT count(*) FROM children")) == children
    migrate("head")
    assert merging_tables <= table_names()
    triggers = ("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = 'child_merges' AND NOT t.tgisinternal") if db.engine.dialect.name == "postgresql" \
        else "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'child_merges'"
    assert db.session.scalar(text(triggers)) >= 2


@freeze_time("2026-11-23 11:00:00")
def test_the_migration_giving_each_referral_its_child_s_record_fills_it_from_the_call_s_child(at_head_afterwards):
    demo.seed()
    db.session.commit()

    def records() -> dict[int, tuple]:
        return {row.id: (row.child_record_id, row.call_child_record) for row in db.session.execute(text(
            "SELECT r.id, r.child_record_id, cc.child_id AS call_child_record "
            "FROM referrals r JOIN contact_children cc ON cc.id = r.child_id"))}

    def triggers() -> int:
        sql = ("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "WHERE c.relname = 'referrals' AND NOT t.tgisinternal") if db.engine.dialect.name == "postgresql" \
            else "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'referrals'"
        return db.session.scalar(text(sql))

    made = records()
    assert made and all(record is not None and record == call_child for record, call_child in made.values())
    protected = triggers()
    assert protected >= 1
    migrate(REFERRAL_RECORD_BEFORE)
    assert "child_record_id" not in {c["name"] for c in inspect(db.engine).get_columns("referrals")}
    migrate("head")
    assert records() == made
    assert triggers() == protected
