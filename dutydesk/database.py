"""Database connection settings that the engine URL cannot carry, and taking the write lock."""

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session


def configure(engine: Engine) -> None:
    """On SQLite: enforce foreign keys, let readers and one writer work at once, wait on locks."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def lock_for_writing(session: Session) -> None:
    """On SQLite, take the database's write lock now, before reading what is to be changed, so
    that processes doing the same work take turns (PostgreSQL uses row locks instead). An
    UPDATE that matches nothing is enough to start the write transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE escalations SET id = id WHERE 0 = 1"))


def take_turns(session: Session, key: int) -> None:
    """Hold, until this transaction ends, a lock that every process doing the same piece of work
    takes first, so that they do it one after another: on PostgreSQL the advisory lock `key`
    (any number, one for each piece of work), on SQLite the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        lock_for_writing(session)
