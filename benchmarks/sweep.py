"""The escalation sweep over 100 thousand open obligations: `python -m benchmarks.sweep`.

The issue: in `make bench`, one sweep over 100 thousand open obligations of which 10 thousand
have just fallen due, and an idle sweep with none due, each beside the raw SQL select of the due
rows in the same run. Targets: the busy sweep under 5 seconds on SQLite; the idle sweep under
20 ms (an index, not a scan).

One fresh temporary SQLite file, `flask db upgrade`, four duty teams (each with its duty
manager and workers), a contact centre and a senior manager made by dutydesk's own
`create_user`; two absences (one with cover, one without) by `record_absence` and a few hundred
open inbox items by `record_inbox_item`, all in-process. Then, with SQLAlchemy Core bulk
inserts through the app's own engine (executemany, one transaction per batch): the open work,
100 thousand open obligations of every kind over several thousand recent calls, each at a
point of its ladder computed with `rules.LADDERS` as `start_ladder` and earlier sweeps would
have left it (the steps already taken recorded as escalations), of which exactly 10 thousand
have a step that fell due in the minute before the benchmark's `now`; and met history, older
calls whose clocks were all met (their ladder columns left as meeting leaves them, so only the
partial index keeps them out). ANALYZE.

Busy: `sweep(now, send_email=False)` in its own application context, as the scheduler runs it,
timed end to end, then checked against what was generated: every due step issued once, to the
right person, and each obligation moved to its next step. Beside it, in the same run, the raw
select of the due rows: the sweep's own `due_rows` statements (as the driver receives them)
with no LIMIT short of all the due rows, executed and fetched with the DB-API cursor. Between
busy runs the benchmark's own database is put back with raw SQL (the escalations the run issued
deleted, the obligations' two ladder columns restored), so every run sweeps the same state.

Idle: after the last busy run nothing is due at `now`; warm-up sweeps, then timed ones, beside
the same raw select (which finds nothing). The query plan of each due-row select is recorded,
and the run fails unless it reads the sweep's partial index.

All of it then again on a fresh PostgreSQL database, made and dropped as the log-a-call
benchmark makes its own: an extra row, for information (the target is SQLite's).
`--database-url sqlite` runs SQLite alone; `--database-url URL` runs on an empty database of
your own.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.board import gc_note, machine, percentile
from benchmarks.run import (BENCH_SECRET_KEY, DEFAULT_OUTPUT, DEFAULT_POSTGRES, LOOPBACK, ROOT, BenchError,
                            PostgresDatabase, log, run_checked)

OPEN = 100_000
DUE = 10_000
HISTORY_CONTACTS = 10_000
DUTY_TEAMS = ["Duty and assessment North", "Duty and assessment South", "Duty and assessment East",
              "Out-of-hours team"]
WORKERS_PER_TEAM = 10
CALL_HANDLERS = 4
INBOX_ITEMS = 200
OPEN_CALLS_WITHIN_DAYS = 21
HISTORY_DAYS = 365
BUSY_RUNS = 3
IDLE_RUNS = 200
WARMUP = 20
RAW_BUSY_RUNS = 5
INSERT_BATCH = 20_000
TARGET_BUSY_S = 5.0
TARGET_IDLE_MS = 20.0
SEED = 20261123
SQLITE = "sqlite"  # --database-url's name for a fresh temporary SQLite file
POSTGRESQL = "postgresql"  # ...and for a fresh PostgreSQL database, made and dropped by the benchmark

SECTION_START = "<!-- sweep-benchmark:start -->"
SECTION_END = "<!-- sweep-benchmark:end -->"
BOARD_SECTION_END = "<!-- board-benchmark:end -->"

MINUTE, HOUR, DAY = 60, 3600, 86400

FIRST = ["Leo", "Amara", "Kai", "Maya", "Yusuf", "Zara", "Oliver", "Ruby", "Ethan", "Aisha", "Noah",
         "Isla", "Tomasz", "Fatima", "Jayden", "Chloe", "Musa", "Lily", "Dev", "Grace"]
LAST = ["Martin", "Okafor", "Nowak", "Ahmed", "Smith", "Kaya", "Campbell", "Patel", "Murphy", "Osei",
        "Jones", "Ali", "Brown", "Silva", "Khan", "Evans", "Mensah", "Taylor", "Hussain", "Walker"]
LANGUAGES = ["English", "English", "English", "Polish", "Turkish", "Somali", "Bengali", "not known"]
ACTIONS = ["Home visit with the police", "Check with the school nurse", "Ring the GP for a health history",
           "Speak to the child's head teacher", "Chase the referrer's written confirmation",
           "Arrange an interpreter for the visit", "Strategy discussion with the police",
           "Check the child protection register in the last borough"]
CONCERN = "Caller worried about the child's safety at home; details taken in full on the call."

#: Where each open obligation stands on its ladder: (state, share). Not due at `now`:
NOT_DUE_STATES = [
    ("fresh", 0.70),  # as start_ladder left it: the warning to come
    ("warned", 0.15),  # warning issued; the duty manager's step at the deadline to come
    ("manager told", 0.10),  # overdue, the manager told; the senior manager's step to come
    ("done", 0.05),  # long overdue, the senior manager told: nothing left to escalate
]
#: ...and with a step that fell due within the minute before `now`:
DUE_STATES = [
    ("warning due", 0.80),  # as start_ladder left it, its warning just due
    ("manager due", 0.10),  # warned earlier, its deadline just passed
    ("opened overdue", 0.05),  # as start_ladder leaves work opened already late: straight to the manager
    ("senior due", 0.05),  # the manager told earlier, now the senior manager's turn
]


# ---------------------------------------------------------------------------------------------
# The database


@dataclass
class Database:
    """Where one run happens: a fresh temporary SQLite file, a fresh PostgreSQL database made
    (and dropped) as the log-a-call benchmark makes its own, or an empty database given by URL."""

    url: str
    temporary: Path | None = None
    postgres: PostgresDatabase | None = None

    @classmethod
    def open(cls, name: str, postgres_admin_url: str) -> "Database":
        if name == SQLITE:
            workdir = Path(tempfile.mkdtemp(prefix="dutydesk-sweep-bench-"))
            return cls(f"sqlite:///{workdir / 'sweep.sqlite3'}", workdir)
        if name == POSTGRESQL:
            postgres = PostgresDatabase(postgres_admin_url)
            postgres.create()
            return cls(postgres.url, postgres=postgres)
        parts = urlsplit(name)
        if parts.scheme.startswith("postgres") and parts.hostname not in LOOPBACK:
            raise BenchError(f"PostgreSQL must be on a loopback address, not {parts.hostname}")
        return cls(name)

    @property
    def kind(self) -> str:
        return "SQLite" if self.url.startswith("sqlite") else "PostgreSQL"

    def engine(self):
        from sqlalchemy import create_engine

        from config import _database_url

        return create_engine(_database_url(self.url))

    def check_empty(self) -> None:
        from sqlalchemy import inspect

        engine = self.engine()
        try:
            tables = inspect(engine).get_table_names()
        finally:
            engine.dispose()
        if tables:
            raise BenchError(f"the database at {self.url} is not empty ({len(tables)} tables): "
                             "the benchmark needs an empty one, and empties it again afterwards")

    def clean_up(self, env: dict) -> None:
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
            return
        if self.postgres is not None:
            self.postgres.drop()
            return
        try:  # a database given by URL was empty: leave it empty
            run_checked([sys.executable, "-m", "flask", "db", "downgrade", "base"], env, "flask db downgrade")
            engine = self.engine()
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            engine.dispose()
        except Exception as error:  # noqa: BLE001 - report, do not hide the results
            log(f"sweep: could not empty {self.url} afterwards: {error}")


def make_app(url: str):
    from config import Config, _database_url
    from dutydesk import create_app

    class SweepBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY
        #: Nobody signs in during this benchmark: a cheap hash keeps the set-up short.
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        #: E-mail not configured: escalations are recorded "not sent"; nothing is ever sent.
        MAIL_SERVER = ""

    return create_app(SweepBenchConfig)


# ---------------------------------------------------------------------------------------------
# People, absences, inbox items: dutydesk's own code


@dataclass
class TeamStaff:
    id: int
    manager_id: int
    worker_ids: list[int]


@dataclass
class People:
    centre_id: int
    senior_id: int
    handler_ids: list[int]
    teams: list[TeamStaff]
    #: Away now: worker id -> who stands in for them (their cover, or their manager).
    stand_in: dict[int, int]

    def manager_of(self, team_id: int) -> int:
        return next(team.manager_id for team in self.teams if team.id == team_id)


def seed_people(app, password: str, now: datetime, rng: random.Random) -> People:
    from dutydesk.absences.operations import record_absence, record_inbox_item
    from dutydesk.people.operations import create_user
    from dutydesk.extensions import db
    from dutydesk.models import InboxChannel, Role, Team, TeamKind

    with app.app_context():
        centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
        teams = [Team(name=name, kind=TeamKind.OUT_OF_HOURS if "Out" in name else TeamKind.DUTY)
                 for name in DUTY_TEAMS]
        db.session.add_all([centre, *teams])
        db.session.flush()
        handlers = [create_user(username=f"sweep-handler-{n}", display_name=f"Call Handler {n}", password=password,
                                roles=[Role.CALL_HANDLER], team=centre) for n in range(CALL_HANDLERS)]
        senior = create_user(username="sweep-senior", display_name="Senior Manager", password=password,
                             roles=[Role.SENIOR_MANAGER])
        centre.manager = senior
        staff = []
        for t, team in enumerate(teams):
            manager = create_user(username=f"sweep-manager-{t}", display_name=f"Duty Manager {t}", password=password,
                                  roles=[Role.DUTY_MANAGER], team=team)
            team.manager = manager
            workers = [create_user(username=f"sweep-worker-{t}-{n}", display_name=f"{FIRST[n]} {LAST[t * 5 + n % 5]}",
                                   password=password, roles=[Role.DUTY_WORKER], team=team)
                       for n in range(WORKERS_PER_TEAM)]
            staff.append((team, manager, workers))
        db.session.flush()
        first_team, first_manager, first_workers = staff[0]
        # R50: one worker on leave with a colleague covering, one off sick with no cover.
        record_absence(first_workers[0], starts_at=now - timedelta(days=2), ends_at=now + timedelta(days=3),
                       cover=first_workers[1], reason="Annual leave", by=first_manager, now=now)
        record_absence(first_workers[2], starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1),
                       cover=None, reason="Sick", by=first_manager, now=now)
        db.session.commit()
        # Post and messages arriving in the last two hours: open, none due for hours yet.
        channels = list(InboxChannel)
        for n in range(INBOX_ITEMS):
            _, _, workers = staff[n % len(staff)]
            record_inbox_item(rng.choice(workers), channel=rng.choice(channels), sender="Park Lane Primary",
                              summary="Letter about a child's attendance", by=rng.choice(handlers),
                              received_at=now - timedelta(seconds=rng.randint(0, 2 * HOUR)), now=now)
        db.session.commit()
        return People(
            centre_id=centre.id, senior_id=senior.id, handler_ids=[h.id for h in handlers],
            teams=[TeamStaff(team.id, manager.id, [w.id for w in workers]) for team, manager, workers in staff],
            stand_in={first_workers[0].id: first_workers[1].id, first_workers[2].id: first_manager.id})


# ---------------------------------------------------------------------------------------------
# Generation: Core bulk inserts through the app's engine


@dataclass
class DueStep:
    """An obligation with a step due at `now`, and what the sweep must make of it."""

    id: int
    level: object  # EscalationLevel
    step_at: datetime
    recipient_id: int | None
    next_level: object | None
    next_at: datetime | None


@dataclass
class Generated:
    due: dict[int, DueStep]
    states: Counter
    kinds: Counter
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def expected_issued(self) -> Counter:
        return Counter(step.level for step in self.due.values())


class Generator:
    def __init__(self, app, people: People, now: datetime, rng: random.Random, open_count: int, due_count: int):
        self.app, self.people, self.now, self.rng = app, people, now, rng
        self.open_count, self.due_count = open_count, due_count
        self.contacts, self.children, self.obligations, self.escalations = [], [], [], []
        self.contact_id = self.child_id = self.obligation_id = 1
        self.kids: list[int] = []  # the children of the call last made

    def at(self, seconds_from_now: float) -> datetime:
        return self.now + timedelta(seconds=seconds_from_now)

    # Rows

    def contact(self, team_id: int, received: datetime, *, accepted_by: int | None, crime: bool, harm: bool,
                professional: bool) -> dict:
        rng = self.rng
        from dutydesk.models.codes import Channel, ConcernCategory, InterpreterNeed, ReferralSource

        row = {
            "id": self.contact_id, "received_at": received, "channel": rng.choice(list(Channel)),
            "logged_at": received + timedelta(seconds=rng.randint(60, 900)),
            "logged_by_id": rng.choice(self.people.handler_ids), "concern": CONCERN,
            "concern_category": rng.choice(list(ConcernCategory)), "is_possible_crime": crime,
            "is_deliberate_harm_alleged": harm, "is_child_in_hospital": False, "is_child_missing_school": False,
            "is_child_in_temporary_accommodation": False,
            "referrer_name": "Joan Fraser" if professional else "A neighbour",
            "referrer_role": "Class teacher" if professional else "Neighbour",
            "referrer_agency": "Park Lane Primary" if professional else "", "referrer_address": "Park Lane, London N17",
            "referrer_phone": "020 8800 0001", "referrer_email": "", "is_referrer_professional": professional,
            "referral_source": ReferralSource.SCHOOLS if professional else ReferralSource.ACQUAINTANCE,
            "is_put_through": False, "no_referrer_details_reason": None, "team_id": team_id,
            "accepted_at": None, "accepted_by_id": accepted_by,
        }
        self.contacts.append(row)
        self.contact_id += 1
        self.kids = []
        for position in range(1 if rng.random() < 0.6 else 2 if rng.random() < 0.75 else 3):
            self.children.append({
                "id": self.child_id, "contact_id": row["id"], "position": position,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "is_name_known": True, "date_of_birth": None,
                "approximate_age": rng.randint(0, 17), "address": "22 Park Lane, London N17",
                "first_language": rng.choice(LANGUAGES), "interpreter_need": InterpreterNeed.NOT_NEEDED})
            self.kids.append(self.child_id)
            self.child_id += 1
        return row

    def obligation(self, kind: str, contact: dict, team_id: int, owner: int | None, created: datetime,
                   due: datetime, *, child: int | None = None, title: str = "", met: datetime | None = None,
                   met_by: int | None = None, level=None, escalates_at=None, started: bool = True) -> dict:
        """One obligation row; with `started`, its ladder's first step as start_ladder sets it."""
        from dutydesk.rules import LADDERS

        if started:
            ladder = LADDERS[kind]
            level = ladder.first_step(created, due)
            escalates_at = ladder.step_at(level, due)
        row = {
            "id": self.obligation_id, "kind": kind, "contact_id": contact["id"], "child_id": child,
            "team_id": team_id, "worker_id": owner, "created_at": created, "due_at": due, "met_at": met,
            "met_by_id": met_by, "is_withdrawn": False, "title": title, "reason": "", "details": {},
            "escalation_level": level, "escalates_at": escalates_at,
        }
        self.obligations.append(row)
        self.obligation_id += 1
        return row

    def recipient(self, level, row: dict, *, absences: bool) -> int | None:
        """Whom the sweep tells (escalations.sweep._recipient), with today's absences or without."""
        from dutydesk.rules import EscalationLevel

        if level is EscalationLevel.SENIOR:
            return None
        manager = self.people.manager_of(row["team_id"])
        owner = row["worker_id"]
        if owner is not None and absences:
            owner = self.people.stand_in.get(owner, owner)
        if level is EscalationLevel.WARNING and owner is not None:
            return owner
        if level is EscalationLevel.MANAGER and owner is not None and owner == manager:
            return None  # the manager's own work (or held for someone away) goes over their head
        return manager

    def issued_before(self, row: dict, level, step_at: datetime) -> None:
        """An escalation an earlier sweep issued (within the minute the step fell due)."""
        rng = self.rng
        issued = min(step_at + timedelta(seconds=rng.randint(0, 59)), self.now - timedelta(seconds=61))
        acknowledged = None
        if level >= 1 and rng.random() < 0.6:
            acknowledged = issued + timedelta(seconds=rng.randint(5 * MINUTE, 4 * HOUR))
            acknowledged = acknowledged if acknowledged < self.now else None
        self.escalations.append({
            "obligation_id": row["id"], "inbox_item_id": None, "level": level, "team_id": row["team_id"],
            "recipient_id": self.recipient(level, row, absences=False), "due_at": step_at, "issued_at": issued,
            "acknowledged_at": acknowledged,
            "acknowledged_by_id": self.people.manager_of(row["team_id"]) if acknowledged else None,
            "acknowledgement": "Seen: chasing it with the worker" if acknowledged else "",
            "email_status": "not sent", "email_attempts": 0, "email_next_attempt_at": None, "email_sent_at": None,
            "email_error": "E-mail is not configured (MAIL_SERVER)",
        })

    # The open work

    def open_work(self) -> Generated:
        """Open obligations over recent calls, each at a point of its ladder; `due_count` due now."""
        rng, people, now = self.rng, self.people, self.now
        wanted = []  # (contact row, kind, child, owner, created, title)
        while len(wanted) < self.open_count:
            staff = rng.choice(people.teams)
            received = self.at(-rng.randint(2 * HOUR, OPEN_CALLS_WITHIN_DAYS * DAY))
            accepted = rng.random() < 0.75
            crime, harm, professional = rng.random() < 0.12, rng.random() < 0.35, rng.random() < 0.65
            contact = self.contact(staff.id, received, accepted_by=rng.choice(staff.worker_ids) if accepted else None,
                                   crime=crime, harm=harm, professional=professional)
            owners = [*staff.worker_ids, None, None]  # about one in six held by the team as a whole
            logged = contact["logged_at"]
            kinds = []  # (kind, child, title, created)
            if not accepted:
                kinds.append(("written_handoff", None, "", logged))
            if professional and rng.random() < 0.5:
                kinds.append(("referrer_confirmation", None, "", logged))
            if crime:
                kinds.append(("police_informed", None, "", logged))
            for child in self.kids:
                kinds.append(("screening_decision", child, "", logged))
                if harm:
                    kinds.append(("child_seen", child, "", logged))
                if rng.random() < 0.3:
                    kinds.append(("assessment", child, "", logged))
                for _ in range(rng.randint(2, 10)):
                    kinds.append(("action", child, rng.choice(ACTIONS),
                                  min(logged + timedelta(seconds=rng.randint(HOUR, 2 * DAY)), now - timedelta(minutes=10))))
            for kind, child, title, created in kinds[:self.open_count - len(wanted)]:
                owner = None if kind == "written_handoff" else rng.choice(owners)
                wanted.append((contact, staff.id, kind, child, owner, created, title))
        due = set(rng.sample(range(len(wanted)), self.due_count))
        generated = Generated(due={}, states=Counter(), kinds=Counter())
        for n, (contact, team_id, kind, child, owner, created, title) in enumerate(wanted):
            state = pick(rng, DUE_STATES if n in due else NOT_DUE_STATES)
            row = self.laddered(state, kind, contact, team_id, owner, created, child, title)
            generated.states[state] += 1
            generated.kinds[kind] += 1
            if n in due:
                generated.due[row["id"]] = self.due_step(row)
        # The calls' own clocks: the verbal hand-off met; the written one met if it was accepted.
        for contact in self.contacts:
            self.met_handoffs(contact)
        return generated

    def laddered(self, state: str, kind: str, contact: dict, team_id: int, owner: int | None, created: datetime,
                 child: int | None, title: str) -> dict:
        """The obligation at `state` on its ladder, and the escalations issued on the way there."""
        from dutydesk.rules import LADDERS, EscalationLevel

        rng, now = self.rng, self.now
        ladder = LADDERS[kind]
        warn, senior = ladder.warn_before.total_seconds(), ladder.senior_after.total_seconds()
        just_due = self.at(-rng.randint(1, 60))  # fell due since the last sweep a minute ago
        level, taken, started = None, [], False
        if state == "fresh":
            due, started = self.at(rng.randint(MINUTE, 20 * DAY) + warn), True
        elif state == "warned":
            due, level, taken = self.at(rng.randint(MINUTE + 1, int(warn))), EscalationLevel.MANAGER, [0]
        elif state == "manager told":
            due, level, taken = self.at(-rng.randint(0, int(senior) - MINUTE - 1)), EscalationLevel.SENIOR, [0, 1]
        elif state == "done":
            due, taken = self.at(-senior - rng.randint(0, 10 * DAY)), [0, 1, 2]
        elif state == "warning due":
            due, started = just_due + ladder.warn_before, True
        elif state == "manager due":
            due, level, taken = just_due, EscalationLevel.MANAGER, [0]
        elif state == "opened overdue":  # a call written up late: opened after its deadline
            due, started = just_due, True
            created = just_due + timedelta(seconds=rng.randint(0, int((now - just_due).total_seconds())))
        elif state == "senior due":
            due, level, taken = just_due - ladder.senior_after, EscalationLevel.SENIOR, [0, 1]
        else:
            raise AssertionError(state)
        steps = [(EscalationLevel(n), ladder.step_at(EscalationLevel(n), due)) for n in taken]
        if steps:  # work opened before its first step was taken
            created = min(created, steps[0][1] - timedelta(seconds=rng.randint(MINUTE, HOUR)))
        if created < contact["logged_at"]:
            contact["logged_at"] = created
            contact["received_at"] = min(contact["received_at"], created - timedelta(minutes=5))
        escalates_at = ladder.step_at(level, due) if level is not None else None
        row = self.obligation(kind, contact, team_id, owner, created, due, child=child, title=title,
                              level=level, escalates_at=escalates_at, started=started)
        if started:
            expected = EscalationLevel.MANAGER if state == "opened overdue" else EscalationLevel.WARNING
            if row["escalation_level"] is not expected:
                raise BenchError(f"{state} {kind}: start_ladder would set {row['escalation_level']!r}")
        for step_level, step_at in steps:
            self.issued_before(row, step_level, step_at)
        return row

    def due_step(self, row: dict) -> DueStep:
        from dutydesk.rules import LADDERS

        ladder = LADDERS[row["kind"]]
        level, step_at = row["escalation_level"], row["escalates_at"]
        if not self.now - timedelta(minutes=1) <= step_at < self.now:
            raise BenchError(f"obligation {row['id']}: its step is not just due ({step_at})")
        next_level = ladder.step_after(level)
        next_at = ladder.step_at(next_level, row["due_at"]) if next_level is not None else None
        if next_at is not None and next_at <= self.now:
            raise BenchError(f"obligation {row['id']}: more than one step due")
        return DueStep(row["id"], level, step_at, self.recipient(level, row, absences=True), next_level, next_at)

    def met_handoffs(self, contact: dict) -> None:
        rng = self.rng
        received, logged, handler = contact["received_at"], contact["logged_at"], contact["logged_by_id"]
        told = min(logged + timedelta(seconds=rng.randint(60, HOUR)), self.now - timedelta(minutes=1))
        self.obligation("verbal_handoff", contact, self.people.centre_id, handler, logged, received + timedelta(hours=1),
                        met=told, met_by=handler)
        if contact["accepted_by_id"] is not None:
            accepted = min(received + timedelta(seconds=rng.randint(HOUR, 3 * HOUR)), self.now - timedelta(minutes=1))
            contact["accepted_at"] = accepted
            self.obligation("written_handoff", contact, contact["team_id"], None, logged,
                            received + timedelta(hours=1), met=accepted, met_by=contact["accepted_by_id"])

    # Met history

    def history(self, calls: int) -> None:
        """Older calls, every clock met; their ladder columns as meeting leaves them (set, in the past)."""
        rng = self.rng
        for _ in range(calls):
            staff = rng.choice(self.people.teams)
            received = self.at(-rng.randint(OPEN_CALLS_WITHIN_DAYS * DAY, HISTORY_DAYS * DAY))
            professional = rng.random() < 0.65
            worker = rng.choice(staff.worker_ids)
            contact = self.contact(staff.id, received, accepted_by=worker, crime=False, harm=False,
                                   professional=professional)
            self.met_handoffs(contact)
            logged = contact["logged_at"]
            if professional:
                self.obligation("referrer_confirmation", contact, staff.id, None, logged, received + timedelta(hours=48),
                                met=received + timedelta(seconds=rng.randint(HOUR, 40 * HOUR)), met_by=worker)
            for child in self.kids:
                self.obligation("screening_decision", contact, staff.id, worker, logged, received + timedelta(hours=24),
                                child=child, met=received + timedelta(seconds=rng.randint(2 * HOUR, 30 * HOUR)),
                                met_by=worker)

    # Writing

    def write(self) -> None:
        from sqlalchemy import text

        from dutydesk.extensions import db
        from dutydesk.models import Contact, ContactChild, Escalation, Obligation

        with self.app.app_context():
            engine = db.engine
            for table, rows in ((Contact.__table__, self.contacts), (ContactChild.__table__, self.children),
                                (Obligation.__table__, self.obligations), (Escalation.__table__, self.escalations)):
                for start in range(0, len(rows), INSERT_BATCH):
                    with engine.begin() as connection:
                        connection.execute(table.insert(), rows[start:start + INSERT_BATCH])
            if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
                with engine.begin() as connection:
                    for table in ("contacts", "contact_children", "obligations"):
                        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                                f"(SELECT max(id) FROM {table}))"))
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            checkpoint(engine)
            engine.dispose()


