"""Rec 29 and timeliness over a million calls: `python -m benchmarks.rec29`.

The issue: Rec 29 and timeliness for one year over 1 million generated calls with their referrals,
assessments and services, on SQLite and PostgreSQL, beside the four Rec 29 counts written as one
hand-written SQL query on the same database in the same run. Targets: within 2 times the
hand-written SQL, and under 1 second, on both.

**Data.** benchmarks/casework_data.py's kept database of generated calls and the casework after
them (built once, reused while its key matches).

**Measured**, in-process on the app's own engine, for the last complete financial year, all teams,
as at today (what the statistics page asks by default is this financial year so far; the last whole
year is the one a director reads for a return):

- *Rec 29 and timeliness*: `rec29.rec29(session, period, as_at)` and `rec29.timeliness(session,
  period)`, the two calls the issue names, as the page makes them;
- *the page's figures*: everything one view of `/statistics` computes for its figures,
  `queries.get_report` (Rec 29, repeat referrals, timeliness) and `queries.list_trend` (Rec 29 for
  each month of the period);
- *the whole page*: `GET /statistics?from=...&to=...&team=all` through Flask's test client, signed
  in as a director through the login form, the answer read in full;
- *the baseline*: the four Rec 29 counts as one hand-written SQL statement (`HAND_WRITTEN`), run
  with `text()` on the same engine.

Each first in this process (cold: a new connection and nothing compiled yet; the database's files
as the build or the last run left them), then `--runs` times each, interleaved, warm. The hand-written
answer must equal the app's, and the page must show it. Then the statements one Rec 29 and
timeliness call sends, each timed raw with its query plan.
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from benchmarks import casework_data
from benchmarks.board import machine, percentile, signed_in_client
from benchmarks.run import DEFAULT_OUTPUT, DEFAULT_POSTGRES, ROOT, BenchError, log, write_section

RUNS = 15
TARGET_RATIO, TARGET_MS = 2.0, 1000.0
SECTION_NAME = "rec29"

#: The four Rec 29 counts (DESIGN.md section 6) in one statement, as someone would write them by hand.
HAND_WRITTEN = """
WITH referred AS (
    SELECT DISTINCT COALESCE(ch.merged_into_id, ch.id) AS child
    FROM referrals r
    JOIN children ch ON ch.id = r.child_record_id
    WHERE r.referred_on >= :first AND r.referred_on <= :last
), requiring AS (
    SELECT a.id AS assessment_id, COALESCE(ch.merged_into_id, ch.id) AS child
    FROM assessments a
    JOIN referrals r ON r.id = a.referral_id
    JOIN children ch ON ch.id = r.child_record_id
    WHERE a.requires_service = :yes AND a.authorised_on >= :first AND a.authorised_on <= :last
), unmet AS (
    SELECT DISTINCT q.child FROM requiring q
    WHERE EXISTS (SELECT 1 FROM identified_needs n WHERE n.assessment_id = q.assessment_id
                  AND NOT EXISTS (SELECT 1 FROM services s WHERE s.need_id = n.id AND s.started_on <= :as_at))
)
SELECT (SELECT count(*) FROM referred),
       (SELECT count(DISTINCT child) FROM requiring),
       (SELECT count(DISTINCT child) FROM requiring WHERE child NOT IN (SELECT child FROM unmet)),
       (SELECT count(*) FROM unmet)
