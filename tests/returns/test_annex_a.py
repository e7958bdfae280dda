"""Ofsted's Annex A on a hand-built set of children whose rows the tests work out by hand: Leo,
referred again within a year, assessed, the subject of a section 47 enquiry, a conference and a
child protection plan; Amira, whose call at 00:30 on 1 April is April's, her ethnicity never
asked; Mia, assessed as needing no service and her case closed; Kai, two records merged into one;
and calls either side of the period's London midnights. The command writes the workbook and says
what is in it; the statistics page downloads it, for directors and senior managers only, logged
as a view of every child in it."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk import rules
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.casework.operations import ClosureCheck, Conclusion
from dutydesk.children.merging import merge_children
from dutydesk.children.operations import correct_details
from dutydesk.clock import LONDON, as_utc
from dutydesk.contacts import operations as calls
from dutydesk.contacts.operations import Flags, ReferrerDetails
from dutydesk.extensions import db
from dutydesk.models import Child, RecordView, Referral, Role, ScreeningOutcome, TeamKind
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.codes import (
    ANNEX_A_CASE_STATUS,
    ANNEX_A_CLOSURE_REASON,
    ANNEX_A_ETHNICITY,
    ANNEX_A_GENDER,
    ANNEX_A_PRIMARY_NEED,
    ANNEX_A_SOURCE,
    AbuseCategory,
    AssessmentFactor,
    CaseStatus,
    ClosureReason,
    Disability,
    Ethnicity,
    PlanKind,
    PrimaryNeed,
    ReferralSource,
    Section47Outcome,
    Sex,
)
from dutydesk.returns import annex_a
from dutydesk.statistics.rec29 import Period
from tests.factories import child_details, create_contact, create_team, create_user, sign_in

APRIL_TO_JUNE = Period(date(2026, 4, 1), date(2026, 6, 30))

#: Annex A's headings, in its order, as the template has them.
HEADINGS = {
    "List 1": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
               "Contact Source"],
    "List 3": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of referral",
               "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
               "Allocated Worker"],
    "List 4": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
               "Does the Child have a Disability", "Continuous Assessment Start Date",
               "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
               "Allocated Worker"],
    "List 5": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
               "Does the Child have a Disability", "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
               "Allocated Team", "Allocated Worker"],
    "List 6": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
               "Does the Child have a Disability", "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
               "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
}


def london(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text).replace(tzinfo=LONDON))


def day(text: str) -> date:
    return date.fromisoformat(text)


@dataclass
class World:
    leo: Child
    amira: Child
    mia: Child
    kai: Child
    kai_again: Child
    #: The calls received in April to June: Amira's, Leo's second, Mia's and Kai's two.
    calls_in_period: set[int]


def build() -> World:
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    handler = create_user("handler", (Role.CALL_HANDLER,), centre)
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    police = ReferrerDetails(name="PC Dale", role="Officer", agency="Met Police", address="Tottenham police station",
                             phone="101", is_professional=True, source=ReferralSource.POLICE)

    def call(received: str, name: str, record=None, born: date | None = None, **overrides):
        contact = create_contact(london(received), team=north, by=handler, children=[child_details(
            name=name, record=record, date_of_birth=born, approximate_age=None)], **overrides)
        return contact, contact.children[0]

    def refer(contact, child, at: str, outcome=ScreeningOutcome.REFERRAL) -> Referral | None:
        cases.record_screening_decision(contact, child, outcome=outcome, rationale="Needs assessing", by=wes,
                                        now=london(at))
        return cases.get_referral(child)

    def details(child: Child, sex: Sex, ethnicity: Ethnicity | None, disabilities, at: str):
        correct_details(child, sex=sex, ethnicity=ethnicity, disabilities=disabilities, upn="", by=wes, now=london(at))

    # Leo: referred in June 2025 (no further action the next day), and again on 14 April 2026, from
    # his school; assessed, a section 47 enquiry, its conference and a child protection plan.
    first, first_child = call("2025-06-10 10:00", "Leo Martin", born=date(2019, 3, 27))
    refer(first, first_child, "2025-06-10 10:20")
    refer(first, first_child, "2025-06-11 10:00", ScreeningOutcome.NO_FURTHER_ACTION)
    leo = first_child.child
    details(leo, Sex.MALE, Ethnicity.WHITE_BRITISH, [Disability.NONE], "2025-06-11 11:00")
    again, again_child = call("2026-04-14 09:30", "Leo Martin", record=leo)
    referral = refer(again, again_child, "2026-04-14 09:50")
    cases.allocate_case(referral, to=wes, by=maya, now=london("2026-04-14 10:00"))
    assessment = casework.start_assessment(referral, started_on=day("2026-04-15"), by=wes,
                                           now=london("2026-04-15 12:00"))
    enquiry = casework.start_section47(referral, started_on=day("2026-04-16"), discussion=None, by=wes,
                                       now=london("2026-04-16 12:00"))
    casework.record_seen(assessment, child_seen_on=day("2026-04-20"), is_child_seen_alone=True,
                         carers_seen_on=day("2026-04-20"), by=wes, now=london("2026-04-20 17:00"))
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=day("2026-04-20"),
                                      by=wes, now=london("2026-04-20 17:00"))
    casework.complete_assessment(assessment, Conclusion(
        completed_on=day("2026-05-01"), requires_service=True, factors=[AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT, summary="", needs=["Safe care at home"]),
        by=wes, now=london("2026-05-01 12:00"))
    casework.authorise_assessment(assessment, note="Approved", by=maya, now=london("2026-05-05 12:00"))
    casework.record_conference(enquiry, held_on=day("2026-05-06"), by=wes, now=london("2026-05-06 15:00"))
    casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=day("2026-05-06"),
                        category=AbuseCategory.NEGLECT, by=wes, now=london("2026-05-06 15:00"))

    # Amira: the police call at 00:30 on 1 April (23:30 on 31 March, UTC), taken no further; her
    # ethnicity never asked.
    contact, amira_child = call("2026-04-01 00:30", "Amira Hassan", born=date(2015, 6, 30), referrer=police)
    refer(contact, amira_child, "2026-04-01 09:30", ScreeningOutcome.NO_FURTHER_ACTION)
    # Either side of the period: 23:59 on 31 March, and 00:10 on 1 July (23:10 on 30 June, UTC).
    call("2026-03-31 23:59", "Omar Farah")
    call("2026-07-01 00:10", "Ella Reed")

    # Mia: deliberate harm alleged; seen on the call's clock and in the assessment, which found she
    # needs no service; the case closed.
    contact, mia_child = call("2026-04-20 10:00", "Mia Novak", born=date(2012, 11, 5),
                              flags=Flags(is_deliberate_harm_alleged=True))
    mia_case = refer(contact, mia_child, "2026-04-20 10:30")
    cases.allocate_case(mia_case, to=wes, by=maya, now=london("2026-04-20 10:40"))
    details(mia_child.child, Sex.FEMALE, Ethnicity.PAKISTANI, None, "2026-04-20 11:00")
    assessment = casework.start_assessment(mia_case, started_on=day("2026-04-21"), by=wes,
                                           now=london("2026-04-21 12:00"))
    casework.record_seen(assessment, child_seen_on=day("2026-04-22"), is_child_seen_alone=False,
                         carers_seen_on=day("2026-04-22"), by=wes, now=london("2026-04-22 17:00"))
    calls.record_child_seen(contact, mia_child, seen_at=london("2026-04-25 14:00"), seen_by=wes, is_seen_alone=True,
                            is_spoken_to=True, by=wes, now=london("2026-04-25 15:00"))
    casework.complete_assessment(assessment, Conclusion(
        completed_on=day("2026-05-08"), requires_service=False, factors=[AssessmentFactor.NO_FACTORS],
        primary_need=PrimaryNeed.NOT_IN_NEED, summary="", needs=[]), by=wes, now=london("2026-05-08 12:00"))
    casework.authorise_assessment(assessment, note="Approved", by=maya, now=london("2026-05-10 12:00"))
    casework.close_case(mia_case, closed_on=day("2026-05-12"), reason=ClosureReason.NFA_AFTER_ASSESSMENT, note="",
                        checks={name: ClosureCheck(True) for name, _ in CLOSURE_CHECKS}, by=wes,
                        now=london("2026-05-12 12:00"))

    # Kai: referred on 2 May as "Kai Brown" and on 20 May as "Kai Browne", a second record, found
    # to be him and merged into the first. Neither case has a named worker.
    contact, kai_child = call("2026-05-02 10:00", "Kai Brown", born=date(2020, 2, 29))
    refer(contact, kai_child, "2026-05-02 10:30")
    kai = kai_child.child
    details(kai, Sex.MALE, Ethnicity.CARIBBEAN, [Disability.AUTISM], "2026-05-02 11:00")
    contact, again_child = call("2026-05-20 10:00", "Kai Browne", born=date(2020, 3, 1))
    refer(contact, again_child, "2026-05-20 10:30")
    details(again_child.child, Sex.FEMALE, Ethnicity.NOT_OBTAINED, None, "2026-05-20 11:00")  # mistaken
    merge_children(again_child.child, into=kai, reason="Same child: school and GP confirm", by=maya,
                   now=london("2026-05-21 10:00"))
    db.session.commit()
    in_period = {again.id, amira_child.contact_id, mia_child.contact_id, kai_child.contact_id, again_child.contact_id}
    return World(leo, amira_child.child, mia_child.child, kai, again_child.child, in_period)


def workbook(period: Period = APRIL_TO_JUNE) -> tuple[openpyxl.Workbook, annex_a.Summary]:
    out = io.BytesIO()
    summary = annex_a.write_workbook(db.session, period, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())), summary


def rows(book: openpyxl.Workbook, sheet: str) -> list[list]:
    """The sheet's rows after its headings, dates read back as dates."""
    return [[value.date() if isinstance(value, datetime) else value for value in row]
            for row in book[sheet].iter_rows(min_row=2, values_only=True)]


