"""Names, dates and addresses as a child's record keeps them and the records check compares them
(R2.5): one reading of each, in one place.

The record keeps a name as typed and its reading into given names and a family name
(`split_name`), and an address as typed with its normalised form and postcode (`normalise_address`,
`parse_postcode`). The records check compares names as tokens (`name_tokens`) and their sounds, and
addresses in their parts (`parse_address`). Both read from the same functions, so that a name typed
"Zoë Smith-Jones" and a record of "ZOE SMITH JONES" meet on both, and the postcode the record holds
is the postcode the matcher compares. Accents and other scripts' letters are transliterated by
anyascii; sounds are coded by jellyfish (Metaphone and NYSIIS); nicknames come from the
`nicknames` package's hand-curated list.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

import jellyfish
from anyascii import anyascii
from nicknames import NickNamer

_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def _ascii(text: str) -> str:
    """Letters of any script in Latin letters: 'Zoë' -> 'Zoe', 'Łukasz' -> 'Lukasz'."""
    return text if text.isascii() else anyascii(text)


def tidy(text: str | None) -> str:
    """The text with its spaces made single and trimmed."""
    return _SPACES.sub(" ", text or "").strip()


# --- Names -------------------------------------------------------------------------------------
#
# The full name is always kept as typed; its parts are a reading of it, good enough to sort and to
# search by, never a correction of it.

#: What people type when they do not know the name: the child's name is then not known.
UNKNOWN_NAMES = frozenset({"", "not known", "unknown", "name not known", "not given", "n/k", "nk", "n k",
                           "no name", "none", "?"})

#: Words that begin a family name rather than end the given names ("Anna van der Berg").
FAMILY_NAME_PARTICLES = frozenset({"al", "ap", "bin", "binti", "da", "das", "de", "del", "della", "der", "di",
                                   "dos", "du", "el", "ibn", "la", "le", "mac", "st", "st.", "ten", "ter", "van",
                                   "von"})


def is_unknown_name(text: str) -> bool:
    """Whether what was typed as a name says only that the name is not known."""
    return tidy(text).casefold().strip(".") in UNKNOWN_NAMES


def split_name(full_name: str) -> tuple[str, str]:
    """(given names, family name) of a name as typed.

    "Anna Kouao" gives ("Anna", "Kouao"); "KOUAO, Anna" ("Anna", "KOUAO"); "Anna van der Berg"
    ("Anna", "van der Berg"); a single word is taken as a given name ("Leo", ""), as callers
    name a child by their first name when they know only that.
    """
    name = tidy(full_name)
    if is_unknown_name(name):
        return "", ""
    if "," in name:
        family, _, given = name.partition(",")
        return tidy(given), tidy(family)
    words = name.split(" ")
    if len(words) == 1:
        return name, ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in FAMILY_NAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


@lru_cache(maxsize=65536)
def name_tokens(text: str | None) -> tuple[str, ...]:
    """'Zoë Smith-Jones' -> ('zoe', 'smith', 'jones'); "O'Connor" -> ('oconnor',)."""
    if not text:
        return ()
    plain = _APOSTROPHES.sub("", _ascii(text).lower())
    return tuple(token for token in _NOT_LETTER_OR_DIGIT.split(plain) if token)


def joined(tokens: tuple[str, ...]) -> str:
    """The tokens as one word: 'Smith-Jones', 'Smith Jones' and 'SmithJones' are all 'smithjones'."""
    return "".join(tokens)


@lru_cache(maxsize=65536)
def sound_codes(token: str) -> tuple[str, str, str]:
    """The token's Metaphone, NYSIIS and Soundex codes: views of how it sounds (Sean/Shaun share NYSIIS)."""
    return jellyfish.metaphone(token), jellyfish.nysiis(token), jellyfish.soundex(token)


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=16384)
def nickname_family(token: str) -> frozenset[str]:
    """The names standing for this one either way: 'bill' -> {'william', ...}, 'liz' -> {'elizabeth', ...}."""
    namer = _nicknamer()
    return frozenset(namer.nicknames_of(token) | namer.canonicals_of(token))


# --- Dates -------------------------------------------------------------------------------------


def day_month_swapped(day: date) -> date | None:
    """12 March as 3 December: the date with day and month exchanged, when it is another real date."""
    if day.day > 12 or day.day == day.month:
        return None
    return date(day.year, day.day, day.month)


# --- Addresses ---------------------------------------------------------------------------------
#
# The address is always kept as typed. Its reading (`parse_address`) takes out the postcode, in its
# standard form ("N17 6AB"), the flat, the house number and the street, with street types written
# out so that "Rd" and "Road" compare equal; its normalised form (`normalise_address`) is that
# reading as one line, the town kept, for a record to compare two ways of writing one address.

#: A full UK postcode (Royal Mail's rules, as in the government's BS 7666 data standard: the
#: outward code, spaces or none, the inward code), with GIR 0AA, anywhere in upper-case text.
_POSTCODE = re.compile(
    r"\b(GIR|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]))"
    r"\s*([0-9][ABD-HJLNP-UW-Z]{2})\b")
_FLAT = re.compile(r"\b(?:FLAT|APARTMENT|APT|UNIT|ROOM|STUDIO|FLT|RM)\.?\s*([0-9]+[A-Z]?|[A-Z])\b")
_FLAT_SLASH = re.compile(r"\b([0-9]+[A-Z]?)\s*/\s*([0-9]+[A-Z]?)\b")
_NUMBER = re.compile(r"^([0-9]+[A-Z]?)(?:\s*-\s*[0-9]+[A-Z]?)?$")
_NOT_WORD = re.compile(r"[^A-Z0-9-]+")

