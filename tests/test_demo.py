"""`make run` seeds demo data: it must load on an empty database and show every kind of work."""

from datetime import date

from freezegun import freeze_time

from dutydesk import demo, rules
from dutydesk.clock import now_utc
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import (Absence, CaseSignOff, ContactChild, Escalation, FileAudit, InboxItem, MonthlyReport, Referral,
                             StrategyDiscussion, Transfer)
from tests.factories import sign_in


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_data_loads_and_the_north_board_shows_cases_in_every_state(client):
    assert "5 cases" in demo.seed()
    db.session.commit()
    referrals = db.session.scalars(db.select(Referral)).all()
    assert sorted((r.child.display_name, r.is_allocated) for r in referrals) == [
        ("Anna Kouao", True), ("Kai Brown", False), ("Mia Novak", True), ("Noah Price", False), ("Ruby Adams", True)]
    assert db.session.scalar(db.select(Transfer)).accepted_at is None
    discussion = db.session.scalar(db.select(StrategyDiscussion))
    assert len(discussion.attendees) == 3 and discussion.social_care_manager.username == "manager"  # R93
    mia = next(r for r in referrals if r.child.display_name == "Mia Novak")
    [enquiry] = mia.section47_enquiries
    assert enquiry.strategy_discussion == discussion and enquiry.outcome.needs_conference
    assert enquiry.conference_obligation.due_at == rules.conference_due_at(discussion.held_at)
    assert [(p.kind.value, p.latest_category.value) for p in mia.plans] == [("cp", "SAB")]
    sign_in(client, "manager", demo.DEMO_PASSWORD)
    html = client.get("/board").get_data(as_text=True)
    assert "Accept the transfer of Noah Price from Duty and assessment South" in html
    assert "Request the hospital&#39;s skeletal survey results" in html
    assert "Overdue" in html
    case = client.get(f"/cases/{mia.id}").get_data(as_text=True)
    assert "Section 47 enquiries" in case and "Held on 23 Nov 2026" in case and "Sexual abuse" in case


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_has_an_absence_with_cover_and_the_first_sweep_escalates_the_overdue_work(client):
    demo.seed()
    db.session.commit()
    absence = db.session.scalar(db.select(Absence))
    assert (absence.worker.username, absence.cover.username) == ("priya", "worker")
    holders = sorted((item.channel.value, item.holder.username) for item in db.session.scalars(db.select(InboxItem)))
    assert holders == [("phone", "worker"), ("post", "priya")]
    report = sweep(now_utc())
    assert report.total > 0
    overdue_letter = db.session.scalar(db.select(Escalation).where(Escalation.inbox_item_id.is_not(None),
                                                                   Escalation.level == 1))
    assert overdue_letter.recipient.username == "manager"
    sign_in(client, "manager", demo.DEMO_PASSWORD)
    html = client.get("/board").get_data(as_text=True)
    assert "not yet acknowledged" in html and "Away" in html
    assert 'id="escalations-waiting"' in html


