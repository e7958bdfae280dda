"""Ofsted's Annex A lists, from exactly the records dutydesk holds, as an Excel workbook.

The sheets are the lists of Ofsted's Annex A (the data asked for at an inspection of local
authority children's services, ILACS) that the front door's records make: List 1 (contacts),
List 3 (referrals), List 4 (assessments), List 5 (section 47 enquiries and initial child protection
conferences) and List 6 (children in need). Each has Annex A's column headings in Annex A's order
and its codes as the template writes them (models/codes.py, ANNEX_A_*).

Which version. Ofsted's own guidance page could not be read from here; the headings, their order
and the codes are those of the ILACS Annex A template (lists 1 to 11) as the sector's tools for it
hold them: Social Finance's liia-tools (annex_a_pipeline/spec/pipeline.yml and Annex_A_schema.yml,
the latest, which carry the census's newer codes 5D, early help, and RC9) and Data to Insight's
Standard Safeguarding Dataset queries (January 2024). Where those differ from what issue 13
remembered, the template wins: List 4 asks "Does the Child have a Disability" and "Was the child
assessed as requiring LA children's social care support?"; List 5 asks the disability and the
numbers of section 47 enquiries and of conferences in the last 12 months; List 6 asks the
disability, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date"
and "Reason for Closure" (and has no "Date of latest referral").

What dutydesk cannot fill. Every column has a value from dutydesk's records where the record
holds one; none is invented. Annex A's "d) Neither" gender and List 6's "a) Looked after child"
case status are never written: the CIN census Sex has no such code, and dutydesk holds no
looked-after children. A column left empty is counted, when Annex A's template takes no blank
there, as a row with a required value missing (the ethnicity not yet asked; a child in need's
case status dutydesk cannot tell, an open case with neither plan nor open assessment). A child in
need's primary need before any assessment concludes is written N0, "not stated", as the census
writes it; an open case with no named worker is written "Unallocated" (R54).

How rows are chosen, for a period of London dates [first, last]:

    List 1  each child named on each call received in the period (London midnight to midnight);
    List 3  each referral dated in the period;
    List 4  each assessment open at any time in the period (started by its last day, not
            authorised before its first);
    List 5  each section 47 enquiry started in the period, or whose conference was held in it;
    List 6  each case open at any time in the period: referred by its last day, not closed
            before its first, not ended in no further action by its end.

The child is their record, a record merged into another counted as the record it joined
(statistics.rec29.CHILD): its reference is the Child Unique ID and its details the person
columns. The age is in whole years on the day of the event the row is about (rules.age_on):
the call, the referral, the assessment's start, the enquiry's start, the case's start. The lists
read as they would have on the period's last day: a date after it (an authorisation, a
conference, a closure) is not yet shown; the team and worker are those holding the case now.
"In the last 12 months" counts the child's earlier referrals, enquiries or conferences within
rules.REPEAT_CONTACTS_MONTHS before the row's date, not the row's own (rec29.repeat_window_opens).

Every list is one SQL query, streamed (yield_per: a server-side cursor on PostgreSQL), and the
workbook is written by XlsxWriter in constant_memory mode, a row at a time: memory stays the same
whatever the number of rows. The children counted and the calls behind the rows are kept as a
bit each (IdSet), 125 kB for a million records.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import xlsxwriter
from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from dutydesk import rules
from dutydesk.clock import to_london
from dutydesk.models import (
    Assessment,
    Child,
    Closure,
    Contact,
    ContactChild,
    Obligation,
    ObligationKind,
    Plan,
    Referral,
    Section47Enquiry,
    Team,
    User,
)
from dutydesk.models.codes import (
    ANNEX_A_CASE_STATUS,
    ANNEX_A_CLOSURE_REASON,
    ANNEX_A_ETHNICITY,
    ANNEX_A_GENDER,
    ANNEX_A_PRIMARY_NEED,
    ANNEX_A_SOURCE,
    CaseStatus,
    PlanKind,
    PrimaryNeed,
    annex_a_disability,
    annex_a_yes_no,
)
from dutydesk.statistics.rec29 import CHILD, Period, repeat_window_opens

#: Rows fetched from the database at a time, and between two reports of progress.
BATCH = 1000
#: How Annex A's dates are shown (they are real Excel dates whatever the format).
DATE_FORMAT = "dd/mm/yyyy"


class IdSet:
    """Distinct positive ids, a bit each: a million record ids take 125 kB, however many rows name them."""

    def __init__(self):
        self._bits = bytearray()

    def add(self, number: int) -> None:
        byte = number >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1, 2 * len(self._bits)) - len(self._bits)))
        self._bits[byte] |= 1 << (number & 7)

    def __len__(self) -> int:
        return int.from_bytes(self._bits, "little").bit_count()

    def __iter__(self) -> Iterator[int]:
        """The ids, smallest first."""
        for byte, bits in enumerate(self._bits):
            if bits:
                yield from (byte * 8 + bit for bit in range(8) if bits >> bit & 1)


@dataclass(frozen=True)
class Column:
    heading: str
    #: Annex A's template takes no blank here: a row without it has a required value missing.
    is_required: bool = False
    #: Required only of a case still open (a named worker: R54/55 let a closed case have none).
    only_while_open: bool = False
    width: int = 14


@dataclass(frozen=True)
class AnnexList:
    """One sheet: its name, what its rows are, its columns, the query of its rows for a period, and
    each row's cells (str, int, date or None) in the columns' order."""

    sheet: str
    what: str
    columns: tuple[Column, ...]
    query: Callable[[Period], object]
    cells: Callable[[object, Period], list]

    def is_missing(self, cells: list, is_open: bool) -> bool:
        """Whether a value Annex A requires is blank in the row."""
        return any(value is None and column.is_required and (is_open or not column.only_while_open)
                   for column, value in zip(self.columns, cells))


# --- the columns every list begins with, and the case's team and worker ---------------------------

PERSON = (Column("Child Unique ID", True), Column("Gender", True, width=22), Column("Ethnicity", True),
          Column("Date of Birth"), Column("Age of Child (Years)"))
DISABILITY = Column("Does the Child have a Disability", True)
ALLOCATED = (Column("Allocated Team", True, width=30), Column("Allocated Worker", True, only_while_open=True,
                                                                width=30))

#: The child counted: the call's child's record, or the record it was merged into.
person = aliased(Child, name="person")
worker = aliased(User, name="worker")


def _person_columns() -> tuple:
    return (person.id.label("child"), person.sex, person.ethnicity, person.date_of_birth, person.disabilities)


def _with_child(query, contact_child_id=None):
    """Join the call's child (by its id, unless joined already) to their record and to the child counted."""
    if contact_child_id is not None:
        query = query.join(ContactChild, ContactChild.id == contact_child_id)
    return query.join(Child, Child.id == ContactChild.child_id).join(person, person.id == CHILD)


