"""The live board over 10 thousand and then 1 million historical calls: `python -m benchmarks.board`.

The issue: the board for a team with 500 open obligations, on a database holding 10 thousand
and then 1 million historical calls, median and p95 render time for each, in the same run.
Target: the 1-million figure within 1.5 times the 10-thousand figure, and under 100 ms median
on SQLite.

One fresh temporary SQLite file, `flask db upgrade`, people and teams made by dutydesk's own
`create_user` (in-process). Then, with raw sqlite3 bulk inserts (executemany, one transaction
per batch; synchronous and journal off for the generation only): historical calls spread over
three years across four duty teams, each with its children, its clocks (all met) and its
"logged" event; and once, the open work: 500 open obligations on the benchmarked team and a
little on the other teams, on recent calls. The database then grows to the next size with more
history only, so the open work is the same rows at every size. ANALYZE after each generation.

At each size: a duty manager signs in through the real login form (Flask's test client,
in-process: no server, no network), 20 warm-up requests, then 200 timed `GET /board?team=<id>`,
each end to end through the app (answer read in full, status 200, exactly 500 obligations on
the page). Beside it, the baseline: the raw SELECT of the team's open obligations with sqlite3.
The statements one board request sends are captured and timed raw, with their query plans, so
one that grows with the history shows itself.
"""

import argparse
import contextlib
import gc
import math
import os
import platform
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.run import BENCH_SECRET_KEY, DEFAULT_OUTPUT, ROOT, BenchError, SqliteDatabase, log, run_checked

SIZES = (10_000, 1_000_000)
OPEN_ON_TEAM = 500
OPEN_ON_OTHER_TEAMS = 150
WORKERS_ON_TEAM = 10
WORKERS_ON_OTHER_TEAMS = 4
CALL_HANDLERS = 4
HISTORY_DAYS = 3 * 365
OPEN_CALLS_WITHIN_DAYS = 14
BATCH = 20_000
REQUESTS = 200
WARMUP = 20
TARGET_RATIO = 1.5
TARGET_MEDIAN_MS = 100.0
SEED = 20261122

SECTION_START = "<!-- board-benchmark:start -->"
SECTION_END = "<!-- board-benchmark:end -->"

DUTY_TEAMS = ["Duty and assessment North", "Duty and assessment South", "Duty and assessment East",
              "Out-of-hours team"]
HOUR, DAY = 3600, 86400

# What SQLAlchemy writes for a UTCDateTime on SQLite, made by SQLite from epoch seconds.
TS = "strftime('%Y-%m-%d %H:%M:%S.000000', ?, 'unixepoch')"

FIRST = ["Leo", "Amara", "Kai", "Maya", "Yusuf", "Zara", "Oliver", "Ruby", "Ethan", "Aisha", "Noah",
         "Isla", "Tomasz", "Fatima", "Jayden", "Chloe", "Musa", "Lily", "Dev", "Grace"]
LAST = ["Martin", "Okafor", "Nowak", "Ahmed", "Smith", "Kaya", "Campbell", "Patel", "Murphy", "Osei",
        "Jones", "Ali", "Brown", "Silva", "Khan", "Evans", "Mensah", "Taylor", "Hussain", "Walker"]
CATEGORIES = ["physical_abuse", "sexual_abuse", "emotional_abuse", "neglect", "domestic_abuse",
              "exploitation", "missing", "parental_capacity", "child_health", "family_stress", "other"]
CHANNELS = ["phone", "phone", "phone", "email", "letter", "in_person", "online"]
SOURCES = ["1A", "1B", "1C", "2A", "2A", "3A", "3B", "3E", "4", "5A", "6", "6", "8", "9"]
LANGUAGES = ["English", "English", "English", "Polish", "Turkish", "Somali", "Bengali", "not known"]
ACTIONS = ["Home visit with the police", "Check with the school nurse", "Ring the GP for a health history",
           "Speak to the child's head teacher", "Chase the referrer's written confirmation",
           "Arrange an interpreter for the visit", "Strategy discussion with the police",
           "Check the child protection register in the last borough"]

