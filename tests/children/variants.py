"""A generated population of children and the ways a caller gets a known child's details wrong.

The records check (R2.5) is measured on these: each variant is a query about a child in the
population, written with one kind of variation (a misspelling, a nickname, day and month transposed,
an address written differently...), and each new child is a query about a child with no record,
among them brothers, sisters and twins of known children (same surname and address), the hardest
to tell apart. Names come from Faker's locales (en_GB mostly, and Irish, Indian, Yoruba, Polish,
Romanian, Turkish, Portuguese, French), plus common transliterated Arabic and Somali names.

`python -m tests.children.variants` prints recall and false matches for a population of 20,000.
"""

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from nicknames import NickNamer

from dutydesk.children.matching import CandidateChild, ChildQuery, rank
from dutydesk.children.normalise import day_month_swapped, name_tokens, nickname_family, sound_codes
from dutydesk.children.search_keys import MAX_CANDIDATES, search_keys_for_child, search_keys_for_query

#: Locales and their share of households.
LOCALES = {"en_GB": 62, "en_IE": 5, "en_IN": 8, "yo_NG": 5, "pl_PL": 4, "ro_RO": 3, "tr_TR": 3, "pt_PT": 2,
           "fr_FR": 2, "transliterated": 6}
#: Faker has these in Arabic script only; call handlers type them in Latin letters, spelt many ways.
TRANSLITERATED_GIVEN_FEMALE = ["Aisha", "Ayesha", "Fatima", "Maryam", "Zainab", "Amina", "Khadija", "Hafsa",
                               "Safiya", "Hodan", "Ayaan", "Sumaya", "Nimo", "Yasmin", "Leila"]
TRANSLITERATED_GIVEN_MALE = ["Mohammed", "Muhammad", "Mohamed", "Yusuf", "Ibrahim", "Omar", "Hamza", "Hassan",
                             "Ali", "Bilal", "Idris", "Abdirahman", "Mustafa", "Zakariya", "Ismail"]
TRANSLITERATED_FAMILY = ["Khan", "Ahmed", "Hussain", "Begum", "Rahman", "Ali", "Islam", "Mahmood", "Abdi",
                         "Mohamed", "Farah", "Hassan", "Osman", "Warsame", "Yusuf", "Kouao", "Siddiqui", "Chaudhry"]
STREET_TYPES = ["Road", "Street", "Avenue", "Lane", "Close", "Gardens", "Crescent", "Drive", "Grove", "Place",
                "Terrace", "Court", "Square", "Way", "Walk", "Mews", "Rise", "Park"]
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Gardens": "Gdns",
                 "Crescent": "Cres", "Drive": "Dr", "Grove": "Gr", "Place": "Pl", "Terrace": "Terr",
                 "Court": "Ct", "Square": "Sq", "Park": "Pk"}
POSTCODE_AREAS = ["N", "E", "SE", "SW", "NW", "W", "EN", "IG", "B", "M", "LS", "BD", "NG", "L"]
#: Sound-alike spellings: (pattern, replacement), tried in turn on a name.
SOUND_ALIKES = [("ph", "f"), ("f", "ph"), ("ck", "k"), ("k", "c"), ("c", "k"), ("ou", "u"), ("ee", "ea"),
                ("ea", "ee"), ("ie", "y"), ("y", "ie"), ("ei", "ie"), ("ai", "ay"), ("ay", "ai"), ("mm", "m"),
                ("nn", "n"), ("ll", "l"), ("tt", "t"), ("ss", "s"), ("th", "t"), ("o", "ou"), ("i", "y"),
                ("oo", "u"), ("sh", "sch"), ("z", "s"), ("s", "z"), ("aa", "a"), ("u", "o")]
KNOWN_SPELLINGS = [["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"], ["Aisha", "Ayesha", "Aysha"],
                   ["Catherine", "Katherine", "Kathryn"], ["Stephen", "Steven"], ["Sean", "Shaun", "Shawn"],
                   ["Zoe", "Zoë"], ["Kouao", "Kuao"], ["Anna", "Ana"], ["Hussain", "Hussein", "Husain"],
                   ["Yusuf", "Yousef", "Yusef"], ["Jayden", "Jaden", "Jaiden"], ["Leah", "Lea"]]
ACCENTS = {"e": "é", "o": "ö", "a": "á", "i": "ï", "u": "ü", "c": "ç"}


