"""A child's name as typed, read into given names and a family name.

The full name is always kept as typed; the parts are a reading of it, good enough to sort and
to search by, never a correction of it.
"""

import re

#: What people type when they do not know the name: the child's name is then not known.
UNKNOWN_NAMES = frozenset({"", "not known", "unknown", "name not known", "not given", "n/k", "nk", "n k",
                           "no name", "none", "?"})

#: Words that begin a family name rather than end the given names ("Anna van der Berg").
FAMILY_NAME_PARTICLES = frozenset({"al", "ap", "bin", "binti", "da", "das", "de", "del", "della", "der", "di",
                                   "dos", "du", "el", "ibn", "la", "le", "mac", "st", "st.", "ten", "ter", "van",
                                   "von"})

_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    """The text with its spaces made single and trimmed."""
    return _SPACES.sub(" ", text or "").strip()


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
