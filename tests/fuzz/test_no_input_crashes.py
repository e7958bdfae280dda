"""No input makes dutydesk fail: every address, query string and form of every page, filled with
what people type and with what nobody should, is answered without a server error, and a form
that is refused writes nothing and keeps what was typed (issue 9).

Each page is used by the people allowed to use it (the roles of its `required_permission`):
staff of the team holding the records, and a senior manager. A refusal (403) is an answer;
a server error (500) never is.
"""

import itertools
import re
import traceback
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, note, settings, strategies as st
from hypothesis.control import currently_in_test_context
from markupsafe import escape
from sqlalchemy import text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from dutydesk.auth.session import PUBLIC_ENDPOINTS
from dutydesk.board.queries import SORTS, UNASSIGNED
from dutydesk.extensions import db
from dutydesk.inputs import MAX_ID
from dutydesk.models import ObligationKind
from tests.factories import csrf_token, sign_in
from tests.fuzz.conftest import BY_ENDPOINT, PEOPLE, STATUSES, is_fuzz_profile
from tests.fuzz.pages import forms_on
from tests.fuzz.values import HOSTILE_IDS, fill, hostile_text

#: Tables that record who looked and who tried, whatever the answer: a refused form may add to them.
LOG_TABLES = {"record_views", "sign_in_attempts", "form_drafts"}
#: The answers a request may get. Anything else (a 500 above all) is a failure. 429: signing in
#: is paused after many failures from one address (auth/limits.py), as the fuzzer's are.
ANSWERS = {200, 204, 302, 303, 308, 400, 403, 404, 405, 429}
#: Requests of each test: the CI profile keeps both to about a minute on each database; `make
#: fuzz` sends at least 10,000 in all.
EXAMPLES = {"addresses": (250, 6000), "forms": (200, 5000)}
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

#: The query-string arguments the views read, and what a page's own links put in them.
QUERY_ARGUMENTS = {
    "team": lambda world: [str(t) for t in world["team"]] + ["all"],
    "worker": lambda world: [str(w) for w in world["worker"]] + [UNASSIGNED],
    "kind": lambda world: [kind.value for kind in ObligationKind],
    "sort": lambda world: list(SORTS),
    "dir": lambda world: ["asc", "desc"],
    "draft": lambda world: [str(d) for d in world["draft"]],
    "next": lambda world: ["/board", "/calls/new", "//elsewhere.example", "http://[::1", "javascript:alert(1)"],
    "page": lambda world: ["1", "2", "0", "999"],
    "user": lambda world: [str(u) for u in world["user_id"]],
    "from": lambda world: ["2026-04-01", "1", "4", "2026", "2026-02-30", "0001-01-01"],
    "to": lambda world: ["2026-04-30", "30", "4", "2026", "9999-12-31"],
    "annex-from": lambda world: ["2026-04-01", "1", "4", "2026", "2026-02-30", "0001-01-01"],
    "annex-to": lambda world: ["2026-04-30", "30", "4", "2026", "9999-12-31"],
    "figure": lambda world: ["referred", "requiring", "provided", "yet_to_be_met", "repeat_referred", "contacts",
                             "contacts_referred", "clocks"],
    "state": lambda world: ["met_on_time", "met_late", "open", "withdrawn"],
    "table": lambda world: ["rec29", "timeliness", "trend"],
    "format": lambda world: ["csv", "xlsx"],
}


def examples(test: str) -> int:
    ci, fuzz = EXAMPLES[test]
    return fuzz if is_fuzz_profile() else ci