@dataclass(frozen=True)
class Variant:
    """A query about a known child, written with one kind of variation."""
    kind: str
    child_id: int
    query: ChildQuery


class _NamePools:
    """Names drawn from Faker per locale, as lists whose repeats keep each name's frequency."""

    def __init__(self, seed: int):
        self.pools = {}
        for locale in LOCALES:
            if locale == "transliterated":
                self.pools[locale] = (TRANSLITERATED_GIVEN_FEMALE, TRANSLITERATED_GIVEN_MALE, TRANSLITERATED_FAMILY)
                continue
            fake = Faker(locale)
            fake.seed_instance(seed)
            self.pools[locale] = ([fake.first_name_female() for _ in range(1500)],
                                  [fake.first_name_male() for _ in range(1500)],
                                  [fake.last_name() for _ in range(3000)])


def _postcode(rng: random.Random) -> str:
    return (f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 28)} "
            f"{rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")


def _address(flat, number, street, postcode) -> str:
    return ", ".join(part for part in (f"Flat {flat}" if flat else None, f"{number} {street}", "London", postcode)
                     if part)


class Population:
    """Children in households: brothers and sisters share a surname and an address; some are twins."""

    def __init__(self, size: int, seed: int = 11, today: date = date(2026, 12, 1)):
        self.rng = random.Random(seed)
        self.today = today
        self.names = _NamePools(seed)
        self.nicknamer = NickNamer()
        self.streets = [f"{self.rng.choice(self.names.pools['en_GB'][2])} {self.rng.choice(STREET_TYPES)}"
                        for _ in range(max(50, size // 15))]
        self.postcodes = {}
        self.children: list[CandidateChild] = []
        self.households: list[list[CandidateChild]] = []
        while len(self.children) < size:
            self.households.append(self._household(len(self.children) + 1))
            self.children.extend(self.households[-1])
        self.by_id = {child.id: child for child in self.children}

    def _locale(self) -> str:
        return self.rng.choices(list(LOCALES), weights=list(LOCALES.values()))[0]

    def _given(self, locale: str, sex: str) -> str:
        female, male, _ = self.names.pools[locale]
        return self.rng.choice(female if sex == "F" else male)

    def _sex(self) -> str:
        return self.rng.choice("FM")

    def _family(self, locale: str) -> str:
        family = self.rng.choice(self.names.pools[locale][2])
        if self.rng.random() < 0.04:  # double-barrelled
            family += "-" + self.rng.choice(self.names.pools[self._locale()][2])
        return family

    def _dob(self) -> date:
        return self.today - timedelta(days=self.rng.randint(0, 18 * 365 - 1))

    def new_address(self) -> str:
        street = self.rng.choice(self.streets)
        number = self.rng.randint(1, 180)
        postcode = self.postcodes.setdefault((street, number // 20), _postcode(self.rng))
        flat = self.rng.randint(1, 12) if self.rng.random() < 0.25 else None
        return _address(flat, number, street, postcode)

    def _aliases(self, given: str, family: str, locale: str, sex: str) -> list[tuple[str | None, str | None, str]]:
        roll = self.rng.random()
        if roll < 0.06:
            nicknames = sorted(self.nicknamer.nicknames_of(given))
            known_as = self.rng.choice(nicknames).title() if nicknames else self._given(locale, sex)
            return [(known_as, None, "known as")]
        if roll < 0.11:
            return [(None, self._family(self._locale()), "other surname")]
        if roll < 0.14:
            return [(None, misspell(family, self.rng), "other spelling")]
        return []

    def _household(self, next_id: int) -> list[CandidateChild]:
        locale = self._locale()
        family = self._family(locale)
        addresses = [self.new_address()] + ([self.new_address()] if self.rng.random() < 0.2 else [])
        size = self.rng.choices([1, 2, 3, 4], weights=[50, 30, 15, 5])[0]
        children, twin_of = [], None
        for i in range(size):
            sex = self._sex()
            given = self._given(locale, sex)
            while not unlike(given, [child.names[0][0] for child in children]):
                given = self._given(locale, sex)
            dob = twin_of if twin_of else self._dob()
            twin_of = dob if (i == 0 and size > 1 and self.rng.random() < 0.08) else None
            names = [(given, family, "current")] + self._aliases(given, family, locale, sex)
            children.append(CandidateChild(next_id + i, names, dob, addresses=addresses, sex=sex))
        return children

    def new_children(self, count: int) -> list[ChildQuery]:
        """Queries about children with no record: 70% of new families, 20% brothers or sisters of known
        children, 10% twins of known children (same date of birth, surname and address)."""
        queries = []
        for _ in range(count):
            roll = self.rng.random()
            sex = self._sex()
            if roll < 0.7:
                locale = self._locale()
                given, family, dob, address = (self._given(locale, sex), self._family(locale), self._dob(),
                                               self.new_address())
            else:
                known = self.rng.choice(self.children)
                known_given, family, _ = known.names[0]
                given = known_given
                while not unlike(given, [known_given]):
                    given = self._given(self._locale() if self.rng.random() < 0.2 else "en_GB", sex)
                dob = known.date_of_birth if roll >= 0.9 else self._dob()
                address = known.addresses[0]
            queries.append(ChildQuery(given=given, family=family, date_of_birth=dob, address=address,
                                      sex=sex if self.rng.random() < 0.9 else None))
        return queries


def unlike(given: str, others: list[str]) -> bool:
    """Brothers and sisters have different first names, not two spellings or forms of one."""
    word = name_tokens(given)
    return all(not (word and name_tokens(other) and (
        sound_codes(word[0])[0] == sound_codes(name_tokens(other)[0])[0]
        or name_tokens(other)[0] in nickname_family(word[0]) or word[0] in nickname_family(name_tokens(other)[0])))
        for other in others)


# --- Variations --------------------------------------------------------------------------------


def misspell(name: str, rng: random.Random) -> str:
    """One typing slip: a letter dropped, doubled, changed or two letters exchanged."""
    if len(name) < 3:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    slip = rng.choice(["drop", "double", "change", "swap"])
    if slip == "drop":
        return name[:i] + name[i + 1:]
    if slip == "double":
        return name[:i] + name[i] + name[i:]
    if slip == "change":
        return name[:i] + rng.choice("aeiournstl".replace(name[i].lower(), "")) + name[i + 1:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def sound_alike(name: str, rng: random.Random) -> str | None:
    """The name as someone hearing it might spell it (Mohammed/Muhammad, Kouao/Kuao, Stephen/Steven)."""
    for spellings in KNOWN_SPELLINGS:
        if name in spellings:
            return rng.choice([other for other in spellings if other != name])
    rules = [(old, new) for old, new in SOUND_ALIKES if old in name.lower()[1:]]
    if not rules:
        return None
    old, new = rng.choice(rules)
    at = name.lower().index(old, 1)
    return name[:at] + new + name[at + len(old):]


def accents_and_hyphens(name: str, rng: random.Random) -> str | None:
    """Accents dropped or added, hyphens and apostrophes written another way."""
    if "-" in name:
        return name.replace("-", rng.choice([" ", ""]))
    if "'" in name:
        return name.replace("'", rng.choice([" ", ""]))
    plain = "".join(c for c in __import__("unicodedata").normalize("NFKD", name) if ord(c) < 128)
    if plain != name:
        return plain
    vowels = [i for i, c in enumerate(name) if c in ACCENTS]
    if not vowels:
        return None
    i = rng.choice(vowels)
    return name[:i] + ACCENTS[name[i]] + name[i + 1:]


def one_digit_wrong(day: date, rng: random.Random) -> date | None:
    """The date with one digit of DD/MM/YYYY typed wrong, when that is still a plausible date."""
    digits = day.strftime("%d%m%Y")
    for _ in range(20):
        i = rng.choice([0, 1, 2, 3, 6, 7])
        typed = digits[:i] + str(rng.choice([d for d in range(10) if str(d) != digits[i]])) + digits[i + 1:]
        try:
            found = date(int(typed[4:]), int(typed[2:4]), int(typed[:2]))
        except ValueError:
            continue
        if date(2000, 1, 1) <= found <= date(2027, 12, 31):
            return found
    return None


def rewrite_address(text: str, rng: random.Random) -> str:
    """The same address written differently: flat moved, street type shortened, postcode squeezed or left out."""
    parts = text.split(", ")
    flat = parts.pop(0) if parts[0].startswith("Flat") else None
    house, _, postcode = parts[0], parts[1], parts[-1]
    changes = rng.sample(["flat", "abbreviate", "postcode", "no postcode", "case"], k=2)
    if "abbreviate" in changes:
        number_street, street_type = house.rsplit(" ", 1)
        house = f"{number_street} {ABBREVIATIONS.get(street_type, street_type)}"
    if "postcode" in changes:
        postcode = rng.choice([postcode.replace(" ", ""), postcode.lower(), postcode.replace(" ", "  ")])
    if "flat" in changes and flat:
        pieces = [house, flat.lower(), postcode]
    else:
        pieces = ([flat] if flat else []) + [house, postcode]
    if "no postcode" in changes:
        pieces = [piece for piece in pieces if piece is not postcode]
    written = ", ".join(pieces)
    return written.lower() if "case" in changes else written


class Variations:
    """Each kind of variation the check must survive, as a function from a known child to a query."""

    def __init__(self, population: Population, seed: int = 12):
        self.population = population
        self.rng = random.Random(seed)

    def _query(self, child: CandidateChild, given=None, family=None, dob=..., address=..., keep_all=False):
        current_given, current_family, _ = child.names[0]
        given, family = given or current_given, family or current_family
        rng = self.rng
        if dob is ...:
            dob = child.date_of_birth if keep_all or rng.random() > 0.1 else None
        if address is ...:
            address = child.addresses[0] if keep_all or rng.random() > 0.3 else None
        sex = child.sex if rng.random() < 0.9 else None
        if rng.random() < 0.5:
            return ChildQuery(given=given, family=family, date_of_birth=dob, address=address, sex=sex)
        full = f"{family}, {given}" if rng.random() < 0.2 else f"{given} {family}"
        return ChildQuery(full_name=full, date_of_birth=dob, address=address, sex=sex)

    def spelling(self, child):
        given, family, _ = child.names[0]
        if self.rng.random() < 0.5:
            return self._query(child, given=misspell(given, self.rng))
        return self._query(child, family=misspell(family, self.rng))

    def sound(self, child):
        given, family, _ = child.names[0]
        order = [("given", given), ("family", family)]
        self.rng.shuffle(order)
        for part, name in order:
            if (heard := sound_alike(name, self.rng)) and heard != name:
                return self._query(child, **{part: heard})
        return None

    def accents_hyphens(self, child):
        given, family, _ = child.names[0]
        for part, name in [("family", family), ("given", given)]:
            if written := accents_and_hyphens(name, self.rng):
                return self._query(child, **{part: written})
        return None

    def swapped(self, child):
        given, family, _ = child.names[0]
        return self._query(child, given=family, family=given)

    def alias(self, child):
        if len(child.names) < 2:
            return None
        given, family, _ = self.rng.choice(child.names[1:])
        return self._query(child, given=given, family=family)

    def nickname(self, child):
        given, _, _ = child.names[0]
        nicknames = sorted(self.population.nicknamer.nicknames_of(given))
        return self._query(child, given=self.rng.choice(nicknames).title()) if nicknames else None

    def dob_transposed(self, child):
        swapped = day_month_swapped(child.date_of_birth)
        return self._query(child, dob=swapped) if swapped else None

    def dob_one_digit(self, child):
        typed = one_digit_wrong(child.date_of_birth, self.rng)
        return self._query(child, dob=typed) if typed else None

    def address(self, child):
        return self._query(child, address=rewrite_address(child.addresses[0], self.rng), dob=None
                           if self.rng.random() < 0.3 else child.date_of_birth)

    def combined(self, child):
        """Three slips at once: the surname misheard or mistyped, one digit of the date, the address rewritten."""
        _, family, _ = child.names[0]
        typed = one_digit_wrong(child.date_of_birth, self.rng)
        heard = sound_alike(family, self.rng) or misspell(family, self.rng)
        return self._query(child, family=heard, dob=typed, address=rewrite_address(child.addresses[0], self.rng))

    KINDS = ("spelling", "sound", "accents_hyphens", "swapped", "alias", "nickname", "dob_transposed",
             "dob_one_digit", "address", "combined")

    def generate(self, per_kind: int) -> list[Variant]:
        """per_kind variants of each kind, each about a different child where the kind applies."""
        variants = []
        for kind in self.KINDS:
            made = 0
            for child in self.rng.sample(self.population.children, len(self.population.children)):
                if made == per_kind:
                    break
                if query := getattr(self, kind)(child):
                    variants.append(Variant(kind, child.id, query))
                    made += 1
        return variants


# --- Finding candidates as the database will ---------------------------------------------------


class KeyIndex:
    """The blocking keys of a population in memory: what the table of keys does in the database."""

    def __init__(self, children):
        self.children = {child.id: child for child in children}
        self.postings = defaultdict(list)
        for child in children:
            for key in search_keys_for_child(child.names, child.date_of_birth, child.addresses):
                self.postings[key].append(child.id)

    def candidates(self, query: ChildQuery, limit: int = MAX_CANDIDATES) -> list[CandidateChild]:
        shared = Counter()
        for key in search_keys_for_query(query):
            shared.update(self.postings.get(key, ()))
        return [self.children[child_id] for child_id, _ in shared.most_common(limit)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(population_size: int = 20_000, per_kind: int = 250, new_children: int = 2_000, seed: int = 11) -> dict:
    """Recall in the top 5 and top 1 per kind, how often a child with no record is offered as likely,
    and the time to find candidates by key and to rank them."""
    population = Population(population_size, seed=seed)
    index = KeyIndex(population.children)
    variants = Variations(population, seed=seed + 1).generate(per_kind)
    found = {kind: [0, 0, 0, 0, 0] for kind in Variations.KINDS}  # variants, top 5, top 1, retrieved, likely
    sizes, finding, ranking, misses = [], [], [], []
    for variant in variants:
        started = time.perf_counter()
        candidates = index.candidates(variant.query)
        found_at = time.perf_counter()
        ranked = rank(variant.query, candidates)
        finding.append(found_at - started)
        ranking.append(time.perf_counter() - found_at)
        sizes.append(len(candidates))
        ids = [match.candidate_id for match in ranked]
        counts = found[variant.kind]
        counts[0] += 1
        counts[1] += variant.child_id in ids
        counts[2] += ids[:1] == [variant.child_id]
        counts[3] += any(candidate.id == variant.child_id for candidate in candidates)
        counts[4] += any(match.is_likely and match.candidate_id == variant.child_id for match in ranked)
        if variant.child_id not in ids:
            misses.append(variant)
    new = population.new_children(new_children)
    likely = [(query, ranked[0]) for query in new
              if (ranked := rank(query, index.candidates(query))) and ranked[0].is_likely]
    return {
        "by_kind": {kind: {"variants": n, "top5": top5 / n, "top1": top1 / n, "retrieved": got / n,
                           "likely": sure / n}
                    for kind, (n, top5, top1, got, sure) in found.items() if n},
        "variants": len(variants),
        "top5": sum(c[1] for c in found.values()) / len(variants),
        "top1": sum(c[2] for c in found.values()) / len(variants),
        "new_children": len(new),
        "new_offered_as_likely": len(likely) / len(new),
        "new_likely_queries": likely,
        "finding_ms": (1000 * _percentile(finding, 0.5), 1000 * _percentile(finding, 0.95)),
        "ranking_ms": (1000 * _percentile(ranking, 0.5), 1000 * _percentile(ranking, 0.95)),
        "candidates": (_percentile(sizes, 0.5), _percentile(sizes, 0.95)),
        "misses": misses,
    }


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    results = measure(population_size=size)
    print(f"population {size}")
    for kind, figures in results["by_kind"].items():
        print(f"{kind:16} {figures['variants']:5} variants  retrieved {figures['retrieved']:.1%}"
              f"  top 5 {figures['top5']:.1%}  top 1 {figures['top1']:.1%}  likely {figures['likely']:.1%}")
    print(f"all {results['variants']} variants: top 5 {results['top5']:.1%}, top 1 {results['top1']:.1%}")
    print(f"{results['new_children']} new children offered as likely: {results['new_offered_as_likely']:.2%}")
    print("candidates per query (median, p95): %d, %d" % results["candidates"])
    print("finding by key ms (median, p95): %.2f, %.2f" % results["finding_ms"])
    print("ranking ms (median, p95): %.2f, %.2f" % results["ranking_ms"])
    for variant in results["misses"][:20]:
        print("MISS", variant.kind, variant.query, variant.child_id)
    for query, match in results["new_likely_queries"][:20]:
        print("NEW OFFERED AS LIKELY", query, match.candidate.names, match.candidate.date_of_birth, match.reasons)
