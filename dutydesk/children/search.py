"""The records check against the database (R2.5): each child's blocking keys kept in step with their
record, and the children already known found for what the call handler typed.

The keys (search_keys.py) find at most MAX_CANDIDATES children sharing most keys with the query in
one indexed query; the scorer (matching.py) weighs them all and words the best. A record merged into
another (children.merging) is found as the record it was merged into, with every name, date and
address of both: the same child, whichever spelling the caller used.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from dutydesk.children.matching import CandidateChild, ChildQuery, Match, rank
from dutydesk.children.normalise import is_unknown_address, is_unknown_name, tidy
from dutydesk.children.search_keys import MAX_CANDIDATES, search_keys_for_child, search_keys_for_query
from dutydesk.extensions import db
from dutydesk.models import Child, ChildAddress, ChildName, ChildSearchKey
from dutydesk.models.codes import NameKind

#: How many children the check offers.
OFFERED = 5
#: How many rows the index writes at a time when it is rebuilt.
BATCH = 2000
#: The most of a name and of an address the check reads (the call form takes no more).
NAME_READ, ADDRESS_READ = 200, 2000


def _kind_words(kind: NameKind, to_date) -> str:
    """A name's kind as the scorer's reasons say it: "current", "known as", "former name"..."""
    if kind is NameKind.CURRENT:
        return "current" if to_date is None else "former name"
    return kind.label.lower()


def keys_of(child: Child) -> set[str]:
    """The blocking keys of a child's record: every name and address they have had, ended ones too
    (a spelling used years ago still finds them), and their date or expected date of birth."""
    names = [(name.given_names, name.family_name, name.kind.value) for name in child.names]
    addresses = [address.address for address in child.addresses]
    if child.date_of_birth is not None:
        return search_keys_for_child(names, child.date_of_birth, addresses)
    return search_keys_for_child(names, child.expected_date_of_birth, addresses,
                                 is_expected_date=child.expected_date_of_birth is not None)


def index_child(child: Child) -> int:
    """Add the keys the child's record has and the index lacks; returns how many were added.

    Keys are only ever added: a name ended or a date corrected leaves its keys, so the old
    spelling or the date once given still brings the child up to be weighed.
    """
    db.session.flush()
    keys = keys_of(child)
    known = set(db.session.scalars(select(ChildSearchKey.key).where(ChildSearchKey.child_id == child.id)))
    missing = sorted(keys - known)
    if missing:
        db.session.execute(insert(ChildSearchKey), [{"key": key, "child_id": child.id} for key in missing])
    return len(missing)


def rebuild_index(batch: int = BATCH) -> int:
    """Add the missing keys of every child's record (after a data migration or a purge), a batch of
    children at a time; returns how many keys were added."""
    added, last_id = 0, 0
    while True:
        children = db.session.scalars(
            select(Child).where(Child.id > last_id).order_by(Child.id).limit(batch)
            .execution_options(populate_existing=True)
        ).all()
        if not children:
            return added
        _load_histories([child.id for child in children])
        known = defaultdict(set)
        for key, child_id in db.session.execute(
                select(ChildSearchKey.key, ChildSearchKey.child_id)
                .where(ChildSearchKey.child_id.between(children[0].id, children[-1].id))):
            known[child_id].add(key)
        rows = [{"key": key, "child_id": child.id} for child in children
                for key in sorted(keys_of(child) - known[child.id])]
        if rows:
            db.session.execute(insert(ChildSearchKey), rows)
        added += len(rows)
        last_id = children[-1].id
        db.session.commit()
        db.session.expunge_all()


def _load_histories(child_ids: list[int]) -> None:
    """Load the names and addresses of many children in two queries (not two each)."""
    db.session.scalars(select(Child).where(Child.id.in_(child_ids))
                       .options(selectinload(Child.names), selectinload(Child.addresses))).all()


@dataclass(frozen=True)
class CheckResult:
    """What the records check found: the children offered, best first, and how many were weighed."""

    matches: list[Match]
    weighed: int

    @property
    def likely(self) -> list[Match]:
        return [match for match in self.matches if match.is_likely]


def query_for_call(name: str | None, date_of_birth: date | None, address: str | None) -> ChildQuery:
    """The records check's question about a child as a caller describes them: a name or an address
    that only says it is not known asks nothing. An unborn child's expected date of birth is asked
    as the date (the scorer compares it with an unborn child's expected date as such)."""
    name, address = tidy((name or "")[:NAME_READ]), tidy((address or "")[:ADDRESS_READ])
    return ChildQuery(full_name=None if is_unknown_name(name) else name, date_of_birth=date_of_birth,
                      address=None if not address or is_unknown_address(address) else address)


def find_children(query: ChildQuery, *, limit: int = OFFERED, exclude: Iterable[int] = ()) -> CheckResult:
    """The known children most likely to be the child typed, best first, each with why it matched.

    Excluded records (and records merged into them) are not offered: the duplicates list asks
    about a record without finding the record itself.
    """
    keys = search_keys_for_query(query)
    if not keys:
        return CheckResult([], 0)
    found = db.session.execute(
        select(ChildSearchKey.child_id).where(ChildSearchKey.key.in_(sorted(keys)))
        .group_by(ChildSearchKey.child_id)
        .order_by(func.count().desc(), ChildSearchKey.child_id).limit(MAX_CANDIDATES)
    ).scalars().all()
    candidates = load_candidates(found, exclude=exclude)
    return CheckResult(rank(query, candidates, limit), len(candidates))


def surviving_ids(child_ids: Iterable[int]) -> dict[int, int]:
    """Each record's id mapped to the record it now lives on as: itself, or the record it was
    merged into (followed to the end, when that one was merged too)."""
    pending, survivor = set(child_ids), {}
    parent: dict[int, int | None] = {}
    while pending:
        rows = db.session.execute(select(Child.id, Child.merged_into_id).where(Child.id.in_(sorted(pending)))).all()
        pending = set()
        for child_id, merged_into_id in rows:
            parent[child_id] = merged_into_id
            if merged_into_id is not None and merged_into_id not in parent:
                pending.add(merged_into_id)
    for child_id in parent:
        seen, current = set(), child_id
        while parent.get(current) is not None and current not in seen:
            seen.add(current)
            current = parent[current]
        survivor[child_id] = current
    return survivor


def merged_family(survivor_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each surviving record with every record merged into it, directly or through another."""
    family = {child_id: {child_id} for child_id in survivor_ids}
    owner = {child_id: child_id for child_id in family}
    frontier = set(family)
    while frontier:
        rows = db.session.execute(select(Child.id, Child.merged_into_id)
                                  .where(Child.merged_into_id.in_(sorted(frontier)))).all()
        frontier = set()
        for child_id, merged_into_id in rows:
            if child_id not in owner:
                owner[child_id] = owner[merged_into_id]
                family[owner[child_id]].add(child_id)
                frontier.add(child_id)
    return family


def load_candidates(child_ids: Iterable[int], *, exclude: Iterable[int] = ()) -> list[CandidateChild]:
    """The records as the scorer compares them, in four queries whatever their number: merged
    records as the record they were merged into, with the names and addresses of both.

    Only the columns the scorer reads are loaded, as rows, not as records: the check weighs up to
    MAX_CANDIDATES children on every keystroke, and making hundreds of ORM objects for it cost more
    than the queries themselves (benchmarks/records_check.py).
    """
    columns = (Child.id, Child.merged_into_id, Child.date_of_birth, Child.expected_date_of_birth, Child.sex)
    children = {row.id: row for row in db.session.execute(select(*columns).where(Child.id.in_(sorted(set(child_ids)))))}
    # A record merged into another is weighed as that one: follow the merges (rare) to the end.
    if any(row.merged_into_id is not None for row in children.values()):
        survivors = surviving_ids(children)
    else:
        survivors = {child_id: child_id for child_id in children}
    excluded = set(exclude)
    excluded |= {survivors.get(child_id, child_id) for child_id in excluded}
    wanted = sorted({survivor for survivor in survivors.values() if survivor not in excluded})
    if not wanted:
        return []
    if missing := [child_id for child_id in wanted if child_id not in children]:
        children |= {row.id: row for row in db.session.execute(select(*columns).where(Child.id.in_(missing)))}
    family = merged_family(wanted)
    member_of = {member: survivor for survivor, members in family.items() for member in members}
    members = sorted(member_of)
    names = defaultdict(list)
    for child_id, given, family_name, kind, to_date in db.session.execute(
            select(ChildName.child_id, ChildName.given_names, ChildName.family_name, ChildName.kind,
                   ChildName.to_date)
            .where(ChildName.child_id.in_(members)).order_by(ChildName.to_date.is_not(None), ChildName.id.desc())):
        names[member_of[child_id]].append((given, family_name, kind, to_date))
    addresses = defaultdict(list)
    for child_id, address in db.session.execute(
            select(ChildAddress.child_id, ChildAddress.address).where(ChildAddress.child_id.in_(members))
            .order_by(ChildAddress.to_date.is_not(None), ChildAddress.id.desc())):
        addresses[member_of[child_id]].append(address)
    candidates = []
    for child_id in wanted:
        child = children[child_id]
        known = sorted(names[child_id], key=lambda name: (name[2] is not NameKind.CURRENT or name[3] is not None))
        candidates.append(CandidateChild(
            id=child_id,
            names=[(given or None, family_name or None, _kind_words(kind, to_date))
                   for given, family_name, kind, to_date in known],
            date_of_birth=child.date_of_birth or child.expected_date_of_birth,
            is_expected_date=child.date_of_birth is None and child.expected_date_of_birth is not None,
            sex=child.sex.value, addresses=addresses[child_id],
        ))
    return candidates
