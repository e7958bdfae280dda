"""A call that has been through everything, for the chronology's tests.

On Monday 23 November 2026 (GMT, so London time is UTC) a GP calls about Leo and Ava Martin:
both children's calls go through the front door; Leo's is referred, discussed, escalated,
allocated, taken back and transferred; Ava's ends in no further action.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.contacts.operations import Flags, ReferrerDetails
from dutydesk.escalations.operations import acknowledge
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Escalation, Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import ConfirmationMethod, ReferralSource
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, child_details, create_contact, create_team, create_user

DAY = "2026-11-23"


def t(clock: str, day: str = DAY):
    return at(f"{day} {clock}")


@dataclass
class Story:
    contact: object
    leo: object
    ava: object
    people: dict
    teams: dict


def people_and_teams():
    centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                            create_team("Duty South"))
    people = {
        "hana": create_user("hana", (Role.CALL_HANDLER,), centre, display_name="Hana Cole"),
        "ben": create_user("ben", (Role.DUTY_WORKER,), north, display_name="Ben Osei"),
        "cora": create_user("cora", (Role.DUTY_WORKER,), north, display_name="Cora Lind"),
        "mo": create_user("mo", (Role.DUTY_MANAGER,), north, display_name="Mo Patel"),
        "sol": create_user("sol", (Role.DUTY_MANAGER,), south, display_name="Sol Adeyemi"),
    }
    north.manager, south.manager = people["mo"], people["sol"]
    return people, {"centre": centre, "north": north, "south": south}


GP = ReferrerDetails(name="Dr Joan Fraser", role="GP", agency="Bruce Grove Surgery", address="Bruce Grove, N17",
                     phone="020 8800 0002", is_professional=True, source=ReferralSource.GP)


def live_through_everything(people, teams) -> Story:
    """The call of 09:00 and all that follows it, each step through its operation, committed."""
    hana, ben, cora, mo, sol = (people[name] for name in ("hana", "ben", "cora", "mo", "sol"))
    contact = create_contact(t("09:00"), team=teams["north"], by=hana, now=t("09:02"), referrer=GP,
                             flags=Flags(is_possible_crime=True, is_deliberate_harm_alleged=True),
                             children=[child_details(name="Leo Martin", date_of_birth=date(2019, 3, 27),
                                                     approximate_age=None),
                                       child_details(name="Ava Martin", approximate_age=3)])
    leo, ava = contact.children
    calls.record_verbal_handoff(contact, to=ben, at=t("09:20"), by=hana, now=t("09:21"))
    calls.accept_handoff(contact, by=ben, now=t("09:30"))
    calls.record_police_informed(contact, informed_at=t("09:40"), officer="PC 4411 Khan", police_reference="CAD 123",
                                 by=ben, now=t("09:45"))
    calls.record_referrer_confirmation(contact, received_at=t("09:50"), method=ConfirmationMethod.SECURE_EMAIL,
                                       reference="BGS-77", by=ben, now=t("09:55"))
    cases.record_screening_decision(contact, leo, outcome=ScreeningOutcome.REFERRAL, rationale="Bruising; second call",
                                    by=ben, now=t("10:00"))
    cases.record_screening_decision(contact, ava, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Ava is not named in the concern", by=ben, now=t("10:05"))
    school = work.add_action(contact, title="Ring the school", owner=ben, due_at=t("11:00"), by=ben, now=t("10:15"),
                             child=leo)
    calls.record_child_seen(contact, leo, seen_at=t("10:30"), seen_by=ben, is_seen_alone=True, is_spoken_to=True,
                            by=ben, now=t("10:40"))
    calls.record_child_seen(contact, ava, seen_at=t("10:35"), seen_by=ben, is_seen_alone=False, is_spoken_to=False,
                            by=ben, now=t("10:41"))
    work.add_action(contact, title="Ask the GP for the family's records", owner=cora,
                    due_at=t("17:00", "2026-11-24"), by=mo, now=t("10:50"))
    db.session.commit()
    sweep(t("10:20"), send_email=False)  # the warning: the school is to be rung by 11:00
    sweep(t("11:05"), send_email=False)  # and it has not been: Mo is told
    overdue = db.session.scalar(select(Escalation).where(Escalation.level == EscalationLevel.MANAGER))
    acknowledge(overdue, by=mo, now=t("11:10"), note="Ben is out on a visit; Cora will ring")
    work.reassign_obligation(school, to=cora, by=mo, now=t("11:15"))
    work.complete_action(school, by=cora, now=t("11:30"), note="Attendance is fine")
    cases.record_strategy_discussion(
        contact, leo, held_at=t("12:00"), attendees=[cases.Attendee("DS Khan", "Police"),
                                                     cases.Attendee("Joan Fraser", "Bruce Grove Surgery")],
        record="Joint visit agreed", action_points=[cases.ActionPoint("Joint visit with the police", ben,
                                                                      t("12:00", "2026-11-24"))],
        circulated_to="DS Khan, Dr Fraser", circulated_at=t("12:20"), review_on=date(2026, 11, 30), by=ben,
        now=t("12:30"), social_care_manager=mo)
    referral = cases.get_referral(leo)
    cases.allocate_case(referral, to=ben, by=mo, now=t("13:00"))
    cases.record_unallocated(referral, reason="Ben is off sick", contingency="Cora rings the family daily", by=mo,
                             now=t("13:30"))
    transfer = cases.request_transfer(referral, to_team=teams["south"], reason="The family moved south", by=mo,
                                      now=t("14:00"))
    cases.accept_transfer(transfer, by=sol, now=t("14:30"))
    db.session.commit()
    return Story(contact, leo, ava, people, teams)


@pytest.fixture
def story() -> Story:
    people, teams = people_and_teams()
    return live_through_everything(people, teams)
