"""The records check's scorer (R2.5): how likely each known child is the child on the call, and why.

Victoria Climbié was known as Anna Kouao, under other spellings and dates of birth, to four councils;
nobody connected the contacts. So the check compares what the call handler typed with every name a
child is known by, and gives its reasons in words the handler can weigh: "similar surname
(Kouao / Kuao)", "known as 'Ana'", "day and month transposed", "same postcode".

How the score is made (Fellegi-Sunter record linkage, as in Splink): each field's comparison falls
in a level (exact, nickname, similar, different, missing), and each level carries a weight in bits,
log2(m/u), where m is how often the level is seen when the records are the same child and u how often
when they are not. The weights below are estimates (u from how many children share a date of birth
or a postcode; m from how often people mistype them), then checked against generated variants
(tests/children). The weights add up, and with a prior of 1 in 2**PRIOR_BITS the sum becomes a
probability: the score.

    likely the same child  score >= LIKELY_SCORE (0.9), the first name agrees (same, similar,
                           a nickname or a known alias) and the sex does not differ, because a
                           brother, sister or twin shares the surname, the address and even the
                           date of birth;
    possible               score >= POSSIBLE_SCORE; below that a child is not offered.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler

from dutydesk.children.normalise import (Address, joined, name_tokens, nickname_family,
                                         parse_address, sound_codes)

#: A query is about one child among all those known: before any field is compared, 1 in 2**20 (about
#: a million, more than any council's records hold). Measured on generated children, 2**16 let one new
#: child in 250 at a million be "likely" a namesake born the same day elsewhere.
PRIOR_BITS = 20.0
#: "Likely the same child" from this probability up (about 23 bits of agreement), first name agreeing.
LIKELY_SCORE = 0.9
#: "Possible" from this probability up (6 bits: a surname alone, or two names a little alike, while the
#: handler is still typing); below, not offered.
POSSIBLE_SCORE = 2.0 ** -14


class Level(IntEnum):
    """How two values of one field compare, worst to best."""
    DIFFERENT = 0
    WEAK = 1
    SIMILAR = 2
    NICKNAME = 3
    PART = 4
    EXACT = 5


#: Bits for each level of the first and the last name (log2 m/u, rounded; u measured on generated
#: pairs: 0.2% of children share a first name, 0.25% a surname, 0.2% have a similar one).
GIVEN_BITS = {Level.EXACT: 7.0, Level.PART: 5.0, Level.NICKNAME: 5.0, Level.SIMILAR: 4.5, Level.WEAK: 1.5,
              Level.DIFFERENT: -6.0}
FAMILY_BITS = {Level.EXACT: 8.0, Level.PART: 5.0, Level.SIMILAR: 5.0, Level.WEAK: 1.5, Level.DIFFERENT: -4.0}
#: Names written the other way round cost this much against the same names the right way round.
SWAPPED_BITS = -1.0
#: Same date: u is 1 in ~6,600 dates of birth of children under 18. A transposed day and month is
#: rarer among the same child's records but as telling; one digit different has ~50 such neighbours.
DOB_EXACT_BITS, DOB_SWAPPED_BITS, DOB_ONE_DIGIT_BITS, DOB_DIFFERENT_BITS = 12.5, 7.0, 3.0, -6.0
#: An unborn child's expected date: a birth within this many days of it agrees a little.
EXPECTED_DATE_DAYS, EXPECTED_NEAR_BITS, EXPECTED_FAR_BITS = 56, 3.0, -3.0
#: Addresses: children move, so a different address counts against only a little.
ADDRESS_BITS = {"same address": 9.0, "same postcode": 7.0, "same building, another flat": 4.0,
                "same street": 3.0, "same postcode district": 1.0, "different address": -2.0}
#: An agreement on an earlier address, not the latest, counts this much less.
EARLIER_ADDRESS_BITS = -1.0
#: Sex (CIN census: M, F, U for not known): the same known sex agrees a little; a different one
#: rarely happens to the same child's records, and rules out "likely" (a brother or a sister).
SEXES_KNOWN = ("M", "F")
SAME_SEX_BITS, DIFFERENT_SEX_BITS = 1.0, -5.0


@dataclass(frozen=True)
class ChildQuery:
    """What the call handler typed: a full name or its two parts, a date of birth, an address."""
    full_name: str | None = None
    given: str | None = None
    family: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    #: M, F or U (not known), as the CIN census records it.
    sex: str | None = None

    def name_parts(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """First and last name tokens. A full name is split at a comma ("Kouao, Anna") or before its last word."""
        return self.name_splits()[0]

    def name_splits(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Every way to read the name as first and last names, the likeliest first: "Zoe Smith Jones" may be
        Zoe Smith + Jones or Zoe + Smith Jones."""
        if self.given or self.family:
            return [(name_tokens(self.given), name_tokens(self.family))]
        if self.full_name and "," in self.full_name:
            family, given = self.full_name.split(",", 1)
            return [(name_tokens(given), name_tokens(family))]
        tokens = name_tokens(self.full_name)
        return [(tokens[:-1], tokens[-1:])] + [(tokens[:cut], tokens[cut:]) for cut in range(1, len(tokens) - 1)]


