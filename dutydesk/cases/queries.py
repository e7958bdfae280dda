"""Read-only questions about decisions, cases, transfers and strategy discussions."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from dutydesk import permissions
from dutydesk.extensions import db
from dutydesk.models import (
    Contact,
    Obligation,
    Referral,
    RoleGrant,
    ScreeningDecision,
    StrategyDiscussion,
    Transfer,
    User,
)


def _users_with_roles(roles, team_id: int | None = None):
    query = (
        select(User)
        .where(User.is_active.is_(True),
               exists().where(RoleGrant.user_id == User.id, RoleGrant.role.in_(roles),
                              RoleGrant.in_force()))
        .options(selectinload(User.team))
        .order_by(User.display_name)
    )
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    return query


def list_social_care_managers() -> list[User]:
    """R93 and R48: the active managers who may be named on a decision."""
    return db.session.scalars(_users_with_roles(permissions.SOCIAL_CARE_MANAGER)).all()


def list_case_holders(team_id: int) -> list[User]:
    """R55: the active people of a team who may have a case allocated to them."""
    return db.session.scalars(_users_with_roles(permissions.HOLDS_CASES, team_id)).all()


def _decision_options():
    return (selectinload(ScreeningDecision.decided_by), selectinload(ScreeningDecision.social_care_manager),
            selectinload(ScreeningDecision.onward_agreed_by))


def list_decisions(child_id: int) -> list[ScreeningDecision]:
    """The screening decisions about one child, oldest first."""
    return db.session.scalars(
        select(ScreeningDecision).where(ScreeningDecision.child_id == child_id)
        .options(*_decision_options()).order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
    ).all()


def list_strategy_discussions(child_id: int) -> list[StrategyDiscussion]:
    return db.session.scalars(
        select(StrategyDiscussion).where(StrategyDiscussion.child_id == child_id)
        .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
    ).all()


@dataclass
class ChildRecords:
    """What the duty team decided and discussed about one child of a call."""

    decisions: list[ScreeningDecision] = field(default_factory=list)
    discussions: list[StrategyDiscussion] = field(default_factory=list)


def get_child_records(contact: Contact) -> dict[int, ChildRecords]:
    """Every child's decisions and strategy discussions on a call, in two queries per request.

    The call page asks for them once per child: the first asking loads them all, the others
    read what is kept for the rest of the request.
    """
    cache = g.setdefault("cases_child_records", {})
    if contact.id not in cache:
        records: dict[int, ChildRecords] = defaultdict(ChildRecords)
        for decision in db.session.scalars(
            select(ScreeningDecision).where(ScreeningDecision.contact_id == contact.id)
            .options(*_decision_options()).order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
        ):
            records[decision.child_id].decisions.append(decision)
        for discussion in db.session.scalars(
            select(StrategyDiscussion).where(StrategyDiscussion.contact_id == contact.id)
            .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
        ):
            records[discussion.child_id].discussions.append(discussion)
        cache[contact.id] = records
    return cache[contact.id]


def _transfer_options(to_transfers=None):
    """Load what a transfer shows, on Transfer itself or along a relationship to transfers."""

    def load(attribute):
        return to_transfers.selectinload(attribute) if to_transfers is not None else selectinload(attribute)

    return tuple(load(attribute) for attribute in (Transfer.from_team, Transfer.to_team, Transfer.requested_by,
                                                  Transfer.accepted_by, Transfer.obligation))


def get_case(referral_id: int) -> Referral | None:
    """A case with its child, team, worker and transfers, in a fixed number of queries."""
    return db.session.scalar(
        select(Referral).where(Referral.id == referral_id)
        .options(
            selectinload(Referral.contact), selectinload(Referral.child), selectinload(Referral.team),
            selectinload(Referral.worker), *_transfer_options(selectinload(Referral.transfers)),
        )
    )


def get_transfer(transfer_id: int) -> Transfer | None:
    return db.session.get(Transfer, transfer_id)


def list_open_work(child_id: int) -> list[Obligation]:
    """Everything still due about a child, soonest first."""
    return db.session.scalars(
        select(Obligation).where(Obligation.child_id == child_id, Obligation.met_at.is_(None))
        .options(selectinload(Obligation.worker), selectinload(Obligation.team))
        .order_by(Obligation.due_at, Obligation.id)
    ).all()


def get_strategy_discussion(discussion_id: int) -> StrategyDiscussion | None:
    """A strategy discussion with its attendees, action points and review, in a fixed number of queries."""
    return db.session.scalar(
        select(StrategyDiscussion).where(StrategyDiscussion.id == discussion_id)
        .options(
            selectinload(StrategyDiscussion.contact), selectinload(StrategyDiscussion.child),
            selectinload(StrategyDiscussion.recorded_by), selectinload(StrategyDiscussion.attendees),
            selectinload(StrategyDiscussion.action_points).selectinload(Obligation.worker),
            selectinload(StrategyDiscussion.action_points).selectinload(Obligation.met_by),
            selectinload(StrategyDiscussion.review).selectinload(Obligation.worker),
            selectinload(StrategyDiscussion.review).selectinload(Obligation.team),
            selectinload(StrategyDiscussion.review).selectinload(Obligation.met_by),
        )
    )


@dataclass(frozen=True)
class UnallocatedCase:
    """R54: an open case with no active named worker, and since when, as far as is recorded."""

    referral: Referral
    #: None when a worker who left is still named on it (when they left is not recorded).
    since: datetime | None


def _unallocated():
    """Open referrals with no named worker, or whose named worker is no longer active (R55)."""
    inactive_worker = exists().where(User.id == Referral.worker_id, User.is_active.is_(False))
    return Referral.is_open, or_(Referral.worker_id.is_(None), inactive_worker)


def list_unallocated(team_id: int | None) -> list[UnallocatedCase]:
    """R54: a team's (or every team's) unallocated cases, the longest waiting first.

    A fixed number of queries whatever the number of cases.
    """
    query = (
        select(Referral).where(*_unallocated())
        .options(selectinload(Referral.child), selectinload(Referral.team), selectinload(Referral.worker),
                 selectinload(Referral.transfers))
        .order_by(Referral.created_at, Referral.id)
    )
    if team_id is not None:
        query = query.where(Referral.team_id == team_id)
    referrals = db.session.scalars(query).all()
    cases = [UnallocatedCase(r, None if r.worker is not None else r.unallocated_since) for r in referrals]
    return sorted(cases, key=lambda c: (c.since is not None, c.since or c.referral.created_at))


def list_pending_transfers(team_id: int | None) -> list[Transfer]:
    """R42: open cases waiting to be accepted by another team, into or out of the team given."""
    query = (
        select(Transfer).join(Transfer.referral)
        .where(Transfer.accepted_at.is_(None), Referral.is_open)
        .options(selectinload(Transfer.referral).selectinload(Referral.child), *_transfer_options())
        .order_by(Transfer.requested_at, Transfer.id)
    )
    if team_id is not None:
        query = query.where(or_(Transfer.to_team_id == team_id, Transfer.from_team_id == team_id))
    return db.session.scalars(query).all()