CONTACT_SQL = (
    "INSERT INTO contacts (id, received_at, channel, logged_at, logged_by_id, concern, concern_category, "
    "is_possible_crime, is_deliberate_harm_alleged, is_child_in_hospital, is_child_missing_school, "
    "is_child_in_temporary_accommodation, referrer_name, referrer_role, referrer_agency, referrer_address, "
    "referrer_phone, referrer_email, is_referrer_professional, referral_source, is_put_through, "
    "no_referrer_details_reason, team_id, accepted_at, accepted_by_id) "
    f"VALUES (?, {TS}, ?, {TS}, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, ?, '', ?, ?, ?, NULL, ?, {TS}, ?)"
)
CHILD_SQL = (
    "INSERT INTO contact_children (id, contact_id, position, name, is_name_known, date_of_birth, "
    "approximate_age, address, first_language, interpreter_need) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)"
)
OBLIGATION_SQL = (
    "INSERT INTO obligations (kind, contact_id, child_id, team_id, worker_id, created_at, due_at, met_at, "
    f"met_by_id, reason, details, is_withdrawn, title) VALUES (?, ?, ?, ?, ?, {TS}, {TS}, {TS}, ?, '', '{{}}', 0, ?)"
)
EVENT_SQL = f"INSERT INTO contact_events (contact_id, at, by_id, action, summary) VALUES (?, {TS}, ?, ?, ?)"
CONCERN = "Caller worried about the child's safety at home; details taken in full on the call."


# ---------------------------------------------------------------------------------------------
# People


@dataclass
class People:
    centre_id: int
    team_ids: list[int]  # the benchmarked team first
    handler_ids: list[int]
    workers: dict[int, list[int]]  # team id -> duty worker ids
    manager: str

    @property
    def team_id(self) -> int:
        return self.team_ids[0]


def seed_people(app, password: str) -> People:
    """Teams and staff through dutydesk's own code (scrypt passwords, role grants)."""
    from dutydesk.people.operations import create_user
    from dutydesk.extensions import db
    from dutydesk.models import Role, Team, TeamKind

    with app.app_context():
        centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
        teams = [Team(name=name, kind=TeamKind.OUT_OF_HOURS if "Out" in name else TeamKind.DUTY)
                 for name in DUTY_TEAMS]
        db.session.add_all([centre, *teams])
        db.session.flush()
        handlers = [create_user(username=f"board-handler-{n}", display_name=f"Call Handler {n}",
                                password=password, roles=[Role.CALL_HANDLER], team=centre)
                    for n in range(CALL_HANDLERS)]
        manager = create_user(username="board-manager", display_name="Board Duty Manager", password=password,
                              roles=[Role.DUTY_MANAGER], team=teams[0])
        workers = {}
        for t, team in enumerate(teams):
            count = WORKERS_ON_TEAM if t == 0 else WORKERS_ON_OTHER_TEAMS
            workers[team.id] = [create_user(username=f"board-worker-{t}-{n}", display_name=f"{FIRST[n]} {LAST[t * 5 + n % 5]}",
                                            password=password, roles=[Role.DUTY_WORKER], team=team).id
                                for n in range(count)]
        db.session.commit()
        return People(centre_id=centre.id, team_ids=[team.id for team in teams],
                      handler_ids=[h.id for h in handlers], workers=workers, manager=manager.username)


# ---------------------------------------------------------------------------------------------
# Generation: raw sqlite3, executemany, one transaction per batch