#: Street-type abbreviations written out, so "10 High St" and "10 High Street" are one street.
STREET_WORDS = {
    "ST": "STREET", "STR": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "LN": "LANE",
    "CL": "CLOSE", "CRES": "CRESCENT", "CRS": "CRESCENT", "DR": "DRIVE", "GDNS": "GARDENS",
    "GRN": "GREEN", "GR": "GROVE", "GRV": "GROVE", "PL": "PLACE", "SQ": "SQUARE", "CT": "COURT",
    "TER": "TERRACE", "TERR": "TERRACE", "TCE": "TERRACE", "PK": "PARK", "PDE": "PARADE",
    "WLK": "WALK", "HSE": "HOUSE", "BLDGS": "BUILDINGS", "MT": "MOUNT", "HTS": "HEIGHTS",
    "EST": "ESTATE", "RI": "RISE", "N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST",
}
#: Words before a house number that are not part of the address: "No. 5 High Street".
_NUMBER_WORDS = frozenset({"NO", "NUMBER"})

#: What people type for an address they do not have. "No fixed abode" is not among them: it says
#: where the child is (nowhere settled), and is kept as the child's address, as typed.
UNKNOWN_ADDRESSES = frozenset({"", "NOT KNOWN", "UNKNOWN", "N K", "NK", "NONE"})


@dataclass(frozen=True)
class Address:
    """An address in its parts: 'Flat 2, 10 High St, N17 0AB' -> flat 2, number 10, street HIGH STREET."""
    flat: str | None
    number: str | None
    street: str | None
    postcode: str | None
    #: The postcode's outward code (district): 'N17' of 'N17 0AB'.
    outward: str | None
    #: The rest of the address, before the street (a building's name) and after it (the town), in
    #: its order: kept for the normalised form, not compared.
    before: str = field(default="", compare=False)
    after: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.number or self.street or self.postcode)

    @property
    def normalised(self) -> str:
        """The address as one comparable line, without its postcode: 'FLAT 2 10 HIGH STREET LONDON'."""
        parts = (f"FLAT {self.flat}" if self.flat else "", self.before, self.number, self.street, self.after)
        return " ".join(part for part in parts if part)


def _upper(text: str) -> str:
    return _APOSTROPHES.sub("", _ascii(text).upper())


def _find_postcode(upper: str) -> re.Match | None:
    """The last full postcode in upper-case text (an address ends with its postcode)."""
    found = None
    for found in _POSTCODE.finditer(upper):
        pass
    return found


def _postcode_of(found: re.Match) -> str:
    return f"{found[1]} {found[2]}"


def parse_postcode(text: str | None) -> str | None:
    """The postcode in the text, as "N17 0AB" ('n170ab' and 'N17  0AB' too), or None when it holds
    no full postcode."""
    found = _find_postcode(_upper(text)) if text else None
    return _postcode_of(found) if found else None


def _street_words(part: str) -> list[str]:
    words = part.split()
    # "St" first in a street name is Saint ("St John's Road"); elsewhere it is Street.
    return [("SAINT" if word == "ST" and i == 0 and len(words) > 1 else STREET_WORDS.get(word, word))
            for i, word in enumerate(words)]


@lru_cache(maxsize=65536)
def parse_address(text: str | None) -> Address:
    """Split an address as typed into flat, house number, street and postcode (the town kept aside)."""
    if not text:
        return Address(None, None, None, None, None)
    upper = _upper(text)
    postcode = None
    if found := _find_postcode(upper):
        postcode = _postcode_of(found)
        upper = upper[:found.start()] + " " + upper[found.end():]
    flat = None
    if found_flat := _FLAT.search(upper):
        flat = found_flat[1]
        upper = upper[:found_flat.start()] + upper[found_flat.end():]
    elif found_slash := _FLAT_SLASH.search(upper):  # "2/10 High Street": flat 2 at number 10
        flat = found_slash[1]
        upper = upper[:found_slash.start()] + found_slash[2] + upper[found_slash.end():]
    parts = [" ".join(_NOT_WORD.sub(" ", part).split()) for part in upper.split(",")]
    parts = [part for part in parts if part]
    number = street = None
    before, after = [], parts[1:]
    for i, part in enumerate(parts):
        words = part.split()
        if words[0] in _NUMBER_WORDS and len(words) > 1 and _NUMBER.match(words[1]):
            words = words[1:]
        if _NUMBER.match(words[0]):
            number = _NUMBER.match(words[0])[1]
            rest, after = (words[1:], parts[i + 1:]) if len(words) > 1 else (
                parts[i + 1].split() if i + 1 < len(parts) else [], parts[i + 2:])
            street = " ".join(_street_words(" ".join(rest))) or None
            before = parts[:i]
            break
    if street is None and number is None and parts:  # no house number: a named building or the street alone
        street = " ".join(_street_words(parts[0]))
    return Address(flat=flat, number=number, street=street, postcode=postcode,
                   outward=postcode.split()[0] if postcode else None,
                   before=" ".join(" ".join(_street_words(part)) for part in before),
                   after=" ".join(" ".join(_street_words(part)) for part in after))


def normalise_address(text: str | None) -> str:
    """The address in one comparable form: "Flat 3, 9 West Green Rd., London N15 5BX" gives
    "FLAT 3 9 WEST GREEN ROAD LONDON" (its postcode is kept apart: `parse_postcode`)."""
    return parse_address(text).normalised


def is_unknown_address(text: str | None) -> bool:
    """Whether what was typed as an address says only that it is not known."""
    return " ".join(_NOT_WORD.sub(" ", _upper(text or "")).replace("-", " ").split()) in UNKNOWN_ADDRESSES
