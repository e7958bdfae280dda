"""Read-only questions about contacts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, union
from sqlalchemy.orm import selectinload

from dutydesk import rules
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, ContactEvent, Obligation, ObligationKind

#: R39: the two hand-offs of a call, verbal and written; the call handler owns the first.
HANDOFFS = (ObligationKind.VERBAL_HANDOFF, ObligationKind.WRITTEN_HANDOFF)


def get_contact(contact_id: int) -> Contact | None:
    """A contact with its children, obligations and history, in a fixed number of queries."""
    return db.session.scalar(
        select(Contact)
        .where(Contact.id == contact_id)
        .options(
            # ContactChild.referral: the case a child's referral opened, if any (a backref of Referral).
            selectinload(Contact.children).selectinload(ContactChild.referral),
            selectinload(Contact.children).selectinload(ContactChild.child),
            selectinload(Contact.obligations).selectinload(Obligation.worker),
            selectinload(Contact.obligations).selectinload(Obligation.met_by),
            selectinload(Contact.obligations).selectinload(Obligation.team),
            selectinload(Contact.events).selectinload(ContactEvent.by),
            selectinload(Contact.team),
            selectinload(Contact.logged_by),
            selectinload(Contact.accepted_by),
        )
    )


def list_team_queue(team_id: int) -> list[Contact]:
    """Calls handed to a team that still have a clock running, the most urgent first."""
    has_open = exists().where(Obligation.contact_id == Contact.id, Obligation.met_at.is_(None))
    contacts = db.session.scalars(
        select(Contact)
        .where(Contact.team_id == team_id, has_open)
        .options(
            selectinload(Contact.children),
            selectinload(Contact.obligations).selectinload(Obligation.worker),
            selectinload(Contact.accepted_by),
        )
    ).all()
    return sorted(contacts, key=_earliest_open_due)


def _earliest_open_due(contact: Contact) -> datetime:
    return min(o.due_at for o in contact.obligations if o.met_at is None)


@dataclass(frozen=True)
class LoggedCall:
    """A call as its call handler follows it: the call and its two hand-off clocks."""

    contact: Contact
    verbal: Obligation | None
    written: Obligation | None

    @property
    def open_handoffs(self) -> list[Obligation]:
        return [o for o in (self.verbal, self.written) if o is not None and o.met_at is None]


def _open_handoffs_logged_by(user_id: int):
    return (select(Obligation.contact_id).join(Contact, Contact.id == Obligation.contact_id)
            .where(Contact.logged_by_id == user_id, Obligation.met_at.is_(None), Obligation.kind.in_(HANDOFFS)))


def list_calls_logged_by(user_id: int, now: datetime) -> list[LoggedCall]:
    """The calls a person logged today and in the last rules.RECENT_DAYS London days, and any
    older one whose hand-off is still open (its clock is theirs until the duty team is told);
    the most urgent first: open hand-offs by when they are due, then the rest newest first."""
    recent = select(Contact.id).where(Contact.logged_by_id == user_id,
                                      Contact.received_at >= rules.recent_days_start(now))
    ids = union(recent, _open_handoffs_logged_by(user_id)).subquery()
    contacts = db.session.scalars(
        select(Contact).where(Contact.id.in_(select(ids.c[0])))
        .options(selectinload(Contact.children), selectinload(Contact.team))
    ).all()
    clocks = db.session.scalars(
        select(Obligation).where(Obligation.contact_id.in_([c.id for c in contacts]), Obligation.kind.in_(HANDOFFS))
        .options(selectinload(Obligation.worker), selectinload(Obligation.met_by), selectinload(Obligation.team))
    ).all()
    by_call = {(o.contact_id, o.kind): o for o in clocks}
    calls = [LoggedCall(c, by_call.get((c.id, ObligationKind.VERBAL_HANDOFF)),
                        by_call.get((c.id, ObligationKind.WRITTEN_HANDOFF))) for c in contacts]

    def urgency(call: LoggedCall):
        open_due = [o.due_at for o in call.open_handoffs]
        return (0, min(open_due).timestamp()) if open_due else (1, -call.contact.received_at.timestamp())

    return sorted(calls, key=urgency)


def count_open_handoffs_logged_by(user_id: int) -> int:
    """How many hand-offs of the calls a person logged are still open."""
    return db.session.scalar(select(func.count()).select_from(_open_handoffs_logged_by(user_id).subquery()))
