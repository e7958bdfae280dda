"""R54: the report of the month's unallocated cases, made on the first working day of the month
after: what it holds, who is told, and the pages that show it and download it."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.extensions import db
from dutydesk.governance.jobs import produce_monthly_report
from dutydesk.models import MonthlyReport, Notice, RecordView, ScreeningOutcome
from dutydesk.models.codes import AssessmentFactor, ConcernCategory, PrimaryNeed
from tests.factories import at, sign_in

from .conftest import MONDAY, refer

#: Tuesday 1 December 2026, 09:00 (GMT): the opening of the first working day after November.
DUE = at("2026-12-01 09:00")


@pytest.fixture
def november(world):
    """Kai, unallocated with a reason and a contingency recorded the day after his referral; Noah,
    waiting to be allocated; Mia, allocated; Ruby, whose referral ended in no further action; Ava,
    waiting to be allocated after her assessment."""
    kai = refer(world, "Kai Brown", at("2026-11-02 10:00"), category=ConcernCategory.PHYSICAL_ABUSE)
    cases.record_unallocated(kai, reason="No worker with capacity until Monday",
                             contingency="Duty worker phones mother daily", by=world.manager,
                             now=at("2026-11-03 12:00"))
    noah = refer(world, "Noah Price", at("2026-11-20 10:00"), team=world.south)
    mia = refer(world, "Mia Novak", at("2026-11-10 10:00"))
    cases.allocate_case(mia, to=world.worker, by=world.manager, now=at("2026-11-10 11:00"))
    ruby = refer(world, "Ruby Adams", at("2026-11-11 10:00"))
    cases.record_screening_decision(ruby.contact, ruby.child, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Family moved away", by=world.worker, now=at("2026-11-12 10:00"))
    ava = refer(world, "Ava Martin", at("2026-11-04 10:00"))
    assessment = casework.start_assessment(ava, started_on=date(2026, 11, 5), by=world.worker,
                                           now=at("2026-11-05 10:00"))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=date(2026, 11, 16), requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="Neglected", needs=["Regular meals"]),
        by=world.worker, now=at("2026-11-16 10:00"))
    db.session.commit()
    return {"kai": kai, "noah": noah, "mia": mia, "ruby": ruby, "ava": ava}


def test_the_report_holds_each_unallocated_case_with_its_nature_reason_contingency_and_since_when(world, november):
    report = produce_monthly_report(DUE)

    assert (report.month, report.made_at, report.due_at) == (date(2026, 11, 1), DUE, DUE)
    lines = [(line.referral.child.display_name, line.team.name, line.concern_category, line.primary_need,
              line.reason, line.contingency, line.unallocated_since) for line in report.cases]
    assert lines == [  # the longest waiting first; Mia (allocated) and Ruby (no further action) are not in it
        ("Kai Brown", "Duty North", ConcernCategory.PHYSICAL_ABUSE, None, "No worker with capacity until Monday",
         "Duty worker phones mother daily", at("2026-11-02 10:20")),  # since his referral
        ("Ava Martin", "Duty North", ConcernCategory.NEGLECT, PrimaryNeed.ABUSE_OR_NEGLECT,
         cases.AWAITING_ALLOCATION, "", at("2026-11-04 10:20")),
        ("Noah Price", "Duty South", ConcernCategory.NEGLECT, None, cases.AWAITING_ALLOCATION, "",
         at("2026-11-20 10:20")),
    ]


def test_the_senior_managers_and_directors_are_told_once_and_nobody_else(world, november):
    produce_monthly_report(DUE)
    assert produce_monthly_report(DUE + timedelta(hours=1)) is None  # made already: nothing more

    told = db.session.execute(select(Notice.recipient_id, Notice.report_id).order_by(Notice.recipient_id)).all()
    report_id = db.session.scalar(select(MonthlyReport.id))
    assert told == [(world.senior.id, report_id), (world.director.id, report_id)]


def test_a_case_allocated_later_stays_in_the_report_as_it_stood_when_it_was_made(world, november):
    report = produce_monthly_report(DUE)
    cases.allocate_case(november["kai"], to=world.worker, by=world.manager, now=DUE + timedelta(hours=1))
    db.session.commit()
    db.session.expire_all()
    kai = next(line for line in db.session.get(MonthlyReport, report.id).cases
               if line.referral_id == november["kai"].id)
    assert (kai.reason, kai.contingency) == ("No worker with capacity until Monday", "Duty worker phones mother daily")


def test_with_no_case_unallocated_the_report_is_made_and_says_so(world, client):
    report = produce_monthly_report(DUE)
    assert report.cases == []
    sign_in(client, "director")
    with freeze_time(DUE + timedelta(hours=1)):
        html = client.get(f"/monthly-reports/{report.id}").get_data(as_text=True)
    assert "<strong>0</strong> cases without an allocated worker" in html
    assert "Every open case had a named, active worker." in html


def test_the_director_is_shown_the_new_report_opens_it_and_its_opening_is_logged_for_each_child(world, november,
                                                                                                client):
    report = produce_monthly_report(DUE)
    sign_in(client, "director")
    with freeze_time(DUE + timedelta(hours=1)):
        listing = client.get("/monthly-reports").get_data(as_text=True)
        assert 'id="reports-new">1' in listing and "New</strong>" in listing
        assert "November 2026" in listing
        page = client.get(f"/monthly-reports/{report.id}").get_data(as_text=True)
        again = client.get("/monthly-reports").get_data(as_text=True)
    assert "<strong>3</strong> cases without an allocated worker as at 09:00 on Tuesday 1 December 2026" in page
    for words in ("Kai Brown", "No worker with capacity until Monday", "Duty worker phones mother daily",
                  "Physical abuse", "Need found: N1 Abuse or neglect", "Not assessed yet", "28 days 22 hours",
                  "None recorded"):
        assert words in page, words
    assert "Mia Novak" not in page and "Ruby Adams" not in page
    assert 'id="reports-new"' not in again and "New</strong>" not in again
    logged = {view.contact_id for view in db.session.scalars(select(RecordView).where(
        RecordView.user_id == world.director.id, RecordView.is_list.is_(True)))}
    assert logged == {november[name].contact_id for name in ("kai", "noah", "ava")}


def test_the_report_downloads_as_csv_and_excel_with_nothing_a_spreadsheet_would_run(world, november, client):
    cases.record_unallocated(november["noah"], reason="=HYPERLINK(\"http://evil.example\")",
                             contingency="@SUM(1)", by=world.south_manager, now=MONDAY)
    db.session.commit()
    report = produce_monthly_report(DUE)
    sign_in(client, "senior")

    response = client.get(f"/monthly-reports/{report.id}/download?format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="unallocated-cases-2026-11.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Child's record", "Name", "Call"]
    assert [row[1] for row in rows[1:]] == ["Kai Brown", "Ava Martin", "Noah Price"]
    noah = rows[3]
    assert noah[7:10] == ["'=HYPERLINK(\"http://evil.example\")", "'@SUM(1)", "2026-11-20"]
    assert rows[1][10] == "28"  # Kai: from 10:20 on 2 November to 09:00 on 1 December

    response = client.get(f"/monthly-reports/{report.id}/download?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()))["Unallocated cases"]
    assert [cell.value for cell in sheet["B"]][1:] == ["Kai Brown", "Ava Martin", "Noah Price"]
    assert sheet["H4"].value == "=HYPERLINK(\"http://evil.example\")" and sheet["H4"].data_type == "s"


def test_a_month_whose_report_was_never_made_is_listed_as_missed(world, client):
    produce_monthly_report(at("2026-10-01 09:00"))  # September's
    produce_monthly_report(DUE)  # November's: no scheduler ran on 2 November
    sign_in(client, "senior")
    with freeze_time(DUE):
        html = client.get("/monthly-reports").get_data(as_text=True)
    assert "No report was made for October 2026" in html
    assert "The report of December 2026 will be made at 09:00 on Monday 4 January 2027" in html


def test_duty_managers_and_workers_cannot_see_the_monthly_reports(world, november, client):
    report = produce_monthly_report(DUE)
    sign_in(client, "manager")
    assert client.get("/monthly-reports").status_code == 403
    assert client.get(f"/monthly-reports/{report.id}").status_code == 403
    assert client.get(f"/monthly-reports/{report.id}/download?format=csv").status_code == 403
    assert "Monthly reports" not in client.get("/board").get_data(as_text=True)
