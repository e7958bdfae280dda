"""Read-only questions about a worker's own work."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk.absences.directory import Directory
from dutydesk.extensions import db
from dutydesk.models import Absence, ContactChild, InboxItem, Obligation, Referral, User


def list_open_work(worker_id: int) -> list[Obligation]:
    """Everything the worker owns that is still open, soonest due first, in one query.

    It reads open work only (the partial index ix_obligations_open_worker_id), never the
    worker's history, with each obligation's call and child loaded alongside.
    """
    return db.session.scalars(
        select(Obligation)
        .where(Obligation.worker_id == worker_id, Obligation.met_at.is_(None))
        .order_by(Obligation.due_at, Obligation.id)
        .options(joinedload(Obligation.contact), joinedload(Obligation.child).joinedload(ContactChild.referral))
    ).all()


def list_allocated_cases(worker_id: int) -> list[Referral]:
    """R55: the open cases allocated to the worker, oldest referral first, in one query."""
    return db.session.scalars(
        select(Referral)
        .where(Referral.worker_id == worker_id, Referral.is_open)
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
    """R50: the absences going on now whose worker the person stands in for (by the one routing
    rule, absences.directory), each with the absent worker's open work and unactioned post.
    A fixed number of queries, however many absences and items there are."""
    directory = Directory.load(now)
    absences = [absence for worker_id, absence in directory.absences.items()
                if worker_id != user_id and directory.stand_in(worker_id) == user_id]
    worker_ids = [absence.worker_id for absence in absences]
    if not worker_ids:
        return []
    # Loading the workers at once lets each absence.worker come from the session, not a query.
    db.session.scalars(select(User).where(User.id.in_(worker_ids))).all()
    work = db.session.scalars(
        select(Obligation)
        .where(Obligation.worker_id.in_(worker_ids), Obligation.met_at.is_(None))
        .order_by(Obligation.due_at, Obligation.id)
        .options(joinedload(Obligation.contact), joinedload(Obligation.child).joinedload(ContactChild.referral))
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
        for absence in sorted(absences, key=lambda absence: (absence.starts_at, absence.id))
    ]
