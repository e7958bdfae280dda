"""A million calls and all the casework after them, in a kept database: `python -m benchmarks.casework_data`.

For the benchmarks that read what happened after the referral (Rec 29 and timeliness, the CIN census
and Annex A): `build("sqlite" or "postgresql", calls, seed)` returns a `Built` whose `url` is a
dutydesk database holding `calls` generated calls over the three years up to the day it was built,
with every child, record, clock, decision, referral, assessment, need, service, enquiry, plan and
closure that followed them (benchmarks/casework_rows.py and casework_cases.py tell the story,
casework_words.py gives its shares).

The schema is made by `flask db upgrade`; the staff (a contact centre, three duty teams and an
out-of-hours team, each with a manager and workers, and a senior manager) by dutydesk's own
`create_user`. The rows then go in in bulk: sqlite3 `executemany` (synchronous and the journal off
while loading) or psycopg COPY (triggers, foreign keys included, off while loading), with the loaded
tables' secondary indexes dropped first and made again after the rows, then ANALYZE (PostgreSQL:
VACUUM ANALYZE, as autovacuum would leave it). Before the database is kept it is checked: every
table's columns are the models' own, every stored code is one of its enumeration's, a sample of
calls read back through the models, due dates as dutydesk's rules give them, the casework's own
rules (R25: an authorised assessment saw the child and the carers; a child requiring a service has
a need, one who does not has none; a child protection plan has its category) and Rec 29's
partition (requiring = provided + yet to be met) in every year and team.

Kept (SQLite: benchmarks/.cache/casework-*.sqlite3; PostgreSQL: the database
`dutydesk_bench_casework`, or `..._<calls>` at another size) under a key of size, seed, generator
version and migrations, and reused while the key matches; the day it was built is in its meta row
(`Built.now`), so a kept database is the same rows however old it is.
"""

import argparse
import json
import os
import random
import re
import secrets
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from benchmarks.casework_rows import COLUMNS, NO_ID, Casework, Staff, TeamStaff
from benchmarks.kept import Meta, cache_key, copy_text, has_tables, kept_postgres, kept_sqlite, sqlite_value
from benchmarks.run import BENCH_SECRET_KEY, DEFAULT_POSTGRES, BenchError, log, run_checked

CALLS = 1_000_000
SEED = 29
#: Bump when the rows generated change: a kept database is then rebuilt.
GENERATION = 3
META = Meta("bench_casework_meta")
POSTGRES_NAME = "dutydesk_bench_casework"
#: Calls generated and written per transaction.
BATCH = 5_000
DUTY_TEAMS = ("Duty and assessment North", "Duty and assessment South", "Duty and assessment East")
OUT_OF_HOURS = "Out-of-hours team"
WORKERS_PER_TEAM, OUT_OF_HOURS_WORKERS, CALL_HANDLERS = 12, 6, 8


@dataclass
class Built:
    """A kept database of generated casework, and what it holds."""

    kind: str
    url: str
    calls: int
    seed: int
    #: The moment the story ends: nothing in the database happened after it.
    now: datetime
    staff: Staff
    counts: dict
    load_s: float
    reused: bool
    version: str


def make_app(url: str):
    from config import Config, _database_url
    from dutydesk import create_app

    class CaseworkBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY
        #: The staff made here never sign in: a cheap hash keeps the set-up short.
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    return create_app(CaseworkBenchConfig)


