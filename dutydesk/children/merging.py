"""Merging two records found to be the same child, and undoing the merge (R2.5).

A merge moves nothing and deletes nothing. The merged record (B) keeps its calls, names,
addresses and history; it points at the record it joined (Child.merged_into_id), and a
ChildMerge row says who merged it, when and why. Every question about the child is then asked of
the record and every record merged into it (children.queries.record_ids_of): its page, its
calls and cases, repeat counts, open work, chronology and access log; the records check finds B
as A. Undoing the merge clears the pointer and ends the ChildMerge row with who, when and why;
both records are then as they were, each with the history of the merge and of its undoing.
"""

import re
from datetime import datetime

from sqlalchemy import select

from dutydesk.access import check_may_change
from dutydesk.children.normalise import tidy
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Child, ChildEvent, ChildMerge, NotSameChild, User

#: "CH000031", "ch31", "31": a child's record as a person may type its reference.
_REFERENCE = re.compile(r"\s*(?:CH)?\s*0*(\d{1,9})\s*\Z", re.IGNORECASE)


def parse_reference(text: str | None) -> int | None:
    """The record id in a typed reference ("CH000031", "ch 31", "31"); None when it is not one."""
    match = _REFERENCE.match(text or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _event(child: Child, *, action: str, summary: str, by: User, now: datetime) -> None:
    db.session.add(ChildEvent(child=child, at=now, by=by, action=action, summary=summary))


def check_mergeable(child: Child, into: Child) -> None:
    """Refuse a merge that cannot be made, saying what to do instead."""
    if child.id == into.id:
        raise DomainError(f"{into.reference} is this record: enter the reference of the other record, the one "
                          "found to be the same child", "reference")
    if into.merged_into_id is not None:
        raise DomainError(f"{into.reference} was itself merged into {into.merged_into.reference}: merge "
                          f"{child.reference} into {into.merged_into.reference} instead", "reference")
    if child.merged_into_id is not None:
        raise DomainError(f"{child.reference} was already merged into {child.merged_into.reference}: to merge it "
                          f"elsewhere, undo that merge first from the record {child.reference}", "reference")


def merge_children(child: Child, *, into: Child, reason: str, by: User, now: datetime) -> ChildMerge:
    """Merge the record `child` (B) into `into` (A), the same child: both keep every history."""
    reason = tidy(reason)
    check_mergeable(child, into)
    if not reason:
        raise DomainError("Say why these are the same child: what you checked, and with whom", "reason")
    check_may_change(by, into, now=now)
    check_may_change(by, child, now=now)
    merge = ChildMerge(child=child, into=into, merged_at=now, merged_by=by, reason=reason)
    db.session.add(merge)
    child.merged_into = into
    _event(into, action="record_merged_in", by=by, now=now,
           summary=f"Record {child.reference} ({child.display_name}) merged into this one: {reason}")
    _event(child, action="merged_into", by=by, now=now,
           summary=f"Merged into record {into.reference} ({into.display_name}): {reason}")
    db.session.flush()
    return merge


def get_merge_of(child: Child) -> ChildMerge | None:
    """The merge that joined this record to another, while it stands."""
    return db.session.scalar(select(ChildMerge).where(ChildMerge.child_id == child.id, ChildMerge.undone_at.is_(None))
                             .order_by(ChildMerge.id.desc()).limit(1))


def undo_merge(child: Child, *, reason: str, by: User, now: datetime) -> ChildMerge:
    """Undo the merge of `child` (B) into another record: both records are separate again."""
    reason = tidy(reason)
    merge = get_merge_of(child)
    if child.merged_into_id is None or merge is None:
        raise DomainError(f"{child.reference} is not merged into another record: there is nothing to undo", "reason")
    if not reason:
        raise DomainError("Say why the merge was wrong: what shows these are two children", "reason")
    into = merge.into
    check_may_change(by, into, now=now)
    check_may_change(by, child, now=now)
    merge.undone_at, merge.undone_by, merge.undo_reason = now, by, reason
    child.merged_into = None
    _event(into, action="record_unmerged", by=by, now=now,
           summary=f"Merge of record {child.reference} ({child.display_name}) undone: {reason}")
    _event(child, action="unmerged", by=by, now=now,
           summary=f"Merge into record {into.reference} ({into.display_name}) undone: {reason}")
    db.session.flush()
    return merge


def ordered(first_id: int, second_id: int) -> tuple[int, int]:
    """A pair of records as the duplicates list keeps it: the lower id first."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def get_not_same(child: Child, other: Child) -> NotSameChild | None:
    low, high = ordered(child.id, other.id)
    return db.session.scalar(select(NotSameChild).where(NotSameChild.child_id == low, NotSameChild.other_id == high)
                             .order_by(NotSameChild.id).limit(1))


def record_not_same_child(child: Child, other: Child, *, reason: str, by: User, now: datetime) -> NotSameChild:
    """Record that two records are not the same child: the duplicates list never offers them again."""
    reason = tidy(reason)
    if child.id == other.id:
        raise DomainError("These are one record: choose a pair from the list of likely duplicates", "reason")
    earlier = get_not_same(child, other)
    if earlier is not None:
        raise DomainError(f"{earlier.decided_by.display_name} already recorded that {child.reference} and "
                          f"{other.reference} are not the same child: nothing more to do", "reason")
    if not reason:
        raise DomainError("Say how you know these are two children (for example, twins: different first names)",
                          "reason")
    low, high = ordered(child.id, other.id)
    decision = NotSameChild(child_id=low, other_id=high, decided_at=now, decided_by=by, reason=reason)
    db.session.add(decision)
    db.session.flush()
    return decision