@dataclass(frozen=True)
class CandidateChild:
    """A child already known, as the check compares them."""
    id: int
    #: (given, family, kind) for every name the child is known by, the current name first; kind is
    #: "current", "known as", "other surname" or "other spelling". Either name may be None.
    names: list[tuple[str | None, str | None, str]]
    date_of_birth: date | None = None
    #: True when date_of_birth is an unborn child's expected date of birth.
    is_expected_date: bool = False
    #: M, F or U (not known).
    sex: str | None = None
    #: Addresses as typed (or as normalise.parse_address made them, to save parsing), the latest first.
    addresses: list[str | Address] = field(default_factory=list)
    #: Anything the page shows beside the match (open work, team): carried, not compared.
    display: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    candidate_id: int
    #: Probability (0..1) that the candidate is the child on the call.
    score: float
    reasons: list[str]
    #: "likely the same child" rather than "possible".
    is_likely: bool
    candidate: CandidateChild | None = None

    @property
    def strength(self) -> str:
        return "likely the same child" if self.is_likely else "possible"


def rank(query: ChildQuery, candidates, limit: int = 5) -> list[Match]:
    """The candidates most likely to be the child on the call, best first, at most `limit`, none below POSSIBLE_SCORE.

    Every candidate is weighed; only the best are put into words (the slower part).
    """
    typed = _Typed.of(query)
    weighed = []
    for candidate in candidates:
        bits, may_be_likely, _ = _compare(typed, candidate, in_words=False)
        probability = _probability(bits, may_be_likely)
        if probability >= POSSIBLE_SCORE:
            weighed.append((-probability, -bits, candidate.id, candidate))
    weighed.sort(key=lambda found: found[:3])
    return [_match(typed, candidate) for *_, candidate in weighed[:limit]]


def score(query: ChildQuery, candidate: CandidateChild) -> Match:
    """Compare one candidate with the query: its score, whether likely, and the reasons in words."""
    return _match(_Typed.of(query), candidate)


@dataclass(frozen=True)
class _Typed:
    """The query in the form it is compared in, made once for all the candidates."""
    name_splits: list[tuple[tuple[str, ...], tuple[str, ...]]]
    date_of_birth: date | None
    address: Address
    sex: str | None

    @classmethod
    def of(cls, query: ChildQuery) -> "_Typed":
        return cls(query.name_splits(), query.date_of_birth, parse_address(query.address), query.sex)


def _probability(bits: float, may_be_likely: bool) -> float:
    probability = 1.0 / (1.0 + math.pow(2.0, PRIOR_BITS - bits))
    if not may_be_likely:  # a brother, sister or twin: at most possible, however much else agrees
        probability = min(probability, LIKELY_SCORE - 0.01)
    return probability


def _match(typed: _Typed, candidate: CandidateChild) -> Match:
    bits, may_be_likely, reasons = _compare(typed, candidate, in_words=True)
    probability = _probability(bits, may_be_likely)
    return Match(candidate.id, round(probability, 4), reasons, probability >= LIKELY_SCORE, candidate)