def seed_staff(app) -> Staff:
    """The teams and their people, through dutydesk's own create_user (passwords nobody knows)."""
    from dutydesk.extensions import db
    from dutydesk.models import Role, Team, TeamKind
    from dutydesk.people.operations import create_user

    password = secrets.token_urlsafe(18)
    with app.app_context():
        centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
        teams = [Team(name=name, kind=TeamKind.DUTY) for name in DUTY_TEAMS]
        teams.append(Team(name=OUT_OF_HOURS, kind=TeamKind.OUT_OF_HOURS))
        db.session.add_all([centre, *teams])
        db.session.flush()
        handlers = [create_user(username=f"casework-handler-{n}", display_name=f"Call Handler {n}",
                                password=password, roles=[Role.CALL_HANDLER], team=centre)
                    for n in range(CALL_HANDLERS)]
        senior = create_user(username="casework-senior", display_name="Senior Manager", password=password,
                             roles=[Role.SENIOR_MANAGER])
        centre.manager = senior
        staff = []
        for t, team in enumerate(teams):
            manager = create_user(username=f"casework-manager-{t}", display_name=f"Duty Manager {t}",
                                  password=password, roles=[Role.DUTY_MANAGER], team=team)
            team.manager = manager
            count = OUT_OF_HOURS_WORKERS if team.kind is TeamKind.OUT_OF_HOURS else WORKERS_PER_TEAM
            workers = [create_user(username=f"casework-worker-{t}-{n}", display_name=f"Worker {t}-{n}",
                                   password=password, roles=[Role.DUTY_WORKER], team=team) for n in range(count)]
            staff.append(TeamStaff(team.id, team.name, team.kind is TeamKind.OUT_OF_HOURS, manager.id,
                                   tuple(worker.id for worker in workers)))
        db.session.commit()
        made = Staff(centre.id, tuple(handler.id for handler in handlers), senior.id, tuple(staff))
        db.engine.dispose()
    return made


def story_end(today: date) -> datetime:
    """The end of the story: 06:00 UTC on the day of the build, before that day's work began."""
    return datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=6)


# ---------------------------------------------------------------------------------------------
# Writing


def check_columns() -> None:
    """Every table written gets every column of the model's table, no more and no fewer."""
    from dutydesk.extensions import db
    import dutydesk.models  # noqa: F401 - registers every table

    for table, columns in COLUMNS.items():
        model = [column.name for column in db.metadata.tables[table].c]
        if sorted(model) != sorted(columns):
            raise BenchError(f"{table}: the generator writes {sorted(set(columns) ^ set(model))} differently from "
                             "the model: update benchmarks/casework_rows.py (and GENERATION)")


class Writer:
    """Rows into one database in bulk; its loaded tables' secondary indexes dropped meanwhile."""

    def __init__(self, engine):
        self.engine = engine
        self.raw = engine.raw_connection()
        self.driver = self.raw.driver_connection
        self.postgres = engine.dialect.name == "postgresql"
        self.indexes: list[str] = []

    def __enter__(self):
        tables = list(COLUMNS)
        if self.postgres:
            with self.driver.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                    "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.indexname))::regclass)", (tables,))
                found = cursor.fetchall()
                for name, definition in found:
                    cursor.execute(f'DROP INDEX "{name}"')
                self.driver.commit()
        else:
            self.driver.commit()
            self.driver.isolation_level = None
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "temp_store=MEMORY"):
                self.driver.execute(f"PRAGMA {pragma}")
            found = self.driver.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join('?' * len(tables))})", tables).fetchall()
            for name, _ in found:
                self.driver.execute(f'DROP INDEX "{name}"')
        self.indexes = [definition for _, definition in found]
        return self

    def write(self, batch: dict[str, list]) -> None:
        if self.postgres:
            with self.driver.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers while loading
                for table, rows in batch.items():
                    if rows:
                        with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                            copy.write(copy_text(rows))
            self.driver.commit()
            return
        connection = self.driver
        connection.execute("BEGIN")
        for table, rows in batch.items():
            if rows:
                columns = COLUMNS[table]
                connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                       f"({', '.join('?' * len(columns))})",
                                       [tuple(map(sqlite_value, row)) for row in rows])
        connection.execute("COMMIT")

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self.finish()
        finally:
            self.raw.close()

    def finish(self) -> None:
        """The indexes made again, the sequences moved past the ids written, the statistics gathered."""
        if self.postgres:
            with self.driver.cursor() as cursor:
                for definition in self.indexes:
                    cursor.execute(definition)
                for table in COLUMNS:
                    if table not in NO_ID:
                        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
            self.driver.commit()
            self.driver.autocommit = True
            self.driver.execute("VACUUM ANALYZE")
            self.driver.autocommit = False
            return
        for definition in self.indexes:
            self.driver.execute(definition)
        self.driver.execute("ANALYZE")
        self.driver.execute("PRAGMA journal_mode=WAL")
        self.driver.execute("PRAGMA synchronous=FULL")


