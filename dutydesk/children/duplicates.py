"""The likely duplicate records already in the database (R2.5): the records check run on every record.

For each live record (not merged into another), the finder asks the records check's own question,
find_children, with what the record says now: each current name, the date of birth, the latest
address and the sex, leaving the record itself (and the records merged into it) out. The same
blocking keys find the candidates and the same scorer weighs them and words the reasons, so a
pair is listed for the reasons a call handler would have been shown. Pairs scoring LISTED_SCORE
or more are kept, each pair once (the better of its two directions), unless a manager has said
they are not the same child.

The records are asked about a batch at a time (find_each): the same keys, limits and scorer as
find_children, with the reading batched (one look-up of every key of the batch, the candidates
of them all loaded together), which answers exactly as find_children does (tested) about twice
as fast. Measured on 20,000 generated children: about 130 records a second on SQLite and 50 on
PostgreSQL (on a shared machine), so a million records take hours, not days; loading the
candidates' names and addresses as ORM objects is most of the time.

A scan over every record takes a while, so its pairs are kept in duplicate_pairs, which each scan replaces wholesale, and the page says
when the list was made. `flask find-duplicates` makes it at once; the scheduler's job makes it
again once it is a day old. Any number of schedulers may run the job at once: a scan is claimed
first (a row in duplicate_scans, written under a lock that makes claims take turns), and
another scheduler finding a claim that is recent, or a list that is fresh, does nothing. A scan
stopped by SIGTERM says so and gives back its claim; one that died leaves a claim that lapses
after CLAIM_LASTS. The list is replaced in one transaction, under the same lock, so two scans
finishing together never mix their pairs.

Why not a record-linkage library with a second engine (Splink on DuckDB, or Spark): it would be
a second model (its own blocking rules, comparisons and trained m/u weights) to keep in step
with the one the records check uses, and it would bring DuckDB (and, at scale, Spark) to a
service that runs on SQLite or PostgreSQL alone; the same matcher run in batches gives the same
answers as the check, with the same reasons.
"""

import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Event

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from dutydesk.children.matching import ChildQuery, Match, rank
from dutydesk.children.merging import ordered
from dutydesk.children.search import OFFERED, load_candidates, surviving_ids
from dutydesk.children.search_keys import MAX_CANDIDATES, search_keys_for_query
from dutydesk.clock import now_utc
from dutydesk.database import take_turns
from dutydesk.extensions import db
from dutydesk.models import Child, ChildSearchKey, DuplicatePair, DuplicateScan, NotSameChild
from dutydesk.models.codes import NameKind

log = logging.getLogger(__name__)

#: A pair is listed from this probability up: "likely the same child", or "possible" and as
#: likely as not (a twin with another first name scores here, for a manager to rule out).
LISTED_SCORE = 0.5
#: How many records are read at a time.
BATCH = 500
#: The scheduler's job makes the list again once the last is this old.
REMADE_EVERY = timedelta(days=1)
#: A scan that has neither finished nor stopped in this long is taken to have died.
CLAIM_LASTS = timedelta(hours=6)
#: At most this many values in one IN (...) (SQLite allows 32,766 bound values a statement).
_CHUNK = 5000
#: Any number: the key of the PostgreSQL advisory lock that makes claims and replacements take turns.
_LOCK_KEY = 110_011


@dataclass(frozen=True)
class Found:
    child_id: int
    other_id: int
    score: float
    is_likely: bool
    reasons: list[str]


def _take_turns() -> None:
    """Hold, until this transaction ends, the lock that scans claim and replace the list under."""
    take_turns(db.session, _LOCK_KEY)


def queries_for(child: Child) -> list[ChildQuery]:
    """What the records check would be asked about this child now: one query for each current name."""
    current = [address for address in child.addresses_over_time if address.is_current]
    address = (current or child.addresses_over_time or [None])[0]
    common = dict(date_of_birth=child.date_of_birth, address=address.address if address else None,
                  sex=child.sex.value)
    names = [name for name in child.current_names if name.kind in (NameKind.CURRENT, NameKind.ALIAS)] \
        or child.current_names
    if not names:
        return [ChildQuery(**common)]
    return [ChildQuery(given=name.given_names or None, family=name.family_name or None, **common)
            if name.given_names or name.family_name else ChildQuery(full_name=name.full_name, **common)
            for name in names]


def find_each(asked: list[tuple[ChildQuery, int]]) -> list[list[Match]]:
    """find_children(query, exclude=[record]) for many queries at once, with the same answers: the
    same blocking keys and limits pick the same candidates, and the same scorer ranks them. Only the
    reading is batched: the keys of every query in one look-up (in chunks) and the candidates of
    them all loaded together, where find_children reads six times for each query."""
    keys_of_query = [search_keys_for_query(query) for query, _ in asked]
    postings: dict[str, list[int]] = defaultdict(list)
    every_key = sorted(set().union(*keys_of_query)) if keys_of_query else []
    for start in range(0, len(every_key), _CHUNK):
        for key, child_id in db.session.execute(
                select(ChildSearchKey.key, ChildSearchKey.child_id)
                .where(ChildSearchKey.key.in_(every_key[start:start + _CHUNK]))):
            postings[key].append(child_id)
    found_of_query = []
    for keys in keys_of_query:
        shared = Counter()
        for key in keys:
            shared.update(postings.get(key, ()))
        found_of_query.append([child_id for child_id, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))
                               [:MAX_CANDIDATES]])
    every_found = sorted(set().union(*found_of_query)) if found_of_query else []
    survivor = surviving_ids(every_found)
    candidates = {}
    for start in range(0, len(every_found), _CHUNK):
        candidates.update((candidate.id, candidate) for candidate in load_candidates(every_found[start:start + _CHUNK]))
    answers = []
    for (query, record_id), found in zip(asked, found_of_query):
        wanted = {survivor.get(child_id, child_id) for child_id in found} - {record_id}
        answers.append(rank(query, [candidates[child_id] for child_id in sorted(wanted) if child_id in candidates],
                            OFFERED))
    return answers


