"""R58: what happened after the referral is in the child's chronology, made from the casework rows
(never typed twice), each kind filterable like the others."""

from datetime import date, timedelta

from bs4 import BeautifulSoup
from freezegun import freeze_time

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.casework.operations import ClosureCheck, Conclusion
from dutydesk.children.chronology import ChronologyKind as K
from dutydesk.children.chronology import list_chronology
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import AssessmentFactor, ClosureReason, PrimaryNeed
from tests.factories import at, create_contact, create_team, create_user, sign_in

RECEIVED = at("2026-11-02 10:00")  # a Monday, GMT: London is UTC


def after_the_referral():
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hana Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Ben Osei")
    manager = create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Mo Patel")
    contact = create_contact(RECEIVED, team=north, by=handler, flags=calls.Flags(is_deliberate_harm_alleged=True))
    child = contact.children[0]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Marks",
                                    by=worker, now=RECEIVED + timedelta(hours=1))
    referral = cases.get_referral(child)
    assessment = casework.start_assessment(referral, started_on=date(2026, 11, 3), by=worker,
                                           now=at("2026-11-03 11:00"))
    casework.record_seen(assessment, child_seen_on=date(2026, 11, 4), is_child_seen_alone=True,
                         carers_seen_on=date(2026, 11, 5), by=worker, now=at("2026-11-05 16:00"))
    casework.complete_assessment(assessment, Conclusion(
        completed_on=date(2026, 11, 9), requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglected at home", needs=["Safe care", "Schooling"]),
        by=worker, now=at("2026-11-09 15:00"))
    casework.authorise_assessment(assessment, note="Approved", by=manager, now=at("2026-11-10 10:00"))
    service = casework.start_service(assessment.needs[0], what="Family support", provided_by="Early help North",
                                     started_on=date(2026, 11, 11), by=worker, now=at("2026-11-12 12:00"))
    casework.end_service(service, ended_on=date(2026, 11, 20), reason="Family moved", by=worker,
                         now=at("2026-11-20 14:00"))
    checks = {name: ClosureCheck(True) for name in ("child_seen_alone", "carers_seen", "professionals_consulted")}
    checks["home_visited"] = ClosureCheck(False, "Family refused entry")
    casework.close_case(referral, closed_on=date(2026, 11, 23), reason=ClosureReason.ANOTHER_LA, note="",
                        checks=checks, by=manager, now=at("2026-11-23 09:30"))
    db.session.commit()
    return contact, child


AFTER = [
    ("2026-11-03 11:00", K.ASSESSMENT, "Assessment started", "Ben Osei"),
    ("2026-11-04 09:00", K.ASSESSMENT, "Child seen during the assessment, alone", None),
    ("2026-11-05 09:00", K.ASSESSMENT, "Parents or carers seen during the assessment", None),
    ("2026-11-09 15:00", K.ASSESSMENT, "Assessment completed: requires a service (2 needs identified); primary need "
                                       "N1 Abuse or neglect", "Ben Osei"),
    ("2026-11-10 10:00", K.ASSESSMENT, "Assessment authorised by Mo Patel", "Mo Patel"),
    ("2026-11-11 09:00", K.SERVICE, "Service started for the need 'Safe care': Family support (Early help North)",
     "Ben Osei"),
    ("2026-11-20 14:00", K.SERVICE, "Service ended: Family support (Early help North)", "Ben Osei"),
    ("2026-11-23 09:30", K.CLOSURE, "Case closed: RC5 Transferred to the services of another local authority",
     "Mo Patel"),
]


def test_the_assessment_its_services_and_the_closure_are_in_the_chronology_once_each_in_time_order(app):
    _, child = after_the_referral()
    events = list_chronology([child.id], kinds=[K.ASSESSMENT, K.SERVICE, K.CLOSURE])
    assert [(f"{e.at:%Y-%m-%d %H:%M}", e.kind, e.summary, e.by) for e in events] == AFTER
    closed = events[-1]
    assert closed.details == ("The child seen alone: yes; The parents or carers seen: yes; The home visited: no, "
                              "because Family refused entry; The professionals involved consulted: yes")
    assert events[3].details == "Neglected at home; Factors: 16A; Needs: Safe care; Schooling"
    assert all(e.referral_id is not None for e in events)
    everything = list_chronology([child.id])
    assert not any(e.summary == "Assessment completed" and e.kind is K.REFERRAL for e in everything)  # not twice
    assert len({e.source for e in everything}) == len(everything)


def test_the_chronology_page_filters_to_the_assessment(client):
    contact, child = after_the_referral()
    sign_in(client, "worker")
    with freeze_time("2026-11-23 12:00"):
        page = client.get(f"/calls/{contact.id}/children/{child.id}/chronology?kind=assessment")
    text = " ".join(BeautifulSoup(page.get_data(as_text=True), "html.parser").get_text(" ").split())
    assert page.status_code == 200
    assert "Assessment authorised by Mo Patel" in text and "Child seen during the assessment, alone" in text
    assert "Service started" not in text and "Case closed" not in text
