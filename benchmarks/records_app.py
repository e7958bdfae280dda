"""The records-check benchmark's two servers, run by gunicorn with the same settings.

- `create_app()`: dutydesk itself (`wsgi:app`'s app). While dutydesk has no `contacts.check_records`
  endpoint yet, a STAND-IN `POST /calls/records-check` is added in this process only (never in
  dutydesk): for a signed-in call handler it reads the log-call form's child row as the browser posts
  it, calls `find_children` and renders the children offered as an HTML fragment. When the real
  endpoint exists, the app is served as it is and the stand-in is not added.
- `create_exact_app()`: the baseline, a bare Flask app with SQLAlchemy Core on the same database:
  `POST /children-exact` takes the same body and selects the children whose current family name is
  exactly the one typed (and, when a date of birth is typed, born that day) through an index, and
  renders them as a fragment. No session, no sign-in, no CSRF, no ORM, no fuzziness.
"""

import os
from datetime import date

from flask import Flask, request
from markupsafe import escape
from sqlalchemy import text

#: The endpoint the benchmark measures, and the form's row of the first child.
PATH = "/calls/records-check"
EXACT_PATH = "/children-exact"
ROW = "children-0-"
#: dutydesk's endpoint; when the app has it, the stand-in is not added.
REAL_ENDPOINT = "contacts.check_records"
#: How the benchmark tells the two apart: the stand-in's answer says it is one.
STAND_IN_MARK = 'data-records-check-stand-in="yes"'


def typed_date(values: list[str]) -> date | None:
    """The day, month and year fields as posted, or None when they are not a whole real date."""
    parts = [value.strip() for value in values]
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def add_stand_in(app: Flask) -> None:
    """The stand-in records check (see the module's docstring): find_children, a fragment."""
    from flask_login import current_user  # noqa: F401 - requires() signs the handler in

    from dutydesk import permissions
    from dutydesk.access import requires
    from dutydesk.children.matching import ChildQuery
    from dutydesk.children.search import find_children

    @requires(permissions.LOG_CALL, no_record=True)
    def bench_records_check_stand_in():
        form = request.form
        row = form.get("row", "0")
        prefix = f"children-{row}-" if row.isdigit() else ROW
        query = ChildQuery(full_name=form.get(prefix + "name", "").strip() or None,
                           date_of_birth=typed_date(form.getlist(prefix + "date_of_birth")),
                           address=form.get(prefix + "address", "").strip() or None)
        result = find_children(query)
        items = "".join(
            f'<li class="govuk-body" data-child-id="{match.candidate_id}">'
            f'<a href="/children/{match.candidate_id}">'
            f'{escape(" ".join(part for part in match.candidate.names[0][:2] if part))}</a> '
            f'{escape(match.strength)}: {escape(", ".join(match.reasons))}</li>'
            for match in result.matches)
        return (f'<div {STAND_IN_MARK} data-weighed="{result.weighed}">'
                f'<ul class="govuk-list">{items}</ul></div>')

    app.add_url_rule(PATH, "bench_records_check_stand_in", bench_records_check_stand_in, methods=["POST"])


def create_app() -> Flask:
    from dutydesk import create_app as create_dutydesk

    app = create_dutydesk()
    if REAL_ENDPOINT not in app.view_functions:
        add_stand_in(app)
    return app


#: The exact-match baseline's statement: an index on child_names.family_name (benchmarks/records_check.py
#: makes it in the benchmark's database only), the child by primary key.
_EXACT = ("SELECT c.id, n.full_name, c.date_of_birth FROM child_names n JOIN children c ON c.id = n.child_id "
          "WHERE n.family_name = :family AND n.kind = 'current' AND n.to_date IS NULL{dob} ORDER BY c.id LIMIT 5")
EXACT_SQL = text(_EXACT.format(dob=" AND c.date_of_birth = :dob"))
EXACT_SQL_NAME_ONLY = text(_EXACT.format(dob=""))


def exact_lookup(connection, name: str, dob: date | None) -> list:
    from dutydesk.children.normalise import split_name

    _, family = split_name(name)
    if not family:
        return []
    if dob is None:
        return connection.execute(EXACT_SQL_NAME_ONLY, {"family": family}).all()
    return connection.execute(EXACT_SQL, {"family": family, "dob": dob}).all()


def create_exact_app(url: str | None = None) -> Flask:
    from benchmarks.bare_app import make_engine

    engine = make_engine(url or os.environ["DATABASE_URL"])
    app = Flask(__name__)

    @app.post(EXACT_PATH)
    def exact():
        form = request.form
        with engine.connect() as connection:
            found = exact_lookup(connection, form.get(ROW + "name", "").strip(),
                                 typed_date(form.getlist(ROW + "date_of_birth")))
        items = "".join(f'<li data-child-id="{child_id}"><a href="/children/{child_id}">{escape(name)}</a> '
                        f'{born or ""}</li>' for child_id, name, born in found)
        return f'<div><ul class="govuk-list">{items}</ul></div>'

    @app.get("/healthz")
    def healthz():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app
