"""Logging a call through HTTP, beside a bare one-row INSERT and a bare write of the same rows,
on SQLite and PostgreSQL.

For each database: a fresh database (a temporary SQLite file; a PostgreSQL database
`dutydesk_bench_<pid>`, dropped at the end), `flask db upgrade`, people and teams made by
dutydesk's own code (benchmarks/seed.py), then two gunicorn servers with the same settings:
dutydesk (`wsgi:app`) and the bare baseline (benchmarks/bare_app.py). The call handler signs
in once over HTTP; wrk then POSTs a complete log-call form with that session's cookie and CSRF
token to /calls/new, and the same body to the bare app's /call-rows (the rows dutydesk writes
for that call, with SQLAlchemy Core: the baseline the target is judged against from issue 5 on)
and /rows (one row: the first issue's baseline, now for information), at each concurrency, in the
order one row, same rows, app, for the same duration. Each run is bounded in time
(wrk -d, and a subprocess timeout) and in count (the Lua script stops a thread at a cap).

Every response must be a 302 (a save); any other answer, or a socket error, fails the run.
After each run the rows added to the database are counted: they must equal exactly the 302s
received plus the requests still in flight when wrk stopped (the server finishes those).
"""

import argparse
import contextlib
import html
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from config import _database_url

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "post.lua"
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
USER_AGENT = "dutydesk-bench"  # the same for the sign-in and for wrk (flask-login's session protection)
TARGET = 0.5
#: The most responses one wrk thread waits for in one run (the count bound; the time bound is -d).
MAX_RESPONSES = 500_000
WARMUP_SECONDS = 2
#: dutydesk starts only with a secret key of its own: each run makes one, for every server and command it starts.
BENCH_SECRET_KEY = secrets.token_hex(32)


class BenchError(RuntimeError):
    """The benchmark could not measure what it claims to: it stops, loudly."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_checked(args: list[str], env: dict, what: str, timeout: float = 120) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class GunicornSettings:
    workers: int
    worker_class: str
    threads: int

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args + ["--backlog", "2048", "--timeout", "60", "--graceful-timeout", "5",
                       "--log-level", "warning"]

    def describe(self) -> str:
        text_ = f"{self.workers} {self.worker_class} workers"
        if self.worker_class == "gthread":
            text_ += f" x {self.threads} threads"
        return text_ + ", backlog 2048, no access log"


class Server:
    """One gunicorn server on 127.0.0.1, stopped (with its workers) however the run ends."""

    def __init__(self, name: str, app: str, env: dict, settings: GunicornSettings, logdir: Path):
        self.name, self.app, self.env, self.settings = name, app, env, settings
        self.port = free_port()
        self.logfile = logdir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        args = [sys.executable, "-m", "gunicorn", *self.settings.args(),
                "--bind", f"127.0.0.1:{self.port}", self.app]
        with open(self.logfile, "w") as logfile:
            self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=logfile,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn ({self.name}) exited {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                status, _, _ = http_request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return self
            time.sleep(0.2)
        raise BenchError(f"gunicorn ({self.name}) did not answer /healthz within 60 s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return "\n".join(self.logfile.read_text().splitlines()[-30:])
        except OSError:
            return ""

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()  # gunicorn's master stops its workers on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
            process.wait(timeout=5)

    def __enter__(self) -> "Server":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# HTTP: signing in and checking one save by hand


def http_request(port: int, method: str, path: str, *, cookies: dict | None = None,
                 form: list | None = None, timeout: float = 30) -> tuple[int, dict, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"User-Agent": USER_AGENT}
        if cookies:
            headers["Cookie"] = cookie_header(cookies)
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        if cookies is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in header.lower():
                    cookies[name.strip()] = value
                else:
                    cookies.pop(name.strip(), None)
        return response.status, dict(response.headers), data
    finally:
        connection.close()


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not match:
        raise BenchError("no csrf_token on the page")
    return html.unescape(match.group(1))


def error_messages(page: str) -> list[str]:
    """The error summary's messages on a GOV.UK page, or [] if it has none."""
    summary = re.search(r'govuk-error-summary__list.*?</ul>', page, re.S)
    found = re.findall(r"<a [^>]*>(.*?)</a>", summary.group(0), re.S) if summary else []
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item))).strip() for item in found][:12]


