"""The records check finds a known child under each kind of variation, ahead of children who are not them (R2.5)."""

from datetime import date

import pytest

from dutydesk.children.matching import LIKELY_SCORE, CandidateChild, ChildQuery, rank, score
from dutydesk.children.search_keys import search_keys_for_child, search_keys_for_query

ANNA = CandidateChild(1, [("Anna", "Kouao", "current"), ("Victoria", "Climbié", "known as"),
                          (None, "Manning", "other surname")],
                      date(2015, 3, 12), addresses=["Flat 2, 10 High St, London N17 0AB"])
#: Children who are not Anna but share something with her: a sister at the same flat, a child born the
#: same day elsewhere, a child with a like name born another day, a child with her name's sound.
SISTER = CandidateChild(2, [("Marie", "Kouao", "current")], date(2013, 7, 1),
                        addresses=["Flat 2, 10 High Street, London N17 0AB"])
SAME_DAY = CandidateChild(3, [("Ava", "Cowell", "current")], date(2015, 3, 12), addresses=["4 Park Lane, E1 6AN"])
LIKE_NAME = CandidateChild(4, [("Hannah", "Kowal", "current")], date(2016, 9, 30), addresses=["88 Green Lanes, N4 1DX"])
OTHER_ANNA = CandidateChild(5, [("Anna", "Kova", "current")], date(2010, 1, 20), addresses=["7 Mill Road, SE1 7PB"])
MO = CandidateChild(6, [("Mohammed", "Hussain", "current")], date(2012, 5, 4), addresses=["22 Green Lanes, N16 9ET"])
ZOE = CandidateChild(7, [("Zoë", "Smith-Jones", "current")], date(2019, 11, 2), addresses=["3 Queens Avenue, N10 3NR"])
WILLIAM = CandidateChild(8, [("William", "Clarke", "current")], date(2011, 2, 14), addresses=["9 Elm Road, E17 4QT"])
BETH = CandidateChild(9, [("Elizabeth", "Okafor", "current")], date(2017, 6, 8), addresses=["1 Church Street, N9 9AB"])
KNOWN = [SISTER, SAME_DAY, LIKE_NAME, OTHER_ANNA, MO, ZOE, WILLIAM, BETH, ANNA]

ANNAS_DOB, ANNAS_ADDRESS = date(2015, 3, 12), "Flat 2, 10 High St, London N17 0AB"


def best(query: ChildQuery):
    """The ranked matches, after checking the query shares a blocking key with its child."""
    return rank(query, KNOWN)


@pytest.mark.parametrize("query, reason", [
    (ChildQuery(full_name="Ana Kouao", date_of_birth=ANNAS_DOB, address=ANNAS_ADDRESS),
     "similar first name (Ana / Anna)"),
    (ChildQuery(full_name="Anna Kuao", date_of_birth=ANNAS_DOB), "similar surname (Kuao / Kouao)"),
    (ChildQuery(full_name="Anna Kouoa", date_of_birth=ANNAS_DOB), "similar surname (Kouoa / Kouao)"),
    (ChildQuery(given="KOUAO", family="ANNA", date_of_birth=ANNAS_DOB), "first and last names swapped"),
    (ChildQuery(full_name="Victoria Climbie", date_of_birth=ANNAS_DOB), "known as 'Victoria'"),
    (ChildQuery(full_name="Victoria Climbie", date_of_birth=ANNAS_DOB), "known as 'Climbié'"),
    (ChildQuery(full_name="Anna Manning", address="10 High Street, flat 2, N170AB"), "other surname 'Manning'"),
    (ChildQuery(full_name="Anna Kouao", date_of_birth=date(2015, 12, 3)), "day and month transposed"),
    (ChildQuery(full_name="Anna Kouao", date_of_birth=date(2015, 3, 13)),
     "date of birth one digit different (12/03/2015)"),
    (ChildQuery(full_name="Anna Kouao", date_of_birth=date(2016, 3, 12)),
     "date of birth one digit different (12/03/2015)"),
    (ChildQuery(full_name="Anna Kouao", address="10 High Street, flat 2, N170AB"), "same address"),
    (ChildQuery(full_name="Anna Kouao", address="10 high st flat 2"), "same address"),
    (ChildQuery(full_name="Anna Kouao", address="N17 0AB"), "same postcode"),
    (ChildQuery(full_name="Kouao, Anna", address="12 High Road, N17 0AB"), "same postcode"),
])
def test_anna_kouao_is_found_first_under_each_variation(query, reason):
    matches = best(query)
    assert matches[0].candidate_id == ANNA.id
    assert reason in matches[0].reasons
    assert search_keys_for_query(query) & search_keys_for_child(ANNA.names, ANNA.date_of_birth, ANNA.addresses)


def test_a_second_call_about_ana_kouao_with_annas_date_and_address_is_likely_the_same_child():
    match = best(ChildQuery(full_name="Ana Kouao", date_of_birth=ANNAS_DOB, address="10 High Street, flat 2"))[0]
    assert (match.candidate_id, match.strength) == (ANNA.id, "likely the same child")
    assert match.reasons == ["similar first name (Ana / Anna)", "same surname", "same date of birth", "same address"]


