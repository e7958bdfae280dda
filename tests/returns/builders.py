"""Building the returns' tests' children: referred through the real operations, their records
completed as the census asks, at London times."""

from datetime import date, datetime, timedelta
from pathlib import Path

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.casework.operations import ClosureCheck, Conclusion
from dutydesk.clock import LONDON, as_utc
from dutydesk.extensions import db
from dutydesk.models import ScreeningOutcome
from dutydesk.models.codes import Ethnicity, PrimaryNeed, Sex
from dutydesk.returns.census import CensusYear
from tests.factories import child_details, create_contact

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "specs" / "cin-census-2025.xsd"
YEAR = CensusYear(2025)
PRODUCED = as_utc(datetime(2026, 5, 1, 9, 30, tzinfo=LONDON))


def at(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text).replace(tzinfo=LONDON))


def referred(people, name: str, when: str, *, sex=Sex.MALE, ethnicity=Ethnicity.WHITE_BRITISH,
             disabilities=("NONE",), upn=None, **details):
    """A call about the child, referred at `when` (London); the child's record completed."""
    decided = at(when)
    contact = create_contact(decided - timedelta(minutes=30), team=people["team"], by=people["handler"],
                             children=[child_details(name=name, approximate_age=None, **details)])
    child = contact.children[0]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Assess",
                                    by=people["worker"], now=decided)
    record = child.child
    record.sex, record.ethnicity, record.upn = sex, ethnicity, upn
    record.disabilities = list(disabilities) if disabilities is not None else None
    db.session.flush()
    return cases.get_referral(child)


def assessed(people, referral, started: date, authorised: str, *, factors, need=PrimaryNeed.ABUSE_OR_NEGLECT):
    now = at(authorised)
    assessment = casework.start_assessment(referral, started_on=started, by=people["worker"], now=now)
    casework.record_seen(assessment, child_seen_on=started, is_child_seen_alone=True, carers_seen_on=started,
                         by=people["worker"], now=now)
    casework.complete_assessment(assessment, Conclusion(
        completed_on=now.astimezone(LONDON).date(), requires_service=True, factors=factors, primary_need=need,
        summary="", needs=["Support at home"]), by=people["worker"], now=now)
    casework.authorise_assessment(assessment, note="Agreed", by=people["manager"], now=now)
    return assessment


CLOSURE_CHECKS = {name: ClosureCheck(True) for name in ("child_seen_alone", "carers_seen", "home_visited",
                                                       "professionals_consulted")}