def typed(html: str, name: str) -> list[str]:
    """The day, month and year in a form's date inputs."""
    return re.findall(rf'name="{name}" type="text" value="([^"]*)"', html)


def test_every_sheet_has_annex_as_headings_in_order_and_rows_worked_out_by_hand():
    world = build()
    book, summary = workbook()

    assert book.sheetnames == ["List 1", "List 3", "List 4", "List 5", "List 6"]
    for sheet, headings in HEADINGS.items():
        assert [cell.value for cell in book[sheet][1]] == headings
    leo = world.leo.reference
    person = [leo, "a) Male", "a) WBRI", date(2019, 3, 27)]
    # Leo was 7 on each day: born 27 March 2019.
    assert person + [7, date(2026, 4, 14), "e) 2A: Schools"] in rows(book, "List 1")
    # Referred once before within 12 months (10 June 2025), that referral ended in no further action.
    assert [row for row in rows(book, "List 3") if row[0] == leo] == [
        person + [7, date(2026, 4, 14), "e) 2A: Schools", "b) No", 1, "Duty North", "Wes Adebayo"]]
    assert [row for row in rows(book, "List 4") if row[0] == leo] == [
        person + [7, "b) No", date(2026, 4, 15), "a) Yes", date(2026, 5, 5), "a) Yes", "Duty North", "Wes Adebayo"]]
    assert rows(book, "List 5") == [
        person + [7, "b) No", date(2026, 4, 16), "b) No", date(2026, 5, 6), "a) Yes", 0, 0, "Duty North",
                  "Wes Adebayo"]]
    # Seen in the assessment on 20 April; a child protection plan open on 30 June.
    assert [row for row in rows(book, "List 6") if row[0] == leo] == [
        person + [7, "b) No", date(2026, 4, 14), "N1 - Abuse or neglect", date(2026, 4, 20), None, None,
                  "b) Child Protection plan", "Duty North", "Wes Adebayo"]]
    # Mia, 13 on 20 April: seen last on the call's clock, 25 April; closed after the assessment.
    assert [row for row in rows(book, "List 6") if row[0] == world.mia.reference] == [
        [world.mia.reference, "b) Female", "k) APKN", date(2012, 11, 5), 13, "c) Unknown", date(2026, 4, 20),
         "N9 - Cases other than children in need", date(2026, 4, 25), date(2026, 5, 12),
         "RC8 - Case closed after assessment, no further action", "e) Closed episode", "Duty North", "Wes Adebayo"]]
    assert [row[5:] for row in rows(book, "List 4") if row[0] == world.mia.reference] == [
        ["c) Unknown", date(2026, 4, 21), "a) Yes", date(2026, 5, 10), "b) No", "Duty North", "Wes Adebayo"]]
    # Dates are Excel dates, shown as Annex A writes them.
    cell = book["List 3"]["F2"]
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"
    assert book["List 1"]["D2"].is_date

    # Amira has no ethnicity (required); Kai's two open cases have no named worker ("Unallocated",
    # R54) and no assessment yet (primary need N0, not stated), so on List 6 no status either.
    assert [(found.sheet, found.rows, found.missing) for found in summary.lists] == [
        ("List 1", 5, 1), ("List 3", 4, 0), ("List 4", 2, 0), ("List 5", 1, 0), ("List 6", 4, 2)]
    assert len(summary.children) == 4  # Leo, Amira, Mia and Kai (his two records one child)


