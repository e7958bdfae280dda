"""Screening decisions and the referrals they open (R93, R48; CIN census referral and NFA), who
holds each case (R54, R55), transfers between teams (R42) and strategy discussions (R51)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from dutydesk import permissions, rules
from dutydesk.absences.queries import get_away
from dutydesk.access import check_may_change
from dutydesk.clock import to_london
from dutydesk.contacts.operations import accept_handoff, is_duty_worker_of
from dutydesk.display import london
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
    StrategyActionPoint,
    StrategyAttendee,
    StrategyDiscussion,
    Team,
    Transfer,
    User,
)
from dutydesk.work.operations import (
    add_action,
    meet_obligation,
    open_obligation,
    record_event,
    withdraw_obligation,
)

#: What an unallocated case says until someone records why (R54).
AWAITING_ALLOCATION = "New referral: waiting to be allocated to a worker"
#: The history's name for a case taken from its worker (R54 counts how long it then waits).
TAKEN_FROM_WORKER = "taken_from_worker"
#: R54: why a case has no worker when the worker holding it has left (the reason begins with it).
WORKER_LEFT = "Worker left"
#: What a referral ending in no further action closes about the child.
CLOSED_BY_NFA = (ObligationKind.ASSESSMENT, ObligationKind.TRANSFER_ACCEPTANCE)


@dataclass(frozen=True)
class OnwardReferral:
    """R48: the child is referred on to another agency, for a purpose, with someone's agreement."""

    agency: str
    purpose: str
    agreed_by: User | None


def get_referral(child: ContactChild) -> Referral | None:
    return db.session.scalar(select(Referral).where(Referral.child_id == child.id))


def responsible_worker(contact: Contact, child: ContactChild) -> User | None:
    """The worker who holds the child's work: the case's allocated worker (R48, R55) or, while
    there is none, the owner of the child's screening decision."""
    referral = get_referral(child)
    if referral is not None and referral.is_allocated:
        return referral.worker
    for obligation in contact.obligations:
        if obligation.kind is ObligationKind.SCREENING_DECISION and obligation.child is child:
            return obligation.worker
    return None


