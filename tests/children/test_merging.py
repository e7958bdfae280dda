"""Merging two records found to be the same child, and undoing the merge (R2.5): both keep every
history, nothing is moved or deleted, and every question about the child is asked of both."""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.access import AccessRefused
from dutydesk.children import merging, queries
from dutydesk.children.chronology import list_chronology
from dutydesk.children.matching import ChildQuery
from dutydesk.children.search import find_children
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import (Child, ChildAddress, ChildEvent, ChildMerge, ChildName, ContactChild, RecordView, Role,
                             TeamKind)
from tests.factories import at, child_details, create_contact, create_team, create_user, post_form, sign_in

NOW = "2026-11-23 11:00:00"
BORN = date(2019, 3, 27)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def kouao():
    """Anna Kouao's call in North (a week ago) and Ana Kouao's in South (yesterday): two records."""
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty North"), create_team("Duty South")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre)
    north.manager = create_user("mo", (Role.DUTY_MANAGER,), north, display_name="Mo Patel")
    south.manager = create_user("sol", (Role.DUTY_MANAGER,), south, display_name="Sol Grant")
    create_user("sara", (Role.SENIOR_MANAGER,), None, display_name="Sara Reid")
    create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    home = "Flat 2, 14 Somerset Road, London N17 9EJ"
    anna = create_contact(at("2026-11-16 10:00"), team=north, by=handler, children=[
        child_details(name="Anna Kouao", date_of_birth=BORN, address=home, approximate_age=None)])
    ana = create_contact(at("2026-11-22 10:00"), team=south, by=handler, children=[
        child_details(name="Ana Kouao", date_of_birth=BORN, address="14 Somerset Rd, N17 9EJ", approximate_age=None)])
    db.session.commit()
    return anna.children[0].child, ana.children[0].child


def user(username):
    from dutydesk.models import User

    return db.session.scalar(select(User).where(User.username == username))


def merge(anna, ana, by="sara", reason="Same date of birth and home; the school confirmed one pupil"):
    done = merging.merge_children(ana, into=anna, reason=reason, by=user(by), now=at(NOW))
    db.session.commit()
    return done


@freeze_time(NOW)
def test_a_merge_points_the_record_at_the_other_keeps_both_histories_and_writes_an_event_on_each(kouao):
    anna, ana = kouao
    rows = {model: count(model) for model in (Child, ChildName, ChildAddress, ContactChild)}
    row = merge(anna, ana)
    assert ana.merged_into_id == anna.id and anna.merged_into_id is None
    assert (row.child_id, row.into_id, row.merged_by.username, row.undone_at) == (ana.id, anna.id, "sara", None)
    assert {model: count(model) for model in rows} == rows  # nothing added, moved or deleted
    assert [cc.child_id for cc in ana.contact_children] == [ana.id]  # Ana's call still points at her record
    assert [name.full_name for name in ana.names] == ["Ana Kouao"] and len(ana.addresses) == 1
    events = {event.child_id: event.summary for event in db.session.scalars(
        select(ChildEvent).where(ChildEvent.action.in_(["record_merged_in", "merged_into"])))}
    assert events[anna.id] == (f"Record {ana.reference} (Ana Kouao) merged into this one: Same date of birth and "
                               "home; the school confirmed one pupil")
    assert events[ana.id].startswith(f"Merged into record {anna.reference} (Anna Kouao)")


@freeze_time(NOW)
def test_undoing_a_merge_separates_the_records_ends_the_merge_with_who_when_why_and_keeps_every_event(kouao):
    anna, ana = kouao
    row = merge(anna, ana)
    merging.undo_merge(ana, reason="Two children: the mother has twins", by=user("sol"),
                       now=at(NOW) + timedelta(hours=1))
    db.session.commit()
    assert ana.merged_into_id is None
    assert (row.undone_at, row.undone_by.username, row.undo_reason) == (
        at(NOW) + timedelta(hours=1), "sol", "Two children: the mother has twins")
    for record in (anna, ana):
        actions = [event.action for event in queries.list_child_events(record.id)]
        assert actions[:2] in (["record_unmerged", "record_merged_in"], ["unmerged", "merged_into"])
    # Merged again later: a new row; the first stays as it was.
    merge(anna, ana)
    assert [(m.id == row.id, m.undone_at is None) for m in db.session.scalars(select(ChildMerge).order_by(
        ChildMerge.id))] == [(True, False), (False, True)]


