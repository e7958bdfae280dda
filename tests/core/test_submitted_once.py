"""Every form is saved once, however often it is posted (issue 10): a double click, Back and
resubmit, two tabs, or two posts at the same moment."""

import re
import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import FormSubmission, Referral, Role, ScreeningDecision, TeamKind
from tests.factories import PASSWORD, at, create_contact, create_team, create_user, csrf_token, sign_in, submission_token

NOW = "2026-11-23 10:42:00"  # a Monday, GMT
RECEIVED = at("2026-11-23 09:30")
ALREADY = "This was already saved at 10:42 by you; nothing was recorded twice"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def call():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    contact = create_contact(RECEIVED, team=north, by=handler)
    calls.accept_handoff(contact, by=worker, now=RECEIVED + timedelta(minutes=5))
    db.session.commit()
    return contact


def decision_url(contact) -> str:
    return f"/calls/{contact.id}/children/{contact.children[0].id}/decision"


DECISION = {"outcome": "referral", "rationale": "Second call about bruising this month"}


@freeze_time(NOW)
def test_a_screening_decision_posted_twice_records_one_decision_on_the_call_and_the_case(client, call):
    sign_in(client, "worker")
    page = client.get(decision_url(call)).get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "submission_token": submission_token(page), **DECISION}
    first = client.post(decision_url(call), data=form)
    second = client.post(decision_url(call), data=form)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location == f"/calls/{call.id}"
    assert count(ScreeningDecision) == 1 and count(Referral) == 1
    call_page = client.get(second.location).get_data(as_text=True)
    assert ALREADY in call_page
    assert call_page.count("Decision for Leo Martin: Referral") == 1  # the call's history
    referral = db.session.scalar(select(Referral))
    case_page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert case_page.count("Second call about bruising this month") == 1