"""
FIGURES = ("referred", "requiring", "provided", "yet_to_be_met")


def last_financial_year(today: date) -> tuple[date, date]:
    from dutydesk.rules import financial_year_start

    start = financial_year_start(today)
    return financial_year_start(start - timedelta(days=1)), start - timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Timed:
    """One thing measured: the first run in the process, then the warm runs (ms)."""

    name: str
    cold_ms: float = 0.0
    warm_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.warm_ms)

    @property
    def p95(self) -> float:
        return percentile(self.warm_ms, 0.95)


def timed(function):
    """Milliseconds to run `function`, and what it gave."""
    started = time.perf_counter()
    given = function()
    return (time.perf_counter() - started) * 1000, given


@dataclass
class Statement:
    sql: str
    parameters: object
    median_ms: float = 0.0
    rows: int = 0
    plan: list[str] = field(default_factory=list)

    @property
    def short(self) -> str:
        sql = " ".join(self.sql.split())
        tables = list(dict.fromkeys(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", sql)))
        what = "timeliness by kind" if "GROUP BY" in sql else "count"
        return f"{what}: {', '.join(tables)}"


def capture(engine, function) -> list[Statement]:
    """The statements `function` sends, as the driver receives them."""
    from sqlalchemy import event

    captured: list[Statement] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        captured.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        function()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return captured


def explain_and_time(engine, statements: list[Statement], runs: int = 7) -> None:
    """Each statement again on a raw connection (execute and fetch all, median of `runs`), with its plan
    (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE)."""
    raw = engine.raw_connection()
    postgres = engine.dialect.name == "postgresql"
    try:
        cursor = raw.cursor()
        for statement in statements:
            times = []
            for _ in range(runs):
                elapsed, rows = timed(lambda: cursor.execute(statement.sql, statement.parameters).fetchall())
                times.append(elapsed)
                statement.rows = len(rows)
            statement.median_ms = statistics.median(times)
            explain = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgres else "EXPLAIN QUERY PLAN "
            cursor.execute(explain + statement.sql, statement.parameters)
            statement.plan = [row[0] if postgres else row[3] for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()


# ---------------------------------------------------------------------------------------------
# One database


@dataclass
class Result:
    built: casework_data.Built
    period: tuple[date, date]
    as_at: date
    answer: dict
    rec29: Timed
    page_figures: Timed
    page: Timed
    hand: Timed
    statements: list[Statement]
    load_avg: float

    @property
    def ratio(self) -> float:
        return self.rec29.median / self.hand.median

    @property
    def passed(self) -> bool:
        return self.ratio <= TARGET_RATIO and self.rec29.median < TARGET_MS and self.rec29.p95 < TARGET_MS


def make_director(app, password: str) -> str:
    """A director made with dutydesk's create_user for this run (a password is never kept)."""
    from dutydesk.extensions import db
    from dutydesk.models import Role
    from dutydesk.people.operations import create_user

    with app.app_context():
        director = create_user(username=f"rec29-director-{datetime.now(timezone.utc):%Y%m%d%H%M%S}-"
                                        f"{secrets.token_hex(2)}", display_name="Rec 29 Bench Director",
                               password=password, roles=[Role.DIRECTOR])
        db.session.commit()
        return director.username


def bench_database(built: casework_data.Built, runs: int) -> Result:
    from sqlalchemy import Boolean, Date, bindparam, text

    from dutydesk.clock import now_utc, to_london
    from dutydesk.extensions import db
    from dutydesk.statistics import queries, rec29

    app = casework_data.make_app(built.url)
    password = secrets.token_urlsafe(18)
    username = make_director(app, password)
    as_at = to_london(now_utc()).date()  # the report date, as the page takes it
    first, last = last_financial_year(as_at)
    period = rec29.Period(first, last, None)
    hand_sql = text(HAND_WRITTEN).bindparams(bindparam("first", type_=Date()), bindparam("last", type_=Date()),
                                             bindparam("as_at", type_=Date()), bindparam("yes", type_=Boolean()))
    params = {"first": first, "last": last, "as_at": as_at, "yes": True}
    url = f"/statistics?from={first.isoformat()}&to={last.isoformat()}&team=all"
    measured = {name: Timed(name) for name in ("rec29", "page_figures", "page", "hand")}

    def run_rec29():
        return rec29.rec29(db.session, period, as_at), rec29.timeliness(db.session, period)

    def run_page_figures():
        return (queries.get_report(db.session, period, as_at), queries.list_trend(db.session, period, as_at))

    def run_hand():
        return tuple(db.session.execute(hand_sql, params).one())

    client = signed_in_client(app, username, password)

    def run_page():
        answer = client.get(url)
        return answer.status_code, answer.get_data(as_text=True)

    def once(name, function, cold: bool):
        with app.app_context():
            elapsed, given = timed(function)
            db.session.remove()
        if cold:
            measured[name].cold_ms = elapsed
        else:
            measured[name].warm_ms.append(elapsed)
        return given

    load_avg = os.getloadavg()[0]
    log(f"rec29: {built.kind}: {first} to {last}, all teams, as at {as_at}; load average {load_avg:.2f}")
    found = {}
    for cold in (True, *([False] * runs)):  # interleaved, so that whatever else the machine does falls on all
        counts, clocks = once("rec29", run_rec29, cold)
        once("page_figures", run_page_figures, cold)
        hand = once("hand", run_hand, cold)
        status, page = once("page", run_page, cold)
        found = check_answers(counts, hand, status, page, built.kind)
    with app.app_context():
        engine = db.engine
        statements = capture(engine, run_rec29)
        db.session.remove()
        explain_and_time(engine, statements)
        engine.dispose()
    log(f"rec29: {built.kind}: Rec 29 and timeliness median {measured['rec29'].median:.1f} ms "
        f"(p95 {measured['rec29'].p95:.1f}, first {measured['rec29'].cold_ms:.1f}); page's figures median "
        f"{measured['page_figures'].median:.1f} ms; whole page median {measured['page'].median:.1f} ms; "
        f"hand-written SQL median {measured['hand'].median:.1f} ms (p95 {measured['hand'].p95:.1f}, "
        f"first {measured['hand'].cold_ms:.1f}); answer {found}")
    return Result(built, (first, last), as_at, found, measured["rec29"], measured["page_figures"], measured["page"],
                  measured["hand"], statements, load_avg)


