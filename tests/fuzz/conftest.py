"""The fuzz tests' settings profiles, their world of records, and the tally of what was answered.

Two Hypothesis profiles: "ci" (the default: a bounded, derandomized run, the same examples on
every run, so that CI is reproducible) and "fuzz" (`make fuzz`: at length and random each
time). Examples share one world per test and may change it (a call logged, a transfer
accepted), so shrinking is off: each failure says exactly what was sent instead.
"""

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings

from dutydesk import rules
from dutydesk.absences import operations as absences
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts.operations import Flags
from dutydesk.escalations.sweep import sweep
from dutydesk.governance import operations as governance
from dutydesk.extensions import db
from dutydesk.models.codes import AssessmentFactor, PrimaryNeed
from dutydesk.models import Escalation, FormDraft, InboxChannel, ObligationKind, Role, ScreeningOutcome, TeamKind
from dutydesk.work import operations as work
from dutydesk.models.codes import AbuseCategory, PlanKind, Section47Outcome
from tests.factories import child_details, create_contact, create_team, create_user, obligation_of

_COMMON = dict(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=False,
)
#: CI: about a minute on each database (see the tests' own budgets).
settings.register_profile("ci", derandomize=True, **_COMMON)
#: `make fuzz`: at least 10,000 requests, new examples every run.
settings.register_profile("fuzz", derandomize=False, **_COMMON)
if settings.get_current_profile_name() == "default":
    settings.load_profile("ci")


def is_fuzz_profile() -> bool:
    return settings.get_current_profile_name() == "fuzz"


#: Every response of the fuzz tests, by status, and by (endpoint, status).
STATUSES: Counter = Counter()
BY_ENDPOINT: Counter = Counter()


def pytest_terminal_summary(terminalreporter):
    if not STATUSES:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"fuzz: {sum(STATUSES.values())} requests "
                             f"(profile {settings.get_current_profile_name()!r})")
    write("by status: " + ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items())))
    if terminalreporter.config.getoption("verbose") > 0 or is_fuzz_profile():
        endpoints = sorted({endpoint for endpoint, _ in BY_ENDPOINT})
        for endpoint in endpoints:
            counts = {status: n for (name, status), n in BY_ENDPOINT.items() if name == endpoint}
            write(f"  {endpoint:45} " + ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())))


#: The people of the world, by username: own-team staff of Duty North (which holds the
#: records), the contact centre's call handler, Duty South's manager (the transfer goes to
#: South), and a senior manager, a director and an administrator.
PEOPLE = {
    "handler": (Role.CALL_HANDLER, "Contact centre"),
    "worker": (Role.DUTY_WORKER, "Duty North"),
    "cora": (Role.DUTY_WORKER, "Duty North"),
    "manager": (Role.DUTY_MANAGER, "Duty North"),
    "south": (Role.DUTY_MANAGER, "Duty South"),
    "senior": (Role.SENIOR_MANAGER, "Contact centre"),
    "director": (Role.DIRECTOR, "Contact centre"),
    "admin": (Role.ADMIN, "Contact centre"),
}


class World(dict):
    """The world's ids by URL argument (named briefly when Hypothesis reports a failure)."""

    def __repr__(self):
        return "<the world's ids>"