def sign_in(port: int, username: str, password: str) -> tuple[dict, str]:
    """Sign in as a browser would; return the session cookies and the session's CSRF token."""
    cookies: dict = {}
    status, _, page = http_request(port, "GET", "/login", cookies=cookies)
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    status, headers, page = http_request(port, "POST", "/login", cookies=cookies, form=[
        ("csrf_token", csrf_token(page)), ("username", username), ("password", password)])
    if status != 302:
        raise BenchError(f"signing in answered {status}, not 302: {error_messages(page)}")
    status, _, page = http_request(port, "GET", "/calls/new", cookies=cookies)
    if status != 200:
        raise BenchError(f"GET /calls/new after signing in answered {status}")
    return cookies, csrf_token(page)


def call_form(token: str, team_id: int) -> list[tuple[str, str]]:
    """A complete log-call form, as the browser posts it: one child, a professional referrer,
    not put through at once (so the referrer's name, address and phone are given)."""
    received = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=1)
    return [
        ("csrf_token", token),
        ("received_date", str(received.day)), ("received_date", str(received.month)),
        ("received_date", str(received.year)), ("received_time", "10:15"),
        ("channel", "phone"),
        ("children-0-name", "Leo Martin"),
        ("children-0-date_of_birth", ""), ("children-0-date_of_birth", ""), ("children-0-date_of_birth", ""),
        ("children-0-approximate_age", "6"),
        ("children-0-address", "22 Park Lane, London N17"),
        ("children-0-first_language", "English"),
        ("children-0-interpreter_need", "not_needed"),
        ("concern", "Child came to school with bruising to the face and said his stepfather hit him."),
        ("concern_category", "physical_abuse"),
        ("referrer_name", "Ms Joan Fraser"), ("referrer_role", "Class teacher"),
        ("referrer_agency", "Tottenham Hale Primary School"),
        ("referrer_address", "Chesnut Road, London N17"), ("referrer_phone", "020 8800 0001"),
        ("referrer_email", "j.fraser@example.org"),
        ("is_referrer_professional", "yes"), ("referral_source", "2A"),
        ("team_id", str(team_id)), ("is_put_through", "no"), ("put_through_to", ""),
        ("save", "Save and start the clocks"),
    ]


def post_once(port: int, path: str, cookies: dict, form: list, expect_location: str) -> None:
    """One save by hand before any load: it must answer 302 to the saved record."""
    status, headers, page = http_request(port, "POST", path, cookies=dict(cookies), form=form)
    location = headers.get("Location", "")
    if status != 302 or not re.search(expect_location, location):
        raise BenchError(f"POST {path} answered {status} (Location {location!r}), not a 302 to a saved "
                         f"record; errors on the page: {error_messages(page) or page[:500]}")


# ---------------------------------------------------------------------------------------------
# Databases


class Database:
    """A fresh, empty database for one part of the run, removed afterwards."""

    kind: str
    url: str

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.drop()

    def tables(self) -> list[str]:
        from sqlalchemy import inspect

        return inspect(self.engine).get_table_names()

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

    @property
    def engine(self):
        if getattr(self, "_engine", None) is None:
            self._engine = create_engine(_database_url(self.url))
        return self._engine

    def dispose(self) -> None:
        if getattr(self, "_engine", None) is not None:
            self._engine.dispose()
            self._engine = None


class SqliteDatabase(Database):
    kind = "SQLite"

    def __init__(self, workdir: Path):
        self.path = workdir / "bench.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def create(self) -> None:
        pass

    def version(self) -> str:
        return sqlite3.sqlite_version

    def drop(self) -> None:
        self.dispose()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()