def _compare(typed: _Typed, candidate: CandidateChild, in_words: bool) -> tuple[float, bool, list[str]]:
    """(bits, whether the candidate may be "likely", the reasons when asked for in words).

    Only a candidate whose first name agrees and whose sex does not differ may be likely: a brother,
    sister or twin shares the rest.
    """
    bits, given_typed, family_typed, is_swapped, given_found, family_found = _compare_names(typed.name_splits,
                                                                                            candidate)
    dob_bits, dob_words = _compare_dates(typed.date_of_birth, candidate)
    address_bits, address_words = _compare_addresses(typed.address, candidate.addresses)
    sex_differs = typed.sex in SEXES_KNOWN and candidate.sex in SEXES_KNOWN and typed.sex != candidate.sex
    sex_bits = (DIFFERENT_SEX_BITS if sex_differs else SAME_SEX_BITS if typed.sex in SEXES_KNOWN
                and typed.sex == candidate.sex else 0.0)
    may_be_likely = given_found is not None and given_found[0] >= Level.SIMILAR and not sex_differs
    reasons = []
    if in_words:
        reasons = ["first and last names swapped"] if is_swapped else []
        reasons += _name_words(given_typed, given_found, _GIVEN_WORDS)
        reasons += _name_words(family_typed, family_found, _FAMILY_WORDS)
        reasons += [dob_words.format(known=candidate.date_of_birth)] if dob_words else []
        reasons += ["different sex"] if sex_differs else []
        reasons += address_words
    return bits + dob_bits + address_bits + sex_bits, may_be_likely, reasons


# --- Names -------------------------------------------------------------------------------------


@lru_cache(maxsize=262144)
def _similarity(a: str, b: str) -> Level:
    """How alike two single names are in spelling and sound."""
    if a == b:
        return Level.EXACT
    closeness = JaroWinkler.normalized_similarity(a, b)
    if closeness >= 0.9:
        return Level.SIMILAR
    sounds_alike = any(code == other for code, other in zip(sound_codes(a), sound_codes(b)))
    if closeness >= 0.75 and (sounds_alike or (
            min(len(a), len(b)) >= 4 and jellyfish.damerau_levenshtein_distance(a, b) <= 1)):
        return Level.SIMILAR
    if sounds_alike or closeness >= 0.8:
        return Level.WEAK
    return Level.DIFFERENT


@lru_cache(maxsize=262144)
def _compare_part(typed: tuple[str, ...], known: tuple[str, ...], is_given: bool) -> Level:
    """Compare one part of a name (first or last), word by word and as a whole."""
    if len(typed) == 1 and len(known) == 1:  # most names: one word each
        word, other = typed[0], known[0]
        if is_given and word != other and (other in nickname_family(word) or word in nickname_family(other)):
            return Level.NICKNAME
        return _similarity(word, other)
    if joined(typed) == joined(known):
        return Level.EXACT
    if set(typed) & set(known):  # "Mary" of "Mary Jane", "Jones" of "Smith-Jones"
        return Level.PART
    best = _similarity(joined(typed), joined(known))
    for word in typed:
        for other in known:
            if is_given and (other in nickname_family(word) or word in nickname_family(other)):
                return Level.NICKNAME
            best = max(best, _similarity(word, other))
    return min(best, Level.SIMILAR)


_GIVEN_WORDS = {Level.EXACT: "same first name", Level.PART: "first name in {known}",
                Level.NICKNAME: "nickname ({typed} / {known})", Level.SIMILAR: "similar first name ({typed} / {known})",
                Level.WEAK: "first name a little like ({typed} / {known})", Level.DIFFERENT: "different first name"}
_FAMILY_WORDS = {Level.EXACT: "same surname", Level.PART: "part of surname ({known})",
                 Level.SIMILAR: "similar surname ({typed} / {known})",
                 Level.WEAK: "surname a little like ({typed} / {known})", Level.DIFFERENT: "different surname"}


def _best_part(typed: tuple[str, ...], known, is_given: bool):
    """(level, name as recorded, kind) of the child's name the typed part is most like; None when there is none."""
    best = None
    for tokens, text, kind in known:
        level = _compare_part(typed, tokens, is_given)
        if best is None or level > best[0] or (level == best[0] and kind == "current"):
            best = (level, text, kind)
    return best


def _name_words(typed: tuple[str, ...], found, words) -> list[str]:
    if not typed or found is None:
        return []
    level, text, kind = found
    said = words[level].format(typed=" ".join(typed).title(), known=text)
    if kind != "current" and level > Level.DIFFERENT:
        return [f"{kind} '{text}'"] + ([] if level == Level.EXACT else [said])
    return [said]


