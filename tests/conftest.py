"""Test set-up: one application and database per session, emptied after every test.

The database is SQLite in a temporary file unless TEST_DATABASE_URL names another (CI runs
every test again on PostgreSQL). Its schema is built by the migrations, as in production.
"""

import contextvars
import os
from pathlib import Path

import freezegun
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from config import TestConfig
from dutydesk import create_app
from dutydesk.extensions import db, limiter
from tests.databases import empty_postgres_database

# pytest's own clock (--durations, timeouts) reads real time, also in a test frozen in time.
freezegun.configure(extend_ignore_list=["_pytest.timing"])


class RequestIsolatedClient(FlaskClient):
    """A test client whose every request runs in an application context of its own.

    Tests hold an application context to read the database, and Flask reuses an active one
    for a request: then `g` (the signed-in user, the CSP nonce) and the database session
    would leak from one request into the next, which never happens in production. Before
    each request the test's own session ends its transaction, so what the test reads next
    is what the request committed.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed: already isolated
            return super().open(*args, **kwargs)
        db.session.rollback()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The session's database: a temporary SQLite file, or TEST_DATABASE_URL's database. Under
    pytest-xdist each worker has its own: on PostgreSQL a database named after TEST_DATABASE_URL's
    with the worker's name after it (made empty, and dropped when the worker ends)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        yield url
        return
    with empty_postgres_database(url, f"{make_url(url).database}_{worker}") as worker_url:
        yield worker_url


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        _reset_schema()
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    return app


def _reset_schema() -> None:
    """Start from an empty database (TEST_DATABASE_URL must name a database for tests only)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _app_context(app):
    limiter.reset()  # the sign-in limits are on, as in production, and count from nothing in each test
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    """Delete every row, past the triggers that refuse it in production (models/guards.py).

    One script, run by the database driver in one transaction. On PostgreSQL the tests connect
    as a superuser, who alone may set session_replication_role to replica: that stops the
    triggers (foreign-key checks too) until the transaction ends; DELETE is also far quicker
    than TRUNCATE on these small tables. On SQLite the triggers are dropped, and made again
    from their own text.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    deletes = [f"DELETE FROM {table.name}" for table in tables]
    with db.engine.begin() as connection:
        driver = connection.connection.driver_connection
        if connection.dialect.name == "postgresql":
            # Ids start again from 1, as on SQLite (setval of NULL, for a column with no sequence, does nothing).
            restarts = ", ".join(f"setval(pg_get_serial_sequence('{table.name}', '{column.name}'), 1, false)"
                                 for table in tables for column in table.primary_key.columns)
            driver.execute(";\n".join(["SET LOCAL session_replication_role = replica", *deletes,
                                       f"SELECT {restarts}"]))
        else:
            triggers = driver.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
            driver.executescript(";\n".join(["BEGIN", "UPDATE teams SET manager_id = NULL",
                                             *(f"DROP TRIGGER {name}" for name, _ in triggers), *deletes,
                                             *(sql for _, sql in triggers), "COMMIT"]))


@pytest.fixture
def client(app):
    return app.test_client()