class PostgresDatabase(Database):
    kind = "PostgreSQL"

    def __init__(self, admin_url: str):
        parts = urlsplit(admin_url)
        if parts.hostname not in LOOPBACK:
            raise BenchError(f"PostgreSQL must be on a loopback address, not {parts.hostname}")
        self.admin_url = admin_url
        self.name = f"dutydesk_bench_{os.getpid()}"
        self.url = parts._replace(path=f"/{self.name}").geturl()
        self.created = False

    def _admin(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def ensure_running(self) -> None:
        try:
            self._admin().close()
            return
        except Exception as error:  # noqa: BLE001 - any failure: try starting the local cluster once
            if not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
                raise BenchError(f"cannot reach PostgreSQL at {self.admin_url}: {error}") from error
        versions = sorted(os.listdir("/etc/postgresql"))
        log(f"PostgreSQL is not answering; starting the local cluster {versions[-1]}/main")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
                       check=False, timeout=60)
        deadline = time.monotonic() + 30
        while True:
            try:
                self._admin().close()
                return
            except Exception as error:  # noqa: BLE001
                if time.monotonic() > deadline:
                    raise BenchError(f"cannot reach PostgreSQL at {self.admin_url}: {error}") from error
                time.sleep(0.5)

    def create(self) -> None:
        self.ensure_running()
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def version(self) -> str:
        with self._admin() as connection:
            return connection.execute("SHOW server_version").fetchone()[0].split()[0]

    def drop(self) -> None:
        self.dispose()
        if not self.created:
            return
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


# ---------------------------------------------------------------------------------------------
# Load


@dataclass
class Measurement:
    database: str
    clients: int
    server: str  # "app", "bare" (one row) or "same" (the same rows as the app)
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    ok: int
    in_flight: int
    rows_saved: int
    seconds: float


def run_wrk(url: str, clients: int, seconds: float, cookies: dict, form: list, workdir: Path) -> dict:
    request_file = workdir / "request.txt"
    request_file.write_text(f"{cookie_header(cookies)}\n{urlencode(form)}\n")
    args = ["wrk", "--threads", "1", "--connections", str(clients), "--duration", f"{seconds:g}s",
            "--timeout", "30s", "--script", str(LUA), url, "--", str(request_file), str(MAX_RESPONSES)]
    try:
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"wrk did not finish within {seconds + 60:g} s") from error
    lines = result.stdout.splitlines()
    found = [line for line in lines if line.startswith("BENCH_RESULT ")]
    if result.returncode != 0 or not found:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(found[0][len("BENCH_RESULT "):])
    errors = {name: count for name, count in data["errors"].items() if count}
    if data["other"] or errors.keys() - {"status"}:
        body = next((line for line in lines if line.startswith("BENCH_FIRST_OTHER_BODY ")), "")
        raise BenchError(
            f"POST {url} at {clients} clients: {data['ok']} saves (302), {data['other']} other answers "
            f"(the first was {data['first_other_status']}), socket errors {errors}\n"
            f"{error_messages(body) or body[:1500]}")
    if data["ok"] + data["other"] >= MAX_RESPONSES:
        raise BenchError(f"POST {url} at {clients} clients reached the count bound ({MAX_RESPONSES:,} answers) "
                         "before the time bound: its req/s would be understated; use a shorter --duration")
    if data["ok"] == 0:
        raise BenchError(f"POST {url} at {clients} clients: no saves at all")
    return data


def measure(db: Database, server: Server, path: str, table: str, clients: int, seconds: float,
            cookies: dict, form: list, workdir: Path, name: str | None = None) -> Measurement:
    name = name or server.name
    before = db.count(table)
    data = run_wrk(server.base + path, clients, seconds, cookies, form, workdir)
    # Requests written but not answered when wrk stopped: the server still finishes (and saves)
    # them. wrk calls request() once more than it sends, to check the script (on its first thread).
    in_flight = data["sent"] - 1 - data["ok"]
    expected = data["ok"] + in_flight
    deadline = time.monotonic() + 15  # bounded wait for the workers to finish those
    saved = db.count(table) - before
    while saved < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        saved = db.count(table) - before
    time.sleep(0.2)
    saved = db.count(table) - before
    if saved != expected:
        raise BenchError(f"{name} at {clients} clients: {saved} rows added to {table}, but wrk "
                         f"counted {data['ok']} saves (302) + {in_flight} requests in flight when it stopped")
    duration = data["duration_us"] / 1e6
    return Measurement(
        database=db.kind, clients=clients, server=name, rps=data["ok"] / duration,
        p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        ok=data["ok"], in_flight=in_flight, rows_saved=saved, seconds=duration)