def is_manager(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_any_role(permissions.SOCIAL_CARE_MANAGER)


def check_social_care_manager(manager: User | None, what: str) -> None:
    """R93: a possible joint police and social-care investigation (a strategy discussion, or the
    decision to hold one) has a named social-care manager involved, whether or not the joint
    investigation box is ticked: it cannot be recorded without one."""
    if manager is None:
        raise DomainError(f"Name the social-care manager involved: {what} cannot be recorded without one (R93)",
                          "social_care_manager_id")
    if not is_manager(manager):
        raise DomainError(f"{manager.display_name} is not an active social-care manager: choose a duty manager "
                          "or a senior manager", "social_care_manager_id")


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

    R93: a decision to hold a strategy discussion (a possible joint police and social-care
    investigation) needs the social-care manager involved named at this stage, whether or not
    the joint investigation box is ticked. R48: referring on to another agency needs its purpose and the
    agreement of the worker holding the child's work or a manager. A referral (or strategy
    discussion) opens the CIN referral and its assessment clock; no further action after a
    referral sets the referral's NFA flag.
    """
    if child.contact_id != contact.id:
        raise DomainError("That child is not part of this call")
    check_may_change(by, child, now=now)
    if not rationale.strip():
        raise DomainError("Record the reasons for the decision", "rationale")
    if is_joint_investigation and outcome is not ScreeningOutcome.STRATEGY_DISCUSSION:
        raise DomainError("A joint investigation with the police starts with a strategy discussion: "
                          "choose that decision, or untick the joint investigation", "outcome")
    if outcome is ScreeningOutcome.STRATEGY_DISCUSSION:
        check_social_care_manager(social_care_manager, "a decision to hold a strategy discussion")
    if onward is not None:
        _check_onward(onward, contact, child)
    referral = get_referral(child)
    if outcome.opens_referral and referral is not None and referral.is_nfa:
        raise DomainError(f"The referral of {child.display_name} from this call ended in no further action on "
                          f"{to_london(referral.nfa_at):%-d %B %Y}. To refer the child again, log the new "
                          "concern as a call and decide on that", "outcome")

    if contact.accepted_at is None:
        _accept_with_decision(contact, by=by, now=now)

    decision = ScreeningDecision(
        contact=contact, child=child, outcome=outcome, rationale=rationale.strip(), decided_at=now,
        decided_by=by, is_joint_investigation=is_joint_investigation,
        social_care_manager=social_care_manager if outcome is ScreeningOutcome.STRATEGY_DISCUSSION else None,
        onward_agency=onward.agency.strip() if onward else "", onward_purpose=onward.purpose.strip() if onward else "",
        onward_agreed_by=onward.agreed_by if onward else None,
    )
    db.session.add(decision)
    screening = _open_screening(contact, child)
    if screening is not None:
        meet_obligation(screening, at=now, by=by, now=now, details={"outcome": outcome.value})
    if outcome.opens_referral and referral is None:
        referral = _open_referral(contact, child, owner=screening.worker if screening else by, now=now)
    elif outcome is ScreeningOutcome.NO_FURTHER_ACTION and referral is not None and not referral.is_nfa:
        referral.is_nfa, referral.nfa_at = True, now
        # The case is closed: its assessment, and any transfer still waiting for acceptance, are
        # no longer needed.
        for obligation in contact.obligations:
            if obligation.kind in CLOSED_BY_NFA and obligation.child is child:
                withdraw_obligation(obligation, reason="The referral ended in no further action", by=by, now=now)
    summary = f"Decision for {child.display_name}: {outcome.label}"
    if is_joint_investigation:
        summary += "; joint investigation with the police"
    if outcome is ScreeningOutcome.STRATEGY_DISCUSSION:
        summary += f"; social-care manager {social_care_manager.display_name}"
    if onward is not None:
        summary += f"; referred on to {onward.agency.strip()} ({onward.purpose.strip()}), agreed by {onward.agreed_by.display_name}"
    record_event(contact, action="decision", by=by, at=now, summary=summary, child=child)
    db.session.flush()
    return decision


def _accept_with_decision(contact: Contact, *, by: User, now: datetime) -> None:
    """R39: whoever decides on a call nobody has accepted has its details in writing: the
    decision accepts it too, meeting the written hand-off, so that its clock does not run on
    and escalate to managers after the duty team has acted on the call."""
    if not is_duty_worker_of(by, contact.team):
        raise DomainError(f"Nobody has accepted call {contact.reference} yet, and only a duty worker in "
                          f"{contact.team.name} can. Ask one of them to accept it, then record the decision")
    accept_handoff(contact, by=by, now=now)


def _check_onward(onward: OnwardReferral, contact: Contact, child: ContactChild) -> None:
    if not onward.agency.strip():
        raise DomainError("Enter the agency the child is referred on to", "onward_agency")
    if not onward.purpose.strip():
        raise DomainError("Record the purpose of the referral to the other agency", "onward_purpose")
    agreed = onward.agreed_by
    if agreed is None or not agreed.is_active or not (
            is_manager(agreed) or agreed == responsible_worker(contact, child)):
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
                        source=contact.referral_source, created_at=now, is_nfa=False,
                        unallocated_reason=AWAITING_ALLOCATION, unallocated_since=now, contingency="")
    db.session.add(referral)
    open_obligation(ObligationKind.ASSESSMENT, contact=contact, child=child, team=contact.team, worker=owner,
                    due_at=rules.assessment_due_at(now), now=now)
    return referral


def _open_work_of(referral: Referral) -> list[Obligation]:
    """The case's open obligations: everything still due about the child, bar a pending transfer."""
    return list(db.session.scalars(
        select(Obligation).where(Obligation.child_id == referral.child_id, Obligation.met_at.is_(None),
                                 Obligation.kind != ObligationKind.TRANSFER_ACCEPTANCE)))


def _check_open(referral: Referral) -> None:
    if referral.is_nfa:
        raise DomainError(f"The referral of {referral.child.display_name} ended in no further action: "
                          "there is no open case")


def can_hold_cases(user: User) -> bool:
    return user.is_active and user.has_any_role(permissions.HOLDS_CASES)


def allocate_case(referral: Referral, *, to: User, by: User, now: datetime) -> Referral:
    """R55: give the case to a named, active worker in its team, who then owns its open work."""
    check_may_change(by, referral, now=now)
    _check_open(referral)
    if referral.pending_transfer is not None:
        raise DomainError(f"The case is waiting for {referral.pending_transfer.to_team.name} to accept its "
                          "transfer: they allocate it once they have", "worker_id")
    if not can_hold_cases(to):
        raise DomainError(f"{to.display_name} cannot hold cases: choose an active duty worker or manager",
                          "worker_id")
    if to.team_id != referral.team_id:
        raise DomainError(f"{to.display_name} is not in {referral.team.name}, which holds the case: "
                          "choose someone in the team, or transfer the case first", "worker_id")
    away = get_away(to, now)
    if away is not None:  # R55: allocated means a named worker actively working it
        raise DomainError(away.refusal(
            "allocate the case to", now,
            may_take=lambda stand_in: can_hold_cases(stand_in) and stand_in.team_id == referral.team_id),
            "worker_id")
    if referral.worker is to and referral.is_allocated:
        raise DomainError(f"The case is already allocated to {to.display_name}", "worker_id")
    referral.worker, referral.allocated_at = to, now
    referral.unallocated_reason, referral.contingency, referral.unallocated_since = "", "", None
    for obligation in _open_work_of(referral):
        obligation.worker, obligation.team = to, referral.team
    record_event(referral.contact, action="allocated", by=by, at=now, child=referral.child,
                 summary=f"Case of {referral.child.display_name} allocated to {to.display_name}")
    db.session.flush()
    return referral


