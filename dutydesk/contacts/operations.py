"""Logging a call and the duty team's first steps with it (R39, R21, R98, R35, R18)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, has_app_context

from dutydesk import permissions, rules
from dutydesk.absences.queries import get_away
from dutydesk.access import check_may_change
from dutydesk.children.operations import create_child_from, link_child, merged_refusal
from dutydesk.children.search import CheckResult
from dutydesk.display import london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Child, Contact, ContactChild, Obligation, ObligationKind, Team, User
from dutydesk.models.codes import (
    Channel,
    ConcernCategory,
    ConfirmationMethod,
    InterpreterNeed,
    NoReferrerDetailsReason,
    ReferralSource,
)
from dutydesk.work.operations import meet_obligation, open_obligation, record_event



@dataclass(frozen=True)
class ChildDetails:
    """R39: the child's name (or that it is not known) and address come first; the rest may be
    not known: an empty first language, an interpreter need NOT_KNOWN, no date or age."""

    name: str
    is_name_known: bool
    address: str
    first_language: str = ""
    interpreter_need: InterpreterNeed = InterpreterNeed.NOT_KNOWN
    date_of_birth: date | None = None
    #: An unborn child's, who then has no date of birth.
    expected_date_of_birth: date | None = None
    approximate_age: int | None = None
    #: R2.5: the record of a child already known to link the child to (any child: the records
    #: check is council-wide); None makes a new record.
    record: Child | None = None
    #: What the records check found for the child while the call was taken: recorded with what
    #: was done with it, and said in the call's history. None: no check was made (the demo's
    #: made-up calls), and none is recorded.
    check: CheckResult | None = None
    #: Whether the call handler answered the check: chose a child it offered, or "None of these".
    #: A child the check finds likely known already is not given a new record unanswered.
    is_check_answered: bool = False


@dataclass(frozen=True)
class ReferrerDetails:
    name: str = ""
    role: str = ""
    agency: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    is_professional: bool = False
    source: ReferralSource = ReferralSource.UNKNOWN


@dataclass(frozen=True)
class Flags:
    is_possible_crime: bool = False
    is_deliberate_harm_alleged: bool = False
    is_child_in_hospital: bool = False
    is_child_missing_school: bool = False
    is_child_in_temporary_accommodation: bool = False


@dataclass(frozen=True)
class CallDetails:
    received_at: datetime
    channel: Channel
    children: list[ChildDetails]
    concern: str
    concern_category: ConcernCategory
    referrer: ReferrerDetails
    is_put_through: bool
    team: Team
    flags: Flags = field(default_factory=Flags)
    #: R39: the duty worker who took the call when it was put through at once.
    put_through_to: User | None = None
    no_referrer_details_reason: NoReferrerDetailsReason | None = None


def missing_referrer_details(
    *, is_put_through: bool, name: str, address: str, phone: str,
    no_details_reason: NoReferrerDetailsReason | None,
) -> list[tuple[str, str]]:
    """R39: a call not put through at once needs the referrer's name, address and number, or why not.

    Returns (field, message) pairs for what is missing; empty when the call may be saved.
    """
    if is_put_through or no_details_reason is not None:
        return []
    wanted = [
        ("referrer_name", name, "Enter the referrer's name, or say why there is none"),
        ("referrer_address", address, "Enter the referrer's address, or say why there is none"),
        ("referrer_phone", phone, "Enter the referrer's phone number, or say why there is none"),
    ]
    return [(field_name, message) for field_name, value, message in wanted if not value.strip()]


def is_duty_worker_of(user: User, team: Team) -> bool:
    return user.is_active and user.team_id == team.id and user.has_any_role(permissions.DUTY_TEAM_WORK)


def log_call(details: CallDetails, *, by: User, now: datetime) -> Contact:
    """Record a call about children's safety and start every clock it sets running."""
    _check_call(details, now)
    contact = Contact(
        received_at=details.received_at, channel=details.channel, logged_at=now, logged_by=by,
        concern=details.concern.strip(), concern_category=details.concern_category,
        **vars(details.flags),
        referrer_name=details.referrer.name.strip(), referrer_role=details.referrer.role.strip(),
        referrer_agency=details.referrer.agency.strip(),
        referrer_address=details.referrer.address.strip(),
        referrer_phone=details.referrer.phone.strip(), referrer_email=details.referrer.email.strip(),
        is_referrer_professional=details.referrer.is_professional,
        referral_source=details.referrer.source,
        is_put_through=details.is_put_through,
        no_referrer_details_reason=None if details.is_put_through else details.no_referrer_details_reason,
        team=details.team,
    )
    db.session.add(contact)
    children = [
        ContactChild(
            contact=contact, position=position, name=child.name.strip() if child.is_name_known else "",
            is_name_known=child.is_name_known, date_of_birth=child.date_of_birth,
            expected_date_of_birth=child.expected_date_of_birth,
            approximate_age=child.approximate_age, address=child.address.strip(),
            first_language=child.first_language.strip(), interpreter_need=child.interpreter_need,
        )
        for position, child in enumerate(details.children)
    ]
    db.session.add_all(children)
    names = ", ".join(child.display_name for child in children)
    record_event(contact, action="logged", by=by, at=now,
                 summary=f"Call logged about {names}; handed to {details.team.name}")
    for child, given in zip(children, details.children):
        if given.record is not None:
            link_child(child, given.record, by=by, now=now, check=given.check)
        else:
            create_child_from(child, by=by, now=now, check=given.check)
    _open_clocks(contact, children, details, by=by, now=now)
    db.session.flush()
    return contact


