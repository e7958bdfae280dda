"""The world of access tests: records held by Duty North, and for every role one person in the
team holding them and one in another team."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dutydesk.absences import operations as absences
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.contacts.operations import Flags, ReferrerDetails
from dutydesk.escalations.sweep import sweep
from dutydesk.governance import operations as governance
from dutydesk.extensions import db
from dutydesk.models import Escalation, InboxChannel, Role, ScreeningOutcome, TeamKind, User
from dutydesk.models.codes import AssessmentFactor, PlanKind, PrimaryNeed, ReferralSource
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user

NOW = "2026-11-23 10:00:00"  # a Monday, GMT


@dataclass
class World:
    ids: dict
    #: (role, "own" or "other") -> username
    people: dict


def _people():
    """For every role, one person in the team that holds the records and one in another team."""
    north, south = create_team("Duty North"), create_team("Duty South")
    centre, other_centre = (create_team("Contact centre", TeamKind.CONTACT_CENTRE),
                            create_team("Contact centre East", TeamKind.CONTACT_CENTRE))
    people = {}
    for role in Role:
        own, other = (centre, other_centre) if role is Role.CALL_HANDLER else (north, south)
        for side, team in (("own", own), ("other", other)):
            username = f"{role.value}_{side}"
            create_user(username, (role,), team, display_name=f"{role.label} {side}")
            people[(role, side)] = username
    north.manager = db.session.scalar(select(User).where(User.username == "duty_manager_own"))
    south.manager = db.session.scalar(select(User).where(User.username == "duty_manager_other"))
    return north, south, people


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def teams() -> World:
    north, south, people = _people()
    handler, worker, manager = _user("call_handler_own"), _user("duty_worker_own"), _user("duty_manager_own")
    earlier = at(NOW) - timedelta(hours=2)
    professional = ReferrerDetails(name="Dr Joan Fraser", role="GP", agency="Bruce Grove Surgery",
                                   address="Bruce Grove, London N17", phone="020 8800 0002", is_professional=True,
                                   source=ReferralSource.GP)
    contact = create_contact(at(NOW), team=north, by=handler, referrer=professional,
                             flags=Flags(is_possible_crime=True, is_deliberate_harm_alleged=True))
    action = work.add_action(contact, title="Ring the school", owner=worker, due_at=at(NOW) + timedelta(days=1),
                             by=worker, now=at(NOW))
    referred = create_contact(earlier, team=north, by=handler)
    cases.record_screening_decision(referred, referred.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=worker, now=earlier)
    referral = cases.get_referral(referred.children[0])
    transfer = cases.request_transfer(referral, to_team=south, reason="Family moved south", by=manager, now=earlier)
    discussion = cases.record_strategy_discussion(
        referred, referred.children[0], held_at=earlier, attendees=[cases.Attendee("DS Khan", "Police")],
        record="Agreed a joint visit", action_points=[], circulated_to="DS Khan", circulated_at=earlier,
        review_on=date(2026, 11, 30), by=worker, now=earlier, social_care_manager=manager)
    enquiry = casework.start_section47(referral, started_on=date(2026, 11, 23), discussion=discussion, by=worker,
                                       now=earlier)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_IN_NEED, started_on=date(2026, 11, 23), category=None,
                               by=worker, now=earlier)
    # After the referral: an assessment concluded (not yet authorised), its need and a service.
    assessment = casework.start_assessment(referral, started_on=date(2026, 11, 23), by=worker, now=at(NOW))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=date(2026, 11, 23), requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglect", needs=["Safe care at home"]),
        by=worker, now=at(NOW))
    need = assessment.needs[0]
    service = casework.start_service(need, what="Family support", provided_by="Early help North",
                                     started_on=date(2026, 11, 23), by=worker, now=at(NOW))
    absence = absences.record_absence(worker, starts_at=at(NOW) + timedelta(days=1),
                                      ends_at=at(NOW) + timedelta(days=2), cover=None, reason="Training",
                                      by=manager, now=earlier)
    letter = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                                        summary="Attendance figures for Leo", received_at=earlier, by=handler,
                                        now=earlier)
    # For the administration pages: a person to change (and deactivate) and a team to change (and
    # close), neither of them one of the people signed in nor holding the records.
    spare = create_user("spare", (Role.DUTY_WORKER,), north, display_name="Sam Spare")
    west = create_team("Duty West")
    # Governance: October's report of unallocated cases, and an audit of this quarter's files.
    report = governance.make_monthly_report(date(2026, 10, 1), now=at(NOW))
    audit = governance.draw_audit(date(2026, 10, 1), size=1, by=_user("senior_manager_own"), now=at(NOW))
    db.session.commit()
    sweep(at(NOW), send_email=False)  # the earlier call's hand-offs are overdue: escalated to Mo
    escalation = db.session.scalar(select(Escalation).where(Escalation.level == EscalationLevel.MANAGER)
                                   .order_by(Escalation.id))
    record = referred.children[0].child  # the child's record: North holds their case
    ids = {"contact_id": contact.id, "child_id": contact.children[0].id, "obligation_id": action.id,
           "child_record_id": record.id, "name_id": record.names[0].id, "address_id": record.addresses[0].id,
           "referral_id": referral.id, "transfer_id": transfer.id, "discussion_id": discussion.id,
           "enquiry_id": enquiry.id, "plan_id": plan.id,
           "absence_id": absence.id, "inbox_item_id": letter.id, "escalation_id": escalation.id,
           "user_id": spare.id, "team_id": west.id, "assessment_id": assessment.id, "need_id": need.id,
           "service_id": service.id, "report_id": report.id, "audit_id": audit.id, "file_id": audit.files[0].id}
    return World(ids=ids, people=people)



def url_for_rule(rule, ids) -> str:
    """The rule's address with the world's ids in it."""
    return rule.build({key: ids[key] for key in rule.arguments}, append_unknown=False)[1]
