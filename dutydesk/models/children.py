"""The child as a record of their own, across every call and case about them (R2.5, R18, R58).

A call's `ContactChild` is the child as that caller described them; a `Child` is the child
themselves, linked from every call about them. Their names and addresses are history: rows are
added and, when a name or an address stops being theirs, ended, never changed or deleted
(guards.END_ONLY), so that a spelling used years ago still finds the child.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import Disability, Ethnicity, InterpreterNeed, NameKind, Sex
from dutydesk.models.people import User
from dutydesk.models.types import StrEnumType, UTCDateTime


class Child(db.Model):
    """One child, whatever they were called on each call about them."""

    __tablename__ = "children"
    #: The few records merged into another: the statistics join only these (statistics/rec29.py CHILD).
    __table_args__ = (Index("ix_children_merged", "id", "merged_into_id",
                            sqlite_where=db.text("merged_into_id IS NOT NULL"),
                            postgresql_where=db.text("merged_into_id IS NOT NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Set only for an unborn child (who then has no date of birth).
    expected_date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: CIN census Sex: U while not known (and for an unborn child).
    sex: Mapped[Sex] = mapped_column(StrEnumType(Sex, 1), default=Sex.UNKNOWN)
    #: CIN census Ethnicity; None: not asked yet (NOBT: asked, not yet obtained; REFU: refused).
    ethnicity: Mapped[Ethnicity | None] = mapped_column(StrEnumType(Ethnicity, 4), nullable=True)
    #: CIN census Disability codes (a child may have several, or ["NONE"]); None: not yet known.
    disabilities: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    #: The DfE Unique Pupil Number, upper case without spaces (children.upn checks it).
    upn: Mapped[str | None] = mapped_column(String(13), nullable=True, index=True)
    #: R18: the child's first language; empty when not known.
    first_language: Mapped[str] = mapped_column(String(100), default="")
    interpreter_need: Mapped[InterpreterNeed] = mapped_column(StrEnumType(InterpreterNeed),
                                                              default=InterpreterNeed.NOT_KNOWN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The record this one was found to be the same child as, and merged into; a merged record
    #: is kept (and may be unmerged), never deleted.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), nullable=True, index=True)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    merged_into: Mapped["Child | None"] = relationship(remote_side=[id])
    names: Mapped[list["ChildName"]] = relationship(back_populates="child", order_by="ChildName.id")
    addresses: Mapped[list["ChildAddress"]] = relationship(back_populates="child", order_by="ChildAddress.id")
    contact_children: Mapped[list["ContactChild"]] = relationship(  # noqa: F821
        back_populates="child", order_by="ContactChild.id")

    @property
    def reference(self) -> str:
        return self.reference_of(self.id)

    @staticmethod
    def reference_of(child_id: int) -> str:
        """The reference staff know a record by, CH000012, from its id (Annex A's Child Unique ID too)."""
        return f"CH{child_id:06d}"

    @property
    def current_names(self) -> list["ChildName"]:
        """The names the child goes by now (not ended), their legal or current name first."""
        return sorted((name for name in self.names if name.is_current),
                      key=lambda name: (name.kind is not NameKind.CURRENT, -name.id))

    @property
    def former_names(self) -> list["ChildName"]:
        """The names the child no longer goes by, the latest to end first."""
        return sorted((name for name in self.names if not name.is_current), key=lambda name: (name.to_date, name.id),
                      reverse=True)

    @property
    def display_name(self) -> str:
        """The child's current name, the latest recorded; "Name not known" when there is none."""
        current = [name for name in self.current_names if name.kind is NameKind.CURRENT]
        return current[0].full_name if current else "Name not known"

    @property
    def addresses_over_time(self) -> list["ChildAddress"]:
        """Every address, those the child lives at now first, then the rest, the latest to end first."""
        return sorted(self.addresses, key=lambda a: (a.is_current, a.to_date or a.from_date or a.recorded_at.date(),
                                                     a.id), reverse=True)

    @property
    def disability_codes(self) -> list[Disability] | None:
        return None if self.disabilities is None else [Disability(code) for code in self.disabilities]

    @property
    def is_unborn(self) -> bool:
        return self.expected_date_of_birth is not None

    @property
    def birth_description(self) -> str:
        """'Born 27 Mar 2019', 'Unborn, due 3 Mar 2027' or 'Not known'."""
        if self.date_of_birth is not None:
            return f"Born {self.date_of_birth:%-d %b %Y}"
        if self.expected_date_of_birth is not None:
            return f"Unborn, due {self.expected_date_of_birth:%-d %b %Y}"
        return "Not known"


class Period:
    """What a name and an address of a child share: the time the child had it, who recorded it,
    and who ended it. Rows are added, and ended once (guards.END_ONLY), never otherwise changed."""

    #: The columns that end a row: set once, together; nothing else of the row ever changes.
    END_COLUMNS = ("to_date", "ended_at", "ended_by_id")

    #: Since when, and until when, the child had it, as far as is known. The end date is set once
    #: (guards.END_ONLY): its value before a change is always loaded, to be checked.
    from_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    to_date: Mapped[date | None] = mapped_column(Date, nullable=True, active_history=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Who ended it and when (None when it was recorded with its end date already).
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    @declared_attr
    def recorded_by(cls) -> Mapped[User]:
        return relationship(foreign_keys=[cls.recorded_by_id])

    @declared_attr
    def ended_by(cls) -> Mapped[User | None]:
        return relationship(foreign_keys=[cls.ended_by_id])

    @property
    def is_current(self) -> bool:
        return self.to_date is None


class ChildName(Period, db.Model):
    """A name a child has, or had: added, and ended when it stops being theirs; never changed."""

    __tablename__ = "child_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    kind: Mapped[NameKind] = mapped_column(StrEnumType(NameKind))
    #: The name as typed; the parts below are a reading of it (children.normalise.split_name).
    full_name: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")

    child: Mapped[Child] = relationship(back_populates="names")


class ChildAddress(Period, db.Model):
    """An address a child lives, or lived, at: added, and ended when they move; never changed."""

    __tablename__ = "child_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    #: As typed.
    address: Mapped[str] = mapped_column(Text)
    #: For comparing addresses written differently (children.normalise.normalise_address).
    normalised: Mapped[str] = mapped_column(Text, default="")
    #: The postcode read from the address, as "N17 6AB"; None when it has none (or only part).
    postcode: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)

    child: Mapped[Child] = relationship(back_populates="addresses")


class ChildEvent(db.Model):
    """One change to a child's record (a name added, the sex corrected): who, when, from what to
    what. Never changed once written."""

    __tablename__ = "child_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: A short machine-readable name: created, name_added, name_ended, address_added, corrected...
    action: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)

    child: Mapped[Child] = relationship()
    by: Mapped[User] = relationship()


