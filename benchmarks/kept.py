"""Databases a benchmark builds once and keeps between runs, and the bulk writing that fills them.

A large generated database (a million children, a million calls) takes minutes to build, so it is
kept: SQLite as a file under benchmarks/.cache/, PostgreSQL as a database of its own on the local
server. A one-row meta table inside it says what it holds (the size, seed, generator version and
migrations as a key, with whatever else its benchmark wants to know again); the next run reuses it
when the key matches and rebuilds it otherwise. A build that fails half-way leaves nothing behind.

The rows themselves go in as the drivers write fastest: sqlite3 `executemany` and psycopg COPY,
values as SQLAlchemy would store them (`sqlite_value`, `copy_text`).
"""

import contextlib
import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.run import ROOT, PostgresDatabase

CACHE = Path(__file__).resolve().parent / ".cache"


def schema_revision() -> str:
    """The migrations' files, as a short digest: a new migration means a new kept database."""
    names = sorted(path.name for path in (ROOT / "migrations" / "versions").glob("*.py"))
    return hashlib.sha1("\n".join(names).encode()).hexdigest()[:10]


def cache_key(size: int, seed: int, generation: int) -> str:
    """What a kept database is built from: its size, seed, generator version and migrations."""
    return f"{size}-s{seed}-g{generation}-{schema_revision()}"


class Meta:
    """The one-row table in a kept database that says what it holds."""

    def __init__(self, table: str):
        self.table = table

    def read(self, engine) -> dict | None:
        from sqlalchemy import inspect, text

        with engine.connect() as connection:
            if self.table not in inspect(connection).get_table_names():
                return None
            row = connection.execute(text(f"SELECT * FROM {self.table}")).mappings().first()
        return None if row is None else dict(row)

    def write(self, engine, values: dict) -> None:
        """Make the table with one column per value (text, float or integer) and write the row."""
        from sqlalchemy import text

        def kind(value) -> str:
            return "INTEGER" if isinstance(value, int) else "FLOAT" if isinstance(value, float) else "TEXT"

        columns = ", ".join(f"{name} {kind(value)}" for name, value in values.items())
        with engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {self.table} ({columns})"))
            connection.execute(text(f"INSERT INTO {self.table} ({', '.join(values)}) "
                                    f"VALUES ({', '.join(':' + name for name in values)})"), values)


def has_tables(engine) -> bool:
    from sqlalchemy import inspect

    with engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def is_complete(url: str, meta: Meta) -> bool:
    """Whether the database at `url` was built to the end (its meta row is written last)."""
    from sqlalchemy import create_engine

    from config import _database_url

    engine = create_engine(_database_url(url))
    try:
        return meta.read(engine) is not None
    except Exception:  # noqa: BLE001 - unreadable: not complete
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def kept_sqlite(prefix: str, key: str, meta: Meta):
    """The URL of the kept SQLite file `<prefix>-<key>.sqlite3` (the same size's earlier builds, and a
    build of this one stopped half-way, are removed); if the block fails, a file left half-built is too."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{prefix}-{key}.sqlite3"
    for stale in CACHE.glob(f"{prefix}-{key.split('-')[0]}-*.sqlite3*"):  # this size's earlier builds only
        if not stale.name.startswith(path.name):
            stale.unlink()
    url = f"sqlite:///{path}"
    if path.exists() and not is_complete(url, meta):  # a build stopped half-way: start again
        _remove_sqlite(path)
    try:
        yield url
    except BaseException:
        if not is_complete(url, meta):
            _remove_sqlite(path)
        raise


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


class KeptPostgres(PostgresDatabase):
    """A PostgreSQL database of the benchmark's own, kept between runs (dropped only to rebuild)."""

    def __init__(self, admin_url: str, name: str):
        super().__init__(admin_url)
        self.name = name
        self.url = urlsplit(admin_url)._replace(path=f"/{name}").geturl()

    def ensure(self, meta: Meta, is_current) -> None:
        """Make the database unless its meta row passes `is_current(row)`; remake it when it does not."""
        from sqlalchemy import create_engine

        from config import _database_url

        self.ensure_running()
        with self._admin() as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.name,)).fetchone()
        if exists:
            engine = create_engine(_database_url(self.url))
            try:
                row = meta.read(engine)
            finally:
                engine.dispose()
            if row is not None and is_current(row):
                return
        self.create()  # drops it first
        self.created = False  # kept after the run


@contextlib.contextmanager
def kept_postgres(admin_url: str, name: str, meta: Meta, is_current):
    """The kept PostgreSQL database `name`, made empty unless it is current, held under an advisory
    lock for the block (another run waits, then reuses what was built); dropped if the block fails
    before its meta row is written."""
    database = KeptPostgres(admin_url, name)
    database.ensure_running()
    with database._admin() as lock:
        lock.execute("SELECT pg_advisory_lock(hashtext(%s))", (name,))
        database.ensure(meta, is_current)
        try:
            yield database
        except BaseException:
            from config import _database_url

            if not is_complete(_database_url(database.url), meta):
                database.created = True
                database.drop()
            raise


# ---------------------------------------------------------------------------------------------
# Values as SQLAlchemy stores them


class Json(str):
    """A value of a JSON column, already written as JSON text."""


EMPTY_OBJECT, EMPTY_LIST = Json("{}"), Json("[]")


def as_json(value) -> Json:
    if not value:
        return EMPTY_OBJECT if isinstance(value, dict) else EMPTY_LIST
    return Json(json.dumps(value, separators=(", ", ": ")))


def sqlite_value(value):
    """A Python value as SQLAlchemy writes it to SQLite: timestamps as UTC text, dates as ISO text."""
    if isinstance(value, datetime):
        if value.tzinfo is not timezone.utc:
            value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Json):
        return str(value)
    return value


def copy_text(rows) -> str:
    """Rows in PostgreSQL COPY's text format."""
    def cell(value) -> str:
        if value is None:
            return r"\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).isoformat(sep=" ")
        if isinstance(value, (date, int, float)):
            return str(value)
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    return "".join("\t".join(map(cell, row)) + "\n" for row in rows)
