"""Read-only questions about children's records: their calls and cases, their open work, how often
they were referred lately (Annex A), and who has seen them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from dutydesk import rules
from dutydesk.children.search import merged_family
from dutydesk.clock import as_utc
from dutydesk.extensions import db
from dutydesk.models import (
    Child,
    ChildAddress,
    ChildEvent,
    ChildName,
    Contact,
    ContactChild,
    Obligation,
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
    """Every call about the child, the latest first, each with its case if it opened one."""
    contact_children = db.session.scalars(
        select(ContactChild).join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.child_id == child_id)
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
        .where(ContactChild.child_id == child_id, *_open_about(ContactChild.id))
        .group_by(ContactChild.id)
    ).all())
    return [CallAbout(cc, open_clocks.get(cc.id, 0)) for cc in contact_children]


@dataclass
class OpenWork:
    """What a team holds about the child now: calls with clocks running, and open cases."""

    team: Team
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


def list_open_work(child_id: int) -> list[OpenWork]:
    """The teams holding open work about the child, each with that work, in two queries: the
    team of each call with a clock still running (about the call, or this child), and the team
    of each open case."""
    by_team: dict[int, OpenWork] = {}
    open_clock = (select(Obligation.id).where(Obligation.contact_id == Contact.id, *_open_about(ContactChild.id))
                  .exists())
    contacts = db.session.scalars(
        select(Contact).join(ContactChild, ContactChild.contact_id == Contact.id)
        .where(ContactChild.child_id == child_id, open_clock)
        .options(selectinload(Contact.team)).order_by(Contact.received_at, Contact.id)
    ).unique().all()
    for contact in contacts:
        by_team.setdefault(contact.team_id, OpenWork(contact.team)).contacts.append(contact)
    referrals = db.session.scalars(
        select(Referral).join(ContactChild, ContactChild.id == Referral.child_id)
        .where(ContactChild.child_id == child_id, Referral.is_open)
        .options(selectinload(Referral.team), selectinload(Referral.worker), selectinload(Referral.contact))
        .order_by(Referral.created_at, Referral.id)
    ).all()
    for referral in referrals:
        by_team.setdefault(referral.team_id, OpenWork(referral.team)).referrals.append(referral)
    return sorted(by_team.values(), key=lambda work: work.team.name)


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
    the board asks it for every row."""
    subjects = {(child_id, before) for child_id, before in subjects if child_id is not None}
    if not subjects:
        return {}
    starts = {subject: rules.repeat_window_start(subject[1], months) for subject in subjects}
    since, until = min(starts.values()), max(before for _, before in subjects)
    child_ids = sorted({child_id for child_id, _ in subjects})
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
        earlier = [(kind, row_id) for kind, row_id, at in found[child_id] if starts[subject] <= at < before]
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
    their calls (the child's own page shows them all) is one view, not two.
    """
    calls = select(ContactChild.contact_id).where(ContactChild.child_id == child_id)
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