def check_answers(counts, hand: tuple, status: int, page: str, kind: str) -> dict:
    """The app's four counts equal the hand-written SQL's, and the page shows them."""
    app = {name: getattr(counts, name) for name in FIGURES}
    if tuple(app.values()) != hand:
        raise BenchError(f"{kind}: the app counts {app} but the hand-written SQL {dict(zip(FIGURES, hand))}")
    if counts.requiring != counts.provided + counts.yet_to_be_met:
        raise BenchError(f"{kind}: requiring {counts.requiring} is not provided + yet to be met ({app})")
    if status != 200:
        raise BenchError(f"{kind}: GET /statistics answered {status}")
    shown = {}
    for name in FIGURES:
        match = re.search(rf'id="figure-{name}">([\d,]+)<', page)
        if match is None:
            raise BenchError(f"{kind}: the statistics page does not show the figure {name}")
        shown[name] = int(match.group(1).replace(",", ""))
    if shown != app:
        raise BenchError(f"{kind}: the page shows {shown}, not the counts {app}")
    return app


# ---------------------------------------------------------------------------------------------
# Report


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def results_table(results: list[Result]) -> str:
    lines = ["| Database | Calls | What | Median ms | p95 ms | First run ms | / hand-written SQL (median) |",
             "|---|--:|---|--:|--:|--:|--:|"]
    for r in results:
        for what, measured in (("**Rec 29 and timeliness** (`rec29()` + `timeliness()`)", r.rec29),
                               ("The page's figures (`get_report` + `list_trend`)", r.page_figures),
                               ("The whole page, `GET /statistics`", r.page),
                               ("Baseline: the four counts, one hand-written SQL statement", r.hand)):
            ratio = "" if measured is r.hand else f"{measured.median / r.hand.median:.2f}"
            lines.append(f"| {r.built.kind} | {r.built.calls:,} | {what} | {measured.median:.1f} | {measured.p95:.1f} "
                         f"| {measured.cold_ms:.1f} | {ratio} |")
    return "\n".join(lines)


def statements_table(results: list[Result]) -> str:
    heads = " | ".join(f"{r.built.kind} ms" for r in results)
    lines = [f"| # | Statement | Rows | {heads} |", "|--:|---|--:|" + "--:|" * len(results)]
    for n, statement in enumerate(results[0].statements):
        times = " | ".join(f"{r.statements[n].median_ms:.1f}" if n < len(r.statements) else "?" for r in results)
        lines.append(f"| {n + 1} | {statement.short} | {statement.rows} | {times} |")
    return "\n".join(lines)


def reading(plan: list[str], most: int = 40) -> list[str]:
    """The lines of a plan that say what is read and how (scans, searches, joins, aggregates)."""
    wanted = re.compile(r"SCAN|SEARCH|Scan|Join|Nested Loop|Aggregate|Index Cond|Execution Time|MATERIALIZE|CTE")
    return [line for line in plan if wanted.search(line)][:most]