@pytest.fixture
def world():
    """A call, a referral with a pending transfer, a strategy discussion with an action point, an
    absence, an item of post, an escalation, and kept drafts; returns every id by URL argument."""
    now = now_utc().replace(microsecond=0)
    teams = {"Contact centre": create_team("Contact centre", TeamKind.CONTACT_CENTRE),
             "Duty North": create_team("Duty North"), "Duty South": create_team("Duty South")}
    people = {name: create_user(name, (role,), teams[team]) for name, (role, team) in PEOPLE.items()}
    teams["Duty North"].manager = people["manager"]
    teams["Duty South"].manager = people["south"]
    north, worker, manager = teams["Duty North"], people["worker"], people["manager"]

    contact = create_contact(now - timedelta(minutes=10), team=north, by=people["handler"],
                             flags=Flags(is_deliberate_harm_alleged=True, is_possible_crime=True),
                             children=[child_details(), child_details(name="Mia Martin", approximate_age=3)])
    earlier = now - timedelta(hours=2)
    referred = create_contact(earlier, team=north, by=people["handler"])
    child = referred.children[0]
    cases.record_screening_decision(referred, child, outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=worker, now=earlier)
    referral = cases.get_referral(child)
    transfer = cases.request_transfer(referral, to_team=teams["Duty South"], reason="Family moved south",
                                      by=manager, now=earlier)
    discussion = cases.record_strategy_discussion(
        referred, child, held_at=earlier, attendees=[cases.Attendee("DS Khan", "Police")],
        record="Agreed a joint visit", action_points=[cases.ActionPoint("Visit the school", worker, now + timedelta(days=3))],
        circulated_to="DS Khan", circulated_at=earlier, review_on=to_london(now).date() + timedelta(days=7),
        by=worker, now=earlier, social_care_manager=manager)
    today = to_london(now).date()
    enquiry = casework.start_section47(referral, started_on=today, discussion=discussion, by=worker, now=now)
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=today, by=worker,
                                      now=now)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=today,
                               category=AbuseCategory.NEGLECT, by=worker, now=now)
    action = work.add_action(contact, title="Ring the school", owner=worker, due_at=now + timedelta(days=1),
                             by=manager, now=earlier + timedelta(hours=1, minutes=55))
    # After the referral: an assessment concluded and waiting for a manager, two needs, a service.
    today = to_london(now).date()
    assessment = casework.start_assessment(referral, started_on=today, by=worker, now=now)
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=today, requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglect", needs=["Safe care", "Schooling"]),
        by=worker, now=now)
    service = casework.start_service(assessment.needs[0], what="Family support", provided_by="Early help",
                                     started_on=today, by=worker, now=now)
    absence = absences.record_absence(worker, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2),
                                      cover=manager, reason="Training", by=manager, now=earlier)
    letter = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                                        summary="Attendance figures for Leo", received_at=earlier,
                                        by=people["handler"], now=earlier)
    # Forms kept across an idle sign-out, full of what no browser sends: restored on `?draft=`.
    drafts = [FormDraft(user_id=user.id, path=path, created_at=earlier, fields=fields) for user, path, fields in [
        (worker, "/calls/new", [["children-0-name", "Leo\x00"], ["children-²-name", "x"],
                                ["received_date", "99999999999999999999"], ["received_time", "²:00"],
                                ["team_id", str(2**64)], ["no_referrer_details_reason", "nonsense"]]),
        (manager, f"/cases/{referral.id}/allocate", [["worker_id", "٣"]]),
    ]]
    db.session.add_all(drafts)
    # For the administration pages: people to change, deactivate or unlock, one of whom has left
    # already, who are none of those signed in.
    spares = [create_user("spare", (Role.DUTY_WORKER,), north), create_user("leaver", (Role.DUTY_WORKER,), north,
                                                                            is_active=False)]
    # Governance: last month's report of unallocated cases, and an audit of this quarter's files.
    report = governance.make_monthly_report(rules.latest_month_reported(now), now=now)
    audit = governance.draw_audit(rules.quarter_start(today), size=1, by=people["senior"], now=now)
    db.session.commit()
    sweep(now, send_email=False)  # the earlier call's hand-offs are overdue: escalated
    escalation = db.session.scalars(db.select(Escalation).order_by(Escalation.id)).first()
    return World({
        "people": list(PEOPLE),
        "contact_id": [contact.id, referred.id],
        "child_id": [c.id for c in contact.children] + [child.id],
        "child_record_id": [c.child_id for c in contact.children] + [child.child_id],
        "name_id": [name.id for c in (*contact.children, child) for name in c.child.names],
        "address_id": [address.id for c in (*contact.children, child) for address in c.child.addresses],
        "obligation_id": [obligation_of(contact, ObligationKind.CHILD_SEEN, contact.children[0]).id, action.id,
                          obligation_of(referred, ObligationKind.VERBAL_HANDOFF).id],
        "referral_id": [referral.id],
        "assessment_id": [assessment.id],
        "need_id": [need.id for need in assessment.needs],
        "service_id": [service.id],
        "transfer_id": [transfer.id],
        "discussion_id": [discussion.id],
        "enquiry_id": [enquiry.id],
        "plan_id": [plan.id],
        "absence_id": [absence.id],
        "inbox_item_id": [letter.id],
        "escalation_id": [escalation.id],
        "report_id": [report.id],
        "audit_id": [audit.id],
        "file_id": [file.id for file in audit.files],
        "draft": [draft.id for draft in drafts],
        "team": [team.id for team in teams.values()],
        "team_id": [team.id for team in teams.values()],
        "user_id": [spare.id for spare in spares],
        "worker": [people["worker"].id, people["cora"].id, manager.id],
        "filename": ["dutydesk.css", "govuk-frontend.min.js"],
    })
