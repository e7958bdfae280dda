"""The returns benchmark's code path (benchmarks/returns_export.py) on a few hundred generated calls,
in a database of its own on the suite's kind of database (SQLite, or PostgreSQL under
TEST_DATABASE_URL), so that `make bench`'s harness, which CI does not run, cannot rot on either:
both exports made by dutydesk's commands and checked (the census against the schema, the workbook
opened), each beside its hand-written statement, and the report written. Speed and memory are not
asserted here."""

import pytest
from sqlalchemy import make_url

from benchmarks import casework_data, returns_export
from benchmarks.run import machine
from tests.databases import empty_postgres_database


@pytest.fixture
def empty_database(database_url, tmp_path):
    """An empty database beside the suite's: a SQLite file, or a PostgreSQL database made and dropped."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'returns.sqlite3'}"
        return
    with empty_postgres_database(database_url, f"{make_url(database_url).database}_returns_bench") as url:
        yield url


def test_the_benchmark_makes_checks_and_reports_both_returns_beside_their_statements(empty_database, tmp_path):
    built = casework_data.build_into(empty_database, 400, seed=5)
    built.version = "test"

    result = returns_export.bench_built(built, tmp_path)  # fails unless the census is valid and the book opens

    assert result.census_bytes > 0 and result.annex_bytes > 0
    assert result.census_rows > 0 and result.annex_rows > 0
    assert result.census.peak_mb > 0 and result.annex.peak_mb > 0 and result.census_sql.seconds > 0
    assert "children" in result.census_summary
    written = returns_export.report([result], machine(), 1.0)
    assert written.startswith("<!-- returns-benchmark:start -->")
    assert f"{result.annex_rows:,}" in written
