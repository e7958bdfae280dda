"""R30: a senior manager's quarterly audit of a random sample of case files: drawn from the cases open
in the quarter with a recorded seed that draws the same files again, findings on each file, and
completed; through the operations and through the pages."""

import hashlib
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.governance import operations, queries, sampling
from dutydesk.governance.jobs import remind_of_missing_audit
from dutydesk.governance.questions import QUESTIONS
from dutydesk.models import (AuditAnswer, AuditJudgement, FileAudit, FileAuditFinding, RecordView, Referral,
                             ScreeningOutcome)
from dutydesk.models.codes import AssessmentFactor, ClosureReason, PrimaryNeed
from tests.factories import at, post_form, sign_in

from .conftest import refer

#: The quarter audited: October to December 2026; the audit is drawn on Monday 23 November.
QUARTER = date(2026, 10, 1)
NOW = at("2026-11-23 12:00")
ALL_YES = {question.key: AuditAnswer.YES for question in QUESTIONS}


@pytest.fixture
def quarter_cases(world) -> dict[str, Referral]:
    """Twelve cases open in the quarter; one closed before it began, one referred after it ended."""
    found = {f"child{n}": refer(world, f"Child Number{n}", at("2026-10-05 10:00") + timedelta(days=n))
             for n in range(12)}
    closed = refer(world, "Ruby Adams", at("2026-08-03 10:00"))
    assessment = casework.start_assessment(closed, started_on=date(2026, 8, 4), by=world.worker,
                                           now=at("2026-08-04 10:00"))
    casework.record_seen(assessment, child_seen_on=date(2026, 8, 5), is_child_seen_alone=True,
                         carers_seen_on=date(2026, 8, 5), by=world.worker, now=at("2026-08-05 16:00"))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=date(2026, 8, 20), requires_service=False, factors=[AssessmentFactor.NO_FACTORS],
        primary_need=PrimaryNeed.NOT_IN_NEED, summary="Safe", needs=[]), by=world.worker, now=at("2026-08-20 10:00"))
    casework.authorise_assessment(assessment, note="Agreed", by=world.manager, now=at("2026-08-21 10:00"))
    casework.close_case(closed, closed_on=date(2026, 9, 1), reason=ClosureReason.NFA_AFTER_ASSESSMENT, note="",
                        checks={}, by=world.manager, now=at("2026-09-01 10:00"))
    found["nfa_in_quarter"] = refer(world, "Noah Price", at("2026-09-20 10:00"))
    cases.record_screening_decision(found["nfa_in_quarter"].contact, found["nfa_in_quarter"].child,
                                    outcome=ScreeningOutcome.NO_FURTHER_ACTION, rationale="Moved away",
                                    by=world.worker, now=at("2026-10-02 10:00"))
    found["closed_before"] = closed
    found["next_quarter"] = refer(world, "Ava Martin", at("2027-01-04 10:00"))
    db.session.commit()
    return found


def test_the_population_is_every_case_open_at_any_time_in_the_quarter(world, quarter_cases):
    expected = sorted(referral.id for name, referral in quarter_cases.items()
                      if name not in ("closed_before", "next_quarter"))
    assert queries.list_population(QUARTER) == expected  # the one that ended in NFA on 2 October is in it


def test_the_sample_is_drawn_again_from_its_seed_and_gives_the_same_files_in_the_same_order(world, quarter_cases):
    audit = operations.draw_audit(QUARTER, size=5, by=world.senior, now=NOW)
    db.session.commit()
    drawn = [file.referral_id for file in audit.files]

    # Anyone: the seed recorded, over the cases open in the quarter, by the rule written on the page.
    population = queries.list_population(QUARTER)
    by_hand = sorted(population, key=lambda case_id: hashlib.sha256(f"{audit.seed}:{case_id}".encode()).hexdigest())[:5]
    assert by_hand == drawn
    assert sampling.draw(population, audit.seed, 5) == drawn == operations.redraw(audit)
    assert audit.population == population and len(set(drawn)) == 5
    # Another audit with the same seed draws the same files; another seed, other files.
    again = operations.draw_audit(QUARTER, size=5, by=world.senior, now=NOW, seed=audit.seed)
    assert [file.referral_id for file in again.files] == drawn
    other = operations.draw_audit(QUARTER, size=5, by=world.senior, now=NOW, seed=audit.seed + 1)
    assert [file.referral_id for file in other.files] != drawn


