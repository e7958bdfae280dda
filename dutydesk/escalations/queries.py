"""Reading escalations: who has what waiting, for the header, the escalations page and the board."""

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from dutydesk import permissions
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, Escalation, InboxItem, Obligation, User
from dutydesk.rules import EscalationLevel

#: The escalations page lists what was acknowledged over this many days.
ACKNOWLEDGED_SHOWN_FOR = timedelta(days=7)
#: At most this many waiting escalations are listed at once (the most senior and oldest).
WAITING_SHOWN = 200


def _addressed_to(user: User):
    """Escalations sent to the person; the senior managers share those sent to no one."""
    if user.has_any_role(permissions.RECEIVE_SENIOR_ESCALATIONS):
        return or_(Escalation.recipient_id == user.id, Escalation.recipient_id.is_(None))
    return Escalation.recipient_id == user.id


def _with_subjects(statement):
    return statement.options(
        joinedload(Escalation.obligation).options(
            joinedload(Obligation.contact).selectinload(Contact.children), joinedload(Obligation.child).joinedload(ContactChild.referral),
            joinedload(Obligation.worker), joinedload(Obligation.team)),
        joinedload(Escalation.inbox_item).options(
            joinedload(InboxItem.addressed_to), joinedload(InboxItem.holder)),
        joinedload(Escalation.recipient), joinedload(Escalation.team), joinedload(Escalation.acknowledged_by),
    )


def count_waiting_for(user: User) -> int:
    """The header's number: escalations sent to the person and not yet acknowledged."""
    return db.session.scalar(
        select(func.count()).select_from(Escalation)
        .where(Escalation.acknowledged_at.is_(None), _addressed_to(user))) or 0


def list_waiting_for(user: User, limit: int = WAITING_SHOWN) -> list[Escalation]:
    """Sent to the person and not yet acknowledged, most senior and oldest first."""
    return list(db.session.scalars(_with_subjects(
        select(Escalation).where(Escalation.acknowledged_at.is_(None), _addressed_to(user))
        .order_by(Escalation.level.desc(), Escalation.due_at, Escalation.id).limit(limit))).unique())


def list_team_waiting(team_id: int, *, exclude_for: User | None = None,
                      least: EscalationLevel = EscalationLevel.WARNING, limit: int | None = None) -> list[Escalation]:
    """The team's escalations not yet acknowledged (the board shows those past the deadline)."""
    statement = (select(Escalation)
                 .where(Escalation.acknowledged_at.is_(None), Escalation.team_id == team_id,
                        Escalation.level >= least)
                 .order_by(Escalation.level.desc(), Escalation.due_at, Escalation.id).limit(limit))
    if exclude_for is not None:
        statement = statement.where(~_addressed_to(exclude_for))
    return list(db.session.scalars(_with_subjects(statement)).unique())


def count_team_waiting(team_id: int, least: EscalationLevel = EscalationLevel.WARNING) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Escalation)
        .where(Escalation.acknowledged_at.is_(None), Escalation.team_id == team_id, Escalation.level >= least)) or 0


def list_acknowledged(user: User, now: datetime) -> list[Escalation]:
    """What the person, or their team, acknowledged lately."""
    scope = _addressed_to(user)
    if user.team_id is not None and user.has_any_role(permissions.SOCIAL_CARE_MANAGER):
        scope = or_(scope, Escalation.team_id == user.team_id)
    return list(db.session.scalars(_with_subjects(
        select(Escalation).where(Escalation.acknowledged_at >= now - ACKNOWLEDGED_SHOWN_FOR, scope)
        .order_by(Escalation.acknowledged_at.desc()).limit(50))).unique())


def get_escalation(escalation_id: int) -> Escalation | None:
    return db.session.get(Escalation, escalation_id)


def by_obligation(obligation_ids: list[int]) -> dict[int, list[Escalation]]:
    """The steps taken for each of these obligations, in order: for a call's record."""
    steps: dict[int, list[Escalation]] = {}
    if not obligation_ids:
        return steps
    for escalation in db.session.scalars(
            select(Escalation).where(Escalation.obligation_id.in_(obligation_ids))
            .order_by(Escalation.obligation_id, Escalation.level)
            .options(joinedload(Escalation.recipient), joinedload(Escalation.acknowledged_by))):
        steps.setdefault(escalation.obligation_id, []).append(escalation)
    return steps
