"""The statutory returns over a million generated calls: `python -m benchmarks.returns_export`.

The issue: the census export and the Annex A workbook of a database with 1 million generated
calls: time and peak memory of each, beside the time of reading the same rows with one SQL query
in the same run. Target: peak memory under 300 MB for both.

For each database, the kept database of benchmarks/casework_data.py (a million calls over three
years with all the casework after them). The returns are made for the last whole collection year
before the story's end, exactly as a council would: by dutydesk's own commands, `flask export
cin-census` and `flask export annex-a`, each its own process, timed from start to exit; its peak
memory is the process's maximum resident set size (`wait4`'s rusage, as `/usr/bin/time -v` reads
it), which counts everything the process held (Python, SQLAlchemy, the driver, lxml, XlsxWriter).
The census file is then checked against the DfE's schema (../shared/specs/cin-census-2025.xsd)
and the workbook opened with openpyxl, so a fast but wrong export cannot pass.

Beside each, the baseline: one hand-written SQL statement reading the same rows (the census's
episodes with their children, closures, assessments, enquiries and plans; Annex A's contacts,
referrals, assessments, enquiries and children in the year), fetched to the end by the driver in
a process of its own, timed and measured the same way.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from benchmarks import casework_data
from benchmarks.run import BENCH_SECRET_KEY, DEFAULT_OUTPUT, DEFAULT_POSTGRES, ROOT, BenchError, log, machine, write_section

TARGET_MB = 300
SCHEMA = ROOT.parent / "shared" / "specs" / "cin-census-2025.xsd"
LA_CODE = "309"

#: The rows the census reads, in one statement: each episode of the year with its child, closure,
#: assessments, section 47 enquiries and plans (a row per combination, as a join gives them).
CENSUS_SQL = """
SELECT ch.id, ch.date_of_birth, ch.expected_date_of_birth, ch.sex, ch.ethnicity, ch.disabilities, ch.upn,
       r.id, r.referred_on, r.source, r.is_nfa, r.nfa_at, cl.closed_on, cl.reason,
       a.started_on, a.authorised_on, a.factors, a.primary_need,
       s.started_on, s.outcome, s.conference_target_on, s.conference_on,
       p.kind, p.started_on, p.ended_on, p.initial_category, p.latest_category
FROM referrals r
JOIN contact_children cc ON cc.id = r.child_id
JOIN children record ON record.id = cc.child_id
JOIN children ch ON ch.id = COALESCE(record.merged_into_id, record.id)
LEFT JOIN closures cl ON cl.referral_id = r.id
LEFT JOIN assessments a ON a.referral_id = r.id
LEFT JOIN section47_enquiries s ON s.referral_id = r.id
LEFT JOIN plans p ON p.referral_id = r.id
WHERE r.referred_on <= :last
  AND ((r.is_nfa AND r.nfa_at >= :first_moment) OR (NOT r.is_nfa AND (cl.closed_on IS NULL OR cl.closed_on >= :first)))
