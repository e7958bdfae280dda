"""The live board (R19), as a duty manager sees it: numbers, colours, filters, refresh, cost."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import ObligationKind, Role, ScreeningOutcome, TeamKind
from dutydesk.work import operations as work
from tests.factories import at, child_details, create_contact, create_team, create_user, sign_in

NOW = "2026-11-23 12:00:00"  # Monday, GMT: London time is UTC


@pytest.fixture
def team():
    duty = create_team("Duty North")
    create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Maya Patel")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    create_user("priya", (Role.DUTY_WORKER,), duty, display_name="Priya Shah")
    db.session.commit()
    return duty


def user(username):
    from dutydesk.models import User
    return db.session.scalar(db.select(User).where(User.username == username))


def rows(html: str) -> dict[str, str]:
    """Each board row's child name and the row's state, as shown."""
    found = {}
    for match in re.finditer(r'<tr class="govuk-table__row" data-row="[^"]+" data-urgency="([^"]+)">(.*?)</tr>', html, re.S):
        name = re.search(r'id="row-[^"]+" href="[^"]+">([^<]+)</a>', match.group(2)).group(1)
        found[name] = match.group(1)
    return found


def board(client, query: str = "") -> str:
    response = client.get(f"/board{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@freeze_time(NOW)
def test_each_child_shows_its_work_with_owner_due_time_and_state_in_colour_and_words(client, team):
    now = now_utc()
    overdue = create_contact(now - timedelta(minutes=61), team=team, children=[child_details(name="Ava Overdue")])
    soon = create_contact(now - timedelta(minutes=1), team=team, children=[child_details(name="Sam Soon")])
    db.session.commit()
    sign_in(client, "manager")
    html = board(client)
    assert rows(html) == {"Ava Overdue": "overdue", "Sam Soon": "due soon"}
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>' in html
    assert "overdue by 1 minute" in html and "59 minutes left" in html
    # the screening decision is due a working day later: on track, green, with its words
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in html
    assert f"Call {overdue.reference}" in html and f"Call {soon.reference}" in html


@freeze_time(NOW)
def test_the_state_turns_from_on_track_to_due_soon_to_overdue_at_its_boundaries(client, team):
    now = now_utc()
    contact = create_contact(now - timedelta(minutes=5), team=team, children=[child_details(name="Leo Martin")])
    action = work.add_action(contact, title="Phone the school", owner=user("worker"),
                             due_at=now + timedelta(hours=8), by=user("manager"), now=now)
    db.session.commit()
    # 8 hours: due soon once 2 hours (a quarter) are left, overdue a second after it is due
    for moment, expected in [(action.due_at - timedelta(hours=2, seconds=1), "On track"),
                             (action.due_at - timedelta(hours=2), "Due soon"),
                             (action.due_at, "Due soon"),
                             (action.due_at + timedelta(seconds=1), "Overdue")]:
        with freeze_time(moment):
            sign_in(client, "manager")
            html = board(client, f"?kind=action&worker={user('worker').id}")
            item = re.search(r'data-kind="action">\s*<strong class="govuk-tag [^"]+">([^<]+)</strong>', html)
            assert item.group(1) == expected, moment


def _refer(contact, child, when):
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Needs assessing",
                                    by=user("worker"), now=when)


@freeze_time(NOW)
def test_the_counts_are_children_referred_today_and_in_7_days_as_section_6_defines_them_and_calls_apart(client, team):
    """Referred: distinct children with a referral dated then (London), for the team; a call about
    two children both referred counts two, a child referred twice today counts once, a child the
    duty team took no further counts none. Calls are counted apart, whatever became of them."""
    start_of_today = at("2026-11-23 00:00", "Europe/London")
    now = now_utc()
    both = create_contact(start_of_today, team=team, children=[child_details(name="Ana One"),
                                                               child_details(name="Ben Two")])
    for child in both.children:
        _refer(both, child, now)
    again = create_contact(start_of_today + timedelta(hours=1), team=team,
                           children=[child_details(name="Ana One", record=both.children[0].child)])
    _refer(again, again.children[0], now)
    nfa = create_contact(start_of_today + timedelta(hours=2), team=team, children=[child_details(name="Cal Nfa")])
    cases.record_screening_decision(nfa, nfa.children[0], outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Advice given", by=user("worker"), now=now)
    create_contact(start_of_today + timedelta(hours=3), team=team)  # logged, not yet decided
    yesterday = create_contact(start_of_today - timedelta(hours=2), team=team,
                               children=[child_details(name="Dee Yesterday")])
    _refer(yesterday, yesterday.children[0], start_of_today - timedelta(seconds=1))
    sixth = create_contact(start_of_today - timedelta(days=6), team=team, children=[child_details(name="Eve Sixth")])
    _refer(sixth, sixth.children[0], start_of_today - timedelta(days=6))  # the 7th day back counts
    eighth = create_contact(start_of_today - timedelta(days=7), team=team, children=[child_details(name="Fay Eighth")])
    _refer(eighth, eighth.children[0], start_of_today - timedelta(days=6, seconds=1))  # the 8th does not
    south = create_team("Duty South")
    elsewhere = create_contact(start_of_today, team=south, children=[child_details(name="Gus South")])
    cases.record_screening_decision(elsewhere, elsewhere.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Needs assessing", by=create_user("sam", (Role.DUTY_WORKER,), south),
                                    now=now)
    db.session.commit()
    sign_in(client, "manager")
    html = board(client)
    assert re.search(r'id="count-today">2</span>\s*<span class="dd-count__label">children referred today', html)
    assert re.search(r'id="count-week">4</span>\s*<span class="dd-count__label">children referred in the last 7 days',
                     html)  # Ana, Ben, Dee and Eve
    assert re.search(r'id="count-calls">4</span>\s*<span class="dd-count__label">calls logged today', html)


@freeze_time(NOW)
def test_a_count_per_worker_shows_who_is_overloaded_busiest_first(client, team):
    now = now_utc()
    contact = create_contact(now - timedelta(minutes=10), team=team)
    for n in range(3):
        work.add_action(contact, title=f"Job {n}", owner=user("priya"), due_at=now + timedelta(hours=n + 1),
                        by=user("manager"), now=now)
    work.add_action(contact, title="One job", owner=user("worker"), due_at=now + timedelta(days=3),
                    by=user("manager"), now=now)
    db.session.commit()
    sign_in(client, "manager")
    html = board(client)
    loads = re.findall(r'data-worker="([^"]+)">.*?numeric">(\d+)</td>', html, re.S)
    assert loads[:2] == [("priya", "3"), ("worker", "1")]
    assert loads[2][0] == "team"


@freeze_time(NOW)
def test_filters_by_worker_unassigned_and_kind_and_sorts_by_column(client, team):
    now = now_utc()
    a = create_contact(now - timedelta(minutes=50), team=team, children=[child_details(name="Anna Able")])
    z = create_contact(now - timedelta(minutes=5), team=team, children=[child_details(name="Zak Zed")])
    work.add_action(z, title="Visit", owner=user("priya"), due_at=now + timedelta(days=2), by=user("manager"),
                    now=now)
    db.session.commit()
    sign_in(client, "manager")
    assert list(rows(board(client, f"?worker={user('priya').id}"))) == ["Zak Zed"]
    assert set(rows(board(client, "?worker=unassigned"))) == {"Anna Able", "Zak Zed"}
    assert list(rows(board(client, "?kind=action"))) == ["Zak Zed"]
    assert list(rows(board(client))) == ["Anna Able", "Zak Zed"]  # soonest due first
    assert list(rows(board(client, "?sort=child&dir=desc"))) == ["Zak Zed", "Anna Able"]
    html = board(client, "?sort=child")
    assert 'aria-sort="ascending"' in html and f"team={team.id}" in html
    assert list(rows(board(client, "?worker=nonsense&kind=nonsense&sort=nonsense"))) == ["Anna Able", "Zak Zed"]


@freeze_time(NOW)
def test_a_transfer_not_yet_accepted_shows_on_both_teams_boards(client, team):
    south = create_team("Duty South")
    create_user("southmanager", (Role.DUTY_MANAGER,), south)
    now = now_utc()
    contact = create_contact(now - timedelta(hours=2), team=team, children=[child_details(name="Tia Moves")])
    calls.accept_handoff(contact, by=user("worker"), now=now - timedelta(hours=1))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Known family", by=user("worker"), now=now - timedelta(minutes=30))
    cases.request_transfer(cases.get_referral(contact.children[0]), to_team=south, reason="Moved to Tottenham",
                           by=user("manager"), now=now - timedelta(minutes=10))
    db.session.commit()
    sign_in(client, "manager")
    north_board = board(client)
    assert "Accept the transfer of Tia Moves from Duty North" in north_board
    assert "Waiting for Duty South" in north_board
    south_board = board(client, f"?team={south.id}")
    assert "Accept the transfer of Tia Moves from Duty North" in south_board
    assert list(rows(south_board)) == ["Tia Moves"]


@freeze_time(NOW)
def test_met_work_is_not_on_the_board(client, team):
    contact = create_contact(now_utc() - timedelta(minutes=5), team=team, children=[child_details(name="Done Child")])
    for obligation in contact.obligations:
        work.withdraw_obligation(obligation, reason="test", by=user("manager"), now=now_utc())
    db.session.commit()
    sign_in(client, "manager")
    html = board(client)
    assert rows(html) == {}
    assert "No open work" in html


def _statements_for(client, url: str) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@freeze_time(NOW)
def test_the_board_reads_a_fixed_number_of_queries_however_many_rows(client, team):
    now = now_utc()
    sign_in(client, "manager")
    first = create_contact(now - timedelta(minutes=5), team=team)
    work.add_action(first, title="Visit", owner=user("worker"), due_at=now + timedelta(hours=1),
                    by=user("manager"), now=now)
    db.session.commit()
    with_one = _statements_for(client, "/board")
    workers = [create_user(roles=(Role.DUTY_WORKER,), team=team) for _ in range(5)]
    for n in range(30):
        contact = create_contact(now - timedelta(minutes=n), team=team,
                                 children=[child_details(name=f"Child {n}"), child_details(name=f"Sibling {n}")])
        work.add_action(contact, title="Visit", owner=workers[n % 5], due_at=now + timedelta(hours=n + 1),
                        by=user("manager"), now=now, child=contact.children[1])
    db.session.commit()
    with_many = _statements_for(client, "/board")
    assert with_many == with_one
    assert _statements_for(client, "/board/live") <= with_one


def test_the_board_reads_open_work_through_its_partial_index_not_the_history(app, team):
    from dutydesk.board.queries import _open_work  # the statement the board runs

    captured = []
    team_id = team.id

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        _open_work(team_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    else:  # on an almost empty table PostgreSQL would rightly scan it: ask whether the index serves
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    details = " ".join(str(row[-1]) for row in plan)
    # a partial index holds open work only: the board's own, or timeliness's open clocks (both WHERE
    # met_at IS NULL); whichever the planner takes, history is never read
    assert "ix_obligations_open_" in details or "ix_obligations_clocks_open" in details, details
    assert "SCAN obligations" not in details and "Seq Scan on obligations" not in details, details


@freeze_time(NOW)
def test_the_live_part_is_a_fragment_that_asks_to_be_fetched_again_within_15_seconds(client, team):
    create_contact(now_utc() - timedelta(minutes=5), team=team, children=[child_details(name="Leo Martin")])
    db.session.commit()
    sign_in(client, "manager")
    page = board(client)
    assert 'aria-live="polite"' in page and 'id="board-announcer"' in page
    live = client.get(f"/board/live?team={team.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert live.lstrip().startswith("<div id=\"board-live\"") and "<html" not in live
    seconds = int(re.search(r'hx-trigger="every (\d+)s"', live).group(1))
    assert seconds <= 15
    assert "Leo Martin" in live
    assert re.search(r'data-summary="\d+ open: \d+ overdue, \d+ due soon(; \d+ escalated and not yet acknowledged)?"', live)
    # every link in the swapped part has an id, so htmx can put the focus back after a swap
    assert all('id="' in link for link in re.findall(r"<a [^>]+>", live))


def test_refreshing_does_not_keep_an_idle_manager_signed_in(client, team):
    with freeze_time(NOW) as clock:
        sign_in(client, "manager")
        for _ in range(3):
            clock.tick(10 * 60)
            assert client.get("/board/live", headers={"HX-Request": "true"}).status_code == 200
        clock.tick(60)  # 31 minutes since the manager last did anything, refreshed all along
        expired = client.get("/board/live", headers={"HX-Request": "true",
                                                    "HX-Current-URL": "http://localhost/board?team=1"})
        assert expired.status_code == 204
        assert expired.headers["HX-Redirect"] == "/login?next=/board?team%3D1"


def test_the_board_needs_a_duty_or_senior_role(client, team):
    create_user("handler", (Role.CALL_HANDLER,), None)
    db.session.commit()
    sign_in(client, "handler")
    assert client.get("/board").status_code == 403
    assert client.get("/board/live").status_code == 403