@freeze_time("2026-11-23 11:00:00")
def test_every_demo_call_has_a_child_record_and_one_child_is_known_under_two_spellings_in_two_teams(client):
    demo.seed()
    db.session.commit()
    contact_children = db.session.scalars(db.select(ContactChild)).all()
    assert len(contact_children) == 9 and all(cc.child is not None for cc in contact_children)
    assert len({cc.child_id for cc in contact_children}) == 9  # no records check yet: one record each
    anna, ana = (db.session.scalar(db.select(ContactChild).where(ContactChild.name == name))
                 for name in ("Anna Kouao", "Ana Kouao"))
    assert anna.child.date_of_birth == ana.child.date_of_birth
    assert [a.normalised for a in anna.child.addresses] == [a.normalised for a in ana.child.addresses]
    assert (anna.contact.team.name, ana.contact.team.name) == ("Duty and assessment North",
                                                               "Duty and assessment South")
    assert anna.referral.is_open and ana.contact.received_at > anna.contact.received_at
    sign_in(client, "south", demo.DEMO_PASSWORD)
    page = client.get(f"/children/{anna.child_id}").get_data(as_text=True)
    assert "Anna Kouao" in page and "Open work in other teams" in page  # North holds her case


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_has_an_authorised_assessment_with_a_need_met_and_one_not_yet_and_a_closed_case(client):
    demo.seed()
    db.session.commit()
    anna = db.session.scalar(db.select(Referral).join(ContactChild, ContactChild.id == Referral.child_id)
                             .where(ContactChild.name == "Anna Kouao"))
    assessment = anna.assessments[0]
    assert assessment.is_authorised and [bool(need.services) for need in assessment.needs] == [True, False]
    assert assessment.needs[1].not_yet_reason.startswith("No school place offered yet")
    ruby = db.session.scalar(db.select(Referral).join(ContactChild, ContactChild.id == Referral.child_id)
                             .where(ContactChild.name == "Ruby Adams"))
    assert ruby.closure is not None and not ruby.is_open
    assert all(o.met_at is not None for o in ruby.contact.obligations)  # nothing left running on the board
    sign_in(client, "manager", demo.DEMO_PASSWORD)
    html = client.get(f"/cases/{anna.id}").get_data(as_text=True)
    assert "Family support worker, three visits a week" in html and "No school place offered yet" in html
    assert "Closed</strong> on" in client.get(f"/cases/{ruby.id}").get_data(as_text=True)


@freeze_time("2026-11-23 11:00:00")
def test_the_demos_returns_are_clean_the_census_valid_with_no_problem_and_annex_a_with_nothing_missing(tmp_path):
    import io
    from pathlib import Path

    from lxml import etree

    from dutydesk.returns.census import CensusYear, children_in_need, write_xml
    from dutydesk.returns.quality import quality_report

    demo.seed()
    db.session.flush()
    year = CensusYear(2026)  # the demo's calls are all in 2026-27
    report = quality_report(db.session, year)
    assert report.summary.children == 5 and report.summary.episodes == 5  # the five referred children
    assert report.problems == []
    out = io.BytesIO()
    write_xml(out, children_in_need(db.session, year), year, "309", release="demo", produced_at=now_utc())
    schema = Path(__file__).resolve().parents[2] / "shared" / "specs" / "cin-census-2025.xsd"
    assert etree.XMLSchema(etree.parse(str(schema))).validate(etree.fromstring(out.getvalue()))

    from dutydesk.returns.annex_a import write_workbook
    from dutydesk.statistics.rec29 import Period

    summary = write_workbook(db.session, Period(year.first, date(2026, 11, 23)), str(tmp_path / "annex-a.xlsx"))
    assert [(found.sheet, found.rows > 0, found.missing) for found in summary.lists] == [
        ("List 1", True, 0), ("List 3", True, 0), ("List 4", True, 0), ("List 5", True, 0), ("List 6", True, 0)]


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_gives_the_senior_manager_a_monthly_report_an_audit_under_way_and_a_signed_case_file(client):
    assert "the monthly report of unallocated cases for October 2026" in demo.seed()
    db.session.commit()
    [report] = db.session.scalars(db.select(MonthlyReport)).all()
    assert sorted(line.referral.child.display_name for line in report.cases) == ["Kai Brown", "Noah Price"]
    [audit] = db.session.scalars(db.select(FileAudit)).all()
    assert len(audit.files) == 3 and [file.finding is not None for file in audit.files] == [True, False, False]
    sign_in(client, "senior", demo.DEMO_PASSWORD)
    listing = client.get("/monthly-reports").get_data(as_text=True)
    assert "October 2026" in listing and 'id="reports-new">1' in listing
    page = client.get(f"/monthly-reports/{report.id}").get_data(as_text=True)
    assert "Kai Brown" in page and "Duty worker phones mother daily" in page
    audits = client.get("/file-audits").get_data(as_text=True)
    assert "October to December 2026" in audits and "In progress" in audits
    anna = db.session.scalar(db.select(CaseSignOff)).referral
    assert "Read with Wes: the plan is clear." in client.get(f"/cases/{anna.id}").get_data(as_text=True)
