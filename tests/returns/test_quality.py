"""The census's data-quality report on records each missing one thing, and its pages: who may
see them, the links to put each problem right, the downloads and the views they log."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from lxml import etree
from sqlalchemy import func, select

from dutydesk.cases import operations as cases
from dutydesk.extensions import db
from dutydesk.models import Assessment, Closure, RecordView, Role, ScreeningOutcome
from dutydesk.models.codes import AssessmentFactor, ClosureReason
from dutydesk.returns.census import children_in_need
from tests.factories import create_user, post_form, sign_in
from tests.returns.builders import SCHEMA, YEAR, assessed, at, referred


def problems_of(referral) -> list[str]:
    reference = referral.child.child.reference
    return [problem.rule for child in children_in_need(db.session, YEAR) if child.reference == reference
            for problem in child.problems]


@pytest.fixture
def complete(people):
    """A child whose record has everything the census asks: no problem at all."""
    return lambda name, when="2025-06-02 10:00", **kw: referred(
        people, name, when, **{"date_of_birth": date(2015, 5, 4), "upn": "Z309400419001", **kw})


def test_a_complete_record_has_no_problem(complete):
    assert problems_of(complete("Leo Martin")) == []


@pytest.mark.parametrize("missing, rule", [
    ({"date_of_birth": None}, "8525Q"),
    ({"ethnicity": None}, "4220"),
    ({"disabilities": None}, "8540"),
    ({"upn": None}, "8770Q"),
    ({"disabilities": ("NONE", "LD")}, "8790"),
])
def test_a_record_missing_one_thing_of_the_child_has_that_one_problem(complete, missing, rule):
    assert problems_of(complete("Leo Martin", **missing)) == [rule]


def test_a_referral_ended_in_no_further_action_that_has_an_assessment_breaks_rule_8831(people, complete):
    referral = complete("Leo Martin")
    assessed(people, referral, date(2025, 6, 3), "2025-06-20 12:00", factors=[AssessmentFactor.NEGLECT])
    cases.record_screening_decision(referral.contact, referral.child, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Closed", by=people["worker"], now=at("2025-06-21 12:00"))
    assert problems_of(referral) == ["8831"]


def test_a_closure_before_its_referral_breaks_rule_8630(people, complete):
    referral = complete("Leo Martin")
    assessed(people, referral, date(2025, 6, 3), "2025-06-20 12:00", factors=[AssessmentFactor.NEGLECT])
    db.session.add(Closure(referral=referral, closed_on=date(2025, 6, 1), reason=ClosureReason.CEASED,
                           recorded_at=at("2025-06-21 12:00"), recorded_by=people["worker"]))
    db.session.flush()
    assert problems_of(referral) == ["8630"]


def test_an_authorised_assessment_without_factors_is_queried_8897q(people, complete):
    referral = complete("Leo Martin")
    assessment = assessed(people, referral, date(2025, 6, 3), "2025-06-20 12:00", factors=[AssessmentFactor.NEGLECT])
    db.session.execute(Assessment.__table__.update().where(Assessment.id == assessment.id).values(factors=[]))
    db.session.expire_all()
    assert problems_of(referral) == ["8897Q"]


def test_two_open_cases_of_one_child_break_rule_8815_on_the_earlier(people, complete):
    first = complete("Leo Martin")
    second = referred(people, "Leo Martin", "2025-08-01 10:00", date_of_birth=date(2015, 5, 4),
                      upn="Z309400419001", record=first.child.child)
    children = list(children_in_need(db.session, YEAR))
    assert len(children) == 1 and len(children[0].episodes) == 2
    assert [(p.rule, dict(p.values)) for p in children[0].problems] == [("8815", {"referral_id": first.id})]
    assert second.id != first.id


# The pages


@pytest.fixture
def director(people):
    create_user("director", (Role.DIRECTOR,), None)
    return people


@freeze_time("2026-05-02 10:00:00")
def test_the_director_finds_each_problem_and_who_puts_it_right_and_the_view_is_logged(client, director, complete):
    leo = complete("Leo Martin", ethnicity=None)
    complete("Amira Hassan")
    db.session.commit()
    sign_in(client, "director")
    page = client.get("/statistics/returns")
    assert page.status_code == 200 and 'value="2025" selected' in page.get_data(as_text=True)  # May: last year's census

    page = client.get("/statistics/returns/quality?year=2025&la=309").get_data(as_text=True)
    summary = BeautifulSoup(page, "html.parser").select_one("#quality-summary").get_text(" ", strip=True)
    assert "holds 2 children and 2 episodes" in summary and "1 problem in the records of 1 child" in summary
    assert "Ethnicity is not recorded" in page
    # A director changes no record: told who puts it right; a senior manager gets the link.
    assert f'href="/children/{leo.child.child_id}/details"' not in page
    assert "The child's team or a senior manager puts it right" in page
    views = db.session.scalars(select(RecordView).where(RecordView.is_list.is_(True))).all()
    assert [view.contact_id for view in views] == [leo.contact_id]  # the child shown; not Amira, who is not

    download = client.get("/statistics/returns/quality?year=2025&la=309&format=csv")
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == "Child,Name,DfE rule,Problem,What to do,Where"
    assert lines[1].startswith(f"{leo.child.child.reference},Leo Martin,4220,")


@freeze_time("2026-05-02 10:00:00")
def test_the_census_downloads_valid_and_each_child_is_logged_as_seen(client, director, complete):
    leo, amira = complete("Leo Martin"), complete("Amira Hassan")
    db.session.commit()
    sign_in(client, "director")
    answer = client.get("/statistics/returns/cin-census?year=2025&la=309")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=cin-census-2025-26-309.xml"
    document = etree.fromstring(answer.get_data())
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    assert len(document.find("Children")) == 2
    logged = set(db.session.scalars(select(RecordView.contact_id).where(RecordView.is_list.is_(True))))
    assert logged == {leo.contact_id, amira.contact_id}


@freeze_time("2026-05-02 10:00:00")
def test_a_wrong_la_code_is_refused_beside_its_field_keeping_the_year(client, director, complete):
    complete("Leo Martin")
    db.session.commit()
    sign_in(client, "director")
    page = client.get("/statistics/returns/cin-census?year=2024&la=30x").get_data(as_text=True)
    assert "Enter the local authority&#39;s three-digit DfE code" in page and 'value="2024" selected' in page
    assert 'value="30x"' in page


def test_a_duty_manager_may_not_see_the_returns(client, people):
    db.session.commit()
    sign_in(client, "manager")
    assert client.get("/statistics/returns").status_code == 403
    assert client.get("/statistics/returns/cin-census?year=2025&la=309").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RecordView)) == 0


@freeze_time("2026-05-02 10:00:00")
def test_a_missing_date_of_birth_is_put_right_where_its_link_goes_and_the_problem_is_gone(client, people, complete):
    leo = complete("Leo Martin", date_of_birth=None)
    db.session.commit()
    problem = next(p for child in children_in_need(db.session, YEAR) for p in child.problems)
    assert problem.rule == "8525Q"
    sign_in(client, "manager")
    url = f"/children/{leo.child.child_id}/details"
    form = {"sex": "M", "ethnicity": "WBRI", "disabilities": "NONE", "upn": "Z309400419001"}
    page = post_form(client, url, {**form, "date_of_birth": ["4", "5", "2015"],
                                   "expected_date_of_birth": ["1", "6", "2026"]}).get_data(as_text=True)
    assert "Enter a date of birth, or an unborn child&#39;s expected date of birth: not both" in page
    assert 'value="2015"' in page  # what was typed is kept
    answer = post_form(client, url, {**form, "date_of_birth": ["4", "5", "2015"]}, follow_redirects=True)
    assert "Date of birth: not known → 4 May 2015" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert leo.child.child.date_of_birth == date(2015, 5, 4)
    assert problems_of(leo) == []
