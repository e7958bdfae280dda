"""Read-only questions about a worker's own work."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk.extensions import db
from dutydesk.models import Obligation, Referral


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