def _check_call(details: CallDetails, now: datetime) -> None:
    if details.received_at > now + rules.RECEIVED_AT_TOLERANCE:
        raise DomainError("The time the call was received must be now or in the past", "received_date")
    if not details.children:
        raise DomainError("Add at least one child the call is about", "children")
    if any(child.date_of_birth and child.expected_date_of_birth for child in details.children):
        raise DomainError("A child has a date of birth or, if unborn, an expected date of birth: not both",
                          "children")
    for row, child in enumerate(details.children):
        _check_records_check(child, f"children-{row}-record")
    if not details.team.kind.takes_handoffs or not details.team.is_active:
        raise DomainError(f"{details.team.name} does not take hand-offs: choose a duty team", "team_id")
    missing = missing_referrer_details(
        is_put_through=details.is_put_through, name=details.referrer.name,
        address=details.referrer.address, phone=details.referrer.phone,
        no_details_reason=details.no_referrer_details_reason,
    )
    if missing:
        raise DomainError(missing[0][1], missing[0][0])
    if details.is_put_through:
        if details.put_through_to is None:
            raise DomainError("Choose the duty worker the call was put through to", "put_through_to")
        if not is_duty_worker_of(details.put_through_to, details.team):
            raise DomainError(
                f"{details.put_through_to.display_name} is not an active duty worker in "
                f"{details.team.name}: choose who took the call", "put_through_to")
        _check_in(details.put_through_to, details.team, at=details.received_at, now=now,
                  to_do="put the call through to", field="put_through_to")


#: Said beside a child the records check finds likely known, when the handler has not answered it.
LIKELY_KNOWN = "dutydesk already knows a child who may be this one: choose them, or 'None of these'"


def _check_records_check(child: ChildDetails, field: str) -> None:
    """R2.5: a child likely known already is linked to their record, or the handler says they are
    not that child; a record merged into another is not linked to (the one it joined is)."""
    if child.record is not None and child.record.merged_into_id is not None:
        raise DomainError(merged_refusal(child.record), field)
    if (child.record is None and not child.is_check_answered and child.check is not None
            and child.check.likely):
        raise DomainError(LIKELY_KNOWN, field)