def plans_block(results: list[Result], slowest: int = 2) -> str:
    """The plans of each database's slowest statements."""
    out = []
    for r in results:
        ranked = sorted(range(len(r.statements)), key=lambda n: -r.statements[n].median_ms)[:slowest]
        for n in ranked:
            statement = r.statements[n]
            plan = "\n".join(f"    {line}" for line in reading(statement.plan))
            out.append(f"{r.built.kind}, statement {n + 1} ({statement.median_ms:.1f} ms):\n\n{plan}\n")
    return "\n".join(out)


def section(results: list[Result], info: dict, started: datetime, elapsed: float, args) -> str:
    first = results[0]
    summary = "\n".join(
        f"- **{r.built.kind}:** Rec 29 and timeliness median **{r.rec29.median:.1f} ms** (p95 {r.rec29.p95:.1f}), "
        f"**{r.ratio:.2f}×** the hand-written SQL's {r.hand.median:.1f} ms (≤ {TARGET_RATIO:g}×, < "
        f"{TARGET_MS:.0f} ms): **{mark(r.passed)}**" for r in results)
    answers = "; ".join(f"{r.built.kind}: " + ", ".join(f"{name.replace('_', ' ')} {r.answer[name]:,}"
                                                          for name in FIGURES) for r in results)
    counts = "; ".join(f"{r.built.kind}: " + ", ".join(f"{n:,} {t}" for t, n in r.built.counts.items()
                                                         if t in ("contacts", "contact_children", "children",
                                                                  "referrals", "assessments", "identified_needs",
                                                                  "services", "obligations"))
                       for r in results)
    built = "; ".join(f"{r.built.kind} {r.built.load_s:.0f} s" + (" (kept)" if r.built.reused else "")
                      for r in results)
    loads = ", ".join(f"{r.built.kind} {r.load_avg:.2f}" for r in results)
    versions = ", ".join(f"{r.built.kind} {r.built.version}" for r in results)
    return f"""<!-- {SECTION_NAME}-benchmark:start -->
## Rec 29 and timeliness over {first.built.calls:,} calls

Written by `make bench` (`python -m benchmarks.rec29`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {elapsed:.0f} s in all.

**What is measured:** the director's statistics for the last complete financial year
({first.period[0]:%-d %B %Y} to {first.period[1]:%-d %B %Y}), all teams, as at {first.as_at:%-d %B %Y}, on a
database of {first.built.calls:,} generated calls over three years and the casework after them:
`rec29.rec29(...)` and `rec29.timeliness(...)` as the statistics page calls them, in-process on the
app's engine. **Baseline**, in the same run on the same database and engine: the four Rec 29 counts
as one hand-written SQL statement (`HAND_WRITTEN` in benchmarks/rec29.py: the plain statement, joining
each referral's child's record, `referrals.child_record_id`, for the record it may have been merged
into; it runs on the same database, with the indexes migrations d3f7a1c9e5b2 and a9c4e7f2b8d6
made for the app), whose answer must equal
the app's ({answers}), as must the figures the page shows. For information: everything one view of
the page computes for its figures (Rec 29 for the year and for each of its 12 months, repeat
referrals and timeliness), and the whole page through Flask's test client.

**Target** (the issue): within {TARGET_RATIO:g} times the hand-written SQL, and under {TARGET_MS / 1000:g} second,
on both databases: here, Rec 29 and timeliness's median at most {TARGET_RATIO:g} times the baseline's median, and
its median and p95 under {TARGET_MS:.0f} ms.

{summary}

{results_table(results)}

**Where the time goes.** The statements one Rec 29 and timeliness call sends (captured with a
`before_cursor_execute` listener), each run again raw on the driver's connection (execute and fetch
all, median of 7), and the plans of the slowest:

{statements_table(results)}

{plans_block(results)}
**How it was measured**

- **Reproduce:** `make bench` (all benchmarks), or `make bench BENCH_ARGS="--only rec29"`, or
  `.venv/bin/python -m benchmarks.rec29` (`--calls 20000` for a quick run, which prints without writing
  this file unless `--output` is given; `--databases sqlite` for one database).
- **Data:** benchmarks/casework_data.py's `build(database, {first.built.calls:,}, seed={first.built.seed})`: calls
  spread over the three years up to the day it was built (busier in office hours and on weekdays)
  across three duty teams and an out-of-hours team, 1 to 4 children each, 22% about a family called
  about before (some children on several calls; 2% of those given a duplicate record, most merged
  into the first later); records with sex, ethnicity, disability, date of birth (or expected), UPN;
  every clock of the call met on time, late, still open or withdrawn; a screening decision for each
  child, about a third referred (some ended in no further action, a few transferred), most assessed
  (58% requiring a service, 1 to 3 needs, 88% of needs met by a service, some ended), strategy
  discussions, section 47 enquiries, conferences, plans and closures. Written in bulk (sqlite3
  `executemany`, psycopg COPY) into a database made by `flask db upgrade`, its indexes made after
  the rows, then ANALYZE (PostgreSQL: VACUUM ANALYZE), and checked (codes, the casework's rules, a
  sample read back through the models, due dates by dutydesk's rules, Rec 29's partition in every
  year and team). Kept (benchmarks/.cache/, and PostgreSQL's `{casework_data.POSTGRES_NAME}`) and
  reused; build time: {built}. Rows: {counts}.
- **Timing:** in-process, `time.perf_counter()` around each call, each in a fresh application
  context and session, the same for the app and the baseline; the first run of each in the process
  is reported apart ("first run": a new connection, nothing compiled, the files as the build or the
  last run left them in the page cache), then {args.runs} runs of each, interleaved (Rec 29, the page's
  figures, the baseline, the page, and again), median and nearest-rank p95. Garbage collection left on.
- **Page:** a director made by dutydesk's `create_user` for the run, signed in through the login form.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['os']}; Python {info['python']}, SQLAlchemy
  {info['sqlalchemy']}; {versions}. The database shares the machine; its one-minute load average as
  each database's runs began: {loads}.
<!-- {SECTION_NAME}-benchmark:end -->
"""