@pytest.mark.parametrize("query, child, reason", [
    (ChildQuery(full_name="Muhammad Hussain", date_of_birth=date(2012, 5, 4)), MO,
     "similar first name (Muhammad / Mohammed)"),
    (ChildQuery(full_name="Mohamed Husain", address="22 Green Lanes N16 9ET"), MO,
     "similar surname (Husain / Hussain)"),
    (ChildQuery(full_name="Zoe Smith Jones", date_of_birth=date(2019, 11, 2)), ZOE, "same first name"),
    (ChildQuery(full_name="Zoe Smith Jones", date_of_birth=date(2019, 11, 2)), ZOE, "same surname"),
    (ChildQuery(given="Zoe", family="Jones", date_of_birth=date(2019, 11, 2)), ZOE, "part of surname (Smith-Jones)"),
    (ChildQuery(full_name="Bill Clarke", date_of_birth=date(2011, 2, 14)), WILLIAM, "nickname (Bill / William)"),
    (ChildQuery(full_name="Liz Okafor", address="1 Church St N9 9AB"), BETH, "nickname (Liz / Elizabeth)"),
])
def test_spellings_accents_hyphens_and_nicknames_find_the_child_first(query, child, reason):
    matches = best(query)
    assert matches[0].candidate_id == child.id
    assert reason in matches[0].reasons
    assert search_keys_for_query(query) & search_keys_for_child(child.names, child.date_of_birth, child.addresses)


def test_a_sister_at_the_same_address_is_offered_but_never_as_likely():
    """Marie's sister Anna: same surname, same flat; the first name differs, so at most possible."""
    matches = best(ChildQuery(full_name="Anna Kouao", address="Flat 2, 10 High Street, N17 0AB"))
    assert [match.candidate_id for match in matches[:2]] == [ANNA.id, SISTER.id]
    assert matches[1].strength == "possible"
    assert "different first name" in matches[1].reasons


def test_a_twin_with_no_record_is_not_offered_as_likely_the_known_twin():
    """Anna's twin brother Kofi, not yet known: same date, surname and address as Anna."""
    matches = best(ChildQuery(full_name="Kofi Kouao", date_of_birth=ANNAS_DOB, address=ANNAS_ADDRESS))
    assert matches[0].candidate_id == ANNA.id
    assert not matches[0].is_likely
    assert matches[0].score < LIKELY_SCORE


def test_a_twin_of_the_other_sex_with_a_like_name_is_not_offered_as_likely():
    """James Andrews is known; his twin sister Jane is not. Only their sex tells them apart."""
    james = CandidateChild(12, [("James", "Andrews", "current")], date(2021, 8, 25), sex="M",
                           addresses=["80 Morgan Street, IG1 9LJ"])
    jane = ChildQuery(full_name="Jane Andrews", date_of_birth=date(2021, 8, 25), address="80 Morgan St, IG1 9LJ")
    assert score(jane, james).is_likely
    match = score(ChildQuery(**{**jane.__dict__, "sex": "F"}), james)
    assert not match.is_likely
    assert "different sex" in match.reasons


def test_a_child_with_no_record_and_a_common_date_is_not_offered_as_likely():
    matches = best(ChildQuery(full_name="Jacob Lee", date_of_birth=ANNAS_DOB, address="5 Oak Road, E2 7QA"))
    assert not any(match.is_likely for match in matches)


def test_the_same_name_born_years_apart_elsewhere_is_only_possible():
    match = score(ChildQuery(full_name="Anna Kouao", date_of_birth=date(2009, 8, 1), address="5 Oak Road, E2 7QA"),
                  ANNA)
    assert not match.is_likely
    assert "different date of birth (12/03/2015)" in match.reasons


def test_a_name_alone_is_possible_not_likely():
    match = best(ChildQuery(full_name="Anna Kouao"))[0]
    assert (match.candidate_id, match.strength) == (ANNA.id, "possible")


def test_an_unborn_childs_expected_date_agrees_with_a_birth_weeks_later():
    unborn = CandidateChild(10, [(None, "Kouao", "current")], date(2026, 3, 1), is_expected_date=True,
                            addresses=[ANNAS_ADDRESS])
    match = score(ChildQuery(full_name="Baby Kouao", date_of_birth=date(2026, 3, 20), address=ANNAS_ADDRESS), unborn)
    assert "born near the expected date (01/03/2026)" in match.reasons


def test_an_earlier_address_agrees_and_says_so():
    moved = CandidateChild(11, [("Anna", "Kouao", "current")], ANNAS_DOB,
                           addresses=["5 Oak Road, E2 7QA", ANNAS_ADDRESS])
    match = score(ChildQuery(full_name="Anna Kouao", address="10 High Street flat 2 N17 0AB"), moved)
    assert match.reasons[-3:] == ["same address", "same postcode", "an earlier address"]


def test_rank_returns_at_most_the_limit_and_nobody_unrelated():
    assert len(rank(ChildQuery(full_name="Anna Kouao"), KNOWN, limit=1)) == 1
    assert rank(ChildQuery(full_name="Xavier Pemberton", date_of_birth=date(2004, 4, 4)), KNOWN) == []


def test_a_name_alone_typed_with_two_slips_still_offers_the_child_while_the_handler_types():
    match = best(ChildQuery(full_name="Ana Kuao"))[0]
    assert (match.candidate_id, match.strength) == (ANNA.id, "possible")
