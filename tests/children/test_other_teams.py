"""R2.5, issue 11: when a call's child has open work in another team, both teams are told: the call
page (and the case page) says who holds what, and the other team's board lists the call."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import event, select

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.children.queries import is_shown_to_other_teams, list_calls_elsewhere, list_other_teams_work
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import RecordView, Role, ScreeningOutcome, TeamKind, User
from dutydesk.work import operations as work
from tests.factories import at, child_details, create_contact, create_team, create_user, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT: London time is UTC
NOW_AT = at(NOW)
HOME = "Flat 4, 12 Somerset Gardens, London N17 8JX"


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def world():
    """Anna: an open case in North, allocated to Wes; today's call about her (as "Ana", linked to her
    record) is South's. East is a team with nothing to do with her."""
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south, east = create_team("Duty North"), create_team("Duty South"), create_team("Duty East")
    create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Evans")
    create_user("sue", (Role.DUTY_MANAGER,), south, display_name="Sue Lam")
    create_user("erin", (Role.DUTY_MANAGER,), east, display_name="Erin Hale")
    first = open_case(north, "Anna Kouao", at("2026-06-01 10:00"))
    anna = first.children[0].child
    today = create_contact(NOW_AT - timedelta(hours=1), team=south, by=user("handler"),
                           children=[child_details(name="Ana Kouao", address=HOME, record=anna)])
    db.session.commit()
    return {"north": north, "south": south, "east": east, "anna": anna, "first": first, "today": today,
            "case": cases.get_referral(first.children[0])}


def open_case(team, name: str, received, *, allocate: bool = True, record=None):
    """A call about the child in `team`, accepted and referred (a case), allocated to its worker."""
    worker = user("worker") if team.name == "Duty North" else user("tom")
    manager = user("manager") if team.name == "Duty North" else user("sue")
    contact = create_contact(received, team=team, by=user("handler"),
                             children=[child_details(name=name, address=HOME, record=record)])
    calls.accept_handoff(contact, by=worker, now=received + timedelta(minutes=30))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=received + timedelta(hours=1))
    if allocate:
        cases.allocate_case(cases.get_referral(contact.children[0]), to=worker, by=manager,
                            now=received + timedelta(hours=2))
    return contact


def close_every_clock(contact, by):
    for obligation in contact.obligations:
        if obligation.met_at is None:
            work.withdraw_obligation(obligation, reason="test", by=by, now=NOW_AT - timedelta(days=30))


def words(element) -> str:
    """An element's text as read: a link or a time is followed by its punctuation, not a space."""
    return re.sub(r" ([,;.])", r"\1", " ".join(element.get_text(" ").split()))


def text_of(response) -> str:
    assert response.status_code == 200
    return words(BeautifulSoup(response.get_data(as_text=True), "html.parser"))


def statements_during(run) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


# The query --------------------------------------------------------------------------------------

def test_the_call_s_team_is_told_of_the_other_team_s_open_case_and_calls_with_clocks_running(world):
    anna, north, south = world["anna"], world["north"], world["south"]

    found = list_other_teams_work([(anna.id, south.id), (anna.id, north.id)])

    [seen_from_south] = found[(anna.id, south.id)]
    assert seen_from_south.team == north
    assert seen_from_south.referrals == [world["case"]]
    # the case's assessment is a clock of its call: the call is said once, as the case
    assert seen_from_south.contacts == [world["first"]] and seen_from_south.calls_without_case == []
    [seen_from_north] = found[(anna.id, north.id)]
    assert (seen_from_north.team, seen_from_north.contacts, seen_from_north.referrals) == (
        south, [world["today"]], [])


def test_the_call_s_own_team_is_not_another_team(world):
    anna, north = world["anna"], world["north"]
    later = create_contact(NOW_AT, team=north, by=user("handler"), children=[child_details(name="Anna", record=anna)])
    close_every_clock(world["today"], user("sue"))

    assert list_other_teams_work([(anna.id, north.id)]) == {(anna.id, north.id): []}
    assert later.children[0].child == anna