def settle(db: Database, tables: tuple[str, ...]) -> None:
    """Wait (at most 15 s) until no rows are being added: the servers have finished their work."""
    deadline, last = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        counts = [db.count(table) for table in tables]
        if counts == last:
            return
        last = counts
        time.sleep(0.5)


def bench_database(db: Database, args, settings: GunicornSettings, workdir: Path) -> list[Measurement]:
    from benchmarks.bare_app import SAME_ROWS, ensure_table, make_engine

    env = {**os.environ, "DATABASE_URL": db.url, "SECRET_KEY": BENCH_SECRET_KEY,
           "FLASK_APP": "dutydesk", "PYTHONUNBUFFERED": "1"}
    db.create()
    log(f"{db.kind}: flask db upgrade")
    run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
    password = secrets.token_urlsafe(18)
    seeded = json.loads(run_checked([sys.executable, "-m", "benchmarks.seed"],
                                    {**env, "BENCH_PASSWORD": password}, "seeding").splitlines()[-1])
    engine = make_engine(db.url)
    try:
        ensure_table(engine)  # before the workers start, so they never race to create it
    finally:
        engine.dispose()

    results = []
    with (Server("app", "wsgi:app", env, settings, workdir) as app,
          Server("bare", "benchmarks.bare_app:create_app()", env, settings, workdir) as bare):
        log(f"{db.kind}: servers up (app :{app.port}, bare :{bare.port}); signing in")
        cookies, token = sign_in(app.port, seeded["username"], password)
        form = call_form(token, seeded["team_id"])
        tables = db.tables()
        before = {table: db.count(table) for table in tables}
        post_once(app.port, "/calls/new", cookies, form, r"/calls/\d+$")
        post_once(bare.port, "/rows", {}, form, r"/rows/\d+$")
        post_once(bare.port, "/call-rows", {}, form, r"/call-rows/\d+$")
        added = {table: db.count(table) - before[table] for table in tables}
        if added["contacts"] != 1:
            raise BenchError("the save by hand did not add exactly one contact")
        check_same_rows(added, SAME_ROWS)
        warmup = min(WARMUP_SECONDS, args.duration)
        for server, path in ((bare, "/rows"), (bare, "/call-rows"), (app, "/calls/new")):
            run_wrk(server.base + path, max(args.concurrency), warmup, cookies, form, workdir)
        settle(db, ("bench_rows", "bench_contacts", "contacts"))  # the warm-ups' last requests
        runs = ((bare, "bare", "/rows", "bench_rows"), (bare, "same", "/call-rows", "bench_contacts"),
                (app, "app", "/calls/new", "contacts"))
        for clients in args.concurrency:
            for server, name, path, table in runs:
                m = measure(db, server, path, table, clients, args.duration, cookies, form, workdir, name)
                log(f"{db.kind:10} {clients:3} clients {name:4}: {m.rps:8.1f} req/s, "
                    f"p95 {m.p95_ms:7.1f} ms; {m.ok} saves, {m.rows_saved} rows ({m.in_flight} in flight at stop)")
                results.append(m)
        settle(db, ("bench_contacts", "contacts"))
        check_rows_per_call(db, SAME_ROWS)
    return results


