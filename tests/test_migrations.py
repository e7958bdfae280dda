"""`flask db upgrade` on an empty database gives exactly the models' schema."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from config import TestConfig
from dutydesk import create_app
from dutydesk.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def schema_differences(connection) -> list:
    options = {key: value for key, value in current_app.extensions["migrate"].configure_args.items()
               if key in ("compare_type", "render_item")}
    context = MigrationContext.configure(connection, opts=options)
    return compare_metadata(context, db.metadata)


def test_the_migrated_test_database_matches_the_models_with_nothing_left_to_autogenerate():
    # The session's database was built by `upgrade()` alone (see conftest), on SQLite or PostgreSQL.
    with db.engine.connect() as connection:
        assert schema_differences(connection) == []


def test_migrations_go_down_to_nothing_and_up_again(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"

    app = create_app(Config)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert schema_differences(connection) == []
        db.engine.dispose()


def test_the_open_obligations_index_is_partial_on_this_database():
    indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("obligations")}
    assert "ix_obligations_open_due_at" in indexes
    where = indexes["ix_obligations_open_due_at"]["dialect_options"][f"{db.engine.dialect.name}_where"]
    assert "met_at IS NULL" in str(where)


def test_a_sqlite_file_engine_enforces_foreign_keys_and_uses_wal(tmp_path):
    from dutydesk import database

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    database.configure(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