def _case_columns() -> tuple:
    """The referral's call, its team and its named worker (while active: R55), and whether it is open."""
    return (Referral.contact_id, Team.name.label("team"), worker.display_name.label("worker"),
            Referral.is_open.label("is_open"))


def _case_joins(query):
    return (query.join(Team, Team.id == Referral.team_id)
            .outerjoin(worker, and_(worker.id == Referral.worker_id, worker.is_active.is_(True))))


#: What Annex A's "Allocated Worker" says of an open case with no named worker (R54: it is the fact
#: an inspector looks for, not a blank to fill).
UNALLOCATED = "Unallocated"


def _worker(row) -> str | None:
    """The named worker; for an open case without one, that it is unallocated."""
    return row.worker or (UNALLOCATED if row.is_open else None)


def _person_cells(row, on: date) -> list:
    born = row.date_of_birth
    return [Child.reference_of(row.child), ANNEX_A_GENDER[row.sex], ANNEX_A_ETHNICITY.get(row.ethnicity), born,
            rules.age_on(born, on) if born is not None else None]


def _own_record(call_child):
    """SQL: the call's child (an alias of ContactChild) is the child counted's own record."""
    return call_child.child_id == person.id


def _merged_records(call_child):
    """SQL: the call's child is a record merged into the child counted's."""
    merged = aliased(Child)
    return call_child.child_id.in_(select(merged.id).where(merged.merged_into_id == person.id)
                                   .correlate_except(merged))


def _for_same_child(count):
    """SQL: `count(on_child)` for the child counted's own record plus for the records merged into
    it: each an equality or a short IN the planner reads through the child's indexes, so that "the
    child's earlier referrals" costs a few index probes a row, not a scan of the year's referrals."""
    return count(_own_record) + count(_merged_records)


def _on_or_before(day, last: date):
    """The date, if it is on or before the period's last day; else None (not yet, then)."""
    return day if day is not None and day <= last else None


# --- List 1: contacts -------------------------------------------------------------------------------