def test_a_case_ended_in_no_further_action_and_stopped_clocks_are_not_open_work(world):
    anna, first, south = world["anna"], world["first"], world["south"]
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Explained", by=user("worker"), now=NOW_AT - timedelta(days=30))

    assert all(work_.referrals == [] for work_ in list_other_teams_work([(anna.id, south.id)])[(anna.id, south.id)])

    close_every_clock(first, user("manager"))
    assert list_other_teams_work([(anna.id, south.id)]) == {(anna.id, south.id): []}


def test_a_record_merged_into_another_is_the_same_child_whichever_record_holds_the_work(world):
    north, south = world["north"], world["south"]
    # Victoria's two records: a North case on "Victoria Climbie", a South call on "Anna Kouao".
    victoria = open_case(north, "Victoria Climbie", at("2026-10-01 10:00")).children[0]
    call = create_contact(NOW_AT, team=south, by=user("handler"), children=[child_details(name="Anna Kouao")])
    anna = call.children[0].child
    assert list_other_teams_work([(anna.id, south.id)])[(anna.id, south.id)] == []

    victoria.child.merged_into = anna
    db.session.flush()
    [work_] = list_other_teams_work([(anna.id, south.id)])[(anna.id, south.id)]
    assert (work_.team, [r.child for r in work_.referrals]) == (north, [victoria])

    # the other way round: the call's record merged into the one holding the case
    victoria.child.merged_into = None
    db.session.flush()
    anna.merged_into = victoria.child
    db.session.flush()
    [work_] = list_other_teams_work([(anna.id, south.id)])[(anna.id, south.id)]
    assert work_.team == north
    assert [c.contact.reference for c in list_calls_elsewhere(north, NOW_AT)
            if c.contact_child.child_id == anna.id] == [call.reference]


def test_another_team_s_call_shows_while_its_clocks_run_and_for_14_days_after_it_was_received(world):
    north, south, anna = world["north"], world["south"], world["anna"]
    close_every_clock(world["today"], user("sue"))
    days = timedelta(days=rules.OTHER_TEAM_NOTICE_DAYS)
    on_the_day = create_contact(NOW_AT - days, team=south, by=user("handler"),
                                children=[child_details(name="Anna", record=anna)])
    a_second_before = create_contact(NOW_AT - days - timedelta(seconds=1), team=south, by=user("handler"),
                                     children=[child_details(name="Anna", record=anna)])
    old_but_running = create_contact(NOW_AT - timedelta(days=40), team=south, by=user("handler"),
                                     children=[child_details(name="Anna", record=anna)])
    close_every_clock(on_the_day, user("sue"))
    close_every_clock(a_second_before, user("sue"))

    shown = list_calls_elsewhere(north, NOW_AT)

    assert [(c.contact, c.has_open_clocks) for c in shown] == [
        (world["today"], False), (on_the_day, False), (old_but_running, True)]
    assert all(c.held.referrals == [world["case"]] for c in shown)
    assert [is_shown_to_other_teams(c.children[0], NOW_AT)
            for c in (world["today"], on_the_day, a_second_before, old_but_running)] == [True, True, False, True]


def test_an_unrelated_team_and_the_team_s_own_calls_are_not_listed(world):
    assert list_calls_elsewhere(world["east"], NOW_AT) == []
    # South holds a call with clocks running about Anna: North's call, its case's clock running, is news to South
    assert [c.contact for c in list_calls_elsewhere(world["south"], NOW_AT)] == [world["first"]]


def test_the_call_that_opened_a_case_transferred_in_is_not_news_to_the_team_now_holding_it(world):
    north, south = world["north"], world["south"]
    contact = open_case(south, "Leo Martin", NOW_AT - timedelta(days=2), allocate=False)
    referral = cases.get_referral(contact.children[0])
    transfer = cases.request_transfer(referral, to_team=north, reason="Moved", by=user("sue"),
                                      now=NOW_AT - timedelta(days=1))
    cases.accept_transfer(transfer, by=user("manager"), now=NOW_AT - timedelta(hours=2))
    db.session.commit()

    assert contact not in [c.contact for c in list_calls_elsewhere(north, NOW_AT)]
    assert not is_shown_to_other_teams(contact.children[0], NOW_AT)


