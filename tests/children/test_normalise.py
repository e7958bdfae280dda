"""Names and addresses in one normal form, whoever typed them and however."""

import pytest

from dutydesk.children.normalise import Address, name_tokens, normalise_postcode, parse_address


@pytest.mark.parametrize("typed, tokens", [
    ("Zoë Smith-Jones", ("zoe", "smith", "jones")), ("O'Connor", ("oconnor",)), ("  ŁUKASZ  ", ("lukasz",)),
    ("", ()), (None, ()),
])
def test_names_lose_accents_hyphens_apostrophes_and_case(typed, tokens):
    assert name_tokens(typed) == tokens


@pytest.mark.parametrize("typed", ["N17 0AB", "n170ab", "N17  0AB", " n17 0ab "])
def test_a_postcode_is_found_however_spaced(typed):
    assert normalise_postcode(typed) == "N17 0AB"


def test_text_without_a_postcode_has_none():
    assert normalise_postcode("10 High Street") is None


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