def find_pairs(*, batch: int = BATCH, stop: Event | None = None) -> tuple[dict[tuple[int, int], Found], int]:
    """Every pair of live records likely the same child, and how many records were asked about.

    Reads only. Stops between batches when `stop` is set (the caller sees it set)."""
    refused = {tuple(row) for row in db.session.execute(select(NotSameChild.child_id, NotSameChild.other_id))}
    found: dict[tuple[int, int], Found] = {}
    records, last_id = 0, 0
    while not (stop is not None and stop.is_set()):
        children = db.session.scalars(
            select(Child).where(Child.id > last_id, Child.merged_into_id.is_(None)).order_by(Child.id).limit(batch)
            .options(selectinload(Child.names), selectinload(Child.addresses))).all()
        if not children:
            break
        asked = [(query, child.id) for child in children for query in queries_for(child)]
        for (_, child_id), matches in zip(asked, find_each(asked)):
            for match in matches:
                pair = ordered(child_id, match.candidate_id)
                if match.score < LISTED_SCORE or pair in refused:
                    continue
                best = found.get(pair)
                if best is None or (match.score, match.is_likely) > (best.score, best.is_likely):
                    found[pair] = Found(*pair, match.score, match.is_likely, list(match.reasons))
        records += len(children)
        last_id = children[-1].id
    return found, records


def _replace_list(scan: DuplicateScan, found: dict[tuple[int, int], Found], records: int, started: float) -> None:
    _take_turns()
    db.session.execute(delete(DuplicatePair))
    rows = [{"child_id": pair.child_id, "other_id": pair.other_id, "score": pair.score, "is_likely": pair.is_likely,
             "reasons": pair.reasons, "scan_id": scan.id} for _, pair in sorted(found.items())]
    if rows:
        db.session.execute(insert(DuplicatePair), rows)
    scan.finished_at = max(now_utc(), scan.started_at)  # never before it began, whatever the clock says
    scan.records, scan.pairs, scan.seconds = records, len(rows), round(time.monotonic() - started, 3)
    db.session.flush()


def find_duplicates(now: datetime, *, batch: int = BATCH) -> DuplicateScan:
    """Make the duplicates list again, within the caller's transaction (the demo, tests): flushes."""
    started = time.monotonic()
    scan = DuplicateScan(started_at=now, records=0, pairs=0, seconds=0.0)
    db.session.add(scan)
    db.session.flush()
    found, records = find_pairs(batch=batch)
    _replace_list(scan, found, records, started)
    return scan


def _claim(now: datetime, only_when_due: bool) -> DuplicateScan | None:
    """Claim the making of the list, and commit the claim; None when it is fresh or being made."""
    _take_turns()
    if only_when_due:
        fresh = db.session.scalar(select(DuplicateScan.id).where(DuplicateScan.finished_at > now - REMADE_EVERY)
                                  .limit(1))
        running = db.session.scalar(select(DuplicateScan.id).where(
            DuplicateScan.finished_at.is_(None), DuplicateScan.stopped_at.is_(None),
            DuplicateScan.started_at > now - CLAIM_LASTS).limit(1))
        if fresh is not None or running is not None:
            db.session.rollback()
            return None
    scan = DuplicateScan(started_at=now, records=0, pairs=0, seconds=0.0)
    db.session.add(scan)
    db.session.commit()
    return scan


def make_duplicates_list(now: datetime, *, only_when_due: bool = False, stop: Event | None = None,
                         batch: int = BATCH) -> DuplicateScan | None:
    """Claim, scan every record and replace the list, committing the claim and then the list.

    With `only_when_due` (the scheduler), nothing is done while the list is less than a day old
    or another scan is making it. A stop between batches records that the scan stopped, and the
    list stays as it was. Returns the scan, or None when there was nothing to do."""
    scan = _claim(now, only_when_due)
    if scan is None:
        return None
    started = time.monotonic()
    try:
        found, records = find_pairs(batch=batch, stop=stop)
        db.session.rollback()  # end the reading transaction before taking the lock to write
        scan = db.session.get(DuplicateScan, scan.id)
        if stop is not None and stop.is_set():
            scan.stopped_at, scan.records = now_utc(), records
        else:
            _replace_list(scan, found, records, started)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _give_back(scan.id)
        raise
    return scan


def _give_back(scan_id: int) -> None:
    """A scan that failed says so, so that it holds no claim."""
    scan = db.session.get(DuplicateScan, scan_id)
    if scan is not None and scan.finished_at is None:
        scan.stopped_at = now_utc()
        db.session.commit()


def duplicates_job(stop: Event) -> None:
    """The scheduler's job: make the duplicates list again when it is a day old, once whatever the schedulers."""
    scan = make_duplicates_list(now_utc(), only_when_due=True, stop=stop)
    if scan is not None:
        log.info("duplicates: %s record(s) weighed, %s pair(s) listed in %.1f s%s", scan.records, scan.pairs,
                 scan.seconds, " (stopped)" if scan.stopped_at else "")
