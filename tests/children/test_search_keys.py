"""Blocking keys: every kind of variation shares a key with the right child, and a child has few keys."""

from datetime import date

from dutydesk.children.matching import ChildQuery
from dutydesk.children.search_keys import search_keys_for_child, search_keys_for_query

NAMES = [("Anna", "Kouao", "current")]
DOB = date(2015, 3, 12)
ADDRESSES = ["Flat 2, 10 High St, London N17 0AB"]


def shared(query: ChildQuery, names=NAMES, dob=DOB, addresses=ADDRESSES) -> set[str]:
    return search_keys_for_query(query) & search_keys_for_child(names, dob, addresses)


def test_a_child_with_one_name_one_date_and_one_address_has_eight_keys():
    assert sorted(search_keys_for_child(NAMES, DOB, ADDRESSES)) == [
        "a:10:HIGH STREET", "d:2015-03-12", "md:03-12:K", "n:AN|K", "p:N17 0AB", "y:AN|C", "yd:2015-12:K",
        "ym:2015-03:K"]


def test_names_swapped_share_the_name_keys():
    assert {"n:AN|K", "y:AN|C"} <= shared(ChildQuery(given="Kouao", family="Anna"))


def test_a_nickname_shares_a_name_key_with_the_full_name():
    assert shared(ChildQuery(full_name="Bill Clarke"), names=[("William", "Clarke", "current")], dob=None,
                  addresses=[])


def test_every_name_a_child_is_known_by_has_keys():
    names = NAMES + [("Victoria", "Climbié", "known as"), (None, "Manning", "other surname")]
    assert shared(ChildQuery(full_name="Victoria Climbie"), names=names, dob=None, addresses=[])
    assert shared(ChildQuery(full_name="Anna Manning"), names=names, dob=None, addresses=[])


def test_day_and_month_transposed_share_the_date_key():
    assert "d:2015-03-12" in shared(ChildQuery(date_of_birth=date(2015, 12, 3)))


def test_one_digit_wrong_in_the_day_month_or_year_leaves_a_partial_date_key():
    assert shared(ChildQuery(full_name="Anna Kouao", date_of_birth=date(2015, 3, 13))) >= {"ym:2015-03:K"}
    assert shared(ChildQuery(full_name="Anna Kouao", date_of_birth=date(2015, 8, 12))) >= {"yd:2015-12:K"}
    assert shared(ChildQuery(full_name="Anna Kouao", date_of_birth=date(2016, 3, 12))) >= {"md:03-12:K"}


def test_an_address_written_another_way_shares_the_address_or_postcode_key():
    assert shared(ChildQuery(address="10 high street, flat 2, n170ab")) == {"a:10:HIGH STREET", "p:N17 0AB"}
    assert shared(ChildQuery(address="10 High Street")) == {"a:10:HIGH STREET"}


def test_a_birth_weeks_after_an_unborn_childs_expected_date_shares_a_key():
    unborn = search_keys_for_child([(None, "Kouao", "current")], date(2026, 12, 20), [], is_expected_date=True)
    assert not any(key.startswith("d:") for key in unborn)
    assert search_keys_for_query(ChildQuery(full_name="Baby Kouao", date_of_birth=date(2027, 2, 3))) & unborn
