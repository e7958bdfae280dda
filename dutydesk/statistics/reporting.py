"""Where the statistics read from: a database of their own when REPORTING_DATABASE_URL is set (in
production, a PostgreSQL streaming replica: DESIGN.md §4), else the main database.

The engine is made once, when the application starts; each request that reads statistics has
one session of it, closed when the request ends. Only the statistics pages and their downloads
read through it: everything else, the log of who saw which child included, reads and writes
the main database.
"""

from flask import current_app, g
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from dutydesk import database
from dutydesk.extensions import db

_EXTENSION = "dutydesk.reporting"


def init_app(app) -> None:
    """Make the reporting database's engine, if one is set."""
    url = app.config.get("REPORTING_DATABASE_URL")
    if not url:
        return
    engine = create_engine(url, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    database.configure(engine)
    app.extensions[_EXTENSION] = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)

    @app.teardown_appcontext
    def _close(exception=None):
        reading = g.pop("reporting_session", None)
        if reading is not None:
            reading.close()


def session() -> Session:
    """The request's session for reading statistics: the reporting database's, or the main one."""
    factory = current_app.extensions.get(_EXTENSION)
    if factory is None:
        return db.session
    if "reporting_session" not in g:
        g.reporting_session = factory()
    return g.reporting_session