def pick(rng: random.Random, states: list[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for state, share in states:
        total += share
        if roll < total:
            return state
    return states[-1][0]


def checkpoint(engine) -> None:
    """On SQLite, fold the write-ahead log into the file, so every run starts from the same place."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def row_counts(engine) -> dict[str, int]:
    queries = {
        "contacts": "SELECT count(*) FROM contacts",
        "children": "SELECT count(*) FROM contact_children",
        "obligations": "SELECT count(*) FROM obligations",
        "open obligations": "SELECT count(*) FROM obligations WHERE met_at IS NULL",
        "open with a step to come": "SELECT count(*) FROM obligations WHERE met_at IS NULL AND escalates_at IS NOT NULL",
        "met with ladder columns set": "SELECT count(*) FROM obligations WHERE met_at IS NOT NULL "
                                       "AND escalates_at IS NOT NULL",
        "escalations": "SELECT count(*) FROM escalations",
        "acknowledged escalations": "SELECT count(*) FROM escalations WHERE acknowledged_at IS NOT NULL",
        "open inbox items": "SELECT count(*) FROM inbox_items WHERE actioned_at IS NULL",
        "absences": "SELECT count(*) FROM absences",
    }
    with engine.connect() as connection:
        return {name: connection.exec_driver_sql(sql).scalar_one() for name, sql in queries.items()}


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Captured:
    """A statement as the driver receives it, and its query plan."""

    source: str
    sql: str
    parameters: object
    plan: list[str] = field(default_factory=list)


def capture(engine, statements: list[tuple[str, object]]) -> list[Captured]:
    """Run each (name, SQLAlchemy statement) once through the engine; keep its SQL and parameters."""
    from sqlalchemy import event

    captured: list[Captured] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        captured.append(Captured("", statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        with engine.connect() as connection:
            for name, statement in statements:
                connection.execute(statement).all()
                captured[-1].source = name
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return captured


def explain(engine, statements: list[Captured]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in statements:
            if not statement.sql.lstrip().upper().startswith("SELECT"):
                continue
            if engine.dialect.name == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters)
                statement.plan = [row[3] for row in cursor.fetchall()]
            else:
                cursor.execute(f"EXPLAIN {statement.sql}", statement.parameters)
                statement.plan = [row[0].strip() for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()


def time_raw(engine, statements: list[Captured], runs: int, warmup: int, expected_rows: int) -> list[float]:
    """The baseline: the due-row selects executed and fetched with the DB-API cursor, in ms."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        times = []
        for n in range(warmup + runs):
            started = time.perf_counter()
            found = 0
            for statement in statements:
                cursor.execute(statement.sql, statement.parameters)
                found += len(cursor.fetchall())
            elapsed = (time.perf_counter() - started) * 1000
            if found != expected_rows:
                raise BenchError(f"the raw select of the due rows found {found}, not {expected_rows}")
            if n >= warmup:
                times.append(elapsed)
            raw.rollback()  # no snapshot held open between runs (PostgreSQL)
        return times
    finally:
        raw.close()


def due_statements(now: datetime, limit: int) -> list[tuple[str, object]]:
    from dutydesk.escalations.sweep import SOURCES, due_rows

    return [(source.model.__tablename__, due_rows(source, now, limit)) for source in SOURCES]


def timed_sweep(app, now: datetime):
    """One sweep as the scheduler runs it (its own application context); seconds and report."""
    from dutydesk.escalations.sweep import sweep

    started = time.perf_counter()
    with app.app_context():
        report = sweep(now, send_email=False)
    return time.perf_counter() - started, report


def check_busy(app, report, generated: Generated, before_id: int, now: datetime) -> None:
    """The sweep issued exactly the steps due, each to the right person, and moved every ladder on."""
    from sqlalchemy import select

    from dutydesk.extensions import db
    from dutydesk.models import Escalation, Obligation

    if report.issued != generated.expected_issued:
        raise BenchError(f"the sweep reported {dict(report.issued)}, not {dict(generated.expected_issued)}")
    escalations, obligations = Escalation.__table__, Obligation.__table__
    with app.app_context(), db.engine.connect() as connection:
        issued = connection.execute(
            select(escalations.c.obligation_id, escalations.c.level, escalations.c.due_at,
                   escalations.c.recipient_id, escalations.c.issued_at)
            .where(escalations.c.id > before_id)).all()
        if len(issued) != len(generated.due):
            raise BenchError(f"{len(issued)} escalations in the database, not {len(generated.due)}")
        seen = set()
        for obligation_id, level, due_at, recipient_id, issued_at in issued:
            step = generated.due.get(obligation_id)
            if step is None or obligation_id in seen:
                raise BenchError(f"an escalation for obligation {obligation_id} that was not due, or issued twice")
            seen.add(obligation_id)
            if (level, due_at, recipient_id, issued_at) != (step.level, step.step_at, step.recipient_id, now):
                raise BenchError(f"obligation {obligation_id}: issued {(level, due_at, recipient_id, issued_at)}, "
                                 f"expected {(step.level, step.step_at, step.recipient_id, now)}")
        moved = connection.execute(
            select(obligations.c.id, obligations.c.escalation_level, obligations.c.escalates_at)
            .where(obligations.c.id.in_(list(generated.due)))).all()
        for obligation_id, level, escalates_at in moved:
            step = generated.due[obligation_id]
            if (level, escalates_at) != (step.next_level, step.next_at):
                raise BenchError(f"obligation {obligation_id} left at {(level, escalates_at)}, "
                                 f"not {(step.next_level, step.next_at)}")


def reset(app, generated: Generated, before_id: int) -> None:
    """Put the benchmark's own database back as generated: raw SQL, never dutydesk's ORM (which
    refuses deletes, rightly). The database refuses them too (models/guards.py): on PostgreSQL
    the benchmark stops the triggers for this transaction as the superuser that made the
    database; on SQLite it drops the escalations' triggers and makes them again within it."""
    from sqlalchemy import bindparam, text, update

    from dutydesk.extensions import db
    from dutydesk.models import Obligation, guards

    obligations = Obligation.__table__
    with app.app_context():
        with db.engine.begin() as connection:
            dialect = connection.dialect.name
            if dialect == "postgresql":
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(  # first: on SQLite this DML statement begins the transaction
                update(obligations).where(obligations.c.id == bindparam("b_id"))
                .values(escalation_level=bindparam("b_level", type_=obligations.c.escalation_level.type),
                        escalates_at=bindparam("b_at", type_=obligations.c.escalates_at.type)),
                [{"b_id": step.id, "b_level": step.level, "b_at": step.step_at} for step in generated.due.values()])
            if dialect == "sqlite":
                for statement in guards.unprotect_table(dialect, "escalations", append_only=False):
                    connection.execute(text(statement))
            connection.execute(text("DELETE FROM escalations WHERE id > :before"), {"before": before_id})
            if dialect == "sqlite":
                for statement in guards.protect_table(dialect, "escalations", append_only=False):
                    connection.execute(text(statement))
        checkpoint(db.engine)


def profile_sweep(app, now: datetime) -> str:
    """cProfile's view of one busy sweep: the top functions by own time and by cumulative time."""
    from dutydesk.escalations.sweep import sweep

    profiler = cProfile.Profile()
    with app.app_context():
        profiler.enable()
        sweep(now, send_email=False)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


@dataclass
class Result:
    kind: str
    version: str
    counts: dict
    generation_s: float
    states: Counter
    kinds: Counter
    busy_s: list[float]
    busy_batches: int
    issued: Counter
    raw_busy_ms: list[float]
    idle_ms: list[float]
    raw_idle_ms: list[float]
    due_selects: list[Captured]
    idle_statements: list[Captured]
    #: Whether Python ran a full (generation 2) garbage collection during each timed idle sweep.
    idle_full_gc: list[bool]
    profile: str = ""

    @property
    def gc_note(self) -> str:
        return gc_note(self.idle_ms, self.idle_full_gc, digits=2)

    @property
    def busy_median(self) -> float:
        return statistics.median(self.busy_s)

    @property
    def raw_busy_median(self) -> float:
        return statistics.median(self.raw_busy_ms)

    @property
    def idle_median(self) -> float:
        return statistics.median(self.idle_ms)

    @property
    def idle_p95(self) -> float:
        return percentile(self.idle_ms, 0.95)

    @property
    def raw_idle_median(self) -> float:
        return statistics.median(self.raw_idle_ms)

    @property
    def raw_idle_p95(self) -> float:
        return percentile(self.raw_idle_ms, 0.95)

    @property
    def busy_ok(self) -> bool:
        return self.busy_median < TARGET_BUSY_S

    @property
    def idle_ok(self) -> bool:
        return self.idle_median < TARGET_IDLE_MS


INDEX_OF = {"obligations": "ix_obligations_escalates_at", "inbox_items": "ix_inbox_items_escalates_at"}


def check_plans(kind: str, selects: list[Captured]) -> None:
    """The due-row select must read the sweep's partial index: an idle sweep is then a probe."""
    for statement in selects:
        uses = any(INDEX_OF[statement.source] in line for line in statement.plan)
        # PostgreSQL may read a table of a few hundred rows whole; the obligations never.
        if not uses and (kind == "SQLite" or statement.source == "obligations"):
            raise BenchError(f"the due-row select of {statement.source} does not use {INDEX_OF[statement.source]}: "
                             + "; ".join(statement.plan))


def bench_database(database: Database, args, password: str) -> Result:
    from sqlalchemy import text

    from dutydesk.extensions import db

    env = {**os.environ, "DATABASE_URL": database.url, "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": BENCH_SECRET_KEY}
    database.check_empty()
    try:
        log(f"sweep: {database.kind}: flask db upgrade")
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        app = make_app(database.url)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        rng = random.Random(SEED)
        started = time.monotonic()
        people = seed_people(app, password, now, rng)
        generator = Generator(app, people, now, rng, args.open, args.due)
        generated = generator.open_work()
        generator.history(args.history)
        log(f"sweep: {database.kind}: writing {len(generator.contacts):,} contacts, {len(generator.obligations):,} "
            f"obligations, {len(generator.escalations):,} earlier escalations")
        generator.write()
        generated.seconds = time.monotonic() - started
        with app.app_context():
            engine = db.engine
            generated.counts = row_counts(engine)
            version = (db.session.execute(text("SHOW server_version")).scalar_one().split()[0]
                       if engine.dialect.name == "postgresql" else sqlite3.sqlite_version)
            db.session.remove()
            before_id = db.session.execute(text("SELECT coalesce(max(id), 0) FROM escalations")).scalar_one()
            db.session.remove()
            due_selects = capture(engine, due_statements(now, args.open + INBOX_ITEMS))
            explain(engine, due_selects)
        check_plans(database.kind, due_selects)
        log(f"sweep: {database.kind}: generated in {generated.seconds:.1f} s: {generated.counts}")
        log(f"sweep: {database.kind}: due-row plan: " + " | ".join(f"{s.source}: {'; '.join(s.plan)}"
                                                                   for s in due_selects))

        busy, raw_busy, batches, issued = [], [], 0, Counter()
        for run in range(args.busy_runs):
            if run:
                reset(app, generated, before_id)
            with app.app_context():
                raw_busy += time_raw(db.engine, due_selects, RAW_BUSY_RUNS, 0, args.due)
            seconds, report = timed_sweep(app, now)
            check_busy(app, report, generated, before_id, now)
            busy.append(seconds)
            batches, issued = report.batches, report.issued
            log(f"sweep: {database.kind}: busy run {run + 1}: {seconds:.2f} s, {report.total:,} issued in "
                f"{report.batches} batches; raw select of the due rows {statistics.median(raw_busy[-RAW_BUSY_RUNS:]):.1f} ms")

        # Idle: the last busy run issued everything; nothing is due at `now`.
        with app.app_context():
            engine = db.engine
            idle_selects = capture(engine, due_statements(now, args.open + INBOX_ITEMS))
        idle, full_gc, collections = [], [], []

        def on_gc(phase, info):  # observed, not changed: Python's full collections land on some runs
            if phase == "start" and info["generation"] == 2:
                collections.append(1)

        gc.callbacks.append(on_gc)
        try:
            for n in range(args.warmup + args.idle_runs):
                collections.clear()
                seconds, report = timed_sweep(app, now)
                if report.total or report.batches:
                    raise BenchError(f"an idle sweep issued {report.total} escalation(s)")
                if n >= args.warmup:
                    idle.append(seconds * 1000)
                    full_gc.append(bool(collections))
        finally:
            gc.callbacks.remove(on_gc)
        with app.app_context():
            raw_idle = time_raw(db.engine, idle_selects, args.idle_runs, args.warmup, 0)
            idle_statements = capture_sweep(app, now)
            explain(db.engine, idle_statements)
        log(f"sweep: {database.kind}: idle sweep median {statistics.median(idle):.2f} ms, "
            f"p95 {percentile(idle, 0.95):.2f} ms; raw select median {statistics.median(raw_idle):.3f} ms; "
            f"runs with a full GC: {sum(full_gc)}")

        profile = ""
        if args.profile or statistics.median(busy) >= TARGET_BUSY_S:
            reset(app, generated, before_id)
            log(f"sweep: {database.kind}: profiling one busy sweep")
            profile = profile_sweep(app, now)
        with app.app_context():
            db.engine.dispose()
        return Result(database.kind, version, generated.counts, generated.seconds, generated.states,
                      generated.kinds, busy, batches, issued, raw_busy, idle, raw_idle, due_selects,
                      idle_statements, full_gc, profile)
    finally:
        database.clean_up(env)


def capture_sweep(app, now: datetime) -> list[Captured]:
    """The statements one idle sweep sends, as the driver receives them."""
    from sqlalchemy import event

    from dutydesk.escalations.sweep import sweep
    from dutydesk.extensions import db

    captured: list[Captured] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        captured.append(Captured("", statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        with app.app_context():
            sweep(now, send_email=False)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return captured


# ---------------------------------------------------------------------------------------------
# Report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def results_table(results: list[Result]) -> str:
    lines = ["| Database | Open obligations (due) | Busy sweep median s (runs) | Raw select of the due rows, "
             "median ms | Busy target < 5 s | Idle sweep median ms | Idle p95 ms | Raw select (none due) "
             "median / p95 ms | Idle target < 20 ms |",
             "|---|--:|--:|--:|:-:|--:|--:|--:|:-:|"]
    for r in results:
        runs = ", ".join(f"{s:.2f}" for s in r.busy_s)
        lines.append(
            f"| {r.kind} {r.version} | {r.counts['open obligations']:,} ({sum(r.issued.values()):,}) | "
            f"**{r.busy_median:.2f}** ({runs}) | {r.raw_busy_median:.1f} | {verdict(r.busy_ok)} | "
            f"**{r.idle_median:.2f}** | {r.idle_p95:.2f} | {r.raw_idle_median:.3f} / {r.raw_idle_p95:.3f} | "
            f"{verdict(r.idle_ok)} |")
    return "\n".join(lines)


def short(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return (sql if len(sql) <= width else sql[:width - 1] + "…").replace("|", "\\|")


def statements_table(result: Result) -> str:
    lines = ["| # | Statement | Query plan |", "|--:|---|---|"]
    for n, statement in enumerate(result.idle_statements, 1):
        plan = "; ".join(statement.plan) or "(not a SELECT)"
        lines.append(f"| {n} | `{short(statement.sql)}` | {plan.replace('|', '/')} |")
    return "\n".join(lines)


def plan_block(result: Result) -> str:
    parts = []
    for statement in result.due_selects:
        parts.append(f"-- {statement.source}\n{' '.join(statement.sql.split())}\n"
                     + "\n".join(f"  {line}" for line in statement.plan))
    return "\n".join(parts)


def mix(counter: Counter, total: int) -> str:
    return ", ".join(f"{name} {count:,} ({100 * count / total:.0f}%)" for name, count in counter.most_common())


def section(results: list[Result], info: dict, started: datetime, elapsed: float, args) -> str:
    from dutydesk.rules import EscalationLevel

    main = next(r for r in results if r.kind == "SQLite")
    others = [r for r in results if r is not main]
    c = main.counts
    due_total = sum(main.issued.values())
    issued = ", ".join(f"{main.issued[level]:,} {label}" for level, label in (
        (EscalationLevel.WARNING, "warnings to owners"), (EscalationLevel.MANAGER, "to duty managers"),
        (EscalationLevel.SENIOR, "to senior managers")))
    not_due = Counter({k: v for k, v in main.states.items() if k in dict(NOT_DUE_STATES)})
    due = Counter({k: v for k, v in main.states.items() if k in dict(DUE_STATES)})
    other_note = ("" if not others else "\n\nThe PostgreSQL row is for information (the target is SQLite's): the same "
                  "generation, measurements and checks on a fresh PostgreSQL database on the same machine; there the "
                  "sweep reads each batch `FOR UPDATE SKIP LOCKED` (and takes no write lock first), the baseline "
                  "is the same select without it.")
    other_plans = "".join(
        f"\n\n**On {r.kind} {r.version}**, the statements one idle sweep sends, with `EXPLAIN`:\n\n{statements_table(r)}"
        for r in others)
    gc_notes = "; ".join(f"{r.kind}: {r.gc_note}" for r in results)
    pg_version = "".join(f", {r.kind} {r.version}" for r in others)
    return f"""{SECTION_START}
## The escalation sweep over {c['open obligations'] // 1000}k open obligations

Written by `make bench` (`python -m benchmarks.sweep`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {elapsed:.0f} s in all.

**What is measured:** `sweep(now, send_email=False)` (dutydesk/escalations/sweep.py), run as the
scheduler runs it, in its own application context, on a database holding {c['open obligations']:,} open
obligations of which {due_total:,} have a step that fell due in the minute before `now`: the **busy
sweep** (median of {len(main.busy_s)} runs, the database put back between runs), then the **idle sweep**, with nothing
due ({args.idle_runs} runs after {args.warmup} warm-up). **Baseline**, in the same run on the same database: the raw
select of the due rows, the sweep's own `due_rows` statements for obligations and inbox items as the
driver receives them (LIMIT above the open work, so all due rows), executed and fetched with the
DB-API cursor: {RAW_BUSY_RUNS} times before each busy run (finding {due_total:,} rows), {args.idle_runs} times after the idle runs (finding none).

**Targets** (the issue): the busy sweep under {TARGET_BUSY_S:.0f} s on SQLite; the idle sweep under
{TARGET_IDLE_MS:.0f} ms (an index, not a scan).

- Busy sweep median: **{main.busy_median:.2f} s** (< {TARGET_BUSY_S:.0f} s): **{verdict(main.busy_ok)}**
- Idle sweep median: **{main.idle_median:.2f} ms** (< {TARGET_IDLE_MS:.0f} ms; p95 {main.idle_p95:.2f} ms): **{verdict(main.idle_ok)}**
- The due-row select reads the sweep's partial index `ix_obligations_escalates_at`
  (checked: the run fails otherwise).

{results_table(results)}{other_note}

Each busy run issued {issued}, in {main.busy_batches} batches of up to 1,000, and was checked
against what was generated: exactly one escalation per due obligation, at its level, with the
time its step fell due, issued at `now`, to the person the R50 routing rule names (the owner,
the cover of an owner on leave, the manager of an owner off sick without cover or of team-held
work, nobody for the senior managers' step), and each obligation moved to its next step.

**The due-row select and its plan** (SQLite's `EXPLAIN QUERY PLAN`):

```
{plan_block(main)}
```

**The statements one idle sweep sends** (captured with a `before_cursor_execute` listener), with
their plans: the write lock it takes first on SQLite, then one probe of each partial index.

{statements_table(main)}{other_plans}

Timed idle sweeps during which Python ran a full (generation 2) garbage collection: {gc_notes}.
Garbage collection is left on, as in production.

**How it was measured**

- **Reproduce:** `make bench` (runs the log-a-call and board benchmarks, then this), or alone:
  `.venv/bin/python -m benchmarks.sweep`: SQLite, then a fresh PostgreSQL database
  `dutydesk_bench_<pid>` on 127.0.0.1, made and dropped as the log-a-call benchmark makes its own
  (`--postgres-url`, or `BENCH_POSTGRES_URL`, for the admin connection). `--database-url sqlite` runs
  SQLite alone; `--database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME` runs on an empty
  database of your own (emptied again afterwards). Other sizes (`--open`, `--due`) print without
  writing this file unless `--output` is given; `--profile` prints cProfile's view of one busy
  sweep (printed anyway when the busy target is missed).
- **Database:** a fresh temporary SQLite file (WAL, foreign keys on, as the app configures it);
  the schema by `flask db upgrade`; a contact centre with {CALL_HANDLERS} call handlers, a senior manager,
  {len(DUTY_TEAMS)} duty teams each with a duty manager and {WORKERS_PER_TEAM} workers, by dutydesk's `create_user`; two
  absences in the first team by `record_absence` (one worker on leave with a colleague as cover,
  one off sick with none); {INBOX_ITEMS} open inbox items by `record_inbox_item` (received in the last two
  hours, none due). E-mail is not configured, so escalations are recorded "not sent" and no
  e-mail is attempted.
- **Open work**, with SQLAlchemy Core bulk inserts (executemany, {INSERT_BATCH:,} rows per
  transaction) through the app's engine: {c['open obligations']:,} open obligations over {c['contacts'] - args.history:,} calls of the last
  {OPEN_CALLS_WITHIN_DAYS} days (1 to 3 children each), by kind: {mix(main.kinds, sum(main.kinds.values()))}; owned by the
  team's workers or (one in six, and every written hand-off) by the team. Each stands at a point of its ladder computed
  with `rules.LADDERS`, as `start_ladder` and earlier sweeps would have left it, the steps
  already taken recorded as {c['escalations']:,} escalations ({c['acknowledged escalations']:,} of them acknowledged). Not due: {mix(not_due, sum(not_due.values()))}.
  Due (the step fell due 1 to 60 s before `now`, and only one step each): {mix(due, due_total)}.
- **Met history:** the calls' own clocks (the verbal hand-off, the written one once accepted) and
  {args.history:,} older calls (up to a year back) with all their clocks met, whose ladder columns stay set
  in the past as meeting leaves them, so only the partial index's `met_at IS NULL` keeps them
  out: {c['obligations']:,} obligations in all, {c['met with ladder columns set']:,} met with ladder columns set. `ANALYZE`
  after generation ({main.generation_s:.0f} s in all, people included).
- **Between busy runs** the benchmark's own database is put back with raw SQL (the run's
  escalations deleted, the due obligations' `escalation_level` and `escalates_at` restored; the ORM
  refuses deletes) and the WAL checkpointed, so each run sweeps the same state.
- p95 is the nearest-rank 95th percentile.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['os']}; Python {info['python']},
  SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}{pg_version}. The benchmark runs in one process
  (no web server); PostgreSQL, where run, on the same machine over loopback.
{SECTION_END}
"""


def write_section(path: Path, new: str) -> None:
    """Replace the sweep's section of the results file, or add it after the board's; the rest is
    left as it is."""
    text_ = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = text_.find(SECTION_START), text_.find(SECTION_END)
    if start >= 0 and end > start:
        text_ = text_[:start] + new.rstrip("\n") + text_[end + len(SECTION_END):]
    elif (board := text_.find(BOARD_SECTION_END)) >= 0:
        cut = board + len(BOARD_SECTION_END)
        text_ = text_[:cut] + "\n\n" + new.rstrip("\n") + text_[cut:]
    else:
        text_ = text_.rstrip("\n") + "\n\n" + new
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_.rstrip("\n") + "\n")


def existing_section(path: Path) -> str:
    """The sweep's section of the results file, as last written, or ''."""
    try:
        text_ = path.read_text()
    except OSError:
        return ""
    start, end = text_.find(SECTION_START), text_.find(SECTION_END)
    if start < 0 or end < start:
        return ""
    return text_[start:end + len(SECTION_END)] + "\n"


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", dest="databases",
                        help="'sqlite' (a fresh temporary file), 'postgresql' (a fresh database made with "
                             "--postgres-url and dropped afterwards) or the URL of an empty database on 127.0.0.1, "
                             "emptied again afterwards; may be given more than once, one row each "
                             "(default: sqlite, then postgresql)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="an admin connection to a loopback PostgreSQL, for --database-url postgresql")
    parser.add_argument("--open", type=int, default=OPEN, help=f"open obligations (default {OPEN})")
    parser.add_argument("--due", type=int, default=DUE, help=f"of which due at now (default {DUE})")
    parser.add_argument("--history", type=int, default=HISTORY_CONTACTS,
                        help=f"older calls with every clock met (default {HISTORY_CONTACTS})")
    parser.add_argument("--busy-runs", type=int, default=BUSY_RUNS, help=f"busy sweeps (default {BUSY_RUNS})")
    parser.add_argument("--idle-runs", type=int, default=IDLE_RUNS, help=f"timed idle sweeps (default {IDLE_RUNS})")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"warm-up idle sweeps (default {WARMUP})")
    parser.add_argument("--profile", action="store_true", help="print cProfile's view of one busy sweep")
    parser.add_argument("--output", default=None,
                        help="results file to write the sweep's section into; - for nowhere (default "
                             "docs/benchmarks.md for the default sizes on SQLite, nowhere otherwise)")
    args = parser.parse_args(argv)
    args.databases = args.databases or [SQLITE, POSTGRESQL]
    if not 1000 <= args.open <= 1_000_000 or not 1 <= args.due <= args.open // 2 or not 0 <= args.history <= 1_000_000:
        parser.error("--open must be 1000 to 1000000, --due 1 to half of it, --history 0 to 1000000")
    if not 1 <= args.busy_runs <= 20 or not 10 <= args.idle_runs <= 10_000 or not 0 <= args.warmup <= 1000:
        parser.error("--busy-runs must be 1 to 20, --idle-runs 10 to 10000, --warmup 0 to 1000")
    if args.output is None:
        default = (args.open, args.due, args.history) == (OPEN, DUE, HISTORY_CONTACTS) and SQLITE in args.databases
        args.output = str(DEFAULT_OUTPUT) if default else "-"
    if args.output != "-" and SQLITE not in args.databases:
        parser.error("the results file is written from a SQLite run: add --database-url sqlite")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"sweep: {args.open:,} open obligations, {args.due:,} due; {args.busy_runs} busy runs, "
        f"{args.warmup} + {args.idle_runs} idle runs; databases: {', '.join(args.databases)}")
    password = secrets.token_urlsafe(18)
    results: list[Result] = []
    try:
        for name in args.databases:
            results.append(bench_database(Database.open(name, args.postgres_url), args, password))
    except BenchError as error:
        print(f"\nSWEEP BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - clock
    print()
    print(results_table(results))
    for r in results:
        print(f"\n{r.kind}: due-row select and its plan:\n{plan_block(r)}")
        print(f"\n{r.kind}: the statements one idle sweep sends:\n{statements_table(r)}")
        if r.profile:
            print(f"\n{r.kind}: cProfile of one busy sweep:\n{r.profile}")
    for r in results:
        print(f"\n{r.kind}: busy sweep median {r.busy_median:.2f} s (target < {TARGET_BUSY_S:.0f} s): {verdict(r.busy_ok)}; "
              f"idle sweep median {r.idle_median:.2f} ms, p95 {r.idle_p95:.2f} ms (target < {TARGET_IDLE_MS:.0f} ms): "
              f"{verdict(r.idle_ok)}")
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_section(Path(args.output), section(results, machine(), started, elapsed, args))
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