ORDER BY ch.id, r.referred_on, r.id
"""

#: The rows Annex A reads, in one statement: the contacts, referrals, assessments and enquiries of
#: the period, each with its child, and the children in need (open referrals), as one UNION ALL.
ANNEX_A_SQL = """
SELECT 1, ch.id, ch.sex, ch.ethnicity, ch.date_of_birth, c.received_at, CAST(NULL AS TEXT), CAST(NULL AS TEXT)
FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id JOIN children ch ON ch.id = cc.child_id
WHERE c.received_at >= :first_moment AND c.received_at < :after_moment
UNION ALL
SELECT 3, ch.id, ch.sex, ch.ethnicity, ch.date_of_birth, r.referred_on, CAST(r.source AS TEXT), CAST(r.worker_id AS TEXT)
FROM referrals r JOIN contact_children cc ON cc.id = r.child_id JOIN children ch ON ch.id = cc.child_id
WHERE r.referred_on >= :first AND r.referred_on <= :last
UNION ALL
SELECT 4, ch.id, ch.sex, ch.ethnicity, ch.date_of_birth, a.started_on, CAST(a.authorised_on AS TEXT), CAST(a.child_seen_on AS TEXT)
FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN contact_children cc ON cc.id = r.child_id
JOIN children ch ON ch.id = cc.child_id
WHERE a.started_on <= :last AND (a.authorised_on IS NULL OR a.authorised_on >= :first)
UNION ALL
SELECT 5, ch.id, ch.sex, ch.ethnicity, ch.date_of_birth, s.started_on, CAST(s.conference_on AS TEXT), CAST(s.outcome AS TEXT)
FROM section47_enquiries s JOIN referrals r ON r.id = s.referral_id JOIN contact_children cc ON cc.id = r.child_id
JOIN children ch ON ch.id = cc.child_id
WHERE s.started_on <= :last AND (s.conference_on IS NULL OR s.conference_on >= :first)
UNION ALL
SELECT 6, ch.id, ch.sex, ch.ethnicity, ch.date_of_birth, r.referred_on, CAST(cl.closed_on AS TEXT), CAST(r.worker_id AS TEXT)
FROM referrals r JOIN contact_children cc ON cc.id = r.child_id JOIN children ch ON ch.id = cc.child_id
LEFT JOIN closures cl ON cl.referral_id = r.id
WHERE r.referred_on <= :last AND NOT r.is_nfa AND (cl.closed_on IS NULL OR cl.closed_on >= :first)
"""


@dataclass
class Run:
    """One process: how long it took, the most memory it held, and what it printed."""

    seconds: float
    peak_mb: float
    output: str


#: Starts the measured command from a small process of its own and writes its peak memory to a file:
#: a process forked from this one (which holds the census it checks) would count our pages as its own.
LAUNCHER = textwrap.dedent("""
    import os, sys
    report, args = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        os.execvp(args[0], args)
    _, status, usage = os.wait4(pid, 0)
    with open(report, "w") as out:
        out.write(str(usage.ru_maxrss))
    sys.exit(os.waitstatus_to_exitcode(status))
