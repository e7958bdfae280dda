"""Names, dates and addresses as the records check compares them (R2.5): one normal form for each.

The same functions feed the scorer (matching.py) and the blocking keys (search_keys.py), so a name
typed "Zoë Smith-Jones" and a record of "ZOE SMITH JONES" meet on both. Accents and other scripts'
letters are transliterated by anyascii; sounds are coded by jellyfish (Metaphone and NYSIIS);
nicknames come from the `nicknames` package's hand-curated list.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import jellyfish
from anyascii import anyascii
from nicknames import NickNamer

_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    """Letters of any script in Latin letters: 'Zoë' -> 'Zoe', 'Łukasz' -> 'Lukasz'."""
    return text if text.isascii() else anyascii(text)


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

#: The UK postcode format (BS 7666, as in the government's published data standard): outward code
#: (area letters, district digit, optional digit or letter) then inward code (sector digit, unit
#: letters). Matched anywhere in an address, with or without the space.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][ABD-HJLNP-UW-Z]{2})\b")
_FLAT = re.compile(r"\b(?:FLAT|APARTMENT|APT|UNIT|ROOM|STUDIO|FLT)\.?\s*([0-9]+[A-Z]?|[A-Z])\b")
_FLAT_SLASH = re.compile(r"\b([0-9]+[A-Z]?)\s*/\s*([0-9]+[A-Z]?)\b")
_NUMBER = re.compile(r"^([0-9]+[A-Z]?)(?:\s*-\s*[0-9]+[A-Z]?)?$")

#: Street-type abbreviations written out, so "10 High St" and "10 High Street" are one street.
STREET_WORDS = {
    "ST": "STREET", "STR": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "LN": "LANE",
    "CL": "CLOSE", "CRES": "CRESCENT", "CRS": "CRESCENT", "DR": "DRIVE", "GDNS": "GARDENS",
    "GRN": "GREEN", "GR": "GROVE", "GRV": "GROVE", "PL": "PLACE", "SQ": "SQUARE", "CT": "COURT",
    "TER": "TERRACE", "TERR": "TERRACE", "TCE": "TERRACE", "PK": "PARK", "PDE": "PARADE",
    "WLK": "WALK", "HSE": "HOUSE", "BLDGS": "BUILDINGS", "MT": "MOUNT", "HTS": "HEIGHTS",
    "EST": "ESTATE", "RI": "RISE", "N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST",
}


@dataclass(frozen=True)
class Address:
    """An address in its parts: 'Flat 2, 10 High St, N17 0AB' -> flat 2, number 10, street HIGH STREET."""
    flat: str | None
    number: str | None
    street: str | None
    postcode: str | None
    #: The postcode's outward code (district): 'N17' of 'N17 0AB'.
    outward: str | None

    @property
    def is_empty(self) -> bool:
        return not (self.number or self.street or self.postcode)


def normalise_postcode(text: str | None) -> str | None:
    """'n170ab' and 'N17  0AB' -> 'N17 0AB'; None when the text holds no postcode."""
    if not text:
        return None
    found = _POSTCODE.search(" ".join(_ascii(text).upper().split()))
    return f"{found[1]} {found[2]}" if found else None


def _street_words(part: str) -> list[str]:
    words = part.split()
    # "St" first in a street name is Saint ("St John's Road"); elsewhere it is Street.
    return [("SAINT" if word == "ST" and i == 0 and len(words) > 1 else STREET_WORDS.get(word, word))
            for i, word in enumerate(words)]


@lru_cache(maxsize=65536)
def parse_address(text: str | None) -> Address:
    """Split an address as typed into flat, house number, street and postcode; town and county are ignored."""
    if not text:
        return Address(None, None, None, None, None)
    upper = _APOSTROPHES.sub("", _ascii(text).upper())
    postcode = None
    if found := _POSTCODE.search(upper):
        postcode = f"{found[1]} {found[2]}"
        upper = upper[:found.start()] + upper[found.end():]
    flat = None
    if found_flat := _FLAT.search(upper):
        flat = found_flat[1]
        upper = upper[:found_flat.start()] + upper[found_flat.end():]
    elif found_slash := _FLAT_SLASH.search(upper):  # "2/10 High Street": flat 2 at number 10
        flat = found_slash[1]
        upper = upper[:found_slash.start()] + found_slash[2] + upper[found_slash.end():]
    number = street = None
    parts = [" ".join(re.sub(r"[^A-Z0-9-]+", " ", part).split()) for part in upper.split(",")]
    parts = [part for part in parts if part]
    for i, part in enumerate(parts):
        words = part.split()
        if _NUMBER.match(words[0]):
            number = _NUMBER.match(words[0])[1]
            rest = words[1:] or (parts[i + 1].split() if i + 1 < len(parts) else [])
            street = " ".join(_street_words(" ".join(rest))) or None
            break
    if street is None and parts:  # no house number: a named building or the street alone
        street = " ".join(_street_words(parts[0]))
    return Address(flat=flat, number=number, street=street, postcode=postcode,
                   outward=postcode.split()[0] if postcode else None)