def record_interpreter_use(child: ContactChild, *, is_used: bool, reason: str, by: User, now: datetime) -> None:
    """R18: record whether an interpreter was used with the child and, when one was needed and
    not used, why. Recorded again, it replaces the answer; the call's history keeps both."""
    check_may_change(by, child, now=now)
    reason = reason.strip()
    if not is_used and child.interpreter_need is InterpreterNeed.NEEDED and not reason:
        raise DomainError(f"{child.display_name} needs an interpreter: say why none was used", "reason")
    child.is_interpreter_used = is_used
    child.interpreter_not_used_reason = "" if is_used else reason
    child.interpreter_recorded_at, child.interpreter_recorded_by = now, by
    record_event(child.contact, action="interpreter", by=by, at=now, child=child,
                 summary=f"{child.display_name}: interpreter {'used' if is_used else 'not used'}"
                         + (f" ({reason})" if reason and not is_used else ""))
    db.session.flush()


def _check_in(worker: User, team: Team, *, at: datetime, now: datetime, to_do: str, field: str) -> None:
    """R39, R50: the duty team has the details only once someone working then has them."""
    away = get_away(worker, at)
    if away is not None:
        raise DomainError(away.refusal(to_do, now, may_take=lambda stand_in: is_duty_worker_of(stand_in, team)),
                          field)


def _open_clocks(contact: Contact, children: list[ContactChild], details: CallDetails, *,
                 by: User, now: datetime) -> None:
    received = details.received_at
    team = details.team
    handoff_due = rules.handoff_due_at(received)
    # The verbal hand-off is the call handler's to make; everything after it is the duty team's.
    verbal = open_obligation(ObligationKind.VERBAL_HANDOFF, contact=contact, team=by.team or team,
                             worker=by, due_at=handoff_due, now=now)
    open_obligation(ObligationKind.WRITTEN_HANDOFF, contact=contact, team=team,
                    due_at=handoff_due, now=now)
    if details.referrer.is_professional:
        open_obligation(ObligationKind.REFERRER_CONFIRMATION, contact=contact, team=team,
                        due_at=rules.referrer_confirmation_due_at(received), now=now)
    if details.flags.is_possible_crime:
        open_obligation(ObligationKind.POLICE_INFORMED, contact=contact, team=team,
                        due_at=rules.police_informed_due_at(received, police_informed_within()), now=now)
    for child in children:
        if details.flags.is_deliberate_harm_alleged:
            open_obligation(ObligationKind.CHILD_SEEN, contact=contact, child=child, team=team,
                            due_at=rules.child_seen_due_at(received), now=now)
        open_obligation(ObligationKind.SCREENING_DECISION, contact=contact, child=child, team=team,
                        due_at=rules.screening_decision_due_at(received), now=now)
    if details.is_put_through:
        _meet_verbal_handoff(verbal, to=details.put_through_to, at=received, by=by, now=now)


def police_informed_within() -> timedelta:
    """R98: how soon the police must be told: the council's setting POLICE_INFORMED_WITHIN_MINUTES
    (config.py), or the rules' default outside an application."""
    minutes = current_app.config.get("POLICE_INFORMED_WITHIN_MINUTES") if has_app_context() else None
    return timedelta(minutes=minutes) if minutes else rules.POLICE_INFORMED_WITHIN


#: The concern flags that can be raised after the call was logged (at screening), each with the
#: history's name for raising it and what it is called.
FLAGS_RAISED_LATER = {
    "is_possible_crime": ("possible_crime_raised", "Possible crime"),
    "is_deliberate_harm_alleged": ("deliberate_harm_raised", "Deliberate harm alleged"),
}