def counts(engine) -> dict:
    from sqlalchemy import text

    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COLUMNS}


# ---------------------------------------------------------------------------------------------
# Checks: what dutydesk's own code would accept


def check_codes(engine) -> None:
    """Every stored code (a StrEnum column's value) is one of its enumeration's."""
    from sqlalchemy import Enum, select

    from dutydesk.extensions import db

    with engine.connect() as connection:
        for table in COLUMNS:
            for column in db.metadata.tables[table].c:
                if isinstance(column.type, Enum) and column.type.enum_class is not None:
                    allowed = {member.value for member in column.type.enum_class}
                    stored = set(connection.scalars(select(column).distinct())) - {None}
                    raw = {value.value if hasattr(value, "value") else value for value in stored}
                    if not raw <= allowed:
                        raise BenchError(f"{table}.{column.name} holds codes that are not "
                                         f"{column.type.enum_class.__name__}'s: {sorted(raw - allowed)}")


#: The casework's own rules, each a count of the rows that break it: all must be 0.
BROKEN = {
    "an authorised assessment without the child and the carers seen (R25)":
        "SELECT count(*) FROM assessments WHERE authorised_on IS NOT NULL "
        "AND (child_seen_on IS NULL OR carers_seen_on IS NULL OR completed_on IS NULL)",
    "a child requiring a service with no identified need":
        "SELECT count(*) FROM assessments a WHERE a.requires_service = :yes "
        "AND NOT EXISTS (SELECT 1 FROM identified_needs n WHERE n.assessment_id = a.id)",
    "a child not requiring a service with needs":
        "SELECT count(*) FROM assessments a WHERE a.requires_service = :no "
        "AND EXISTS (SELECT 1 FROM identified_needs n WHERE n.assessment_id = a.id)",
    "a child requiring a service whose primary need is 'not in need'":
        "SELECT count(*) FROM assessments WHERE requires_service = :yes AND primary_need = 'N9'",
    "a child protection plan without its category, or a child in need plan with one":
        "SELECT count(*) FROM plans WHERE (kind = 'cp' AND initial_category IS NULL) "
        "OR (kind = 'cin' AND initial_category IS NOT NULL)",
    "a referral ended in no further action with an assessment or a closure":
        "SELECT count(*) FROM referrals r WHERE r.is_nfa = :yes AND (EXISTS (SELECT 1 FROM assessments a "
        "WHERE a.referral_id = r.id) OR EXISTS (SELECT 1 FROM closures c WHERE c.referral_id = r.id))",
    "a service started before its referral, or after its case closed":
        "SELECT count(*) FROM services s JOIN identified_needs n ON n.id = s.need_id "
        "JOIN assessments a ON a.id = n.assessment_id JOIN referrals r ON r.id = a.referral_id "
        "LEFT JOIN closures c ON c.referral_id = r.id "
        "WHERE s.started_on < r.referred_on OR s.started_on > c.closed_on OR s.ended_on > c.closed_on",
    "a case closed before its assessment was authorised":
        "SELECT count(*) FROM closures c JOIN assessments a ON a.referral_id = c.referral_id "
        "WHERE a.authorised_on IS NULL OR a.authorised_on > c.closed_on",
    "an open clock on a closed case":
        "SELECT count(*) FROM obligations o JOIN referrals r ON r.child_id = o.child_id "
        "JOIN closures c ON c.referral_id = r.id WHERE o.met_at IS NULL",
    "a clock met before its call was received":
        "SELECT count(*) FROM obligations o JOIN contacts c ON c.id = o.contact_id WHERE o.met_at < c.received_at",
    "anything dated after the story's end":
        "SELECT (SELECT count(*) FROM obligations WHERE met_at > :now OR created_at > :now) "
        "+ (SELECT count(*) FROM contact_events WHERE at > :now) + (SELECT count(*) FROM services WHERE started_on > :today) "
        "+ (SELECT count(*) FROM closures WHERE recorded_at > :now) + (SELECT count(*) FROM contacts WHERE received_at > :now)",
    "a merge that is not its record's, or into a record itself merged":
        "SELECT count(*) FROM children c JOIN child_merges m ON m.child_id = c.id "
        "WHERE c.merged_into_id IS NULL OR m.into_id <> c.merged_into_id "
        "OR EXISTS (SELECT 1 FROM children i WHERE i.id = c.merged_into_id AND i.merged_into_id IS NOT NULL)",
    "a call's child not linked to a record": "SELECT count(*) FROM contact_children WHERE child_id IS NULL",
    "a referral whose child's record is not its call's child's":
        "SELECT count(*) FROM referrals r JOIN contact_children cc ON cc.id = r.child_id "
        "WHERE r.child_record_id IS NULL OR r.child_record_id <> cc.child_id",
    "an open escalation ladder step already due (the sweep would issue it)":
        "SELECT count(*) FROM obligations WHERE met_at IS NULL AND escalates_at <= :now",
}


