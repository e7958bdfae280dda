"""A burst of escalation e-mail: `python -m benchmarks.mail_burst`.

The issue: 25,000 escalations due at once are all e-mailed within 10 minutes by one scheduler on
a local SMTP server, beside the server's own accept rate measured in the same run.

Set-up as the sweep benchmark's (benchmarks/sweep.py, whose pieces it reuses): a fresh database,
`flask db upgrade`, the teams and staff (each with an e-mail address) by dutydesk's own code,
then 25,000 open obligations whose ladder step fell due in the minute before `now` (warnings to
owners, steps to duty managers and to the senior manager), written with Core bulk inserts.

The SMTP server: aiosmtpd on 127.0.0.1 in a process of its own (benchmarks/smtp_server.py),
counting what each envelope sender sent. **App:** `sweep(now)` as the scheduler's job runs it,
in its own application context, with e-mail configured to that server: it issues the 25,000
escalations and then e-mails them, timed from the start of the sweep to its return. **Baseline**,
in the same run, to the same server: a bare smtplib client sending 25,000 messages of the app's
mean size over one connection (each built beforehand, so only the sending is timed).

Checked: every escalation issued is marked sent; the server received exactly 25,000 messages
from dutydesk with 25,000 distinct Message-IDs (each escalation once) over one connection; and
the baseline's 25,000 arrived. SQLite, then a fresh PostgreSQL database as an extra row.
"""

import argparse
import os
import random
import secrets
import smtplib
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.board import machine
from benchmarks.run import (DEFAULT_OUTPUT, DEFAULT_POSTGRES, ROOT, BenchError, free_port, log, run_checked,
                            write_section)
from benchmarks.smtp_server import SmtpServer
from benchmarks.sweep import POSTGRESQL, SQLITE, Database, Generator, seed_people, verdict

ESCALATIONS = 25_000
TARGET_S = 600.0
SEED = 20261202
APP_FROM = "dutydesk@bench.invalid"
BASELINE_FROM = "baseline@bench.invalid"
PUBLIC_URL = "https://dutydesk.bench.invalid"


@dataclass
class Result:
    kind: str
    version: str
    escalations: int
    generation_s: float
    app_s: float
    first_email_s: float  # from the sweep's start to the first message's arrival (the issuing)
    app_bytes: int
    baseline_s: float
    load: float  # the machine's one-minute load average as the sweep started

    @property
    def app_rate(self) -> float:
        return self.escalations / (self.app_s - self.first_email_s)

    @property
    def baseline_rate(self) -> float:
        return self.escalations / self.baseline_s

    @property
    def mean_bytes(self) -> int:
        return round(self.app_bytes / self.escalations)

    @property
    def ok(self) -> bool:
        return self.app_s <= TARGET_S


def make_app(url: str, smtp_port: int):
    from config import Config, _database_url
    from dutydesk import create_app

    class MailBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = "dutydesk-bench-not-a-secret"
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # nobody signs in: a cheap hash
        MAIL_SERVER, MAIL_PORT, MAIL_FROM, PUBLIC_URL = "127.0.0.1", smtp_port, APP_FROM, PUBLIC_URL
        MAIL_USE_STARTTLS, MAIL_USERNAME, MAIL_PASSWORD = False, "", ""

    return create_app(MailBenchConfig)


def baseline(port: int, count: int, size: int) -> float:
    """Seconds for a bare smtplib client to send `count` messages of `size` bytes over one connection."""
    head = (f"From: {BASELINE_FROM}\r\nTo: manager@bench.invalid\r\nSubject: dutydesk: baseline\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n").encode()
    messages = []
    for n in range(count):
        start = head + f"Message-ID: <baseline-{n}@bench.invalid>\r\n\r\n".encode()
        messages.append(start + b"x" * max(size - len(start) - 2, 0) + b"\r\n")
    started = time.perf_counter()
    connection = smtplib.SMTP("127.0.0.1", port, timeout=30)
    for message in messages:
        connection.sendmail(BASELINE_FROM, ["manager@bench.invalid"], message)
    connection.quit()
    return time.perf_counter() - started


def check_sent(app, expected: int) -> None:
    from sqlalchemy import func, select

    from dutydesk.extensions import db
    from dutydesk.models import EmailStatus, Escalation

    with app.app_context():
        by_status = dict(db.session.execute(
            select(Escalation.email_status, func.count()).where(Escalation.email_status != EmailStatus.NOT_SENT)
            .group_by(Escalation.email_status)).all())
        db.session.remove()
    if by_status != {EmailStatus.SENT: expected}:
        raise BenchError(f"the escalations' e-mail after the sweep: {by_status}, not {expected:,} sent")