def test_the_queries_are_a_fixed_number_however_many_children_and_calls(world):
    north, south = world["north"], world["south"]
    subjects = [(world["anna"].id, south.id)]
    one = statements_during(lambda: list_other_teams_work(subjects))
    board_one = statements_during(lambda: list_calls_elsewhere(north, NOW_AT))
    for n in range(8):
        child = open_case(north, f"Child {n}", at("2026-11-01 10:00") + timedelta(hours=n)).children[0].child
        create_contact(NOW_AT - timedelta(minutes=n), team=south, by=user("handler"),
                       children=[child_details(name=f"Child {n}", record=child)])
        subjects.append((child.id, south.id))
    db.session.commit()
    db.session.expire_all()

    assert statements_during(lambda: list_other_teams_work(subjects)) == one
    assert statements_during(lambda: list_calls_elsewhere(north, NOW_AT)) == board_one
    assert len(list_calls_elsewhere(north, NOW_AT)) == 9


# The pages --------------------------------------------------------------------------------------

@freeze_time(NOW)
def test_the_call_page_says_the_child_is_known_to_the_other_team_with_links(client, world):
    sign_in(client, "tom")
    response = client.get(f"/calls/{world['today'].id}")
    text = text_of(response)
    html = response.get_data(as_text=True)

    first, case = world["first"], world["case"]
    assert "Known to another team" in text and "Ana Kouao is known to Duty North" in text
    assert f"Duty North: open case from call {first.reference}, allocated to Wes Adebayo" in text
    assert "Both teams are told: this call shows on the board of Duty North." in text
    assert f'href="/cases/{case.id}"' in html
    # the banner is a region named by its own title, so that two children's banners do not clash
    soup = BeautifulSoup(html, "html.parser")
    banner = soup.find(id=f"other-teams-{world['today'].children[0].id}")
    assert banner["role"] == "region" and soup.find(id=banner["aria-labelledby"]).get_text(strip=True) == \
        "Known to another team"


@freeze_time(NOW)
def test_the_other_team_s_call_page_and_case_page_say_so_too(client, world):
    sign_in(client, "worker")
    today = world["today"]
    call_page = text_of(client.get(f"/calls/{world['first'].id}"))
    case_page = client.get(f"/cases/{world['case'].id}")

    expected = f"Duty South: call {today.reference}, received 09:00 on 23 Nov 2026, with clocks running"
    assert "Anna Kouao is known to Duty South" in call_page and expected in call_page
    # months old, clocks running only for North's own case: South's board lists it, so both are told
    assert "Both teams are told" in call_page
    assert expected in text_of(case_page)
    assert f'href="/calls/{today.id}"' in case_page.get_data(as_text=True)


@freeze_time(NOW)
def test_no_notice_when_no_other_team_holds_work(client, world):
    close_every_clock(world["today"], user("sue"))
    db.session.commit()
    sign_in(client, "worker")
    assert "Known to another team" not in text_of(client.get(f"/calls/{world['first'].id}"))
    east_call = create_contact(NOW_AT, team=world["east"], by=user("handler"), children=[child_details(name="Zed")])
    db.session.commit()
    assert "Known to another team" not in text_of(client.get(f"/calls/{east_call.id}"))


@freeze_time(NOW)
def test_a_call_handler_sees_the_other_team_and_the_case_but_no_link_to_a_case_page_they_cannot_open(client, world):
    sign_in(client, "handler")
    response = client.get(f"/calls/{world['today'].id}")
    assert "Ana Kouao is known to Duty North" in text_of(response)
    assert f'href="/cases/{world["case"].id}"' not in response.get_data(as_text=True)
    assert client.get(f"/cases/{world['case'].id}").status_code == 403


