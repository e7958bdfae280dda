"""Where one log-call request spends its time: `python -m benchmarks.profile_log_call`.

In-process (Flask's test client, no gunicorn, no network), on a fresh temporary SQLite
database built as `make bench` builds it (or `--database-url` for a loopback PostgreSQL
database you made and migrated yourself):

- the cost per request of the bare one-row insert, of a signed-in request that does nothing
  (GET /healthz with the session cookie: session, sign-in check, idle timeout) and of logging
  a call, each the mean of --requests requests after a warm-up;
- the SQL statements one log-call request sends, with the time spent inside the driver;
- cProfile's view of the log-call requests: dutydesk's own functions by cumulative time, then
  the functions anywhere with the most time of their own (cProfile roughly doubles the cost).

Every posted request reuses one signed-in session cookie, as the benchmark's wrk clients do.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from benchmarks.run import BENCH_SECRET_KEY, ROOT, SqliteDatabase, call_form, run_checked


def mean_ms(fn, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        fn()
    return (time.perf_counter() - started) * 1000 / requests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_log_call", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per figure (default 200)")
    parser.add_argument("--database-url", help="an already migrated, empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    requests = max(10, min(args.requests, 5000))  # bounded

    workdir = Path(tempfile.mkdtemp(prefix="dutydesk-profile-"))
    db_file = SqliteDatabase(workdir)
    url = args.database_url or db_file.url
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "dutydesk", "SECRET_KEY": BENCH_SECRET_KEY}
    password = secrets.token_urlsafe(12)
    try:
        if not args.database_url:
            run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        seeded = json.loads(run_checked([sys.executable, "-m", "benchmarks.seed"],
                                        {**env, "BENCH_PASSWORD": password}, "seeding").splitlines()[-1])
        return profile(url, seeded, password, requests)
    finally:
        db_file.drop()
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()


def profile(url: str, seeded: dict, password: str, requests: int) -> int:
    from config import Config, _database_url
    from dutydesk import create_app
    from dutydesk.extensions import db

    from benchmarks.bare_app import create_app as create_bare_app

    class ProfileConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        SECRET_KEY = BENCH_SECRET_KEY

    app = create_app(ProfileConfig)
    browser = app.test_client()
    token = lambda page: re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # noqa: E731
    page = browser.get("/login").text
    answer = browser.post("/login", data={"csrf_token": token(page), "username": seeded["username"],
                                          "password": password})
    assert answer.status_code == 302, f"signing in answered {answer.status_code}"
    form = MultiDict(call_form(token(browser.get("/calls/new").text), seeded["team_id"]))
    headers = {"Cookie": f"session={browser.get_cookie('session').value}", "User-Agent": "dutydesk-bench"}
    client = app.test_client(use_cookies=False)  # the same cookie every time, as wrk sends it

    def log_call():
        answer = client.post("/calls/new", data=form, headers=headers)
        assert answer.status_code == 302, f"POST /calls/new answered {answer.status_code}"

    def signed_in_noop():
        assert client.get("/healthz", headers=headers).status_code == 200

    bare = create_bare_app(url).test_client()

    def bare_insert():
        assert bare.post("/rows", data=form).status_code == 302

    for fn in (log_call, signed_in_noop, bare_insert):
        mean_ms(fn, 20)  # warm-up
    figures = {
        "bare insert (POST /rows)": mean_ms(bare_insert, requests),
        "signed-in no-op (GET /healthz with the session)": mean_ms(signed_in_noop, requests),
        "log a call (POST /calls/new)": mean_ms(log_call, requests),
    }
    print(f"In-process cost per request, mean of {requests} (no gunicorn, no network):")
    for name, ms in figures.items():
        print(f"  {name:50} {ms:6.2f} ms")

    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, float]] = []
    started: list[float] = []

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        started.append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((" ".join(statement.split()[:4]), time.perf_counter() - started.pop()))

    log_call()
    statements.clear()
    log_call()
    print(f"\nSQL statements in one log-call request: {len(statements)}, "
          f"{sum(t for _, t in statements) * 1000:.2f} ms inside the driver (commit not included)")
    for text_, count in Counter(s for s, _ in statements).items():
        print(f"  {count} x {text_[:100]}")
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        log_call()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"\ncProfile, {requests} log-call requests: dutydesk's functions by cumulative time")
    stats.sort_stats("cumulative").print_stats(re.escape(str(ROOT / "dutydesk")), 20)
    print("cProfile: the functions with the most time of their own")
    stats.sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