def check_same_rows(added: dict, same_rows: dict) -> None:
    """One call logged by hand and one POST to /call-rows: the bare app must have written, table
    by table, exactly the rows dutydesk wrote (and dutydesk nothing that the bare app does not)."""
    mirrored = {bench for bench, _ in same_rows.values()} | {"bench_rows"}
    app_added = {table: n for table, n in added.items() if n and table not in mirrored}
    expected = {table: n for table, (_, n) in same_rows.items()}
    bare_added = {table: added[bench] for table, (bench, _) in same_rows.items()}
    if app_added != expected or bare_added != expected:
        raise BenchError(f"the same-rows baseline no longer matches dutydesk: logging one call added "
                         f"{app_added}, /call-rows added {bare_added} (mirroring {same_rows}); "
                         f"update benchmarks/bare_app.py")


def check_rows_per_call(db: "Database", same_rows: dict) -> None:
    """After the runs: every call (app and same-rows baseline) wrote its rows in every table."""
    for table, (bench, per_call) in same_rows.items():
        for counted, per in ((table, "contacts"), (bench, "bench_contacts")):
            if db.count(counted) != per_call * db.count(per):
                raise BenchError(f"{db.count(counted)} rows in {counted}, not {per_call} for each of the "
                                 f"{db.count(per)} rows in {per}")


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Row:
    database: str
    clients: int
    app: Measurement
    bare: Measurement
    same: Measurement

    @property
    def ratio(self) -> float:
        """App / the one-row baseline: informational since issue 5."""
        return self.app.rps / self.bare.rps

    @property
    def same_ratio(self) -> float:
        """App / the same-rows baseline: what the target is judged against (from issue 5 on)."""
        return self.app.rps / self.same.rps

    @property
    def passed(self) -> bool:
        return self.same_ratio >= TARGET


def rows(results: list[Measurement]) -> list[Row]:
    table = {}
    for m in results:
        table.setdefault((m.database, m.clients), {})[m.server] = m
    return [Row(database, clients, run["app"], run["bare"], run["same"]) for (database, clients), run in table.items()]


def markdown_table(rows_: list[Row]) -> str:
    lines = [
        "| Database | Clients | Log a call: req/s | Log a call: p95 ms | Bare same rows: req/s "
        "| Bare same rows: p95 ms | App / same rows | Target ≥ 0.5 | Bare insert: req/s "
        "| Bare insert: p95 ms | App / bare | Contacts added = 302s + in flight |",
        "|---|--:|--:|--:|--:|--:|--:|:-:|--:|--:|--:|--:|",
    ]
    for r in rows_:
        lines.append(
            f"| {r.database} | {r.clients} | {r.app.rps:.1f} | {r.app.p95_ms:.1f} | {r.same.rps:.1f} "
            f"| {r.same.p95_ms:.1f} | {r.same_ratio:.2f} | {'PASS' if r.passed else 'FAIL'} "
            f"| {r.bare.rps:.1f} | {r.bare.p95_ms:.1f} | {r.ratio:.2f} "
            f"| {r.app.rows_saved} = {r.app.ok} + {r.app.in_flight} |")
    return "\n".join(lines)


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()
    import gunicorn
    import sqlalchemy

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    return {
        "cpus": str(len(os.sched_getaffinity(0))), "cpu": cpu, "memory": memory,
        "os": platform.platform(), "python": platform.python_version(),
        "gunicorn": gunicorn.__version__, "sqlalchemy": sqlalchemy.__version__,
        "wrk": wrk[0].split(" [")[0] if wrk else "unknown", "commit": commit,
    }


