"""The baselines: a bare Flask app whose POST endpoints write to the same database.

- `/rows` (the issue's baseline) inserts one row into `bench_rows`.
- `/call-rows` writes as many rows as dutydesk writes when the benchmark logs a call (one child,
  a professional referrer, no concern flags ticked): one contact, one child, one event and four
  obligations (verbal and written hand-off, referrer's confirmation, the child's screening
  decision), into bench-only tables shaped like the real ones (`bench_contacts`,
  `bench_children`, `bench_events`, `bench_obligations`, with the real tables' indexes), in one
  transaction, with SQLAlchemy Core: the contact first (its id comes back), then its child (its
  id too), its event, and the obligations in one executemany.

Served by gunicorn with the same settings as dutydesk (`gunicorn "benchmarks.bare_app:create_app()"`),
with DATABASE_URL pointing at the same database. It uses the same engine options and the same
SQLite pragmas as the app (config.py and dutydesk.database), so the only difference measured
is what dutydesk does per request beyond the INSERTs in one transaction: no session, no sign-in,
no CSRF, no form, no ORM.
"""

import os
from datetime import datetime, timedelta, timezone

from flask import Flask, redirect, request
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    text,
)

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


# The same-rows baseline's tables: roughly the columns of contacts, contact_children,
# contact_events and obligations (no foreign keys to users or teams, which they do not have).
bench_contacts = Table(
    "bench_contacts", metadata,
    Column("id", Integer, primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("logged_by_id", Integer, nullable=False),
    Column("concern", Text, nullable=False),
    Column("concern_category", String(40), nullable=False),
    Column("is_possible_crime", Boolean, nullable=False),
    Column("is_deliberate_harm_alleged", Boolean, nullable=False),
    Column("is_child_in_hospital", Boolean, nullable=False),
    Column("is_child_missing_school", Boolean, nullable=False),
    Column("is_child_in_temporary_accommodation", Boolean, nullable=False),
    Column("referrer_name", String(200), nullable=False),
    Column("referrer_role", String(200), nullable=False),
    Column("referrer_agency", String(200), nullable=False),
    Column("referrer_address", Text, nullable=False),
    Column("referrer_phone", String(50), nullable=False),
    Column("referrer_email", String(254), nullable=False),
    Column("is_referrer_professional", Boolean, nullable=False),
    Column("referral_source", String(4), nullable=False),
    Column("is_put_through", Boolean, nullable=False),
    Column("no_referrer_details_reason", String(40), nullable=True),
    Column("team_id", Integer, nullable=False, index=True),
    Column("accepted_at", DateTime(timezone=True), nullable=True),
    Column("accepted_by_id", Integer, nullable=True),
)
bench_children = Table(
    "bench_children", metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("bench_contacts.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("is_name_known", Boolean, nullable=False),
    Column("date_of_birth", Date, nullable=True),
    Column("approximate_age", Integer, nullable=True),
    Column("address", Text, nullable=False),
    Column("first_language", String(100), nullable=False),
    Column("interpreter_need", String(40), nullable=False),
)
bench_events = Table(
    "bench_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("bench_contacts.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by_id", Integer, nullable=False),
    Column("action", String(50), nullable=False),
    Column("summary", Text, nullable=False),
)
bench_obligations = Table(
    "bench_obligations", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("contact_id", Integer, ForeignKey("bench_contacts.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("bench_children.id"), nullable=True),
    Column("team_id", Integer, nullable=False, index=True),
    Column("worker_id", Integer, nullable=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("met_at", DateTime(timezone=True), nullable=True),
    Column("met_by_id", Integer, nullable=True),
    Column("reason", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_bench_obligations_open_due_at", "due_at",
          sqlite_where=text("met_at IS NULL"), postgresql_where=text("met_at IS NULL")),
)

#: The rows one benchmark call writes, per real table, and the bench table that mirrors each.
#: dutydesk's log_call with the benchmark's form (one child, a professional referrer, no flags):
#: the contact, its child, its "logged" event, and four clocks (verbal hand-off, written hand-off,
#: referrer's confirmation, the child's screening decision). benchmarks/run.py checks it.
SAME_ROWS = {
    "contacts": ("bench_contacts", 1),
    "contact_children": ("bench_children", 1),
    "contact_events": ("bench_events", 1),
    "obligations": ("bench_obligations", 4),
}
#: Placeholder ids of the call handler (who also holds the verbal hand-off) and of the team.
HANDLER_ID, TEAM_ID = 1, 1


def make_engine(url: str):
    engine = create_engine(_database_url(url), **Config.SQLALCHEMY_ENGINE_OPTIONS)
    configure(engine)
    return engine


def ensure_table(engine) -> None:
    """Create bench_rows and the same-rows baseline's tables if they are absent."""
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

    @app.post("/call-rows")
    def add_call_rows():
        form = request.form
        now = datetime.now(timezone.utc)
        team_id = int(form.get("team_id") or TEAM_ID)
        with engine.begin() as connection:  # one transaction per request
            contact_id = connection.execute(insert(bench_contacts).values(
                received_at=now - timedelta(hours=1), channel=form.get("channel", ""),
                logged_at=now, logged_by_id=HANDLER_ID,
                concern=form.get("concern", "").strip(), concern_category=form.get("concern_category", ""),
                is_possible_crime=False, is_deliberate_harm_alleged=False, is_child_in_hospital=False,
                is_child_missing_school=False, is_child_in_temporary_accommodation=False,
                referrer_name=form.get("referrer_name", "").strip(),
                referrer_role=form.get("referrer_role", "").strip(),
                referrer_agency=form.get("referrer_agency", "").strip(),
                referrer_address=form.get("referrer_address", "").strip(),
                referrer_phone=form.get("referrer_phone", "").strip(),
                referrer_email=form.get("referrer_email", "").strip(),
                is_referrer_professional=form.get("is_referrer_professional") == "yes",
                referral_source=form.get("referral_source", ""),
                is_put_through=form.get("is_put_through") == "yes", no_referrer_details_reason=None,
                team_id=team_id,
            )).inserted_primary_key[0]
            child_name = form.get("children-0-name", "").strip()
            child_id = connection.execute(insert(bench_children).values(
                contact_id=contact_id, position=0, name=child_name, is_name_known=True,
                date_of_birth=None, approximate_age=int(form.get("children-0-approximate_age") or 0) or None,
                address=form.get("children-0-address", "").strip(),
                first_language=form.get("children-0-first_language", "").strip(),
                interpreter_need=form.get("children-0-interpreter_need", ""),
            )).inserted_primary_key[0]
            connection.execute(insert(bench_events).values(
                contact_id=contact_id, at=now, by_id=HANDLER_ID, action="logged",
                summary=f"Call logged about {child_name}; handed to team {team_id}",
            ))
            clock = {"contact_id": contact_id, "team_id": team_id, "worker_id": None, "child_id": None,
                     "created_at": now, "met_at": None, "met_by_id": None, "reason": "", "details": {}}
            connection.execute(insert(bench_obligations), [  # one executemany
                {**clock, "kind": "verbal_handoff", "worker_id": HANDLER_ID, "due_at": now + timedelta(hours=1)},
                {**clock, "kind": "written_handoff", "due_at": now + timedelta(hours=1)},
                {**clock, "kind": "referrer_confirmation", "due_at": now + timedelta(days=3)},
                {**clock, "kind": "screening_decision", "child_id": child_id, "due_at": now + timedelta(days=1)},
            ])
        return redirect(f"/call-rows/{contact_id}", 302)  # answers as dutydesk does on a save

    @app.get("/healthz")
    def healthz():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app

