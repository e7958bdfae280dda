"""The records check against the database: each record's keys kept in step with it, and the child
found under another spelling, a merged record found as the record it was merged into."""

from datetime import date

from sqlalchemy import func, select

from dutydesk.children import operations
from dutydesk.children.matching import ChildQuery
from dutydesk.children.search import find_children, keys_of, rebuild_index
from dutydesk.extensions import db
from dutydesk.models import ChildSearchKey
from dutydesk.models.codes import NameKind
from tests.children.test_operations import NOW, call_about, people  # noqa: F401 (fixture)

BORN = date(2018, 11, 2)
HOME = "Flat 4, 12 Somerset Gardens, London N17 8JX"


def stored_keys(child) -> set[str]:
    return set(db.session.scalars(select(ChildSearchKey.key).where(ChildSearchKey.child_id == child.id)))


def test_a_record_made_from_a_call_is_found_under_another_spelling_with_its_reasons(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    call_about(people, name="Leo Martin", date_of_birth=date(2019, 5, 1), address="22 Park Lane, London N17")

    result = find_children(ChildQuery(full_name="Ana Kouao", date_of_birth=BORN, address="12 Somerset Gdns N17 8JX"))

    assert [match.candidate_id for match in result.matches] == [anna.id]
    assert result.matches[0].is_likely
    assert "same date of birth" in result.matches[0].reasons
    assert result.weighed >= 1


def test_the_keys_follow_the_record_as_names_and_addresses_are_added(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    assert stored_keys(anna) == keys_of(anna)

    operations.add_name(anna, kind=NameKind.KNOWN_AS, full_name="Victoria Climbié", by=people["worker"], now=NOW)
    operations.add_address(anna, address="3 Lansdowne Road, London N17 9XE", by=people["worker"], now=NOW)

    assert stored_keys(anna) == keys_of(anna)
    found = find_children(ChildQuery(full_name="Victoria Climbie", address="3 Lansdowne Rd, N17 9XE")).matches
    assert found[0].candidate_id == anna.id
    assert any("known as" in reason for reason in found[0].reasons)


def test_an_ended_name_still_finds_the_child(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    operations.add_name(anna, kind=NameKind.CURRENT, full_name="Victoria Climbie", by=people["worker"], now=NOW)

    found = find_children(ChildQuery(full_name="Anna Kouao", date_of_birth=BORN)).matches

    assert found[0].candidate_id == anna.id


def test_a_merged_record_is_found_as_the_record_it_was_merged_into(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    ana = call_about(people, name="Ana Kuoao", date_of_birth=date(2018, 2, 11)).children[0].child
    ana.merged_into = anna
    db.session.flush()

    found = find_children(ChildQuery(full_name="Ana Kuoao", date_of_birth=date(2018, 2, 11))).matches

    assert [match.candidate_id for match in found] == [anna.id]


def test_excluding_a_record_leaves_the_others(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    ana = call_about(people, name="Ana Kouao", date_of_birth=BORN, address=HOME).children[0].child

    found = find_children(ChildQuery(full_name="Anna Kouao", date_of_birth=BORN, address=HOME), exclude=[anna.id])

    assert [match.candidate_id for match in found.matches] == [ana.id]


def test_rebuilding_adds_the_keys_a_purge_removed(people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    expected = keys_of(anna)
    db.session.execute(ChildSearchKey.__table__.delete())

    assert rebuild_index() == len(expected)
    assert db.session.scalar(select(func.count()).select_from(ChildSearchKey)) == len(expected)


def test_the_index_command_says_how_many_keys_it_added(app, people):
    anna = call_about(people, name="Anna Kouao", date_of_birth=BORN, address=HOME).children[0].child
    expected = len(keys_of(anna))
    db.session.execute(ChildSearchKey.__table__.delete())
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["index-children"])

    assert result.output == f"Added {expected} search key(s).\n"
    assert db.session.scalar(select(func.count()).select_from(ChildSearchKey)) == expected


def test_a_records_family_is_itself_and_every_record_merged_into_it(people):
    from dutydesk.children.queries import record_ids_of

    first, second, third = (call_about(people, name=name).children[0].child
                            for name in ("Anna Kouao", "Ana Kouao", "Anna Kuoao"))
    second.merged_into, third.merged_into = first, second
    db.session.flush()

    assert record_ids_of(first.id) == {first.id, second.id, third.id}
    assert record_ids_of(second.id) == {second.id, third.id}