def test_two_posts_of_one_form_at_the_same_moment_record_it_once(app, call, monkeypatch):
    # Two tabs (two sessions of one person) post the same decision form at once. Both reach the
    # decision before either commits; the unique token decides which is saved, and the other is
    # rolled back and told so, going where the first went.
    first_tab, second_tab = app.test_client(), app.test_client()
    url, call_url = decision_url(call), f"/calls/{call.id}"
    pages = []
    for tab in (first_tab, second_tab):
        sign_in(tab, "worker")
        pages.append(tab.get(url).get_data(as_text=True))
    token = submission_token(pages[0])
    both_deciding = threading.Barrier(2, timeout=10)
    decide = cases.record_screening_decision

    def decide_together(*args, **kwargs):
        both_deciding.wait()
        return decide(*args, **kwargs)

    monkeypatch.setattr(cases, "record_screening_decision", decide_together)
    answers = [None, None]

    def post(index, tab, page):
        answers[index] = tab.post(url, data={
            "csrf_token": csrf_token(page), "submission_token": token, **DECISION})

    threads = [threading.Thread(target=post, args=(i, tab, page))
               for i, (tab, page) in enumerate(zip((first_tab, second_tab), pages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not both_deciding.broken  # both posts ran the view: neither was answered before it
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer.location for answer in answers} == {call_url}
    assert count(ScreeningDecision) == 1 and count(Referral) == 1 and count(FormSubmission) == 1
    told = [tab.get(call_url).get_data(as_text=True) for tab in (first_tab, second_tab)]
    assert sum("nothing was recorded twice" in page for page in told) == 1
    assert sum("Decision for Leo Martin recorded" in page for page in told) == 1


# Every form of the app: the same valid submission posted twice is saved once.

#: POST routes that save nothing a second post could repeat: signing in starts a new session
#: each time (nobody is signed in to claim a form as theirs), signing out ends the one there is.
NOT_SAVING = {"auth.login": "signs in", "auth.logout": "signs out",
              "auth.change_password": "signs in afresh: a repeat carries the ended session's CSRF token (tested below)",
              "contacts.check_records": "only reads: the children already known who may be the child typed on the "
                                        "call form (htmx posts the form as the call handler types); it logs the "
                                        "view, as every page showing a child does"}
#: Tables whose rows are written whatever a post's answer (who looked, sessions).
LOGS = {"record_views", "sign_in_attempts", "form_drafts", "user_sessions"}
DAY = ["23", "11", "2026"]
NEW_PASSWORD = "Tangerine-kettle-94-north"


@pytest.fixture
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def everything(frozen):
    """One of every record a form acts on, in Duty North (and a transfer to Duty South)."""
    from dutydesk.absences import operations as absences
    from dutydesk.escalations.sweep import sweep
    from dutydesk.models import Escalation, InboxChannel, ObligationKind, ScreeningOutcome
    from dutydesk.models.codes import ReferralSource
    from dutydesk.work import operations as work
    from tests.factories import obligation_of

    centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                            create_team("Duty South"))
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("worker", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    cora = create_user("cora", (Role.DUTY_WORKER,), north, display_name="Cora Lane")
    north.manager = manager = create_user("manager", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    south.manager = create_user("south", (Role.DUTY_MANAGER,), south, display_name="Sol Grant")
    create_user("admin", (Role.ADMIN,), None, display_name="Alex Morgan")
    empty, closed = create_team("Duty East"), create_team("Duty Central")
    closed.is_active = False
    gp = calls.ReferrerDetails(name="Dr Joan Fraser", role="GP", agency="Bruce Grove Surgery", phone="020 8800 0002",
                               address="Bruce Grove, London N17", is_professional=True, source=ReferralSource.GP)
    call = create_contact(RECEIVED, team=north, by=handler, referrer=gp,
                          flags=calls.Flags(is_possible_crime=True, is_deliberate_harm_alleged=True))
    earlier = at("2026-11-23 08:00")
    referred, moving = (create_contact(earlier, team=north, by=handler) for _ in range(2))
    for contact in (referred, moving):
        calls.accept_handoff(contact, by=worker, now=earlier)
        cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                        rationale="Second call this month", by=worker, now=earlier)
    transfer = cases.request_transfer(cases.get_referral(moving.children[0]), to_team=south,
                                      reason="Family moved south", by=manager, now=earlier)
    action = work.add_action(call, title="Ring the school", owner=worker, due_at=at("2026-11-24 12:00"),
                             by=manager, now=at("2026-11-23 10:00"))
    absence = absences.record_absence(worker, starts_at=at("2026-11-25 00:00"), ends_at=at("2026-11-26 00:00"),
                                      cover=cora, reason="Training", by=manager, now=earlier)
    letter = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                                        summary="Attendance figures for Leo", received_at=earlier, by=handler,
                                        now=earlier)
    # Two more children's records in North: one to merge (or rule out as a duplicate), one merged already.
    from dutydesk.children import merging

    other, merged = (create_contact(earlier, team=north, by=handler).children[0].child for _ in range(2))
    merging.merge_children(merged, into=referred.children[0].child, reason="Same child", by=manager, now=earlier)
    from datetime import date

    from dutydesk.casework import operations as casework
    from dutydesk.models.codes import PlanKind, Section47Outcome

    referral = cases.get_referral(referred.children[0])
    discussion = cases.record_strategy_discussion(
        referred, referred.children[0], held_at=earlier, attendees=[cases.Attendee("DS Khan", "Police")],
        record="Agreed a section 47 enquiry", action_points=[], circulated_to="DS Khan", circulated_at=earlier,
        review_on=date(2026, 11, 30), by=worker, now=earlier, social_care_manager=manager)
    enquiry = casework.start_section47(referral, started_on=date(2026, 11, 23), discussion=discussion, by=worker,
                                       now=earlier)
    decided = casework.start_section47(referral, started_on=date(2026, 11, 23), discussion=discussion, by=worker,
                                       now=earlier)
    casework.record_section47_outcome(decided, outcome=Section47Outcome.CONFERENCE, outcome_on=date(2026, 11, 23),
                                      by=worker, now=earlier)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_IN_NEED, started_on=date(2026, 11, 23), category=None,
                               by=worker, now=earlier)
    # After the referral: an assessment seen and concluded, waiting for a manager; two needs, one
    # with a service.
    from datetime import date

    from dutydesk.casework import operations as casework
    from dutydesk.models.codes import AssessmentFactor, PrimaryNeed

    today = date(2026, 11, 23)
    assessment = casework.start_assessment(cases.get_referral(referred.children[0]), started_on=today, by=worker,
                                           now=at(NOW))
    casework.record_seen(assessment, child_seen_on=today, is_child_seen_alone=True, carers_seen_on=today,
                         by=worker, now=at(NOW))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=today, requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglect", needs=["Safe care", "Schooling"]),
        by=worker, now=at(NOW))
    service = casework.start_service(assessment.needs[1], what="Tutoring", provided_by="Virtual school",
                                     started_on=today, by=worker, now=at(NOW))
    # Governance: an audit of this quarter's files to record findings on, and one ready to complete.
    from dutydesk.governance import operations as governance
    from dutydesk.governance.questions import QUESTIONS
    from dutydesk.models import AuditAnswer, AuditJudgement

    senior = create_user("senior", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    audit, done_audit = (governance.draw_audit(date(2026, 10, 1), size=1, by=senior, now=at(NOW)) for _ in range(2))
    governance.record_finding(done_audit.files[0], judgement=AuditJudgement.GOOD,
                              answers={question.key: AuditAnswer.YES for question in QUESTIONS}, findings="Clear",
                              actions="", by=senior, now=at(NOW))
    db.session.commit()
    sweep(at(NOW), send_email=False)  # the call's written hand-off is overdue: escalated to Maya
    escalation = next(e for e in db.session.scalars(select(Escalation).order_by(Escalation.id))
                      if e.recipient_id == manager.id)
    child = call.children[0]
    return {
        "north": north.id, "south": south.id, "worker": worker.id, "cora": cora.id, "manager": manager.id,
        "call": call.id, "child": child.id, "referred": referred.id, "referred_child": referred.children[0].id,
        "referral": cases.get_referral(referred.children[0]).id, "moving": cases.get_referral(moving.children[0]).id,
        "transfer": transfer.id, "action": action.id, "absence": absence.id, "letter": letter.id,
        "escalation": escalation.id, "empty": empty.id, "closed": closed.id,
        "screening": obligation_of(call, ObligationKind.SCREENING_DECISION).id,
        "record": child.child_id, "name": child.child.names[0].id, "address": child.child.addresses[0].id,
        "other_record": other.id, "merged_record": merged.id,
        "discussion": discussion.id, "enquiry": enquiry.id, "decided": decided.id, "plan": plan.id,
        "assessment": assessment.id, "need": assessment.needs[0].id, "service": service.id,
        "audit": audit.id, "file": audit.files[0].id, "done_audit": done_audit.id,
    }


def _log_call(ids):
    from tests.factories import log_call_form

    # Leo Martin is known already (R2.5): the call about him is linked to his record.
    return log_call_form(ids["north"], **{"children-0-record": str(ids["record"])})


#: For each endpoint that saves something: who posts it, where, from which page, and a valid form.
SUBMISSIONS = {
    "contacts.log_call": ("handler", "/calls/new", None, _log_call),
    "contacts.record_verbal_handoff": ("handler", "/calls/{call}/verbal-handoff", None, lambda ids: {
        "to_worker_id": str(ids["worker"]), "at_date": DAY, "at_time": "10:00"}),
    "contacts.accept_handoff": ("worker", "/calls/{call}/accept", "/calls/{call}", lambda ids: {}),
    "contacts.record_referrer_confirmation": ("worker", "/calls/{call}/referrer-confirmation", None, lambda ids: {
        "at_date": DAY, "at_time": "10:00", "method": "secure_email", "reference": "GP-22"}),
    "contacts.record_police_informed": ("worker", "/calls/{call}/police-informed", None, lambda ids: {
        "at_date": DAY, "at_time": "10:00", "officer": "DC Sam Hale", "police_reference": "CAD 4411"}),
    "contacts.record_child_seen": ("worker", "/calls/{call}/children/{child}/seen", None, lambda ids: {
        "at_date": DAY, "at_time": "10:30", "seen_by_id": str(ids["worker"]), "is_seen_alone": "yes",
        "is_spoken_to": "yes"}),
    "contacts.record_obligation_reason": ("worker", "/calls/{call}/obligations/{screening}/reason", None,
                                          lambda ids: {"reason": "Waiting for the school to call back"}),
    "cases.record_decision": ("worker", "/calls/{call}/children/{child}/decision", None, lambda ids: {
        "outcome": "referral", "rationale": "Bruising seen by the GP"}),
    "cases.record_strategy_discussion": ("worker", "/calls/{referred}/children/{referred_child}/strategy-discussion",
                                         None, lambda ids: {
        "held_date": DAY, "held_time": "10:00", "social_care_manager_id": str(ids["manager"]),
        "attendees-0-name": "DS Asha Khan",
        "attendees-0-agency": "Metropolitan Police", "record": "Agreed a joint visit.",
        "action_points-0-title": "", "circulated_to": "DS Khan", "circulated_date": DAY, "circulated_time": "10:30",
        "review_on": ["30", "11", "2026"], "save": "y"}),
    "contacts.record_interpreter_use": ("worker", "/calls/{call}/children/{child}/interpreter", None, lambda ids: {
        "is_used": "no", "reason": "None could be found for Tigrinya at night"}),
    "children.add_name": ("worker", "/children/{record}/names/new", None, lambda ids: {
        "kind": "alias", "full_name": "Leon Martin"}),
    "children.end_name": ("worker", "/children/{record}/names/{name}/end", None, lambda ids: {"on": DAY}),
    "children.add_address": ("worker", "/children/{record}/addresses/new", None, lambda ids: {
        "address": "14 Lansdowne Road, London N17 9XE", "from_date": DAY}),
    "children.end_address": ("worker", "/children/{record}/addresses/{address}/end", None, lambda ids: {"on": DAY}),
    "children.correct_details": ("manager", "/children/{record}/details", None, lambda ids: {
        "sex": "M", "ethnicity": "WBRI", "disabilities": ["NONE"], "upn": "B801200005001"}),
    "children.merge_child": ("manager", "/children/{record}/merge?record={other_record}", None, lambda ids: {
        "reason": "The school confirmed one pupil"}),
    "children.undo_merge": ("manager", "/children/{merged_record}/unmerge", None, lambda ids: {
        "reason": "Twins, the GP says"}),
    "children.record_not_same": ("manager", "/children/duplicates/not-the-same?child={record}&other={other_record}",
                                 None, lambda ids: {"reason": "Twins: two girls born that day"}),
    "work.add_action": ("worker", "/calls/{call}/actions/new", None, lambda ids: {
        "title": "Check school attendance", "child": "call", "worker_id": str(ids["worker"]),
        "due_date": ["24", "11", "2026"], "due_time": "14:30"}),
    "work.reassign": ("worker", "/calls/{call}/obligations/{action}/reassign", None,
                      lambda ids: {"worker_id": str(ids["cora"])}),
    "work.complete_action": ("worker", "/calls/{call}/obligations/{action}/complete", None,
                             lambda ids: {"note": "The school rang back"}),
    "cases.allocate": ("manager", "/cases/{referral}/allocate", None, lambda ids: {"worker_id": str(ids["worker"])}),
    "cases.unallocate": ("manager", "/cases/{referral}/unallocate", None, lambda ids: {
        "reason": "Nobody free until Monday", "contingency": "Duty worker rings mother daily"}),
    "cases.request_transfer": ("manager", "/cases/{referral}/transfer", None, lambda ids: {
        "to_team_id": str(ids["south"]), "reason": "Family moved south"}),
    "cases.accept_transfer": ("south", "/transfers/{transfer}/accept", "/cases/{moving}", lambda ids: {}),
    "contacts.raise_flag": ("worker", "/calls/{referred}/flags/new", None, lambda ids: {
        "flag": "is_possible_crime", "note": "At screening the nurse said a belt was used"}),
    "protection.start_section47": ("worker", "/cases/{referral}/section-47/new", None, lambda ids: {
        "discussion": str(ids["discussion"]), "started_on": DAY}),
    "protection.record_section47_outcome": ("worker", "/section-47/{enquiry}/outcome", None, lambda ids: {
        "outcome": "conference", "outcome_on": DAY}),
    "protection.record_conference": ("worker", "/section-47/{decided}/conference", None, lambda ids: {
        "held_on": DAY}),
    "protection.start_plan": ("worker", "/cases/{referral}/plans/new", None, lambda ids: {
        "kind": "cp", "category": "NEG", "started_on": DAY}),
    "protection.end_plan": ("worker", "/plans/{plan}/end", None, lambda ids: {"ended_on": DAY}),
    "protection.record_strategy_review": ("worker", "/strategy-discussions/{discussion}/review", None, lambda ids: {
        "reviewed_on": DAY, "reviewed_by_id": str(ids["manager"]), "outcome": "Enquiry continues"}),
    "casework.start_assessment": ("worker", "/cases/{moving}/assessment/start", None,
                                  lambda ids: {"started_on": DAY}),
    "casework.record_seen": ("worker", "/assessments/{assessment}/seen", None, lambda ids: {
        "child_seen_on": DAY, "is_child_seen_alone": "no", "carers_seen_on": DAY}),
    "casework.complete_assessment": ("worker", "/assessments/{assessment}/conclusion", None, lambda ids: {
        "completed_on": DAY, "requires_service": "yes", "factors": ["16A", "4B"], "primary_need": "N1",
        "summary": "Neglect; mother's depression", "needs-0-description": "Safe care",
        "needs-1-description": "Support for mother", "save": "y"}),
    "casework.authorise_assessment": ("manager", "/assessments/{assessment}/authorise", None,
                                      lambda ids: {"note": "Read with Wes: approved"}),
    "casework.start_service": ("worker", "/needs/{need}/services/new", None, lambda ids: {
        "what": "Family support worker", "provided_by": "Early help North", "started_on": DAY}),
    "casework.record_not_yet": ("worker", "/needs/{need}/not-yet", None,
                                lambda ids: {"reason": "Waiting list until January"}),
    "casework.end_service": ("worker", "/services/{service}/end", None,
                             lambda ids: {"ended_on": DAY, "reason": "Back in school"}),
    "casework.close_case": ("worker", "/cases/{referral}/close", None, lambda ids: {
        "closed_on": DAY, "reason": "RC7", "note": ""}),
    "escalations.acknowledge": ("manager", "/escalations/{escalation}/acknowledge", "/escalations",
                                lambda ids: {"note": "Rang Wes"}),
    "absences.record_absence": ("manager", "/absences/new", None, lambda ids: {
        "worker_id": str(ids["cora"]), "starts_date": ["1", "12", "2026"], "starts_time": "",
        "ends_date": ["2", "12", "2026"], "ends_time": "", "cover_id": "", "reason": "Annual leave"}),
    "absences.end_absence": ("manager", "/absences/{absence}/end", "/absences", lambda ids: {}),
    "absences.record_inbox_item": ("handler", "/inbox-items/new", None, lambda ids: {
        "worker_id": str(ids["cora"]), "channel": "phone", "sender": "Park Lane Primary",
        "summary": "Please call back about Leo", "received_date": DAY, "received_time": "10:15"}),
    "absences.action_inbox_item": ("worker", "/inbox-items/{letter}/action", None,
                                   lambda ids: {"note": "Filed on the case"}),
    "people.add_person": ("admin", "/people/new", None, lambda ids: {
        "display_name": "Ola Ade", "username": "ola.ade", "email": "ola.ade@example.org", "roles": ["duty_worker"],
        "team_id": str(ids["north"]), "password": NEW_PASSWORD}),
    "people.change_person": ("admin", "/people/{cora}/change", None, lambda ids: {
        "display_name": "Cora Lane", "email": "cora.lane@example.org", "roles": ["duty_worker", "duty_manager"],
        "team_id": str(ids["north"])}),
    "people.reset_password": ("admin", "/people/{cora}/password", None, lambda ids: {"password": NEW_PASSWORD}),
    "people.unlock": ("admin", "/people/{cora}/unlock", "/people/{cora}", lambda ids: {}),
    "people.deactivate": ("admin", "/people/{cora}/deactivate", None, lambda ids: {}),
    "people.add_team": ("admin", "/teams/new", None, lambda ids: {"name": "Duty West", "kind": "duty"}),
    "people.change_team": ("admin", "/teams/{south}/change", None, lambda ids: {
        "name": "Duty and assessment South", "kind": "duty"}),
    "people.choose_manager": ("admin", "/teams/{north}/manager", None, lambda ids: {"manager_id": ""}),
    "people.close_team": ("admin", "/teams/{empty}/close", "/teams/{empty}", lambda ids: {}),
    "people.reopen_team": ("admin", "/teams/{closed}/reopen", "/teams/{closed}", lambda ids: {}),
    "governance.draw_audit": ("senior", "/file-audits/new", None, lambda ids: {"quarter": "2026-10-01", "size": "1"}),
    "governance.record_finding": ("senior", "/file-audits/{audit}/files/{file}/findings", None, lambda ids: {
        "records_checked": "yes", "child_seen": "yes", "timescales_met": "no", "purpose_clear": "yes",
        "supervised": "na", "judgement": "requires_improvement", "findings": "Late visit", "actions": ""}),
    "governance.complete_audit": ("senior", "/file-audits/{done_audit}/complete", None,
                                  lambda ids: {"summary": "Supervision is recorded"}),
    "governance.sign_off_case": ("manager", "/cases/{referral}/sign-off", "/cases/{referral}",
                                 lambda ids: {"note": "Read with Wes: visit this week"}),
}


def test_every_post_route_either_saves_nothing_or_is_tested_to_save_once(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    untested = routes - set(SUBMISSIONS) - set(NOT_SAVING)
    assert not untested, (f"add a valid submission for {sorted(untested)} to SUBMISSIONS, so that posting it "
                          "twice is tested to save it once")
    assert set(SUBMISSIONS) | set(NOT_SAVING) <= routes


def test_every_form_that_posts_goes_through_the_form_macro_which_gives_it_its_token():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    raw = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
           if path.name != "forms.html" and re.search(r'<form[^>]*method="post"', path.read_text(), re.I)]
    assert raw == [], "post forms with {% call post_form() %} (templates/macros/forms.html)"


def row_counts() -> dict[str, int]:
    from sqlalchemy import text

    tables = [table.name for table in db.metadata.sorted_tables if table.name not in LOGS]
    counts = db.session.execute(text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))).one()
    db.session.rollback()
    return dict(zip(tables, counts))


