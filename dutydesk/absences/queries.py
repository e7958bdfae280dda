"""Read-only questions about absences, cover and the post, e-mails and messages received for workers."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk.absences.directory import Directory
from dutydesk.extensions import db
from dutydesk.models import Absence, InboxItem, User


def list_current_and_upcoming_absences(now: datetime, team_ids: list[int] | None = None) -> list[Absence]:
    """Absences not yet over, soonest first: of the teams' workers, or of everyone's if no teams are given."""
    query = (
        select(Absence)
        .join(Absence.worker)
        .where(Absence.ends_at > now, Absence.ends_at > Absence.starts_at)  # not those withdrawn
        .order_by(Absence.starts_at, Absence.id)
        .options(joinedload(Absence.worker).joinedload(User.team), joinedload(Absence.cover),
                 joinedload(Absence.recorded_by))
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids))
    return db.session.scalars(query).all()


def get_absence(absence_id: int) -> Absence | None:
    return db.session.get(Absence, absence_id)


def get_stand_in(worker: User, at: datetime) -> User | None:
    """Who takes the worker's new work and post at that moment (None: the senior managers)."""
    stand_in_id = Directory.load(at).stand_in(worker.id)
    return None if stand_in_id is None else db.session.get(User, stand_in_id)


def get_inbox_item(item_id: int) -> InboxItem | None:
    return db.session.scalar(
        select(InboxItem)
        .where(InboxItem.id == item_id)
        .options(joinedload(InboxItem.addressed_to), joinedload(InboxItem.holder), joinedload(InboxItem.team),
                 joinedload(InboxItem.recorded_by), joinedload(InboxItem.actioned_by))
    )