def write_report(path: Path, rows_: list[Row], args, settings: GunicornSettings, info: dict,
                 versions: dict, started: datetime, elapsed: float) -> None:
    from benchmarks.bare_app import SAME_ROWS

    same_rows = ", ".join(f"{n} in {table}" for table, (_, n) in SAME_ROWS.items())
    failing = [r for r in rows_ if not r.passed]
    verdict = ("The app meets the target at every concurrency measured." if not failing else
               "The app misses the target at: " + ", ".join(f"{r.database} with {r.clients} client(s) "
                                                            f"({r.same_ratio:.2f})" for r in failing) + ".")
    text_ = f"""# Benchmarks

Written by `make bench` (`python -m benchmarks`); do not edit by hand. Last run
{started:%Y-%m-%d %H:%M} UTC on commit `{info['commit']}`, {args.duration:g} s per measurement,
{elapsed:.0f} s in all.

## What is measured

Logging a call through HTTP: a signed-in call handler POSTs a complete log-call form
(one child, a professional referrer, not put through at once) to `/calls/new`, and dutydesk
saves the contact, its child, its event and its clocks and answers 302 to the saved call.
Beside it, in the same run, against the same database and with the same server settings, the
**baseline**: a bare Flask endpoint (`benchmarks/bare_app.py`) whose `/call-rows` takes the same
POST body and writes, in one transaction with SQLAlchemy Core, the rows dutydesk writes for that
call ({same_rows}) into bench-only tables shaped like the real ones, and answers 302 too. Its
engine options and SQLite pragmas are the app's. So "App / same rows" shows what dutydesk costs
beyond the writes themselves: signing in and sessions, forms, rules, routing, rendering.

A second baseline, for information: the same bare app's `/rows` inserts one row (a few text
columns and a timestamp) into `bench_rows`, the baseline the call-logging issue was first judged by.

Target: logging a call reaches **at least half the throughput of the bare endpoint writing the
same rows, at every concurrency** (judged so from issue 5 on). {verdict}

## Results

{markdown_table(rows_)}

- req/s counts saves only (302 answers); p95 is wrk's latency from writing a request to reading
  its whole answer.
- Every answer was a 302 (a save); a single other answer or socket error fails the run.
- Checked after every run, for the app and both baselines alike: the rows added to the database
  (contacts; bench_rows; bench_contacts) equal exactly the 302s received plus the requests wrk had
  sent but not seen answered when it stopped, which the server still finishes. So every counted
  302 is a saved call, and nothing was saved that was not asked for. Before the runs, one call
  logged by hand and one POST to `/call-rows` must add the same rows table by table; after them,
  every contact and bench contact must have its child, its event and its four clocks.

## How it was measured

- **Reproduce:** `make bench` (installs wrk with apt-get if it is missing). Options:
  `make bench BENCH_ARGS="--duration 10 --databases sqlite,postgresql --concurrency 1,8,32"`;
  `--output -` prints the table without writing this file.
- **Databases:** a fresh temporary SQLite file (WAL, as the app configures it), and a fresh
  PostgreSQL database `dutydesk_bench_<pid>` on 127.0.0.1, dropped afterwards. The schema is made
  by `flask db upgrade`; one contact centre, three duty teams of five and a call handler are made
  by dutydesk's own `create_user` (scrypt password).
- **Servers:** gunicorn {info['gunicorn']}, the same settings for both: {settings.describe()},
  on 127.0.0.1 (the bare app's one server answers both baselines). Sync workers close the
  connection after each answer, so every request opens a new TCP connection, for the app and the
  baselines alike.
- **Load:** {info['wrk']}, one thread, {', '.join(map(str, args.concurrency))} connections, for {args.duration:g} s each, after a
  {min(WARMUP_SECONDS, args.duration):g} s warm-up per endpoint; the one-row baseline, the same-rows
  baseline, then the app at each concurrency. The call handler signs in once over HTTP (GET and POST `/login`) and every
  connection shares that session's cookie and CSRF token (valid for the session's life), so the
  measurement covers the app's per-request session, sign-in check, CSRF check, form validation and
  save, not the sign-in itself. Each run is bounded in time (`-d`) and in count ({MAX_RESPONSES:,}
  answers).
- **Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['memory']} of memory, {info['os']};
  Python {info['python']}, SQLAlchemy {info['sqlalchemy']}, SQLite {versions.get('SQLite', 'not run')},
  PostgreSQL {versions.get('PostgreSQL', 'not run')}. Client, servers and database share the machine.
- **Where the time goes:** `.venv/bin/python -m benchmarks.profile_log_call` times one log-call
  request in-process beside the bare insert and a signed-in no-op, lists the SQL statements it
  sends, and prints cProfile's view of it.
"""
    # The other scenarios' sections (the board's, the sweep's, the e-mail burst's) are kept as they are.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_ + "".join(f"\n{section}\n" for section in kept_sections(path)))


