"""The records check over a million children: `python -m benchmarks.records_check`.

The issue: search-as-you-type over 1 million generated children on SQLite and on PostgreSQL, median
and p95 latency through the app, beside an exact-match lookup in the same run; recall on generated
name, alias, date and address variants (at least 2,000), and false matches on children who have no
record. Targets: median under 50 ms and p95 under 150 ms on both; the right child in the top 5 for
at least 95% of variants; a child with no record offered as "likely the same child" for at most 1%
of new children.

**Data.** The children of tests/children/variants.py's `Population` (households of brothers and
sisters sharing a surname and an address, twins, aliases, other surnames, moves), written into a real
dutydesk database whose schema is made by `flask db upgrade`: rows in children, child_names,
child_addresses and child_search_keys (the keys `search_keys_for_child` makes, as `keys_of` makes them
from the rows: checked on a sample after loading), created by a call handler made by dutydesk's
`create_user`. SQLite: sqlite3 `executemany`, a batch of children per transaction, synchronous and the
journal off while loading. PostgreSQL: COPY through psycopg, the keys' primary key and index made
after the rows. Then ANALYZE. The built databases are kept (SQLite: benchmarks/.cache/; PostgreSQL:
the database `dutydesk_bench_search`) under a key of size, seed, generator version and migrations,
so the next run loads nothing.

**Latency.** Two gunicorn servers with the same settings on the same database: dutydesk (the records
check's `POST /calls/records-check`, see benchmarks/records_app.py; a stand-in until dutydesk has
it) and the exact-match baseline (`POST /children-exact`, a bare Flask endpoint selecting children by
exact current surname and date of birth through an index). A signed-in call handler types a few
hundred variant queries as a handler would, one request per step ("An", "Ana", "Ana Ko", "Ana Kou",
"Ana Kouao", then the date of birth, then the address), one client at a time; each body (the whole
log-call form as the browser posts it) goes to the app and then to the baseline.

**Recall.** Every variant of every kind (tests/children/variants.py's `Variations`) and every new
child (`Population.new_children`) through `find_children` in-process against the same database.
"""

import argparse
import hashlib
import math
import os
import random
import secrets
import sqlite3
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from config import _database_url

from benchmarks.kept import Meta, copy_text, has_tables, kept_postgres, kept_sqlite, sqlite_value
from benchmarks.kept import cache_key as kept_cache_key
from benchmarks.run import (BENCH_SECRET_KEY, DEFAULT_OUTPUT, DEFAULT_POSTGRES, ROOT, BenchError,
                            GunicornSettings, Server, call_form, csrf_token, http_request,
                            log, run_checked, write_section)

SIZE = 1_000_000
SEED = 11
#: Variants per kind of variation (ten kinds) and new children, for recall and false matches.
PER_KIND = 250
NEW_CHILDREN = 2_000
#: Variant queries typed through the app, and sequences typed first to warm the workers.
QUERIES = 300
WARMUP = 30
#: Bump when the rows written for a population change: a cached database is then rebuilt.
GENERATION = 1
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_RECALL, TARGET_FALSE_LIKELY = 50.0, 150.0, 0.95, 0.01
POSTGRES_NAME = "dutydesk_bench_search"
SECTION_NAME = "records"
BATCH = 20_000
HANDLER = "records-bench-handler"
#: The bench database only: the index the exact-match baseline selects through.
EXACT_INDEX = "CREATE INDEX IF NOT EXISTS bench_ix_child_names_family_name ON child_names (family_name)"
KINDS = {"current": "current", "known as": "known_as", "other surname": "other_surname", "other spelling": "alias"}


# ---------------------------------------------------------------------------------------------
# The population and its rows


def population(size: int, seed: int):
    from tests.children.variants import Population

    return Population(size, seed=seed)


def fingerprint(people) -> str:
    """A digest of the population's first and last children: a cached database is only reused for the
    very population it was built from."""
    sample = people.children[:200] + people.children[-200:]
    text_ = repr([(c.id, c.names, c.date_of_birth, c.addresses, c.sex) for c in sample])
    return hashlib.sha1(f"{len(people.children)}:{text_}".encode()).hexdigest()[:16]


def cache_key(size: int, seed: int) -> str:
    return kept_cache_key(size, seed, GENERATION)


@dataclass
class Rows:
    children: list = field(default_factory=list)
    names: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    keys: list = field(default_factory=list)


