"""The models, one module per area. Importing this package registers every table."""

from dutydesk.models.absences import Absence, InboxChannel, InboxItem
from dutydesk.models.audit import (
    AdminChange,
    AdminChangeKind,
    ContactEvent,
    FormDraft,
    FormSubmission,
    RecordView,
    SignInAttempt,
)
from dutydesk.models.children import Child, ChildAddress, ChildEvent, ChildName, ChildSearchKey, RecordsCheck
from dutydesk.models.cases import (
    Referral,
    ScreeningDecision,
    ScreeningOutcome,
    StrategyActionPoint,
    StrategyAttendee,
    StrategyDiscussion,
    Transfer,
)
from dutydesk.models.casework import (
    Assessment,
    Closure,
    IdentifiedNeed,
    Plan,
    Section47Enquiry,
    Service,
    StrategyReview,
)
from dutydesk.models.contacts import Contact, ContactChild
from dutydesk.models.escalations import EmailStatus, Escalation
from dutydesk.models.people import Role, RoleGrant, SessionEndReason, Team, TeamKind, User, UserSession
from dutydesk.models.work import Obligation, ObligationKind

__all__ = [
    "Absence",
    "AdminChange",
    "AdminChangeKind",
    "Assessment",
    "Closure",
    "IdentifiedNeed",
    "Plan",
    "Section47Enquiry",
    "Service",
    "StrategyReview",
    "EmailStatus",
    "Escalation",
    "InboxChannel",
    "InboxItem",
    "Child",
    "ChildAddress",
    "ChildEvent",
    "ChildName",
    "ChildSearchKey",
    "Contact",
    "ContactChild",
    "ContactEvent",
    "FormDraft",
    "FormSubmission",
    "Obligation",
    "ObligationKind",
    "RecordView",
    "RecordsCheck",
    "Referral",
    "Role",
    "RoleGrant",
    "ScreeningDecision",
    "ScreeningOutcome",
    "SessionEndReason",
    "SignInAttempt",
    "StrategyActionPoint",
    "StrategyAttendee",
    "StrategyDiscussion",
    "Team",
    "TeamKind",
    "Transfer",
    "User",
    "UserSession",
]
