"""Read-only questions about a worker's own work."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload

from dutydesk.extensions import db
from dutydesk.models import Absence, InboxItem, Obligation, Referral, Team, User


def list_open_work(worker_id: int) -> list[Obligation]:
    """Everything the worker owns that is still open, soonest due first, in one query.

    It reads open work only (the partial index ix_obligations_open_worker_id), never the
    worker's history, with each obligation's call and child loaded alongside.
    """
    return db.session.scalars(
        select(Obligation)
        .where(Obligation.worker_id == worker_id, Obligation.met_at.is_(None))
        .order_by(Obligation.due_at, Obligation.id)
        .options(joinedload(Obligation.contact), joinedload(Obligation.child))
    ).all()


def list_allocated_cases(worker_id: int) -> list[Referral]:
    """R55: the open cases allocated to the worker, oldest referral first, in one query."""
    return db.session.scalars(
        select(Referral)
        .where(Referral.worker_id == worker_id, Referral.is_nfa.is_(False))
        .order_by(Referral.referred_on, Referral.id)
        .options(joinedload(Referral.child), joinedload(Referral.team))
    ).all()


def list_held_inbox_items(holder_id: int) -> list[InboxItem]:
    """R50: the post and messages the person must action, soonest due first, in one query.

    It reads unactioned items only, through the partial index ix_inbox_items_open_holder_id.
    """
    return db.session.scalars(
        select(InboxItem)
        .where(InboxItem.holder_id == holder_id, InboxItem.actioned_at.is_(None))
        .order_by(InboxItem.due_at, InboxItem.id)
        .options(joinedload(InboxItem.addressed_to))
    ).all()


@dataclass
class Covering:
    """An absence the person covers now, with the absent worker's open work and unactioned post."""

    absence: Absence
    work: list[Obligation]
    post: list[InboxItem]


def list_covering(user_id: int, now: datetime) -> list[Covering]:
    """R50: the absences the person covers now, each with the absent worker's open work and post.

    The person covers an absence if they are its cover, or if it has no (active) cover and they
    manage the absent worker's team. Three queries, however many absences and items there are.
    """
    covered = _covered_absences(user_id, now)
    absences = db.session.scalars(
        covered.order_by(Absence.starts_at, Absence.id).options(joinedload(Absence.worker))).all()
    worker_ids = covered.with_only_columns(Absence.worker_id)
    work = db.session.scalars(
        select(Obligation)
        .where(Obligation.worker_id.in_(worker_ids), Obligation.met_at.is_(None))
        .order_by(Obligation.due_at, Obligation.id)
        .options(joinedload(Obligation.contact), joinedload(Obligation.child))
    ).all()
    post = db.session.scalars(
        select(InboxItem)
        .where(InboxItem.holder_id.in_(worker_ids), InboxItem.actioned_at.is_(None))
        .order_by(InboxItem.due_at, InboxItem.id)
        .options(joinedload(InboxItem.addressed_to))
    ).all()
    return [
        Covering(absence=absence,
                 work=[obligation for obligation in work if obligation.worker_id == absence.worker_id],
                 post=[item for item in post if item.holder_id == absence.worker_id])
        for absence in absences
    ]


def _covered_absences(user_id: int, now: datetime):
    """The absences going on now (from the moment each starts) that the person covers."""
    worker, cover = aliased(User), aliased(User)
    return (
        select(Absence)
        .join(worker, worker.id == Absence.worker_id)
        .outerjoin(Team, Team.id == worker.team_id)
        .outerjoin(cover, cover.id == Absence.cover_id)
        .where(
            Absence.starts_at <= now, Absence.ends_at > now, Absence.worker_id != user_id,
            or_(and_(Absence.cover_id == user_id, cover.is_active.is_(True)),
                and_(or_(Absence.cover_id.is_(None), cover.is_active.is_(False)), Team.manager_id == user_id)),
        )
    )
