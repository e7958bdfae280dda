"""Screening decisions and the referrals they open (R93, R48; CIN census referral and NFA)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from dutydesk import permissions, rules
from dutydesk.clock import to_london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import (
    Contact,
    ContactChild,
    Obligation,
    ObligationKind,
    Referral,
    ScreeningDecision,
    ScreeningOutcome,
    User,
)
from dutydesk.work.operations import meet_obligation, open_obligation, record_event, withdraw_obligation



@dataclass(frozen=True)
class OnwardReferral:
    """R48: the child is referred on to another agency, for a purpose, with someone's agreement."""

    agency: str
    purpose: str
    agreed_by: User | None


def get_referral(child: ContactChild) -> Referral | None:
    return db.session.scalar(select(Referral).where(Referral.child_id == child.id))


def responsible_worker(contact: Contact, child: ContactChild) -> User | None:
    """The worker who holds the child's work: the owner of the child's screening decision."""
    for obligation in contact.obligations:
        if obligation.kind is ObligationKind.SCREENING_DECISION and obligation.child is child:
            return obligation.worker
    return None


def is_manager(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_any_role(permissions.SOCIAL_CARE_MANAGER)


def record_screening_decision(
    contact: Contact,
    child: ContactChild,
    *,
    outcome: ScreeningOutcome,
    rationale: str,
    by: User,
    now: datetime,
    is_joint_investigation: bool = False,
    social_care_manager: User | None = None,
    onward: OnwardReferral | None = None,
) -> ScreeningDecision:
    """Record what happens next for one child; the first decision meets the screening clock.

    R93: a joint police and social-care investigation needs the social-care manager involved
    named at this stage. R48: referring on to another agency needs its purpose and the
    agreement of the worker holding the child's work or a manager. A referral (or strategy
    discussion) opens the CIN referral and its assessment clock; no further action after a
    referral sets the referral's NFA flag.
    """
    if child.contact_id != contact.id:
        raise DomainError("That child is not part of this call")
    if not rationale.strip():
        raise DomainError("Record the reasons for the decision", "rationale")
    if is_joint_investigation:
        if outcome is not ScreeningOutcome.STRATEGY_DISCUSSION:
            raise DomainError("A joint investigation with the police starts with a strategy discussion: "
                              "choose that decision, or untick the joint investigation", "outcome")
        if not is_manager(social_care_manager):
            raise DomainError("Name the social-care manager involved in the joint investigation with "
                              "the police: it cannot be recorded without one", "social_care_manager_id")
    if onward is not None:
        _check_onward(onward, contact, child)

    decision = ScreeningDecision(
        contact=contact, child=child, outcome=outcome, rationale=rationale.strip(), decided_at=now,
        decided_by=by, is_joint_investigation=is_joint_investigation,
        social_care_manager=social_care_manager if is_joint_investigation else None,
        onward_agency=onward.agency.strip() if onward else "", onward_purpose=onward.purpose.strip() if onward else "",
        onward_agreed_by=onward.agreed_by if onward else None,
    )
    db.session.add(decision)
    screening = _open_screening(contact, child)
    if screening is not None:
        meet_obligation(screening, at=now, by=by, now=now, details={"outcome": outcome.value})
    referral = get_referral(child)
    if outcome.opens_referral and referral is None:
        referral = _open_referral(contact, child, owner=screening.worker if screening else by, now=now)
    elif outcome is ScreeningOutcome.NO_FURTHER_ACTION and referral is not None and not referral.is_nfa:
        referral.is_nfa, referral.nfa_at = True, now
        for obligation in contact.obligations:
            if obligation.kind is ObligationKind.ASSESSMENT and obligation.child is child:
                withdraw_obligation(obligation, reason="The referral ended in no further action", by=by, now=now)
    summary = f"Decision for {child.display_name}: {outcome.label}"
    if is_joint_investigation:
        summary += f"; joint investigation with the police, social-care manager {social_care_manager.display_name}"
    if onward is not None:
        summary += f"; referred on to {onward.agency.strip()} ({onward.purpose.strip()}), agreed by {onward.agreed_by.display_name}"
    record_event(contact, action="decision", by=by, at=now, summary=summary)
    db.session.flush()
    return decision


def _check_onward(onward: OnwardReferral, contact: Contact, child: ContactChild) -> None:
    if not onward.agency.strip():
        raise DomainError("Enter the agency the child is referred on to", "onward_agency")
    if not onward.purpose.strip():
        raise DomainError("Record the purpose of the referral to the other agency", "onward_purpose")
    agreed = onward.agreed_by
    if agreed is None or not (is_manager(agreed) or agreed == responsible_worker(contact, child)):
        holder = responsible_worker(contact, child)
        who = f"{holder.display_name}, who holds the child's work," if holder else "the worker holding the child's work"
        raise DomainError(f"A referral to another agency needs the agreement of {who} or a manager: "
                          "choose who agreed it", "onward_agreed_by_id")


def _open_screening(contact: Contact, child: ContactChild) -> Obligation | None:
    for obligation in contact.obligations:
        if (obligation.kind is ObligationKind.SCREENING_DECISION and obligation.child is child
                and obligation.met_at is None):
            return obligation
    return None


def _open_referral(contact: Contact, child: ContactChild, *, owner: User | None, now: datetime) -> Referral:
    referral = Referral(contact=contact, child=child, team=contact.team, referred_on=to_london(now).date(),
                        source=contact.referral_source, created_at=now, is_nfa=False)
    db.session.add(referral)
    open_obligation(ObligationKind.ASSESSMENT, contact=contact, child=child, team=contact.team, worker=owner,
                    due_at=rules.assessment_due_at(now), now=now)
    return referral
