"""Database connection settings that the engine URL cannot carry."""

from sqlalchemy import Engine, event


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