def test_the_period_runs_from_london_midnight_to_london_midnight():
    world = build()
    book, _ = workbook()

    contacts = [(row[0], row[5]) for row in rows(book, "List 1")]
    # 00:30 on 1 April (BST) is April's; 23:59 on 31 March is not, nor 00:10 on 1 July.
    assert (world.amira.reference, date(2026, 4, 1)) in contacts
    assert [row for row in rows(book, "List 1") if row[0] == world.amira.reference] == [
        [world.amira.reference, "c) Not stated/recorded", None, date(2015, 6, 30), 10, date(2026, 4, 1),
         "q) 6: Police"]]
    assert len(contacts) == 5 and {reference for reference, _ in contacts} == {
        world.leo.reference, world.amira.reference, world.mia.reference, world.kai.reference}

    book, _ = workbook(Period(date(2026, 3, 31), date(2026, 3, 31)))
    assert len(rows(book, "List 1")) == 1  # Omar's call, at 23:59
    book, _ = workbook(Period(date(2026, 7, 1), date(2026, 7, 1)))
    assert len(rows(book, "List 1")) == 1  # Ella's, at 00:10


def test_a_merged_record_is_counted_as_the_record_it_joined():
    world = build()
    book, _ = workbook()

    kai = [row for row in rows(book, "List 3") if row[0] == world.kai.reference]
    # Both referrals, with the details of the record joined (not Kai Browne's own), the second
    # counting the first; born on 29 February 2020, he was 6 on 2 and on 20 May 2026.
    assert kai == [
        [world.kai.reference, "a) Male", "n) BCRB", date(2020, 2, 29), 6, date(2026, 5, 2),
         "e) 2A: Schools", "b) No", 0, "Duty North", "Unallocated"],
        [world.kai.reference, "a) Male", "n) BCRB", date(2020, 2, 29), 6, date(2026, 5, 20),
         "e) 2A: Schools", "b) No", 1, "Duty North", "Unallocated"]]
    assert world.kai_again.reference not in {row[0] for sheet in HEADINGS for row in rows(book, sheet)}
    assert [row[5] for row in rows(book, "List 6") if row[0] == world.kai.reference] == ["a) Yes", "a) Yes"]