def record_unallocated(referral: Referral, *, reason: str, contingency: str, by: User, now: datetime) -> Referral:
    """R54: the case has no named worker (taking it from one, if it had), why, and how the team
    keeps in contact with the child meanwhile. Its open work goes back to the team."""
    check_may_change(by, referral, now=now)
    _check_open(referral)
    if not reason.strip():
        raise DomainError("Enter why the case has no allocated worker", "reason")
    if not contingency.strip():
        raise DomainError("Enter how the team will keep in contact with the child until the case is "
                          "allocated", "contingency")
    previous = referral.worker
    if referral.is_allocated or referral.unallocated_since is None:
        referral.unallocated_since = now
    referral.worker, referral.allocated_at = None, None
    referral.unallocated_reason, referral.contingency = reason.strip(), contingency.strip()
    for obligation in _open_work_of(referral):
        obligation.worker = None
    summary = f"Case of {referral.child.display_name} "
    summary += f"taken from {previous.display_name}: " if previous else "unallocated: "
    record_event(referral.contact, action=TAKEN_FROM_WORKER if previous else "unallocated", by=by, at=now,
                 child=referral.child,
                 summary=summary + f"{referral.unallocated_reason}. Contingency: {referral.contingency}")
    db.session.flush()
    return referral


def unallocate_leavers_cases(worker: User, *, by: User, now: datetime) -> list[Referral]:
    """R55: a leaver's open cases go to the unallocated list at once, since now, because the
    worker left, with no contingency yet: the team records one when it looks at the case. Their
    open work is released by the deactivation itself (people/operations.py)."""
    referrals = list(db.session.scalars(
        select(Referral).where(Referral.worker_id == worker.id, Referral.is_open).order_by(Referral.id)))
    for referral in referrals:
        referral.worker, referral.allocated_at = None, None
        referral.unallocated_since = now
        referral.unallocated_reason = f"{WORKER_LEFT}: {worker.display_name} left on {to_london(now):%-d %B %Y}"
        referral.contingency = ""
        record_event(referral.contact, action=TAKEN_FROM_WORKER, by=by, at=now, child=referral.child,
                     summary=f"Case of {referral.child.display_name} taken from {worker.display_name}: "
                             f"{referral.unallocated_reason}. It waits to be allocated in {referral.team.name}")
    db.session.flush()
    return referrals


def request_transfer(referral: Referral, *, to_team: Team, reason: str, by: User, now: datetime) -> Transfer:
    """R42: ask another team to take the case; they must accept it within a working day."""
    check_may_change(by, referral, now=now)
    _check_open(referral)
    if referral.pending_transfer is not None:
        raise DomainError(f"The case is already waiting for {referral.pending_transfer.to_team.name} to accept it",
                          "to_team_id")
    if to_team.id == referral.team_id:
        raise DomainError(f"The case is already with {to_team.name}: choose another team", "to_team_id")
    if not (to_team.is_active and to_team.kind.takes_handoffs):
        raise DomainError(f"{to_team.name} does not hold cases: choose a duty team", "to_team_id")
    if not reason.strip():
        raise DomainError("Enter why the case is being transferred", "reason")
    acceptance = open_obligation(ObligationKind.TRANSFER_ACCEPTANCE, contact=referral.contact, child=referral.child,
                                 team=to_team, worker=None, due_at=rules.transfer_acceptance_due_at(now), now=now)
    acceptance.title = f"Accept the transfer of {referral.child.display_name} from {referral.team.name}"
    transfer = Transfer(referral=referral, from_team_id=referral.team_id, to_team=to_team, reason=reason.strip(),
                        requested_at=now, requested_by=by, obligation=acceptance)
    db.session.add(transfer)
    record_event(referral.contact, action="transfer_requested", by=by, at=now, child=referral.child,
                 summary=f"Transfer of {referral.child.display_name} to {to_team.name} requested: {reason.strip()}")
    db.session.flush()
    return transfer


