"""Children's records through their operations: made by logging a call, linked by later calls,
names and addresses added and ended, details corrected; each change in the record's history."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from dutydesk.access import AccessRefused, may_change
from dutydesk.cases import operations as cases
from dutydesk.children import operations
from dutydesk.children.search import find_children, query_for_call
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Child, ChildEvent, ContactEvent, Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import Disability, Ethnicity, InterpreterNeed, NameKind, Sex
from tests.factories import at, child_details, create_contact, create_team, create_user

RECEIVED = at("2026-11-23 10:00")
NOW = RECEIVED + timedelta(hours=1)


@pytest.fixture
def people():
    centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                            create_team("Duty South"))
    return {"handler": create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole"),
            "worker": create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo"),
            "tom": create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Evans"),
            "senior": create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid"),
            "north": north, "south": south}


def call_about(people, received=RECEIVED, team="north", **child):
    return create_contact(received, team=people[team], by=people["handler"], children=[child_details(**child)])


def events(contact) -> list[str]:
    return [event.summary for event in contact.events]


def test_logging_a_call_makes_each_child_a_record_with_their_name_address_and_details(people):
    contact = create_contact(RECEIVED, team=people["north"], by=people["handler"], children=[
        child_details(name="Anna van der Berg", date_of_birth=date(2018, 11, 2), approximate_age=None,
                      address="Flat 4, 12 Somerset Gdns., London n178jx", first_language=" French ",
                      interpreter_need=InterpreterNeed.NEEDED),
        child_details(name="", is_name_known=False, address="not known", approximate_age=2)])
    anna, unknown = (cc.child for cc in contact.children)
    assert anna is not unknown and db.session.scalar(select(func.count()).select_from(Child)) == 2
    assert [(n.kind, n.full_name, n.given_names, n.family_name, n.to_date) for n in anna.names] == [
        (NameKind.CURRENT, "Anna van der Berg", "Anna", "van der Berg", None)]
    assert [(a.address, a.normalised, a.postcode) for a in anna.addresses] == [
        ("Flat 4, 12 Somerset Gdns., London n178jx", "FLAT 4 12 SOMERSET GARDENS LONDON", "N17 8JX")]
    assert (anna.date_of_birth, anna.sex, anna.ethnicity, anna.disabilities, anna.upn) == (
        date(2018, 11, 2), Sex.UNKNOWN, None, None, None)
    assert (anna.first_language, anna.interpreter_need) == ("French", InterpreterNeed.NEEDED)
    assert (anna.created_by.username, anna.created_at) == ("handler", RECEIVED)
    # A name and an address not known stay unknown: no name, no address, "Name not known".
    assert (unknown.names, unknown.addresses, unknown.display_name) == ([], [], "Name not known")
    assert events(contact)[1:] == [f"Anna van der Berg: new child's record {anna.reference}",
                                   f"Name not known: new child's record {unknown.reference}"]


def test_a_call_linked_to_a_known_child_adds_what_it_says_and_its_history_says_what_the_check_found(people):
    first = call_about(people, name="Anna Kouao", approximate_age=None, date_of_birth=None,
                       address="Flat 4, 12 Somerset Gardens, London N17 8JX", first_language="")
    anna = first.children[0].child
    later = call_about(people, RECEIVED + timedelta(days=2), team="south", name="Ana Kouao",
                       date_of_birth=date(2018, 11, 2), approximate_age=None, first_language="French",
                       address="flat 4 12 Somerset Gdns London N17 8JX", record=anna,
                       check=find_children(query_for_call("Ana Kouao", date(2018, 11, 2),
                                                          "flat 4 12 Somerset Gdns London N17 8JX")))
    assert later.children[0].child is anna and db.session.scalar(select(func.count()).select_from(Child)) == 1
    assert [(n.kind, n.full_name) for n in anna.names] == [(NameKind.CURRENT, "Anna Kouao"),
                                                           (NameKind.ALIAS, "Ana Kouao")]
    assert len(anna.addresses) == 1  # the same address, written differently: not added again
    assert (anna.date_of_birth, anna.first_language) == (date(2018, 11, 2), "French")
    assert events(later)[-1] == (f"Ana Kouao: Linked to {anna.reference}, matched on similar first name "
                                 "(Ana / Anna), same surname, same address, same postcode")
    history = db.session.scalars(select(ChildEvent.summary).where(ChildEvent.child_id == anna.id)).all()
    assert history == [f"Call {later.reference} linked; added the name Ana Kouao, the date of birth, "
                       "the first language French"]


def test_a_child_already_linked_is_not_linked_again_nor_given_a_second_record(people):
    contact = call_about(people)
    child = contact.children[0]
    other = call_about(people, name="Mia Novak").children[0].child
    with pytest.raises(DomainError, match="already linked"):
        operations.link_child(child, other, by=people["worker"], now=NOW)
    with pytest.raises(DomainError, match="already linked"):
        operations.create_child_from(child, by=people["worker"], now=NOW)


def test_a_new_current_name_ends_the_one_it_replaces_and_an_alias_is_added_beside_them(people):
    child = call_about(people, name="Leo Martin").children[0].child
    operations.add_name(child, kind=NameKind.ALIAS, full_name="Leon Martin", by=people["worker"], now=NOW)
    operations.add_name(child, kind=NameKind.CURRENT, full_name="Leo Okafor", from_date=date(2026, 11, 1),
                        family_name="Okafor", by=people["worker"], now=NOW)
    assert child.display_name == "Leo Okafor"
    assert [n.full_name for n in child.current_names] == ["Leo Okafor", "Leon Martin"]
    [former] = child.former_names
    assert (former.full_name, former.to_date, former.ended_by.username) == ("Leo Martin", date(2026, 11, 1), "worker")
    assert [e.summary for e in db.session.scalars(select(ChildEvent).order_by(ChildEvent.id))] == [
        "Name added: Leon Martin (other spelling or alias)",
        "Name added: Leo Okafor (legal or current name, from 1 November 2026)"]


@pytest.mark.parametrize(("values", "message"), [
    (dict(full_name="  "), "Enter the name"),
    (dict(full_name="not known"), "Enter the name"),
    (dict(full_name="Leo", from_date=date(2026, 11, 24)), "cannot be in the future"),
    (dict(full_name="Leo", from_date=date(2026, 11, 2), to_date=date(2026, 11, 1)), "until cannot be before"),
    (dict(full_name="leo martin"), "already on the record"),
])
def test_a_name_that_cannot_be_right_is_refused_with_what_to_do(people, values, message):
    child = call_about(people).children[0].child
    with pytest.raises(DomainError, match=message):
        operations.add_name(child, kind=NameKind.CURRENT, by=people["worker"], now=NOW, **values)


def test_an_ended_name_or_address_stays_on_the_record_and_cannot_be_ended_twice(people):
    child = call_about(people).children[0].child
    name, address = child.names[0], child.addresses[0]
    operations.end_name(name, on=date(2026, 11, 20), by=people["worker"], now=NOW)
    operations.end_address(address, on=date(2026, 11, 21), by=people["worker"], now=NOW)
    db.session.commit()
    assert (name.to_date, address.to_date, child.display_name) == (date(2026, 11, 20), date(2026, 11, 21),
                                                                   "Name not known")
    assert child.former_names == [name] and child.addresses == [address]
    with pytest.raises(DomainError, match="already says the name Leo Martin ended on 20 November 2026"):
        operations.end_name(name, on=date(2026, 11, 22), by=people["worker"], now=NOW)
    with pytest.raises(DomainError, match="cannot be in the future"):
        operations.end_address(operations.add_address(child, address="2 Bruce Grove, N17 6RA", by=people["worker"],
                                                      now=NOW), on=date(2026, 11, 24), by=people["worker"], now=NOW)


def test_correcting_the_details_records_each_change_from_what_to_what(people):
    child = call_about(people).children[0].child
    changes = operations.correct_details(child, sex=Sex.FEMALE, ethnicity=Ethnicity.AFRICAN,
                                         disabilities=[Disability.HEARING, Disability.AUTISM], upn="b801 2000 05001",
                                         by=people["worker"], now=NOW)
    assert changes == ["Sex: Not known, not recorded, or unborn → Female", "Ethnicity: not yet known → African",
                       "Disability: not yet known → Autism, Hearing", "UPN: none → B801200005001"]
    assert (child.sex, child.ethnicity, child.disabilities, child.upn) == (Sex.FEMALE, Ethnicity.AFRICAN,
                                                                           ["AUT", "HEAR"], "B801200005001")
    assert db.session.scalar(select(ChildEvent.summary)) == "; ".join(changes)
    with pytest.raises(DomainError, match="Nothing was changed"):
        operations.correct_details(child, sex=Sex.FEMALE, ethnicity=Ethnicity.AFRICAN,
                                   disabilities=[Disability.AUTISM, Disability.HEARING], upn="B801200005001",
                                   by=people["worker"], now=NOW)


@pytest.mark.parametrize(("upn", "problem"), [
    ("A801200005001", "first letter does not match"),  # B is its check letter
    ("B80120000500", "13 characters: this has 12"),
    ("X80120000A001", "a letter, 11 digits, then a digit or a letter"),
    (None, None),
])
def test_a_upn_is_checked_by_its_check_letter(people, upn, problem):
    child = call_about(people).children[0].child
    if upn is None:  # valid: a temporary UPN (ending in a letter), and one of an authority made since 2011
        for valid in ("M80120000500A", "E000200005001"):
            operations.correct_details(child, sex=Sex.UNKNOWN, ethnicity=None, disabilities=None, upn=valid,
                                       by=people["worker"], now=NOW)
            assert child.upn == valid
        return
    with pytest.raises(DomainError, match=problem) as refused:
        operations.correct_details(child, sex=Sex.UNKNOWN, ethnicity=None, disabilities=None, upn=upn,
                                   by=people["worker"], now=NOW)
    assert refused.value.field == "upn"


def test_no_disability_cannot_be_chosen_with_a_disability(people):
    child = call_about(people).children[0].child
    with pytest.raises(DomainError, match="'No disability', or the child's disabilities: not both"):
        operations.correct_details(child, sex=Sex.MALE, ethnicity=None, upn="",
                                   disabilities=[Disability.NONE, Disability.VISION], by=people["worker"], now=NOW)


def test_the_teams_holding_a_childs_open_work_change_their_record_and_once_it_is_closed_any_duty_team(people):
    contact = call_about(people)
    child = contact.children[0].child
    worker, tom, senior = people["worker"], people["tom"], people["senior"]
    assert may_change(worker, child) and may_change(senior, child) and not may_change(tom, child)
    with pytest.raises(AccessRefused, match="held by Duty North. Only members of Duty North or a senior manager"):
        operations.add_name(child, kind=NameKind.ALIAS, full_name="Leon", by=tom, now=NOW)
    # Everything about the call done, and no further action: no team holds the child now.
    calls.record_verbal_handoff(contact, to=worker, at=RECEIVED + timedelta(minutes=5), by=people["handler"],
                                now=RECEIVED + timedelta(minutes=5))
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=10))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Explained by the GP", by=worker, now=NOW)
    assert may_change(tom, child)
    operations.add_name(child, kind=NameKind.ALIAS, full_name="Leon", by=tom, now=NOW)


def test_a_case_held_by_another_team_makes_that_team_the_holder(people):
    contact = call_about(people)
    worker = people["worker"]
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call", by=worker, now=NOW)
    referral = cases.get_referral(contact.children[0])
    transfer = cases.request_transfer(referral, to_team=people["south"], reason="Moved", by=worker, now=NOW)
    cases.accept_transfer(transfer, by=create_user("sue", (Role.DUTY_MANAGER,), people["south"]), now=NOW)
    assert may_change(people["tom"], contact.children[0].child)


def test_whether_an_interpreter_was_used_is_recorded_and_a_needed_one_not_used_needs_a_reason(people):
    contact = call_about(people, interpreter_need=InterpreterNeed.NEEDED, first_language="Tigrinya")
    child, worker = contact.children[0], people["worker"]
    assert child.interpreter_use == "Not recorded"
    with pytest.raises(DomainError, match="Leo Martin needs an interpreter: say why none was used") as refused:
        calls.record_interpreter_use(child, is_used=False, reason=" ", by=worker, now=NOW)
    assert refused.value.field == "reason"
    calls.record_interpreter_use(child, is_used=False, reason="None free for Tigrinya until tomorrow", by=worker,
                                 now=NOW)
    assert (child.is_interpreter_used, child.interpreter_use, child.interpreter_recorded_by) == (
        False, "No: None free for Tigrinya until tomorrow", worker)
    calls.record_interpreter_use(child, is_used=True, reason="ignored", by=worker, now=NOW + timedelta(days=1))
    assert (child.interpreter_use, child.interpreter_not_used_reason) == ("Yes", "")
    assert [e.summary for e in contact.events if e.action == "interpreter"] == [
        "Leo Martin: interpreter not used (None free for Tigrinya until tomorrow)", "Leo Martin: interpreter used"]
    with pytest.raises(AccessRefused):
        calls.record_interpreter_use(child, is_used=True, reason="", by=people["tom"], now=NOW)


def test_the_call_history_counts_each_record_made_once(people):
    contact = call_about(people)
    assert db.session.scalar(select(func.count()).select_from(ContactEvent)
                             .where(ContactEvent.action == "child_record_made")) == 1
    assert contact.children[0].child.contact_children == [contact.children[0]]
