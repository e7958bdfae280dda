"""Logging a call and the duty team's first steps, straight through the operations."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk import rules
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactEvent, Obligation, ObligationKind, Role, TeamKind
from dutydesk.models.codes import ConfirmationMethod, NoReferrerDetailsReason, ReferralSource
from dutydesk.models.guards import RecordProtectionError
from tests.factories import (
    at,
    call_details,
    child_details,
    create_contact,
    create_team,
    create_user,
    obligation_of,
)

RECEIVED = at("2026-11-23 10:00")
K = ObligationKind


@pytest.fixture
def people():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), contact_centre)
    worker = create_user("worker", (Role.DUTY_WORKER,), duty)
    return contact_centre, duty, handler, worker


def log(people, **overrides):
    _, duty, handler, _ = people
    now = overrides.pop("now", RECEIVED + timedelta(minutes=3))
    return calls.log_call(call_details(duty, overrides.pop("received_at", RECEIVED), **overrides),
                          by=handler, now=now)


def kinds(contact):
    return sorted(o.kind.value for o in contact.obligations)


def test_a_plain_call_starts_both_handoff_clocks_and_a_screening_decision(people):
    contact = log(people)
    assert kinds(contact) == ["screening_decision", "verbal_handoff", "written_handoff"]
    assert obligation_of(contact, K.VERBAL_HANDOFF).due_at == RECEIVED + rules.HANDOFF_WITHIN
    assert obligation_of(contact, K.WRITTEN_HANDOFF).due_at == RECEIVED + rules.HANDOFF_WITHIN
    assert obligation_of(contact, K.SCREENING_DECISION).due_at == at("2026-11-24 10:00")


def test_the_verbal_handoff_is_the_call_handlers_and_the_rest_the_duty_teams(people):
    contact_centre, duty, handler, _ = people
    contact = log(people)
    verbal = obligation_of(contact, K.VERBAL_HANDOFF)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    assert (verbal.team, verbal.worker) == (contact_centre, handler)
    assert (written.team, written.worker) == (duty, None)


def test_a_professional_referrer_owes_written_confirmation_within_48_hours(people):
    referrer = calls.ReferrerDetails(name="Dr Ray", address="Surgery", phone="1", is_professional=True,
                                     source=ReferralSource.GP)
    contact = log(people, referrer=referrer)
    assert obligation_of(contact, K.REFERRER_CONFIRMATION).due_at == RECEIVED + timedelta(hours=48)


def test_a_possible_crime_starts_the_police_clock(people):
    contact = log(people, flags=calls.Flags(is_possible_crime=True))
    assert obligation_of(contact, K.POLICE_INFORMED).due_at == RECEIVED + rules.POLICE_INFORMED_WITHIN


def test_alleged_deliberate_harm_starts_a_24_hour_clock_for_each_child(people):
    contact = log(people, flags=calls.Flags(is_deliberate_harm_alleged=True),
                  children=[child_details(name="Leo"), child_details(name="Ava")])
    seen = [o for o in contact.obligations if o.kind is K.CHILD_SEEN]
    assert sorted(o.child.name for o in seen) == ["Ava", "Leo"]
    assert {o.due_at for o in seen} == {RECEIVED + timedelta(hours=24)}
    assert len([o for o in contact.obligations if o.kind is K.SCREENING_DECISION]) == 2


def test_a_child_whose_name_is_not_known_is_recorded_as_such(people):
    contact = log(people, children=[child_details(name="ignored", is_name_known=False)])
    assert contact.children[0].name == ""
    assert contact.children[0].display_name == "Name not known"


def test_a_call_put_through_at_once_has_its_verbal_handoff_met_at_receipt(people):
    _, _, handler, worker = people
    contact = log(people, is_put_through=True, put_through_to=worker)
    verbal = obligation_of(contact, K.VERBAL_HANDOFF)
    assert verbal.met_at == RECEIVED
    assert verbal.met_by == handler
    assert verbal.details["to_worker_name"] == worker.display_name


def test_a_call_not_put_through_needs_the_referrers_details(people):
    with pytest.raises(DomainError, match="referrer's name") as refused:
        log(people, referrer=calls.ReferrerDetails(phone="07700 900123"))
    assert refused.value.field == "referrer_name"
    assert db.session.scalar(select(Contact.id)) is None


def test_a_call_not_put_through_may_record_why_there_are_no_referrer_details(people):
    contact = log(people, referrer=calls.ReferrerDetails(source=ReferralSource.ANONYMOUS),
                  no_referrer_details_reason=NoReferrerDetailsReason.ANONYMOUS)
    assert contact.no_referrer_details_reason is NoReferrerDetailsReason.ANONYMOUS


def test_missing_referrer_details_lists_each_missing_field():
    missing = calls.missing_referrer_details(is_put_through=False, name="A", address="", phone=" ",
                                             no_details_reason=None)
    assert [name for name, _ in missing] == ["referrer_address", "referrer_phone"]
    assert calls.missing_referrer_details(is_put_through=True, name="", address="", phone="",
                                          no_details_reason=None) == []


def test_a_call_cannot_be_received_in_the_future(people):
    with pytest.raises(DomainError, match="now or in the past"):
        log(people, received_at=RECEIVED + timedelta(minutes=10), now=RECEIVED)


def test_a_call_cannot_be_handed_to_the_contact_centre(people):
    contact_centre, _, handler, _ = people
    with pytest.raises(DomainError, match="does not take hand-offs"):
        calls.log_call(call_details(contact_centre, RECEIVED), by=handler, now=RECEIVED)


def test_a_call_cannot_be_put_through_to_a_worker_of_another_team(people):
    stranger = create_user("stranger", (Role.DUTY_WORKER,), create_team("Duty South"))
    with pytest.raises(DomainError, match="not an active duty worker"):
        log(people, is_put_through=True, put_through_to=stranger)


def test_logging_writes_the_first_lines_of_history_the_call_and_the_childs_new_record(people):
    contact = log(people)
    assert [e.action for e in contact.events] == ["logged", "child_record_made"]
    assert "Leo Martin" in contact.events[0].summary
    assert contact.events[1].summary == f"Leo Martin: new child's record {contact.children[0].child.reference}"


def test_recording_the_verbal_handoff_meets_its_clock_once(people):
    _, _, handler, worker = people
    contact = log(people)
    told_at = RECEIVED + timedelta(minutes=20)
    calls.record_verbal_handoff(contact, to=worker, at=told_at, by=handler, now=told_at)
    verbal = obligation_of(contact, K.VERBAL_HANDOFF)
    assert (verbal.met_at, verbal.met_by) == (told_at, handler)
    with pytest.raises(DomainError, match="already recorded"):
        calls.record_verbal_handoff(contact, to=worker, at=told_at, by=handler, now=told_at)


def test_a_verbal_handoff_cannot_be_before_the_call_or_in_the_future(people):
    _, _, handler, worker = people
    contact = log(people)
    with pytest.raises(DomainError, match="after the call was received"):
        calls.record_verbal_handoff(contact, to=worker, at=RECEIVED - timedelta(minutes=1), by=handler,
                                    now=RECEIVED + timedelta(minutes=5))
    with pytest.raises(DomainError, match="now or in the past"):
        calls.record_verbal_handoff(contact, to=worker, at=RECEIVED + timedelta(minutes=9), by=handler,
                                    now=RECEIVED + timedelta(minutes=5))


def test_a_verbal_handoff_must_be_to_a_duty_worker_of_the_team(people):
    _, _, handler, _ = people
    contact = log(people)
    with pytest.raises(DomainError, match="not an active duty worker"):
        calls.record_verbal_handoff(contact, to=handler, at=RECEIVED, by=handler, now=RECEIVED)


def test_accepting_meets_the_written_handoff_and_gives_the_worker_the_teams_clocks(people):
    _, _, handler, worker = people
    contact = log(people, flags=calls.Flags(is_possible_crime=True))
    accepted_at = RECEIVED + timedelta(minutes=61)
    calls.accept_handoff(contact, by=worker, now=accepted_at)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    assert (written.met_at, written.met_by, written.worker) == (accepted_at, worker, worker)
    assert obligation_of(contact, K.POLICE_INFORMED).worker == worker
    assert obligation_of(contact, K.VERBAL_HANDOFF).worker == handler  # still the call handler's
    assert rules.obligation_state(written.due_at, written.met_at, accepted_at) is rules.ObligationState.MET_LATE
    with pytest.raises(DomainError, match="already recorded"):
        calls.accept_handoff(contact, by=worker, now=accepted_at)


def test_only_a_duty_worker_of_the_team_can_accept(people):
    _, _, handler, _ = people
    contact = log(people)
    with pytest.raises(DomainError, match="Only a duty worker"):
        calls.accept_handoff(contact, by=handler, now=RECEIVED)
    inactive = create_user("leaver", (Role.DUTY_WORKER,), contact.team, is_active=False)
    with pytest.raises(DomainError, match="Only a duty worker"):
        calls.accept_handoff(contact, by=inactive, now=RECEIVED)


def test_police_informed_records_who_when_and_the_reference(people):
    _, _, _, worker = people
    contact = log(people, flags=calls.Flags(is_possible_crime=True))
    told = RECEIVED + timedelta(minutes=30)
    calls.record_police_informed(contact, informed_at=told, officer="DC Hale", police_reference="CAD 1/26",
                                 by=worker, now=told)
    police = obligation_of(contact, K.POLICE_INFORMED)
    assert police.met_at == told
    assert police.details == {"officer": "DC Hale", "police_reference": "CAD 1/26"}
    assert "CAD 1/26" in contact.events[-1].summary


def test_police_informed_needs_a_reference(people):
    _, _, _, worker = people
    contact = log(people, flags=calls.Flags(is_possible_crime=True))
    with pytest.raises(DomainError, match="police reference"):
        calls.record_police_informed(contact, informed_at=RECEIVED, officer="DC Hale", police_reference=" ",
                                     by=worker, now=RECEIVED)


def test_a_call_without_a_possible_crime_has_no_police_clock_to_record(people):
    _, _, _, worker = people
    contact = log(people)
    with pytest.raises(DomainError, match="no 'Police informed'"):
        calls.record_police_informed(contact, informed_at=RECEIVED, officer="DC", police_reference="1",
                                     by=worker, now=RECEIVED)


def test_the_referrers_confirmation_records_how_and_the_reference(people):
    _, _, _, worker = people
    referrer = calls.ReferrerDetails(name="Dr Ray", address="S", phone="1", is_professional=True)
    contact = log(people, referrer=referrer)
    arrived = RECEIVED + timedelta(hours=49)
    calls.record_referrer_confirmation(contact, received_at=arrived, method=ConfirmationMethod.SECURE_EMAIL,
                                       reference="GP-22", reason="Surgery closed for training",
                                       by=worker, now=arrived)
    confirmation = obligation_of(contact, K.REFERRER_CONFIRMATION)
    assert confirmation.details == {"method": "secure_email", "reference": "GP-22"}
    assert confirmation.reason == "Surgery closed for training"
    assert rules.obligation_state(confirmation.due_at, confirmation.met_at, arrived) is rules.ObligationState.MET_LATE


def test_each_child_is_seen_on_their_own_clock(people):
    _, _, _, worker = people
    contact = log(people, flags=calls.Flags(is_deliberate_harm_alleged=True),
                  children=[child_details(name="Leo"), child_details(name="Ava")])
    leo, ava = contact.children
    seen = RECEIVED + timedelta(hours=3)
    calls.record_child_seen(contact, leo, seen_at=seen, seen_by=worker, is_seen_alone=True, is_spoken_to=False,
                            by=worker, now=seen)
    leo_seen = obligation_of(contact, K.CHILD_SEEN, leo)
    assert (leo_seen.met_at, leo_seen.is_child_seen_alone, leo_seen.is_child_spoken_to) == (seen, True, False)
    assert obligation_of(contact, K.CHILD_SEEN, ava).met_at is None


def test_a_reason_can_be_recorded_while_the_clock_runs(people):
    _, _, _, worker = people
    contact = log(people, flags=calls.Flags(is_deliberate_harm_alleged=True))
    seen = obligation_of(contact, K.CHILD_SEEN)
    calls.record_obligation_reason(seen, reason="Family moved; police tracing them", by=worker,
                                   now=RECEIVED + timedelta(hours=20))
    assert seen.reason == "Family moved; police tracing them"
    assert seen.met_at is None
    assert contact.events[-1].action == "reason"


def test_nothing_is_ever_hard_deleted(people):
    contact = log(people)
    db.session.commit()
    db.session.delete(contact)
    with pytest.raises(RecordProtectionError, match="never deletes"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Contact, contact.id) is not None


def test_history_cannot_be_rewritten(people):
    log(people)
    db.session.commit()
    event = db.session.scalar(select(ContactEvent))
    event.summary = "Nothing happened"
    with pytest.raises(RecordProtectionError, match="append-only"):
        db.session.flush()


def test_a_factory_contact_is_stored_with_its_obligations():
    contact = create_contact(RECEIVED)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(Obligation.id))) == len(contact.obligations) == 3
