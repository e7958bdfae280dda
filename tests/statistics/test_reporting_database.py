"""REPORTING_DATABASE_URL: when set, the statistics pages and downloads read through an engine of
their own bound to it (a read replica in production); every other page reads the main database."""

import re
from pathlib import Path

from flask_migrate import upgrade
from freezegun import freeze_time

from config import TestConfig
from dutydesk import create_app
from dutydesk.extensions import db
from dutydesk.models import Role
from tests.conftest import RequestIsolatedClient
from tests.factories import create_user, sign_in
from tests.statistics.test_rec29 import CASES, build

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def _figures(html: str) -> list[int]:
    return [int(re.search(rf'id="figure-{name}">(\d+)<', html).group(1))
            for name in ("referred", "requiring", "provided", "yet_to_be_met")]


@freeze_time("2026-05-05 12:00:00")
def test_the_statistics_read_the_reporting_database_and_nothing_else_does(app, tmp_path):
    # The "replica": its own SQLite file, holding test_rec29's April and nothing in the main database.
    replica = f"sqlite:///{tmp_path / 'replica.sqlite3'}"

    class ReplicaConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = replica

    filler = create_app(ReplicaConfig)
    with filler.app_context():
        upgrade(directory=MIGRATIONS)
        build(CASES)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    # The main database (the tests' own) has people to sign in and the board's team, and no referral.
    class ReportingConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        REPORTING_DATABASE_URL = replica

    reporting = create_app(ReportingConfig)
    reporting.test_client_class = RequestIsolatedClient
    create_user("dora", (Role.DIRECTOR,), None)
    create_user("sara", (Role.SENIOR_MANAGER,), None)
    db.session.commit()
    client = reporting.test_client()
    sign_in(client, "dora")
    html = client.get("/statistics?from=2026-04-01&to=2026-04-30&team=all").get_data(as_text=True)
    assert _figures(html) == [7, 5, 2, 3]
    assert "Duty South" in html  # the team list is the replica's too
    # (A list of children is logged, in the main database, as a view of their calls: a replica
    # copies the main database, so the calls are there too; this "replica" holds other rows, so
    # the lists are tested on the main database, in test_views.)
    download = client.get("/statistics/download?from=2026-04-01&to=2026-04-30&team=all&table=rec29&format=csv")
    assert "Children referred,7," in download.get_data(as_text=True)

    # The same page on the main application reads the main database: nothing there.
    main = app.test_client()
    sign_in(main, "dora")
    assert _figures(main.get("/statistics?from=2026-04-01&to=2026-04-30&team=all").get_data(as_text=True)) == [
        0, 0, 0, 0]
    # Any other page of the reporting application reads the main database: the senior manager's
    # board finds no duty team there.
    sara = reporting.test_client()
    sign_in(sara, "sara")
    assert "There are no active duty teams yet" in sara.get("/board").get_data(as_text=True)
    with reporting.app_context():
        reporting.extensions["dutydesk.reporting"].kw["bind"].dispose()