def accept_transfer(transfer: Transfer, *, by: User, now: datetime) -> Transfer:
    """R42: the receiving team takes the case and its open work; it is unallocated there until
    one of them allocates it. The receiving team accepts it, or a senior manager (access.py)."""
    check_may_change(by, transfer, now=now)
    if transfer.accepted_at is not None:
        raise DomainError(f"{transfer.accepted_by.display_name} already accepted this transfer "
                          f"at {london(transfer.accepted_at, '%H:%M on %-d %B %Y')}")
    referral = transfer.referral
    _check_open(referral)
    meet_obligation(transfer.obligation, at=now, by=by, now=now)
    transfer.accepted_at, transfer.accepted_by = now, by
    referral.team, referral.worker, referral.allocated_at = transfer.to_team, None, None
    referral.unallocated_since = now
    referral.unallocated_reason = (f"Transferred from {transfer.from_team.name} on "
                                   f"{to_london(now):%-d %B %Y}: waiting to be allocated")
    referral.contingency = ""
    for obligation in _open_work_of(referral):
        obligation.team, obligation.worker = transfer.to_team, None
    record_event(referral.contact, action="transfer_accepted", by=by, at=now, child=referral.child,
                 summary=f"{transfer.to_team.name} accepted the transfer of {referral.child.display_name} "
                         f"from {transfer.from_team.name}")
    db.session.flush()
    return transfer


@dataclass(frozen=True)
class Attendee:
    name: str
    agency: str


@dataclass(frozen=True)
class ActionPoint:
    title: str
    owner: User
    due_at: datetime


def record_strategy_discussion(
    contact: Contact,
    child: ContactChild,
    *,
    held_at: datetime,
    attendees: list[Attendee],
    record: str,
    action_points: list[ActionPoint],
    circulated_to: str,
    circulated_at: datetime,
    review_on: date,
    by: User,
    now: datetime,
    social_care_manager: User | None = None,
) -> StrategyDiscussion:
    """R51: the discussion's record, who took part for which agency, its action points (each an
    action with an owner and a deadline), whom the record went to and when, and a review date
    that becomes an obligation of the worker holding the case. R93: every strategy discussion
    names the social-care manager involved."""
    if child.contact_id != contact.id:
        raise DomainError("That child is not part of this call")
    check_may_change(by, child, now=now)
    if held_at > now:
        raise DomainError("The discussion must have taken place already", "held_date")
    if held_at < contact.received_at:
        raise DomainError("The discussion cannot be before the call was received "
                          f"({london(contact.received_at, '%H:%M on %-d %B %Y')})", "held_date")
    attendees = [a for a in attendees if a.name.strip() or a.agency.strip()]
    if not attendees:
        raise DomainError("Enter who took part in the discussion, and their agency", "attendees")
    for attendee in attendees:
        if not (attendee.name.strip() and attendee.agency.strip()):
            raise DomainError("Enter both the name and the agency of everyone who took part", "attendees")
    check_social_care_manager(social_care_manager, "a strategy discussion")
    if not record.strip():
        raise DomainError("Enter the record of the discussion", "record")
    if not circulated_to.strip():
        raise DomainError("Enter who the record was sent to", "circulated_to")
    if not held_at <= circulated_at <= now:
        raise DomainError("The record must have been sent after the discussion, and not in the future",
                          "circulated_date")
    review_due = rules.end_of_working_day(review_on)
    if review_due <= now:
        raise DomainError("The review date must be in the future", "review_on")

    referral = get_referral(child)
    owner = referral.worker if referral and referral.is_allocated else by
    review = open_obligation(ObligationKind.STRATEGY_REVIEW, contact=contact, child=child,
                             team=referral.team if referral else contact.team, worker=owner,
                             due_at=review_due, now=now)
    review.title = f"Review the strategy discussion of {to_london(held_at):%-d %B %Y}"
    discussion = StrategyDiscussion(contact=contact, child=child, held_at=held_at, record=record.strip(),
                                    circulated_to=circulated_to.strip(), circulated_at=circulated_at,
                                    recorded_at=now, recorded_by=by, review=review,
                                    social_care_manager=social_care_manager)
    db.session.add(discussion)
    for position, attendee in enumerate(attendees):
        db.session.add(StrategyAttendee(discussion=discussion, position=position, name=attendee.name.strip()[:200],
                                        agency=attendee.agency.strip()[:200]))
    db.session.flush()
    for point in action_points:
        action = add_action(contact, title=point.title, owner=point.owner, due_at=point.due_at, by=by, now=now,
                            child=child)
        db.session.add(StrategyActionPoint(discussion_id=discussion.id, obligation_id=action.id))
    record_event(contact, action="strategy_discussion", by=by, at=now, child=child,
                 summary=f"Strategy discussion about {child.display_name} on {to_london(held_at):%-d %B %Y} "
                         f"recorded: {len(attendees)} took part, social-care manager "
                         f"{social_care_manager.display_name}, {len(action_points)} action points, "
                         f"review by {to_london(review_due):%-d %B %Y}")
    db.session.flush()
    return discussion
