"""Children's records: made from a call, linked to later calls, their names and addresses added
and ended, their details corrected (R2.5, R18). Every change is written to the record's history,
and linking a call is written to the call's."""

from datetime import date, datetime

from dutydesk import rules
from dutydesk.access import check_may_change
from dutydesk.children.normalise import (is_unknown_address, is_unknown_name, normalise_address, parse_postcode,
                                         split_name, tidy)
from dutydesk.children.search import CheckResult, index_child, surviving_ids
from dutydesk.children.upn import clean_upn, upn_problem
from dutydesk.clock import to_london
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Child, ChildAddress, ChildEvent, ChildName, ContactChild, RecordsCheck, User
from dutydesk.models.children import Period
from dutydesk.models.codes import Disability, Ethnicity, InterpreterNeed, NameKind, Sex
from dutydesk.work.operations import record_event


def _record_change(child: Child, *, action: str, summary: str, by: User, now: datetime) -> ChildEvent:
    event = ChildEvent(child=child, at=now, by=by, action=action, summary=summary)
    db.session.add(event)
    return event


def _name_of(contact_child: ContactChild) -> str | None:
    """The child's name as the caller gave it, or None when it is not known."""
    name = tidy(contact_child.name)
    return None if not contact_child.is_name_known or is_unknown_name(name) else name


def _new_name(child: Child, full_name: str, kind: NameKind, *, by: User, now: datetime,
              from_date: date | None = None, to_date: date | None = None,
              given_names: str | None = None, family_name: str | None = None) -> ChildName:
    given, family = split_name(full_name)
    name = ChildName(child=child, kind=kind, full_name=full_name, from_date=from_date, to_date=to_date,
                     given_names=tidy(given_names) if given_names is not None else given,
                     family_name=tidy(family_name) if family_name is not None else family,
                     recorded_at=now, recorded_by=by)
    db.session.add(name)
    return name


def _new_address(child: Child, text: str, *, by: User, now: datetime, from_date: date | None = None,
                 to_date: date | None = None) -> ChildAddress:
    address = ChildAddress(child=child, address=text, normalised=normalise_address(text),
                           postcode=parse_postcode(text), from_date=from_date, to_date=to_date,
                           recorded_at=now, recorded_by=by)
    db.session.add(address)
    return address


def create_child_from(contact_child: ContactChild, *, by: User, now: datetime,
                      check: CheckResult | None = None) -> Child:
    """Make a new child's record from a child named on a call, and link the call to it.

    `check` is what the records check found while the call was taken: it is recorded, and the
    call's history says it ("New record CH000031: no match among 12 children weighed"). The name
    (unless not known) and the address (unless not known) become the record's first name and
    address; the date of birth, first language and interpreter need are copied.
    """
    if contact_child.child_id is not None or contact_child.child is not None:
        raise DomainError(f"{contact_child.display_name} is already linked to a child's record")
    child = Child(date_of_birth=contact_child.date_of_birth,
                  expected_date_of_birth=contact_child.expected_date_of_birth, sex=Sex.UNKNOWN,
                  first_language=tidy(contact_child.first_language), interpreter_need=contact_child.interpreter_need,
                  created_at=now, created_by=by)
    db.session.add(child)
    name = _name_of(contact_child)
    if name is not None:
        _new_name(child, name, NameKind.CURRENT, by=by, now=now)
    if not is_unknown_address(contact_child.address):
        _new_address(child, tidy(contact_child.address), by=by, now=now)
    contact_child.child = child
    db.session.flush()  # the record's reference is its id
    index_child(child)
    summary = f"new child's record {child.reference}"
    if check is not None:
        summary = _recorded(contact_child, check, is_linked=False, by=by, now=now).outcome
    record_event(contact_child.contact, action="child_record_made", by=by, at=now, child=contact_child,
                 summary=f"{contact_child.display_name}: {summary}")
    return child