def check_rules(engine, now: datetime) -> None:
    from sqlalchemy import Boolean, Date, bindparam, text

    from dutydesk.clock import to_london
    from dutydesk.models.types import UTCDateTime

    types = {"yes": Boolean(), "no": Boolean(), "now": UTCDateTime(), "today": Date()}
    params = {"yes": True, "no": False, "now": now, "today": to_london(now).date()}

    def named(sql: str) -> list[str]:
        return [name for name in types if re.search(rf":{name}\b", sql)]

    def statement(sql: str):  # the values bound as the app binds them (SQLite compares timestamps as text)
        return text(sql).bindparams(*(bindparam(name, type_=types[name]) for name in named(sql)))

    with engine.connect() as connection:
        broken = {what: connection.execute(statement(sql), {name: params[name] for name in named(sql)}).scalar_one()
                  for what, sql in BROKEN.items()}
    broken = {what: n for what, n in broken.items() if n}
    if broken:
        raise BenchError("the generated casework breaks dutydesk's rules: "
                         + "; ".join(f"{what}: {n:,}" for what, n in broken.items()))


def check_sample(app, now: datetime, sample: int = 300) -> None:
    """A sample of calls read back through the models, every relationship and property a page reads;
    their due dates as dutydesk's rules give them."""
    from sqlalchemy import func, select

    from dutydesk import rules
    from dutydesk.extensions import db
    from dutydesk.models import Contact, Obligation, ObligationKind, Referral

    rng = random.Random(1)
    with app.app_context():
        last = db.session.scalar(select(func.max(Contact.id)))
        for contact_id in sorted(rng.sample(range(1, last + 1), min(sample, last))):
            contact = db.session.get(Contact, contact_id)
            assert contact.reference and contact.children_names and contact.team.name
            for child in contact.children:
                record = child.child
                _ = (child.age_description, child.display_name, child.interpreter_use, record.display_name,
                     record.birth_description, record.disability_codes, record.reference, record.sex.label,
                     record.ethnicity and record.ethnicity.label, [n.kind.label for n in record.names],
                     [a.postcode for a in record.addresses_over_time])
                referral = child.referral
                if referral is None:
                    continue
                _ = (referral.is_open, referral.is_allocated, referral.source.label, referral.team.name)
                for assessment in referral.assessments:
                    _ = (assessment.factor_codes, assessment.primary_need and assessment.primary_need.label,
                         [[s.what for s in need.services] for need in assessment.needs])
                for plan in referral.plans:
                    _ = (plan.kind.label, plan.initial_category and plan.initial_category.label)
                for enquiry in referral.section47_enquiries:
                    _ = (enquiry.is_conference_not_required, enquiry.outcome and enquiry.outcome.label)
                if referral.closure is not None:
                    _ = referral.closure.reason.label
            for clock in contact.obligations:
                expected = {
                    ObligationKind.VERBAL_HANDOFF: lambda: rules.handoff_due_at(contact.received_at),
                    ObligationKind.REFERRER_CONFIRMATION: lambda: rules.referrer_confirmation_due_at(
                        contact.received_at),
                    ObligationKind.CHILD_SEEN: lambda: rules.child_seen_due_at(contact.received_at),
                    ObligationKind.SCREENING_DECISION: lambda: rules.screening_decision_due_at(contact.received_at),
                }.get(clock.kind)
                if expected is not None and clock.due_at != expected():
                    raise BenchError(f"obligation {clock.id} ({clock.kind.value}) is due {clock.due_at}, "
                                     f"not {expected()} as the rules say")
                _ = (clock.label, clock.subject, clock.kind.label, clock.escalation_level)
            db.session.expunge_all()
        # The working-day clocks of referrals: the assessment's and the transfer's.
        referrals = db.session.scalars(select(Referral).order_by(Referral.id).limit(2000)).all()
        for referral in rng.sample(referrals, min(200, len(referrals))):
            clock = db.session.scalar(select(Obligation).where(Obligation.child_id == referral.child_id,
                                                               Obligation.kind == ObligationKind.ASSESSMENT))
            if clock.due_at != rules.assessment_due_at(referral.created_at):
                raise BenchError(f"the assessment of referral {referral.id} is due {clock.due_at}, not "
                                 f"{rules.assessment_due_at(referral.created_at)} as the rules say")
        db.session.remove()