class Generator:
    def __init__(self, path: Path, people: People, now: int):
        self.path, self.people, self.now = path, people, now
        self.rng = random.Random(SEED)
        self.history_calls = 0

    @contextlib.contextmanager
    def connection(self):
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            # For the generation only: the app's own connections use WAL and full synchronous.
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA cache_size=-524288")  # 512 MiB
            connection.execute("PRAGMA temp_store=MEMORY")
            yield connection
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()

    @staticmethod
    def next_ids(connection) -> tuple[int, int]:
        contact = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM contacts").fetchone()[0]
        child = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM contact_children").fetchone()[0]
        return contact, child

    def history(self, calls: int) -> float:
        """Add `calls` historical calls, all their clocks met, spread over the last three years."""
        started = time.monotonic()
        rng, people, now = self.rng, self.people, self.now
        rand, choice, randint = rng.random, rng.choice, rng.randint
        earliest, span = now - HISTORY_DAYS * DAY, HISTORY_DAYS * DAY - 2 * HOUR
        teams, centre, handlers = people.team_ids, people.centre_id, people.handler_ids
        with self.connection() as connection:
            contact_id, child_id = self.next_ids(connection)
            done = 0
            next_report = time.monotonic() + 10
            while done < calls:
                batch = min(BATCH, calls - done)
                contacts, children, obligations, events = [], [], [], []
                for _ in range(batch):
                    team = choice(teams)
                    worker = choice(people.workers[team])
                    handler = choice(handlers)
                    received = earliest + int(rand() * span)
                    logged = received + randint(60, 900)
                    professional = rand() < 0.65
                    crime = rand() < 0.15
                    harm = rand() < 0.3
                    put_through = rand() < 0.3
                    told = received if put_through else min(logged + randint(300, 3 * HOUR), now - 60)
                    accepted = min(told + randint(600, 8 * HOUR), now - 60)
                    contacts.append((
                        contact_id, received, choice(CHANNELS), logged, handler, CONCERN, choice(CATEGORIES),
                        crime, harm, "Joan Fraser" if professional else "A neighbour",
                        "Class teacher" if professional else "Neighbour",
                        "Park Lane Primary" if professional else "", "Park Lane, London N17", "020 8800 0001",
                        professional, choice(SOURCES), put_through, team, accepted, worker))
                    events.append((contact_id, logged, handler, "logged", "Call logged"))
                    obligations.append(("verbal_handoff", contact_id, None, centre, handler, logged,
                                        received + HOUR, told, handler, ""))
                    obligations.append(("written_handoff", contact_id, None, team, None, logged,
                                        received + HOUR, accepted, worker, ""))
                    if professional:
                        obligations.append(("referrer_confirmation", contact_id, None, team, None, logged,
                                            received + 48 * HOUR,
                                            min(received + randint(HOUR, 60 * HOUR), now - 60), worker, ""))
                    if crime:
                        obligations.append(("police_informed", contact_id, None, team, worker, logged,
                                            received + HOUR, min(received + randint(600, 3 * HOUR), now - 60),
                                            worker, ""))
                    for position in range(1 if rand() < 0.6 else 2):
                        known = rand() < 0.95
                        children.append((child_id, contact_id, position,
                                         f"{choice(FIRST)} {choice(LAST)}" if known else "", known,
                                         randint(0, 17), "22 Park Lane, London N17", choice(LANGUAGES),
                                         "not_needed"))
                        if harm:
                            obligations.append(("child_seen", contact_id, child_id, team, worker, logged,
                                                received + 24 * HOUR,
                                                min(received + randint(2 * HOUR, 30 * HOUR), now - 60), worker, ""))
                        obligations.append(("screening_decision", contact_id, child_id, team, worker, logged,
                                            received + 24 * HOUR,
                                            min(received + randint(2 * HOUR, 40 * HOUR), now - 60), worker, ""))
                        child_id += 1
                    contact_id += 1
                connection.execute("BEGIN")
                connection.executemany(CONTACT_SQL, contacts)
                connection.executemany(CHILD_SQL, children)
                connection.executemany(OBLIGATION_SQL, obligations)
                connection.executemany(EVENT_SQL, events)
                connection.execute("COMMIT")
                done += batch
                if time.monotonic() >= next_report or done == calls:
                    log(f"  history: {done:,} of {calls:,} calls ({time.monotonic() - started:.0f} s)")
                    next_report = time.monotonic() + 10
        self.history_calls += calls
        return time.monotonic() - started

    def open_work(self) -> dict[int, int]:
        """The open work, once: 500 obligations on the benchmarked team, a little on the others."""
        rng, people, now = self.rng, self.people, self.now
        rand, choice, randint = rng.random, rng.choice, rng.randint
        made = {}
        with self.connection() as connection:
            contact_id, child_id = self.next_ids(connection)
            contacts, children, obligations, events = [], [], [], []
            for t, team in enumerate(people.team_ids):
                target = OPEN_ON_TEAM if t == 0 else OPEN_ON_OTHER_TEAMS
                owners = [*people.workers[team], None, None]  # about one in six held by the team
                made[team] = 0
                while made[team] < target:
                    handler = choice(people.handler_ids)
                    received = now - randint(2 * HOUR, OPEN_CALLS_WITHIN_DAYS * DAY)
                    logged = received + randint(60, 900)
                    accepted = rand() < 0.75
                    worker = choice(people.workers[team])
                    wanted = []  # (kind, child_id, title)
                    if not accepted:
                        wanted.append(("written_handoff", None, ""))
                    if rand() < 0.4:
                        wanted.append(("referrer_confirmation", None, ""))
                    if rand() < 0.1:
                        wanted.append(("police_informed", None, ""))
                    kids = 1 if rand() < 0.6 else 2
                    for position in range(kids):
                        children.append((child_id, contact_id, position, f"{choice(FIRST)} {choice(LAST)}", True,
                                         randint(0, 17), "22 Park Lane, London N17", choice(LANGUAGES),
                                         "not_needed"))
                        wanted.append(("screening_decision", child_id, ""))
                        if rand() < 0.35:
                            wanted.append(("child_seen", child_id, ""))
                        if rand() < 0.3:
                            wanted.append(("assessment", child_id, ""))
                        for _ in range(randint(0, 2)):
                            wanted.append(("action", child_id, choice(ACTIONS)))
                        child_id += 1
                    wanted = wanted[:target - made[team]]
                    made[team] += len(wanted)
                    contacts.append((
                        contact_id, received, "phone", logged, handler, CONCERN, choice(CATEGORIES), False, False,
                        "Joan Fraser", "Class teacher", "Park Lane Primary", "Park Lane, London N17",
                        "020 8800 0001", True, "2A", False, team,
                        received + randint(HOUR, 3 * HOUR) if accepted else None, worker if accepted else None))
                    events.append((contact_id, logged, handler, "logged", "Call logged"))
                    obligations.append(("verbal_handoff", contact_id, None, people.centre_id, handler, logged,
                                        received + HOUR, received + randint(300, HOUR), handler, ""))
                    for kind, child, title in wanted:
                        created = logged if kind != "action" else min(logged + randint(HOUR, 2 * DAY), now - 600)
                        state = rand()
                        if state < 0.2:  # overdue
                            due = randint(min(created + 600, now - 300), now - 300)
                        elif state < 0.35:  # due within the hour
                            due = now + randint(20 * 60, 55 * 60)
                        else:
                            due = now + randint(DAY, 20 * DAY)
                        owner = None if kind == "written_handoff" else choice(owners)
                        obligations.append((kind, contact_id, child, team, owner, created, due, None, None, title))
                    contact_id += 1
            connection.execute("BEGIN")  # strftime of NULL is NULL: unaccepted calls, open clocks
            connection.executemany(CONTACT_SQL, contacts)
            connection.executemany(CHILD_SQL, children)
            connection.executemany(OBLIGATION_SQL, obligations)
            connection.executemany(EVENT_SQL, events)
            connection.execute("COMMIT")
        return made

    def analyze(self) -> float:
        started = time.monotonic()
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            connection.execute("ANALYZE")
        finally:
            connection.close()
        return time.monotonic() - started


