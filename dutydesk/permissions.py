"""Who may do what kind of thing: every permission named once, as the set of roles that grant it.

Which records a person may change is decided by team, in access.py, which also holds the
`requires` decorator every view declares itself with; templates ask `can(permission)` (or
`can_change(permission, record)`) before showing a link. Checks are by role and team, never
by user name (DESIGN.md §1).
"""

from flask_login import current_user

from dutydesk.models.people import Role

FRONT_DOOR = frozenset({Role.CALL_HANDLER, Role.DUTY_WORKER, Role.DUTY_MANAGER})

#: Who may take a call or a hand-off on behalf of a duty team (R39), and own its clocks.
DUTY_TEAM_WORK = frozenset({Role.DUTY_WORKER, Role.DUTY_MANAGER})
#: R93: who counts as "a manager from social care" at the referral stage; R48: who may agree
#: an onward referral besides the worker holding the child's work.
SOCIAL_CARE_MANAGER = frozenset({Role.DUTY_MANAGER, Role.SENIOR_MANAGER})

#: Who may have cases allocated to them and own their work (R55).
HOLDS_CASES = DUTY_TEAM_WORK
#: Who may change records held by any team, not only their own (access.py): accept a transfer
#: into any team (R42), record any team's absences (R50), acknowledge any team's escalations.
ACT_IN_ANY_TEAM = frozenset({Role.SENIOR_MANAGER})

#: Log a new call.
LOG_CALL = FRONT_DOOR
#: Open a contact and see the child's details and history (each view is logged).
VIEW_CONTACT = FRONT_DOOR | {Role.SENIOR_MANAGER}
#: Record that the details were passed to a duty worker by phone (R39).
RECORD_VERBAL_HANDOFF = FRONT_DOOR
#: Accept a call into the duty team's hands, meeting the written hand-off (R39).
ACCEPT_HANDOFF = DUTY_TEAM_WORK
#: Record confirmations, police contact and the child being seen (R21, R98, R35).
RECORD_DUTY_WORK = DUTY_TEAM_WORK
#: What happens after the referral: start an assessment, record the child and carers seen and its
#: conclusion; start and end services for the needs it found, or say why none yet; close the case
#: (R25, R26/40).
RECORD_CASEWORK = DUTY_TEAM_WORK
#: R25: approve an assessment in writing, after the child and the carers have been seen.
AUTHORISE_ASSESSMENT = SOCIAL_CARE_MANAGER
#: See the duty team's queue of calls.
VIEW_QUEUE = DUTY_TEAM_WORK
#: Record screening decisions and strategy discussions; add, reassign and complete actions.
RECORD_DECISIONS = DUTY_TEAM_WORK
#: The live board of a team's open work (R19).
VIEW_BOARD = DUTY_TEAM_WORK | {Role.SENIOR_MANAGER}
#: See cases, who holds them, and the unallocated list (R54).
VIEW_CASES = DUTY_TEAM_WORK | {Role.SENIOR_MANAGER}
#: Allocate a case, take it from a worker, record why it is unallocated; request and accept
#: transfers between teams (R55, R54, R42).
MANAGE_CASES = SOCIAL_CARE_MANAGER
#: Add a name or an address to a child's record, end one, and correct the child's sex,
#: ethnicity, disability and UPN (access.py: the teams holding the child's open work, else any
#: duty team; senior managers always).
CHANGE_CHILD_RECORD = DUTY_TEAM_WORK | {Role.SENIOR_MANAGER}
#: Merge a child's record into another found to be the same child, and undo the merge; see the
#: list of likely duplicate records and say of a pair that they are not the same child (R2.5).
#: Which records by team is access.py's rule, asked of both records.
MERGE_CHILDREN = SOCIAL_CARE_MANAGER
#: See who has viewed a child's record, and the lists that showed the child.
VIEW_ACCESS_LOG = SOCIAL_CARE_MANAGER
#: A worker's own list of everything they own.
VIEW_MY_WORK = DUTY_TEAM_WORK
#: See the escalations sent to you (and, for managers, your team's) and acknowledge them.
VIEW_ESCALATIONS = FRONT_DOOR | {Role.SENIOR_MANAGER}
#: Who is told of escalations addressed to no one in particular (level 2, or nobody else to tell).
RECEIVE_SENIOR_ESCALATIONS = frozenset({Role.SENIOR_MANAGER})
#: R50: record a worker's absence and who covers for them.
MANAGE_ABSENCES = SOCIAL_CARE_MANAGER
#: R50: record post, an e-mail or a telephone message received for a worker.
RECORD_INBOX_ITEM = FRONT_DOOR | {Role.SENIOR_MANAGER}
#: R50: open an item of post or a message and record what was done about it (access.py: its
#: holder, whoever stands in for them, the team's managers and senior managers).
ACTION_INBOX_ITEM = DUTY_TEAM_WORK | {Role.SENIOR_MANAGER}

#: Rec 29's statistics, timeliness and the trend, with the children behind each figure, and their
#: downloads (DESIGN.md §6).
VIEW_STATISTICS = frozenset({Role.SENIOR_MANAGER, Role.DIRECTOR})

#: R54: see each month's report of unallocated cases and download it; told when one is made.
VIEW_MONTHLY_REPORTS = frozenset({Role.SENIOR_MANAGER, Role.DIRECTOR})
#: R30: see the quarterly audits of case files and what they found.
VIEW_FILE_AUDITS = frozenset({Role.SENIOR_MANAGER, Role.DIRECTOR})
#: R30: draw a random sample of case files for a quarter, record findings on each, complete the
#: audit; reminded when a quarter passes without one.
AUDIT_CASE_FILES = frozenset({Role.SENIOR_MANAGER})
#: R45: read, review and sign a case file (access.py: the managers of the team holding the case,
#: and senior managers; never the manager who holds the case themselves).
SIGN_OFF_CASES = SOCIAL_CARE_MANAGER

#: Add staff and change their accounts, add and change teams, and see the record of those
#: changes. It gives no access to children's records: no permission above includes it.
ADMINISTER = frozenset({Role.ADMIN})
#: What every signed-in person may do about their own account: choose a new password.
ANYONE = frozenset(Role)


def can(permission: frozenset[Role]) -> bool:
    """Whether the signed-in person holds a role that grants the permission."""
    return current_user.is_authenticated and current_user.has_any_role(permission)

