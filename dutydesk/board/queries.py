"""What the live board shows: a team's open work, read in a fixed number of queries (R19).

The board reads open obligations only (through the partial index on open work), never the
history: its cost follows the open work of one team, not the years of calls behind it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk import rules
from dutydesk.children.queries import (
    CallElsewhere,
    EarlierCount,
    count_earlier_for,
    list_calls_elsewhere,
    list_other_teams_work,
)
from dutydesk.clock import as_utc, from_london, to_london
from dutydesk.extensions import db
from dutydesk.escalations import queries as escalations
from dutydesk.models import Absence, Contact, ContactChild, Escalation, Obligation, ObligationKind, Team, Transfer, User
from dutydesk.statistics import rec29
from dutydesk.statistics.rec29 import Period

#: A worker filter meaning "held by the team, no named owner".
UNASSIGNED = "unassigned"

#: The board lists this many of the team's escalations waiting to be acknowledged (and counts all).
ESCALATIONS_SHOWN = 10

#: The board's sortable columns, and the default: soonest due first.
SORTS = ("due", "state", "child")


@dataclass(frozen=True)
class BoardFilters:
    team_id: int | None = None
    #: A worker's id, UNASSIGNED, or None for everyone.
    worker: int | str | None = None
    kind: ObligationKind | None = None
    sort: str = "due"
    descending: bool = False

    def matches(self, obligation: Obligation) -> bool:
        if self.kind is not None and obligation.kind is not self.kind:
            return False
        if self.worker == UNASSIGNED:
            return obligation.worker_id is None
        if self.worker is not None:
            return obligation.worker_id == self.worker
        return True


@dataclass
class BoardItem:
    obligation: Obligation
    urgency: rules.Urgency
    #: A transfer out of this team, waiting for the other team: shown here until accepted (R42).
    is_transfer_out: bool = False


@dataclass
class BoardRow:
    """One child (or, for work about the whole call, the call) and everything open about them."""

    contact: Contact
    child: ContactChild | None
    items: list[BoardItem] = field(default_factory=list)
    #: Annex A: the contacts and referrals about the child in the months before this call.
    earlier: EarlierCount | None = None
    #: R2.5: the other teams holding open work about the same child (an open case, a call with
    #: clocks running), who see this call on their boards.
    known_to: list[Team] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.contact.id}-{self.child.id if self.child else 'call'}"

    @property
    def subject(self) -> str:
        if self.child is not None:
            return self.child.display_name
        return f"{len(self.contact.children)} children: {self.contact.children_names}"

    @property
    def next_due(self) -> datetime:
        return min(item.obligation.due_at for item in self.items)

    @property
    def urgency(self) -> rules.Urgency:
        return min((item.urgency for item in self.items), key=lambda urgency: urgency.rank)


@dataclass
class WorkerLoad:
    """How much open work one worker (or nobody in particular) holds in the team."""

    worker: User | None
    open: int = 0
    overdue: int = 0
    due_soon: int = 0


@dataclass
class Board:
    team: Team
    now: datetime
    filters: BoardFilters
    rows: list[BoardRow]
    loads: list[WorkerLoad]
    #: Distinct children with a referral dated today, and in the last rules.RECENT_DAYS days (DESIGN.md §6).
    children_today: int
    children_recent: int
    #: Calls logged for the team today, however many children each is about and whatever became of them.
    calls_today: int
    children_open: int
    total_items: int
    #: The team's escalations past a deadline that no one has acknowledged yet, most senior first.
    escalations: list[Escalation] = field(default_factory=list)
    escalations_waiting: int = 0
    #: Team members away now (R50), by worker id.
    away: dict[int, Absence] = field(default_factory=dict)
    #: R2.5: other teams' calls about the children this team holds open work about.
    elsewhere: list[CallElsewhere] = field(default_factory=list)

    @property
    def shown_items(self) -> int:
        return sum(len(row.items) for row in self.rows)

    def count(self, urgency: rules.Urgency) -> int:
        return sum(1 for row in self.rows for item in row.items if item.urgency is urgency)

    @property
    def summary(self) -> str:
        """What changed, in words a screen reader can announce after a refresh."""
        summary = (f"{self.shown_items} open: {self.count(rules.Urgency.OVERDUE)} overdue, "
                   f"{self.count(rules.Urgency.DUE_SOON)} due soon")
        if self.escalations_waiting:
            summary += f"; {self.escalations_waiting} escalated and not yet acknowledged"
        if self.elsewhere:
            summary += f"; {len(self.elsewhere)} in other teams' calls"
        return summary

    @property
    def contact_ids_shown(self) -> list[int]:
        """The calls whose children the board names: its rows, its escalations, and the other
        teams' calls about the team's children with the team's own work about them."""
        return ([row.contact.id for row in self.rows]
                + [e.obligation.contact_id for e in self.escalations if e.obligation_id is not None]
                + [call.contact.id for call in self.elsewhere]
                + [work.id for call in self.elsewhere
                   for work in [*call.held.contacts, *(referral.contact for referral in call.held.referrals)]])