def link_child(contact_child: ContactChild, child: Child, *, by: User, now: datetime,
               check: CheckResult | None = None) -> Child:
    """Link a child named on a call to the record of a child already known.

    `check` is what the records check found while the call was taken: it is recorded, and the
    call's history says it ("Linked to CH000012, matched on same date of birth, similar
    surname"). What the call adds to the record is added to it: a name the record does not have
    (as another spelling), an address it does not have, and a date of birth, first language or
    interpreter need the record does not know yet; nothing it knows is overwritten.
    """
    if contact_child.child_id is not None or contact_child.child is not None:
        raise DomainError(f"{contact_child.display_name} is already linked to a child's record")
    if child.merged_into_id is not None:
        raise DomainError(merged_refusal(child))
    added = _add_what_the_call_says(child, contact_child, by=by, now=now)
    contact_child.child = child
    db.session.flush()  # the call's reference is its id
    if added:
        index_child(child)
    contact = contact_child.contact
    _record_change(child, action="call_linked", by=by, now=now,
                   summary=f"Call {contact.reference} linked" + (f"; added {', '.join(added)}" if added else ""))
    summary = f"linked to child's record {child.reference}"
    if check is not None:
        summary = _recorded(contact_child, check, is_linked=True, by=by, now=now).outcome
    record_event(contact, action="child_record_linked", by=by, at=now, child=contact_child,
                 summary=f"{contact_child.display_name}: {summary}")
    return child


def merged_refusal(child: Child) -> str:
    """Why a call cannot be linked to a record merged into another, naming the one to choose."""
    survivor = db.session.get(Child, surviving_ids([child.id])[child.id])
    return f"{child.reference} was merged into {survivor.reference}: choose that one"


def _recorded(contact_child: ContactChild, check: CheckResult, *, is_linked: bool, by: User,
              now: datetime) -> RecordsCheck:
    """R2.5: record the records check made for a child named on a call, with what the handler did
    with it: linked the call's child to a record (one offered, or another), or made a new one.
    Never changed after."""
    row = RecordsCheck(contact_child=contact_child, checked_at=now, checked_by=by, weighed=check.weighed,
                       offered=[{"child_id": match.candidate_id, "score": match.score, "is_likely": match.is_likely,
                                 "reasons": list(match.reasons)} for match in check.matches],
                       child=contact_child.child, is_linked=is_linked)
    db.session.add(row)
    db.session.flush()  # its outcome names the offer chosen by the record's id
    return row


def _add_what_the_call_says(child: Child, contact_child: ContactChild, *, by: User, now: datetime) -> list[str]:
    added = []
    name = _name_of(contact_child)
    if name is not None and name.casefold() not in {n.full_name.casefold() for n in child.names}:
        _new_name(child, name, NameKind.ALIAS if child.names else NameKind.CURRENT, by=by, now=now)
        added.append(f"the name {name}")
    address = tidy(contact_child.address)
    if not is_unknown_address(address) and normalise_address(address) not in {
            a.normalised for a in child.addresses if a.is_current}:
        _new_address(child, address, by=by, now=now)
        added.append(f"the address {address}")
    if child.date_of_birth is None and child.expected_date_of_birth is None and (
            contact_child.date_of_birth or contact_child.expected_date_of_birth):
        child.date_of_birth = contact_child.date_of_birth
        child.expected_date_of_birth = contact_child.expected_date_of_birth
        added.append("the date of birth" if child.date_of_birth else "the expected date of birth")
    if not child.first_language and tidy(contact_child.first_language):
        child.first_language = tidy(contact_child.first_language)
        added.append(f"the first language {child.first_language}")
    known_need = contact_child.interpreter_need is not InterpreterNeed.NOT_KNOWN
    if child.interpreter_need is InterpreterNeed.NOT_KNOWN and known_need:
        child.interpreter_need = contact_child.interpreter_need
        added.append("whether an interpreter is needed")
    return added


