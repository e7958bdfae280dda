"""The reads behind "my work": open work only, soonest due first, in a fixed number of queries."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from dutydesk.absences import operations as absences
from dutydesk.extensions import db
from dutydesk.models import Role
from dutydesk.work import operations as work
from dutydesk.work import queries
from tests.factories import at, create_contact, create_team, create_user

NOW = at("2026-11-23 10:00")


@pytest.fixture
def worker():
    return create_user("worker", (Role.DUTY_WORKER,), create_team("Duty North"), display_name="Wes Adebayo")


def add(contact, owner, title, due_in, now=NOW):
    return work.add_action(contact, title=title, owner=owner, due_at=now + due_in, by=owner, now=now)


def test_open_work_is_the_workers_own_unmet_work_soonest_due_first(worker):
    other = create_user("other", (Role.DUTY_WORKER,), worker.team)
    contact = create_contact(NOW - timedelta(minutes=5), team=worker.team)
    later = add(contact, worker, "Later", timedelta(days=2))
    sooner = add(contact, worker, "Sooner", timedelta(hours=2))
    done = add(contact, worker, "Done", timedelta(hours=1))
    work.complete_action(done, by=worker, now=NOW)
    add(contact, other, "Theirs", timedelta(hours=1))
    assert queries.list_open_work(worker.id) == [sooner, later]


def test_open_work_is_read_through_the_partial_index_of_open_work(worker):
    statement, parameters = _sql_of(lambda: queries.list_open_work(worker.id))
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        else:  # on an almost empty table PostgreSQL would rightly scan it: ask whether the index serves
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan = " ".join(str(row[-1]) for row in rows)
    # open work only: the worker's partial index, or timeliness's open clocks (both WHERE met_at IS
    # NULL, which PostgreSQL may take on a near-empty table); never the history
    assert "ix_obligations_open_worker_id" in plan or "ix_obligations_clocks_open" in plan, plan
    assert "SCAN obligations" not in plan and "Seq Scan on obligations" not in plan, plan


def _sql_of(read) -> tuple[str, tuple]:
    """The one SQL statement (and its parameters) that a read sends to the database."""
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    db.session.flush()
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert len(sent) == 1, sent
    return sent[0]


def test_post_i_hold_is_read_through_the_partial_index_of_unactioned_post(worker):
    statement, parameters = _sql_of(lambda: queries.list_held_inbox_items(worker.id))
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan = " ".join(str(row[-1]) for row in rows)
    assert "ix_inbox_items_open_holder_id" in plan, plan


def test_the_team_manager_covers_an_absence_with_no_cover_or_a_cover_who_has_left(worker):
    manager = create_user("manager", (Role.DUTY_MANAGER,), worker.team)
    worker.team.manager = manager
    cover = create_user("cover", (Role.DUTY_WORKER,), worker.team)
    leaver = create_user("leaver", (Role.DUTY_WORKER,), worker.team)
    colleague = create_user("colleague", (Role.DUTY_WORKER,), worker.team)
    contact = create_contact(NOW - timedelta(minutes=5), team=worker.team)
    for absent in (worker, colleague):
        add(contact, absent, f"{absent.username}'s action", timedelta(days=1))
    absences.record_absence(worker, starts_at=NOW, ends_at=NOW + timedelta(days=1), cover=None, reason="",
                            by=manager, now=NOW)
    absences.record_absence(colleague, starts_at=NOW, ends_at=NOW + timedelta(days=1), cover=leaver, reason="",
                            by=manager, now=NOW)
    leaver.is_active = False
    absences.record_absence(cover, starts_at=NOW + timedelta(hours=1), ends_at=NOW + timedelta(days=1),
                            cover=manager, reason="", by=manager, now=NOW)
    covering = queries.list_covering(manager.id, NOW)
    assert [(c.absence.worker.username, [o.title for o in c.work]) for c in covering] == [
        ("worker", ["worker's action"]), ("colleague", ["colleague's action"])]
    assert queries.list_covering(leaver.id, NOW) == []
    assert [c.absence.worker.username for c in queries.list_covering(manager.id, NOW + timedelta(hours=1))] == [
        "worker", "colleague", "cover"]
