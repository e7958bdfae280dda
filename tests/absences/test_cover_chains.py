"""R50: the routing rule follows covers, then the team's manager, then the senior managers, and
never hands work to someone away or gone, however the covers chain or loop.

Cycles of cover can no longer be recorded (test_recording_cover.py), but absences recorded before
that rule, or cover that becomes a cycle as absences are recorded one by one, must still route:
here the absences are written directly, as the database may hold them.
"""

from datetime import timedelta

import pytest

from dutydesk.absences.directory import Directory
from dutydesk.absences.operations import record_inbox_item, route_new_work
from dutydesk.display import away_until
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Absence, Escalation, InboxChannel, Role, TeamKind
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user

FROM, TO = at("2026-11-23 09:00"), at("2026-12-04 17:00")
NOW = at("2026-11-24 12:00")


@pytest.fixture
def north():
    """Duty North: Mo manages Wes, Priya, Omar, Cora, Dan and Eve; Sue manages Duty South; Simon is senior."""
    duty, south = create_team("Duty North"), create_team("Duty South")
    people = {name: create_user(name, (Role.DUTY_WORKER,), duty, display_name=name.title())
              for name in ("wes", "priya", "omar", "cora", "dan", "eve")}
    people["mo"] = duty.manager = create_user("mo", (Role.DUTY_MANAGER,), duty, display_name="Mo")
    people["sue"] = south.manager = create_user("sue", (Role.DUTY_MANAGER,), south, display_name="Sue")
    people["simon"] = create_user("simon", (Role.SENIOR_MANAGER,), None, display_name="Simon")
    people["hannah"] = create_user("hannah", (Role.CALL_HANDLER,), create_team("Contact centre",
                                                                               TeamKind.CONTACT_CENTRE))
    db.session.commit()
    return people


def away(people, name: str, cover: str | None = None) -> Absence:
    """Written straight to the table, as absences recorded before the rule on cover may be."""
    absence = Absence(worker=people[name], cover=people[cover] if cover else None, starts_at=FROM, ends_at=TO,
                      reason="", recorded_by=people["simon"], recorded_at=FROM - timedelta(days=1))
    db.session.add(absence)
    db.session.flush()
    return absence


def stand_in(people, name: str) -> str | None:
    """Who takes the person's new work now, by name (None: the senior managers)."""
    routed = route_new_work(people[name], NOW)
    return None if routed is None else routed.username


def test_two_covering_each_other_send_the_work_to_their_manager(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="wes")

    assert stand_in(north, "wes") == "mo"
    assert stand_in(north, "priya") == "mo"


def test_three_covering_in_a_circle_send_the_work_to_their_manager(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="omar")
    away(north, "omar", cover="wes")

    assert [stand_in(north, name) for name in ("wes", "priya", "omar")] == ["mo", "mo", "mo"]


def test_a_cover_who_is_away_passes_the_work_to_their_own_cover(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="omar")

    assert stand_in(north, "wes") == "omar"


def test_a_long_chain_of_covers_is_followed_to_its_end(north):
    for name, cover in [("wes", "priya"), ("priya", "omar"), ("omar", "cora"), ("cora", "dan"), ("dan", "eve")]:
        away(north, name, cover=cover)

    assert stand_in(north, "wes") == "eve"


def test_a_chain_of_covers_ending_with_someone_away_without_cover_goes_to_the_manager(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="omar")
    away(north, "omar")

    assert stand_in(north, "wes") == "mo"


def test_when_the_manager_is_away_too_the_work_goes_to_the_managers_cover(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="wes")
    away(north, "mo", cover="cora")

    assert stand_in(north, "wes") == "cora"


def test_when_the_manager_is_away_without_cover_the_work_goes_to_the_senior_managers(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="wes")
    away(north, "mo")

    assert stand_in(north, "wes") is None
    assert Directory.load(NOW).team_manager(north["wes"].team_id) is None


def test_when_the_manager_is_in_the_circle_the_work_goes_to_the_senior_managers(north):
    away(north, "wes", cover="mo")
    away(north, "mo", cover="wes")

    assert stand_in(north, "wes") is None
    assert stand_in(north, "mo") is None


def test_a_cover_who_has_left_is_passed_over(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="omar")
    north["omar"].is_active = False

    assert stand_in(north, "wes") == "mo"


def test_with_no_active_manager_the_work_of_someone_away_goes_to_the_senior_managers(north):
    away(north, "wes", cover="priya")
    north["priya"].is_active = False
    north["mo"].is_active = False

    assert stand_in(north, "wes") is None


def test_nobody_away_or_gone_is_ever_the_answer(north):
    """Every pattern of cover among five people, two absences each way round."""
    names = ["wes", "priya", "omar", "mo", "cora"]
    for index, name in enumerate(names):
        away(north, name, cover=names[(index * 2 + 1) % len(names)])
    directory = Directory.load(NOW)
    for name in names + ["dan", "sue"]:
        answer = directory.stand_in(north[name].id)
        assert answer is None or directory.is_present(answer), name


def test_a_new_action_for_someone_in_a_circle_of_cover_goes_to_their_manager(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="wes")
    contact = create_contact(NOW - timedelta(hours=1), team=north["wes"].team, by=north["hannah"])

    action = work.add_action(contact, title="Ring the school", owner=north["wes"], due_at=NOW + timedelta(days=1),
                             by=north["mo"], now=NOW)

    assert action.worker == north["mo"]
    assert action.details["meant_for"] == "Wes"


def test_with_nobody_in_to_stand_in_new_work_is_the_teams_and_escalates_to_the_senior_managers(north):
    away(north, "wes", cover="priya")
    away(north, "priya", cover="wes")
    away(north, "mo")
    contact = create_contact(NOW - timedelta(hours=1), team=north["wes"].team, by=north["hannah"])
    action = work.add_action(contact, title="Ring the school", owner=north["wes"], due_at=NOW + timedelta(hours=2),
                             by=north["simon"], now=NOW)
    letter = record_inbox_item(north["wes"], channel=InboxChannel.POST, sender="Park Lane Primary",
                               summary="Attendance letter", received_at=NOW, by=north["hannah"], now=NOW)
    db.session.commit()

    assert (action.worker, action.team.name) == (None, "Duty North")
    sweep(NOW + timedelta(days=2))

    for key, record in (("obligation_id", action), ("inbox_item_id", letter)):
        steps = db.session.scalars(db.select(Escalation).where(getattr(Escalation, key) == record.id)
                                   .order_by(Escalation.level)).all()
        assert steps, key
        assert {step.recipient_id for step in steps} == {None}, key  # the senior managers, never Wes or Priya
        assert steps[-1].level is EscalationLevel.SENIOR


@pytest.mark.parametrize(("ends_at", "reads"), [
    (at("2026-12-05 00:00"), "4 Dec"),  # back on Saturday 5th: away the whole of Friday 4th
    (at("2026-12-04 12:30"), "4 Dec"),
    (at("2026-11-24 15:30"), "15:30 today"),
    (at("2026-11-25 00:00"), "the end of today"),
    (at("2027-01-04 00:00"), "3 Jan 2027"),
    (at("2026-06-02 23:00"), "2 Jun"),  # midnight in British Summer Time: back on 3 June
], ids=["last day away", "part of a later day", "back later today", "back tomorrow", "next year", "summer"])
def test_away_until_reads_as_the_london_date_with_the_time_if_they_are_back_today(ends_at, reads):
    assert away_until(ends_at, NOW) == reads
