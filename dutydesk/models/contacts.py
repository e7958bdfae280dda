"""Calls (contacts) about a child's safety, and the children they concern (R39, R18)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.extensions import db
from dutydesk.models.codes import (
    Channel,
    ConcernCategory,
    InterpreterNeed,
    NoReferrerDetailsReason,
    ReferralSource,
)
from dutydesk.models.people import Team, User
from dutydesk.models.types import StrEnumType, UTCDateTime


class Contact(db.Model):
    """A call, e-mail, letter or visit about the safety of one or more children."""

    __tablename__ = "contacts"
    #: The board counts a team's calls of today and the last seven days from this alone.
    __table_args__ = (Index("ix_contacts_team_id_received_at", "team_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When the council received it: every clock of R39, R21 and R35 runs from here.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    concern: Mapped[str] = mapped_column(Text)
    concern_category: Mapped[ConcernCategory] = mapped_column(StrEnumType(ConcernCategory))
    is_possible_crime: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deliberate_harm_alleged: Mapped[bool] = mapped_column(Boolean, default=False)
    is_child_in_hospital: Mapped[bool] = mapped_column(Boolean, default=False)
    is_child_missing_school: Mapped[bool] = mapped_column(Boolean, default=False)
    is_child_in_temporary_accommodation: Mapped[bool] = mapped_column(Boolean, default=False)

    referrer_name: Mapped[str] = mapped_column(String(200), default="")
    #: Relationship to the child (aunt, neighbour) or professional role (class teacher).
    referrer_role: Mapped[str] = mapped_column(String(200), default="")
    referrer_agency: Mapped[str] = mapped_column(String(200), default="")
    referrer_address: Mapped[str] = mapped_column(Text, default="")
    referrer_phone: Mapped[str] = mapped_column(String(50), default="")
    referrer_email: Mapped[str] = mapped_column(String(254), default="")
    is_referrer_professional: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_source: Mapped[ReferralSource] = mapped_column(StrEnumType(ReferralSource, 4))
    #: R39: whether the call was put through to the duty team while the caller was on the line.
    is_put_through: Mapped[bool] = mapped_column(Boolean, default=False)
    #: R39: why a call not put through has no referrer's name, address or number.
    no_referrer_details_reason: Mapped[NoReferrerDetailsReason | None] = mapped_column(
        StrEnumType(NoReferrerDetailsReason), nullable=True
    )

    #: The duty team the call is handed to; it owns the call's clocks once accepted.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    team: Mapped[Team] = relationship()
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    children: Mapped[list["ContactChild"]] = relationship(
        back_populates="contact", order_by="ContactChild.position"
    )
    obligations: Mapped[list["Obligation"]] = relationship(  # noqa: F821
        back_populates="contact", order_by="Obligation.due_at, Obligation.id"
    )
    events: Mapped[list["ContactEvent"]] = relationship(  # noqa: F821
        back_populates="contact", order_by="ContactEvent.at, ContactEvent.id"
    )

    @property
    def reference(self) -> str:
        return f"C{self.id:06d}"

    @property
    def children_names(self) -> str:
        return ", ".join(child.display_name for child in self.children)


class ContactChild(db.Model):
    """A child a contact is about, as the caller described them."""

    __tablename__ = "contact_children"
    #: A call's child's record without reading the row: Rec 29 asks it of every child it counts.
    __table_args__ = (Index("ix_contact_children_id_child_id", "id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Empty when the caller did not know the name (is_name_known is then false).
    name: Mapped[str] = mapped_column(String(200), default="")
    is_name_known: Mapped[bool] = mapped_column(Boolean, default=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Set only for an unborn child (who then has no date of birth).
    expected_date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    approximate_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    address: Mapped[str] = mapped_column(Text)
    #: R18: the child's first language, as the caller gave it; empty when not known.
    first_language: Mapped[str] = mapped_column(String(100))
    interpreter_need: Mapped[InterpreterNeed] = mapped_column(StrEnumType(InterpreterNeed))
    #: The child's own record, the same across every call about them. Always set: log_call links
    #: every child, and the migration that made the records linked every earlier one. Nullable
    #: only because SQLite cannot add a NOT NULL foreign key to a table in place.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True, nullable=True)
    #: R18: whether an interpreter was used with the child (None: not recorded yet), and, when
    #: one was needed and not used, why; recorded by the duty team.
    is_interpreter_used: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    interpreter_not_used_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    interpreter_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    interpreter_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    contact: Mapped[Contact] = relationship(back_populates="children")
    child: Mapped["Child | None"] = relationship(back_populates="contact_children")  # noqa: F821
    interpreter_recorded_by: Mapped[User | None] = relationship(foreign_keys=[interpreter_recorded_by_id])

    @property
    def display_name(self) -> str:
        return self.name if self.is_name_known else "Name not known"

    @property
    def is_unborn(self) -> bool:
        return self.expected_date_of_birth is not None

    @property
    def interpreter_use(self) -> str:
        """R18, as the call page reads it: whether an interpreter was used and, if not, why."""
        if self.is_interpreter_used is None:
            return "Not recorded"
        if self.is_interpreter_used:
            return "Yes"
        return f"No: {self.interpreter_not_used_reason}" if self.interpreter_not_used_reason else "No"

    @property
    def age_description(self) -> str:
        """'Born 27 Mar 2019', 'Unborn, due 3 Mar 2027', 'About 6 years old' or 'Not known'."""
        if self.date_of_birth is not None:
            return f"Born {self.date_of_birth:%-d %b %Y}"
        if self.expected_date_of_birth is not None:
            return f"Unborn, due {self.expected_date_of_birth:%-d %b %Y}"
        if self.approximate_age == 0:
            return "Under a year old"
        if self.approximate_age is not None:
            return f"About {self.approximate_age} year{'' if self.approximate_age == 1 else 's'} old"
        return "Not known"