def test_the_lists_read_as_they_would_have_on_the_periods_last_day():
    world = build()
    book, _ = workbook(Period(date(2026, 4, 1), date(2026, 4, 30)))

    # On 30 April Leo's assessment was not yet authorised, nor his conference held: the case was
    # at its assessment.
    assert [row[5:10] for row in rows(book, "List 4") if row[0] == world.leo.reference] == [
        ["b) No", date(2026, 4, 15), "a) Yes", None, None]]
    assert [row[5:10] for row in rows(book, "List 5")] == [["b) No", date(2026, 4, 16), "b) No", None, None]]
    assert [row[7:12] for row in rows(book, "List 6") if row[0] == world.leo.reference] == [
        ["N0 - Not stated", date(2026, 4, 20), None, None, "d) Open assessment"]]


def test_the_command_writes_the_workbook_and_says_what_is_in_it(app, tmp_path):
    build()
    path = tmp_path / "annex-a.xlsx"

    result = app.test_cli_runner().invoke(args=["export", "annex-a", "--from", "2026-04-01", "--to", "2026-06-30",
                                                "-o", str(path)])

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert [len(rows(book, sheet)) for sheet in HEADINGS] == [5, 4, 2, 1, 4]
    assert annex_a.count_rows(db.session, APRIL_TO_JUNE) == 16  # the progress bar's length
    lines = result.output.splitlines()
    assert f"Annex A, 1 April 2026 to 30 June 2026: written to {path}" in lines
    assert "Children: 4" in lines
    assert "List 1 (contacts): 5 rows, 1 with a required value missing" in lines
    assert "List 6 (children in need): 4 rows, 2 with a required value missing" in lines
    assert "In all: 16 rows, 3 with a required value missing" in lines

    refused = app.test_cli_runner().invoke(args=["export", "annex-a", "--from", "2026-06-30", "--to", "2026-04-01",
                                                 "-o", str(tmp_path / "other.xlsx")])
    assert refused.exit_code != 0
    assert "the last day must be the same as the first day or after it" in refused.output
    assert not (tmp_path / "other.xlsx").exists()