def check_rec29(app, now: datetime) -> dict:
    """Rec 29's partition (requiring = provided + yet to be met) in every financial year and team, and
    the counts it finds for each whole year, all teams; a year with nobody requiring a service fails."""
    from sqlalchemy import select

    from dutydesk.clock import to_london
    from dutydesk.extensions import db
    from dutydesk.models import Team, TeamKind
    from dutydesk.rules import financial_year_start
    from dutydesk.statistics import rec29

    today = to_london(now).date()
    found = {}
    with app.app_context():
        teams = [None, *db.session.scalars(select(Team.id).where(Team.kind != TeamKind.CONTACT_CENTRE))]
        start = financial_year_start(today)
        years = []
        while start > today - timedelta(days=3 * 366):
            previous = financial_year_start(start - timedelta(days=1))
            years.append((previous, start - timedelta(days=1)))
            start = previous
        for first, last in years:
            for team in teams:
                counts_ = rec29.rec29(db.session, rec29.Period(first, last, team), today)
                if counts_.requiring != counts_.provided + counts_.yet_to_be_met:
                    raise BenchError(f"Rec 29 from {first} to {last}, team {team}: requiring {counts_.requiring} "
                                     f"is not provided {counts_.provided} + yet to be met {counts_.yet_to_be_met}")
                if team is None:
                    found[f"{first}..{last}"] = (counts_.referred, counts_.requiring, counts_.provided,
                                                 counts_.yet_to_be_met)
        db.session.remove()
    complete = [year for year, counts_ in found.items() if counts_[1] == 0]
    if len(complete) == len(found):
        raise BenchError(f"no year holds a child requiring a service: {found}")
    return found


# ---------------------------------------------------------------------------------------------
# Build, or reuse


def _is_current(key: str):
    return lambda meta: meta["key"] == key


