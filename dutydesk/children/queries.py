"""Read-only questions about children's records: their calls and cases, their open work and the
open work other teams hold about them (R2.5: both teams are told), how often they were referred
lately (Annex A), and who has seen them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from dutydesk import rules
from dutydesk.children.matching import ChildQuery, Match, score
from dutydesk.children.search import CheckResult, load_candidates, merged_family, surviving_ids
from dutydesk.clock import as_utc
from dutydesk.extensions import db
from dutydesk.models import (
    Child,
    ChildAddress,
    ChildEvent,
    ChildMerge,
    ChildName,
    Contact,
    ContactChild,
    DuplicatePair,
    DuplicateScan,
    NotSameChild,
    Obligation,
    RecordsCheck,
    RecordView,
    Referral,
    Team,
    Transfer,
    User,
)


def record_ids_of(child_id: int) -> set[int]:
    """The record and every record merged into it (directly or through another): the same child,
    whose calls, cases and views are all theirs. A merged record's own page shows only its own."""
    return merged_family([child_id])[child_id]


def list_merged_records(child_id: int) -> list[tuple[Child, ChildMerge | None]]:
    """The records merged into this one (directly or through another), each with the merge that
    joined it, in the order they were merged; their names and addresses loaded."""
    ids = sorted(record_ids_of(child_id) - {child_id})
    if not ids:
        return []
    children = db.session.scalars(
        select(Child).where(Child.id.in_(ids))
        .options(selectinload(Child.names).selectinload(ChildName.recorded_by),
                 selectinload(Child.addresses).selectinload(ChildAddress.recorded_by))).all()
    merges = {merge.child_id: merge for merge in db.session.scalars(
        select(ChildMerge).where(ChildMerge.child_id.in_(ids), ChildMerge.undone_at.is_(None))
        .options(selectinload(ChildMerge.merged_by)).order_by(ChildMerge.id))}
    return sorted(((child, merges.get(child.id)) for child in children),
                  key=lambda found: (found[1].merged_at if found[1] else found[0].created_at, found[0].id))


def list_contact_child_ids(child_id: int) -> list[int]:
    """The children on calls linked to the record or to any record merged into it."""
    return db.session.scalars(select(ContactChild.id).where(ContactChild.child_id.in_(sorted(record_ids_of(child_id))))
                              .order_by(ContactChild.id)).all()


def get_child(child_id: int) -> Child | None:
    """A child's record with its names and addresses, in a fixed number of queries."""
    return db.session.scalar(
        select(Child).where(Child.id == child_id)
        .options(selectinload(Child.names).selectinload(ChildName.recorded_by),
                 selectinload(Child.names).selectinload(ChildName.ended_by),
                 selectinload(Child.addresses).selectinload(ChildAddress.recorded_by),
                 selectinload(Child.addresses).selectinload(ChildAddress.ended_by),
                 selectinload(Child.created_by), selectinload(Child.merged_into))
    )


@dataclass(frozen=True)
class CallAbout:
    """A call about the child: the child as its caller described them, and how many of its
    clocks (about the whole call, or this child) are still running."""

    contact_child: ContactChild
    open_clocks: int

    @property
    def contact(self) -> Contact:
        return self.contact_child.contact

    @property
    def referral(self) -> Referral | None:
        return self.contact_child.referral


def _open_about(contact_child_id_column):
    """Open obligations of a call that are about the whole call or about this child of it."""
    return (Obligation.met_at.is_(None),
            or_(Obligation.child_id.is_(None), Obligation.child_id == contact_child_id_column))


def list_calls(child_id: int) -> list[CallAbout]:
    """Every call about the child (linked to their record or to a record merged into it), the
    latest first, each with its case if it opened one."""
    record_ids = sorted(record_ids_of(child_id))
    contact_children = db.session.scalars(
        select(ContactChild).join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.child_id.in_(record_ids))
        .options(selectinload(ContactChild.contact).selectinload(Contact.team),
                 selectinload(ContactChild.referral).selectinload(Referral.team),
                 selectinload(ContactChild.referral).selectinload(Referral.worker),
                 selectinload(ContactChild.referral).selectinload(Referral.transfers)
                 .selectinload(Transfer.to_team))
        .order_by(Contact.received_at.desc(), ContactChild.id.desc())
    ).all()
    open_clocks = dict(db.session.execute(
        select(ContactChild.id, func.count(Obligation.id))
        .join(Obligation, Obligation.contact_id == ContactChild.contact_id)
        .where(ContactChild.child_id.in_(record_ids), *_open_about(ContactChild.id))
        .group_by(ContactChild.id)
    ).all())
    return [CallAbout(cc, open_clocks.get(cc.id, 0)) for cc in contact_children]