def bench_database(database: Database, args, password: str) -> Result:
    from sqlalchemy import text

    from dutydesk.escalations.sweep import sweep
    from dutydesk.extensions import db

    env = {**os.environ, "DATABASE_URL": database.url, "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1"}
    database.check_empty()
    port = free_port()
    try:
        log(f"mail: {database.kind}: flask db upgrade")
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        app = make_app(database.url, port)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        rng = random.Random(SEED)
        started = time.monotonic()
        generator = Generator(app, seed_people(app, password, now, rng), now, rng, args.escalations, args.escalations)
        generated = generator.open_work()
        log(f"mail: {database.kind}: writing {len(generator.obligations):,} obligations, "
            f"{len(generated.due):,} with a step due now")
        generator.write()
        generation_s = time.monotonic() - started
        with app.app_context():
            version = (db.session.execute(text("SHOW server_version")).scalar_one().split()[0]
                       if db.engine.dialect.name == "postgresql" else sqlite3.sqlite_version)
            db.session.remove()

        with SmtpServer(port, ROOT) as server:
            log(f"mail: {database.kind}: sweeping {len(generated.due):,} due steps and e-mailing them")
            load, wall = os.getloadavg()[0], time.time()
            clock = time.perf_counter()
            with app.app_context():
                report = sweep(now)
                app_s = time.perf_counter() - clock
                log(f"mail: {database.kind}: {app_s:.1f} s: {report}")
            if report.total != args.escalations or report.emails.sent != args.escalations:
                raise BenchError(f"the sweep issued {report.total:,} and e-mailed {report.emails.sent:,}, "
                                 f"not {args.escalations:,}")
            check_sent(app, args.escalations)
            counts = server.counts().get(APP_FROM, {})
            expected = {"messages": args.escalations, "distinct_ids": args.escalations, "connections": 1}
            if {key: counts.get(key) for key in expected} != expected:
                raise BenchError(f"the SMTP server received from dutydesk {counts}, not {expected}")
            size = round(counts["bytes"] / args.escalations)
            log(f"mail: {database.kind}: baseline: a bare smtplib client, {args.escalations:,} messages "
                f"of {size} bytes")
            baseline_s = baseline(port, args.escalations, size)
            received = server.counts().get(BASELINE_FROM, {})
            if received.get("messages") != args.escalations:
                raise BenchError(f"the SMTP server received {received} from the baseline client")
        with app.app_context():
            db.engine.dispose()
        return Result(database.kind, version, args.escalations, generation_s, app_s, counts["first_at"] - wall,
                      counts["bytes"], baseline_s, load)
    finally:
        database.clean_up(env)


# ---------------------------------------------------------------------------------------------
# Report

SECTION_NAME = "mail"


def results_table(results: list[Result]) -> str:
    lines = ["| Database | Escalations due at once | Sweep, issuing and e-mailing all: s | Of which issuing, "
             "s (to the first e-mail) | E-mails / s | Bare smtplib client, same count and size: s | "
             "Its messages / s | App / bare rate | Target ≤ 600 s |",
             "|---|--:|--:|--:|--:|--:|--:|--:|:-:|"]
    for r in results:
        lines.append(
            f"| {r.kind} {r.version} | {r.escalations:,} | **{r.app_s:.1f}** | {r.first_email_s:.1f} | "
            f"{r.app_rate:.0f} | {r.baseline_s:.1f} | {r.baseline_rate:.0f} | {r.app_rate / r.baseline_rate:.2f} | "
            f"{verdict(r.ok)} |")
    return "\n".join(lines)