def test_two_audits_drawn_without_a_seed_get_seeds_of_their_own(world, quarter_cases):
    seeds = {operations.draw_audit(QUARTER, size=3, by=world.senior, now=NOW).seed for _ in range(3)}
    assert len(seeds) == 3


@pytest.mark.parametrize("quarter, size, message", [
    (date(2027, 1, 1), 3, "January to March 2027 has not begun: choose this quarter or an earlier one"),
    (QUARTER, 0, "Choose between 1 and 50 files"),
    (QUARTER, 14, "Only 13 cases were open in October to December 2026: choose 13 or fewer files"),
    (date(2025, 10, 1), 1, "No case was open in October to December 2025: choose another quarter"),
])
def test_a_sample_that_cannot_be_drawn_is_refused_saying_why(world, quarter_cases, quarter, size, message):
    with pytest.raises(DomainError, match=message):
        operations.draw_audit(quarter, size=size, by=world.senior, now=NOW)


def test_findings_recorded_again_stand_in_place_of_the_earlier_which_stay(world, quarter_cases):
    audit = operations.draw_audit(QUARTER, size=1, by=world.senior, now=NOW)
    [file] = audit.files
    operations.record_finding(file, judgement=AuditJudgement.GOOD, answers=ALL_YES, findings="Clear",
                              actions="", by=world.senior, now=NOW)
    operations.record_finding(file, judgement=AuditJudgement.REQUIRES_IMPROVEMENT,
                              answers={**ALL_YES, "supervised": AuditAnswer.NO}, findings="Never signed",
                              actions="Supervise monthly", by=world.senior, now=NOW + timedelta(hours=1))
    db.session.commit()
    assert (file.finding.judgement, file.finding.answers["supervised"]) == (AuditJudgement.REQUIRES_IMPROVEMENT, "no")
    assert [f.findings for f in db.session.scalars(select(FileAuditFinding).order_by(FileAuditFinding.id))] == [
        "Clear", "Never signed"]


def test_an_audit_completes_only_once_every_file_has_findings_and_then_takes_no_more(world, quarter_cases):
    audit = operations.draw_audit(QUARTER, size=2, by=world.senior, now=NOW)
    first, second = audit.files
    operations.record_finding(first, judgement=AuditJudgement.GOOD, answers=ALL_YES, findings="Clear",
                              actions="", by=world.senior, now=NOW)
    with pytest.raises(DomainError, match="Record the findings of every file first: 1 of 2 has none yet"):
        operations.complete_audit(audit, summary="Done", by=world.senior, now=NOW)
    operations.record_finding(second, judgement=AuditJudgement.INADEQUATE, answers=ALL_YES, findings="No plan",
                              actions="Plan within a week", by=world.senior, now=NOW)
    operations.complete_audit(audit, summary="One file needs a plan", by=world.senior, now=NOW)
    with pytest.raises(DomainError, match="The audit was completed by Simon Reid on 23 November 2026"):
        operations.record_finding(first, judgement=AuditJudgement.GOOD, answers=ALL_YES, findings="Again",
                                  actions="", by=world.senior, now=NOW)
    assert audit.is_completed and audit.summary == "One file needs a plan"