def _load(kind: str, url: str, calls: int, seed: int, key: str, env: dict, progress) -> Built:
    from sqlalchemy import create_engine

    from config import _database_url

    engine = create_engine(_database_url(url))
    try:
        meta = META.read(engine)
        if meta is not None and meta["key"] == key:
            log(f"casework: {kind}: reusing the database built on {meta['now'][:10]} "
                f"(building took {meta['load_seconds']:.0f} s)")
            return Built(kind, url, calls, seed, datetime.fromisoformat(meta["now"]),
                         Staff.from_dict(json.loads(meta["staff"])), json.loads(meta["counts"]),
                         meta["load_seconds"], True, "")
        if meta is not None or has_tables(engine):
            raise BenchError(f"{kind}: the database at {url} is not this benchmark's empty database")
        check_columns()
        started = time.monotonic()
        log(f"casework: {kind}: flask db upgrade")
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], {**env, "DATABASE_URL": url},
                    "flask db upgrade", timeout=300)
        app = make_app(url)
        staff = seed_staff(app)
        from dutydesk.clock import now_utc, to_london

        now = story_end(to_london(now_utc()).date())
        log(f"casework: {kind}: generating {calls:,} calls (seed {seed}) up to {now:%Y-%m-%d %H:%M} UTC")
        story = Casework(staff, now, calls, seed, BATCH)
        done, reported = 0, time.monotonic()
        with Writer(engine) as writer:
            for batch in story.batches():
                writer.write(batch)
                done, before = min(done + BATCH, calls), done
                if progress and (time.monotonic() - reported > 20 or done == calls > before):
                    reported = time.monotonic()
                    log(f"casework: {kind}:   {done:,} of {calls:,} calls ({time.monotonic() - started:.0f} s)")
            log(f"casework: {kind}: indexes and statistics")
        load_s = time.monotonic() - started
        made = counts(engine)
        log(f"casework: {kind}: written in {load_s:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in made.items()))
        log(f"casework: {kind}: checking the rows")
        check_codes(engine)
        check_rules(engine, now)
        check_sample(app, now)
        years = check_rec29(app, now)
        log(f"casework: {kind}: Rec 29 by financial year (referred, requiring, provided, yet to be met): {years}")
        with app.app_context():
            from dutydesk.extensions import db

            db.engine.dispose()
        META.write(engine, {"key": key, "now": now.isoformat(), "calls": calls, "seed": seed,
                            "load_seconds": float(load_s), "staff": json.dumps(staff.as_dict()),
                            "counts": json.dumps(made)})
        return Built(kind, url, calls, seed, now, staff, made, load_s, False, "")
    finally:
        engine.dispose()


def _env() -> dict:
    return {**os.environ, "SECRET_KEY": BENCH_SECRET_KEY, "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1"}


def build_into(url: str, calls: int, seed: int = SEED) -> Built:
    """Generate and check `calls` calls' casework in the empty database at `url`, not kept anywhere
    (a test's, or a one-off)."""
    kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    return _load(kind, url, calls, seed, cache_key(calls, seed, GENERATION), _env(), progress=False)


def build(database: str = "sqlite", calls: int = CALLS, seed: int = SEED, *, postgres_url: str = DEFAULT_POSTGRES,
          progress: bool = True) -> Built:
    """The kept database of `calls` generated calls and their casework on `database` ("sqlite" or
    "postgresql", made through the admin connection `postgres_url`): built now, or as built before."""
    key, env = cache_key(calls, seed, GENERATION), _env()
    if database == "sqlite":
        with kept_sqlite("casework", key, META) as url:
            built = _load("SQLite", url, calls, seed, key, env, progress)
        built.version = sqlite3.sqlite_version
        return built
    if database == "postgresql":
        name = POSTGRES_NAME if calls == CALLS else f"{POSTGRES_NAME}_{calls}"
        with kept_postgres(postgres_url, name, META, _is_current(key)) as kept:
            built = _load("PostgreSQL", kept.url, calls, seed, key, env, progress)
        built.version = kept.version()
        return built
    raise ValueError(f"database is sqlite or postgresql, not {database!r}")


def main(argv=None) -> int:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a build stopped leaves nothing half-built
    parser = argparse.ArgumentParser(prog="python -m benchmarks.casework_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=CALLS, help=f"calls generated (default {CALLS:,})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql (default both)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    args = parser.parse_args(argv)
    try:
        for database in [name.strip().lower() for name in args.databases.split(",") if name.strip()]:
            built = build(database, args.calls, args.seed, postgres_url=args.postgres_url)
            print(f"{built.kind} {built.version}: {built.url} (story ends {built.now:%Y-%m-%d %H:%M} UTC)")
    except BenchError as error:
        print(f"\nCASEWORK DATA FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