def row_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        count = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "contacts": count("SELECT count(*) FROM contacts"),
            "contact_children": count("SELECT count(*) FROM contact_children"),
            "obligations": count("SELECT count(*) FROM obligations"),
            "open obligations": count("SELECT count(*) FROM obligations WHERE met_at IS NULL"),
            "contact_events": count("SELECT count(*) FROM contact_events"),
            "file MiB": round(path.stat().st_size / 1024 / 1024),
        }
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# Measuring


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def gc_note(times_ms: list[float], full_gc: list[bool], digits: int = 1) -> str:
    """How many timed runs Python's full garbage collection landed in, and the figures without them."""
    hit = [t for t, g in zip(times_ms, full_gc) if g]
    rest = [t for t, g in zip(times_ms, full_gc) if not g]
    if not hit or not rest:
        return f"{len(hit)} of {len(times_ms)}"
    return (f"{len(hit)} of {len(times_ms)} (median {statistics.median(hit):.{digits}f} ms; "
            f"the others: median {statistics.median(rest):.{digits}f}, p95 {percentile(rest, 0.95):.{digits}f} ms)")


@dataclass
class Statement:
    sql: str
    parameters: tuple
    plan: list[str] = field(default_factory=list)
    median_ms: float = 0.0
    rows: int = 0

    @property
    def short(self) -> str:
        sql = " ".join(self.sql.split())
        tables = re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", sql)
        head = sql.split(" FROM ")[0]
        what = "SELECT" if head.startswith("SELECT") else head.split()[0]
        where = re.search(r"\bWHERE (.*)", sql)
        cond = where.group(1) if where else ""
        return f"{what} {'/'.join(dict.fromkeys(tables))}" + (f" WHERE {cond[:90]}" if cond else "")


