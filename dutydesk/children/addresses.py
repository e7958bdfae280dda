"""A child's address as typed, read into a normalised form and a postcode.

The address is always kept as typed. The normalised form (upper case, no punctuation, common
abbreviations written out, the postcode taken out) lets two ways of writing one address be
compared; the postcode is kept on its own, in its standard form ("N17 6AB"), when one can be
read.
"""

import re
import unicodedata

#: A full UK postcode (Royal Mail's rules: the outward code, a space or none, the inward code),
#: with GIR 0AA, anywhere in the text.
_POSTCODE = re.compile(
    r"\b(GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)

#: Abbreviations written out, so that "Rd" and "Road" compare equal.
ABBREVIATIONS = {
    "RD": "ROAD", "ST": "STREET", "AVE": "AVENUE", "AV": "AVENUE", "GDNS": "GARDENS", "GRN": "GREEN",
    "LN": "LANE", "CL": "CLOSE", "CRES": "CRESCENT", "CT": "COURT", "DR": "DRIVE", "PL": "PLACE",
    "SQ": "SQUARE", "TER": "TERRACE", "TERR": "TERRACE", "GRV": "GROVE", "GR": "GROVE", "PK": "PARK",
    "HSE": "HOUSE", "FLT": "FLAT", "APT": "FLAT", "APARTMENT": "FLAT", "NO": "", "RM": "ROOM",
}

#: What people type for an address they do not have.
UNKNOWN_ADDRESSES = frozenset({"", "NOT KNOWN", "UNKNOWN", "N K", "NK", "NONE", "NO FIXED ABODE"})


def parse_postcode(text: str) -> str | None:
    """The last full postcode in the text, as "N17 6AB", or None when there is none."""
    found = _POSTCODE.findall(text or "")
    if not found:
        return None
    compact = found[-1].replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_address(text: str) -> str:
    """The address in one comparable form: "Flat 3, 9 West Green Rd., London N15 5BX" gives
    "FLAT 3 9 WEST GREEN ROAD LONDON"."""
    without_accents = "".join(ch for ch in unicodedata.normalize("NFKD", text or "")
                              if not unicodedata.combining(ch))
    without_postcode = _POSTCODE.sub(" ", without_accents)
    words = re.sub(r"[^0-9A-Z]+", " ", without_postcode.upper()).split()
    return " ".join(word for word in (ABBREVIATIONS.get(word, word) for word in words) if word)


def is_unknown_address(text: str) -> bool:
    """Whether what was typed as an address says only that it is not known."""
    return normalise_address(text) in UNKNOWN_ADDRESSES