@dataclass
class OpenWork:
    """What a team holds about the child now: calls with clocks running, and open cases."""

    team: Team
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    @property
    def calls_without_case(self) -> list[Contact]:
        """Its calls with clocks running, bar the calls of its open cases (a case's assessment
        is a clock of its call): said once, as the case."""
        of_cases = {referral.contact_id for referral in self.referrals}
        return [contact for contact in self.contacts if contact.id not in of_cases]


def _open_calls(*where) -> list[tuple[int, Contact]]:
    """Open work, the calls: each call with a clock still running (about the whole call, or the
    child), with the child's record, for the calls' children that match `where`.

    Joined to the open obligations rather than asking of each call whether it has one: asked
    about a team (the board), the statement can start from the open work and never read the
    team's years of calls.
    """
    rows = db.session.execute(
        select(ContactChild.child_id, Contact).join(Contact, Contact.id == ContactChild.contact_id)
        .join(Obligation, Obligation.contact_id == Contact.id)
        .where(*where, *_open_about(ContactChild.id))
        .options(selectinload(Contact.team)).order_by(Contact.received_at, Contact.id)
    ).all()
    return list(dict.fromkeys((child_id, contact) for child_id, contact in rows))


def _open_cases(*where) -> list[tuple[int, Referral]]:
    """Open work, the cases: each case (referral) not ended in no further action, with the
    child's record, for the cases that match `where`."""
    return [(child_id, referral) for child_id, referral in db.session.execute(
        select(ContactChild.child_id, Referral).join(ContactChild, ContactChild.id == Referral.child_id)
        .where(*where, Referral.is_open)
        .options(selectinload(Referral.team), selectinload(Referral.worker), selectinload(Referral.contact))
        .order_by(Referral.created_at, Referral.id)
    ).all()]


def _by_team(contacts: Iterable[Contact], referrals: Iterable[Referral]) -> list[OpenWork]:
    by_team: dict[int, OpenWork] = {}
    for contact in contacts:
        by_team.setdefault(contact.team_id, OpenWork(contact.team)).contacts.append(contact)
    for referral in referrals:
        by_team.setdefault(referral.team_id, OpenWork(referral.team)).referrals.append(referral)
    return sorted(by_team.values(), key=lambda work: work.team.name)


def list_open_work(child_id: int) -> list[OpenWork]:
    """The teams holding open work about the child, each with that work, in two queries: the
    team of each call with a clock still running (about the call, or this child), and the team
    of each open case. Work about a record merged into the child's is theirs too."""
    record_ids = sorted(record_ids_of(child_id))
    return _by_team(list(dict.fromkeys(contact for _, contact in _open_calls(ContactChild.child_id.in_(record_ids)))),
                    [referral for _, referral in _open_cases(ContactChild.child_id.in_(record_ids))])


def _families(child_ids: Iterable[int]) -> dict[int, int]:
    """Each of these records, and every record merged with any of them, mapped to the record they
    all now live on as: the same child, whichever record a call or a case was linked to."""
    survivors = surviving_ids(child_ids)
    family = merged_family(set(survivors.values()))
    return {member: survivor for survivor, members in family.items() for member in members}


def list_other_teams_work(subjects: Iterable[tuple[int | None, int]]) -> dict[tuple[int, int], list[OpenWork]]:
    """R2.5: for each (child's record, team), the open work that teams other than that one hold
    about the same child: calls with clocks running and open cases, across every record merged
    with the child's (children.search.surviving_ids, merged_family).

    A call's page asks it for its children and the call's team, a case's page for its child and
    the case's team, and the board for every row: a fixed number of queries however many are
    asked (more only for each level of records merged into records merged in turn).
    """
    subjects = {(child_id, team_id) for child_id, team_id in subjects if child_id is not None}
    if not subjects:
        return {}
    survivor_of = _families(child_id for child_id, _ in subjects)
    members = sorted(survivor_of)
    contacts, referrals = defaultdict(list), defaultdict(list)
    for child_id, contact in _open_calls(ContactChild.child_id.in_(members)):
        if contact not in contacts[survivor_of[child_id]]:
            contacts[survivor_of[child_id]].append(contact)
    for child_id, referral in _open_cases(ContactChild.child_id.in_(members)):
        referrals[survivor_of[child_id]].append(referral)
    found = {}
    for child_id, team_id in subjects:
        survivor = survivor_of[child_id]
        found[(child_id, team_id)] = [work for work in _by_team(contacts[survivor], referrals[survivor])
                                      if work.team.id != team_id]
    return found


