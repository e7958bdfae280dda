"""R50: an absent worker's new work and post go to their cover (or their manager); recording
absences; and an absent worker's post escalating to the manager after 4 working hours."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dutydesk.access import AccessRefused
from dutydesk.absences.operations import action_inbox_item, end_absence, record_absence, record_inbox_item
from dutydesk.errors import DomainError
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Absence, Escalation, InboxChannel, InboxItem, Role, TeamKind, User
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user

WARNING, MANAGER, SENIOR = EscalationLevel.WARNING, EscalationLevel.MANAGER, EscalationLevel.SENIOR
SECOND = timedelta(seconds=1)
#: Wes is off sick from 09:00 on Monday 23 November to 17:00 on Wednesday 25th (GMT).
AWAY_FROM, AWAY_TO = at("2026-11-23 09:00"), at("2026-11-25 17:00")
RECORDED = at("2026-11-23 08:30")


@dataclass
class Team:
    manager: User  # Mo, Duty North's duty manager
    worker: User  # Wes, a duty worker
    cover: User  # Cora, who covers for Wes
    other: User  # Oli, another duty worker
    handler: User  # Hannah, a call handler, who logs the post
    senior: User


@pytest.fixture
def north() -> Team:
    duty = create_team("Duty North")
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    team = Team(
        manager=create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman"),
        worker=create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo"),
        cover=create_user("cover", (Role.DUTY_WORKER,), duty, display_name="Cora Lind"),
        other=create_user("other", (Role.DUTY_WORKER,), duty, display_name="Oli Berg"),
        handler=create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole"),
        senior=create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid"),
    )
    duty.manager = team.manager
    db.session.commit()
    return team


def away(team: Team, worker: User | None = None, *, cover: User | None = None, starts_at=AWAY_FROM,
         ends_at=AWAY_TO, now=RECORDED):
    return record_absence(worker or team.worker, starts_at=starts_at, ends_at=ends_at, cover=cover,
                          reason="Sick", by=team.manager, now=now)


def new_action(team: Team, now, owner: User | None = None):
    """An action for Wes (or another owner) added to a call received a few hours before `now`."""
    contact = create_contact(now - timedelta(hours=3), team=team.manager.team, now=now - timedelta(hours=3))
    return work.add_action(contact, title="Ring the school back", owner=owner or team.worker,
                           due_at=now + timedelta(days=1), by=team.manager, now=now)


def new_post(team: Team, now, addressed_to: User | None = None) -> InboxItem:
    return record_inbox_item(addressed_to or team.worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                             summary="Attendance letter for Leo", received_at=now, by=team.handler, now=now)


def test_a_new_action_for_an_absent_worker_goes_to_their_cover(north):
    away(north, cover=north.cover)

    action = new_action(north, at("2026-11-24 12:00"))

    assert action.worker == north.cover
    assert action.details["meant_for"] == "Wes Adebayo"


def test_post_for_an_absent_worker_goes_to_their_cover(north):
    away(north, cover=north.cover)

    item = new_post(north, at("2026-11-24 12:00"))

    assert (item.addressed_to, item.holder, item.team) == (north.worker, north.cover, north.worker.team)


def test_with_no_cover_an_absent_workers_new_work_and_post_go_to_the_team_manager(north):
    away(north)

    assert new_action(north, at("2026-11-24 12:00")).worker == north.manager
    assert new_post(north, at("2026-11-24 12:00")).holder == north.manager


def test_when_the_cover_is_away_too_new_work_goes_to_the_team_manager(north):
    away(north, cover=north.cover)
    away(north, north.cover)

    assert new_action(north, at("2026-11-24 12:00")).worker == north.manager


def test_when_the_cover_has_left_new_work_goes_to_the_team_manager(north):
    away(north, cover=north.cover)
    north.cover.is_active = False

    assert new_post(north, at("2026-11-24 12:00")).holder == north.manager


@pytest.mark.parametrize(("moment", "goes_to"), [
    (AWAY_FROM - SECOND, "worker"),
    (AWAY_FROM, "cover"),
    (AWAY_TO - SECOND, "cover"),
    (AWAY_TO, "worker"),
], ids=["a second before it starts", "as it starts", "a second before it ends", "as it ends"])
def test_new_work_goes_to_the_cover_only_while_the_absence_lasts(north, moment, goes_to):
    away(north, cover=north.cover)

    assert new_action(north, moment).worker == getattr(north, goes_to)
    assert new_post(north, moment).holder == getattr(north, goes_to)


def test_once_an_absence_is_ended_early_new_work_goes_to_the_worker_again(north):
    absence = away(north, cover=north.cover)
    end_absence(absence, by=north.manager, now=at("2026-11-24 08:00"))

    assert absence.ends_at == at("2026-11-24 08:00")
    assert new_action(north, at("2026-11-24 08:00")).worker == north.worker
    assert new_post(north, at("2026-11-24 12:00")).holder == north.worker
    action = new_action(north, at("2026-11-24 07:59:59"))
    assert action.worker == north.cover


def test_work_for_someone_present_stays_theirs(north):
    away(north, cover=north.cover)

    assert new_action(north, at("2026-11-24 12:00"), owner=north.other).worker == north.other
    assert new_post(north, at("2026-11-24 12:00"), addressed_to=north.other).holder == north.other


# Recording an absence: what is refused, and why.

def refused(team: Team, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        away(team, **kwargs)
    return error.value


def test_an_absence_must_end_after_it_starts(north):
    assert refused(north, starts_at=AWAY_FROM, ends_at=AWAY_FROM - SECOND).message == \
        "The absence must end after it starts"
    assert refused(north, starts_at=AWAY_FROM, ends_at=AWAY_FROM).message == "The absence must end after it starts"


def test_an_absence_that_has_already_ended_is_refused(north):
    error = refused(north, starts_at=at("2026-11-20 09:00"), ends_at=at("2026-11-20 17:00"))
    assert "already ended" in error.message


def test_an_absence_overlapping_another_of_the_same_worker_is_refused(north):
    away(north, cover=north.cover)

    error = refused(north, starts_at=at("2026-11-25 09:00"), ends_at=at("2026-11-27 17:00"))
    assert error.message == ("Wes Adebayo is already recorded as away from 09:00 on 23 November 2026 to "
                             "17:00 on 25 November 2026: end that absence first or choose other dates")
    # Straight after it is not overlapping, nor is someone else's absence at the same time.
    away(north, starts_at=AWAY_TO, ends_at=at("2026-11-27 17:00"))
    away(north, north.other)
    assert db.session.scalar(select(func.count(Absence.id))) == 3


def test_an_absence_withdrawn_before_it_started_does_not_block_another(north):
    withdrawn = away(north, starts_at=at("2026-11-24 09:00"), ends_at=at("2026-11-24 17:00"))
    end_absence(withdrawn, by=north.manager, now=RECORDED)
    assert withdrawn.ends_at == withdrawn.starts_at  # it never started

    absence = away(north, cover=north.cover)  # the whole of Monday to Wednesday instead

    assert absence.cover == north.cover
    assert new_post(north, at("2026-11-24 12:00")).holder == north.cover


def test_a_worker_cannot_cover_for_themselves(north):
    error = refused(north, cover=north.worker)
    assert error.message.startswith("Wes Adebayo cannot cover for themselves")


@pytest.mark.parametrize("who", ["handler", "leaver"])
def test_the_cover_must_be_an_active_duty_worker_or_manager(north, who):
    cover = north.handler
    if who == "leaver":
        cover = north.other
        cover.is_active = False
    error = refused(north, cover=cover)
    assert error.message == f"{cover.display_name} cannot take duty work: choose an active duty worker or manager"


def test_a_cover_away_at_any_time_during_the_absence_is_refused_saying_when_and_who_is_in(north):
    away(north, north.cover, starts_at=at("2026-11-25 09:00"), ends_at=at("2026-11-28 00:00"))

    error = refused(north, cover=north.cover)  # Wes is away from the 23rd to 17:00 on the 25th

    assert error.field == "cover_id"
    assert error.message == (
        "Cora Lind is away from 09:00 on 25 Nov 2026 to the end of 27 Nov 2026, during this absence: choose "
        "someone who is in then, such as Oli Berg, or leave cover empty for Wes Adebayo's team manager to take "
        "their work")
    assert db.session.scalar(select(func.count(Absence.id))) == 1


def test_two_people_cannot_be_recorded_away_covering_each_other(north):
    away(north, cover=north.cover)

    error = refused(north, worker=north.cover, cover=north.worker)

    assert error.message.startswith("Wes Adebayo is away from 09:00 on 23 Nov 2026 to 17:00 on 25 Nov 2026, "
                                    "during this absence: choose someone who is in then, such as Oli Berg, or")
    assert db.session.scalar(select(func.count(Absence.id))) == 1
    assert new_action(north, at("2026-11-24 12:00")).worker == north.cover


def test_a_cover_away_only_before_or_after_the_absence_or_with_that_absence_withdrawn_may_cover(north):
    away(north, north.cover, starts_at=at("2026-11-20 09:00"), ends_at=AWAY_FROM, now=at("2026-11-20 08:00"))
    away(north, north.cover, starts_at=AWAY_TO, ends_at=at("2026-11-27 17:00"))
    withdrawn = away(north, north.other, starts_at=at("2026-11-24 09:00"), ends_at=at("2026-11-24 17:00"))
    end_absence(withdrawn, by=north.manager, now=RECORDED)

    assert away(north, cover=north.cover).cover == north.cover
    assert away(north, north.manager, cover=north.other).cover == north.other


def test_someone_named_as_cover_may_be_recorded_away_and_the_work_passes_on_while_they_are(north):
    away(north, cover=north.cover)  # Wes, Monday 09:00 to Wednesday 17:00, Cora covering
    away(north, north.cover, starts_at=at("2026-11-24 09:00"), ends_at=at("2026-11-24 17:00"), cover=north.other)
    away(north, north.other, starts_at=at("2026-11-24 13:00"), ends_at=at("2026-11-24 15:00"))

    assert new_action(north, at("2026-11-23 12:00")).worker == north.cover
    assert new_action(north, at("2026-11-24 10:00")).worker == north.other  # Cora away: her own cover
    assert new_action(north, at("2026-11-24 14:00")).worker == north.manager  # Oli away too: the manager
    assert new_post(north, at("2026-11-24 14:00")).holder == north.manager
    assert new_action(north, at("2026-11-25 12:00")).worker == north.cover


def test_a_leaver_has_no_absence_to_record(north):
    north.worker.is_active = False
    assert "has left" in refused(north).message


# R50: an absent worker's post escalates to the manager after 4 working hours.

def steps(item: InboxItem) -> list[tuple]:
    return [(e.level, e.recipient.username if e.recipient else None, e.due_at)
            for e in db.session.scalars(db.select(Escalation).where(Escalation.inbox_item_id == item.id)
                                        .order_by(Escalation.id))]


def london(text: str):
    return at(text, "Europe/London")


def test_post_received_on_friday_afternoon_escalates_to_the_manager_at_eleven_on_monday(north):
    # June: British Summer Time, so London runs an hour ahead of UTC.
    away(north, cover=north.cover, starts_at=london("2026-06-12 09:00"), ends_at=london("2026-06-19 17:00"),
         now=london("2026-06-12 08:00"))
    received = london("2026-06-12 15:00")  # Friday: 2 working hours left today, 2 on Monday
    item = new_post(north, received)
    db.session.commit()
    assert item.due_at == london("2026-06-15 11:00") == at("2026-06-15 10:00")

    for quiet in ("2026-06-12 16:59:59", "2026-06-13 12:00", "2026-06-14 23:59", "2026-06-15 09:59:59"):
        assert sweep(london(quiet)).total == 0, quiet
    sweep(london("2026-06-15 10:00"))  # an hour before it is due, Cora (who holds it) is warned
    assert steps(item) == [(WARNING, "cover", london("2026-06-15 10:00"))]

    sweep(london("2026-06-15 10:59:59"))
    assert steps(item) == [(WARNING, "cover", london("2026-06-15 10:00"))]
    sweep(london("2026-06-15 11:00"))
    assert steps(item)[1:] == [(MANAGER, "manager", london("2026-06-15 11:00"))]
    issued = db.session.scalar(db.select(Escalation.issued_at).where(Escalation.level == MANAGER))
    assert issued == london("2026-06-15 11:00")

    sweep(london("2026-06-15 14:59:59"))
    assert len(steps(item)) == 2
    sweep(london("2026-06-15 15:00"))
    assert steps(item)[2:] == [(SENIOR, None, london("2026-06-15 15:00"))]


def test_the_inbox_clock_skips_the_august_bank_holiday(north):
    away(north, starts_at=london("2026-08-28 09:00"), ends_at=london("2026-09-04 17:00"),
         now=london("2026-08-28 08:00"))
    item = new_post(north, london("2026-08-28 15:00"))  # Friday; Monday 31 August is a bank holiday
    db.session.commit()
    assert item.due_at == london("2026-09-01 11:00")

    assert sweep(london("2026-08-31 11:00")).total == 0
    sweep(london("2026-09-01 10:59:59"))
    assert steps(item) == [(WARNING, "manager", london("2026-09-01 10:00"))]  # no cover: Mo holds it
    sweep(london("2026-09-01 11:00"))
    # Mo holds it himself, so the step past the deadline goes over his head to the senior managers.
    assert steps(item)[1:] == [(MANAGER, None, london("2026-09-01 11:00"))]


def test_post_arriving_before_the_office_opens_starts_its_clock_at_nine(north):
    item = new_post(north, london("2026-11-23 07:15"))
    assert item.due_at == london("2026-11-23 13:00")


def test_the_cover_actioning_the_post_stops_its_ladder(north):
    away(north, cover=north.cover)
    item = new_post(north, at("2026-11-23 10:00"))  # due at 14:00
    db.session.commit()
    sweep(at("2026-11-23 13:00"))

    action_inbox_item(item, note="Rang the school: attendance is fine", by=north.cover, now=at("2026-11-23 13:30"))
    db.session.commit()
    sweep(at("2026-11-24 12:00"))

    assert (item.actioned_by, item.actioned_at) == (north.cover, at("2026-11-23 13:30"))
    assert [level for level, *_ in steps(item)] == [WARNING]


def test_someone_neither_holding_the_post_nor_standing_in_cannot_action_it(north):
    away(north, cover=north.cover)
    item = new_post(north, at("2026-11-23 10:00"))

    with pytest.raises(AccessRefused, match=r"Only the managers of Duty North, Cora Lind or Wes Adebayo \(whose work"):
        action_inbox_item(item, note="Done", by=north.other, now=at("2026-11-23 11:00"))
    assert item.actioned_at is None