def form_on(html: str, action: str) -> dict:
    """The hidden fields of the form on the page that posts to `action` (or to the page itself)."""
    from bs4 import BeautifulSoup

    for form in BeautifulSoup(html, "html.parser").find_all("form", method="post"):
        if (form.get("action") or "") == action:
            return {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    raise AssertionError(f"no form posting to {action} on the page")


@pytest.mark.parametrize("endpoint", sorted(SUBMISSIONS))
def test_the_same_valid_submission_posted_twice_is_saved_once(client, everything, endpoint):
    username, url, page_url, data = SUBMISSIONS[endpoint]
    url, page_url = url.format(**everything), (page_url or url).format(**everything)
    sign_in(client, username)
    page = client.get(page_url)
    assert page.status_code == 200
    hidden = form_on(page.get_data(as_text=True), url if page_url != url else "")
    assert set(hidden) == {"csrf_token", "submission_token"}
    form = {**hidden, **data(everything)}
    before = row_counts()
    first = client.post(url, data=form)
    assert first.status_code == 302, first.get_data(as_text=True)
    saved = row_counts()
    assert saved != before and saved["form_submissions"] == before["form_submissions"] + 1
    second = client.post(url, data=form)
    assert second.status_code == 302 and second.location == first.location
    assert row_counts() == saved, f"{endpoint}: the second post wrote rows"
    assert ALREADY in client.get(second.location).get_data(as_text=True)


@freeze_time(NOW)
def test_add_another_and_a_refused_form_save_nothing_so_the_same_form_still_saves_once(client, call):
    sign_in(client, "worker")
    url = f"/calls/{call.id}/children/{call.children[0].id}/strategy-discussion"
    page = client.get(url).get_data(as_text=True)
    token = submission_token(page)
    manager = create_user("manager", (Role.DUTY_MANAGER,), call.team, display_name="Maya Patel")
    db.session.commit()
    form = {"csrf_token": csrf_token(page), "submission_token": token, "held_date": ["23", "11", "2026"],
            "social_care_manager_id": str(manager.id),
            "held_time": "10:00", "attendees-0-name": "DS Asha Khan", "attendees-0-agency": "Police",
            "record": "Agreed a joint visit.", "circulated_to": "DS Khan",
            "circulated_date": ["23", "11", "2026"], "circulated_time": "10:30", "review_on": ["30", "11", "2026"]}
    # "Add another attendee" pressed twice on the same page: each shows the form again, with a
    # row more and the same token, and saves nothing.
    for rows in (2, 2):
        again = client.post(url, data={**form, "add_attendee": "y"})
        assert again.status_code == 200 and submission_token(again.get_data(as_text=True)) == token
        assert 'name="attendees-1-name"' in again.get_data(as_text=True)
    refused = client.post(url, data={**form, "held_time": "25:00", "save": "y"})
    assert refused.status_code == 200 and submission_token(refused.get_data(as_text=True)) == token
    assert count(FormSubmission) == 0
    saved = client.post(url, data={**form, "save": "y"})
    again = client.post(url, data={**form, "save": "y"})
    assert saved.status_code == again.status_code == 302 and again.location == saved.location
    from dutydesk.models import StrategyDiscussion

    assert count(StrategyDiscussion) == 1
    assert ALREADY in client.get(again.location).get_data(as_text=True)


@freeze_time(NOW)
def test_a_token_is_answered_only_for_the_form_it_was_given_to(client, call):
    # The call page's accept form was saved; its token posted to another form (by hand) is not
    # "already saved" there, and saves nothing there either: it is not that form's to claim.
    sign_in(client, "worker")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert client.post(decision_url(call), data={"csrf_token": csrf_token(page), **DECISION}).status_code == 302
    decision_page = client.get(decision_url(call)).get_data(as_text=True)
    token = submission_token(decision_page)
    client.post(decision_url(call), data={"csrf_token": csrf_token(page), "submission_token": token, **DECISION})
    other = client.post(f"/calls/{call.id}/actions/new", data={
        "csrf_token": csrf_token(page), "submission_token": token, "title": "Ring the school", "child": "call",
        "worker_id": str(call.accepted_by_id), "due_date": ["24", "11", "2026"], "due_time": ""})
    assert other.status_code == 302
    assert ALREADY not in client.get(other.location).get_data(as_text=True)
    assert count(ScreeningDecision) == 2  # the first without a token, the second with it


def test_a_password_change_posted_twice_changes_it_once_and_the_repeat_saves_nothing(client, everything):
    from dutydesk.models import User

    sign_in(client, "worker")
    page = client.get("/account/password").get_data(as_text=True)
    form = {**form_on(page, ""), "current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/account/password", data=form).status_code == 302
    changed = db.session.scalar(select(User.password_hash).where(User.username == "worker"))
    before = row_counts()
    repeat = client.post("/account/password", data=form)
    assert repeat.status_code == 400 and "nothing was saved" in repeat.get_data(as_text=True)
    assert row_counts() == before
    assert db.session.scalar(select(User.password_hash).where(User.username == "worker")) == changed