@dataclass
class SizeResult:
    calls: int
    generation_s: float
    analyze_s: float
    counts: dict
    board_ms: list[float]
    raw_ms: list[float]
    summary: str
    statements: list[Statement]
    #: Whether Python ran a full (generation 2) garbage collection during each timed request.
    full_gc: list[bool]

    @property
    def gc_note(self) -> str:
        return gc_note(self.board_ms, self.full_gc)

    @property
    def board_median(self) -> float:
        return statistics.median(self.board_ms)

    @property
    def board_p95(self) -> float:
        return percentile(self.board_ms, 0.95)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw_ms)

    @property
    def raw_p95(self) -> float:
        return percentile(self.raw_ms, 0.95)


def make_app(url: str):
    from config import Config, _database_url
    from dutydesk import create_app

    class BoardBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY

    return create_app(BoardBenchConfig)


def signed_in_client(app, username: str, password: str):
    client = app.test_client()
    token = lambda page: re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # noqa: E731
    answer = client.post("/login", data={"csrf_token": token(client.get("/login").text),
                                         "username": username, "password": password})
    if answer.status_code != 302:
        raise BenchError(f"signing in as {username} answered {answer.status_code}, not 302")
    return client


def board_request(client, url: str, expected: int) -> tuple[float, str]:
    """One board request end to end; its time in ms and the board's own summary."""
    started = time.perf_counter()
    answer = client.get(url)
    body = answer.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise BenchError(f"GET {url} answered {answer.status_code}")
    shown = body.count(b"data-obligation=")
    if shown != expected:
        raise BenchError(f"GET {url} showed {shown} obligations, not {expected}")
    summary = re.search(rb'data-summary="([^"]*)"', body)
    return elapsed, summary.group(1).decode() if summary else ""


def capture_statements(app, client, url: str) -> list[Statement]:
    """The SQL statements one board request sends, as the driver receives them."""
    from sqlalchemy import event

    from dutydesk.extensions import db

    with app.app_context():
        engine = db.engine
    captured: list[Statement] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        captured.append(Statement(statement, tuple(parameters or ())))

    event.listen(engine, "before_cursor_execute", before)
    try:
        board_request(client, url, OPEN_ON_TEAM)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return captured


def explain_and_time(path: Path, statements: list[Statement], runs: int = 20) -> None:
    """EXPLAIN QUERY PLAN and the raw time (execute and fetch all, median) of each statement."""
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            if not statement.sql.lstrip().upper().startswith("SELECT"):
                continue
            statement.plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}",
                                                                    statement.parameters)]
            times, deadline = [], time.monotonic() + 10
            for _ in range(runs):
                started = time.perf_counter()
                statement.rows = len(connection.execute(statement.sql, statement.parameters).fetchall())
                times.append((time.perf_counter() - started) * 1000)
                if time.monotonic() > deadline:
                    break
            statement.median_ms = statistics.median(times)
    finally:
        connection.close()


def raw_open_select(path: Path, team_id: int, requests: int, warmup: int) -> list[float]:
    """The baseline: the team's open obligations, straight from sqlite3."""
    connection = sqlite3.connect(path)
    sql = "SELECT * FROM obligations WHERE met_at IS NULL AND team_id = ?"
    try:
        times = []
        for n in range(warmup + requests):
            started = time.perf_counter()
            found = connection.execute(sql, (team_id,)).fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            if len(found) != OPEN_ON_TEAM:
                raise BenchError(f"the raw select found {len(found)} open obligations, not {OPEN_ON_TEAM}")
            if n >= warmup:
                times.append(elapsed)
        return times
    finally:
        connection.close()