@freeze_time(NOW)
def test_merges_that_cannot_be_made_are_refused_saying_what_to_do(kouao):
    anna, ana = kouao
    third = create_contact(at("2026-11-20 10:00"), team=anna.contact_children[0].contact.team,
                           children=[child_details(name="Anna Kuao")]).children[0].child
    sara = user("sara")
    with pytest.raises(DomainError, match="is this record: enter the reference of the other record"):
        merging.merge_children(anna, into=anna, reason="x", by=sara, now=at(NOW))
    with pytest.raises(DomainError, match="Say why these are the same child"):
        merging.merge_children(ana, into=anna, reason="  ", by=sara, now=at(NOW))
    merge(anna, ana)
    with pytest.raises(DomainError, match=f"{ana.reference} was itself merged into {anna.reference}: merge "
                                          f"{third.reference} into {anna.reference} instead"):
        merging.merge_children(third, into=ana, reason="x", by=sara, now=at(NOW))
    with pytest.raises(DomainError, match=f"{ana.reference} was already merged into {anna.reference}: to merge it "
                                          "elsewhere, undo that merge first"):
        merging.merge_children(ana, into=third, reason="x", by=sara, now=at(NOW))
    with pytest.raises(DomainError, match="is not merged into another record: there is nothing to undo"):
        merging.undo_merge(anna, reason="x", by=sara, now=at(NOW))
    with pytest.raises(DomainError, match="Say why the merge was wrong"):
        merging.undo_merge(ana, reason="", by=sara, now=at(NOW))


@freeze_time(NOW)
def test_a_manager_of_another_team_may_not_merge_a_record_held_by_a_team_not_theirs(kouao):
    anna, ana = kouao
    with pytest.raises(AccessRefused, match="held by Duty North"):
        merging.merge_children(ana, into=anna, reason="Same child", by=user("sol"), now=at(NOW))


@freeze_time(NOW)
def test_the_record_merged_into_answers_for_both_calls_counts_work_chronology_and_views(kouao):
    anna, ana = kouao
    later = at(NOW)
    assert queries.count_earlier_contacts_and_referrals(anna.id, later).contacts == 1
    assert {work.team.name for work in queries.list_open_work(anna.id)} == {"Duty North"}
    merge(anna, ana)
    assert {call.contact_child.name for call in queries.list_calls(anna.id)} == {"Anna Kouao", "Ana Kouao"}
    assert [call.contact_child.name for call in queries.list_calls(ana.id)] == ["Ana Kouao"]  # its own still
    assert queries.count_earlier_contacts_and_referrals(anna.id, later).contacts == 2
    assert queries.count_earlier_contacts_and_referrals(ana.id, later).contacts == 2  # a call about B counts A's
    assert {work.team.name for work in queries.list_open_work(anna.id)} == {"Duty North", "Duty South"}
    ids = queries.list_contact_child_ids(anna.id)
    assert len(ids) == 2
    assert {event.contact_reference for event in list_chronology(ids)} == {
        cc.contact.reference for record in (anna, ana) for cc in record.contact_children}
    # The records check finds Ana's spelling as Anna's record.
    found = find_children(ChildQuery(full_name="Ana Kouao", date_of_birth=BORN)).matches
    assert [match.candidate_id for match in found][:1] == [anna.id] and ana.id not in [m.candidate_id for m in found]
    merging.undo_merge(ana, reason="Twins", by=user("sara"), now=later)
    db.session.commit()
    assert [call.contact_child.name for call in queries.list_calls(anna.id)] == ["Anna Kouao"]
    assert queries.count_earlier_contacts_and_referrals(anna.id, later).contacts == 1


