"""The CIN census for hand-built children whose expected XML the test states, validated against
the DfE's schema (../shared/specs/cin-census-2025.xsd); which episodes belong at the year's edges;
the command's file and summary."""

import io
from datetime import date

import pytest
from lxml import etree

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.extensions import db
from dutydesk.models import ScreeningOutcome
from dutydesk.models.codes import (
    AbuseCategory,
    AssessmentFactor,
    ClosureReason,
    Ethnicity,
    PlanKind,
    PrimaryNeed,
    Section47Outcome,
    Sex,
)
from dutydesk.returns.census import children_in_need, write_xml
from tests.returns.builders import CLOSURE_CHECKS, PRODUCED, SCHEMA, YEAR, assessed, at, referred


@pytest.fixture
def year_of_cases(people):
    worker = people["worker"]
    # Leo: referred, assessed, a child in need plan begun and ended, the case closed, all in the year.
    leo = referred(people, "Leo Martin", "2025-06-02 10:00", date_of_birth=date(2015, 5, 4), upn="Z309400419001")
    assessed(people, leo, date(2025, 6, 3), "2025-07-10 12:00",
             factors=[AssessmentFactor.NEGLECT, AssessmentFactor.DOMESTIC_VIOLENCE_CHILD])
    plan = casework.start_plan(leo, kind=PlanKind.CHILD_IN_NEED, started_on=date(2025, 7, 15), category=None,
                               by=worker, now=at("2025-07-15 12:00"))
    casework.end_plan(plan, ended_on=date(2026, 2, 2), by=worker, now=at("2026-02-02 12:00"))
    casework.close_case(leo, closed_on=date(2026, 3, 2), reason=ClosureReason.CEASED, note="", checks=CLOSURE_CHECKS,
                        by=worker, now=at("2026-03-02 12:00"))
    # Amira: referred, then no further action the same day; aged 13, no UPN (UN7).
    amira = referred(people, "Amira Hassan", "2025-09-01 11:00", sex=Sex.FEMALE, ethnicity=Ethnicity.ASIAN_OTHER,
                     date_of_birth=date(2012, 2, 29))
    cases.record_screening_decision(amira.contact, amira.child, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Family already supported by early help", by=worker,
                                    now=at("2025-09-01 15:00"))
    # Noah, unborn: a section 47 enquiry, its conference and a child protection plan, open at 31 March.
    noah = referred(people, "Noah Price", "2026-01-12 09:00", sex=Sex.UNKNOWN, ethnicity=Ethnicity.WHITE_BLACK_AFRICAN,
                    disabilities=None, expected_date_of_birth=date(2026, 5, 20))
    enquiry = casework.start_section47(noah, started_on=date(2026, 1, 12), discussion=None, by=worker,
                                       now=at("2026-01-12 16:00"))
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=date(2026, 1, 20),
                                      by=worker, now=at("2026-01-20 16:00"))
    casework.record_conference(enquiry, held_on=date(2026, 1, 30), by=worker, now=at("2026-01-30 16:00"))
    casework.start_plan(noah, kind=PlanKind.CHILD_PROTECTION, started_on=date(2026, 1, 30),
                        category=AbuseCategory.NEGLECT, by=worker, now=at("2026-01-30 16:30"))
    # Kai: referred and assessed the year before, still open at the year's start, closed after it:
    # in the census as open, its assessment (authorised before the year) not in it.
    kai = referred(people, "Kai Brown", "2024-11-04 10:00", date_of_birth=date(2021, 10, 1),
                   ethnicity=Ethnicity.CARIBBEAN)
    assessed(people, kai, date(2024, 11, 5), "2024-12-02 12:00", factors=[AssessmentFactor.NEGLECT],
             need=PrimaryNeed.ACUTE_STRESS)
    casework.close_case(kai, closed_on=date(2026, 4, 2), reason=ClosureReason.CEASED, note="", checks=CLOSURE_CHECKS,
                        by=worker, now=at("2026-04-02 12:00"))
    # Not in the census: Mia closed before the year began; Ruby referred after it ended.
    mia = referred(people, "Mia Novak", "2024-05-01 10:00", date_of_birth=date(2014, 1, 1), upn="Z309400419001")
    assessed(people, mia, date(2024, 5, 2), "2024-06-01 12:00", factors=[AssessmentFactor.NEGLECT])
    casework.close_case(mia, closed_on=date(2025, 3, 31), reason=ClosureReason.CEASED, note="", checks=CLOSURE_CHECKS,
                        by=worker, now=at("2025-03-31 12:00"))
    referred(people, "Ruby Adams", "2026-04-01 00:10", date_of_birth=date(2018, 3, 3))
    db.session.flush()
    return {"leo": leo, "amira": amira, "noah": noah, "kai": kai}


def census_bytes() -> bytes:
    out = io.BytesIO()
    write_xml(out, children_in_need(db.session, YEAR), YEAR, "309", release="test", produced_at=PRODUCED)
    return out.getvalue()


def canonical(xml: str | bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True)
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml, parser)
    return etree.tostring(root, method="c14n").decode()