""")


def run_measured(args: list[str], env: dict, timeout: float = 3600) -> Run:
    """Run a process to its end; its wall time and peak resident memory (wait4's ru_maxrss, KiB)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as report:
        started = time.perf_counter()
        try:
            result = subprocess.run([sys.executable, "-c", LAUNCHER, report.name, *args], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            raise BenchError(f"{' '.join(args[:6])} took more than {timeout:.0f} s") from expired
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise BenchError(f"{' '.join(args[:6])} failed ({result.returncode}):\n{result.stdout[-3000:]}")
        peak_kib = int(report.read() or 0)
    return Run(seconds, peak_kib / 1024, result.stdout)


READ_SQL = textwrap.dedent("""
    import sys, time
    from datetime import date, datetime
    from sqlalchemy import create_engine, text
    url, which, first, last, first_moment, after_moment = sys.argv[1:7]
    sql = {"census": CENSUS, "annex_a": ANNEX}[which]
    engine = create_engine(url)
    rows = 0
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=5000).execute(text(sql), {
            "first": date.fromisoformat(first), "last": date.fromisoformat(last),
            "first_moment": datetime.fromisoformat(first_moment), "after_moment": datetime.fromisoformat(after_moment)})
        for partition in result.partitions():
            rows += len(partition)
    print(rows)
""")


def read_rows(url: str, which: str, year, env: dict) -> tuple[Run, int]:
    """The baseline: the one statement, every row fetched, in a process of its own."""
    from dutydesk.clock import LONDON

    first_moment = datetime.combine(year.first, datetime.min.time(), LONDON).astimezone(timezone.utc)
    after_moment = datetime.combine(date(year.year + 1, 4, 1), datetime.min.time(), LONDON).astimezone(timezone.utc)
    script = f"CENSUS = {CENSUS_SQL!r}\nANNEX = {ANNEX_A_SQL!r}\n" + READ_SQL
    run = run_measured([sys.executable, "-c", script, url, which, year.first.isoformat(), year.last.isoformat(),
                        _sql_moment(url, first_moment), _sql_moment(url, after_moment)], env)
    return run, int(run.output.strip().splitlines()[-1])


def _sql_moment(url: str, moment: datetime) -> str:
    """A moment as the database stores it: naive UTC text on SQLite, aware on PostgreSQL."""
    return moment.replace(tzinfo=None).isoformat(sep=" ") if url.startswith("sqlite") else moment.isoformat()


@dataclass
class Result:
    database: str
    version: str
    calls: int
    load_s: float
    reused: bool
    year: str
    census: Run
    census_summary: str
    census_bytes: int
    census_sql: Run
    census_rows: int
    annex: Run | None
    annex_summary: str
    annex_bytes: int
    annex_sql: Run
    annex_rows: int
    load_average: float


def bench_database(kind: str, calls: int, seed: int, postgres_url: str, workdir: Path) -> Result:
    return bench_built(casework_data.build(kind, calls, seed, postgres_url=postgres_url), workdir)


def bench_built(built: casework_data.Built, workdir: Path) -> Result:
    """Both returns of the built database, each beside its one statement; fails unless the census
    is valid and the workbook opens."""
    from dutydesk.returns.census import CensusYear
    from dutydesk.rules import financial_year_start

    kind = "sqlite" if built.url.startswith("sqlite") else "postgresql"
    year = CensusYear(financial_year_start(built.now.date()).year - 1)
    env = {**os.environ, "SECRET_KEY": BENCH_SECRET_KEY, "FLASK_APP": "dutydesk", "DATABASE_URL": built.url,
           "PYTHONUNBUFFERED": "1"}
    flask = [sys.executable, "-m", "flask"]
    load_average = os.getloadavg()[0]

    census_file = workdir / f"census-{kind}.xml"
    log(f"{built.kind}: the CIN census {year.label} of {built.calls:,} calls")
    census = run_measured(flask + ["export", "cin-census", "--year", str(year.year), "--la", LA_CODE,
                                   "-o", str(census_file)], env)
    _check_census(census_file)
    census_sql, census_rows = read_rows(built.url, "census", year, env)

    annex_file = workdir / f"annex-a-{kind}.xlsx"
    log(f"{built.kind}: Annex A {year.first} to {year.last}")
    annex = run_measured(flask + ["export", "annex-a", "--from", year.first.isoformat(), "--to",
                                  year.last.isoformat(), "-o", str(annex_file)], env)
    _check_workbook(annex_file)
    annex_sql, annex_rows = read_rows(built.url, "annex_a", year, env)
    result = Result(built.kind, built.version, built.calls, built.load_s, built.reused, year.label,
                    census, _last_line(census.output), census_file.stat().st_size, census_sql, census_rows,
                    annex, _last_line(annex.output), annex_file.stat().st_size, annex_sql, annex_rows, load_average)
    census_file.unlink()
    annex_file.unlink()
    return result


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _check_census(path: Path) -> None:
    """The census file is valid against the DfE's schema (read as a tree: this process's memory,
    not the export's)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    if not schema.validate(document):
        raise BenchError(f"the census is not valid against the schema: {schema.error_log.last_error}")


def _check_workbook(path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        names = book.sheetnames
    finally:
        book.close()
    wanted = {"List 1", "List 3", "List 4", "List 5", "List 6"}
    if not wanted <= set(names):
        raise BenchError(f"the Annex A workbook's sheets are {names}, not {sorted(wanted)}")


def _mb(value: float) -> str:
    return f"{value:,.0f}"


def report(results: list[Result], info: dict, seconds: float) -> str:
    verdicts = []
    for r in results:
        for name, run in (("census", r.census), ("Annex A", r.annex)):
            verdict = "PASS" if run.peak_mb < TARGET_MB else "FAIL"
            verdicts.append(f"{r.database} {name}: peak **{_mb(run.peak_mb)} MB** (< {TARGET_MB}): **{verdict}**")
    rows = "\n".join(
        f"| {r.database} | {r.calls:,} | {r.year} | {name} | {run.seconds:,.1f} | {_mb(run.peak_mb)} | {size / 1e6:,.1f} "
        f"| {sql.seconds:,.1f} | {_mb(sql.peak_mb)} | {rows:,} | {run.seconds / sql.seconds:,.1f} | "
        f"{'PASS' if run.peak_mb < TARGET_MB else 'FAIL'} |"
        for r in results for name, run, size, sql, rows in (
            ("CIN census (XML)", r.census, r.census_bytes, r.census_sql, r.census_rows),
            ("Annex A (XLSX)", r.annex, r.annex_bytes, r.annex_sql, r.annex_rows)))
    summaries = "\n".join(f"- {r.database}: census: {r.census_summary}; Annex A: {r.annex_summary}" for r in results)
    loads = ", ".join(f"{r.database} {r.load_s:,.0f} s{' (kept)' if r.reused else ''}" for r in results)
    averages = ", ".join(f"{r.database} {r.load_average:.2f}" for r in results)
    versions = ", ".join(f"{r.database} {r.version}" for r in results)
    return f"""<!-- returns-benchmark:start -->
## Statutory returns

Written by `make bench` (`python -m benchmarks.returns_export`); do not edit by hand. Last run
{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {seconds:,.0f} s in all.

**What is measured:** the CIN census and the Annex A workbook of the last whole collection year, made
by dutydesk's own commands (`flask export cin-census`, `flask export annex-a`) from a database of a
million generated calls with all their casework: the time of each, start to exit, and its peak memory
(the process's maximum resident set size). **Baseline**, in the same run, on the same database: one
hand-written SQL statement reading the same rows, every row fetched, in a process of its own.
**Target** (the issue): peak memory under {TARGET_MB} MB for both.

{chr(10).join('- ' + v for v in verdicts)}

| Database | Calls | Year | Return | Export s | Peak MB | File MB | One SQL s | SQL peak MB | SQL rows | Export / SQL (time) | Memory < {TARGET_MB} MB |
|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|:-:|
{rows}

What each export said at its end:
{summaries}

**How it was measured**

- **Reproduce:** `make bench BENCH_ARGS="--only returns"`, or `.venv/bin/python -m benchmarks.returns_export`
  (`--calls 20000` for a quick run, which prints without writing this file unless `--output` is given).
- **Data:** benchmarks/casework_data.py's kept database (see the Rec 29 section for what it holds); load
  times: {loads}.
- **Checked:** the census file is valid against the DfE's schema (../shared/specs/cin-census-2025.xsd),
  and the workbook opens with openpyxl with its five sheets; a run that fails either fails the benchmark.
- **Peak memory** is `wait4`'s `ru_maxrss` of each process, the same measure as `/usr/bin/time -v`, the
  process started by a small launcher of its own (so it does not count the benchmark's pages); the
  baseline's process holds Python, SQLAlchemy and the driver too, so the gap is what the export itself adds.
- **Time** includes starting Python and dutydesk (about a second), for the exports and the baseline alike.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['memory']}; {info['os']}; Python {info['python']},
  SQLAlchemy {info['sqlalchemy']}; {versions}. One-minute load average as each database's exports began:
  {averages}.
<!-- returns-benchmark:end -->"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.returns_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=casework_data.CALLS)
    parser.add_argument("--seed", type=int, default=casework_data.SEED)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--output", default=None,
                        help=f"where to write the results (default {DEFAULT_OUTPUT.relative_to(ROOT)} at full size)")
    args = parser.parse_args(argv)
    output = Path(args.output) if args.output else (DEFAULT_OUTPUT if args.calls == casework_data.CALLS else None)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="dutydesk-returns-") as workdir:
            results = [bench_database(kind.strip().lower(), args.calls, args.seed, args.postgres_url, Path(workdir))
                       for kind in args.databases.split(",") if kind.strip()]
    except BenchError as error:
        print(f"\nRETURNS BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    text = report(results, machine(), time.perf_counter() - started)
    print(text)
    if output is not None:
        write_section(output, "returns", text, after="rec29")
        log(f"written to {output}")
    return 0 if all(r.census.peak_mb < TARGET_MB and r.annex.peak_mb < TARGET_MB for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