class RowMaker:
    """The rows of each generated child, as dutydesk's operations would write them."""

    def __init__(self, user_id: int, first_id: int, recorded: datetime):
        from dutydesk.children.normalise import normalise_address, parse_postcode

        self.user_id, self.offset = user_id, first_id - 1
        self.recorded = recorded
        self.moved = (recorded - timedelta(days=400)).date()
        self._address = {}
        self._normalise, self._postcode = normalise_address, parse_postcode

    def address(self, text_: str) -> tuple[str, str | None]:
        if text_ not in self._address:
            self._address[text_] = (self._normalise(text_), self._postcode(text_))
        return self._address[text_]

    def rows(self, children) -> Rows:
        from dutydesk.children.search_keys import search_keys_for_child

        rows, user, recorded, moved = Rows(), self.user_id, self.recorded, self.moved
        for child in children:
            child_id = child.id + self.offset
            rows.children.append((child_id, child.date_of_birth, child.sex, "", "not_known", recorded, user))
            for given, family, kind in child.names:
                rows.names.append((child_id, KINDS[kind], " ".join(part for part in (given, family) if part),
                                   given or "", family or "", recorded, user))
            # Oldest first, so the current address (the population's first) has the highest id.
            for position in range(len(child.addresses) - 1, -1, -1):
                text_ = child.addresses[position]
                normalised, postcode = self.address(text_)
                ended = position > 0
                rows.addresses.append((child_id, text_, normalised, postcode, moved if ended else None, recorded,
                                       user, recorded if ended else None, user if ended else None))
            for key in search_keys_for_child(child.names, child.date_of_birth, child.addresses):
                rows.keys.append((key, child_id))
        return rows


CHILD_COLUMNS = "id, date_of_birth, sex, first_language, interpreter_need, created_at, created_by_id"
NAME_COLUMNS = "child_id, kind, full_name, given_names, family_name, recorded_at, recorded_by_id"
ADDRESS_COLUMNS = ("child_id, address, normalised, postcode, to_date, recorded_at, recorded_by_id, ended_at, "
                   "ended_by_id")


def load_population(engine, people, user_id: int, *, fast: bool = False, progress=None) -> int:
    """Write the population's children into the database behind `engine` (SQLAlchemy); returns the id
    offset added to the population's ids. `fast`: for a database of the benchmark's own (SQLite's
    journal and syncing off, PostgreSQL's keys indexed after the rows and triggers off while loading)."""
    recorded = datetime.combine(people.today, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=9)
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if engine.dialect.name == "sqlite":
            first = _load_sqlite(driver, people, user_id, recorded, fast, progress)
        else:
            first = _load_postgres(driver, people, user_id, recorded, fast, progress)
    finally:
        raw.close()
    return first - 1


def _batches(people, maker: RowMaker, progress):
    children = people.children
    for start in range(0, len(children), BATCH):
        yield maker.rows(children[start:start + BATCH])
        if progress:
            progress(min(start + BATCH, len(children)), len(children))