class Browser:
    """One person's browser (or nobody's, for the public pages): it signs in, keeps its CSRF
    token, and tallies every answer. A server error is turned into a failure that says what
    was sent and what went wrong."""

    def __init__(self, app, username: str | None):
        self.app, self.username = app, username
        self.client = app.test_client()
        self.token = None
        self.sign_in()

    def sign_in(self):
        if self.username is not None:
            sign_in(self.client, self.username)
        page = self.client.get("/login" if self.username is None else "/", follow_redirects=True)
        self.token = csrf_token(page.get_data(as_text=True))

    def open(self, method: str, url: str, endpoint: str, data=None):
        if currently_in_test_context():
            note(f"{self.username or 'nobody'}: {method} {url!r} {list(data.items(multi=True)) if data else ''}")
        try:
            response = self.client.open(url, method=method, data=data)
        except Exception:
            STATUSES[500] += 1
            BY_ENDPOINT[(endpoint, 500)] += 1
            pytest.fail(f"{method} {url!r} as {self.username} with {data!r} raised:\n{traceback.format_exc()}")
        STATUSES[response.status_code] += 1
        BY_ENDPOINT[(endpoint, response.status_code)] += 1
        assert response.status_code in ANSWERS, f"{method} {url!r} as {self.username}: {response.status_code}"
        return response

    def post(self, url: str, endpoint: str, pairs):
        return self.open("POST", url, endpoint, MultiDict([("csrf_token", self.token), *pairs]))


class Briefly(dict):
    """A fixture's value, named briefly when Hypothesis reports a failing example."""

    def __repr__(self):
        return f"<{len(self)} {self.what}>"


class Browsers(Briefly):
    what = "signed-in browsers"


class Forms(list):
    def __repr__(self):
        return f"<{len(self)} forms>"


@pytest.fixture
def browsers(app, world):
    return Browsers({name: Browser(app, name) for name in [None, *PEOPLE]})


def _roles(app, endpoint: str):
    return getattr(app.view_functions[endpoint], "required_permission", None)


def users_of(app, endpoint: str) -> list[str | None]:
    """Who may use the page: nobody signed in for public ones, else each person whose role it allows."""
    if endpoint in PUBLIC_ENDPOINTS:
        return [None]
    roles = _roles(app, endpoint)
    return [name for name, (role, _) in PEOPLE.items() if roles is None or role in roles]


def _path(rule, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: quote(values[m["name"]], safe=""), rule.rule)


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


@given(data=st.data())
@settings(max_examples=examples("addresses"))
def test_no_address_or_query_string_gets_a_server_error(app, world, browsers, data):
    rule = data.draw(st.sampled_from(_rules(app)), label="route")
    username = data.draw(st.sampled_from(users_of(app, rule.endpoint)), label="user")
    values, is_hostile = {}, False
    for argument in rule.arguments:
        real = [str(value) for value in world[argument]]
        value = data.draw(st.one_of(st.sampled_from(real), st.sampled_from(HOSTILE_IDS), hostile_text()),
                          label=argument)
        is_hostile |= value not in real
        values[argument] = value
    method = "GET" if "GET" in rule.methods else "POST"
    query = data.draw(st.lists(st.tuples(
        st.sampled_from(list(QUERY_ARGUMENTS) + ["unexpected"]),
        st.one_of(st.sampled_from(["", *itertools.chain(*(f(world) for f in QUERY_ARGUMENTS.values()))]),
                  st.sampled_from(HOSTILE_IDS), hostile_text())), max_size=4), label="query")
    url = _path(rule, values) + (f"?{urlencode(query)}" if query else "")
    browser = browsers[username]
    response = browser.open(method, url, rule.endpoint, MultiDict([("csrf_token", browser.token)])
                            if method == "POST" else None)
    if rule.endpoint == "auth.logout":
        browser.sign_in()
    if is_hostile and rule.endpoint != "static" and not all(
            v.isascii() and v.isdigit() and v.lstrip("0") and int(v) <= MAX_ID for v in values.values()):
        # No such page; an empty id leaves a double slash, which is first merged (308).
        expected = {404, 308} if "" in values.values() else {404}
        assert response.status_code in expected, f"{url!r}: an address with no such record must be 404"


def _page_urls(app, world):
    """Every page a signed-in person can open, with each combination of the world's ids."""
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout", "core.healthz"):
            continue
        for combination in itertools.product(*(world[argument] for argument in sorted(rule.arguments))):
            yield rule, _path(rule, dict(zip(sorted(rule.arguments), (str(v) for v in combination))))


#: Who looks for the forms on each page (those of them the page allows): staff of the team that
#: holds the records, the contact centre, a senior manager, and an administrator (the
#: administration pages). Others see the same forms.
FORM_FINDERS = ["worker", "manager", "handler", "senior", "admin"]