class ChildSearchKey(db.Model):
    """One blocking key of a child's record (children.search_keys): derived from their names,
    dates and addresses, kept in step by children.search.index_child, and rebuilt from them at
    will (`flask children index`), so purgeable."""

    __tablename__ = "child_search_keys"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), primary_key=True, index=True)


class RecordsCheck(db.Model):
    """R2.5: the records check made for a child named on a call, and what the handler did with it:
    linked the call's child to a record it offered, or made a new record. Never changed."""

    __tablename__ = "records_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: How many known children the check weighed.
    weighed: Mapped[int] = mapped_column(default=0)
    #: The children it offered, best first: [{"child_id", "score", "is_likely", "reasons": [...]}].
    offered: Mapped[list[dict]] = mapped_column(JSON, default=list)
    #: The record the call's child was linked to, or the new record made for them.
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    #: True when linked to a record already known; False when a new record was made.
    is_linked: Mapped[bool] = mapped_column(default=False)

    contact_child: Mapped["ContactChild"] = relationship()  # noqa: F821
    checked_by: Mapped[User] = relationship()
    child: Mapped[Child] = relationship()

    @property
    def chosen(self) -> dict | None:
        """The offer the handler linked to, when they did."""
        return next((offer for offer in self.offered if offer["child_id"] == self.child_id), None) \
            if self.is_linked else None

    @property
    def outcome(self) -> str:
        """"Linked to CH000012, matched on same date of birth, similar surname (Kouao / Kuao)",
        "New record CH000031: no match among 12 children weighed" or "... none chosen of 2 offered"."""
        if self.is_linked:
            chosen = self.chosen
            matched = f", matched on {', '.join(chosen['reasons'])}" if chosen and chosen["reasons"] else ""
            return f"Linked to {self.child.reference}{matched}"
        if not self.offered:
            return f"New record {self.child.reference}: no match among {self.weighed} children weighed"
        return (f"New record {self.child.reference}: none of the {len(self.offered)} children offered "
                f"(of {self.weighed} weighed) was this child")


class ChildMerge(db.Model):
    """One record found to be the same child as another and merged into it, and the merge's undoing.

    Nothing of either record moves: the merged record keeps its calls, names and addresses, and
    points at the record it joined (Child.merged_into_id). The row is only ever ended
    (guards.END_ONLY): undone once, with who, when and why; a later merge is a new row.
    """

    __tablename__ = "child_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The record merged (B), and the record it was merged into (A).
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    #: Set once, when the merge is undone (its value before a change is always loaded, to be checked).
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, active_history=True)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    undo_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    child: Mapped[Child] = relationship(foreign_keys=[child_id])
    into: Mapped[Child] = relationship(foreign_keys=[into_id])
    merged_by: Mapped[User] = relationship(foreign_keys=[merged_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class DuplicateScan(db.Model):
    """One run of the duplicates finder (children.duplicates) over every record: when it began
    and ended, and what it found. Derived, so purgeable; it also lets one scheduler at a time
    make the list."""

    __tablename__ = "duplicate_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When its pairs replaced the list; None while it runs (or if it stopped or died half-way).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    #: Set when it stopped before the end (the scheduler's SIGTERM): it no longer holds the claim.
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    records: Mapped[int] = mapped_column(default=0)
    pairs: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class DuplicatePair(db.Model):
    """Two live records the finder thinks may be the same child, the lower id first, once each.
    Rebuilt wholesale by each scan, so purgeable."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (UniqueConstraint("child_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    is_likely: Mapped[bool] = mapped_column(default=False)
    #: The scorer's reasons, as the records check words them: ["similar first name (Ana / Anna)", ...].
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    scan_id: Mapped[int] = mapped_column(ForeignKey("duplicate_scans.id"))

    child: Mapped[Child] = relationship(foreign_keys=[child_id])
    other: Mapped[Child] = relationship(foreign_keys=[other_id])

    @property
    def strength(self) -> str:
        return "likely the same child" if self.is_likely else "possible"


class NotSameChild(db.Model):
    """A manager's word that two records are not the same child: the duplicates list never offers
    the pair again. Never changed."""

    __tablename__ = "not_same_children"
    __table_args__ = (Index("ix_not_same_children_pair", "child_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The two records, the lower id first.
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)

    child: Mapped[Child] = relationship(foreign_keys=[child_id])
    other: Mapped[Child] = relationship(foreign_keys=[other_id])
    decided_by: Mapped[User] = relationship()
