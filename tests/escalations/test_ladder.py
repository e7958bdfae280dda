"""Each step of the escalation ladder at its boundary, to whom it goes, and what stops it."""

from collections import Counter
from datetime import timedelta

import pytest

from dutydesk.absences.operations import end_absence, record_absence
from dutydesk.contacts import operations as calls
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Escalation, ObligationKind, Role
from dutydesk.rules import LADDERS, EscalationLevel
from dutydesk.work import operations as work
from sqlalchemy import select

from tests.factories import at, create_contact, create_team, create_user, obligation_of

from .conftest import RECEIVED, add_action, call, escalations, quiet_call, steps

K = ObligationKind
WARNING, MANAGER, SENIOR = EscalationLevel.WARNING, EscalationLevel.MANAGER, EscalationLevel.SENIOR
SECOND = timedelta(seconds=1)


def test_every_kind_of_obligation_and_the_inbox_item_has_a_ladder_that_climbs_in_order():
    assert set(LADDERS) == {kind.value for kind in ObligationKind} | {"inbox_item"}
    due = RECEIVED + timedelta(days=60)
    for name, ladder in LADDERS.items():
        assert ladder.step_at(WARNING, due) < ladder.step_at(MANAGER, due) == due < ladder.step_at(SENIOR, due), name


def test_a_handoff_warns_its_owner_at_a_quarter_to_then_tells_the_duty_manager_then_the_senior_managers(front):
    contact = call(front)  # received 10:00: both hand-offs due 11:00
    verbal = obligation_of(contact, K.VERBAL_HANDOFF)  # Hannah's, in the contact centre
    written = obligation_of(contact, K.WRITTEN_HANDOFF)  # Duty North's, no one named yet
    db.session.commit()

    assert sweep(at("2026-11-23 10:44:59")).total == 0
    assert escalations() == []

    report = sweep(at("2026-11-23 10:45:00"))
    assert report.issued == Counter({WARNING: 2})
    warned = at("2026-11-23 10:45")
    assert steps(verbal) == [(WARNING, "handler", warned, warned)]
    # Nobody owns the written hand-off until a duty worker accepts it: the team's manager is warned.
    assert steps(written) == [(WARNING, "manager", warned, warned)]
    assert (verbal.escalation_level, verbal.escalates_at) == (MANAGER, at("2026-11-23 11:00"))

    assert sweep(at("2026-11-23 10:59:59")).total == 0
    report = sweep(at("2026-11-23 11:00:00"))
    assert report.issued == Counter({MANAGER: 2})
    due = at("2026-11-23 11:00")
    # Level 1 goes to the duty manager of the team whose work it is.
    assert steps(verbal)[1:] == [(MANAGER, "centre", due, due)]
    assert steps(written)[1:] == [(MANAGER, "manager", due, due)]
    assert (written.escalation_level, written.escalates_at) == (SENIOR, at("2026-11-23 11:30"))

    assert sweep(at("2026-11-23 11:29:59")).total == 0
    report = sweep(at("2026-11-23 11:30:00"))
    assert report.issued == Counter({SENIOR: 2})
    senior = at("2026-11-23 11:30")
    # Level 2 is addressed to no one: every senior manager sees it.
    assert steps(verbal)[2:] == [(SENIOR, None, senior, senior)]
    assert steps(written)[2:] == [(SENIOR, None, senior, senior)]
    assert (written.escalation_level, written.escalates_at) == (None, None)

    assert sweep(at("2026-11-24 09:00")).issued[SENIOR] == 0  # the top of the ladder: nothing more
    assert len(escalations(obligation=verbal)) == len(escalations(obligation=written)) == 3


def test_a_second_sweep_at_the_same_moment_issues_nothing(front):
    contact = call(front)
    db.session.commit()
    assert sweep(at("2026-11-23 11:00")).total == 4  # both hand-offs: the warning and level 1
    assert sweep(at("2026-11-23 11:00")).total == 0
    assert len(escalations()) == 4
    assert {e.obligation.contact_id for e in escalations()} == {contact.id}


