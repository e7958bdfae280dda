"""Blocking keys: the short strings that let the records check find candidates among a million children fast.

Scoring every known child is too slow, so each child stores a handful of keys (a table of
(key, child_id), indexed on key) and a query looks up keys of its own: the children sharing most
keys are scored (matching.rank), at most MAX_CANDIDATES of them:

    SELECT child_id FROM child_search_keys WHERE key IN (:query_keys)
    GROUP BY child_id ORDER BY count(*) DESC LIMIT :max_candidates

Every kind of variation the check must survive leaves at least one key in common, because each key
family survives a different kind of change and a variant changes one thing at a time:

  n:M1|M2, y:N1|N2   a first and a last name by sound (Metaphone, NYSIIS), the two codes sorted so the
                     order does not matter (names swapped); one key for each of the child's first and
                     last names, aliases and other surnames included, and on the query's side for every
                     nickname of the first name (Bill -> William) and for every pair of typed words (so
                     a full name split in the wrong place still meets). Survives spelling and sound
                     variants, accents, hyphens, swapped names, aliases, nicknames, a missing or wrong
                     date of birth or address.
  d:YYYY-MM-DD       the date of birth; the query also looks up its day-and-month transposition.
                     Survives any change to the name or address.
  ym:/yd:/md: + M    two of the date's three parts with the surname's sound: year and month, year and
                     day, month and day. One digit wrong changes only one part, so one of the three
                     still meets. The query also uses its first name's sound here, for swapped names.
  p:POSTCODE         the postcode in one form however it was spaced or cased ("N17 0AB").
  a:NUMBER:STREET    the house number and the street with its type written out ("10:HIGH STREET"),
                     the flat left out. Survives a missing postcode, abbreviations, flats written
                     either way.

The sizes keep each look-up small: a date of birth is shared by about 150 of a million children, a
postcode by a few, a name pair by tens to a few hundred for the commonest names, a partial date with a
surname by tens. A child with one name and one address has 8 keys. An unborn child's expected date
gives year-and-month keys for two months either side instead (search_keys_for_child).

What no key catches: a name typed with a slip that changes both its sound codes, with neither a date
of birth nor an address typed ("Hlnry Lowe"); the handler's next field finds the child.

Why a table of keys and not pg_trgm/fuzzystrmatch: the same keys, made by the same Python, work on
SQLite and PostgreSQL alike with a plain B-tree index, so both engines find the same candidates; the
scorer then does the fine comparison in one place.
"""

from datetime import date
from itertools import combinations

from dutydesk.children.matching import ChildQuery
from dutydesk.children.normalise import (Address, day_month_swapped, joined, name_tokens, nickname_family,
                                         parse_address, sound_codes)

#: How many of the children sharing most keys with a query are scored.
MAX_CANDIDATES = 200


def _part_words(tokens: tuple[str, ...]) -> set[str]:
    """The words of one part of a name, and the whole when it has more than one ('smith', 'jones', 'smithjones')."""
    return set(tokens) | ({joined(tokens)} if len(tokens) > 1 else set())


def _pair_keys(first: str, second: str) -> set[str]:
    (m1, y1, _), (m2, y2, _) = sound_codes(first), sound_codes(second)
    return {"n:" + "|".join(sorted((m1, m2))), "y:" + "|".join(sorted((y1, y2)))}


def _date_keys(day: date, words: set[str]) -> set[str]:
    keys = set()
    for word in words:
        code = sound_codes(word)[0]
        keys |= {f"ym:{day:%Y-%m}:{code}", f"yd:{day:%Y}-{day:%d}:{code}", f"md:{day:%m-%d}:{code}"}
    return keys


def _address_keys(text) -> set[str]:
    address = text if isinstance(text, Address) else parse_address(text)
    keys = set()
    if address.postcode:
        keys.add(f"p:{address.postcode}")
    if address.number and address.street:
        keys.add(f"a:{address.number}:{address.street}")
    return keys


def _months_around(day: date, months: int):
    for offset in range(-months, months + 1):
        index = day.year * 12 + day.month - 1 + offset
        yield date(index // 12, index % 12 + 1, 1)


def search_keys_for_child(names, date_of_birth: date | None, addresses, is_expected_date: bool = False) -> set[str]:
    """The keys to store for a child: names is [(given, family, kind)], addresses the addresses as typed.

    An unborn child's expected date gives no date key of its own: a birth up to two months either
    side of it meets the year-and-month keys of its month and the two before and after.
    """
    givens = set().union(*(_part_words(name_tokens(given)) for given, _, _ in names)) if names else set()
    families = set().union(*(_part_words(name_tokens(family)) for _, family, _ in names)) if names else set()
    keys = set()
    for given in givens:
        for family in families:
            keys |= _pair_keys(given, family)
    if date_of_birth is not None and is_expected_date:
        keys |= {f"ym:{month:%Y-%m}:{sound_codes(word)[0]}" for month in _months_around(date_of_birth, 2)
                 for word in families}
    elif date_of_birth is not None:
        keys.add(f"d:{date_of_birth:%Y-%m-%d}")
        keys |= _date_keys(date_of_birth, families)
    for address in addresses:
        keys |= _address_keys(address)
    return keys


def search_keys_for_query(query: ChildQuery) -> set[str]:
    """The keys to look up for what the call handler typed."""
    given, family = query.name_parts()
    words = _part_words(given) | _part_words(family)
    keys = set()
    for first, second in combinations(sorted(words), 2):
        keys |= _pair_keys(first, second)
    for word in given:
        for nickname in nickname_family(word):
            for other in _part_words(family):
                keys |= _pair_keys(nickname, other)
    if query.date_of_birth is not None:
        keys.add(f"d:{query.date_of_birth:%Y-%m-%d}")
        if swapped := day_month_swapped(query.date_of_birth):
            keys.add(f"d:{swapped:%Y-%m-%d}")
        keys |= _date_keys(query.date_of_birth, words)
    keys |= _address_keys(query.address)
    return keys