def test_the_census_of_a_hand_built_year_is_the_xml_stated_here_and_valid_against_the_schema(year_of_cases):
    ids = {name: referral.child.child.reference for name, referral in year_of_cases.items()}
    xml = census_bytes()

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    expected = f"""
    <Message>
      <Header>
        <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
        <Source><SourceLevel>L</SourceLevel><LEA>309</LEA><SoftwareCode>dutydesk</SoftwareCode><Release>test</Release>
          <SerialNo>001</SerialNo><DateTime>2026-05-01T09:30:00</DateTime></Source>
      </Header>
      <Children>
        <Child>
          <ChildIdentifiers><LAchildID>{ids["leo"]}</LAchildID><UPN>Z309400419001</UPN>
            <PersonBirthDate>2015-05-04</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
          <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
          <CINdetails>
            <CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
            <CINclosureDate>2026-03-02</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>
            <Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
              <AssessmentAuthorisationDate>2025-07-10</AssessmentAuthorisationDate>
              <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>
                <AssessmentFactors>16A</AssessmentFactors></FactorsIdentifiedAtAssessment>
            </Assessments>
            <CINPlanDates><CINPlanStartDate>2025-07-15</CINPlanStartDate><CINPlanEndDate>2026-02-02</CINPlanEndDate></CINPlanDates>
            <ReferralNFA>false</ReferralNFA>
          </CINdetails>
        </Child>
        <Child>
          <ChildIdentifiers><LAchildID>{ids["amira"]}</LAchildID><UPNunknown>UN7</UPNunknown>
            <PersonBirthDate>2012-02-29</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
          <ChildCharacteristics><Ethnicity>AOTH</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
          <CINdetails><CINreferralDate>2025-09-01</CINreferralDate><ReferralSource>2A</ReferralSource>
            <ReferralNFA>true</ReferralNFA></CINdetails>
        </Child>
        <Child>
          <ChildIdentifiers><LAchildID>{ids["noah"]}</LAchildID><UPNunknown>UN1</UPNunknown>
            <ExpectedPersonBirthDate>2026-05-20</ExpectedPersonBirthDate><Sex>U</Sex></ChildIdentifiers>
          <ChildCharacteristics><Ethnicity>MWBA</Ethnicity></ChildCharacteristics>
          <CINdetails><CINreferralDate>2026-01-12</CINreferralDate><ReferralSource>2A</ReferralSource>
            <PrimaryNeedCode>N0</PrimaryNeedCode>
            <Section47><S47ActualStartDate>2026-01-12</S47ActualStartDate><InitialCPCtarget>{year_of_cases["noah"].section47_enquiries[0].conference_target_on}</InitialCPCtarget>
              <DateOfInitialCPC>2026-01-30</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
            <ReferralNFA>false</ReferralNFA>
            <ChildProtectionPlans><CPPstartDate>2026-01-30</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
              <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>
          </CINdetails>
        </Child>
        <Child>
          <ChildIdentifiers><LAchildID>{ids["kai"]}</LAchildID><UPNunknown>UN1</UPNunknown>
            <PersonBirthDate>2021-10-01</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
          <ChildCharacteristics><Ethnicity>BCRB</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
          <CINdetails><CINreferralDate>2024-11-04</CINreferralDate><ReferralSource>2A</ReferralSource>
            <PrimaryNeedCode>N4</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails>
        </Child>
      </Children>
    </Message>"""
    children = document.find("Children")
    assert [child.findtext("ChildIdentifiers/LAchildID") for child in children] == [
        ids["leo"], ids["amira"], ids["noah"], ids["kai"]]  # in order of record; Mia and Ruby not in the year
    assert canonical(xml) == canonical(expected)


def test_every_child_in_the_year_is_free_of_problems_but_noahs_missing_disability(year_of_cases):
    problems = {child.reference: [problem.rule for problem in child.problems]
                for child in children_in_need(db.session, YEAR)}
    noah = year_of_cases["noah"].child.child.reference
    assert problems == {reference: ([] if reference != noah else ["8540"]) for reference in problems}
    assert len(problems) == 4


def test_the_command_writes_the_file_and_ends_with_its_summary(app, year_of_cases, tmp_path):
    db.session.commit()
    output, problems = tmp_path / "census.xml", tmp_path / "problems.csv"
    result = app.test_cli_runner().invoke(args=["export", "cin-census", "--year", "2025", "--la", "309",
                                                "-o", str(output), "--problems", str(problems)])
    assert result.exit_code == 0, result.output
    assert "4 children, 4 episodes; 1 children with data-quality problems (1 problems)" in result.output
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(etree.parse(str(output)))
    noah = year_of_cases["noah"].child.child.reference
    assert problems.read_text().splitlines()[1].startswith(f"{noah},8540,Disability is not recorded")


def test_the_command_refuses_an_la_code_that_is_not_three_digits_and_a_year_with_nobody(app, tmp_path):
    runner = app.test_cli_runner()
    output = tmp_path / "census.xml"
    result = runner.invoke(args=["export", "cin-census", "--year", "2025", "--la", "30", "-o", str(output)])
    assert result.exit_code != 0 and "three digits" in result.output and not output.exists()
    result = runner.invoke(args=["export", "cin-census", "--year", "2025", "--la", "309", "-o", str(output)])
    assert result.exit_code != 0 and "No child was in need in 2025-26" in result.output and not output.exists()
