"""Databases the tests make for themselves beside the suite's."""

from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


@contextmanager
def empty_postgres_database(url, name: str):
    """A database called `name` on the PostgreSQL server of `url`, made empty, and dropped after:
    its URL."""
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
