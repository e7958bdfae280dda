"""Recording absences and cover, routing new work around them, and absent workers' post (R50)."""

from datetime import datetime

from dutydesk import permissions
from dutydesk.absences.directory import Directory
from dutydesk.access import check_may_change
from dutydesk.display import london, london_until
from dutydesk.errors import DomainError
from dutydesk.escalations.operations import start_ladder
from dutydesk.extensions import db
from dutydesk.models import Absence, InboxChannel, InboxItem, User
from dutydesk.people.queries import list_duty_workers
from dutydesk.rules import inbox_item_due_at


def route_new_work(worker: User, now: datetime) -> User | None:
    """Whoever takes new work meant for the worker now: themselves if they are in, else who stands
    in for them (None: nobody is in to, and the senior managers are told as it falls due)."""
    if worker.is_active and not is_away(worker, now):
        return worker  # the common case, in one indexed read
    owner_id = Directory.load(now).stand_in(worker.id)
    return None if owner_id is None else db.session.get(User, owner_id)


def is_away(worker: User, at: datetime) -> bool:
    """Whether an absence of the worker's covers the moment."""
    return db.session.scalar(
        db.select(Absence.id).where(Absence.worker_id == worker.id, Absence.in_force_at(at))
        .limit(1)) is not None


def _london(moment: datetime) -> str:
    return f"{london(moment, '%H:%M on %-d %B %Y')}"


def record_absence(worker: User, *, starts_at: datetime, ends_at: datetime, cover: User | None,
                   reason: str, by: User, now: datetime) -> Absence:
    """R50: the worker is away from starts_at to ends_at; cover (or their manager) acts for them."""
    if not worker.is_active:
        raise DomainError(f"{worker.display_name} has left: there is no absence to record", "worker_id")
    if ends_at <= starts_at:
        raise DomainError("The absence must end after it starts", "ends_date")
    if ends_at <= now:
        raise DomainError("The absence has already ended: enter an end in the future", "ends_date")
    if cover is not None:
        if cover.id == worker.id:
            raise DomainError(f"{worker.display_name} cannot cover for themselves: choose someone else, "
                              "or leave cover empty for their manager to take it", "cover_id")
        if not cover.is_active or not cover.has_any_role(permissions.HOLDS_CASES):
            raise DomainError(f"{cover.display_name} cannot take duty work: choose an active duty worker "
                              "or manager", "cover_id")
    overlapping = db.session.scalars(
        db.select(Absence).where(Absence.worker_id == worker.id, Absence.overlapping(starts_at, ends_at))).first()
    if overlapping is not None:
        raise DomainError(
            f"{worker.display_name} is already recorded as away from {_london(overlapping.starts_at)} to "
            f"{_london(overlapping.ends_at)}: end that absence first or choose other dates", "starts_date")
    if cover is not None:
        _check_cover_is_in(worker, cover, starts_at, ends_at)
    absence = Absence(worker=worker, starts_at=starts_at, ends_at=ends_at, cover=cover,
                      reason=reason.strip()[:200], recorded_by=by, recorded_at=now)
    check_may_change(by, absence, now=now)
    db.session.add(absence)
    db.session.flush()
    return absence


def _check_cover_is_in(worker: User, cover: User, starts_at: datetime, ends_at: datetime) -> None:
    """R50: a cover away at any time during the absence cannot take the work then, and two people
    away covering each other would hand it round in a circle: refuse, suggesting who is in."""
    cover_away = db.session.scalars(
        db.select(Absence).where(Absence.worker_id == cover.id, Absence.overlapping(starts_at, ends_at))
        .order_by(Absence.starts_at)).first()
    if cover_away is None:
        return
    away_then = set(db.session.scalars(db.select(Absence.worker_id).where(Absence.overlapping(starts_at, ends_at))))
    team = worker.team
    not_suggested = away_then | {worker.id, team.manager_id if team is not None else None}
    in_then = [person.display_name for person in list_duty_workers([team.id] if team is not None else [])
               if person.id not in not_suggested]
    such_as = f", such as {' or '.join(in_then[:2])}," if in_then else ","
    raise DomainError(
        f"{cover.display_name} is away from {london(cover_away.starts_at)} to {london_until(cover_away.ends_at)}, "
        f"during this absence: choose someone who is in then{such_as} or leave cover empty for "
        f"{worker.display_name}'s team manager to take their work", "cover_id")


def end_absence(absence: Absence, *, by: User, now: datetime) -> Absence:
    """The worker is back early (or the absence is withdrawn before it starts): it ends now."""
    check_may_change(by, absence, now=now)
    if absence.ends_at <= now:
        raise DomainError(f"This absence ended at {_london(absence.ends_at)}: nothing has been changed")
    absence.ends_at = max(now, absence.starts_at)
    absence.ended_by = by
    db.session.flush()
    return absence


def record_inbox_item(addressed_to: User, *, channel: InboxChannel, sender: str, summary: str,
                      received_at: datetime, by: User, now: datetime) -> InboxItem:
    """R50: post, an e-mail or a message arrived for a worker. If they are away it goes to whoever
    stands in for them; it must be actioned within the working hours the rules allow."""
    if not sender.strip():
        raise DomainError("Enter who it is from", "sender")
    if not summary.strip():
        raise DomainError("Enter what it says, in a sentence or two", "summary")
    if received_at > now:
        raise DomainError("The time it arrived must be now or in the past", "received_date")
    # With nobody in to stand in, it stays addressed to them; its ladder tells the senior managers.
    holder = route_new_work(addressed_to, now) or addressed_to
    team = addressed_to.team or holder.team
    if team is None:
        raise DomainError(f"{addressed_to.display_name} is in no team: choose a member of a duty team", "worker_id")
    due_at = inbox_item_due_at(received_at)
    item = InboxItem(channel=channel, addressed_to=addressed_to, holder=holder, team=team,
                     sender=sender.strip()[:200], summary=summary.strip(), received_at=received_at,
                     recorded_at=now, recorded_by=by, due_at=due_at, action_note="")
    start_ladder(item, "inbox_item", created_at=received_at, due_at=due_at)
    db.session.add(item)
    db.session.flush()
    return item


def action_inbox_item(item: InboxItem, *, note: str, by: User, now: datetime) -> InboxItem:
    """Record what was done about it; its ladder stops. Its holder, the person it was for, whoever
    stands in for either, the team's managers and senior managers may (access.py)."""
    check_may_change(by, item, now=now)
    if item.actioned_at is not None:
        raise DomainError(f"{item.actioned_by.display_name} actioned this at {_london(item.actioned_at)}. "
                          "Nothing has been changed.")
    if not note.strip():
        raise DomainError("Enter what was done about it", "note")
    item.actioned_at, item.actioned_by, item.action_note = now, by, note.strip()
    db.session.flush()
    return item