def test_a_senior_manager_draws_an_audit_records_findings_and_completes_it_through_the_pages(world, quarter_cases,
                                                                                             client):
    sign_in(client, "senior")
    with freeze_time(NOW):
        form = client.get("/file-audits/new").get_data(as_text=True)
        assert 'value="2026-10-01" selected' in form and 'value="10"' in form
        refused = post_form(client, "/file-audits/new", {"quarter": "2026-10-01", "size": "99"})
        assert "Enter a whole number of files from 1 to 50, like 10" in refused.get_data(as_text=True)
        assert 'value="99"' in refused.get_data(as_text=True)  # what was typed is kept
        drawn = post_form(client, "/file-audits/new", {"quarter": "2026-10-01", "size": "2"})
        audit = db.session.scalar(select(FileAudit))
        assert drawn.headers["Location"] == f"/file-audits/{audit.id}"
        page = client.get(f"/file-audits/{audit.id}").get_data(as_text=True)
        assert f'<span id="seed">{audit.seed}</span>' in page
        assert "Drawn again now from the seed: the same files, in the same order." in page
        first, second = audit.files
        url = f"/file-audits/{audit.id}/files/{first.id}/findings"
        missing = post_form(client, url, {"judgement": "good", "findings": "Clear"}).get_data(as_text=True)
        assert f"Answer: {QUESTIONS[0].text}" in missing
        for file in (first, second):
            answers = {question.key: "yes" for question in QUESTIONS}
            post_form(client, f"/file-audits/{audit.id}/files/{file.id}/findings",
                      {**answers, "judgement": "requires_improvement", "findings": f"File {file.position}",
                       "actions": "Sign it"})
        done = post_form(client, f"/file-audits/{audit.id}/complete", {"summary": "Supervision is thin"},
                         follow_redirects=True).get_data(as_text=True)
        listing = client.get("/file-audits").get_data(as_text=True)
    assert "The audit of October to December 2026 is complete" in done and "Supervision is thin" in done
    assert done.count("Requires improvement") == 2 and "File 0" in done and "Actions: Sign it" in done
    assert "Completed</strong>" in listing
    logged = {view.contact_id for view in db.session.scalars(select(RecordView).where(
        RecordView.user_id == world.senior.id))}
    assert {first.referral.contact_id, second.referral.contact_id} <= logged  # the audit page, the findings pages


def test_a_director_sees_audits_but_only_senior_managers_draw_and_record_them(world, quarter_cases, client):
    audit = operations.draw_audit(QUARTER, size=1, by=world.senior, now=NOW)
    db.session.commit()
    sign_in(client, "director")
    assert client.get(f"/file-audits/{audit.id}").status_code == 200
    assert "Record the findings" not in client.get(f"/file-audits/{audit.id}").get_data(as_text=True)
    assert client.get("/file-audits/new").status_code == 403
    assert client.get(f"/file-audits/{audit.id}/files/{audit.files[0].id}/findings").status_code == 403
    manager = client.application.test_client()
    sign_in(manager, "manager")
    assert manager.get("/file-audits").status_code == 403


def test_a_file_of_another_audit_is_not_found(world, quarter_cases, client):
    one = operations.draw_audit(QUARTER, size=1, by=world.senior, now=NOW)
    other = operations.draw_audit(QUARTER, size=1, by=world.senior, now=NOW)
    db.session.commit()
    sign_in(client, "senior")
    assert client.get(f"/file-audits/{one.id}/files/{other.files[0].id}/findings").status_code == 404


def test_the_audits_page_shows_the_quarters_reminded_and_clears_the_reminder_once_seen(world, client):
    remind_of_missing_audit(at("2026-10-01 09:00", "Europe/London"))
    sign_in(client, "senior")
    with freeze_time(NOW):
        board = client.get("/board").get_data(as_text=True)
        page = client.get("/file-audits").get_data(as_text=True)
        after = client.get("/file-audits").get_data(as_text=True)
    assert 'id="audits-due">1' in board
    assert "July to September 2026 passed without a file audit completed." in page
    assert 'id="audits-due"' not in page  # seen: no longer counted
    assert "July to September 2026 passed without" in after  # still said, until an audit is completed