def raise_flag(contact: Contact, *, flag: str, note: str, by: User, now: datetime) -> list[Obligation]:
    """Possible crime (R98) or deliberate harm (R35), learned after the call was logged: at
    screening, the duty worker raises it. Its clocks run from now, when it was raised, not from
    when the call was received: the police informed for the call, the child seen for each child.
    Who raised it, when and why is written to the call's history."""
    check_may_change(by, contact, now=now)
    if flag not in FLAGS_RAISED_LATER:
        raise DomainError("Choose what has been learned: a possible crime, or an allegation of deliberate harm",
                          "flag")
    action, words = FLAGS_RAISED_LATER[flag]
    if getattr(contact, flag):
        raise DomainError(f"'{words}' is already raised on call {contact.reference}", "flag")
    if not note.strip():
        raise DomainError("Say what was learned, and from whom", "note")
    setattr(contact, flag, True)
    # The clocks are the holding team's; their owner is the case's worker, else whoever raised it.
    opened = []
    if flag == "is_possible_crime":
        opened.append(open_obligation(ObligationKind.POLICE_INFORMED, contact=contact, team=contact.team, worker=by,
                                      due_at=rules.police_informed_due_at(now, police_informed_within()), now=now))
    else:
        for child in contact.children:
            referral = child.referral
            opened.append(open_obligation(
                ObligationKind.CHILD_SEEN, contact=contact, child=child,
                team=referral.team if referral is not None else contact.team,
                worker=referral.worker if referral is not None and referral.is_allocated else by,
                due_at=rules.child_seen_due_at(now), now=now))
    due = "; ".join(f"{o.kind.label.lower()}{f' ({o.child.display_name})' if o.child else ''} due "
                    f"{london(o.due_at, '%H:%M on %-d %B %Y')}" for o in opened)
    record_event(contact, action=action, by=by, at=now,
                 summary=f"{words} raised ({contact.reference}): {note.strip()}. {due[:1].upper()}{due[1:]}")
    db.session.flush()
    return opened


def _obligation_to_meet(contact: Contact, kind: ObligationKind, child: ContactChild | None = None) -> Obligation:
    """The open obligation of this kind (for this child), or the met one so that meeting it explains."""
    for obligation in contact.obligations:
        if obligation.kind is kind and obligation.child is child and obligation.met_at is None:
            return obligation
    met = [o for o in contact.obligations if o.kind is kind and o.child is child]
    if met:
        return met[0]  # meet_obligation explains that it was already recorded
    raise DomainError(f"This call has no '{kind.label}' to record")


def _meet_verbal_handoff(obligation: Obligation, *, to: User, at: datetime, by: User,
                         now: datetime) -> None:
    meet_obligation(obligation, at=at, by=by, now=now,
                    details={"to_worker_id": to.id, "to_worker_name": to.display_name})
    record_event(obligation.contact, action="verbal_handoff", by=by, at=now,
                 summary=f"Details passed verbally to {to.display_name} at {london(at, '%H:%M on %-d %B %Y')}")


def record_verbal_handoff(contact: Contact, *, to: User, at: datetime, by: User, now: datetime) -> Obligation:
    """R39: record which duty worker was told of the call, by phone or in person, and when."""
    if not is_duty_worker_of(to, contact.team):
        raise DomainError(f"{to.display_name} is not an active duty worker in {contact.team.name}",
                          "to_worker_id")
    _check_in(to, contact.team, at=at, now=now, to_do="pass the details to", field="to_worker_id")
    obligation = _obligation_to_meet(contact, ObligationKind.VERBAL_HANDOFF)
    check_may_change(by, obligation, now=now)
    _meet_verbal_handoff(obligation, to=to, at=at, by=by, now=now)
    db.session.flush()
    return obligation


def accept_handoff(contact: Contact, *, by: User, now: datetime) -> Contact:
    """R39: a duty worker takes the call in writing; they own its open clocks from now on."""
    if not is_duty_worker_of(by, contact.team):
        raise DomainError(f"Only a duty worker in {contact.team.name} can accept this call")
    written = _obligation_to_meet(contact, ObligationKind.WRITTEN_HANDOFF)
    check_may_change(by, written, now=now)
    meet_obligation(written, at=now, by=by, now=now, details={"accepted_by_name": by.display_name})
    written.worker = by
    contact.accepted_at = now
    contact.accepted_by = by
    for obligation in contact.obligations:
        if obligation.met_at is None and obligation.team_id == contact.team_id and obligation.worker_id is None:
            obligation.worker = by
    record_event(contact, action="accepted", by=by, at=now,
                 summary=f"Accepted by {by.display_name} for {contact.team.name}")
    db.session.flush()
    return contact


