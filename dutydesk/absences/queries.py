"""Read-only questions about absences, cover and the post, e-mails and messages received for workers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk.absences.directory import Directory
from dutydesk.display import away_until
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


def stand_in_words(absence: Absence, stand_in: User | None) -> str:
    """Who takes the absent worker's work, as a sentence says it: 'Sam Okoro' (their cover),
    'their manager, Mo Rahman', 'Oli Berg, who stands in for them' or 'the senior managers'."""
    if stand_in is None:
        return "the senior managers"
    if stand_in.id == absence.cover_id:
        return stand_in.display_name
    team = absence.worker.team
    if team is not None and stand_in.id == team.manager_id:
        return f"their manager, {stand_in.display_name}"
    return f"{stand_in.display_name}, who stands in for them"


def list_absences_in_force(worker_ids: list[int], at: datetime) -> dict[int, Absence]:
    """Of the workers, those away at that moment, each with the absence that covers it."""
    if not worker_ids:
        return {}
    return {absence.worker_id: absence for absence in db.session.scalars(
        select(Absence).where(Absence.worker_id.in_(worker_ids), Absence.in_force_at(at)))}


@dataclass(frozen=True)
class Away:
    """Someone away at a moment, until when, and who takes their work meanwhile (R50)."""

    absence: Absence
    #: Who takes their work (None: the senior managers), and how a sentence names them.
    stand_in: User | None
    stand_in_words: str

    def refusal(self, to_do: str, now: datetime, *, may_take: Callable[[User], bool] = lambda _: True) -> str:
        """Why not them, and whom to choose instead: 'Wes Adams is away until 4 Dec, and their work
        goes to Priya Shah: put the call through to Priya Shah or someone else who is in'."""
        whom = (f"{self.stand_in.display_name} or someone else who is in"
                if self.stand_in is not None and may_take(self.stand_in) else "someone who is in")
        return (f"{self.absence.worker.display_name} is away until {away_until(self.absence.ends_at, now)}, "
                f"and their work goes to {self.stand_in_words}: {to_do} {whom}")


def get_away(person: User, at: datetime) -> Away | None:
    """Whether the person is away at that moment (None: they are in), and who stands in for them."""
    absence = list_absences_in_force([person.id], at).get(person.id)
    if absence is None:
        return None
    stand_in = get_stand_in(person, at)
    return Away(absence, stand_in, stand_in_words(absence, stand_in))


def get_inbox_item(item_id: int) -> InboxItem | None:
    return db.session.scalar(
        select(InboxItem)
        .where(InboxItem.id == item_id)
        .options(joinedload(InboxItem.addressed_to), joinedload(InboxItem.holder), joinedload(InboxItem.team),
                 joinedload(InboxItem.recorded_by), joinedload(InboxItem.actioned_by))
    )