def measure(app, path: Path, people: People, password: str, requests: int, warmup: int):
    from dutydesk.extensions import db

    url = f"/board?team={people.team_id}"
    client = signed_in_client(app, people.manager, password)
    for _ in range(warmup):
        board_request(client, url, OPEN_ON_TEAM)
    times, summary, full_gc = [], "", []
    collections: list[int] = []

    def on_gc(phase, info):  # observed, not changed: Python's full collections land on some requests
        if phase == "start" and info["generation"] == 2:
            collections.append(1)

    gc.callbacks.append(on_gc)
    try:
        for _ in range(requests):
            collections.clear()
            elapsed, summary = board_request(client, url, OPEN_ON_TEAM)
            times.append(elapsed)
            full_gc.append(bool(collections))
    finally:
        gc.callbacks.remove(on_gc)
    statements = capture_statements(app, client, url)
    with app.app_context():
        db.engine.dispose()  # no connection of the app's stays open while the baseline runs
    raw = raw_open_select(path, people.team_id, requests, warmup)
    explain_and_time(path, statements)
    return times, raw, summary, statements, full_gc


# ---------------------------------------------------------------------------------------------
# Report


SCANS_HISTORY = re.compile(r"^(SCAN (contacts|contact_children|obligations|contact_events)\b(?!.*ix_obligations_open)"
                           r"|SEARCH obligations USING (COVERING )?INDEX ix_obligations_(team_id|worker_id|contact_id) \((team|worker)_id=\?\)"
                           r"|SEARCH contacts USING (COVERING )?INDEX ix_contacts_team_id \(team_id=\?\))")


def history_scans(statement: Statement) -> list[str]:
    return [line for line in statement.plan if SCANS_HISTORY.search(line)]


def verdicts(results: list[SizeResult]) -> tuple[float, bool, bool]:
    first, last = results[0], results[-1]
    ratio = last.board_median / first.board_median
    return ratio, ratio <= TARGET_RATIO, last.board_median < TARGET_MEDIAN_MS


def size_name(calls: int) -> str:
    if calls % 1_000_000 == 0:
        return f"{calls // 1_000_000}M"
    if calls % 1_000 == 0:
        return f"{calls // 1_000}k"
    return f"{calls:,}"