def record_referrer_confirmation(contact: Contact, *, received_at: datetime, method: ConfirmationMethod,
                                 reference: str, by: User, now: datetime, reason: str = "") -> Obligation:
    """R21: the professional referrer has confirmed the referral in writing."""
    obligation = _obligation_to_meet(contact, ObligationKind.REFERRER_CONFIRMATION)
    check_may_change(by, obligation, now=now)
    meet_obligation(obligation, at=received_at, by=by, now=now, reason=reason,
                    details={"method": method.value, "reference": reference.strip()})
    ref = f", reference {reference.strip()}" if reference.strip() else ""
    record_event(contact, action="referrer_confirmation", by=by, at=now,
                 summary=f"Referrer's written confirmation received by {method.label.lower()} at "
                         f"{london(received_at, '%H:%M on %-d %B %Y')}{ref}")
    db.session.flush()
    return obligation


def record_police_informed(contact: Contact, *, informed_at: datetime, officer: str, police_reference: str,
                           by: User, now: datetime, reason: str = "") -> Obligation:
    """R98: the police have been told of a possible crime against the child."""
    if not officer.strip():
        raise DomainError("Enter the name or collar number of the officer who was told", "officer")
    if not police_reference.strip():
        raise DomainError("Enter the police reference (the crime or incident number)", "police_reference")
    obligation = _obligation_to_meet(contact, ObligationKind.POLICE_INFORMED)
    check_may_change(by, obligation, now=now)
    meet_obligation(obligation, at=informed_at, by=by, now=now, reason=reason,
                    details={"officer": officer.strip(), "police_reference": police_reference.strip()})
    record_event(contact, action="police_informed", by=by, at=now,
                 summary=f"Police informed at {london(informed_at, '%H:%M on %-d %B %Y')}: told "
                         f"{officer.strip()}, police reference {police_reference.strip()}")
    db.session.flush()
    return obligation


def record_child_seen(contact: Contact, child: ContactChild, *, seen_at: datetime, seen_by: User,
                      is_seen_alone: bool, is_spoken_to: bool, by: User, now: datetime,
                      reason: str = "") -> Obligation:
    """R35: the child has been seen: by whom, when, whether alone, and whether spoken to."""
    obligation = _obligation_to_meet(contact, ObligationKind.CHILD_SEEN, child)
    check_may_change(by, obligation, now=now)
    meet_obligation(obligation, at=seen_at, by=by, now=now, reason=reason,
                    details={"seen_by_id": seen_by.id, "seen_by_name": seen_by.display_name})
    obligation.is_child_seen_alone, obligation.is_child_spoken_to = is_seen_alone, is_spoken_to
    record_event(contact, action="child_seen", by=by, at=now, child=child,
                 summary=f"{child.display_name} seen by {seen_by.display_name} at "
                         f"{london(seen_at, '%H:%M on %-d %B %Y')}, {'alone' if is_seen_alone else 'not alone'}, "
                         f"{'spoken to' if is_spoken_to else 'not spoken to'}")
    db.session.flush()
    return obligation


def record_obligation_reason(obligation: Obligation, *, reason: str, by: User, now: datetime) -> Obligation:
    """Record why an obligation is not (or was not) met in time; R35 asks it of the child not seen."""
    check_may_change(by, obligation, now=now)
    if not reason.strip():
        raise DomainError("Enter the reason", "reason")
    obligation.reason = reason.strip()
    record_event(obligation.contact, action="reason", by=by, at=now, child=obligation.child,
                 summary=f"{obligation.kind.label} ({obligation.subject}): {reason.strip()}")
    db.session.flush()
    return obligation