def _part_bits(found, table) -> float:
    return 0.0 if found is None else table[found[0]]


def _compare_names(name_splits, candidate: CandidateChild):
    """The best reading of the typed name against the child's names, straight or swapped:
    (bits, first name typed, last name typed, whether swapped, first name found, last name found)."""
    givens = [(name_tokens(g), g, kind) for g, _, kind in candidate.names if g and name_tokens(g)]
    families = [(name_tokens(f), f, kind) for _, f, kind in candidate.names if f and name_tokens(f)]
    best = None
    for given, family in name_splits:
        for first, last, is_swapped in ((given, family, False), (family, given, True)):
            first_found = _best_part(first, givens, True) if first else None
            last_found = _best_part(last, families, False) if last else None
            bits = (_part_bits(first_found, GIVEN_BITS) + _part_bits(last_found, FAMILY_BITS)
                    + (SWAPPED_BITS if is_swapped else 0.0))
            if best is None or bits > best[0]:
                best = (bits, first, last, is_swapped, first_found, last_found)
    return best


# --- Dates of birth ----------------------------------------------------------------------------


def _digits(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _compare_dates(typed: date | None, candidate: CandidateChild) -> tuple[float, str | None]:
    """Bits for the date of birth, and the words ({known} stands for the child's date)."""
    known = candidate.date_of_birth
    if typed is None or known is None:
        return 0.0, None
    if candidate.is_expected_date:
        if abs((typed - known).days) <= EXPECTED_DATE_DAYS:
            return EXPECTED_NEAR_BITS, "born near the expected date ({known:%d/%m/%Y})"
        return EXPECTED_FAR_BITS, "far from the expected date ({known:%d/%m/%Y})"
    if typed == known:
        return DOB_EXACT_BITS, "same date of birth"
    if typed.year == known.year and typed.month == known.day and typed.day == known.month:
        return DOB_SWAPPED_BITS, "day and month transposed"
    # One digit wrong, or two digits of the day, the month or the year exchanged: one part differs.
    if ((typed.year == known.year) + (typed.month == known.month) + (typed.day == known.day) == 2
            and jellyfish.damerau_levenshtein_distance(_digits(typed), _digits(known)) == 1):
        return DOB_ONE_DIGIT_BITS, "date of birth one digit different ({known:%d/%m/%Y})"
    return DOB_DIFFERENT_BITS, "different date of birth ({known:%d/%m/%Y})"


# --- Addresses ---------------------------------------------------------------------------------


def _same_street(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (a == b or JaroWinkler.normalized_similarity(a, b) >= 0.92)


def _address_level(typed: Address, known: Address) -> list[str]:
    """The words for how two addresses agree, the strongest first; ["different address"] when not at all."""
    same_postcode = typed.postcode is not None and typed.postcode == known.postcode
    same_number = typed.number is not None and typed.number == known.number
    same_house = same_number and (same_postcode or _same_street(typed.street, known.street))
    if same_house and typed.flat and known.flat and typed.flat != known.flat:
        return ["same building, another flat"] + (["same postcode"] if same_postcode else [])
    if same_house:
        return ["same address"] + (["same postcode"] if same_postcode else [])
    if same_postcode:
        return ["same postcode"]
    if _same_street(typed.street, known.street) and not (typed.outward and known.outward
                                                        and typed.outward != known.outward):
        return ["same street"]
    if typed.outward and typed.outward == known.outward:
        return ["same postcode district"]
    return ["different address"]


def _compare_addresses(typed: Address, known_addresses) -> tuple[float, list[str]]:
    if typed.is_empty:
        return 0.0, []
    best = None
    for i, text in enumerate(known_addresses):
        known = parse_address(text) if isinstance(text, str) else text
        if known.is_empty:
            continue
        words = _address_level(typed, known)
        bits = ADDRESS_BITS[words[0]] + (EARLIER_ADDRESS_BITS if i and words[0] != "different address" else 0.0)
        if i and words[0] != "different address":
            words = words + ["an earlier address"]
        if best is None or bits > best[0]:
            best = (bits, words)
    return best or (0.0, [])