@freeze_time("2026-07-02 12:00:00")
def test_the_download_is_for_directors_and_senior_managers_and_is_logged_as_a_view_of_every_child(client):
    world = build()
    dora = create_user("dora", (Role.DIRECTOR,), None, display_name="Dora Director")
    create_user("duty", (Role.DUTY_WORKER,), None)
    db.session.commit()
    url = "/statistics/annex-a?annex-from=2026-04-01&annex-to=2026-06-30"

    sign_in(client, "duty")
    assert client.get(url).status_code == 403
    assert db.session.scalars(select(RecordView)).all() == []

    sign_in(client, "dora")
    page = client.get("/statistics?from=2026-04-01&to=2026-06-30&team=all").get_data(as_text=True)
    # The form offers the period the statistics show.
    assert 'action="/statistics/annex-a"' in page
    assert typed(page, "annex-from") == ["01", "04", "2026"] and typed(page, "annex-to") == ["30", "06", "2026"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename=annex-a-2026-04-01-to-2026-06-30.xlsx'
    assert response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert [len(rows(book, sheet)) for sheet in HEADINGS] == [5, 4, 2, 1, 4]
    # The calls behind the rows (the five received in the period, whose referrals make the other
    # lists) are logged as seen in a list, by Dora, from this address; Leo's call of June 2025 is not.
    views = db.session.scalars(select(RecordView).where(RecordView.user_id == dora.id)).all()
    assert sorted(view.contact_id for view in views) == sorted(world.calls_in_period)
    assert all(view.is_list and view.path == url for view in views)


@freeze_time("2026-07-02 12:00:00")
def test_a_period_that_is_not_one_is_refused_beside_its_field_on_the_statistics_page(client):
    create_user("sara", (Role.SENIOR_MANAGER,), None)
    db.session.commit()
    sign_in(client, "sara")

    response = client.get("/statistics/annex-a?annex-from=30&annex-from=6&annex-from=2026"
                          "&annex-to=1&annex-to=4&annex-to=2026")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<title>Error: Statistics" in html
    assert 'href="#annex-to"' in html  # the error summary links to the field
    assert html.count("The last day must be the same as the first day or after it") == 2
    assert typed(html, "annex-from") == ["30", "6", "2026"]  # what was typed is kept
    assert db.session.scalars(select(RecordView)).all() == []


def test_every_code_has_its_annex_a_value():
    assert set(ANNEX_A_GENDER) == set(Sex)
    assert set(ANNEX_A_ETHNICITY) == set(Ethnicity)
    assert set(ANNEX_A_SOURCE) == set(ReferralSource)
    assert set(ANNEX_A_PRIMARY_NEED) == set(PrimaryNeed)
    assert set(ANNEX_A_CLOSURE_REASON) == set(ClosureReason)
    assert set(ANNEX_A_CASE_STATUS) == set(CaseStatus)
    # Each source keeps its census code after the template's letter.
    assert all(ANNEX_A_SOURCE[source].split(" ")[1].rstrip(":") == source.value for source in ReferralSource)
    assert all(ANNEX_A_PRIMARY_NEED[need].startswith(need.value) for need in PrimaryNeed)


@pytest.mark.parametrize("born, on, age", [
    (date(2019, 3, 27), date(2026, 3, 26), 6),  # the day before the birthday
    (date(2019, 3, 27), date(2026, 3, 27), 7),  # the birthday
    (date(2020, 2, 29), date(2026, 2, 28), 5),  # born on 29 February: a year older on 1 March
    (date(2020, 2, 29), date(2026, 3, 1), 6),
    (date(2020, 2, 29), date(2028, 2, 29), 8),
    (date(2026, 5, 1), date(2026, 4, 30), None),  # not yet born
])
def test_the_age_is_whole_years_on_the_day_of_the_event(born, on, age):
    assert rules.age_on(born, on) == age
