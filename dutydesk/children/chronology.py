"""R58: a child's chronology, generated from what was recorded about them and never typed twice.

Every event is read from the record that holds it: the call itself; the clocks it met (the
hand-offs, the referrer's confirmation, the police informed, the child seen, an action done, a
strategy discussion reviewed); screening decisions; the referral, its transfers and its
closure; strategy discussions; escalations and their acknowledgements; managers' sign-offs of the case
file (R45). What only a call's
history holds (a case allocated or taken from its worker, work reassigned or released by a
leaver, a reason given for a clock) comes from the call's history lines: each line says which
of the call's children it is about, or (written before lines said so) names them in its words.

A chronology is over a set of `ContactChild` ids: the children named on calls who are the
same child. Whatever is about the whole call (its hand-offs, the police informed) belongs to
every child the call names. Everything is read in a fixed number of queries, however many
calls and events there are.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from dutydesk import rules
from dutydesk.clock import to_london
from dutydesk.extensions import db
from dutydesk.models import (
    Assessment,
    CaseSignOff,
    Closure,
    Contact,
    Plan,
    Section47Enquiry,
    StrategyReview,
    ContactChild,
    ContactEvent,
    Escalation,
    IdentifiedNeed,
    Obligation,
    ObligationKind,
    RecordsCheck,
    Referral,
    ScreeningDecision,
    Service,
    StrategyDiscussion,
    Transfer,
    User,
)
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.codes import Channel, ConfirmationMethod, LabelledEnum
from dutydesk.rules import EscalationLevel


class ChronologyKind(LabelledEnum):
    """The kinds of event, in the order that breaks a tie in time (a decision before the referral
    it opened, a call before its hand-off) and in which the page offers them as filters."""

    CALL_RECEIVED = ("call", "Call received")
    HANDOFF = ("handoff", "Hand-off to the duty team")
    REFERRER_CONFIRMATION = ("confirmation", "Referrer's written confirmation")
    POLICE_INFORMED = ("police", "Police informed")
    CHILD_SEEN = ("child_seen", "Child seen")
    #: Possible crime or deliberate harm raised after the call was logged (at screening).
    FLAG_RAISED = ("flag", "Flag raised")
    #: R2.5: the check of existing records while the call is taken, and what was done with it.
    RECORDS_CHECK = ("records_check", "Records check")
    SCREENING_DECISION = ("decision", "Screening decision")
    REFERRAL = ("referral", "Referral")
    STRATEGY_DISCUSSION = ("strategy", "Strategy discussion")
    STRATEGY_REVIEW = ("strategy_review", "Strategy discussion reviewed")
    SECTION47 = ("section47", "Section 47 enquiry")
    CONFERENCE = ("conference", "Child protection conference")
    PLAN = ("plan", "Plan")
    ACTION = ("action", "Actions")
    REASON = ("reason", "Reason recorded")
    ESCALATION = ("escalation", "Escalation")
    TRANSFER = ("transfer", "Transfer between teams")
    ALLOCATION = ("allocation", "Allocation")
    ASSESSMENT = ("assessment", "Assessment")
    SERVICE = ("service", "Services")
    #: R45: a manager read, reviewed and signed the case file.
    SIGN_OFF = ("sign_off", "Manager's sign-off")
    CLOSURE = ("closure", "Closure")


_KIND_ORDER = {kind: position for position, kind in enumerate(ChronologyKind)}


@dataclass(frozen=True)
class ChronologyEvent:
    """One line of a chronology: when, what kind, what happened in a line, and who did it."""

    #: When it happened (UTC): the time recorded for it, which may be earlier than when it was typed.
    at: datetime
    kind: ChronologyKind
    summary: str
    #: Who did it; None when dutydesk did it itself (an escalation issued by the sweep).
    by: str | None
    #: The call it belongs to.
    contact_id: int
    contact_reference: str
    #: The child of the call it is about; None when it is about the whole call.
    child_id: int | None = None
    #: The case (referral) it belongs to, and the strategy discussion, when it has a page of its own.
    referral_id: int | None = None
    discussion_id: int | None = None
    #: More than a line: the reasons for a decision, an acknowledgement's note, the concern.
    details: str = ""
    #: The record it was read from and which of its moments (0: made, 1: later): with the kind,
    #: what orders two events at the same moment, stably.
    source: tuple[str, int, int] = ("", 0, 0)

    @property
    def order(self) -> tuple:
        return (self.at, _KIND_ORDER[self.kind], self.source[2], self.source[0], self.source[1])


@dataclass
class _Scope:
    """What was read for one chronology, shared by the sources that make its events."""

    child_ids: set[int]
    contacts: dict[int, Contact]
    obligations: list[Obligation]
    decisions: list[ScreeningDecision]
    referrals: list[Referral]
    discussions: list[StrategyDiscussion]
    escalations: list[Escalation]
    records_checks: list[RecordsCheck]
    #: What happened after the referral: assessments, the needs they found, services, closures.
    assessments: list[Assessment]
    needs: list[IdentifiedNeed]
    services: list[Service]
    closures: list[Closure]
    #: The lines of the calls' histories that the chronology reads (see _HISTORY_KINDS).
    history: list[ContactEvent]
    #: Everyone named in them, by id (read at once: a User brings its roles with it).
    names: dict[int, str]
    #: Child protection on the referrals: section 47 enquiries, plans, and the discussions' reviews.
    enquiries: list[Section47Enquiry]
    plans: list[Plan]
    reviews: list[StrategyReview]
    #: R45: managers' sign-offs of the case files.
    sign_offs: list[CaseSignOff]

    def name(self, user_id: int | None) -> str | None:
        return self.names.get(user_id) if user_id is not None else None


def list_chronology(contact_child_ids: Iterable[int],
                    kinds: Iterable[ChronologyKind] | None = None) -> list[ChronologyEvent]:
    """Everything recorded about these children of calls (the same child), oldest first; only
    the kinds given, when some are."""
    scope = _read(set(contact_child_ids))
    wanted = set(kinds or ())
    events = [event for source in SOURCES for event in source(scope) if not wanted or event.kind in wanted]
    return sorted(events, key=lambda event: event.order)


def list_contact_ids(contact_child_ids: Iterable[int]) -> list[int]:
    """The calls that name these children: each is logged as seen when their chronology is."""
    ids = set(contact_child_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(ContactChild.contact_id).where(ContactChild.id.in_(ids))
                                   .distinct().order_by(ContactChild.contact_id)))


# --- reading -----------------------------------------------------------------------------------


def _read(child_ids: set[int]) -> _Scope:
    """Every record the chronology is made from, in a fixed number of queries."""
    children = list(db.session.scalars(
        select(ContactChild).where(ContactChild.id.in_(child_ids)).options(
            joinedload(ContactChild.contact).options(joinedload(Contact.team), selectinload(Contact.children)))))
    contacts = {child.contact_id: child.contact for child in children}
    about_the_children = or_(
        Obligation.child_id.in_(child_ids),
        and_(Obligation.child_id.is_(None), Obligation.contact_id.in_(list(contacts))))
    obligations = list(db.session.scalars(
        select(Obligation).where(about_the_children)
        .options(joinedload(Obligation.team))))
    decisions = list(db.session.scalars(
        select(ScreeningDecision).where(ScreeningDecision.child_id.in_(child_ids))))
    referrals = list(db.session.scalars(
        select(Referral).where(Referral.child_id.in_(child_ids))
        .options(joinedload(Referral.team),
                 selectinload(Referral.transfers).options(joinedload(Transfer.from_team),
                                                          joinedload(Transfer.to_team)),
                 joinedload(Referral.closure),
                 joinedload(Referral.assessments).joinedload(Assessment.needs).joinedload(IdentifiedNeed.services))
    ).unique())
    discussions = list(db.session.scalars(
        select(StrategyDiscussion).where(StrategyDiscussion.child_id.in_(child_ids))
        .options(selectinload(StrategyDiscussion.attendees))))
    escalations = list(db.session.scalars(
        select(Escalation).where(Escalation.obligation_id.in_(select(Obligation.id).where(about_the_children)))))
    records_checks = list(db.session.scalars(
        select(RecordsCheck).where(RecordsCheck.contact_child_id.in_(child_ids)).options(joinedload(RecordsCheck.child))))
    # What happened after the referral came with the referrals, in the same statement.
    assessments = [assessment for referral in referrals for assessment in referral.assessments]
    needs = [need for assessment in assessments for need in assessment.needs]
    services = [service for need in needs for service in need.services]
    closures = [referral.closure for referral in referrals if referral.closure is not None]
    history = list(db.session.scalars(
        select(ContactEvent).where(ContactEvent.contact_id.in_(list(contacts)),
                                   ContactEvent.action.in_(_HISTORY_ACTIONS))))
    referral_ids = [referral.id for referral in referrals]
    enquiries = list(db.session.scalars(
        select(Section47Enquiry).where(Section47Enquiry.referral_id.in_(referral_ids))
        .options(joinedload(Section47Enquiry.conference_obligation), joinedload(Section47Enquiry.strategy_discussion))
        .order_by(Section47Enquiry.id)))
    plans = list(db.session.scalars(select(Plan).where(Plan.referral_id.in_(referral_ids)).order_by(Plan.id)))
    reviews = list(db.session.scalars(
        select(StrategyReview).where(StrategyReview.discussion_id.in_([d.id for d in discussions]))))
    sign_offs = list(db.session.scalars(select(CaseSignOff).where(CaseSignOff.referral_id.in_(referral_ids))
                                        .order_by(CaseSignOff.id)))
    user_ids = {
        *(c.logged_by_id for c in contacts.values()), *(o.met_by_id for o in obligations),
        *(id_ for d in decisions for id_ in (d.decided_by_id, d.social_care_manager_id, d.onward_agreed_by_id)),
        *(id_ for r in referrals for t in r.transfers for id_ in (t.requested_by_id, t.accepted_by_id)),
        *(d.recorded_by_id for d in discussions),
        *(id_ for e in escalations for id_ in (e.recipient_id, e.acknowledged_by_id)),
        *(line.by_id for line in history), *(check.checked_by_id for check in records_checks),
        *(e.recorded_by_id for e in enquiries), *(e.conference_obligation.met_by_id for e in enquiries
                                                  if e.conference_obligation is not None),
        *(id_ for p in plans for id_ in (p.recorded_by_id, p.ended_by_id)),
        *(id_ for r in reviews for id_ in (r.reviewed_by_id, r.recorded_by_id)),
        *(id_ for a in assessments for id_ in (a.recorded_by_id, a.completed_by_id, a.authorised_by_id)),
        *(id_ for service in services for id_ in (service.recorded_by_id, service.ended_by_id)),
        *(closure.recorded_by_id for closure in closures), *(s.signed_by_id for s in sign_offs),
    } - {None}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
    return _Scope(child_ids, contacts, obligations, decisions, referrals, discussions, escalations,
                  records_checks, assessments, needs, services, closures, history, names, enquiries, plans, reviews,
                  sign_offs)


def _event(contact: Contact, at: datetime, kind: ChronologyKind, summary: str, by: str | None, *,
           source: tuple[str, int, int], **more) -> ChronologyEvent:
    return ChronologyEvent(at=at, kind=kind, summary=summary, by=by, contact_id=contact.id,
                           contact_reference=contact.reference, source=source, **more)


# --- the sources: each makes the events of one kind of record ------------------------------------


#: The call's flags, as a chronology names them.
_FLAGS = {"is_possible_crime": "possible crime", "is_deliberate_harm_alleged": "deliberate harm alleged",
          "is_child_in_hospital": "child in hospital", "is_child_missing_school": "not attending school",
          "is_child_in_temporary_accommodation": "temporary accommodation"}


def _calls(scope: _Scope) -> Iterator[ChronologyEvent]:
    raised_later = {(line.contact_id, _FLAG_RAISED[line.action]) for line in scope.history
                    if line.action in _FLAG_RAISED}
    for contact in scope.contacts.values():
        referrer = contact.referrer_name or "a referrer who gave no name"
        about = ", ".join(part for part in (contact.referrer_role, contact.referrer_agency) if part)
        how = "in person" if contact.channel is Channel.IN_PERSON else f"by {contact.channel.label.lower()}"
        flags = "".join(f"; {words}" for name, words in _FLAGS.items()
                        if getattr(contact, name) and (contact.id, name) not in raised_later)
        summary = (f"From {referrer}{f' ({about})' if about else ''}, {how}: {contact.concern_category.label}"
                   f"{flags}; handed to {contact.team.name}")
        yield _event(contact, contact.received_at, ChronologyKind.CALL_RECEIVED, summary,
                     scope.name(contact.logged_by_id), details=contact.concern, source=("contact", contact.id, 0))


def _late(obligation: Obligation) -> str:
    """Why it was late, when it was and a reason was given."""
    if obligation.reason and obligation.met_at > obligation.due_at:
        return f"Late: {obligation.reason}"
    return ""


def _yes_no(value: bool | None, yes: str, no: str, unknown: str) -> str:
    return unknown if value is None else yes if value else no


def _met_summary(obligation: Obligation) -> tuple[ChronologyKind, str] | None:
    """The event a clock met makes, or None when another record tells it (or it was withdrawn)."""
    details = obligation.details or {}
    match obligation.kind:
        case ObligationKind.VERBAL_HANDOFF:
            told = details.get("to_worker_name", "the duty team")
            return ChronologyKind.HANDOFF, f"Details passed verbally to {told}"
        case ObligationKind.WRITTEN_HANDOFF:
            return ChronologyKind.HANDOFF, f"Accepted in writing by {obligation.team.name}"
        case ObligationKind.REFERRER_CONFIRMATION:
            methods = {method.value: method.label for method in ConfirmationMethod}
            how = f" by {methods[details['method']].lower()}" if details.get("method") in methods else ""
            reference = f", reference {details['reference']}" if details.get("reference") else ""
            return ChronologyKind.REFERRER_CONFIRMATION, f"Referrer's written confirmation received{how}{reference}"
        case ObligationKind.POLICE_INFORMED:
            return ChronologyKind.POLICE_INFORMED, (f"Police informed: told {details.get('officer', '')}, "
                                                    f"police reference {details.get('police_reference', '')}")
        case ObligationKind.CHILD_SEEN:
            alone = _yes_no(obligation.is_child_seen_alone, "alone", "not alone", "whether alone not recorded")
            spoken = _yes_no(obligation.is_child_spoken_to, "spoken to", "not spoken to",
                             "whether spoken to not recorded")
            return ChronologyKind.CHILD_SEEN, f"Seen by {details.get('seen_by_name', 'a worker')}, {alone}, {spoken}"
        case ObligationKind.ACTION:
            note = f" ({details['note']})" if details.get("note") else ""
            return ChronologyKind.ACTION, f"Action done: {obligation.title}{note}"
        case ObligationKind.STRATEGY_REVIEW:
            return ChronologyKind.STRATEGY_DISCUSSION, f"{obligation.title or obligation.kind.label}: done"
    # The screening decision, a transfer's acceptance and the assessment's authorisation are told
    # by their own records.
    return None


def _clocks_met(scope: _Scope) -> Iterator[ChronologyEvent]:
    # A review recorded tells its clock met itself (_reviews).
    reviewed = {discussion.review_obligation_id for discussion in scope.discussions
                if any(review.discussion_id == discussion.id for review in scope.reviews)}
    for obligation in scope.obligations:
        if obligation.met_at is None or obligation.is_withdrawn or obligation.id in reviewed:
            continue
        met = _met_summary(obligation)
        if met is None:
            continue
        kind, summary = met
        yield _event(scope.contacts[obligation.contact_id], obligation.met_at, kind, summary,
                     scope.name(obligation.met_by_id), child_id=obligation.child_id, details=_late(obligation),
                     source=("obligation", obligation.id, 1))


def _actions_added(scope: _Scope) -> Iterator[ChronologyEvent]:
    """Who added an action and for whom is in the history line written with it (the owner may
    have changed since): matched by call, moment and title."""
    lines = [line for line in scope.history if line.action == "action_added"]
    for action in scope.obligations:
        if action.kind is not ObligationKind.ACTION:
            continue
        line = next((line for line in lines if line.contact_id == action.contact_id and line.at == action.created_at
                     and line.contact_child_id in (None, action.child_id)
                     and line.summary.endswith(f": {action.title}")), None)
        if line is not None:
            lines.remove(line)
        summary = line.summary if line is not None else f"Action: {action.title}"
        yield _event(scope.contacts[action.contact_id], action.created_at, ChronologyKind.ACTION,
                     summary.replace("Action for", "Action added for", 1), scope.name(line.by_id) if line else None,
                     child_id=action.child_id, source=("obligation", action.id, 0))


def _decisions(scope: _Scope) -> Iterator[ChronologyEvent]:
    for decision in scope.decisions:
        summary = f"Screening decision: {decision.outcome.label}"
        if decision.is_joint_investigation:
            summary += "; joint investigation with the police"
        if decision.social_care_manager_id is not None:
            summary += f"; social-care manager {scope.name(decision.social_care_manager_id)}"
        if decision.onward_agency:
            summary += (f"; referred on to {decision.onward_agency} ({decision.onward_purpose}), agreed by "
                        f"{scope.name(decision.onward_agreed_by_id)}")
        yield _event(scope.contacts[decision.contact_id], decision.decided_at, ChronologyKind.SCREENING_DECISION,
                     summary, scope.name(decision.decided_by_id), child_id=decision.child_id,
                     details=decision.rationale, source=("decision", decision.id, 0))


def _decided_by(scope: _Scope, child_id: int, at: datetime) -> str | None:
    """Who made the decision that opened or closed a case at that moment."""
    return next((scope.name(decision.decided_by_id) for decision in scope.decisions
                 if decision.child_id == child_id and decision.decided_at == at), None)


def _referrals(scope: _Scope) -> Iterator[ChronologyEvent]:
    for referral in scope.referrals:
        contact = scope.contacts[referral.contact_id]
        first_team = referral.transfers[0].from_team if referral.transfers else referral.team
        common = dict(child_id=referral.child_id, referral_id=referral.id)
        yield _event(contact, referral.created_at, ChronologyKind.REFERRAL,
                     f"Referred to children's social care: a case opened in {first_team.name}",
                     _decided_by(scope, referral.child_id, referral.created_at),
                     source=("referral", referral.id, 0), **common)
        for transfer in referral.transfers:
            yield _event(contact, transfer.requested_at, ChronologyKind.TRANSFER,
                         f"Transfer from {transfer.from_team.name} to {transfer.to_team.name} requested",
                         scope.name(transfer.requested_by_id), details=transfer.reason,
                         source=("transfer", transfer.id, 0), **common)
            if transfer.accepted_at is not None:
                yield _event(contact, transfer.accepted_at, ChronologyKind.TRANSFER,
                             f"{transfer.to_team.name} accepted the transfer from {transfer.from_team.name}",
                             scope.name(transfer.accepted_by_id), source=("transfer", transfer.id, 1), **common)
        if referral.is_nfa and referral.nfa_at is not None:
            yield _event(contact, referral.nfa_at, ChronologyKind.CLOSURE,
                         "Case closed: the referral ended in no further action",
                         _decided_by(scope, referral.child_id, referral.nfa_at),
                         source=("referral", referral.id, 1), **common)


def _on(day, recorded_at: datetime | None = None) -> datetime:
    """When something recorded by its date happened: the moment it was recorded, if that was the
    same London day, else the opening of office that day."""
    if recorded_at is not None and to_london(recorded_at).date() == day:
        return recorded_at
    return rules.start_of_working_day(day)


def _assessments(scope: _Scope) -> Iterator[ChronologyEvent]:
    referrals = {referral.id: referral for referral in scope.referrals}
    needs = {}
    for need in scope.needs:
        needs.setdefault(need.assessment_id, []).append(need)
    for assessment in scope.assessments:
        referral = referrals[assessment.referral_id]
        contact = scope.contacts[referral.contact_id]
        common = dict(child_id=referral.child_id, referral_id=referral.id)

        def event(at, summary, by, moment, details=""):
            return _event(contact, at, ChronologyKind.ASSESSMENT, summary, by, details=details,
                          source=("assessment", assessment.id, moment), **common)

        yield event(_on(assessment.started_on, assessment.recorded_at), "Assessment started",
                    scope.name(assessment.recorded_by_id), 0)
        if assessment.child_seen_on is not None:
            alone = "alone" if assessment.is_child_seen_alone else "not alone"
            yield event(_on(assessment.child_seen_on), f"Child seen during the assessment, {alone}", None, 1)
        if assessment.carers_seen_on is not None:
            yield event(_on(assessment.carers_seen_on), "Parents or carers seen during the assessment", None, 2)
        if assessment.completed_on is not None:
            found = needs.get(assessment.id, [])
            outcome = (f"requires a service ({len(found)} need{'s' if len(found) != 1 else ''} identified)"
                       if assessment.requires_service else "no service required")
            need = assessment.primary_need
            details = "; ".join(part for part in (
                assessment.summary, "Factors: " + ", ".join(assessment.factors or []),
                "Needs: " + "; ".join(n.description for n in found) if found else "") if part)
            yield event(_on(assessment.completed_on, assessment.completed_at),
                        f"Assessment completed: {outcome}; primary need {need.value} {need.label}",
                        scope.name(assessment.completed_by_id), 3, details)
        if assessment.authorised_at is not None:
            yield event(assessment.authorised_at,
                        f"Assessment authorised by {scope.name(assessment.authorised_by_id)}",
                        scope.name(assessment.authorised_by_id), 4, assessment.authorisation_note)


def _services(scope: _Scope) -> Iterator[ChronologyEvent]:
    referrals = {referral.id: referral for referral in scope.referrals}
    needs = {need.id: need for need in scope.needs}
    assessments = {assessment.id: assessment for assessment in scope.assessments}
    for service in scope.services:
        need = needs[service.need_id]
        referral = referrals[assessments[need.assessment_id].referral_id]
        contact = scope.contacts[referral.contact_id]
        common = dict(child_id=referral.child_id, referral_id=referral.id)
        yield _event(contact, _on(service.started_on, service.recorded_at), ChronologyKind.SERVICE,
                     f"Service started for the need '{need.description}': {service.what} ({service.provided_by})",
                     scope.name(service.recorded_by_id), source=("service", service.id, 0), **common)
        if service.ended_on is not None:
            yield _event(contact, _on(service.ended_on, service.ended_at), ChronologyKind.SERVICE,
                         f"Service ended: {service.what} ({service.provided_by})", scope.name(service.ended_by_id),
                         details=service.end_reason, source=("service", service.id, 1), **common)


def _closures(scope: _Scope) -> Iterator[ChronologyEvent]:
    referrals = {referral.id: referral for referral in scope.referrals}
    for closure in scope.closures:
        referral = referrals[closure.referral_id]
        checks = [f"{words}: " + ("yes" if getattr(closure, f"is_{name}") else
                                  f"no, because {getattr(closure, f'{name}_reason')}")
                  for name, words in CLOSURE_CHECKS if getattr(closure, f"is_{name}") is not None]
        yield _event(scope.contacts[referral.contact_id], _on(closure.closed_on, closure.recorded_at),
                     ChronologyKind.CLOSURE, f"Case closed: {closure.reason.value} {closure.reason.label}",
                     scope.name(closure.recorded_by_id), details="; ".join([*checks, closure.note] if closure.note
                                                                            else checks),
                     child_id=referral.child_id, referral_id=referral.id, source=("closure", closure.id, 0))


def _discussions(scope: _Scope) -> Iterator[ChronologyEvent]:
    for discussion in scope.discussions:
        agencies = sorted({attendee.agency for attendee in discussion.attendees})
        people = len(discussion.attendees)
        summary = (f"Strategy discussion held: {people} {'person' if people == 1 else 'people'} took part "
                   f"({', '.join(agencies)})")
        details = (f"Record sent to {discussion.circulated_to} at "
                   f"{to_london(discussion.circulated_at):%H:%M on %-d %b %Y}")
        yield _event(scope.contacts[discussion.contact_id], discussion.held_at, ChronologyKind.STRATEGY_DISCUSSION,
                     summary, scope.name(discussion.recorded_by_id), child_id=discussion.child_id,
                     discussion_id=discussion.id, details=details, source=("strategy_discussion", discussion.id, 0))


def _escalation_words(scope: _Scope, escalation: Escalation, obligation: Obligation) -> str:
    to = scope.name(escalation.recipient_id) or "the senior managers"
    if escalation.level is EscalationLevel.WARNING:
        return f"Warning to {to}: {obligation.label} is due soon"
    return f"{obligation.label} overdue: escalated to {to}"


def _escalations(scope: _Scope) -> Iterator[ChronologyEvent]:
    obligations = {obligation.id: obligation for obligation in scope.obligations}
    for escalation in scope.escalations:
        obligation = obligations[escalation.obligation_id]
        contact = scope.contacts[obligation.contact_id]
        yield _event(contact, escalation.issued_at, ChronologyKind.ESCALATION,
                     _escalation_words(scope, escalation, obligation), None, child_id=obligation.child_id,
                     source=("escalation", escalation.id, 0))
        if escalation.acknowledged_at is not None:
            yield _event(contact, escalation.acknowledged_at, ChronologyKind.ESCALATION,
                         f"Escalation acknowledged: {obligation.label} ({escalation.level.label.lower()})",
                         scope.name(escalation.acknowledged_by_id), child_id=obligation.child_id,
                         details=escalation.acknowledgement, source=("escalation", escalation.id, 1))


def _records_checks(scope: _Scope) -> Iterator[ChronologyEvent]:
    for check in scope.records_checks:
        contact = scope.contacts[check.contact_child.contact_id]
        yield _event(contact, check.checked_at, ChronologyKind.RECORDS_CHECK, f"Records check: {check.outcome}",
                     scope.name(check.checked_by_id), child_id=check.contact_child_id,
                     source=("records_check", check.id, 0))


#: The lines of a call's history that tell what no other record keeps, and their kind.
_HISTORY_KINDS = {
    "allocated": ChronologyKind.ALLOCATION,
    "unallocated": ChronologyKind.ALLOCATION,
    "taken_from_worker": ChronologyKind.ALLOCATION,
    "reassigned": ChronologyKind.ACTION,
    "worker_left": ChronologyKind.ACTION,
    "reason": ChronologyKind.REASON,
    "possible_crime_raised": ChronologyKind.FLAG_RAISED,
    "deliberate_harm_raised": ChronologyKind.FLAG_RAISED,
}
#: A flag raised after the call was logged, by the history's name for raising it (contacts/operations.py).
_FLAG_RAISED = {"possible_crime_raised": "is_possible_crime", "deliberate_harm_raised": "is_deliberate_harm_alleged"}
#: Read as well: who added each action (see _actions_added), who recorded a section 47 outcome.
_HISTORY_ACTIONS = (*_HISTORY_KINDS, "action_added", "section47_outcome")


def _children_of(line: ContactEvent, contact: Contact) -> list[ContactChild]:
    """The children of the call a history line is about: the one it was recorded about, when it
    was about one; every child, on a call about one child; or else those it names (below)."""
    if line.contact_child_id is not None:
        return [child for child in contact.children if child.id == line.contact_child_id]
    return _named_children(line, contact) if len(contact.children) > 1 else contact.children


def _named_children(line: ContactEvent, contact: Contact) -> list[ContactChild]:
    """The children of the call a line recorded about none of them names, as the operations name
    them in it: a leaver's work of several children "... (Leo Martin); ... (Mia Martin) now with
    Duty North" (people/operations.py), and every line written before lines kept their child
    (e08222ac41cc): "Case of Leo Martin allocated..." (cases/operations.py), "Screening decision
    (Leo Martin) reassigned..." (work/operations.py), "Child seen (Leo Martin): ..." (a reason). A
    line naming none, or naming the call itself ("Police informed (C000123)"), is about the whole
    call: every child."""
    if f"({contact.reference})" in line.summary:
        return []
    return [child for child in contact.children
            if f"Case of {child.display_name} " in line.summary or f"({child.display_name})" in line.summary]


def _history(scope: _Scope) -> Iterator[ChronologyEvent]:
    for line in scope.history:
        kind = _HISTORY_KINDS.get(line.action)
        if kind is None:
            continue
        contact = scope.contacts[line.contact_id]
        named = _children_of(line, contact)
        if named and not any(child.id in scope.child_ids for child in named):
            continue  # about another child of the call
        ours = [child for child in named if child.id in scope.child_ids]
        referral = next((r for r in scope.referrals if kind is ChronologyKind.ALLOCATION
                         and r.contact_id == line.contact_id and any(r.child_id == c.id for c in ours)), None)
        yield _event(contact, line.at, kind, line.summary, scope.name(line.by_id),
                     child_id=ours[0].id if len(ours) == 1 else None,
                     referral_id=referral.id if referral is not None else None, source=("contact_event", line.id, 0))


def _referral_of(scope: _Scope, referral_id: int) -> Referral:
    return next(referral for referral in scope.referrals if referral.id == referral_id)


def _section47(scope: _Scope) -> Iterator[ChronologyEvent]:
    """Each section 47 enquiry: started, its outcome, and its initial conference held."""
    outcome_lines = [line for line in scope.history if line.action == "section47_outcome"]
    for enquiry in scope.enquiries:
        referral = _referral_of(scope, enquiry.referral_id)
        contact = scope.contacts[referral.contact_id]
        common = dict(child_id=referral.child_id, referral_id=referral.id)
        after = (f" after the strategy discussion of {to_london(enquiry.strategy_discussion.held_at):%-d %b %Y}"
                 if enquiry.strategy_discussion is not None else "")
        yield _event(contact, _on(enquiry.started_on, enquiry.recorded_at), ChronologyKind.SECTION47,
                     f"Section 47 enquiry started{after}", scope.name(enquiry.recorded_by_id),
                     source=("section47", enquiry.id, 0), **common)
        if enquiry.outcome is None:
            continue
        # Who recorded the outcome is in the line of the call's history written with it.
        line = next((line for line in outcome_lines if line.contact_id == contact.id
                     and line.summary == f"{referral.child.display_name}: section 47 outcome: {enquiry.outcome.label}"
                     and to_london(line.at).date() >= enquiry.outcome_on), None)
        if line is not None:
            outcome_lines.remove(line)
        clock = enquiry.conference_obligation
        due = (f"; the initial child protection conference is due by {enquiry.conference_target_on:%-d %b %Y}"
               if clock is not None else "")
        yield _event(contact, _on(enquiry.outcome_on, line.at if line else enquiry.recorded_at),
                     ChronologyKind.SECTION47, f"Section 47 outcome: {enquiry.outcome.label}{due}",
                     scope.name(line.by_id) if line else None, source=("section47", enquiry.id, 1), **common)
        if enquiry.conference_on is not None:
            late = (f" (late: due by {enquiry.conference_target_on:%-d %b %Y})"
                    if enquiry.conference_target_on and enquiry.conference_on > enquiry.conference_target_on else "")
            met_at = clock.met_at if clock is not None and clock.met_at is not None else enquiry.recorded_at
            yield _event(contact, _on(enquiry.conference_on, met_at), ChronologyKind.CONFERENCE,
                         f"Initial child protection conference held{late}",
                         scope.name(clock.met_by_id) if clock is not None else None,
                         source=("section47", enquiry.id, 2), **common)


def _plans(scope: _Scope) -> Iterator[ChronologyEvent]:
    for plan in scope.plans:
        referral = _referral_of(scope, plan.referral_id)
        contact = scope.contacts[referral.contact_id]
        common = dict(child_id=referral.child_id, referral_id=referral.id)
        category = f": {plan.initial_category.label.lower()}" if plan.initial_category else ""
        yield _event(contact, _on(plan.started_on, plan.recorded_at), ChronologyKind.PLAN,
                     f"{plan.kind.label} started{category}", scope.name(plan.recorded_by_id),
                     source=("plan", plan.id, 0), **common)
        if plan.ended_on is not None:
            yield _event(contact, _on(plan.ended_on, plan.ended_at), ChronologyKind.PLAN, f"{plan.kind.label} ended",
                         scope.name(plan.ended_by_id), source=("plan", plan.id, 1), **common)


def _reviews(scope: _Scope) -> Iterator[ChronologyEvent]:
    discussions = {discussion.id: discussion for discussion in scope.discussions}
    for review in scope.reviews:
        discussion = discussions[review.discussion_id]
        yield _event(scope.contacts[discussion.contact_id], _on(review.reviewed_on, review.recorded_at),
                     ChronologyKind.STRATEGY_REVIEW,
                     f"Strategy discussion of {to_london(discussion.held_at):%-d %b %Y} reviewed by "
                     f"{scope.name(review.reviewed_by_id)}", scope.name(review.recorded_by_id),
                     child_id=discussion.child_id, discussion_id=discussion.id, details=review.outcome,
                     source=("strategy_review", review.id, 0))


def _sign_offs(scope: _Scope) -> Iterator[ChronologyEvent]:
    for sign_off in scope.sign_offs:
        referral = _referral_of(scope, sign_off.referral_id)
        by = scope.name(sign_off.signed_by_id)
        yield _event(scope.contacts[referral.contact_id], sign_off.signed_at, ChronologyKind.SIGN_OFF,
                     f"Case file read and signed off by {by}", by, details=sign_off.note,
                     child_id=referral.child_id, referral_id=referral.id, source=("sign_off", sign_off.id, 0))


#: Where events come from.
SOURCES = (_calls, _clocks_met, _actions_added, _decisions, _referrals, _discussions, _escalations,
           _records_checks, _history, _section47, _plans, _reviews, _assessments, _services, _sign_offs, _closures)

#: The kinds a chronology can hold, as the page offers them for filtering.
KINDS_RECORDED = tuple(ChronologyKind)