def _contacts(period: Period):
    query = select(*_person_columns(), Contact.id.label("contact_id"), Contact.received_at, Contact.referral_source,
                   literal(False).label("is_open")).select_from(ContactChild)  # a call is no case
    return (_with_child(query.join(Contact, Contact.id == ContactChild.contact_id))
            .where(Contact.received_at >= period.starts, Contact.received_at < period.ends)
            .order_by(Contact.received_at, Contact.id, ContactChild.position))


def _contact_cells(row, period: Period) -> list:
    day = to_london(row.received_at).date()
    return [*_person_cells(row, day), day, ANNEX_A_SOURCE[row.referral_source]]


CONTACTS = AnnexList("List 1", "contacts", (*PERSON, Column("Date of Contact", True),
                                            Column("Contact Source", True, width=24)), _contacts, _contact_cells)


# --- List 3: referrals ------------------------------------------------------------------------------

def _earlier_referrals():
    """SQL: how many referrals of the same child are dated within the 12 months before this one."""
    def count(on_child):
        earlier, call_child = aliased(Referral), aliased(ContactChild)
        return (select(func.count()).select_from(earlier).join(call_child, call_child.id == earlier.child_id)
                .where(on_child(call_child), earlier.id != Referral.id, earlier.referred_on < Referral.referred_on,
                       earlier.referred_on >= repeat_window_opens(Referral.referred_on))
                .scalar_subquery())

    return _for_same_child(count)


def _referrals(period: Period):
    query = select(*_person_columns(), *_case_columns(), Referral.referred_on, Referral.source, Referral.is_nfa,
                   Referral.nfa_at, _earlier_referrals().label("earlier")).select_from(Referral)
    return (_case_joins(_with_child(query, Referral.child_id))
            .where(Referral.referred_on >= period.first, Referral.referred_on <= period.last)
            .order_by(Referral.referred_on, Referral.id))


def _referral_cells(row, period: Period) -> list:
    is_nfa = row.is_nfa and (row.nfa_at is None or row.nfa_at < period.ends)
    return [*_person_cells(row, row.referred_on), row.referred_on, ANNEX_A_SOURCE[row.source],
            annex_a_yes_no(is_nfa), row.earlier, row.team, _worker(row)]


REFERRALS = AnnexList("List 3", "referrals", (
    *PERSON, Column("Date of referral", True), Column("Referral Source", True, width=24),
    Column("Referral NFA?", True), Column("Number of Referrals in Last 12 Months", True), *ALLOCATED),
    _referrals, _referral_cells)


# --- List 4: assessments ----------------------------------------------------------------------------

def _assessments(period: Period):
    query = select(*_person_columns(), *_case_columns(), Assessment.started_on, Assessment.child_seen_on,
                   Assessment.authorised_on, Assessment.requires_service).select_from(Assessment)
    query = query.join(Referral, Referral.id == Assessment.referral_id)
    return (_case_joins(_with_child(query, Referral.child_id))
            .where(Assessment.started_on <= period.last,
                   or_(Assessment.authorised_on.is_(None), Assessment.authorised_on >= period.first))
            .order_by(Assessment.started_on, Assessment.id))


def _assessment_cells(row, period: Period) -> list:
    authorised = _on_or_before(row.authorised_on, period.last)
    return [*_person_cells(row, row.started_on), annex_a_disability(row.disabilities), row.started_on,
            annex_a_yes_no(_on_or_before(row.child_seen_on, period.last) is not None), authorised,
            annex_a_yes_no(row.requires_service if authorised is not None else None), row.team, _worker(row)]


ASSESSMENTS = AnnexList("List 4", "assessments", (
    *PERSON, DISABILITY, Column("Continuous Assessment Start Date", True),
    Column("Child Seen During Continuous Assessment", True), Column("Continuous Assessment Date of Authorisation"),
    Column("Was the child assessed as requiring LA children's social care support?"), *ALLOCATED),
    _assessments, _assessment_cells)


# --- List 5: section 47 enquiries and initial child protection conferences ---------------------------

def _earlier_enquiries(*, conferences: bool):
    """SQL: how many section 47 enquiries of the same child started (or, with `conferences`, how
    many of their conferences were held) within the 12 months before this enquiry started."""
    def count(on_child):
        earlier, case_, call_child = aliased(Section47Enquiry), aliased(Referral), aliased(ContactChild)
        day = earlier.conference_on if conferences else earlier.started_on
        return (select(func.count()).select_from(earlier).join(case_, case_.id == earlier.referral_id)
                .join(call_child, call_child.id == case_.child_id)
                .where(on_child(call_child), earlier.id != Section47Enquiry.id,
                       day < Section47Enquiry.started_on, day >= repeat_window_opens(Section47Enquiry.started_on))
                .scalar_subquery())

    return _for_same_child(count)