def results_table(results: list[SizeResult]) -> str:
    lines = ["| Historical calls | Contacts | Children | Obligations (open) | Generation s (+ ANALYZE s) "
             "| Board median ms | Board p95 ms | Raw select median ms | Raw select p95 ms |",
             "|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        c = r.counts
        lines.append(f"| {r.calls:,} | {c['contacts']:,} | {c['contact_children']:,} | "
                     f"{c['obligations']:,} ({c['open obligations']:,}) | {r.generation_s:.0f} (+ {r.analyze_s:.1f}) | "
                     f"{r.board_median:.1f} | {r.board_p95:.1f} | {r.raw_median:.2f} | {r.raw_p95:.2f} |")
    return "\n".join(lines)


def statements_table(results: list[SizeResult]) -> str:
    heads = " | ".join(f"Raw ms at {size_name(r.calls)}" for r in results)
    lines = [f"| # | Statement | Rows | {heads} | Query plan at {size_name(results[-1].calls)} |",
             "|--:|---|--:|" + "--:|" * len(results) + "---|"]
    for n, statement in enumerate(results[-1].statements):
        times = " | ".join(f"{r.statements[n].median_ms:.2f}" if n < len(r.statements) else "?" for r in results)
        plan = "; ".join(statement.plan) or "(not a SELECT)"
        flag = " **(reads history)**" if history_scans(statement) else ""
        cell = statement.short.replace("|", "\\|")
        lines.append(f"| {n + 1} | `{cell}` | {statement.rows} | {times} | {plan.replace('|', '/')}{flag} |")
    return "\n".join(lines)


def machine() -> dict:
    import sqlalchemy

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    return {"cpus": str(len(os.sched_getaffinity(0))), "cpu": cpu, "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__, "commit": commit}


def section(results: list[SizeResult], info: dict, started: datetime, elapsed: float, args) -> str:
    ratio, ratio_ok, median_ok = verdicts(results)
    first, last = results[0], results[-1]
    scanning = [s for s in last.statements if history_scans(s)]
    finding = ("No statement the board sends reads the history: every plan goes through the open-work "
               "partial indexes, a primary key, or the 7-day range of the team's calls."
               if not scanning else
               "Statements whose plan reads the history (flagged in the table): "
               + "; ".join(f"`{s.short}`" for s in scanning) + ".")
    return f"""{SECTION_START}
## The live board over {size_name(first.calls)} and {size_name(last.calls)} historical calls

Written by `make bench` (`python -m benchmarks.board`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {elapsed:.0f} s in all.

**What is measured:** `GET /board?team=<id>` for a duty team with {OPEN_ON_TEAM} open obligations, signed
in as the team's duty manager, on one SQLite database holding {size_name(first.calls)} and then
{size_name(last.calls)} historical calls; the same {OPEN_ON_TEAM} open rows at every size, only the history
grows. **Baseline**, in the same run on the same file: the raw
`SELECT * FROM obligations WHERE met_at IS NULL AND team_id = ?` with sqlite3.

**Target** (the issue): the {size_name(last.calls)} median within {TARGET_RATIO} times the
{size_name(first.calls)} median, and under {TARGET_MEDIAN_MS:.0f} ms median on SQLite.

- Ratio {size_name(last.calls)} / {size_name(first.calls)} median: **{ratio:.2f}** (≤ {TARGET_RATIO}):
  **{'PASS' if ratio_ok else 'MISS'}**
- {size_name(last.calls)} median: **{last.board_median:.1f} ms** (< {TARGET_MEDIAN_MS:.0f} ms):
  **{'PASS' if median_ok else 'MISS'}**

{results_table(results)}

Timed requests during which Python ran a full (generation 2) garbage collection, which is
what the p95 mostly measures: {'; '.join(f'{size_name(r.calls)}: {r.gc_note}' for r in results)}.
Garbage collection is left on, as in production.

The board's own summary on the last request at each size: {'; '.join(f'{size_name(r.calls)}: "{r.summary}"' for r in results)}.

**Where the time goes.** The statements one board request sends (captured with a
`before_cursor_execute` listener), each run again raw with sqlite3 (execute and fetch all, median
of 20), with SQLite's query plan. {finding}

{statements_table(results)}

**How it was measured**

- **Reproduce:** `make bench` (runs the log-a-call benchmark, then this), or alone:
  `.venv/bin/python -m benchmarks.board` (`--calls 10000,100000` for a quick run, which prints
  without writing this file unless `--output` is given).
- **Database:** a fresh temporary SQLite file; the schema by `flask db upgrade`; a contact centre
  with {CALL_HANDLERS} call handlers, four duty teams (the benchmarked one with a duty manager and
  {WORKERS_ON_TEAM} workers, the others {WORKERS_ON_OTHER_TEAMS} each) made by dutydesk's `create_user`.
- **History**, generated with sqlite3 `executemany`, {BATCH:,} calls per transaction (synchronous and
  the journal off while generating; the app's connections then use WAL as configured): calls spread
  evenly over the {HISTORY_DAYS // 365} years up to the run, across the four teams; each with 1 child (60%)
  or 2, a "logged" event, and its clocks, every one met: the verbal hand-off (the contact centre's),
  the written hand-off, a screening decision per child, and as the call says, the referrer's
  confirmation (65%), police informed (15%), each child seen (30%). Deadlines use the rules'
  windows as fixed offsets (no working-day calendar). `ANALYZE` after each generation.
- **Open work**, made once after the first history and never touched again: {OPEN_ON_TEAM} open obligations
  on the benchmarked team, {OPEN_ON_OTHER_TEAMS} on each other team, on calls of the last
  {OPEN_CALLS_WITHIN_DAYS} days: written hand-offs, referrers' confirmations, police, screening
  decisions, children to be seen, assessments and titled actions; owned by the team's workers or
  by nobody; about 20% overdue, 15% due within the hour, the rest due in 1 to 20 days.
- **Requests:** in-process through Flask's test client (no server, no network): the duty manager
  signs in through the real login form, then {args.warmup} warm-up requests and {args.requests} timed ones, one at
  a time; each timed from the request to the answer read in full, must answer 200 and show
  exactly {OPEN_ON_TEAM} `data-obligation` items. p95 is the nearest-rank 95th percentile. The baseline
  select runs {args.warmup} + {args.requests} times on its own connection after the app's connections are closed.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['os']}; Python {info['python']},
  SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}.
{SECTION_END}
"""


def existing_section(path: Path) -> str:
    """The board's section of the results file, as last written, or ''."""
    try:
        text_ = path.read_text()
    except OSError:
        return ""
    start, end = text_.find(SECTION_START), text_.find(SECTION_END)
    if start < 0 or end < start:
        return ""
    return text_[start:end + len(SECTION_END)] + "\n"


def write_section(path: Path, new: str) -> None:
    """Replace the board's section of the results file, or append it; the rest is left as it is."""
    text_ = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = text_.find(SECTION_START), text_.find(SECTION_END)
    if start >= 0 and end > start:
        text_ = text_[:start] + new.rstrip("\n") + text_[end + len(SECTION_END):]
    else:
        text_ = text_.rstrip("\n") + "\n\n" + new
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_.rstrip("\n") + "\n")


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.board", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", default=",".join(map(str, SIZES)),
                        help="historical calls at each size, growing (default 10000,1000000)")
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"timed requests per size (default {REQUESTS})")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"warm-up requests per size (default {WARMUP})")
    parser.add_argument("--output", default=None,
                        help="results file to write the board's section into; - for nowhere "
                             "(default docs/benchmarks.md for the default sizes, nowhere otherwise)")
    args = parser.parse_args(argv)
    try:
        args.calls = [int(n.replace("_", "")) for n in args.calls.split(",") if n.strip()]
    except ValueError:
        parser.error("--calls takes a comma-separated list of numbers")
    if len(args.calls) < 2 or args.calls != sorted(set(args.calls)) or args.calls[0] < 1000 or args.calls[-1] > 5_000_000:
        parser.error("--calls takes at least two growing sizes between 1000 and 5000000")
    if not 10 <= args.requests <= 5000 or not 0 <= args.warmup <= 1000:
        parser.error("--requests must be 10 to 5000 and --warmup 0 to 1000")
    if args.output is None:
        args.output = str(DEFAULT_OUTPUT) if tuple(args.calls) == SIZES else "-"
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"board: sizes {[f'{n:,}' for n in args.calls]} historical calls; {args.warmup} warm-up + "
        f"{args.requests} timed requests per size")
    workdir = Path(tempfile.mkdtemp(prefix="dutydesk-board-bench-"))
    database = SqliteDatabase(workdir)
    env = {**os.environ, "DATABASE_URL": database.url, "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": BENCH_SECRET_KEY}
    password = secrets.token_urlsafe(18)
    results: list[SizeResult] = []
    try:
        log("board: flask db upgrade")
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        app = make_app(database.url)
        people = seed_people(app, password)
        with app.app_context():
            from dutydesk.extensions import db

            db.engine.dispose()
        generator = Generator(database.path, people, int(time.time()))
        for n, calls in enumerate(args.calls):
            added = calls - generator.history_calls
            log(f"board: generating {added:,} historical calls (to {calls:,})")
            generation = generator.history(added)
            if n == 0:
                made = generator.open_work()
                log(f"board: open work made: {sum(made.values())} open obligations "
                    f"({made[people.team_id]} on the benchmarked team)")
            analyze = generator.analyze()
            counts = row_counts(database.path)
            log(f"board: {calls:,} calls generated in {generation:.0f} s, ANALYZE {analyze:.1f} s; {counts}")
            log(f"board: measuring at {size_name(calls)}: {args.warmup} warm-up + {args.requests} requests")
            times, raw, summary, statements, full_gc = measure(app, database.path, people, password,
                                                               args.requests, args.warmup)
            result = SizeResult(calls, generation, analyze, counts, times, raw, summary, statements, full_gc)
            results.append(result)
            log(f"board: {size_name(calls)}: board median {result.board_median:.1f} ms, p95 {result.board_p95:.1f} ms; "
                f"raw select median {result.raw_median:.2f} ms, p95 {result.raw_p95:.2f} ms ({summary}); "
                f"requests with a full GC: {result.gc_note}")
    except BenchError as error:
        print(f"\nBOARD BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - clock
    ratio, ratio_ok, median_ok = verdicts(results)
    first, last = results[0], results[-1]
    print()
    print(results_table(results))
    print()
    print(statements_table(results))
    for r in results:
        print(f"{size_name(r.calls)}: timed requests with a full GC: {r.gc_note}")
    print(f"\nRatio {size_name(last.calls)}/{size_name(first.calls)} board median: {ratio:.2f} "
          f"(target ≤ {TARGET_RATIO}): {'PASS' if ratio_ok else 'MISS'}")
    print(f"{size_name(last.calls)} board median {last.board_median:.1f} ms (target < {TARGET_MEDIAN_MS:.0f} ms): "
          f"{'PASS' if median_ok else 'MISS'}")
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_section(Path(args.output), section(results, machine(), started, elapsed, args))
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