@freeze_time(NOW)
def test_the_merged_into_page_shows_both_calls_names_and_addresses_and_not_after_the_undo(client, kouao):
    anna, ana = kouao
    merge(anna, ana)
    sign_in(client, "mo")
    page = client.get(f"/children/{anna.id}").get_data(as_text=True)
    assert "Ana Kouao" in page and "14 Somerset Rd, N17 9EJ" in page
    assert page.count(f"from {ana.reference}") == 3  # her name, her address and her call
    assert "2 calls about Anna Kouao" in page and 'id="merged-records"' in page
    assert "Same date of birth and home; the school confirmed one pupil" in page
    # Its view is logged against both records' calls: the access log of either shows it.
    views = db.session.scalars(select(RecordView.contact_id).where(RecordView.path == f"/children/{anna.id}")).all()
    assert sorted(views) == sorted(cc.contact_id for record in (anna, ana) for cc in record.contact_children)
    merged_page = client.get(f"/children/{ana.id}").get_data(as_text=True)
    assert f"This record was merged into" in merged_page and anna.reference in merged_page
    assert "by Sara Reid (Same date of birth and home; the school confirmed one pupil)" in merged_page
    assert "1 call about Ana Kouao" in merged_page
    merging.undo_merge(ana, reason="Twins", by=user("sara"), now=at(NOW))
    db.session.commit()
    page = client.get(f"/children/{anna.id}").get_data(as_text=True)
    assert "Ana Kouao" not in page.split('id="history"')[0] and "1 call about Anna Kouao" in page


@freeze_time(NOW)
def test_a_manager_merges_through_the_pages_and_undoes_it(client, kouao):
    anna, ana = kouao
    sign_in(client, "sara")
    found = client.get(f"/children/{anna.id}/merge?record=ch{ana.id}").get_data(as_text=True)
    assert f"Merge {ana.reference} into {anna.reference}?" in found and "Ana Kouao" in found and "Anna Kouao" in found
    url = f"/children/{anna.id}/merge?record={ana.reference}"
    refused = post_form(client, url, {"reason": ""})
    assert refused.status_code == 200 and "Say why these are the same child" in refused.get_data(as_text=True)
    assert ana.merged_into_id is None
    done = post_form(client, url, {"reason": "The school confirmed one pupil"})
    assert done.status_code == 302 and done.location == f"/children/{anna.id}"
    db.session.expire_all()
    assert ana.merged_into_id == anna.id
    undo = post_form(client, f"/children/{ana.id}/unmerge", {"reason": "Twins, the GP says"}, follow_redirects=True)
    assert "The merge is undone" in undo.get_data(as_text=True)
    db.session.expire_all()
    assert ana.merged_into_id is None


@freeze_time(NOW)
def test_the_merge_page_says_what_to_do_when_the_reference_is_wrong(client, kouao):
    anna, ana = kouao
    sign_in(client, "sara")
    for typed, said in (("", "Enter the reference of the other record"),
                        ("CH999999", "There is no child&#39;s record CH999999"),
                        (anna.reference, "is this record: enter the reference of the other record")):
        page = client.get(f"/children/{anna.id}/merge", query_string={"record": typed}).get_data(as_text=True)
        assert said in page and "Error:" in page, typed
    merge(anna, ana)
    page = client.get(f"/children/{ana.id}/merge", query_string={"record": anna.reference}).get_data(as_text=True)
    assert f"{ana.reference} was already merged" not in page  # A into B: B is merged, so A's page says so
    assert f"was itself merged into {anna.reference}" in page


def test_references_are_read_however_they_are_typed():
    assert [merging.parse_reference(text) for text in ("CH000031", "ch31", " 31 ", "CH 0031", "C31", "", None,
                                                       "CH0000000000031", "12345678901234")] == [31, 31, 31, 31, None, None, None, 31, None]