def _section47s(period: Period):
    plan = exists().where(Plan.referral_id == Section47Enquiry.referral_id, Plan.kind == PlanKind.CHILD_PROTECTION,
                          Plan.started_on == Section47Enquiry.conference_on)
    query = select(*_person_columns(), *_case_columns(), Section47Enquiry.started_on, Section47Enquiry.outcome,
                   Section47Enquiry.outcome_on, Section47Enquiry.conference_on, plan.label("has_plan"),
                   _earlier_enquiries(conferences=False).label("earlier_enquiries"),
                   _earlier_enquiries(conferences=True).label("earlier_conferences")).select_from(Section47Enquiry)
    query = query.join(Referral, Referral.id == Section47Enquiry.referral_id)
    return (_case_joins(_with_child(query, Referral.child_id))
            .where(or_(and_(Section47Enquiry.started_on >= period.first, Section47Enquiry.started_on <= period.last),
                       and_(Section47Enquiry.conference_on >= period.first,
                            Section47Enquiry.conference_on <= period.last)))
            .order_by(Section47Enquiry.started_on, Section47Enquiry.id))


def _section47_cells(row, period: Period) -> list:
    decided = row.outcome if _on_or_before(row.outcome_on, period.last) is not None else None
    held = _on_or_before(row.conference_on, period.last)
    return [*_person_cells(row, row.started_on), annex_a_disability(row.disabilities), row.started_on,
            annex_a_yes_no(None if decided is None else not decided.needs_conference), held,
            annex_a_yes_no(bool(row.has_plan) if held is not None else None), row.earlier_enquiries,
            row.earlier_conferences, row.team, _worker(row)]


SECTION47S = AnnexList("List 5", "section 47 enquiries and conferences", (
    *PERSON, DISABILITY, Column("Strategy discussion initiating Section 47 Enquiry Start Date", True),
    Column("Was an Initial Child Protection Conference deemed unnecessary?"),
    Column("Date of Initial Child Protection Conference"),
    Column("Did the Initial Child Protection Conference Result in a Child Protection Plan"),
    Column("Number of Section 47 Enquiries in the last 12 months", True),
    Column("Number of ICPCs in the last 12 months", True), *ALLOCATED),
    _section47s, _section47_cells)


# --- List 6: children in need -----------------------------------------------------------------------

#: The case's closure, outer-joined to List 6's cases (an alias: Referral.is_open asks of Closure itself).
closure = aliased(Closure, name="closure")


def _case_status(period: Period):
    """SQL: the case's Annex A status at the end of the period's last day (CaseStatus), or None."""
    def open_plan(kind: PlanKind):
        return exists().where(Plan.referral_id == Referral.id, Plan.kind == kind, Plan.started_on <= period.last,
                              or_(Plan.ended_on.is_(None), Plan.ended_on > period.last))

    return case(
        (closure.closed_on <= period.last, CaseStatus.CLOSED.value),
        (open_plan(PlanKind.CHILD_PROTECTION), CaseStatus.CHILD_PROTECTION_PLAN.value),
        (open_plan(PlanKind.CHILD_IN_NEED), CaseStatus.CHILD_IN_NEED_PLAN.value),
        (exists().where(Assessment.referral_id == Referral.id, Assessment.started_on <= period.last,
                        or_(Assessment.authorised_on.is_(None), Assessment.authorised_on > period.last)),
         CaseStatus.OPEN_ASSESSMENT.value),
        else_=None)


def _children_in_need(period: Period):
    concluded = aliased(Assessment)
    primary_need = (select(concluded.primary_need).where(concluded.referral_id == Referral.id,
                                                         concluded.completed_on <= period.last)
                    .order_by(concluded.completed_on.desc(), concluded.id.desc()).limit(1).scalar_subquery())
    seen_in_assessment = (select(func.max(Assessment.child_seen_on))
                          .where(Assessment.referral_id == Referral.id, Assessment.child_seen_on <= period.last)
                          .scalar_subquery())
    seen_on_call = (select(func.max(Obligation.met_at))  # R35: the child seen, after the call
                    # (the call's clocks, by its index: a child's clocks are the call's they are on)
                    .where(Obligation.contact_id == Referral.contact_id, Obligation.child_id == Referral.child_id,
                           Obligation.kind == ObligationKind.CHILD_SEEN,
                           Obligation.is_withdrawn.is_(False), Obligation.met_at < period.ends)
                    .scalar_subquery())
    query = select(*_person_columns(), *_case_columns(), Referral.referred_on,
                   primary_need.label("primary_need"), seen_in_assessment.label("seen_in_assessment"),
                   seen_on_call.label("seen_on_call"), closure.closed_on, closure.reason.label("closure_reason"),
                   _case_status(period).label("status")).select_from(Referral)
    ended_in_nfa = and_(Referral.is_nfa.is_(True), or_(Referral.nfa_at.is_(None), Referral.nfa_at < period.ends))
    return (_case_joins(_with_child(query, Referral.child_id))
            .outerjoin(closure, closure.referral_id == Referral.id)
            .where(Referral.referred_on <= period.last, ~ended_in_nfa,
                   or_(closure.id.is_(None), closure.closed_on >= period.first))
            .order_by(Referral.referred_on, Referral.id))