def _check_dates(from_date: date | None, to_date: date | None, now: datetime, field: str = "from_date") -> None:
    today = to_london(now).date()
    for day, what, name in ((from_date, "from", "from_date"), (to_date, "until", "to_date")):
        if day is not None and day > today:
            raise DomainError(f"The date {what} cannot be in the future: it is {today:%-d %B %Y} today", name)
    if from_date is not None and to_date is not None and to_date < from_date:
        raise DomainError("The date until cannot be before the date from", "to_date")


def add_name(child: Child, *, kind: NameKind, full_name: str, by: User, now: datetime,
             given_names: str | None = None, family_name: str | None = None,
             from_date: date | None = None, to_date: date | None = None) -> ChildName:
    """Add a name the child has or had. A new legal or current name (not already ended) ends the
    one it replaces, from the day it starts (or today)."""
    check_may_change(by, child, now=now)
    full_name = tidy(full_name)
    if not full_name or is_unknown_name(full_name):
        raise DomainError("Enter the name as the child is called by it", "full_name")
    _check_dates(from_date, to_date, now)
    if full_name.casefold() in {n.full_name.casefold() for n in child.names if n.kind is kind and n.is_current}:
        raise DomainError(f"{full_name} is already on the record as '{kind.label.lower()}'", "full_name")
    if kind is NameKind.CURRENT and to_date is None:
        for former in [n for n in child.names if n.kind is NameKind.CURRENT and n.is_current]:
            _end(former, on=from_date or to_london(now).date(), by=by, now=now)
    name = _new_name(child, full_name, kind, by=by, now=now, from_date=from_date, to_date=to_date,
                     given_names=given_names, family_name=family_name)
    _record_change(child, action="name_added", by=by, now=now,
                   summary=f"Name added: {full_name} ({kind.label.lower()}{_span(from_date, to_date)})")
    index_child(child)
    return name


def end_name(name: ChildName, *, on: date, by: User, now: datetime) -> ChildName:
    """Record that the child stopped having a name, on a day; the name stays on the record."""
    check_may_change(by, name.child, now=now)
    _check_end(name, on, now, what=f"the name {name.full_name}")
    _end(name, on=on, by=by, now=now)
    _record_change(name.child, action="name_ended", by=by, now=now,
                   summary=f"Name ended: {name.full_name} ({name.kind.label.lower()}), until {on:%-d %B %Y}")
    db.session.flush()
    return name


def add_address(child: Child, *, address: str, by: User, now: datetime, from_date: date | None = None,
                to_date: date | None = None) -> ChildAddress:
    """Add an address the child lives or lived at; the addresses before it stay as they are
    until they are ended (a child may be at two: a parent's and a grandparent's)."""
    check_may_change(by, child, now=now)
    text = (address or "").strip()
    if not text:
        raise DomainError("Enter the address", "address")
    _check_dates(from_date, to_date, now)
    row = _new_address(child, text, by=by, now=now, from_date=from_date, to_date=to_date)
    _record_change(child, action="address_added", by=by, now=now,
                   summary=f"Address added: {tidy(text)}{_span(from_date, to_date, ' (', ')')}")
    index_child(child)
    return row


def end_address(address: ChildAddress, *, on: date, by: User, now: datetime) -> ChildAddress:
    """Record that the child stopped living at an address, on a day; it stays on the record."""
    check_may_change(by, address.child, now=now)
    _check_end(address, on, now, what="this address")
    _end(address, on=on, by=by, now=now)
    _record_change(address.child, action="address_ended", by=by, now=now,
                   summary=f"Address ended: {tidy(address.address)}, until {on:%-d %B %Y}")
    db.session.flush()
    return address


def _check_end(row: Period, on: date, now: datetime, *, what: str) -> None:
    if not row.is_current:
        raise DomainError(f"The record already says {what} ended on {row.to_date:%-d %B %Y}")
    if on > to_london(now).date():
        raise DomainError(f"The day {what} ended cannot be in the future", "on")
    if row.from_date is not None and on < row.from_date:
        raise DomainError(f"The day {what} ended cannot be before {row.from_date:%-d %B %Y}, when it began", "on")


