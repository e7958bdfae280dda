"""Names and addresses in one normal form, whoever typed them and however."""

import pytest

from dutydesk.children.normalise import (Address, is_unknown_address, name_tokens, normalise_address, parse_address,
                                        parse_postcode)


@pytest.mark.parametrize("typed, tokens", [
    ("Zoë Smith-Jones", ("zoe", "smith", "jones")), ("O'Connor", ("oconnor",)), ("  ŁUKASZ  ", ("lukasz",)),
    ("", ()), (None, ()),
])
def test_names_lose_accents_hyphens_apostrophes_and_case(typed, tokens):
    assert name_tokens(typed) == tokens


@pytest.mark.parametrize("typed", ["N17 0AB", "n170ab", "N17  0AB", " n17 0ab "])
def test_a_postcode_is_found_however_spaced(typed):
    assert parse_postcode(typed) == "N17 0AB"


def test_text_without_a_postcode_has_none():
    assert parse_postcode("10 High Street") is None


@pytest.mark.parametrize("typed", [
    "Flat 2, 10 High St, London N17 0AB", "10 High Street, flat 2, N170AB", "2/10 High Street, N17 0AB",
    "FLAT 2 10 HIGH ST N17 0AB",
])
def test_flats_abbreviations_and_postcode_spacing_give_one_address(typed):
    assert parse_address(typed) == Address(flat="2", number="10", street="HIGH STREET", postcode="N17 0AB",
                                           outward="N17")


def test_st_at_the_start_of_a_street_is_saint():
    assert parse_address("5 St John's Rd").street == "SAINT JOHNS ROAD"


def test_an_address_without_a_number_keeps_its_first_line_as_the_street():
    assert parse_address("Rose Court, Tottenham").street == "ROSE COURT"


@pytest.mark.parametrize("typed", [
    "Flat 2, 10 High St, London N17 0AB", "10 High Street, flat 2, London, N170AB", "2/10 High Street, London n17  0ab",
])
def test_a_record_keeps_the_address_as_the_check_reads_it_whichever_way_it_was_written(typed):
    assert (normalise_address(typed), parse_postcode(typed)) == ("FLAT 2 10 HIGH STREET LONDON", "N17 0AB")
    assert parse_address(typed).postcode == parse_postcode(typed)


def test_a_number_written_no_is_the_house_number():
    assert parse_address("No. 5 High St").number == "5" and normalise_address("No. 5 High St") == "5 HIGH STREET"


@pytest.mark.parametrize("typed, unknown", [
    ("Not known", True), ("N/K", True), ("n.k.", True), ("-", True), ("", True),
    ("N17 0AB", False), ("No fixed abode", False), ("Chesnut Road, London N17", False),
])
def test_an_address_is_unknown_only_when_it_says_so(typed, unknown):
    assert is_unknown_address(typed) is unknown
