"""A child's names and addresses are history: only ever ended, never changed or deleted, by the
ORM and by the database itself (on whichever database the suite uses); records are never
deleted and their history is append-only."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from dutydesk.extensions import db
from dutydesk.models import Child, ChildAddress, ChildEvent, ChildName, Role, User
from dutydesk.models.codes import NameKind
from dutydesk.models.guards import RecordProtectionError
from dutydesk.children import operations
from tests.factories import at, create_contact, create_team, create_user

RECEIVED = at("2026-11-23 10:00")


@pytest.fixture
def child():
    worker = create_user("worker", (Role.DUTY_WORKER,), create_team("Duty North"))
    contact = create_contact(RECEIVED, team=worker.team)
    record = contact.children[0].child
    operations.add_name(record, kind=NameKind.ALIAS, full_name="Leon Martin", by=worker, now=RECEIVED)
    db.session.commit()
    return record


def refused(statement, message: str) -> None:
    with pytest.raises(IntegrityError, match=re.escape(message)):
        db.session.execute(text(statement))
    db.session.rollback()


def test_the_orm_refuses_to_rewrite_a_name_or_an_address(child):
    child.names[0].full_name = "Leonard Martin"
    with pytest.raises(RecordProtectionError, match="ChildName rows are only ever ended, never changed"):
        db.session.flush()
    db.session.rollback()
    child.addresses[0].normalised = "ELSEWHERE"
    with pytest.raises(RecordProtectionError, match="ChildAddress rows are only ever ended"):
        db.session.flush()


def test_the_orm_lets_a_name_be_ended_once_and_never_again(child):
    name = child.names[0]
    name.to_date, name.ended_at, name.ended_by_id = date(2026, 11, 20), RECEIVED, child.created_by_id
    db.session.commit()
    name.to_date = date(2026, 11, 21)
    with pytest.raises(RecordProtectionError, match="only ever ended"):
        db.session.flush()


def test_the_database_refuses_to_change_a_name_or_address_in_sql_but_lets_it_be_ended(child):
    refused("UPDATE child_names SET full_name = 'Leonard'",
            "dutydesk: child_names rows are only ever ended (UPDATE refused)")
    refused("UPDATE child_addresses SET address = 'Elsewhere'", "dutydesk: child_addresses rows are only ever ended")
    refused("DELETE FROM child_names", "dutydesk: child_names rows are only ever ended (DELETE refused)")
    db.session.execute(update(ChildName).where(ChildName.kind == NameKind.ALIAS).values(to_date=date(2026, 11, 20)))
    db.session.commit()
    assert db.session.scalar(select(ChildName.to_date).where(ChildName.kind == NameKind.ALIAS)) == date(2026, 11, 20)
    refused("UPDATE child_names SET to_date = NULL WHERE kind = 'alias'", "child_names rows are only ever ended")
    refused("UPDATE child_names SET ended_at = NULL WHERE kind = 'alias'", "child_names rows are only ever ended")


def test_the_database_refuses_to_delete_a_childs_record_or_rewrite_its_history(child):
    worker = db.session.scalar(select(User).where(User.username == "worker"))
    operations.add_address(child, address="2 Bruce Grove, London N17 6RA", by=worker, now=RECEIVED + timedelta(hours=1))
    db.session.commit()
    refused("DELETE FROM children", "dutydesk: children rows are never deleted (DELETE refused)")
    refused("UPDATE child_events SET summary = 'nothing'",
            "dutydesk: child_events rows are append-only (UPDATE refused)")
    refused("DELETE FROM child_addresses", "dutydesk: child_addresses rows are only ever ended (DELETE refused)")
    assert db.session.scalar(select(Child.id)) == child.id
    assert len(db.session.scalars(select(ChildEvent)).all()) == 2 and len(child.addresses) == 2
    assert db.session.scalar(select(ChildAddress.postcode).order_by(ChildAddress.id.desc()).limit(1)) == "N17 6RA"