@dataclass(frozen=True)
class CallElsewhere:
    """Another team's call about a child whose open work this team holds (R2.5: both teams are told)."""

    contact_child: ContactChild
    #: Whether a clock of the call (about the whole call, or this child) is still running.
    has_open_clocks: bool
    #: What this team holds about the same child.
    held: OpenWork

    @property
    def contact(self) -> Contact:
        return self.contact_child.contact


def is_shown_to_other_teams(contact_child: ContactChild, now: datetime) -> bool:
    """Whether the other teams holding open work about this child of a call see the call on their
    boards (list_calls_elsewhere): while a clock of the call (about it, or the child) runs, and
    for rules.OTHER_TEAM_NOTICE_DAYS after it was received; not when the child's case from this
    call is the other team's own (transferred to them)."""
    contact, referral = contact_child.contact, contact_child.referral
    if referral is not None and referral.is_open and referral.team_id != contact.team_id:
        return False
    return (as_utc(contact.received_at) >= rules.other_team_notice_since(now)
            or any(obligation.met_at is None and obligation.child_id in (None, contact_child.id)
                   for obligation in contact.obligations))


def list_calls_elsewhere(team: Team, now: datetime) -> list[CallElsewhere]:
    """R2.5: the calls held by other teams about the children this team holds open work about
    (an open case, or a call with clocks running), the latest first, each with what this team
    holds. A call shows while its clocks run and for rules.OTHER_TEAM_NOTICE_DAYS after it was
    received; the call that opened one of this team's cases (a case transferred in) is not news.

    Merge-aware, like list_other_teams_work, and in a fixed number of queries: the board asks it
    at every refresh.
    """
    # The team's calls whose running clocks are the team's own (not those moved with a case
    # transferred out): the statement then reads the team's open work (ix_obligations_open_team_id).
    held_calls = _open_calls(Contact.team_id == team.id, Obligation.team_id == team.id,
                             ContactChild.child_id.is_not(None))
    held_cases = _open_cases(Referral.team_id == team.id, ContactChild.child_id.is_not(None))
    if not held_calls and not held_cases:
        return []
    survivor_of = _families({child_id for child_id, _ in held_calls + held_cases})
    held: dict[int, OpenWork] = {}
    for child_id, contact in held_calls:
        work = held.setdefault(survivor_of[child_id], OpenWork(team))
        if contact not in work.contacts:
            work.contacts.append(contact)
    for child_id, referral in held_cases:
        held.setdefault(survivor_of[child_id], OpenWork(team)).referrals.append(referral)
    open_clock = select(Obligation.id).where(Obligation.contact_id == Contact.id,
                                             *_open_about(ContactChild.id)).exists()
    rows = db.session.execute(
        select(ContactChild, open_clock.label("has_open_clocks"))
        .join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.child_id.in_(sorted(survivor_of)), Contact.team_id != team.id,
               ContactChild.id.not_in([referral.child_id for _, referral in held_cases]),
               or_(Contact.received_at >= rules.other_team_notice_since(now), open_clock))
        .options(selectinload(ContactChild.contact).selectinload(Contact.team))
        .order_by(Contact.received_at.desc(), ContactChild.id.desc())
    ).all()
    return [CallElsewhere(contact_child, bool(has_open_clocks), held[survivor_of[contact_child.child_id]])
            for contact_child, has_open_clocks in rows]


@dataclass(frozen=True)
class Offer:
    """A child the records check offers: why they matched, their record, and their open work."""

    match: Match
    child: Child
    open_work: list[OpenWork]

    @property
    def other_names(self) -> list[str]:
        """Every other name the child has or had (aliases, other spellings, former names), once each."""
        names = []
        for name in (*self.child.current_names, *self.child.former_names):
            if name.full_name != self.child.display_name and name.full_name not in names:
                names.append(name.full_name)
        return names

    @property
    def current_address(self) -> str | None:
        return next((address.address for address in self.child.addresses_over_time if address.is_current), None)