def load_board(team: Team, filters: BoardFilters, now: datetime) -> Board:
    """The team's open work grouped by child, with its counts, in a fixed number of queries."""
    items = [BoardItem(obligation, rules.urgency(obligation.created_at, obligation.due_at, now),
                       is_transfer_out=obligation.team_id != team.id)
             for obligation in _open_work(team.id)]
    team_items = [item for item in items if not item.is_transfer_out]
    today, last_7_days, calls_today = _children_referred(team.id, now)
    rows = _rows([item for item in items if filters.matches(item.obligation)])
    earlier = count_earlier_for((row.child.child_id, row.contact.received_at) for row in rows if row.child)
    elsewhere = list_other_teams_work((row.child.child_id, row.contact.team_id) for row in rows if row.child)
    for row in rows:
        if row.child is not None:
            row.earlier = earlier.get((row.child.child_id, row.contact.received_at))
            row.known_to = [work.team for work in elsewhere.get((row.child.child_id, row.contact.team_id), [])]
    return Board(
        team=team, now=now, filters=filters,
        rows=_sorted(rows, filters),
        loads=_loads(team_items),
        children_today=today, children_recent=last_7_days, calls_today=calls_today,
        children_open=len({child_key for item in team_items for child_key in _children_of(item.obligation)}),
        total_items=len(team_items),
        escalations=escalations.list_team_waiting(team.id, least=rules.EscalationLevel.MANAGER,
                                                  limit=ESCALATIONS_SHOWN),
        escalations_waiting=escalations.count_team_waiting(team.id, least=rules.EscalationLevel.MANAGER),
        away=_away(team.id, now),
        elsewhere=list_calls_elsewhere(team, now),
    )


def _away(team_id: int, now: datetime) -> dict[int, Absence]:
    """The team's members away at this moment, with their cover."""
    absences = db.session.scalars(
        select(Absence).join(User, Absence.worker_id == User.id)
        .where(User.team_id == team_id, Absence.in_force_at(now))
        .options(joinedload(Absence.cover)))
    return {absence.worker_id: absence for absence in absences}


def _open_work(team_id: int) -> list[Obligation]:
    """Open obligations the team holds, then its transfers out that the other team has not accepted.

    Two statements rather than one with an OR: each then reads its own index (the team's open
    work, the team's pending transfers), where an OR made the planner read every team's open work.
    """
    options = (joinedload(Obligation.contact).selectinload(Contact.children),
               joinedload(Obligation.child).joinedload(ContactChild.referral), joinedload(Obligation.worker), joinedload(Obligation.team))
    held = db.session.scalars(
        select(Obligation).where(Obligation.team_id == team_id, Obligation.met_at.is_(None)).options(*options)
    ).unique().all()
    transfers_out = db.session.scalars(
        select(Obligation).join(Transfer, Transfer.obligation_id == Obligation.id)
        .where(Transfer.from_team_id == team_id, Transfer.accepted_at.is_(None), Obligation.met_at.is_(None))
        .options(*options)
    ).unique().all()
    return [*held, *transfers_out]


def _children_referred(team_id: int, now: datetime) -> tuple[int, int, int]:
    """Children referred to the team today and in the last rules.RECENT_DAYS London days, as
    DESIGN.md section 6 counts them (distinct children with a referral dated then:
    statistics.rec29.referred), and the calls logged for the team today."""
    today = to_london(now).date()
    week_starts = to_london(rules.recent_days_start(now)).date()
    return (rec29.count(db.session, rec29.referred(Period(today, today, team_id))),
            rec29.count(db.session, rec29.referred(Period(week_starts, today, team_id))),
            rec29.count(db.session, rec29.contacts(Period(today, today, team_id))
                        .where(Contact.received_at <= as_utc(now))))


def _children_of(obligation: Obligation) -> list[int]:
    if obligation.child_id is not None:
        return [obligation.child_id]
    return [child.id for child in obligation.contact.children]


def _rows(items: list[BoardItem]) -> list[BoardRow]:
    """One row per child. Work about the whole call joins its child's row when the call is about
    one child (most are); a call about several children has a row of its own for it."""
    rows: dict[tuple[int, int | None], BoardRow] = {}
    for item in items:
        obligation = item.obligation
        child = obligation.child
        if child is None and len(obligation.contact.children) == 1:
            child = obligation.contact.children[0]
        key = (obligation.contact_id, child.id if child else None)
        if key not in rows:
            rows[key] = BoardRow(contact=obligation.contact, child=child)
        rows[key].items.append(item)
    for row in rows.values():
        row.items.sort(key=lambda item: (item.obligation.due_at, item.obligation.id))
    return list(rows.values())


def _sorted(rows: list[BoardRow], filters: BoardFilters) -> list[BoardRow]:
    keys = {
        "due": lambda row: (row.next_due, row.key),
        "state": lambda row: (row.urgency.rank, row.next_due, row.key),
        "child": lambda row: (row.subject.casefold(), row.next_due, row.key),
    }
    return sorted(rows, key=keys.get(filters.sort, keys["due"]), reverse=filters.descending)


def _loads(items: list[BoardItem]) -> list[WorkerLoad]:
    loads: dict[int | None, WorkerLoad] = defaultdict(lambda: WorkerLoad(worker=None))
    for item in items:
        load = loads[item.obligation.worker_id]
        load.worker = item.obligation.worker
        load.open += 1
        load.overdue += item.urgency is rules.Urgency.OVERDUE
        load.due_soon += item.urgency is rules.Urgency.DUE_SOON
    # The busiest first, so that an overloaded worker is at the top; the team's own pile last.
    return sorted(loads.values(), key=lambda load: (load.worker is None, -load.overdue, -load.open,
                                                    load.worker.display_name if load.worker else ""))
