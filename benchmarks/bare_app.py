"""The baseline: a bare Flask app whose POST endpoint inserts one row into the same database.

Served by gunicorn with the same settings as dutydesk (`gunicorn "benchmarks.bare_app:create_app()"`),
with DATABASE_URL pointing at the same database. It uses the same engine options and the same
SQLite pragmas as the app (config.py and dutydesk.database), so the only difference measured
is what dutydesk does per request beyond one INSERT in one transaction: no session, no sign-in,
no CSRF, no form, no ORM.
"""

import os
from datetime import datetime, timezone

from flask import Flask, redirect, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, insert, text

from config import Config, _database_url
from dutydesk.database import configure

metadata = MetaData()
bench_rows = Table(
    "bench_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("child_name", String(200), nullable=False),
    Column("referrer_name", String(200), nullable=False),
    Column("concern_category", String(40), nullable=False),
    Column("concern", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str):
    engine = create_engine(_database_url(url), **Config.SQLALCHEMY_ENGINE_OPTIONS)
    configure(engine)
    return engine


def ensure_table(engine) -> None:
    """Create bench_rows if it is absent."""
    metadata.create_all(engine, checkfirst=True)


def create_app(url: str | None = None) -> Flask:
    engine = make_engine(url or os.environ["DATABASE_URL"])
    ensure_table(engine)
    app = Flask(__name__)

    @app.post("/rows")
    def add_row():
        form = request.form
        with engine.begin() as connection:  # one transaction per request
            result = connection.execute(insert(bench_rows).values(
                child_name=form.get("children-0-name", ""),
                referrer_name=form.get("referrer_name", ""),
                concern_category=form.get("concern_category", ""),
                concern=form.get("concern", ""),
                created_at=datetime.now(timezone.utc),
            ))
            row_id = result.inserted_primary_key[0]
        return redirect(f"/rows/{row_id}", 302)  # answers as dutydesk does on a save

    @app.get("/healthz")
    def healthz():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app