def section(results: list[Result], info: dict, started: datetime, elapsed: float) -> str:
    from dutydesk.escalations import mail

    main = next(r for r in results if r.kind == "SQLite")
    pg_version = "".join(f", {r.kind} {r.version}" for r in results if r is not main)
    loads = ", ".join(f"{r.kind} {r.load:.1f}" for r in results)
    return f"""<!-- {SECTION_NAME}-benchmark:start -->
## A burst of {main.escalations:,} escalation e-mails

Written by `make bench` (`python -m benchmarks.mail_burst`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {elapsed:.0f} s in all.

**What is measured:** one `sweep(now)` (dutydesk/escalations/sweep.py), as the scheduler's job
runs it, on a database where {main.escalations:,} open obligations have a ladder step that fell due in
the minute before `now`: it issues the {main.escalations:,} escalations, then e-mails each over SMTP to a
local aiosmtpd server, timed from its start to its return. **Baseline**, in the same run, to the
same server: a bare smtplib client sending {main.escalations:,} messages of the app's mean size
({main.mean_bytes} bytes) over one connection, built beforehand, so that only the sending is timed:
the server's own accept rate, as near as a Python client measures it.

**Target** (the issue): all {main.escalations:,} e-mailed within 10 minutes by one scheduler.

- SQLite: **{main.app_s:.1f} s** (≤ {TARGET_S:.0f} s): **{verdict(main.ok)}**

{results_table(results)}

"E-mails / s" counts from the first e-mail's arrival to the sweep's return; "Of which issuing" is
the time from the sweep's start to the first e-mail's arrival at the server (issuing every step,
in batches of 1,000, before any e-mail is claimed). Checked after each run: every escalation the
sweep issued is marked sent in the database; the server received exactly {main.escalations:,} messages from
dutydesk, with {main.escalations:,} distinct Message-IDs (each escalation once), over one connection; and all
{main.escalations:,} of the baseline's.

**How it was measured**

- **Reproduce:** `make bench` (runs every benchmark), or alone: `make bench BENCH_ARGS="--only mail"`
  or `.venv/bin/python -m benchmarks.mail_burst`: SQLite, then a fresh PostgreSQL database
  `dutydesk_bench_<pid>` on 127.0.0.1, made and dropped as the other benchmarks make their own
  (`--database-url sqlite` for SQLite alone; `--escalations N` for another size, which prints
  without writing this file unless `--output` is given).
- **Data:** as the sweep benchmark's (benchmarks/sweep.py): a contact centre, a senior manager and
  four duty teams (a duty manager and ten workers each) by dutydesk's `create_user`, every one
  with an e-mail address; two absences and a few hundred inbox items (none due); then, with Core
  bulk inserts, {main.escalations:,} open obligations over recent calls, every one due: 80% with its warning just
  due (to the owner, or to the manager for team-held work), 10% just past the deadline (to the
  duty manager), 5% opened already late (to the duty manager), 5% long overdue (to the senior
  manager). Generated in {main.generation_s:.0f} s.
- **E-mail:** `MAIL_SERVER` 127.0.0.1, no STARTTLS or sign-in. Delivery claims {mail.BATCH_SIZE} e-mails at a time and
  records results every {mail.RECORD_EVERY}, over one connection kept open for the sweep (dutydesk/escalations/mail.py).
- **Server:** aiosmtpd, accepting everything, in a process of its own (benchmarks/smtp_server.py),
  so that it does not share an interpreter with the sender it measures.
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['os']}; Python {info['python']},
  SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}{pg_version}. Sender, server and database share
  the machine; its one-minute load average as each sweep started: {loads}.
<!-- {SECTION_NAME}-benchmark:end -->
"""


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mail_burst", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", dest="databases",
                        help="'sqlite' (a fresh temporary file), 'postgresql' (a fresh database made with "
                             "--postgres-url and dropped afterwards) or the URL of an empty database on 127.0.0.1; "
                             "may be given more than once (default: sqlite, then postgresql)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="an admin connection to a loopback PostgreSQL, for --database-url postgresql")
    parser.add_argument("--escalations", type=int, default=ESCALATIONS,
                        help=f"escalations due at once (default {ESCALATIONS})")
    parser.add_argument("--output", default=None,
                        help="results file to write this section into; - for nowhere (default docs/benchmarks.md "
                             "for the default size with SQLite, nowhere otherwise)")
    args = parser.parse_args(argv)
    args.databases = args.databases or [SQLITE, POSTGRESQL]
    if not 100 <= args.escalations <= 100_000:
        parser.error("--escalations must be 100 to 100000")
    if args.output is None:
        args.output = str(DEFAULT_OUTPUT) if args.escalations == ESCALATIONS and SQLITE in args.databases else "-"
    if args.output != "-" and SQLITE not in args.databases:
        parser.error("the results file is written from a SQLite run: add --database-url sqlite")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"mail: {args.escalations:,} escalations due at once; databases: {', '.join(args.databases)}")
    password = secrets.token_urlsafe(18)
    results: list[Result] = []
    try:
        for name in args.databases:
            results.append(bench_database(Database.open(name, args.postgres_url), args, password))
    except (BenchError, RuntimeError) as error:
        print(f"\nMAIL BENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - clock
    print()
    print(results_table(results))
    for r in results:
        print(f"{r.kind}: {r.escalations:,} e-mailed in {r.app_s:.1f} s (target ≤ {TARGET_S:.0f} s): {verdict(r.ok)}")
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_section(Path(args.output), SECTION_NAME, section(results, machine(), started, elapsed), after="sweep")
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
