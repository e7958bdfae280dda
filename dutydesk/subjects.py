"""The records pages are about, each loaded from the page's URL arguments (see access.requires).

A loader answers None when the record does not exist, or is not part of the record around it
(a child of another call): the page is then a 404. Records are loaded once a request: the view
that runs after the check gets the same objects from the session.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dutydesk.absences.queries import get_absence
from dutydesk.access import Subject
from dutydesk.escalations.queries import get_escalation
from dutydesk.extensions import db
from dutydesk.models import ObligationKind, Plan, Section47Enquiry, StrategyDiscussion, Transfer
from dutydesk.pages import (
    get_assessment_once,
    get_audit_once,
    get_child_once,
    get_contact_once,
    get_inbox_item_once,
    get_need_once,
    get_referral_once,
    get_report_once,
    get_service_once,
)
from dutydesk.people.queries import get_team, get_user


def _child(contact_id: int, child_id: int):
    contact = get_contact_once(contact_id)
    if contact is None:
        return None
    return next((child for child in contact.children if child.id == child_id), None)


def _obligation(contact_id: int, obligation_id: int):
    contact = get_contact_once(contact_id)
    if contact is None:
        return None
    return next((o for o in contact.obligations if o.id == obligation_id), None)


def _clock(kind: ObligationKind):
    """The call's (or child's) clock of this kind: the open one, else one met already (its page
    then says so), else the call or child itself (its page says there is no such clock)."""

    def load(contact_id: int, child_id: int | None = None):
        contact = get_contact_once(contact_id)
        if contact is None:
            return None
        child = None
        if child_id is not None:
            child = _child(contact_id, child_id)
            if child is None:
                return None
        clocks = [o for o in contact.obligations if o.kind is kind and o.child is child]
        return next((o for o in clocks if o.met_at is None), None) or next(iter(clocks), None) or child or contact

    return load


def _child_name(child_record_id: int, name_id: int):
    child = get_child_once(child_record_id)
    return None if child is None else next((name for name in child.names if name.id == name_id), None)


def _child_address(child_record_id: int, address_id: int):
    child = get_child_once(child_record_id)
    return None if child is None else next((a for a in child.addresses if a.id == address_id), None)


def _audit_file(audit_id: int, file_id: int):
    """A file drawn for the audit (a 404 for one drawn for another)."""
    audit = get_audit_once(audit_id)
    return None if audit is None else next((file for file in audit.files if file.id == file_id), None)


def _transfer(transfer_id: int):
    return db.session.scalar(select(Transfer).where(Transfer.id == transfer_id)
                             .options(joinedload(Transfer.referral), joinedload(Transfer.to_team)))


CALL = Subject("call", get_contact_once)
CHILD = Subject("child on a call", _child)
CLOCK = Subject("clock", _obligation)
VERBAL_HANDOFF = Subject("verbal hand-off", _clock(ObligationKind.VERBAL_HANDOFF))
WRITTEN_HANDOFF = Subject("written hand-off", _clock(ObligationKind.WRITTEN_HANDOFF))
REFERRER_CONFIRMATION = Subject("referrer's confirmation", _clock(ObligationKind.REFERRER_CONFIRMATION))
POLICE_INFORMED = Subject("police informed", _clock(ObligationKind.POLICE_INFORMED))
CHILD_SEEN = Subject("child seen", _clock(ObligationKind.CHILD_SEEN))
CASE = Subject("case", get_referral_once)
CHILD_RECORD = Subject("child's record", lambda child_record_id: get_child_once(child_record_id))
CHILD_NAME = Subject("name on a child's record", _child_name)
CHILD_ADDRESS = Subject("address on a child's record", _child_address)
TRANSFER = Subject("transfer", _transfer)
STRATEGY_DISCUSSION = Subject("strategy discussion", lambda discussion_id: db.session.get(StrategyDiscussion,
                                                                                          discussion_id))
SECTION47 = Subject("section 47 enquiry", lambda enquiry_id: db.session.get(Section47Enquiry, enquiry_id))
PLAN = Subject("plan", lambda plan_id: db.session.get(Plan, plan_id))
ASSESSMENT = Subject("assessment", get_assessment_once)
NEED = Subject("identified need", get_need_once)
SERVICE = Subject("service", get_service_once)
ABSENCE = Subject("absence", get_absence)
INBOX_ITEM = Subject("post or message", get_inbox_item_once, is_read_restricted=True)
ESCALATION = Subject("escalation", get_escalation)
PERSON = Subject("person", get_user)
TEAM = Subject("team", get_team)
MONTHLY_REPORT = Subject("monthly report", get_report_once)
FILE_AUDIT = Subject("file audit", get_audit_once)
AUDIT_FILE = Subject("file drawn for an audit", _audit_file)