def print_summary(results: list[Result]) -> None:
    print()
    print(results_table(results))
    print()
    print(statements_table(results))
    print()
    for r in results:
        for n, statement in enumerate(r.statements):
            print(f"{r.built.kind} statement {n + 1} ({statement.median_ms:.1f} ms, {statement.rows} rows): "
                  f"{' '.join(statement.sql.split())[:400]}")
            for line in statement.plan:
                print(f"    {line}")
    for r in results:
        print(f"{r.built.kind}: Rec 29 and timeliness {r.rec29.median:.1f} ms median, {r.ratio:.2f}x the hand-written "
              f"SQL (target <= {TARGET_RATIO:g}x and < {TARGET_MS:.0f} ms): {mark(r.passed)}")


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rec29", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=casework_data.CALLS,
                        help=f"calls in the database (default {casework_data.CALLS:,})")
    parser.add_argument("--seed", type=int, default=casework_data.SEED)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql (default both)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="an admin connection to a loopback PostgreSQL (makes and keeps the database "
                             f"{casework_data.POSTGRES_NAME})")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"warm runs of each (default {RUNS})")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or check) the kept databases and stop: another run measures them")
    parser.add_argument("--output", default=None, help="results file to write the section into; - for nowhere "
                                                       "(default docs/benchmarks.md at the default size)")
    args = parser.parse_args(argv)
    args.databases = [name.strip().lower() for name in args.databases.split(",") if name.strip()]
    if set(args.databases) - {"sqlite", "postgresql"} or not args.databases:
        parser.error("--databases takes sqlite, postgresql or both")
    if not 1_000 <= args.calls <= 5_000_000:
        parser.error("--calls must be 1000 to 5000000")
    if not 3 <= args.runs <= 500:
        parser.error("--runs must be 3 to 500")
    if args.output is None:
        args.output = str(DEFAULT_OUTPUT) if args.calls == casework_data.CALLS else "-"
    return args


def main(argv=None) -> int:
    import signal

    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"rec29: {args.calls:,} calls (seed {args.seed}); databases {args.databases}; {args.runs} warm runs")
    results = []
    try:
        built = [casework_data.build(name, args.calls, args.seed, postgres_url=args.postgres_url)
                 for name in args.databases]
        if args.build_only:
            return 0
        for database in built:
            results.append(bench_database(database, args.runs))
    except BenchError as error:
        print(f"\nREC 29 BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - clock
    print_summary(results)
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_section(Path(args.output), SECTION_NAME, section(results, machine(), started, elapsed, args),
                      after="records")
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
