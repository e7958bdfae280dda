"""The DfE Children in Need census for one collection year (1 April to 31 March), read from
dutydesk's records, and the data-quality problems that would stop it, or make the DfE query it.

Which episodes belong, as the census guide and the DfE's validation rules define it:

- an episode (`CINdetails`) is a referral (`Referral`), counted under the child's record, or
  the record it was merged into;
- a referral that ended in no further action belongs when it ended in the year (it was open on
  some day of it); it carries no closure, assessment, plan or enquiry (rules 8831, 8569Q);
- any other referral belongs when it was made on or before the year's last day and was not
  closed before its first: still open, or closed in the year (closure after the year is not
  sent: the episode was open at 31 March, rule 8620);
- within an episode, an assessment belongs unless it was authorised before the year began, its
  authorisation date and factors sent only when it was authorised in the year (8696, 8614);
  likewise a section 47 enquiry unless its conference was held before the year (8715), and a
  plan unless it ended before the year, its end sent only when it ended in the year (8930, 4013).

The census is read once, in order of child, a batch of children at a time (`children_in_need`),
so its memory does not grow with the number of children; `write_xml` writes it element by
element. The same pass finds the data-quality problems (`returns/quality.py` lists them), each
naming the child, the DfE rule where there is one, what is wrong and where it is put right.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from lxml import etree
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dutydesk import rules
from dutydesk.clock import to_london
from dutydesk.models import (
    Assessment,
    Child,
    Closure,
    ContactChild,
    Plan,
    Referral,
    Section47Enquiry,
)
from dutydesk.models.codes import AbuseCategory, AssessmentFactor, ClosureReason, Disability, Ethnicity, PlanKind, Sex
from dutydesk.statistics.rec29 import CHILD

#: Children read and checked together: one query of each kind per batch.
BATCH = 500

#: A referral made this long before the child's birth (or expected birth) is queried (rule 8606).
BEFORE_BIRTH = timedelta(weeks=40)

SOFTWARE = "dutydesk"


@dataclass(frozen=True)
class CensusYear:
    """The collection year that starts on 1 April of `year`: `CensusYear(2025)` is 2025-26."""

    year: int

    @property
    def first(self) -> date:
        return date(self.year, *rules.FINANCIAL_YEAR_STARTS)

    @property
    def last(self) -> date:
        return date(self.year + 1, *rules.FINANCIAL_YEAR_STARTS) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    def holds(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    @property
    def school_age_born_by(self) -> date:
        """A child born on or before this day is of school age in the year (rule 8770Q: in
        year 1 or above by the following September)."""
        return date(self.year - 5, 8, 31)


@dataclass(frozen=True)
class Problem:
    """Something the census needs that a record lacks, or a DfE validation rule a record breaks."""

    child_id: int
    #: The DfE validation rule, e.g. "8630" ("Q": the DfE queries it rather than refuses it);
    #: empty for what the census needs where no rule has a number.
    rule: str
    what: str
    fix: str
    #: Where it is put right: an endpoint and its arguments.
    endpoint: str
    values: tuple[tuple[str, int], ...]

    @property
    def is_query(self) -> bool:
        return self.rule.endswith("Q")


@dataclass
class CensusAssessment:
    id: int
    started_on: date
    authorised_on: date | None
    factors: list[str]
    primary_need: str | None


@dataclass
class CensusEnquiry:
    id: int
    started_on: date
    conference_target_on: date | None
    conference_on: date | None
    is_conference_not_required: bool


@dataclass
class CensusPlan:
    id: int
    kind: PlanKind
    started_on: date
    ended_on: date | None
    initial_category: str | None = None
    latest_category: str | None = None
    #: Child protection plans the child has had, this one included (NumberOfPreviousCPP: the
    #: schema makes it a positive integer, so the plan itself counts).
    number_of_plans: int = 1


@dataclass
class Episode:
    referral_id: int
    contact_id: int
    referred_on: date
    source: str
    is_nfa: bool
    closed_on: date | None
    closure_reason: str | None
    primary_need: str | None = None
    assessments: list[CensusAssessment] = field(default_factory=list)
    enquiries: list[CensusEnquiry] = field(default_factory=list)
    cin_plans: list[CensusPlan] = field(default_factory=list)
    cp_plans: list[CensusPlan] = field(default_factory=list)


@dataclass
class CensusChild:
    id: int
    reference: str
    upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str
    #: None when the record has none: the census is sent "NOBT" (not yet obtained), and it is a problem.
    ethnicity: str | None
    disabilities: list[str] | None
    episodes: list[Episode]
    problems: list[Problem] = field(default_factory=list)


# Reading


def _episodes_query(year: CensusYear):
    nfa_day = func.date(Referral.nfa_at)  # UTC date: within an hour of London's, checked in Python
    return (select(CHILD.label("child"), Referral.id, Referral.contact_id, Referral.referred_on, Referral.source,
                   Referral.is_nfa, Referral.nfa_at, Closure.closed_on, Closure.reason)
            .select_from(Referral).join(ContactChild, ContactChild.id == Referral.child_id)
            .join(Child, Child.id == ContactChild.child_id)
            .outerjoin(Closure, Closure.referral_id == Referral.id)
            .where(Referral.referred_on <= year.last,
                   or_(and_(Referral.is_nfa.is_(True), nfa_day >= year.first - timedelta(days=1)),
                       and_(Referral.is_nfa.is_(False),
                            or_(Closure.closed_on.is_(None), Closure.closed_on >= year.first))))
            .order_by(CHILD, Referral.referred_on, Referral.id))


def count_children(session: Session, year: CensusYear) -> int:
    """How many children the census holds (for a progress bar): one cheap query."""
    episodes = _episodes_query(year).order_by(None).subquery()
    return session.scalar(select(func.count(func.distinct(episodes.c.child)))) or 0


def children_in_need(session: Session, year: CensusYear, *, batch: int = BATCH) -> Iterator[CensusChild]:
    """Every child in need in the year, in order of record, with their episodes and problems."""
    rows = session.execute(_episodes_query(year).execution_options(yield_per=batch * 2))
    pending: list[tuple[int, list]] = []
    for child_id, episodes in groupby(rows, key=lambda row: row.child):
        episodes = [row for row in episodes if not row.is_nfa or _nfa_day(row) >= year.first]
        if episodes:
            pending.append((child_id, episodes))
        if len(pending) >= batch:
            yield from _complete(session, year, pending)
            pending = []
    if pending:
        yield from _complete(session, year, pending)


def _nfa_day(row) -> date:
    return to_london(row.nfa_at).date() if row.nfa_at is not None else row.referred_on


def _complete(session: Session, year: CensusYear, pending: list[tuple[int, list]]) -> Iterator[CensusChild]:
    """The batch's children with their records, and their episodes' assessments, enquiries and
    plans: one query of each, read as rows (no objects kept in the session)."""
    child_ids = [child_id for child_id, _ in pending]
    referral_ids = [row.id for _, rows in pending for row in rows]
    records = {row.id: row for row in session.execute(
        select(Child.id, Child.date_of_birth, Child.expected_date_of_birth, Child.sex, Child.ethnicity,
               Child.disabilities, Child.upn).where(Child.id.in_(child_ids)))}

    def by_referral(*columns, model, order):
        found = defaultdict(list)
        for row in session.execute(select(model.referral_id, *columns).where(model.referral_id.in_(referral_ids))
                                   .order_by(*order)):
            found[row.referral_id].append(row)
        return found

    assessments = by_referral(Assessment.id, Assessment.started_on, Assessment.authorised_on, Assessment.factors,
                              Assessment.primary_need, model=Assessment, order=(Assessment.started_on, Assessment.id))
    enquiries = by_referral(Section47Enquiry.id, Section47Enquiry.started_on, Section47Enquiry.outcome,
                            Section47Enquiry.conference_target_on, Section47Enquiry.conference_on,
                            model=Section47Enquiry, order=(Section47Enquiry.started_on, Section47Enquiry.id))
    plans = by_referral(Plan.id, Plan.kind, Plan.started_on, Plan.ended_on, Plan.initial_category,
                        Plan.latest_category, model=Plan, order=(Plan.started_on, Plan.id))
    cp_plan_starts = _cp_plan_starts(session, child_ids)
    for child_id, rows in pending:
        child = _census_child(year, records[child_id], rows, assessments, enquiries, plans,
                              cp_plan_starts.get(child_id, []))
        child.problems.extend(check(year, child))
        yield child


def _cp_plan_starts(session: Session, child_ids: list[int]) -> dict[int, list[tuple[date, int]]]:
    """Every child protection plan of the children, in any year: (start, id), in order."""
    rows = session.execute(
        select(CHILD.label("child"), Plan.started_on, Plan.id).select_from(Plan)
        .join(Referral, Referral.id == Plan.referral_id).join(ContactChild, ContactChild.id == Referral.child_id)
        .join(Child, Child.id == ContactChild.child_id)
        .where(Plan.kind == PlanKind.CHILD_PROTECTION,
               or_(Child.id.in_(child_ids), Child.merged_into_id.in_(child_ids))))
    found = defaultdict(list)
    for child_id, started_on, plan_id in rows:
        found[child_id].append((started_on, plan_id))
    return {child_id: sorted(starts) for child_id, starts in found.items()}


def _census_child(year, record, rows, assessments, enquiries, plans, cp_plan_starts) -> CensusChild:
    episodes = []
    for row in rows:
        closed_in_year = year.holds(row.closed_on)
        episode = Episode(referral_id=row.id, contact_id=row.contact_id, referred_on=row.referred_on,
                          source=str(row.source), is_nfa=row.is_nfa,
                          closed_on=row.closed_on if closed_in_year else None,
                          closure_reason=str(row.reason) if closed_in_year else None)
        for assessment in assessments.get(row.id, []):
            if assessment.authorised_on is not None and assessment.authorised_on < year.first:
                continue
            authorised = assessment.authorised_on if year.holds(assessment.authorised_on) else None
            episode.assessments.append(CensusAssessment(
                assessment.id, assessment.started_on, authorised,
                list(assessment.factors or []) if authorised else [],
                str(assessment.primary_need) if assessment.primary_need and authorised else None))
        concluded = [a for a in assessments.get(row.id, []) if a.primary_need is not None and a.authorised_on
                     and a.authorised_on <= year.last]
        if concluded:
            episode.primary_need = str(concluded[-1].primary_need)
        for enquiry in enquiries.get(row.id, []):
            if enquiry.conference_on is not None and enquiry.conference_on < year.first:
                continue
            episode.enquiries.append(CensusEnquiry(
                enquiry.id, enquiry.started_on, enquiry.conference_target_on,
                enquiry.conference_on if year.holds(enquiry.conference_on) else None,
                enquiry.outcome is not None and not enquiry.outcome.needs_conference))
        for plan in plans.get(row.id, []):
            if plan.started_on > year.last or (plan.ended_on is not None and plan.ended_on < year.first):
                continue
            ended = plan.ended_on if year.holds(plan.ended_on) else None
            if plan.kind is PlanKind.CHILD_PROTECTION:
                number = sum(1 for started_on, plan_id in cp_plan_starts
                             if (started_on, plan_id) <= (plan.started_on, plan.id))
                episode.cp_plans.append(CensusPlan(
                    plan.id, plan.kind, plan.started_on, ended,
                    str(plan.initial_category) if plan.initial_category else None,
                    str(plan.latest_category) if plan.latest_category else None, max(number, 1)))
            else:
                episode.cin_plans.append(CensusPlan(plan.id, plan.kind, plan.started_on, ended))
        episodes.append(episode)
    all_nfa = all(episode.is_nfa for episode in episodes)
    upn_unknown = None
    if not record.upn:
        if all_nfa:
            upn_unknown = "UN7"  # referral with no further action
        elif record.expected_date_of_birth is not None or (
                record.date_of_birth is not None and record.date_of_birth > year.school_age_born_by):
            upn_unknown = "UN1"  # not of school age
    return CensusChild(
        id=record.id, reference=f"CH{record.id:06d}", upn=record.upn or None, upn_unknown=upn_unknown,
        birth_date=record.date_of_birth, expected_birth_date=record.expected_date_of_birth,
        sex=str(record.sex or Sex.UNKNOWN), ethnicity=str(record.ethnicity) if record.ethnicity else None,
        disabilities=list(record.disabilities) if record.disabilities is not None else None, episodes=episodes)


# Checking


def _on_child(child: CensusChild, rule: str, what: str, fix: str) -> Problem:
    return Problem(child.id, rule, what, fix, "children.correct_details", (("child_record_id", child.id),))


def _on_case(child: CensusChild, episode: Episode, rule: str, what: str, fix: str) -> Problem:
    return Problem(child.id, rule, what, fix, "cases.show_case", (("referral_id", episode.referral_id),))


def _on_assessment(child: CensusChild, episode: Episode, rule: str, what: str, fix: str) -> Problem:
    return Problem(child.id, rule, what, fix, "casework.show_assessment", (("referral_id", episode.referral_id),))


def _working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while not rules.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def check(year: CensusYear, child: CensusChild) -> Iterator[Problem]:
    """The problems of one child's census record: what the census needs and the record lacks,
    and each DfE validation rule dutydesk's own data can break (rule numbers as the DfE's
    CIN census validation rules for 2025-26 number them)."""
    yield from _check_identifiers(year, child)
    open_episodes = [e for e in child.episodes if not e.is_nfa and e.closed_on is None]
    if len(open_episodes) > 1:
        for episode in open_episodes[:-1]:
            yield _on_case(child, episode, "8815",
                           f"The referral of {_day(episode.referred_on)} is still open, and so is a later one "
                           f"(more than one open episode)",
                           "Close the earlier case, or merge the work into one case")
    for before, after in zip(child.episodes, child.episodes[1:]):
        if not before.is_nfa and not after.is_nfa and before.closed_on is not None \
                and before.closed_on > after.referred_on:
            yield _on_case(child, after, "8820",
                           f"The referral of {_day(after.referred_on)} was made while the earlier one was open "
                           f"(it closed on {_day(before.closed_on)}): the episodes overlap",
                           "Check the earlier case's closure date")
    for episode in child.episodes:
        yield from _check_episode(year, child, episode)


def _check_identifiers(year: CensusYear, child: CensusChild) -> Iterator[Problem]:
    if child.birth_date is None and child.expected_birth_date is None:
        yield _on_child(child, "8525Q", "Neither a date of birth nor an expected date of birth is recorded",
                        "Enter the child's date of birth, or the expected date of birth of an unborn child")
    elif child.birth_date is not None and child.birth_date > year.last:
        yield _on_child(child, "8520", f"The date of birth ({_day(child.birth_date)}) is after the census year",
                        "Check the date of birth")
    if child.ethnicity is None:
        yield _on_child(child, "4220", "Ethnicity is not recorded (sent as NOBT, information not yet obtained)",
                        "Record the child's ethnicity: 'Refused' or 'Information not yet obtained' once asked")
    if child.disabilities is None:
        yield _on_child(child, "8540", "Disability is not recorded",
                        "Record the child's disabilities, or 'No disability'")
    elif Disability.NONE in child.disabilities and len(child.disabilities) > 1:
        yield _on_child(child, "8790", "Disability is recorded as both 'No disability' and a disability",
                        "Record either the disabilities or 'No disability'")
    if child.expected_birth_date is not None and child.sex != Sex.UNKNOWN:
        yield _on_child(child, "8750", "An unborn child's sex must be sent as U",
                        "Record the sex as not known until the child is born")
    if child.upn is None and child.upn_unknown is None and child.birth_date is not None:
        yield _on_child(child, "8770Q", "The child is of school age and has no UPN",
                        "Enter the child's Unique Pupil Number (the school or the education service has it)")


def _check_episode(year: CensusYear, child: CensusChild, episode: Episode) -> Iterator[Problem]:
    referred = _day(episode.referred_on)
    born = child.birth_date or child.expected_birth_date
    if born is not None and episode.referred_on < born - BEFORE_BIRTH:
        yield _on_child(child, "8606", f"The referral of {referred} is more than 40 weeks before the child's "
                                       f"(expected) birth on {_day(born)}", "Check the date of birth")
    if episode.is_nfa:
        if episode.assessments or episode.enquiries or episode.cin_plans or episode.cp_plans:
            yield _on_case(child, episode, "8831",
                           f"The referral of {referred} ended in no further action, but has an assessment, "
                           f"a section 47 enquiry or a plan", "Check whether the referral really ended in no "
                                                              "further action: the work after it says otherwise")
        if episode.referred_on < _working_day_before(year.first):
            yield _on_case(child, episode, "8569Q",
                           f"The referral of {referred}, before the year, is recorded as ending in no further "
                           f"action in the year: the DfE expects that within a working day of the referral",
                           "Check the referral's date, and whether the case was closed rather than ended in "
                           "no further action")
        return
    if episode.closed_on is not None and episode.closed_on < episode.referred_on:
        yield _on_case(child, episode, "8630", f"The case closed on {_day(episode.closed_on)}, before its "
                                               f"referral on {referred}", "Check the closure date")
    if episode.closed_on is not None and episode.primary_need is None:
        yield _on_assessment(child, episode, "8610", f"The case referred on {referred} closed without a "
                                                     f"primary need recorded",
                             "Record the assessment's conclusion, with the primary need, and its authorisation")
    if episode.closure_reason in (ClosureReason.NFA_AFTER_ASSESSMENT, ClosureReason.EARLY_HELP_AFTER_ASSESSMENT) \
            and not episode.assessments:
        yield _on_case(child, episode, "8825Q", f"The case closed as 'after assessment' ({episode.closure_reason}) "
                                                f"but has no assessment in the year",
                       "Check the reason for closure")
    if episode.closure_reason == ClosureReason.DIED:
        yield _on_case(child, episode, "8585Q", "The case closed because the child died, and the census asks for "
                                                "the date of death, which dutydesk does not hold",
                       "Add the date of death to the census file before sending it")
    for assessment in episode.assessments:
        yield from _check_assessment(year, child, episode, assessment)
    for enquiry in episode.enquiries:
        yield from _check_enquiry(year, child, episode, enquiry)
    yield from _check_plans(child, episode)


def _check_assessment(year, child, episode, assessment: CensusAssessment) -> Iterator[Problem]:
    if assessment.started_on < episode.referred_on:
        yield _on_assessment(child, episode, "1103", f"The assessment started on {_day(assessment.started_on)}, "
                                                     f"before the referral on {_day(episode.referred_on)}",
                             "Check the assessment's start date")
    if assessment.authorised_on is not None:
        if assessment.authorised_on < assessment.started_on:
            yield _on_assessment(child, episode, "8608", "The assessment was authorised before it started",
                                 "Check the assessment's dates")
        if not assessment.factors:
            yield _on_assessment(child, episode, "8897Q", "The authorised assessment has no factors identified",
                                 "Record the factors identified at assessment ('21' when there are none)")
        elif AssessmentFactor.NO_FACTORS in assessment.factors and len(assessment.factors) > 1:
            yield _on_assessment(child, episode, "8869", "Factor 21 (no factors identified) is recorded with "
                                                         "other factors", "Record either the factors or 21")
    elif assessment.started_on < year.first:
        yield _on_assessment(child, episode, "8736", f"The assessment started on {_day(assessment.started_on)}, "
                                                     f"before the year, and was not authorised by its end",
                             "Record the assessment's conclusion and its authorisation")
    if episode.closed_on is not None and assessment.authorised_on is None:
        yield _on_assessment(child, episode, "8867", "The case is closed but its assessment was not authorised",
                             "Record the assessment's authorisation, or check the closure")


def _check_enquiry(year, child, episode, enquiry: CensusEnquiry) -> Iterator[Problem]:
    started = _day(enquiry.started_on)
    if enquiry.started_on < episode.referred_on:
        yield _on_case(child, episode, "2889", f"The section 47 enquiry started on {started}, before the referral",
                       "Check the enquiry's start date")
    if enquiry.conference_on is not None:
        if enquiry.conference_on < enquiry.started_on:
            yield _on_case(child, episode, "8615", "The initial conference is dated before the enquiry started",
                           "Check the conference date")
        if enquiry.conference_on.weekday() >= 5:
            yield _on_case(child, episode, "8875", f"The initial conference is dated on a weekend "
                                                   f"({_day(enquiry.conference_on)})", "Check the conference date")
    elif not enquiry.is_conference_not_required:
        if enquiry.started_on < year.first:
            yield _on_case(child, episode, "8740", f"The section 47 enquiry started on {started}, before the year, "
                                                   f"and its conference was not held by the year's end",
                           "Record the conference, or the enquiry's outcome")
        if episode.closed_on is not None:
            yield _on_case(child, episode, "8868", "The case is closed but its section 47 enquiry has neither a "
                                                   "conference nor an outcome needing none",
                           "Record the enquiry's outcome or its conference")


def _check_plans(child, episode) -> Iterator[Problem]:
    for kind, plans, rules_ in ((PlanKind.CHILD_PROTECTION, episode.cp_plans, ("8925", "8935", "8940")),
                                (PlanKind.CHILD_IN_NEED, episode.cin_plans, ("4011", "4004", "4014"))):
        name = kind.label.lower()
        for plan in plans:
            if plan.ended_on is not None and plan.ended_on < plan.started_on:
                yield _on_case(child, episode, rules_[0], f"The {name} ended before it started",
                               "Check the plan's dates")
            if plan.started_on < episode.referred_on:
                yield _on_case(child, episode, "1105" if kind is PlanKind.CHILD_PROTECTION else "4015",
                               f"The {name} started on {_day(plan.started_on)}, before the referral",
                               "Check the plan's start date")
        if sum(1 for plan in plans if plan.ended_on is None) > 1:
            yield _on_case(child, episode, rules_[1], f"More than one {name} is open", "End the earlier plan")
        ordered = sorted(plans, key=lambda plan: plan.started_on)
        for before, after in zip(ordered, ordered[1:]):
            if before.ended_on is not None and before.ended_on > after.started_on:
                yield _on_case(child, episode, rules_[2], f"Two {name}s overlap", "Check the plans' dates")
    for plan in episode.cp_plans:
        if plan.initial_category is None or plan.latest_category is None:
            yield _on_case(child, episode, "8905", "The child protection plan has no category of abuse",
                           "Record the plan's category of abuse")
        if plan.ended_on is not None and plan.ended_on == plan.started_on:
            yield _on_case(child, episode, "8840", "The child protection plan started and ended on the same day",
                           "Check the plan's dates")
        for cin in episode.cin_plans:
            if cin.started_on < (plan.ended_on or date.max) and plan.started_on < (cin.ended_on or date.max):
                yield _on_case(child, episode, "4001", "A child in need plan runs at the same time as a child "
                                                       "protection plan", "End the child in need plan when the "
                                                                          "child protection plan starts")


@dataclass
class Summary:
    """What an export held: for the end of the command and the page."""

    children: int = 0
    episodes: int = 0
    problems: int = 0
    children_with_problems: int = 0

    def add(self, child: CensusChild) -> None:
        self.children += 1
        self.episodes += len(child.episodes)
        self.problems += len(child.problems)
        self.children_with_problems += bool(child.problems)


# Writing


def _text(parent, tag: str, value) -> None:
    """The element with its value, a date as the schema writes one; none when there is no value
    (every element the schema requires is always given one)."""
    if value is None:
        return
    element = etree.SubElement(parent, tag)
    element.text = value.isoformat() if isinstance(value, date) else str(value)


def child_element(child: CensusChild):
    """One child's `Child` element, in the schema's order."""
    element = etree.Element("Child")
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", child.reference)
    _text(identifiers, "UPN", child.upn)
    _text(identifiers, "UPNunknown", child.upn_unknown if child.upn is None else None)
    _text(identifiers, "PersonBirthDate", child.birth_date)
    _text(identifiers, "ExpectedPersonBirthDate", child.expected_birth_date if child.birth_date is None else None)
    _text(identifiers, "Sex", child.sex)
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity or Ethnicity.NOT_OBTAINED)
    if child.disabilities:
        disabilities = etree.SubElement(characteristics, "Disabilities")
        for code in child.disabilities:
            _text(disabilities, "Disability", code)
    for episode in child.episodes:
        element.append(_episode_element(episode))
    return element


def _episode_element(episode: Episode):
    details = etree.Element("CINdetails")
    _text(details, "CINreferralDate", episode.referred_on)
    _text(details, "ReferralSource", episode.source)
    if not episode.is_nfa:
        _text(details, "PrimaryNeedCode", episode.primary_need or "N0")
    _text(details, "CINclosureDate", episode.closed_on)
    _text(details, "ReasonForClosure", episode.closure_reason)
    for assessment in episode.assessments:
        element = etree.SubElement(details, "Assessments")
        _text(element, "AssessmentActualStartDate", assessment.started_on)
        _text(element, "AssessmentAuthorisationDate", assessment.authorised_on)
        if assessment.authorised_on is not None and assessment.factors:
            factors = etree.SubElement(element, "FactorsIdentifiedAtAssessment")
            for code in assessment.factors:
                _text(factors, "AssessmentFactors", code)
    for plan in episode.cin_plans:
        element = etree.SubElement(details, "CINPlanDates")
        _text(element, "CINPlanStartDate", plan.started_on)
        _text(element, "CINPlanEndDate", plan.ended_on)
    for enquiry in episode.enquiries:
        element = etree.SubElement(details, "Section47")
        _text(element, "S47ActualStartDate", enquiry.started_on)
        _text(element, "InitialCPCtarget", enquiry.conference_target_on)
        _text(element, "DateOfInitialCPC", enquiry.conference_on)
        _text(element, "ICPCnotRequired", "true" if enquiry.is_conference_not_required else "false")
    _text(details, "ReferralNFA", "true" if episode.is_nfa else "false")
    for plan in episode.cp_plans:
        element = etree.SubElement(details, "ChildProtectionPlans")
        _text(element, "CPPstartDate", plan.started_on)
        _text(element, "CPPendDate", plan.ended_on)
        # The schema requires both categories: a plan recorded without one (a problem, 8905) is sent
        # as "multiple or not recommended" rather than as an invalid file.
        _text(element, "InitialCategoryOfAbuse", plan.initial_category or AbuseCategory.MULTIPLE)
        _text(element, "LatestCategoryOfAbuse", plan.latest_category or plan.initial_category
              or AbuseCategory.MULTIPLE)
        _text(element, "NumberOfPreviousCPP", plan.number_of_plans)
    return details


def write_xml(out, children: Iterable[CensusChild], year: CensusYear, la_code: str, *, release: str,
              produced_at: datetime) -> Summary:
    """Write the census to the binary file `out`, one child at a time; return what it held."""
    summary = Summary()
    with etree.xmlfile(out, encoding="UTF-8") as document:
        document.write_declaration(standalone=None)
        with document.element("Message"):
            header = etree.Element("Header")
            collection = etree.SubElement(header, "CollectionDetails")
            _text(collection, "Collection", "CIN")
            _text(collection, "Year", year.year + 1)
            _text(collection, "ReferenceDate", year.last)
            source = etree.SubElement(header, "Source")
            _text(source, "SourceLevel", "L")
            _text(source, "LEA", la_code)
            _text(source, "SoftwareCode", SOFTWARE)
            _text(source, "Release", release)
            _text(source, "SerialNo", "001")
            _text(source, "DateTime", to_london(produced_at).replace(microsecond=0, tzinfo=None).isoformat())
            document.write(header, pretty_print=True)
            with document.element("Children"):
                for child in children:
                    document.write(child_element(child), pretty_print=True)
                    summary.add(child)
    return summary