@pytest.mark.parametrize("kind", list(ObligationKind), ids=lambda kind: kind.value)
def test_every_kind_of_obligation_climbs_its_own_ladder_each_step_at_its_second(front, kind):
    ladder = LADDERS[kind.value]
    contact = quiet_call(front)
    due = RECEIVED + timedelta(days=10)
    obligation = work.open_obligation(kind, contact=contact, team=front.duty, worker=front.worker,
                                      due_at=due, now=RECEIVED)
    db.session.commit()

    taken = []
    for level, told in ((WARNING, "worker"), (MANAGER, "manager"), (SENIOR, None)):
        moment = ladder.step_at(level, due)
        sweep(moment - SECOND)
        assert steps(obligation) == taken, f"{level.name} issued before {moment}"
        sweep(moment)
        taken.append((level, told, moment, moment))
        assert steps(obligation) == taken
    assert (obligation.escalation_level, obligation.escalates_at) == (None, None)


def test_accepting_the_handoff_after_its_warning_stops_its_ladder(front):
    contact = call(front)
    db.session.commit()
    sweep(at("2026-11-23 10:45"))
    calls.accept_handoff(contact, by=front.worker, now=at("2026-11-23 10:50"))
    db.session.commit()

    sweep(at("2026-11-23 12:00"))
    assert [level for level, *_ in steps(obligation_of(contact, K.WRITTEN_HANDOFF))] == [WARNING]
    # The verbal hand-off was not recorded: it climbed on to the top.
    assert [level for level, *_ in steps(obligation_of(contact, K.VERBAL_HANDOFF))] == [WARNING, MANAGER, SENIOR]


def test_recording_the_verbal_handoff_late_stops_its_ladder_before_the_senior_managers(front):
    contact = call(front)
    db.session.commit()
    sweep(at("2026-11-23 11:00"))
    calls.record_verbal_handoff(contact, to=front.worker, at=at("2026-11-23 11:10"), by=front.handler,
                                now=at("2026-11-23 11:10"))
    db.session.commit()

    sweep(at("2026-11-23 12:00"))
    assert [level for level, *_ in steps(obligation_of(contact, K.VERBAL_HANDOFF))] == [WARNING, MANAGER]
    assert not escalations(obligation=obligation_of(contact, K.VERBAL_HANDOFF), level=SENIOR)


def test_an_action_done_before_its_warning_never_escalates(front):
    contact = quiet_call(front)
    action = add_action(front, contact, due_at=at("2026-11-23 12:00"))
    db.session.commit()
    work.complete_action(action, by=front.worker, now=at("2026-11-23 10:59:59"))
    db.session.commit()

    sweep(at("2026-11-23 23:00"))
    assert steps(action) == []


def test_a_call_logged_after_its_handoffs_were_due_skips_the_warning(front):
    logged = at("2026-11-23 11:10")  # received at 10:00, written up 70 minutes later
    contact = call(front, RECEIVED, now=logged)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    assert (written.escalation_level, written.escalates_at) == (MANAGER, at("2026-11-23 11:00"))
    db.session.commit()

    sweep(logged)
    due = at("2026-11-23 11:00")
    assert steps(written) == [(MANAGER, "manager", due, logged)]
    assert steps(obligation_of(contact, K.VERBAL_HANDOFF)) == [(MANAGER, "centre", due, logged)]
    sweep(at("2026-11-23 11:30"))
    assert [level for level, *_ in steps(written)] == [MANAGER, SENIOR]


def test_a_call_logged_a_second_before_its_handoffs_are_due_is_still_warned(front):
    logged = at("2026-11-23 10:59:59")
    contact = call(front, RECEIVED, now=logged)
    db.session.commit()
    sweep(logged)
    # The warning fell due at 10:45, before anyone knew of the call: it is issued at once.
    assert steps(obligation_of(contact, K.WRITTEN_HANDOFF)) == [(WARNING, "manager", at("2026-11-23 10:45"), logged)]


def away(front, who, *, cover=None, starts_at=at("2026-11-23 10:30"), ends_at=at("2026-11-23 17:00")):
    """Record that someone is away from 10:30 (after the morning's work was opened)."""
    absence = record_absence(who, starts_at=starts_at, ends_at=ends_at, cover=cover, reason="Sick",
                             by=front.senior, now=starts_at)
    db.session.commit()
    return absence