def _end(row: Period, *, on: date, by: User, now: datetime) -> None:
    row.to_date, row.ended_at, row.ended_by = on, now, by


def _span(from_date: date | None, to_date: date | None, before: str = ", ", after: str = "") -> str:
    parts = ([f"from {from_date:%-d %B %Y}"] if from_date else []) + ([f"until {to_date:%-d %B %Y}"] if to_date else [])
    return f"{before}{' '.join(parts)}{after}" if parts else ""


#: A detail the correction leaves as it is.
UNCHANGED = object()


def correct_details(child: Child, *, sex: Sex, ethnicity: Ethnicity | None, disabilities: list[Disability] | None,
                    upn: str, by: User, now: datetime, date_of_birth=UNCHANGED,
                    expected_date_of_birth=UNCHANGED) -> list[str]:
    """Correct the child's sex, ethnicity, disabilities, UPN (CIN census codes) and date of birth
    (or an unborn child's expected date); returns what changed, from what to what, as the
    record's history says it."""
    check_may_change(by, child, now=now)
    born = child.date_of_birth if date_of_birth is UNCHANGED else date_of_birth
    due = child.expected_date_of_birth if expected_date_of_birth is UNCHANGED else expected_date_of_birth
    today = to_london(now).date()
    if born is not None and due is not None:
        raise DomainError("Enter a date of birth, or an unborn child's expected date of birth: not both",
                          "date_of_birth")
    if born is not None and not rules.earliest_date_of_birth(today) <= born <= today:
        raise DomainError(f"The date of birth must be a day in the last {rules.OLDEST_AGE_YEARS} years, "
                          "and not in the future", "date_of_birth")
    if due is not None and not today - rules.UNBORN_DUE_WITHIN <= due <= rules.latest_expected_date_of_birth(today):
        raise DomainError("The expected date of birth must be within 42 weeks of today: once the child is born, "
                          "enter the date of birth instead", "expected_date_of_birth")
    upn = clean_upn(upn)
    if upn:
        problem = upn_problem(upn)
        if problem:
            raise DomainError(problem, "upn")
    codes = None if disabilities is None else sorted({d.value for d in disabilities})
    if codes is not None and Disability.NONE.value in codes and len(codes) > 1:
        raise DomainError("Choose 'No disability', or the child's disabilities: not both", "disabilities")
    changes = []

    def change(label: str, old, new, words) -> None:
        if old != new:
            changes.append(f"{label}: {words(old)} → {words(new)}")

    change("Sex", child.sex, sex, lambda value: value.label)
    change("Ethnicity", child.ethnicity, ethnicity, lambda value: value.label if value else "not yet known")
    change("Disability", child.disabilities, codes, disability_words)
    change("UPN", child.upn, upn or None, lambda value: value or "none")
    change("Date of birth", child.date_of_birth, born, lambda value: f"{value:%-d %B %Y}" if value else "not known")
    change("Expected date of birth", child.expected_date_of_birth, due,
           lambda value: f"{value:%-d %B %Y}" if value else "none")
    if not changes:
        raise DomainError("Nothing was changed: change a detail, or go back to the record", "save")
    child.sex, child.ethnicity, child.disabilities, child.upn = sex, ethnicity, codes, upn or None
    child.date_of_birth, child.expected_date_of_birth = born, due
    index_child(child)  # a corrected date of birth finds the child too (the old one still does)
    _record_change(child, action="corrected", by=by, now=now, summary="; ".join(changes))
    db.session.flush()
    return changes


def disability_words(codes: list[str] | None) -> str:
    """'Not yet known', 'No disability', or the disabilities' names."""
    if codes is None:
        return "not yet known"
    return ", ".join(Disability(code).label for code in codes) or "none recorded"