def _load_sqlite(connection: sqlite3.Connection, people, user_id, recorded, fast, progress) -> int:
    connection.commit()
    previous = connection.isolation_level
    connection.isolation_level = None
    try:
        if fast:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "temp_store=MEMORY"):
                connection.execute(f"PRAGMA {pragma}")
        first = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM children").fetchone()[0]
        maker = RowMaker(user_id, first, recorded)
        value = lambda rows: [tuple(map(sqlite_value, row)) for row in rows]  # noqa: E731
        for rows in _batches(people, maker, progress):
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO children ({CHILD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   value(rows.children))
            connection.executemany(f"INSERT INTO child_names ({NAME_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   value(rows.names))
            connection.executemany(f"INSERT INTO child_addresses ({ADDRESS_COLUMNS}) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", value(rows.addresses))
            connection.executemany("INSERT INTO child_search_keys (key, child_id) VALUES (?, ?)", rows.keys)
            connection.execute("COMMIT")
        if fast:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
    finally:
        connection.isolation_level = previous
    return first


def _load_postgres(connection, people, user_id, recorded, fast, progress) -> int:
    connection.commit()
    with connection.cursor() as cursor:
        first = cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM children").fetchone()[0]
        if fast:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("ALTER TABLE child_search_keys DROP CONSTRAINT pk_child_search_keys")
            cursor.execute("DROP INDEX ix_child_search_keys_child_id")
            connection.commit()
        maker = RowMaker(user_id, first, recorded)
        for rows in _batches(people, maker, progress):
            if fast:  # no trigger (foreign keys included) while the generated rows go in
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table, columns, made in (("children", CHILD_COLUMNS, rows.children),
                                         ("child_names", NAME_COLUMNS, rows.names),
                                         ("child_addresses", ADDRESS_COLUMNS, rows.addresses),
                                         ("child_search_keys", "key, child_id", rows.keys)):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(copy_text(made))
            connection.commit()
        if fast:
            cursor.execute("ALTER TABLE child_search_keys ADD CONSTRAINT pk_child_search_keys "
                           "PRIMARY KEY (key, child_id)")
            cursor.execute("CREATE INDEX ix_child_search_keys_child_id ON child_search_keys (child_id)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('children', 'id'), (SELECT max(id) FROM children))")
        connection.commit()
    return first


def check_keys(people, offset: int, sample: int = 50) -> None:
    """In an application context: the keys written for a sample of children are exactly what
    dutydesk's `keys_of` makes from their rows."""
    from sqlalchemy import select

    from dutydesk.children.search import keys_of
    from dutydesk.extensions import db
    from dutydesk.models import Child, ChildSearchKey

    rng = random.Random(1)
    for generated in rng.sample(people.children, min(sample, len(people.children))):
        child = db.session.get(Child, generated.id + offset)
        if child is None:
            raise BenchError(f"child {generated.id + offset} was not written")
        stored = set(db.session.scalars(select(ChildSearchKey.key).where(ChildSearchKey.child_id == child.id)))
        if stored != keys_of(child):
            raise BenchError(f"child {generated.id + offset}: the keys written are not what keys_of makes from "
                             f"the rows (written {sorted(stored)[:6]}..., keys_of {sorted(keys_of(child))[:6]}...)")
    db.session.remove()


# ---------------------------------------------------------------------------------------------
# The benchmark's databases, built once and kept


def make_app(url: str):
    from config import Config, _database_url
    from dutydesk import create_app

    class RecordsBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY

    return create_app(RecordsBenchConfig)


def make_handler(app, password: str) -> dict:
    """A call handler made with dutydesk's create_user for this run (a kept database gains one per run:
    a password is never kept), in the benchmark's contact centre, with a duty team to hand calls to.
    The first run's handler is the one who made the records."""
    from dutydesk.extensions import db
    from dutydesk.models import Role, Team, TeamKind
    from dutydesk.people.operations import create_user

    with app.app_context():
        centre = db.session.query(Team).filter_by(name="Records bench contact centre").one_or_none()
        if centre is None:
            centre = Team(name="Records bench contact centre", kind=TeamKind.CONTACT_CENTRE)
            db.session.add_all([centre, Team(name="Records bench duty team", kind=TeamKind.DUTY)])
            db.session.flush()
        team = db.session.query(Team).filter_by(name="Records bench duty team").one()
        handler = create_user(username=f"{HANDLER}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}-{secrets.token_hex(2)}",
                              display_name="Records Bench Handler", password=password, roles=[Role.CALL_HANDLER],
                              team=centre)
        db.session.commit()
        found = {"user_id": handler.id, "username": handler.username, "team_id": team.id}
        db.engine.dispose()
    return found


@dataclass
class Built:
    kind: str
    url: str
    version: str
    reused: bool
    load_s: float
    counts: dict
    offset: int


META = Meta("bench_records_meta")


def _is_current(key: str, print_: str):
    return lambda meta: meta["key"] == key and meta["fingerprint"] == print_


def _counts(engine) -> dict:
    from sqlalchemy import text

    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("children", "child_names", "child_addresses", "child_search_keys")}


def build(kind: str, url: str, people, key: str, print_: str, env: dict, password: str) -> tuple[Built, dict]:
    """Build the database at `url` (made empty by the caller) with the population, or reuse it when its
    meta row says it holds this very population; then the handler's password for this run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(_database_url(url))
    try:
        meta = META.read(engine)
        reused = meta is not None and _is_current(key, print_)(meta)
        if not reused:
            if meta is not None or has_tables(engine):
                raise BenchError(f"{kind}: the database at {url} is not this benchmark's empty database")
            log(f"records: {kind}: flask db upgrade")
            run_checked([sys.executable, "-m", "flask", "db", "upgrade"], {**env, "DATABASE_URL": url},
                        "flask db upgrade", timeout=300)
        app = make_app(url)
        handler = make_handler(app, password)
        if reused:
            log(f"records: {kind}: reusing the database built before (load took {meta['load_seconds']:.0f} s)")
            return Built(kind, url, "", True, meta["load_seconds"], _counts(engine), meta["id_offset"]), handler
        log(f"records: {kind}: loading {len(people.children):,} children")
        started = time.monotonic()
        reported = [started]

        def progress(done, total):
            if time.monotonic() - reported[0] > 15 or done == total:
                reported[0] = time.monotonic()
                log(f"records: {kind}:   {done:,} of {total:,} children ({time.monotonic() - started:.0f} s)")

        offset = load_population(engine, people, handler["user_id"], fast=True, progress=progress)
        with engine.begin() as connection:
            connection.execute(text(EXACT_INDEX))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
        load_s = time.monotonic() - started
        with app.app_context():
            check_keys(people, offset)
            from dutydesk.extensions import db

            db.engine.dispose()
        META.write(engine, {"key": key, "fingerprint": print_, "load_seconds": float(load_s), "id_offset": offset})
        log(f"records: {kind}: loaded in {load_s:.0f} s (with the keys' index and ANALYZE)")
        return Built(kind, url, "", False, load_s, _counts(engine), offset), handler
    finally:
        engine.dispose()


def sqlite_database(key: str, people, print_: str, env: dict, password: str) -> tuple[Built, dict]:
    with kept_sqlite("records", key, META) as url:
        built, handler = build("SQLite", url, people, key, print_, env, password)
    built.version = sqlite3.sqlite_version
    return built, handler


def postgres_database(admin_url: str, size: int, key: str, people, print_: str, env: dict,
                      password: str) -> tuple[Built, dict]:
    name = POSTGRES_NAME if size == SIZE else f"{POSTGRES_NAME}_{size}"
    with kept_postgres(admin_url, name, META, _is_current(key, print_)) as database:
        built, handler = build("PostgreSQL", database.url, people, key, print_, env, password)
    built.version = database.version()
    return built, handler


# ---------------------------------------------------------------------------------------------
# What the handler types


@dataclass
class Typed:
    """One variant query typed step by step: the log-call form's child fields at each step."""
    kind: str
    child_id: int
    steps: list[tuple[str, str, str]]  # (name, date of birth "d m yyyy" or "", address)


def typed_name(query) -> str:
    return query.full_name or " ".join(part for part in (query.given, query.family) if part)


def name_prefixes(name: str) -> list[str]:
    """What the name field holds as the handler types: "An", "Ana", "Ana Ko", "Ana Kou", "Ana Kouao"."""
    words = name.split()
    steps = [name[:2], name[:3]]
    if len(words) > 1:
        head = name[:name.index(words[1], len(words[0]))]
        steps += [head + words[1][:2], head + words[1][:3]]
    steps.append(name)
    return list(dict.fromkeys(step for step in steps if step.strip()))


def typing(variant, child_id: int) -> Typed:
    query = variant.query
    name = typed_name(query)
    born = f"{query.date_of_birth.day} {query.date_of_birth.month} {query.date_of_birth.year}" \
        if query.date_of_birth else ""
    steps = [(prefix, "", "") for prefix in name_prefixes(name)]
    if born:
        steps.append((name, born, ""))
    if query.address:
        steps.append((name, born, query.address))
    return Typed(variant.kind, child_id, steps)


def form_body(base: list[tuple[str, str]], step: tuple[str, str, str]) -> list[tuple[str, str]]:
    """The whole log-call form as the browser posts it for the records check of child row 0."""
    name, born, address = step
    parts = born.split() if born else ["", "", ""]
    body = [("row", "0")]
    for field_, value in base:
        if field_ == "children-0-name":
            body.append((field_, name))
        elif field_ == "children-0-date_of_birth":
            body.append((field_, parts.pop(0)))
        elif field_ == "children-0-approximate_age":
            body.append((field_, ""))
        elif field_ == "children-0-address":
            body.append((field_, address))
        elif field_ != "save":
            body.append((field_, value))
    return body


# ---------------------------------------------------------------------------------------------
# Measuring


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Latency:
    app_ms: list[float]
    exact_ms: list[float]
    #: The share of final steps (everything typed) whose answer showed the right child.
    final_shown: float
    is_stand_in: bool
    queries: int

    @property
    def app_median(self) -> float:
        return statistics.median(self.app_ms)

    @property
    def app_p95(self) -> float:
        return percentile(self.app_ms, 0.95)

    @property
    def exact_median(self) -> float:
        return statistics.median(self.exact_ms)

    @property
    def exact_p95(self) -> float:
        return percentile(self.exact_ms, 0.95)


def measure_latency(post_app, post_exact, base: list, sequences: list[Typed], warmup: list[Typed],
                    offset: int) -> Latency:
    """Each step of each sequence to the app, then to the baseline, one request at a time.
    post_*(body) -> (status, answer text, milliseconds)."""
    from benchmarks.records_app import STAND_IN_MARK

    stand_in = False
    for typed in warmup:
        for step in typed.steps:
            status, answer, _ = post_app(form_body(base, step))
            if status != 200:
                raise BenchError(f"the records check answered {status} during the warm-up: {answer[:500]}")
            post_exact(form_body(base, step))
    app_ms, exact_ms, shown = [], [], 0
    for typed in sequences:
        for n, step in enumerate(typed.steps):
            body = form_body(base, step)
            status, answer, elapsed = post_app(body)
            if status != 200:
                raise BenchError(f"the records check answered {status} for {step}: {answer[:500]}")
            app_ms.append(elapsed)
            stand_in = stand_in or STAND_IN_MARK in answer
            status, exact_answer, elapsed = post_exact(body)
            if status != 200:
                raise BenchError(f"the exact-match baseline answered {status} for {step}: {exact_answer[:500]}")
            exact_ms.append(elapsed)
            if n == len(typed.steps) - 1:
                shown += f"/children/{typed.child_id + offset}\"" in answer
    return Latency(app_ms, exact_ms, shown / len(sequences), bool(stand_in), len(sequences))


def http_poster(port: int, path: str, cookies: dict | None):
    def post(body):
        started = time.perf_counter()
        status, _, answer = http_request(port, "POST", path, cookies=dict(cookies) if cookies else None, form=body)
        return status, answer, (time.perf_counter() - started) * 1000

    return post


@dataclass
class Recall:
    by_kind: dict  # kind -> [variants, top 5, top 1, likely]
    new_children: int
    new_likely: int
    find_ms: list[float]
    #: The same, in this process's CPU time: what the work costs, whatever else the machine is doing.
    find_cpu_ms: list[float]
    weighed: list[int]
    misses: list = field(default_factory=list)
    false_likely: list = field(default_factory=list)

    @property
    def variants(self) -> int:
        return sum(counts[0] for counts in self.by_kind.values())

    @property
    def top5(self) -> float:
        return sum(counts[1] for counts in self.by_kind.values()) / self.variants

    @property
    def top1(self) -> float:
        return sum(counts[2] for counts in self.by_kind.values()) / self.variants

    @property
    def false_likely_share(self) -> float:
        return self.new_likely / self.new_children


def measure_recall(variants, new_children, offset: int, progress=None) -> Recall:
    """In an application context: every variant and every new child through find_children."""
    from dutydesk.children.search import find_children
    from dutydesk.extensions import db

    by_kind: dict = {}
    find_ms, find_cpu_ms, weighed, misses, false_likely = [], [], [], [], []
    total = len(variants) + len(new_children)
    for n, variant in enumerate(variants):
        started, cpu = time.perf_counter(), time.process_time()
        result = find_children(variant.query)
        find_ms.append((time.perf_counter() - started) * 1000)
        find_cpu_ms.append((time.process_time() - cpu) * 1000)
        weighed.append(result.weighed)
        ids = [match.candidate_id - offset for match in result.matches]
        counts = by_kind.setdefault(variant.kind, [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += variant.child_id in ids[:5]
        counts[2] += ids[:1] == [variant.child_id]
        counts[3] += any(m.is_likely and m.candidate_id - offset == variant.child_id for m in result.matches)
        if variant.child_id not in ids[:5]:
            misses.append(variant)
        if n % 100 == 99:
            db.session.remove()
        if progress:
            progress(n + 1, total)
    likely = 0
    for n, query in enumerate(new_children):
        started, cpu = time.perf_counter(), time.process_time()
        result = find_children(query)
        find_ms.append((time.perf_counter() - started) * 1000)
        find_cpu_ms.append((time.process_time() - cpu) * 1000)
        weighed.append(result.weighed)
        if result.matches and result.matches[0].is_likely:
            likely += 1
            false_likely.append((query, result.matches[0]))
        if n % 100 == 99:
            db.session.remove()
        if progress:
            progress(len(variants) + n + 1, total)
    db.session.remove()
    return Recall(by_kind, len(new_children), likely, find_ms, find_cpu_ms, weighed, misses, false_likely)


@dataclass
class Result:
    built: Built
    latency: Latency
    #: None when recall was not measured on this database (--recall-on).
    recall: Recall | None
    load_avg: float


def queries_and_truth(people, per_kind: int, new: int, seed: int):
    from tests.children.variants import Variations

    variants = Variations(people, seed=seed + 1).generate(per_kind)
    return variants, people.new_children(new)


def bench_database(built: Built, handler: dict, password: str, people, variants, new, args,
                   settings: GunicornSettings, workdir: Path) -> Result:
    env = {**os.environ, "DATABASE_URL": built.url, "SECRET_KEY": BENCH_SECRET_KEY, "FLASK_APP": "dutydesk",
           "PYTHONUNBUFFERED": "1"}
    rng = random.Random(args.seed + 2)
    chosen = rng.sample(variants, min(len(variants), args.queries + args.warmup))
    typed = [typing(variant, variant.child_id) for variant in chosen]
    warmup, sequences = typed[:args.warmup], typed[args.warmup:]
    with (Server("records-app", "benchmarks.records_app:create_app()", env, settings, workdir) as app,
          Server("records-exact", "benchmarks.records_app:create_exact_app()", env, settings, workdir) as exact):
        log(f"records: {built.kind}: servers up (app :{app.port}, exact :{exact.port}); signing in")
        from benchmarks.run import sign_in

        cookies, _ = sign_in(app.port, handler["username"], password)
        status, _, page = http_request(app.port, "GET", "/calls/new", cookies=cookies)
        import re

        submission = re.search(r'name="submission_token" value="([^"]+)"', page)
        base = call_form(csrf_token(page), handler["team_id"])
        if submission:
            base.append(("submission_token", submission.group(1)))
        load_avg = os.getloadavg()[0]
        log(f"records: {built.kind}: typing {len(warmup)} warm-up and {len(sequences)} timed queries "
            f"({sum(len(t.steps) for t in sequences)} requests to each server)")
        latency = measure_latency(http_poster(app.port, "/calls/records-check", cookies),
                                  http_poster(exact.port, "/children-exact", None), base, sequences, warmup,
                                  built.offset)
    log(f"records: {built.kind}: app median {latency.app_median:.1f} ms, p95 {latency.app_p95:.1f} ms; exact "
        f"median {latency.exact_median:.1f} ms, p95 {latency.exact_p95:.1f} ms"
        + (" (STAND-IN records check)" if latency.is_stand_in else ""))
    if built.kind.lower() not in args.recall_on:
        return Result(built, latency, None, load_avg)
    log(f"records: {built.kind}: recall over {len(variants):,} variants and {len(new):,} new children")
    app_ = make_app(built.url)
    started, reported = time.monotonic(), [time.monotonic()]

    def progress(done, total):
        if time.monotonic() - reported[0] > 30 or done == total:
            reported[0] = time.monotonic()
            log(f"records: {built.kind}:   {done:,} of {total:,} queries ({time.monotonic() - started:.0f} s)")

    with app_.app_context():
        recall = measure_recall(variants, new, built.offset, progress)
        from dutydesk.extensions import db

        db.engine.dispose()
    log(f"records: {built.kind}: top 5 {recall.top5:.1%}, top 1 {recall.top1:.1%}; new children offered as "
        f"likely {recall.false_likely_share:.2%}")
    return Result(built, latency, recall, load_avg)


# ---------------------------------------------------------------------------------------------
# Report


def verdicts(result: Result) -> dict:
    recall = result.recall
    return {"median": result.latency.app_median < TARGET_MEDIAN_MS, "p95": result.latency.app_p95 < TARGET_P95_MS,
            "recall": recall is not None and recall.top5 >= TARGET_RECALL,
            "false": recall is not None and recall.false_likely_share <= TARGET_FALSE_LIKELY}


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def latency_table(results: list[Result]) -> str:
    lines = ["| Database | Children | Load s | Requests | Records check median ms | p95 ms | Exact match median ms "
             "| p95 ms | Check / exact (median) | Target median < 50, p95 < 150 |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|"]
    for r in results:
        lat, v = r.latency, verdicts(r)
        load = f"{r.built.load_s:.0f}" + (" (kept)" if r.built.reused else "")
        lines.append(f"| {r.built.kind} | {r.built.counts['children']:,} | {load} | {len(lat.app_ms):,} "
                     f"| {lat.app_median:.1f} | {lat.app_p95:.1f} | {lat.exact_median:.2f} | {lat.exact_p95:.2f} "
                     f"| {lat.app_median / lat.exact_median:.1f} | {mark(v['median'] and v['p95'])} |")
    return "\n".join(lines)


def recall_table(results: list[Result]) -> str:
    results = [r for r in results if r.recall is not None]
    kinds = list(results[0].recall.by_kind)
    heads = " | ".join(f"{r.built.kind}: top 5 | top 1" for r in results)
    lines = [f"| Variation | Variants | {heads} |", "|---|--:|" + "--:|--:|" * len(results)]
    for kind in kinds:
        cells = " | ".join(f"{r.recall.by_kind[kind][1] / r.recall.by_kind[kind][0]:.1%} "
                           f"| {r.recall.by_kind[kind][2] / r.recall.by_kind[kind][0]:.1%}" for r in results)
        lines.append(f"| {kind.replace('_', ' ')} | {results[0].recall.by_kind[kind][0]:,} | {cells} |")
    cells = " | ".join(f"**{r.recall.top5:.1%}** | {r.recall.top1:.1%}" for r in results)
    lines.append(f"| **all** | {results[0].recall.variants:,} | {cells} |")
    return "\n".join(lines)


def section(results: list[Result], info: dict, started: datetime, elapsed: float, args,
            settings: GunicornSettings) -> str:
    from tests.children.variants import Variations

    first = results[0]
    stand_in = any(r.latency.is_stand_in for r in results)
    summary = []
    for r in results:
        v = verdicts(r)
        line = (f"- **{r.built.kind}:** median **{r.latency.app_median:.1f} ms** (< {TARGET_MEDIAN_MS:.0f}): "
                f"**{mark(v['median'])}**; p95 **{r.latency.app_p95:.1f} ms** (< {TARGET_P95_MS:.0f}): "
                f"**{mark(v['p95'])}**")
        if r.recall is None:
            summary.append(line + "; recall not measured on this database in this run (`--recall-on`).")
            continue
        summary.append(
            line + f"; right child in the top 5 for **{r.recall.top5:.1%}** of variants "
            f"(≥ {TARGET_RECALL:.0%}): **{mark(v['recall'])}**; new children offered as likely the same "
            f"child **{r.recall.false_likely_share:.2%}** ({r.recall.new_likely} of {r.recall.new_children:,}; "
            f"≤ {TARGET_FALSE_LIKELY:.0%}): **{mark(v['false'])}**.")
    measured = [r for r in results if r.recall is not None]
    find = [f"{r.built.kind} median {statistics.median(r.recall.find_ms):.1f} ms, p95 "
            f"{percentile(r.recall.find_ms, 0.95):.1f} ms (CPU time of the process, SQLite's work included "
            f"but not PostgreSQL's: median {statistics.median(r.recall.find_cpu_ms):.1f} ms, p95 "
            f"{percentile(r.recall.find_cpu_ms, 0.95):.1f} ms), children weighed per query median "
            f"{statistics.median(r.recall.weighed):.0f}, p95 {percentile(r.recall.weighed, 0.95):.0f}" for r in measured]
    shown = "; ".join(f"{r.built.kind} {r.latency.final_shown:.1%}" for r in results)
    counts = "; ".join(f"{r.built.kind}: " + ", ".join(f"{n:,} {table}" for table, n in r.built.counts.items())
                       for r in results)
    versions = ", ".join(f"{r.built.kind} {r.built.version}" for r in results)
    loads = ", ".join(f"{r.built.kind} {r.load_avg:.2f}" for r in results)
    endpoint = ("**a stand-in** (benchmarks/records_app.py: `find_children` and a plain fragment, added in the "
                "benchmark's server only, because dutydesk has no `contacts.check_records` yet; it does not "
                "load the children's open work and teams, nor log the list view, as the real check will)"
                if stand_in else "dutydesk's own `contacts.check_records`")
    return f"""<!-- {SECTION_NAME}-benchmark:start -->
## Records check

Written by `make bench` (`python -m benchmarks.records_check`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {elapsed:.0f} s in all.

**What is measured:** search-as-you-type over {first.built.counts['children']:,} generated children: a
signed-in call handler types a child's name, date of birth and address into the log-call form and each
step is POSTed to `/calls/records-check`, served by {endpoint}. **Baseline**, in the same run, on the same
database, with the same server settings: an exact-match lookup (`POST /children-exact`,
benchmarks/records_app.py: a bare Flask endpoint selecting, with SQLAlchemy Core, the children whose
current surname is exactly the one typed, and born on the date typed when there is one, through an index
on child_names.family_name made in the benchmark's database only). Then recall and false matches through
`find_children` against the same database.

**Targets** (the issue): median under {TARGET_MEDIAN_MS:.0f} ms and p95 under {TARGET_P95_MS:.0f} ms on both
databases; the right child in the top 5 for at least {TARGET_RECALL:.0%} of variants; a child with no
record offered as "likely the same child" for at most {TARGET_FALSE_LIKELY:.0%} of new children.

{chr(10).join(summary)}

{latency_table(results)}

Recall: each variant is a query about a known child with one kind of variation (tests/children/variants.py),
through `find_children` in-process; top 5 is what the check offers.

{recall_table(results)}

- `find_children` in-process, every recall query: {'; '.join(find)}.
- The right child shown in the app's answer once everything was typed (a cross-check of recall through
  HTTP, on the timed queries): {shown}.
- Rows: {counts}.

**How it was measured**

- **Reproduce:** `make bench` (all benchmarks), or `make bench BENCH_ARGS="--only records"`, or
  `.venv/bin/python -m benchmarks.records_check` (`--children 20000` for a quick run, which prints
  without writing this file unless `--output` is given).
- **Data:** tests/children/variants.py's `Population({args.children:,}, seed={args.seed})`: households of one
  to four children (brothers and sisters share a surname and an address; 8% of larger households begin
  with twins), names from Faker's locales and transliterated Arabic and Somali names, 6% known by a
  nickname or another first name, 5% with another surname, 3% with another spelling, 20% of households
  with an earlier address (ended). Written into children, child_names, child_addresses and
  child_search_keys of a database made by `flask db upgrade`, with the keys dutydesk's
  `search_keys_for_child` makes (checked against `keys_of` on a sample of the rows); SQLite with sqlite3
  `executemany` ({BATCH:,} children per transaction, synchronous and the journal off while loading, then
  WAL as the app uses it), PostgreSQL with psycopg COPY (the keys' primary key and index made after the
  rows). Then the baseline's index and ANALYZE. Load time includes all of that. The databases are kept
  (benchmarks/.cache/, and PostgreSQL's `{POSTGRES_NAME}`) under the size, seed, generator version and
  migrations, and reused by the next run ("kept": the load time is the build's).
- **Typing:** {args.queries} variant queries of every kind (and {args.warmup} more first, untimed, to warm the
  workers), each typed as a handler does: the first two and three letters, the first name and two and three
  letters of the surname, the whole name, then the date of birth (when the variant has one), then the address
  (when it has one); each step is one POST of the whole log-call form (CSRF and submission tokens, `row=0`,
  the child's fields, the rest of the form), sent to the app and then to the baseline, one request at a time
  (a handler types alone), each timed from connecting to reading the whole answer (Python's http.client on
  127.0.0.1; every request a new connection, as gunicorn's sync workers close it). Every answer must be a 200.
- **Servers:** gunicorn, the same settings for both: {settings.describe()}.
- **Recall**, on {', '.join(r.built.kind for r in measured)}: {args.per_kind} variants of each of the {len(Variations.KINDS)} kinds (spelling, sound, accents and
  hyphens, swapped names, alias or other surname, nickname, day and month transposed, one digit of the date
  wrong, address written differently, and three slips at once), {args.new_children:,} new children (70% new
  families, 20% brothers or sisters of known children, 10% twins of known children: same surname, address and
  date of birth), each through `find_children`.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['os']}; Python {info['python']}, SQLAlchemy
  {info['sqlalchemy']}; {versions}. Client, servers and database share the machine; its one-minute load
  average as each database's typing began: {loads}.
<!-- {SECTION_NAME}-benchmark:end -->
"""


def print_summary(results: list[Result]) -> None:
    print()
    print(latency_table(results))
    print()
    print(recall_table(results))
    for r in results:
        if r.recall is None:
            continue
        print(f"{r.built.kind}: new children offered as likely {r.recall.false_likely_share:.2%} "
              f"({r.recall.new_likely} of {r.recall.new_children}); find_children median "
              f"{statistics.median(r.recall.find_ms):.1f} ms, p95 {percentile(r.recall.find_ms, 0.95):.1f} ms "
              f"(CPU median {statistics.median(r.recall.find_cpu_ms):.1f}, p95 "
              f"{percentile(r.recall.find_cpu_ms, 0.95):.1f}); "
              f"right child shown at the last step {r.latency.final_shown:.1%}"
              + ("; STAND-IN records check" if r.latency.is_stand_in else ""))
        for variant in r.recall.misses[:8]:
            print(f"  MISS {variant.kind}: {variant.query}")
        for query, match in r.recall.false_likely[:5]:
            print(f"  NEW OFFERED AS LIKELY: {query} -> {match.candidate.names} {match.reasons}")


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.records_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=SIZE, help=f"children in the database (default {SIZE:,})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql (default both)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="an admin connection to a loopback PostgreSQL (makes and keeps the database "
                             f"{POSTGRES_NAME})")
    parser.add_argument("--queries", type=int, default=QUERIES, help=f"variant queries typed (default {QUERIES})")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"queries typed first, untimed (default {WARMUP})")
    parser.add_argument("--per-kind", type=int, default=PER_KIND, help=f"variants per kind (default {PER_KIND})")
    parser.add_argument("--new-children", type=int, default=NEW_CHILDREN,
                        help=f"children with no record (default {NEW_CHILDREN:,})")
    parser.add_argument("--recall-on", default=None,
                        help="the databases to measure recall on (default: every one; both give the same answers, "
                             "as both hold the same keys and rank the same candidates)")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or check) the kept databases and stop: another run measures them")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers for both servers (default 4)")
    parser.add_argument("--output", default=None, help="results file to write the section into; - for nowhere "
                                                       "(default docs/benchmarks.md at the default size)")
    args = parser.parse_args(argv)
    args.databases = [name.strip().lower() for name in args.databases.split(",") if name.strip()]
    if set(args.databases) - {"sqlite", "postgresql"} or not args.databases:
        parser.error("--databases takes sqlite, postgresql or both")
    args.recall_on = ([name.strip().lower() for name in args.recall_on.split(",") if name.strip()]
                      if args.recall_on else list(args.databases))
    if not 1_000 <= args.children <= 5_000_000:
        parser.error("--children must be 1000 to 5000000")
    if not 10 <= args.queries <= 5_000 or not 0 <= args.warmup <= 1_000:
        parser.error("--queries must be 10 to 5000 and --warmup 0 to 1000")
    if args.output is None:
        args.output = str(DEFAULT_OUTPUT) if args.children == SIZE else "-"
    return args