def elsewhere_rows(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find(id="elsewhere")
    if table is None:
        return []
    return [words(row) for row in table.find("tbody").find_all("tr")]


@freeze_time(NOW)
def test_the_other_team_s_board_lists_the_call_with_what_the_team_holds_and_logs_it(client, world):
    sign_in(client, "manager")
    html = client.get("/board").get_data(as_text=True)

    today, first = world["today"], world["first"]
    assert "Your children in other teams' calls" in html
    assert elsewhere_rows(html) == [
        f"Ana Kouao : call {today.reference} Call {today.reference}, received 09:00 23 Nov; clocks running "
        f"Duty South Case from call {first.reference}, allocated to Wes Adebayo"]
    assert f'href="/calls/{today.id}"' in html and f'href="/cases/{world["case"].id}"' in html
    logged = db.session.execute(select(RecordView.contact_id, RecordView.is_list)
                                .where(RecordView.user_id == user("manager").id)).all()
    assert (today.id, True) in logged and (first.id, True) in logged
    # the refreshed part carries it too, every link with an id, and the summary says so
    live = client.get("/board/live", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert len(elsewhere_rows(live)) == 1
    assert all('id="' in link for link in re.findall(r"<a [^>]+>", live))
    assert "; 1 in other teams&#39; calls" in live or "; 1 in other teams' calls" in live


@freeze_time(NOW)
def test_an_unrelated_team_s_board_does_not_list_it(client, world):
    sign_in(client, "erin")
    html = client.get("/board").get_data(as_text=True)
    assert "Your children in other teams' calls" not in html and "Ana Kouao" not in html
    assert world["today"].reference not in html


@freeze_time(NOW)
def test_the_calling_team_s_board_shows_the_row_also_known_to_the_other_team_and_no_more(client, world):
    sign_in(client, "tom")
    html = client.get("/board").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    row = soup.find("tr", attrs={"data-row": f"{world['today'].id}-{world['today'].children[0].id}"})
    assert " ".join(row.find(attrs={"data-known-to": True}).get_text().split()) == "Also known to Duty North"
    # South sees the team and the call's reference, which their role may already see; not North's worker
    assert "Wes Adebayo" not in html
    assert elsewhere_rows(html) == [
        f"Anna Kouao : call {world['first'].reference} Call {world['first'].reference}, received 11:00 1 Jun; "
        f"clocks running Duty North Call {world['today'].reference}, clocks running"]


@freeze_time(NOW)
def test_the_board_reads_a_fixed_number_of_queries_however_many_calls_in_other_teams(client, world):
    north, south = world["north"], world["south"]
    sign_in(client, "manager")
    pages = []
    count_one = statements_during(lambda: pages.append(client.get("/board")))  # each logs what it shows
    for n in range(6):
        child = open_case(north, f"Child {n}", at("2026-11-01 10:00") + timedelta(hours=n)).children[0].child
        create_contact(NOW_AT - timedelta(minutes=n), team=south, by=user("handler"),
                       children=[child_details(name=f"Child {n}", record=child)])
    db.session.commit()
    count_many = statements_during(lambda: pages.append(client.get("/board")))
    assert [len(elsewhere_rows(page.get_data(as_text=True))) for page in pages] == [1, 7]
    assert count_many == count_one


def test_the_board_finds_the_team_s_calls_with_clocks_running_through_the_open_work_not_the_history(world):
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        list_calls_elsewhere(world["north"], NOW_AT)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = next((s, p) for s, p in captured if "JOIN obligations" in s)
    assert "obligations.team_id = " in statement
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    else:  # on an almost empty table PostgreSQL would rightly scan it: ask whether the index serves
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    details = " ".join(str(row[-1]) for row in plan)
    # Through an index of open clocks only (the board's, or timeliness's open-clock index): the
    # size of the open work, however much history the table holds.
    assert "ix_obligations_open_" in details or "ix_obligations_clocks_open" in details, details
    assert "SCAN contacts" not in details and "Seq Scan on contacts" not in details, details