def test_an_absent_owners_warning_goes_to_their_cover(front):
    contact = quiet_call(front)
    action = add_action(front, contact, due_at=at("2026-11-23 12:00"))  # Wes's, warned at 11:00
    away(front, front.worker, cover=front.colleague)

    sweep(at("2026-11-23 11:00"))
    assert steps(action) == [(WARNING, "colleague", at("2026-11-23 11:00"), at("2026-11-23 11:00"))]
    assert action.worker == front.worker  # still his: the cover is told, the work is not moved
    sweep(at("2026-11-23 12:00"))
    assert steps(action)[1][:2] == (MANAGER, "manager")


def test_an_absent_owners_warning_goes_to_the_manager_when_there_is_no_cover(front):
    contact = quiet_call(front)
    action = add_action(front, contact, due_at=at("2026-11-23 12:00"))
    away(front, front.worker)

    sweep(at("2026-11-23 11:00"))
    assert [told for _, told, *_ in steps(action)] == ["manager"]


def test_an_absent_owners_warning_goes_to_the_manager_when_the_cover_is_away_too(front):
    contact = quiet_call(front)
    action = add_action(front, contact, due_at=at("2026-11-23 12:00"))
    away(front, front.worker, cover=front.colleague)
    away(front, front.colleague)

    sweep(at("2026-11-23 11:00"))
    assert [told for _, told, *_ in steps(action)] == ["manager"]


def test_the_owner_is_warned_again_once_their_absence_has_ended(front):
    contact = quiet_call(front)
    action = add_action(front, contact, due_at=at("2026-11-23 12:00"))
    absence = away(front, front.worker, cover=front.colleague)
    end_absence(absence, by=front.manager, now=at("2026-11-23 10:40"))
    db.session.commit()

    sweep(at("2026-11-23 11:00"))
    assert [told for _, told, *_ in steps(action)] == ["worker"]


def test_an_absent_managers_level_one_goes_to_the_managers_cover(front):
    contact = call(front)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    away(front, front.manager, cover=front.deputy)

    sweep(at("2026-11-23 11:00"))
    due, warned = at("2026-11-23 11:00"), at("2026-11-23 10:45")
    assert steps(written) == [(WARNING, "deputy", warned, due), (MANAGER, "deputy", due, due)]
    # The contact centre's manager is not away: the verbal hand-off's level 1 still goes to him.
    assert steps(obligation_of(contact, K.VERBAL_HANDOFF))[1][:2] == (MANAGER, "centre")


def test_an_absent_managers_level_one_goes_to_the_senior_managers_when_there_is_no_cover(front):
    contact = call(front)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    away(front, front.manager)

    sweep(at("2026-11-23 11:00"))
    assert [(level, told) for level, told, *_ in steps(written)] == [(WARNING, None), (MANAGER, None)]


def test_the_manager_is_told_again_after_their_absence(front):
    contact = call(front)
    written = obligation_of(contact, K.WRITTEN_HANDOFF)
    away(front, front.manager, cover=front.deputy, ends_at=at("2026-11-23 10:59:59"))

    sweep(at("2026-11-23 10:45"))
    sweep(at("2026-11-23 11:00"))
    assert [(level, told) for level, told, *_ in steps(written)] == [(WARNING, "deputy"), (MANAGER, "manager")]


def test_a_managers_own_overdue_work_goes_over_their_head_to_the_senior_managers():
    north = create_team("Duty North")
    manager = create_user("north_manager", (Role.DUTY_MANAGER,), north)
    north.manager = manager
    contact = create_contact(at("2026-11-23 10:00"), team=north)
    action = work.add_action(contact, title="Ring the GP", owner=manager, due_at=at("2026-11-23 12:00"),
                             by=manager, now=at("2026-11-23 10:05"))
    db.session.commit()
    sweep(at("2026-11-23 12:00"))
    steps = {e.level: e.recipient_id for e in db.session.scalars(select(Escalation)) if e.obligation_id == action.id}
    assert steps == {EscalationLevel.WARNING: manager.id, EscalationLevel.MANAGER: None}
