"""Who could have seen this child, and when: every list that shows a child is logged (pages.py)."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk import rules
from dutydesk.absences import operations as absences
from dutydesk.cases import operations as cases
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import InboxChannel, RecordView, Role, ScreeningOutcome, TeamKind, User
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user, sign_in

NOW = "2026-11-23 12:00:00"  # a Monday, GMT


@pytest.fixture
def north():
    duty = create_team("Duty North")
    create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty.manager = create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Maya Patel")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    db.session.commit()
    return duty


def person(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def list_views(username: str) -> list[tuple[int | None, int | None, str]]:
    """(call, post, page) of each list view logged for the person, oldest first."""
    db.session.rollback()
    return [(view.contact_id, view.inbox_item_id, view.path) for view in db.session.scalars(
        select(RecordView).where(RecordView.user_id == person(username).id, RecordView.is_list.is_(True))
        .order_by(RecordView.id))]


def signed_in(app, username: str):
    client = app.test_client()
    sign_in(client, username)
    return client


def test_the_board_logs_each_child_when_they_appear_and_again_only_after_a_while(app, north):
    with freeze_time(NOW) as clock:
        first = create_contact(at(NOW) - timedelta(minutes=5), team=north)
        db.session.commit()
        manager = signed_in(app, "manager")
        assert manager.get("/board").status_code == 200
        assert list_views("manager") == [(first.id, None, "/board")]
        for _ in range(3):  # the page refreshes itself: nothing new to log
            clock.tick(timedelta(seconds=15))
            assert manager.get(f"/board/live?team={north.id}").status_code == 200
        assert len(list_views("manager")) == 1

        second = create_contact(at(NOW), team=north)
        db.session.commit()
        clock.tick(timedelta(seconds=15))
        manager.get(f"/board/live?team={north.id}")
        assert list_views("manager")[1:] == [(second.id, None, f"/board/live?team={north.id}")]

        clock.tick(rules.LIST_VIEW_LOGGED_EVERY)
        manager.get(f"/board/live?team={north.id}")
        assert sorted(view[0] for view in list_views("manager")[2:]) == [first.id, second.id]


def test_a_child_whose_record_was_just_opened_is_not_logged_again_by_a_list(app, north):
    with freeze_time(NOW):
        contact = create_contact(at(NOW) - timedelta(minutes=5), team=north)
        db.session.commit()
        manager = signed_in(app, "manager")
        assert manager.get(f"/calls/{contact.id}").status_code == 200
        manager.get("/board")
        views = db.session.scalars(select(RecordView).where(RecordView.contact_id == contact.id)).all()
        assert [(view.path, view.is_list) for view in views] == [(f"/calls/{contact.id}", False)]


@freeze_time(NOW)
def test_the_queue_my_work_the_unallocated_list_and_the_escalations_page_log_the_children_they_show(app, north):
    worker = person("worker")
    queued = create_contact(at(NOW) - timedelta(hours=2), team=north)  # its hand-offs are overdue
    owned = create_contact(at(NOW) - timedelta(minutes=5), team=north)
    work.add_action(owned, title="Visit", owner=worker, due_at=at(NOW) + timedelta(hours=2), by=worker, now=at(NOW))
    cases.record_screening_decision(owned, owned.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call", by=worker, now=at(NOW))
    letter = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender="School",
                                        summary="Attendance", received_at=at(NOW), by=worker, now=at(NOW))
    db.session.commit()
    sweep(at(NOW), send_email=False)

    client = signed_in(app, "worker")
    client.get("/queue")
    assert {view[0] for view in list_views("worker")} == {queued.id, owned.id}
    client = signed_in(app, "manager")
    client.get("/cases/unallocated")
    assert list_views("manager") == [(owned.id, None, "/cases/unallocated")]
    client.get("/escalations")
    assert (queued.id, None, "/escalations") in list_views("manager")

    # My work, a while later (the queue logged the same call a moment ago): the call and the post.
    with freeze_time(at(NOW) + rules.LIST_VIEW_LOGGED_EVERY + timedelta(seconds=1)):
        signed_in(app, "worker").get("/my-work")
    mine = [view for view in list_views("worker") if view[2] == "/my-work"]
    assert sorted(mine, key=repr) == sorted([(owned.id, None, "/my-work"), (None, letter.id, "/my-work")], key=repr)