def main(argv=None) -> int:
    import shutil
    import signal
    import tempfile

    from benchmarks.board import machine

    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = GunicornSettings(args.workers, "sync", 1)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"records: {args.children:,} children (seed {args.seed}); databases {args.databases}; "
        f"{args.queries} typed queries; gunicorn {settings.describe()}")
    people = population(args.children, args.seed)
    log(f"records: population generated ({time.monotonic() - clock:.0f} s)")
    key, print_ = cache_key(args.children, args.seed), fingerprint(people)
    env = {**os.environ, "SECRET_KEY": BENCH_SECRET_KEY, "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1"}
    password = secrets.token_urlsafe(18)
    workdir = Path(tempfile.mkdtemp(prefix="dutydesk-records-bench-"))
    results = []
    try:
        built = []
        for name in args.databases:
            if name == "sqlite":
                built.append(sqlite_database(key, people, print_, env, password))
            else:
                built.append(postgres_database(args.postgres_url, args.children, key, people, print_, env, password))
        if args.build_only:
            for database, _ in built:
                log(f"records: {database.kind}: built and kept: {database.counts}")
            return 0
        variants, new = queries_and_truth(people, args.per_kind, args.new_children, args.seed)
        for database, handler in built:
            results.append(bench_database(database, handler, password, people, variants, new, args, settings,
                                          workdir))
    except BenchError as error:
        print(f"\nRECORDS CHECK BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - clock
    print_summary(results)
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_section(Path(args.output), SECTION_NAME, section(results, machine(), started, elapsed, args, settings),
                      after="mail")
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