def _child_in_need_cells(row, period: Period) -> list:
    seen = [day for day in (row.seen_in_assessment, row.seen_on_call and to_london(row.seen_on_call).date())
            if day is not None]
    closed = _on_or_before(row.closed_on, period.last)
    need = row.primary_need
    return [*_person_cells(row, row.referred_on), annex_a_disability(row.disabilities), row.referred_on,
            ANNEX_A_PRIMARY_NEED[need or PrimaryNeed.NOT_STATED], max(seen) if seen else None, closed,
            ANNEX_A_CLOSURE_REASON[row.closure_reason] if closed is not None else None,
            ANNEX_A_CASE_STATUS[CaseStatus(row.status)] if row.status is not None else None, row.team, _worker(row)]


CHILDREN_IN_NEED = AnnexList("List 6", "children in need", (
    *PERSON, DISABILITY, Column("CIN Start Date", True), Column("Primary Need Code", True, width=30),
    Column("Date Child Was Last Seen"), Column("CIN Closure Date"), Column("Reason for Closure", width=30),
    Column("Case Status", True, width=24), *ALLOCATED),
    _children_in_need, _child_in_need_cells)


#: The sheets, in Annex A's order.
LISTS = (CONTACTS, REFERRALS, ASSESSMENTS, SECTION47S, CHILDREN_IN_NEED)


# --- the workbook -----------------------------------------------------------------------------------

@dataclass
class ListSummary:
    sheet: str
    what: str
    rows: int = 0
    #: Rows with a value Annex A requires left blank.
    missing: int = 0


@dataclass
class Summary:
    """What a workbook holds: the children counted, each list's rows, and the calls behind them
    (for the log of who saw which child)."""

    period: Period
    lists: list[ListSummary]
    children: IdSet = field(default_factory=IdSet)
    contact_ids: IdSet = field(default_factory=IdSet)

    @property
    def rows(self) -> int:
        return sum(found.rows for found in self.lists)

    @property
    def missing(self) -> int:
        return sum(found.missing for found in self.lists)


def count_rows(session: Session, period: Period) -> int:
    """How many rows the workbook for the period will have (for a progress bar)."""
    return sum(session.scalar(select(func.count()).select_from(annex.query(period).order_by(None).subquery())) or 0
               for annex in LISTS)


def write_workbook(session: Session, period: Period, target, *, progress: Callable[[int], None] | None = None
                   ) -> Summary:
    """Write Annex A's lists for the period to `target` (a path, or a binary file open for writing),
    a row at a time; `progress(n)` is told of every BATCH rows written."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": DATE_FORMAT})
    summary = Summary(period, [ListSummary(annex.sheet, annex.what) for annex in LISTS])
    written = 0
    for annex, found in zip(LISTS, summary.lists):
        sheet = book.add_worksheet(annex.sheet)
        sheet.freeze_panes(1, 0)
        for number, column in enumerate(annex.columns):
            sheet.set_column(number, number, column.width)
            sheet.write_string(0, number, column.heading, bold)
        result = session.execute(annex.query(period).execution_options(yield_per=BATCH))
        for line, row in enumerate(result, start=1):
            cells = annex.cells(row, period)
            for number, value in enumerate(cells):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(line, number, value, day)
                elif isinstance(value, int):
                    sheet.write_number(line, number, value)
                else:
                    sheet.write_string(line, number, value)
            found.rows += 1
            found.missing += annex.is_missing(cells, bool(row.is_open))
            summary.children.add(row.child)
            summary.contact_ids.add(row.contact_id)
            written += 1
            if progress is not None and written % BATCH == 0:
                progress(BATCH)
        result.close()
    book.close()
    if progress is not None:
        progress(written % BATCH)
    return summary