def list_offers(check: CheckResult, *, query: ChildQuery | None = None, chosen: int | None = None) -> list[Offer]:
    """The children a records check found, best first, with their records and open work; and
    the record chosen already, when the check (asked again) no longer offers it, weighed against
    the query, so that a choice made stays chosen (a record merged into another is not offered)."""
    matches = list(check.matches)
    if chosen is not None and query is not None and chosen not in {match.candidate_id for match in matches}:
        matches += [score(query, candidate) for candidate in load_candidates([chosen]) if candidate.id == chosen]
    ids = [match.candidate_id for match in matches]
    if not ids:
        return []
    children = {child.id: child for child in db.session.scalars(
        select(Child).where(Child.id.in_(ids)).options(selectinload(Child.names), selectinload(Child.addresses)))}
    return [Offer(match, children[match.candidate_id], list_open_work(match.candidate_id))
            for match in matches if match.candidate_id in children]


def list_contact_ids_about(child_ids: Iterable[int]) -> list[int]:
    """The calls about these children and the records merged into theirs: a list that shows the
    children is logged as a view of each (pages.log_list_view)."""
    family = merged_family(set(child_ids))
    members = sorted(set().union(*family.values())) if family else []
    if not members:
        return []
    return list(db.session.scalars(select(ContactChild.contact_id).where(ContactChild.child_id.in_(members))
                                   .distinct().order_by(ContactChild.contact_id)))


def list_records_checks(contact_child_ids: Iterable[int]) -> dict[int, RecordsCheck]:
    """R2.5: the records check made for each of these children of calls, by the child of the call."""
    ids = sorted(set(contact_child_ids))
    if not ids:
        return {}
    return {check.contact_child_id: check for check in db.session.scalars(
        select(RecordsCheck).where(RecordsCheck.contact_child_id.in_(ids))
        .options(selectinload(RecordsCheck.checked_by), selectinload(RecordsCheck.child))
        .order_by(RecordsCheck.id))}


@dataclass(frozen=True)
class EarlierCount:
    """Annex A: how many contacts and referrals about the child came before one, within the window."""

    child_id: int
    contacts: int
    referrals: int

    @property
    def total(self) -> int:
        return self.contacts + self.referrals


def count_earlier_contacts_and_referrals(child_id: int, before: datetime,
                                         months: int = rules.REPEAT_CONTACTS_MONTHS) -> EarlierCount:
    """How many contacts (calls) and referrals about the child there were in the `months`
    calendar months before `before` (rules.repeat_window_start), not counting `before` itself."""
    return count_earlier_for([(child_id, before)], months)[(child_id, before)]


def count_earlier_for(subjects: Iterable[tuple[int, datetime]],
                      months: int = rules.REPEAT_CONTACTS_MONTHS) -> dict[tuple[int, datetime], EarlierCount]:
    """count_earlier_contacts_and_referrals for many (child id, before) at once, in one query:
    the board asks it for every row.

    A child is their record and every record merged into it: a call about a merged record (B)
    counts for the record it joined (A), and a call linked to B is counted with A's."""
    subjects = {(child_id, before) for child_id, before in subjects if child_id is not None}
    if not subjects:
        return {}
    starts = {subject: rules.repeat_window_start(subject[1], months) for subject in subjects}
    since, until = min(starts.values()), max(before for _, before in subjects)
    survivor = surviving_ids({child_id for child_id, _ in subjects})
    family = merged_family(set(survivor.values()))
    same_child = {child_id: family[survivor.get(child_id, child_id)] if survivor.get(child_id, child_id) in family
                  else {child_id} for child_id, _ in subjects}
    child_ids = sorted(set().union(*same_child.values()))
    calls = (select(literal("contact").label("kind"), ContactChild.child_id, Contact.id,
                    Contact.received_at.label("at"))
             .join(Contact, Contact.id == ContactChild.contact_id)
             .where(ContactChild.child_id.in_(child_ids), Contact.received_at >= since,
                    Contact.received_at < until))
    cases = (select(literal("referral").label("kind"), ContactChild.child_id, Referral.id, Referral.created_at)
             .join(ContactChild, ContactChild.id == Referral.child_id)
             .where(ContactChild.child_id.in_(child_ids), Referral.created_at >= since,
                    Referral.created_at < until))
    found = defaultdict(set)
    for kind, child_id, row_id, at in db.session.execute(union_all(calls, cases)):
        found[child_id].add((kind, row_id, as_utc(at)))
    counts = {}
    for subject in subjects:
        child_id, before = subject
        rows = set().union(*(found[record_id] for record_id in same_child[child_id]))
        earlier = [(kind, row_id) for kind, row_id, at in rows if starts[subject] <= at < before]
        counts[subject] = EarlierCount(child_id, sum(kind == "contact" for kind, _ in earlier),
                                       sum(kind == "referral" for kind, _ in earlier))
    return counts


