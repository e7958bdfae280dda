"""R45: a manager reads, reviews and signs a case file: recorded on it (who, when, a note), listed on
the case page, in the child's chronology, and shown as each audited file's last sign-off."""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from dutydesk.cases import operations as cases
from dutydesk.children.chronology import ChronologyKind, list_chronology
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.governance import operations
from dutydesk.models import CaseSignOff, RecordView
from tests.factories import at, post_form, sign_in

from .conftest import refer

NOW = at("2026-11-23 15:00")


@pytest.fixture
def kai(world):
    referral = refer(world, "Kai Brown", at("2026-11-16 10:00"))
    cases.allocate_case(referral, to=world.worker, by=world.manager, now=at("2026-11-16 11:00"))
    db.session.commit()
    return referral


def test_a_manager_signs_the_case_file_on_the_case_page_and_it_is_listed_there_with_who_when_and_the_note(
        world, kai, client):
    sign_in(client, "manager")
    with freeze_time(NOW):
        page = client.get(f"/cases/{kai.id}").get_data(as_text=True)
        assert "No manager has signed off this case file yet." in page and 'id="sign-off"' in page
        signed = post_form(client, f"/cases/{kai.id}/sign-off",
                           {"note": "Read with Wes: the plan is clear; visit the school this week."})
        assert signed.headers["Location"] == f"/cases/{kai.id}#sign-offs"
        page = client.get(f"/cases/{kai.id}").get_data(as_text=True)
    assert "You have signed off the case file of Kai Brown" in page
    assert "15:00 on 23 Nov 2026" in page and "Maya Patel" in page
    assert "Read with Wes: the plan is clear; visit the school this week." in page
    [sign_off] = db.session.scalars(select(CaseSignOff)).all()
    assert (sign_off.referral_id, sign_off.signed_by_id, sign_off.signed_at) == (kai.id, world.manager.id, NOW)
    assert db.session.scalar(select(RecordView.path).where(RecordView.path == f"/cases/{kai.id}/sign-off"))


def test_the_sign_off_is_in_the_childs_chronology_with_who_and_the_note(world, kai):
    operations.sign_off_case(kai, note="Plan reviewed; no actions", by=world.senior, now=NOW)
    db.session.commit()
    [event] = list_chronology([kai.child_id], kinds=[ChronologyKind.SIGN_OFF])
    assert (event.at, event.summary, event.by, event.details, event.referral_id) == (
        NOW, "Case file read and signed off by Simon Reid", "Simon Reid", "Plan reviewed; no actions", kai.id)
    kinds = [event.kind for event in list_chronology([kai.child_id])]
    assert kinds[-1] is ChronologyKind.SIGN_OFF  # after the allocation it reviewed


def test_the_chronology_page_shows_the_sign_off(world, kai, client):
    operations.sign_off_case(kai, note="Plan reviewed; no actions", by=world.manager, now=NOW)
    db.session.commit()
    sign_in(client, "worker")
    html = client.get(f"/calls/{kai.contact_id}/children/{kai.child_id}/chronology").get_data(as_text=True)
    assert "Case file read and signed off by Maya Patel" in html and "Plan reviewed; no actions" in html
    assert "Manager&#39;s sign-off" in html  # offered as a kind to filter by


def test_an_empty_note_is_refused_beside_the_field_and_nothing_is_signed(world, kai, client):
    sign_in(client, "manager")
    response = post_form(client, f"/cases/{kai.id}/sign-off", {"note": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter what you read and any actions for the worker" in html
    assert db.session.scalar(select(CaseSignOff)) is None


def test_the_manager_who_holds_the_case_cannot_sign_off_their_own_file(world, kai):
    cases.allocate_case(kai, to=world.manager, by=world.manager, now=NOW - timedelta(hours=1))
    with pytest.raises(DomainError, match="You hold this case: another manager reads and signs off its file"):
        operations.sign_off_case(kai, note="Mine", by=world.manager, now=NOW)


def test_a_worker_and_another_teams_manager_cannot_sign_off(world, kai, client):
    sign_in(client, "worker")
    assert 'id="sign-off"' not in client.get(f"/cases/{kai.id}").get_data(as_text=True)
    assert post_form(client, f"/cases/{kai.id}/sign-off", {"note": "Read"}).status_code == 403
    other = client.application.test_client()
    sign_in(other, "south")
    assert 'id="sign-off"' not in other.get(f"/cases/{kai.id}").get_data(as_text=True)
    refused = post_form(other, f"/cases/{kai.id}/sign-off", {"note": "Read"})
    assert refused.status_code == 403 and "held by Duty North" in refused.get_data(as_text=True)
    assert db.session.scalar(select(CaseSignOff)) is None


def test_a_sign_off_is_never_changed_nor_deleted_in_the_database(world, kai):
    operations.sign_off_case(kai, note="Read", by=world.manager, now=NOW)
    db.session.commit()
    for statement in ("UPDATE case_sign_offs SET note = 'Changed'", "DELETE FROM case_sign_offs"):
        with pytest.raises(IntegrityError, match="case_sign_offs rows are append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(CaseSignOff.note)) == "Read"


def test_the_audit_shows_each_files_last_sign_off(world, kai, client):
    operations.sign_off_case(kai, note="First", by=world.manager, now=at("2026-11-17 10:00"))
    operations.sign_off_case(kai, note="Second", by=world.senior, now=at("2026-11-20 10:00"))
    audit = operations.draw_audit(date(2026, 10, 1), size=1, by=world.senior, now=NOW)
    db.session.commit()
    sign_in(client, "senior")
    html = client.get(f"/file-audits/{audit.id}").get_data(as_text=True)
    assert "10:00 on 20 Nov 2026<br><span class=\"govuk-body-s\">by Simon Reid" in html