#: A scenario's own section of the results file, between its two markers.
SECTION = re.compile(r"<!-- (?P<name>[\w-]+)-benchmark:start -->.*?<!-- (?P=name)-benchmark:end -->", re.S)


def kept_sections(path: Path) -> list[str]:
    """Every scenario's section of the results file, as last written."""
    try:
        return [found.group(0) for found in SECTION.finditer(path.read_text())]
    except OSError:
        return []


def write_section(path: Path, name: str, new: str, after: str | None = None) -> None:
    """Put scenario `name`'s section (`new`, with its markers) into the results file: in place of
    the one written last time, else after scenario `after`'s section, else at the end."""
    text_ = path.read_text() if path.exists() else "# Benchmarks\n"
    new = new.strip("\n")
    start, end = f"<!-- {name}-benchmark:start -->", f"<!-- {name}-benchmark:end -->"
    if start in text_ and end in text_:
        text_ = text_[:text_.index(start)] + new + text_[text_.index(end) + len(end):]
    elif after and (anchor := f"<!-- {after}-benchmark:end -->") in text_:
        cut = text_.index(anchor) + len(anchor)
        text_ = text_[:cut] + "\n\n" + new + text_[cut:]
    else:
        text_ = text_.rstrip("\n") + "\n\n" + new
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_.rstrip("\n") + "\n")


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql (default both)")
    parser.add_argument("--concurrency", default="1,8,32", help="concurrent clients (default 1,8,32)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for both servers (default 4)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="an admin connection to a loopback PostgreSQL (creates and drops the database)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write the report; - for nowhere")
    args = parser.parse_args(argv)
    args.databases = [name.strip().lower() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    args.concurrency = [int(n) for n in args.concurrency.split(",") if n.strip()]
    if not args.concurrency or min(args.concurrency) < 1 or max(args.concurrency) > 256:
        parser.error("concurrency must be between 1 and 256")
    if not 1 <= args.duration <= 120:
        parser.error("duration must be between 1 and 120 seconds")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not shutil.which("wrk"):
        print("wrk is not installed: `make bench` installs it (apt-get install wrk)", file=sys.stderr)
        return 1
    # A SIGTERM (make interrupted, a timeout) runs the finally blocks that stop every server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = GunicornSettings(args.workers, args.worker_class, args.threads)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    log(f"gunicorn: {settings.describe()}; {args.duration:g} s per measurement; "
        f"clients {args.concurrency}; databases {args.databases}")
    results, versions = [], {}
    workdir = Path(tempfile.mkdtemp(prefix="dutydesk-bench-"))
    try:
        for name in args.databases:
            db = SqliteDatabase(workdir) if name == "sqlite" else PostgresDatabase(args.postgres_url)
            with db:
                results += bench_database(db, args, settings, workdir)
                versions[db.kind] = db.version()
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - clock
    table = rows(results)
    print()
    print(f"gunicorn {settings.describe()}; wrk, 1 thread; {args.duration:g} s per measurement")
    print(markdown_table(table))
    failing = [r for r in table if not r.passed]
    print(f"\nTarget app/same rows >= {TARGET}: " + ("PASS everywhere" if not failing else
          f"FAIL at {len(failing)} of {len(table)}"))
    print("App / bare one row (informational): " + ", ".join(
        f"{r.database} {r.clients}: {r.ratio:.2f}" for r in table))
    print("Rows added to the database = 302s received + requests in flight at wrk's stop: "
          "checked after every run")
    print(f"Total {elapsed:.0f} s")
    if args.output != "-":
        write_report(Path(args.output), table, args, settings, machine(), versions, started, elapsed)
        print(f"Written to {os.path.relpath(args.output, ROOT)}")
    return 0