def list_child_events(child_id: int) -> list[ChildEvent]:
    """The changes made to a child's record, the latest first."""
    return db.session.scalars(
        select(ChildEvent).where(ChildEvent.child_id == child_id)
        .options(selectinload(ChildEvent.by)).order_by(ChildEvent.at.desc(), ChildEvent.id.desc())
    ).all()


#: The access log shows this many views a page.
VIEWS_PER_PAGE = 50


@dataclass(frozen=True)
class View:
    """Someone saw the child: their record (a page about them or one of their calls) or a list."""

    user: User
    at: datetime
    path: str
    is_list: bool


@dataclass(frozen=True)
class ViewsPage:
    views: list[View]
    number: int
    pages: int
    total: int


def list_views(child_id: int, page: int = 1, *, per_page: int = VIEWS_PER_PAGE) -> ViewsPage:
    """Who has seen the child and when, newest first, a page at a time.

    A page or a list that showed the child is logged against each call about the child that it
    showed (pages.py), so a child's views are the views of their calls; one page showing two of
    their calls (the child's own page shows them all) is one view, not two. The calls of records
    merged into the child's are theirs too.
    """
    calls = select(ContactChild.contact_id).where(ContactChild.child_id.in_(sorted(record_ids_of(child_id))))
    views = (select(RecordView.user_id, RecordView.at, RecordView.path, RecordView.is_list)
             .where(RecordView.contact_id.in_(calls)).distinct())
    total = db.session.scalar(select(func.count()).select_from(views.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    rows = db.session.execute(
        views.order_by(RecordView.at.desc(), RecordView.user_id, RecordView.path)
        .offset((number - 1) * per_page).limit(per_page)
    ).all()
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({row.user_id for row in rows})).options(selectinload(User.team)))}
    return ViewsPage([View(users[row.user_id], as_utc(row.at), row.path, row.is_list) for row in rows],
                     number, pages, total)


#: The duplicates list shows this many pairs a page.
PAIRS_PER_PAGE = 25


@dataclass(frozen=True)
class PairsPage:
    pairs: list[DuplicatePair]
    number: int
    pages: int
    total: int
    #: The scan that made the list; None when it has never been made.
    scan: DuplicateScan | None


def get_last_scan() -> DuplicateScan | None:
    """The last scan that made the duplicates list."""
    return db.session.scalar(select(DuplicateScan).where(DuplicateScan.finished_at.is_not(None))
                             .order_by(DuplicateScan.finished_at.desc(), DuplicateScan.id.desc()).limit(1))


def list_duplicate_pairs(page: int = 1, *, per_page: int = PAIRS_PER_PAGE) -> PairsPage:
    """The pairs of records likely the same child, best first, a page at a time: those the last scan
    found, less any since merged or said by a manager not to be the same child."""
    first, second = aliased(Child), aliased(Child)
    refused = (select(NotSameChild.id).where(NotSameChild.child_id == DuplicatePair.child_id,
                                             NotSameChild.other_id == DuplicatePair.other_id).exists())
    listed = (select(DuplicatePair)
              .join(first, first.id == DuplicatePair.child_id).join(second, second.id == DuplicatePair.other_id)
              .where(first.merged_into_id.is_(None), second.merged_into_id.is_(None), ~refused))
    total = db.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    pairs = db.session.scalars(
        listed.order_by(DuplicatePair.is_likely.desc(), DuplicatePair.score.desc(), DuplicatePair.id)
        .offset((number - 1) * per_page).limit(per_page)
        .options(*(selectinload(relation).selectinload(Child.names) for relation in (DuplicatePair.child,
                                                                                    DuplicatePair.other)),
                 *(selectinload(relation).selectinload(Child.addresses) for relation in (DuplicatePair.child,
                                                                                        DuplicatePair.other)))
    ).all()
    return PairsPage(pairs, number, pages, total, get_last_scan())


def list_contact_ids_of(child_ids: Iterable[int]) -> list[int]:
    """The calls linked to these records, for the log of a list that showed them."""
    ids = sorted(set(child_ids))
    if not ids:
        return []
    return db.session.scalars(select(ContactChild.contact_id).where(ContactChild.child_id.in_(ids)).distinct()).all()