@pytest.fixture
def page_forms(app, world, browsers):
    """Every form on every page, as the people allowed to open the page find it."""
    found = {}
    for rule, url in _page_urls(app, world):
        for username in [name for name in users_of(app, rule.endpoint) if name in FORM_FINDERS or name is None]:
            response = browsers[username].open("GET", url, rule.endpoint)
            if response.status_code == 404:  # the ids do not go together: no such page for anyone
                break
            if response.status_code != 200 or response.mimetype != "text/html":  # a download holds no form
                continue
            for form in forms_on(url, response.get_data(as_text=True), username):
                found.setdefault((form.action, username, tuple(c.name for c in form.controls)), form)
    return Forms(found.values())


def row_counts() -> dict[str, int]:
    tables = [table.name for table in db.metadata.sorted_tables
              if table.name not in LOG_TABLES and "session" not in table.name]
    row = db.session.execute(text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))).one()
    db.session.rollback()
    return dict(zip(tables, row))


#: Whatever a request did, these hold of the database: no record half-written.
INVARIANTS = {
    "a call with no child": "SELECT count(*) FROM contacts c WHERE NOT EXISTS "
                            "(SELECT 1 FROM contact_children ch WHERE ch.contact_id = c.id)",
    "a call without both hand-off clocks": "SELECT count(*) FROM contacts c WHERE 2 <> (SELECT count(*) FROM "
                                           "obligations o WHERE o.contact_id = c.id AND o.kind IN "
                                           "('verbal_handoff', 'written_handoff'))",
    "a call with no 'logged' history": "SELECT count(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM "
                                       "contact_events e WHERE e.contact_id = c.id AND e.action = 'logged')",
    "a referral without its assessment clock": "SELECT count(*) FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM "
                                               "obligations o WHERE o.child_id = r.child_id AND o.kind = 'assessment')",
    "a decision to refer with no referral": "SELECT count(*) FROM screening_decisions d WHERE d.outcome IN "
                                            "('referral', 'strategy_discussion') AND NOT EXISTS (SELECT 1 FROM "
                                            "referrals r WHERE r.child_id = d.child_id)",
    "a strategy discussion with nobody at it": "SELECT count(*) FROM strategy_discussions s WHERE NOT EXISTS "
                                               "(SELECT 1 FROM strategy_attendees a WHERE a.discussion_id = s.id)",
    # A withdrawn absence ends as it starts.
    "an absence ending before it starts": "SELECT count(*) FROM absences WHERE ends_at < starts_at",
}


def broken_invariants() -> list[str]:
    broken = [name for name, sql in INVARIANTS.items() if db.session.execute(text(sql)).scalar()]
    db.session.rollback()
    return broken


@given(data=st.data())
@settings(max_examples=examples("forms"))
def test_no_form_gets_a_server_error_and_a_refused_one_writes_nothing_and_keeps_what_was_typed(
        app, world, browsers, page_forms, data):
    form = data.draw(st.sampled_from(page_forms), label="form")
    note(f"form on {form.page} posting to {form.action} as {form.username}")
    pairs, typed, button = fill(data, form)
    try:
        endpoint = app.url_map.bind("localhost").match(form.action.split("?")[0], "POST")[0]
    except HTTPException:
        endpoint = form.action
    before = row_counts()
    response = browsers[form.username].post(form.action, endpoint, pairs)
    if response.status_code in (302, 303):
        assert not broken_invariants(), f"{form.action}: {broken_invariants()}"
        return
    assert row_counts() == before, f"{form.action} answered {response.status_code} but wrote rows"
    page = response.get_data(as_text=True)
    # Refused, with the form shown again (not, say, "already actioned by someone else"): each
    # field shown again shows what was typed into it.
    if response.status_code in (200, 429) and button in (None, "save", "submit"):
        lost = {name: value for name, value in typed.items()
                if f'name="{name}"' in page and str(escape(value.replace("\x00", ""))) not in page}
        assert not lost, f"{form.action} refused the form and lost what was typed: {lost!r}"
