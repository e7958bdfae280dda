"""Read-only questions about contacts."""

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, ContactEvent, Obligation


def get_contact(contact_id: int) -> Contact | None:
    """A contact with its children, obligations and history, in a fixed number of queries."""
    return db.session.scalar(
        select(Contact)
        .where(Contact.id == contact_id)
        .options(
            # ContactChild.referral: the case a child's referral opened, if any (a backref of Referral).
            selectinload(Contact.children).selectinload(ContactChild.referral),
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
