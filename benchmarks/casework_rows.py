"""What happened to each of a million generated calls, as the rows dutydesk would hold for it.

`Casework(staff, now, calls, seed).batches()` tells the story of `calls` calls received over the
three years up to `now`, in the order they came in, and yields their rows a few thousand calls at a
time (table name -> tuples in the order of `COLUMNS[table]`). The same seed gives the same rows.

Each call: the contact and its children (on a first call a child's record is made, with their names
and address; on a later call about the same family they are linked to it, sometimes under another
spelling, and now and then given a duplicate record that a manager later merges into the first),
the records check made for each child, and the clocks the call sets running (R39, R21, R98, R35).
Then, for each child, the duty team's screening decision. About a third become referrals: allocated
to a worker (or waiting, with the reason), a few transferred to another team, some ended in no
further action; the rest assessed (started, the child and the carers seen, concluded, authorised by
a manager), the needs of those requiring a service met by services or not yet; strategy
discussions with their attendees, action points and reviews, section 47 enquiries, initial child
protection conferences, child protection and child in need plans, and the case's closure. Each
clock is met on time, late, still open or withdrawn, in the shares below, and anything dated after
`now` has not happened yet. The call's history (contact_events) and the record's (child_events)
say each step. Open clocks have climbed their escalation ladders as the sweep would have taken
them (rules.LADDERS); a met clock keeps the first step its ladder started at.

Every row is final: nothing written is changed afterwards (the append-only and end-only tables'
rows included), so rows can go straight into the database in bulk.
"""

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from stdnum.gb import upn as stdnum_upn

from benchmarks.kept import as_json
from dutydesk import rules
from dutydesk.cases.operations import AWAITING_ALLOCATION
from dutydesk.children.normalise import normalise_address, parse_postcode, split_name
from dutydesk.clock import LONDON, as_utc, to_london
from dutydesk.models.codes import (AbuseCategory, AssessmentFactor, Channel, ClosureReason, ConcernCategory,
                                   ConfirmationMethod, Disability, Ethnicity, InterpreterNeed, NameKind,
                                   NoReferrerDetailsReason, PlanKind, PrimaryNeed, ReferralSource,
                                   Section47Outcome, Sex)
from dutydesk.models.escalations import EmailStatus
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.cases import ScreeningOutcome
from dutydesk.models.work import ObligationKind
from dutydesk.rules import LADDERS, EscalationLevel

UTC = timezone.utc
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
YEARS = 3

#: The columns of each table written, in the order of the rows' tuples (checked against the models).
COLUMNS = {
    "children": ("id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "disabilities", "upn",
                 "first_language", "interpreter_need", "created_at", "created_by_id", "merged_into_id"),
    "child_names": ("id", "child_id", "kind", "full_name", "given_names", "family_name", "from_date", "to_date",
                    "recorded_at", "recorded_by_id", "ended_at", "ended_by_id"),
    "child_addresses": ("id", "child_id", "address", "normalised", "postcode", "from_date", "to_date", "recorded_at",
                        "recorded_by_id", "ended_at", "ended_by_id"),
    "child_events": ("id", "child_id", "at", "by_id", "action", "summary"),
    "child_merges": ("id", "child_id", "into_id", "merged_at", "merged_by_id", "reason", "undone_at", "undone_by_id",
                     "undo_reason"),
    "contacts": ("id", "received_at", "channel", "logged_at", "logged_by_id", "concern", "concern_category",
                 "is_possible_crime", "is_deliberate_harm_alleged", "is_child_in_hospital", "is_child_missing_school",
                 "is_child_in_temporary_accommodation", "referrer_name", "referrer_role", "referrer_agency",
                 "referrer_address", "referrer_phone", "referrer_email", "is_referrer_professional",
                 "referral_source", "is_put_through", "no_referrer_details_reason", "team_id", "accepted_at",
                 "accepted_by_id"),
    "contact_children": ("id", "contact_id", "position", "name", "is_name_known", "date_of_birth",
                         "expected_date_of_birth", "approximate_age", "address", "first_language", "interpreter_need",
                         "child_id", "is_interpreter_used", "interpreter_not_used_reason", "interpreter_recorded_at",
                         "interpreter_recorded_by_id"),
    "records_checks": ("id", "contact_child_id", "checked_at", "checked_by_id", "weighed", "offered", "child_id",
                       "is_linked"),
    "contact_events": ("id", "contact_id", "at", "by_id", "action", "summary", "contact_child_id"),
    "obligations": ("id", "kind", "contact_id", "child_id", "team_id", "worker_id", "created_at", "due_at", "met_at",
                    "met_by_id", "is_withdrawn", "title", "reason", "details", "is_child_seen_alone",
                    "is_child_spoken_to", "escalation_level", "escalates_at"),
    "escalations": ("id", "obligation_id", "inbox_item_id", "level", "team_id", "recipient_id", "due_at", "issued_at",
                    "acknowledged_at", "acknowledged_by_id", "acknowledgement", "email_status", "email_attempts",
                    "email_next_attempt_at", "email_sent_at", "email_error"),
    "screening_decisions": ("id", "contact_id", "child_id", "outcome", "rationale", "decided_at", "decided_by_id",
                            "is_joint_investigation", "social_care_manager_id", "onward_agency", "onward_purpose",
                            "onward_agreed_by_id"),
    "referrals": ("id", "contact_id", "child_id", "team_id", "referred_on", "source", "created_at", "is_nfa", "nfa_at",
                  "worker_id", "allocated_at", "unallocated_reason", "unallocated_since", "contingency"),
    "transfers": ("id", "referral_id", "from_team_id", "to_team_id", "reason", "requested_at", "requested_by_id",
                  "accepted_at", "accepted_by_id", "obligation_id"),
    "strategy_discussions": ("id", "contact_id", "child_id", "held_at", "record", "circulated_to", "circulated_at",
                             "recorded_at", "recorded_by_id", "social_care_manager_id", "review_obligation_id"),
    "strategy_attendees": ("id", "discussion_id", "position", "name", "agency"),
    "strategy_action_points": ("discussion_id", "obligation_id"),
    "strategy_reviews": ("id", "discussion_id", "reviewed_on", "reviewed_by_id", "outcome", "recorded_at",
                         "recorded_by_id"),
    "assessments": ("id", "referral_id", "started_on", "child_seen_on", "is_child_seen_alone", "carers_seen_on",
                    "completed_on", "completed_at", "completed_by_id", "requires_service", "factors", "primary_need",
                    "summary", "authorised_on", "authorised_at", "authorised_by_id", "authorisation_note",
                    "recorded_at", "recorded_by_id"),
    "identified_needs": ("id", "assessment_id", "description", "not_yet_reason", "recorded_at", "recorded_by_id"),
    "services": ("id", "need_id", "what", "provided_by", "started_on", "ended_on", "end_reason", "ended_at",
                 "ended_by_id", "recorded_at", "recorded_by_id"),
    "section47_enquiries": ("id", "referral_id", "strategy_discussion_id", "started_on", "outcome", "outcome_on",
                            "conference_target_on", "conference_obligation_id", "conference_on", "recorded_at",
                            "recorded_by_id"),
    "plans": ("id", "referral_id", "kind", "started_on", "ended_on", "initial_category", "latest_category", "ended_at",
              "ended_by_id", "recorded_at", "recorded_by_id"),
    "closures": ("id", "referral_id", "closed_on", "reason", "note", "is_child_seen_alone", "child_seen_alone_reason",
                 "is_carers_seen", "carers_seen_reason", "is_home_visited", "home_visited_reason",
                 "is_professionals_consulted", "professionals_consulted_reason", "recorded_at", "recorded_by_id"),
}
#: Tables whose rows carry no id of their own.
NO_ID = {"strategy_action_points"}


# ---------------------------------------------------------------------------------------------
# Shares (the realistic mix) and words


def _weights(pairs) -> tuple[list, None, list]:
    """Values and their weights, for `pick` (the weights made cumulative once)."""
    values, weights = zip(*pairs)
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return list(values), None, cumulative


CHANNELS = _weights([(Channel.PHONE, 68), (Channel.EMAIL, 12), (Channel.ONLINE, 10), (Channel.IN_PERSON, 6),
                     (Channel.LETTER, 4)])
CATEGORIES = _weights([(ConcernCategory.NEGLECT, 20), (ConcernCategory.DOMESTIC_ABUSE, 18),
                       (ConcernCategory.PHYSICAL_ABUSE, 12), (ConcernCategory.EMOTIONAL_ABUSE, 9),
                       (ConcernCategory.PARENTAL_CAPACITY, 12), (ConcernCategory.SEXUAL_ABUSE, 4),
                       (ConcernCategory.EXPLOITATION, 3), (ConcernCategory.MISSING, 3),
                       (ConcernCategory.CHILD_HEALTH_OR_DISABILITY, 5), (ConcernCategory.FAMILY_STRESS, 8),
                       (ConcernCategory.OTHER, 4), (ConcernCategory.NOT_KNOWN, 2)])
HARM_CATEGORIES = {ConcernCategory.PHYSICAL_ABUSE, ConcernCategory.SEXUAL_ABUSE, ConcernCategory.EMOTIONAL_ABUSE,
                   ConcernCategory.EXPLOITATION}
CONCERNS = {
    ConcernCategory.NEGLECT: "The child has come to school hungry and in the same clothes all week; the home is "
                             "reported to be without heating.",
    ConcernCategory.DOMESTIC_ABUSE: "Police attended a domestic incident at the home overnight; the children were "
                                    "present.",
    ConcernCategory.PHYSICAL_ABUSE: "The child has bruising to the upper arm and says a parent grabbed them.",
    ConcernCategory.EMOTIONAL_ABUSE: "The child is frightened to go home and describes being shouted at and "
                                     "locked in their room.",
    ConcernCategory.PARENTAL_CAPACITY: "A parent was found intoxicated while caring for the children alone.",
    ConcernCategory.SEXUAL_ABUSE: "The child has made a disclosure to a teacher about an adult in the household.",
    ConcernCategory.EXPLOITATION: "The child has been found far from home with older men and new phones.",
    ConcernCategory.MISSING: "The child has been reported missing three times this month.",
    ConcernCategory.CHILD_HEALTH_OR_DISABILITY: "Missed hospital appointments for the child's long-term "
                                                "condition; the family is not answering calls.",
    ConcernCategory.FAMILY_STRESS: "The family has been evicted and is sofa-surfing; the parent says they cannot "
                                   "cope.",
    ConcernCategory.OTHER: "The caller is worried about the child's safety at home.",
    ConcernCategory.NOT_KNOWN: "The caller could not say what the worry was before the line dropped.",
}
PROFESSIONAL_SOURCES = _weights([
    (ReferralSource.POLICE, 28), (ReferralSource.SCHOOLS, 18), (ReferralSource.EDUCATION_SERVICES, 2),
    (ReferralSource.GP, 3), (ReferralSource.HEALTH_VISITOR, 3), (ReferralSource.SCHOOL_NURSE, 1),
    (ReferralSource.OTHER_PRIMARY_HEALTH, 2), (ReferralSource.A_AND_E, 3), (ReferralSource.OTHER_HEALTH, 4),
    (ReferralSource.HOUSING, 3), (ReferralSource.LA_SOCIAL_CARE, 3), (ReferralSource.OTHER_INTERNAL_LA, 2),
    (ReferralSource.EXTERNAL_LA, 2), (ReferralSource.EARLY_HELP, 2), (ReferralSource.OTHER_LEGAL, 2),
    (ReferralSource.OTHER, 3)])
INDIVIDUAL_SOURCES = _weights([(ReferralSource.FAMILY, 45), (ReferralSource.ACQUAINTANCE, 15),
                               (ReferralSource.SELF, 8), (ReferralSource.OTHER_INDIVIDUAL, 10),
                               (ReferralSource.ANONYMOUS, 16), (ReferralSource.UNKNOWN, 6)])
AGENCIES = {
    ReferralSource.POLICE: ("Police constable", "Metropolitan Police, Tottenham"),
    ReferralSource.SCHOOLS: ("Designated safeguarding lead", "Park Lane Primary School"),
    ReferralSource.EDUCATION_SERVICES: ("Education welfare officer", "Haringey Education Services"),
    ReferralSource.GP: ("GP", "Bruce Grove Medical Practice"),
    ReferralSource.HEALTH_VISITOR: ("Health visitor", "Whittington Health"),
    ReferralSource.SCHOOL_NURSE: ("School nurse", "Whittington Health"),
    ReferralSource.OTHER_PRIMARY_HEALTH: ("Midwife", "North Middlesex Hospital"),
    ReferralSource.A_AND_E: ("A&E sister", "North Middlesex Hospital"),
    ReferralSource.OTHER_HEALTH: ("CAMHS clinician", "Tavistock CAMHS"),
    ReferralSource.HOUSING: ("Housing officer", "Homes for Haringey"),
    ReferralSource.LA_SOCIAL_CARE: ("Social worker", "Leaving care team"),
    ReferralSource.OTHER_INTERNAL_LA: ("Youth worker", "Youth service"),
    ReferralSource.EXTERNAL_LA: ("Social worker", "London Borough of Enfield"),
    ReferralSource.EARLY_HELP: ("Family support worker", "Early help hub"),
    ReferralSource.OTHER_LEGAL: ("Probation officer", "National Probation Service"),
    ReferralSource.OTHER: ("Project worker", "Women's Aid"),
}
RELATIONS = {ReferralSource.FAMILY: "Aunt", ReferralSource.ACQUAINTANCE: "Neighbour", ReferralSource.SELF: "Self",
             ReferralSource.OTHER_INDIVIDUAL: "Family friend", ReferralSource.ANONYMOUS: "",
             ReferralSource.UNKNOWN: "Member of the public"}
CHILDREN_PER_CALL = _weights([(1, 60), (2, 26), (3, 10), (4, 4)])
NEEDS_PER_CHILD = _weights([(1, 50), (2, 35), (3, 15)])
SECTION47_OUTCOMES = _weights([(Section47Outcome.CONFERENCE, 45), (Section47Outcome.SUBSTANTIATED_NO_CONFERENCE, 25),
                               (Section47Outcome.NOT_SUBSTANTIATED, 30)])
OUTCOMES = _weights([(ScreeningOutcome.NO_FURTHER_ACTION, 27), (ScreeningOutcome.ADVICE, 15),
                     (ScreeningOutcome.EARLY_HELP, 20), (ScreeningOutcome.REFERRAL, 28),
                     (ScreeningOutcome.STRATEGY_DISCUSSION, 10)])
RATIONALES = {
    ScreeningOutcome.NO_FURTHER_ACTION: "Checks made with the school and the GP; no concerns that need a service.",
    ScreeningOutcome.ADVICE: "Advice given to the parent on support available; signposted to the children's centre.",
    ScreeningOutcome.EARLY_HELP: "Needs below the threshold for social care; the family agrees to early help.",
    ScreeningOutcome.REFERRAL: "The child may be in need: a child and family assessment is required.",
    ScreeningOutcome.STRATEGY_DISCUSSION: "Reasonable cause to suspect significant harm: strategy discussion with "
                                          "the police and health.",
}
ETHNICITIES = _weights([(Ethnicity.WHITE_BRITISH, 46), (Ethnicity.WHITE_OTHER, 9), (Ethnicity.WHITE_IRISH, 1),
                        (Ethnicity.IRISH_TRAVELLER, 1), (Ethnicity.GYPSY_ROMA, 1),
                        (Ethnicity.WHITE_BLACK_CARIBBEAN, 3), (Ethnicity.WHITE_BLACK_AFRICAN, 2),
                        (Ethnicity.WHITE_ASIAN, 2), (Ethnicity.MIXED_OTHER, 3), (Ethnicity.INDIAN, 2),
                        (Ethnicity.PAKISTANI, 3), (Ethnicity.BANGLADESHI, 2), (Ethnicity.ASIAN_OTHER, 2),
                        (Ethnicity.CARIBBEAN, 2), (Ethnicity.AFRICAN, 5), (Ethnicity.BLACK_OTHER, 2),
                        (Ethnicity.CHINESE, 1), (Ethnicity.OTHER, 2), (Ethnicity.REFUSED, 1),
                        (Ethnicity.NOT_OBTAINED, 4), (None, 6)])
DISABILITY_CODES = [d.value for d in Disability if d is not Disability.NONE]
LANGUAGES = _weights([("English", 78), ("Polish", 4), ("Turkish", 4), ("Somali", 3), ("Bengali", 3),
                      ("Romanian", 3), ("Arabic", 2), ("Portuguese", 2), ("", 1)])
FACTORS = [f.value for f in AssessmentFactor if f is not AssessmentFactor.NO_FACTORS]
COMMON_FACTORS = ["3A", "3B", "4B", "2B", "1B", "16A", "17A", "18C", "4A", "5A", "14A", "10A", "11A", "24A"]
NEEDS_WHEN_REQUIRED = _weights([(PrimaryNeed.ABUSE_OR_NEGLECT, 52), (PrimaryNeed.CHILDS_DISABILITY, 6),
                                (PrimaryNeed.PARENTAL_DISABILITY, 6), (PrimaryNeed.ACUTE_STRESS, 10),
                                (PrimaryNeed.FAMILY_DYSFUNCTION, 16), (PrimaryNeed.SOCIALLY_UNACCEPTABLE_BEHAVIOUR, 3),
                                (PrimaryNeed.LOW_INCOME, 1), (PrimaryNeed.ABSENT_PARENTING, 3),
                                (PrimaryNeed.NOT_STATED, 3)])
NEEDS_WHEN_NOT = _weights([(PrimaryNeed.NOT_IN_NEED, 60), (PrimaryNeed.FAMILY_DYSFUNCTION, 12),
                           (PrimaryNeed.ACUTE_STRESS, 12), (PrimaryNeed.ABUSE_OR_NEGLECT, 10),
                           (PrimaryNeed.NOT_STATED, 6)])
NEED_WORDS = ["Safe and stable housing", "Support with the parent's mental health",
              "Help for the parent to stop drinking", "Parenting support", "A safe place after school",
              "Therapy for the child after the abuse", "Help to get back into school",
              "Respite care for the child's disability", "Protection from the abusive partner",
              "Support with debt and benefits", "Work with the child on going missing"]
SERVICES = [("Family support worker, weekly visits", "Early help hub"), ("Parenting programme", "Family Action"),
            ("Counselling for the child", "Tavistock CAMHS"), ("Substance misuse service", "Haringey Drug Service"),
            ("IDVA support", "Solace Women's Aid"), ("Respite care", "Haringey short breaks"),
            ("Housing advice and a move", "Homes for Haringey"), ("Mentoring", "Youth service"),
            ("School attendance plan", "Education welfare service"), ("Debt advice", "Citizens Advice")]
NOT_YET = ["On the waiting list for the service", "The family has not yet agreed to the service",
           "Funding requested, not yet approved", ""]
CATEGORIES_OF_ABUSE = _weights([(AbuseCategory.NEGLECT, 48), (AbuseCategory.EMOTIONAL, 38),
                                (AbuseCategory.PHYSICAL, 7), (AbuseCategory.SEXUAL, 4), (AbuseCategory.MULTIPLE, 3)])
CLOSE_REQUIRING = _weights([(ClosureReason.CEASED, 80), (ClosureReason.ANOTHER_LA, 6),
                            (ClosureReason.CHILD_ARRANGEMENTS_ORDER, 4), (ClosureReason.SPECIAL_GUARDIANSHIP, 3),
                            (ClosureReason.ADULT_SERVICES, 3), (ClosureReason.ADOPTED, 2), (ClosureReason.DIED, 0.3),
                            (ClosureReason.EARLY_HELP_AFTER_ASSESSMENT, 1.7)])
CLOSURE_NOTES = {ClosureReason.CEASED: "The plan's goals are met; the family no longer needs a service.",
                 ClosureReason.NFA_AFTER_ASSESSMENT: "Assessment complete: no further action.",
                 ClosureReason.EARLY_HELP_AFTER_ASSESSMENT: "Assessment complete: stepped down to early help."}
ACTIONS = ["Home visit with the police", "Check with the school nurse", "Ring the GP for a health history",
           "Speak to the child's head teacher", "Check the child protection register in the last borough",
           "Arrange a medical for the child", "Speak to the child alone at school"]
ATTENDEES = [("DS Karen Hollis", "Metropolitan Police"), ("Dr Amina Shah", "Designated doctor, Whittington Health"),
             ("Jo Pryce", "Park Lane Primary School"), ("Sam Okoro", "Health visiting"),
             ("Lee Walsh", "Probation")]
STREETS = ["Park Lane", "High Road", "Lordship Lane", "West Green Road", "Philip Lane", "Bruce Grove", "Church Road",
           "Mount Pleasant Road", "Broadwater Road", "Tower Gardens Road", "Moselle Avenue", "Forster Road",
           "Clyde Road", "Sperling Road", "Waltheof Avenue", "Downhills Way", "Lansdowne Road", "Fairfax Road"]
POSTCODES = ["N17", "N15", "N22", "N8", "N4", "N10", "N11", "N6", "N2"]
GIRLS = ["Amara", "Maya", "Zara", "Ruby", "Aisha", "Isla", "Fatima", "Chloe", "Lily", "Grace", "Amelia", "Olivia",
         "Hana", "Maryam", "Zofia", "Elif", "Ayesha", "Nia", "Ella", "Freya", "Sofia", "Ana", "Layla", "Esme"]
BOYS = ["Leo", "Kai", "Yusuf", "Oliver", "Ethan", "Noah", "Tomasz", "Jayden", "Musa", "Dev", "Harry", "Jack",
        "Mohammed", "Ibrahim", "Jakub", "Emre", "Kofi", "Tyler", "Oscar", "Alfie", "Rayan", "Mateo", "Kwame", "Finn"]
SURNAMES = ["Martin", "Okafor", "Nowak", "Ahmed", "Smith", "Kaya", "Campbell", "Patel", "Murphy", "Osei", "Jones",
            "Ali", "Brown", "Silva", "Khan", "Evans", "Mensah", "Taylor", "Hussain", "Walker", "Kowalski", "Yilmaz",
            "Begum", "Mohamed", "Williams", "Johnson", "O'Brien", "Demir", "Popescu", "Hassan", "Adeyemi", "Clarke"]
ANYONE = GIRLS + BOYS
NICKNAMES = {"Oliver": "Ollie", "Amelia": "Millie", "Mohammed": "Mo", "Alexander": "Alex", "Tomasz": "Tom",
             "Ibrahim": "Ibby", "Harry": "Haz", "Jakub": "Kuba", "Sofia": "Sophie", "Elif": "Eli"}
MISSPELT = {"Aisha": "Ayesha", "Zara": "Zahra", "Mohammed": "Muhammad", "Yusuf": "Yousef", "Fatima": "Fatimah",
            "Okafor": "Okafur", "Hussain": "Husain", "Kowalski": "Kovalski", "Mensah": "Mensa", "Popescu": "Popesku",
            "Adeyemi": "Adeyemmi", "Campbell": "Cambell", "Maryam": "Mariam", "Leo": "Lio", "Jayden": "Jaden"}


# ---------------------------------------------------------------------------------------------
# Staff: made by dutydesk's own create_user before the rows are generated


@dataclass(frozen=True)
class TeamStaff:
    id: int
    name: str
    is_out_of_hours: bool
    manager_id: int
    worker_ids: tuple[int, ...]


@dataclass(frozen=True)
class Staff:
    centre_id: int
    handler_ids: tuple[int, ...]
    senior_id: int
    teams: tuple[TeamStaff, ...]

    def as_dict(self) -> dict:
        return {"centre_id": self.centre_id, "handler_ids": list(self.handler_ids), "senior_id": self.senior_id,
                "teams": [{**vars(team), "worker_ids": list(team.worker_ids)} for team in self.teams]}

    @classmethod
    def from_dict(cls, data: dict) -> "Staff":
        return cls(data["centre_id"], tuple(data["handler_ids"]), data["senior_id"],
                   tuple(TeamStaff(**{**team, "worker_ids": tuple(team["worker_ids"])}) for team in data["teams"]))

    @property
    def names(self) -> dict[int, str]:
        return {team.id: team.name for team in self.teams}


# ---------------------------------------------------------------------------------------------
# Time


class Calendar:
    """London dates and office time, and working days added as dutydesk's rules add them, asking the
    rules once a day: a start inside office hours on a working day gives the same time of day on the
    working day the rules reach from noon that day; any other start, what they give from the next
    opening of the office. The build checks the due dates against the rules on a sample."""

    def __init__(self):
        self._after: dict[tuple[date, int], date] = {}
        self._opened: dict[tuple[date, int], datetime] = {}
        self._working: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        found = self._working.get(day)
        if found is None:
            found = self._working[day] = rules.is_working_day(day)
        return found

    def add_working_days(self, start: datetime, days: int) -> datetime:
        local = to_london(start)
        day, moment = local.date(), local.time()
        if not (self.is_working_day(day) and rules.OFFICE_OPENS < moment < rules.OFFICE_CLOSES):
            # Outside office hours the clock starts at the next opening: the same answer for the whole night.
            if not (self.is_working_day(day) and moment <= rules.OFFICE_OPENS):
                day += DAY
                while not self.is_working_day(day):
                    day += DAY
            opening = (day, -days)
            found = self._opened.get(opening)
            if found is None:
                found = self._opened[opening] = rules.add_working_days(
                    as_utc(datetime.combine(day, rules.OFFICE_OPENS, tzinfo=LONDON)), days)
            return found
        reached = self._after.get((day, days))
        if reached is None:
            noon = as_utc(datetime.combine(day, time(12), tzinfo=LONDON))
            reached = self._after[(day, days)] = to_london(rules.add_working_days(noon, days)).date()
        return as_utc(datetime.combine(reached, moment, tzinfo=LONDON))

    @staticmethod
    def london_date(moment: datetime) -> date:
        return to_london(moment).date()

    @staticmethod
    def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return as_utc(datetime.combine(day, time(hour, minute, second), tzinfo=LONDON))

    def is_office_hours(self, moment: datetime) -> bool:
        local = to_london(moment)
        return self.is_working_day(local.date()) and rules.OFFICE_OPENS <= local.time() < rules.OFFICE_CLOSES


# ---------------------------------------------------------------------------------------------
# The rows of one batch


class Rows:
    """Each table's rows of a batch, and each table's next id (ids go on across batches)."""

    def __init__(self):
        self.next_id = {table: 1 for table in COLUMNS}
        self.tables: dict[str, list] = {table: [] for table in COLUMNS}

    def new_id(self, table: str) -> int:
        made = self.next_id[table]
        self.next_id[table] = made + 1
        return made

    def add(self, table: str, row) -> None:
        self.tables[table].append(row)

    def take(self) -> dict[str, list]:
        taken, self.tables = self.tables, {table: [] for table in COLUMNS}
        return taken


@dataclass
class Record:
    """A child's record as generated: what later calls about the child say."""

    id: int
    given: str
    family: str
    sex: Sex
    date_of_birth: date | None
    expected_date_of_birth: date | None
    language: str
    need: InterpreterNeed
    #: The record later calls link to: itself, or the record it was merged into.
    canonical: int
    #: Whether the record has a name: a child whose name the first caller did not know has none until
    #: a later call gives it.
    named: bool = True


@dataclass
class Family:
    family: str
    #: (address, from) oldest first; a move's new address from the day the family moved.
    addresses: list[tuple[str, datetime]]
    children: list[int]

    def address_at(self, moment: datetime) -> str:
        return self.addresses[bisect_right([start for _, start in self.addresses], moment) - 1][0] \
            if len(self.addresses) > 1 else self.addresses[0][0]


# ---------------------------------------------------------------------------------------------


class Casework:
    """The story of `calls` calls up to `now`, told from `seed`."""

    def __init__(self, staff: Staff, now: datetime, calls: int, seed: int, batch: int = 5_000):
        self.staff, self.now, self.calls, self.batch = staff, as_utc(now), calls, batch
        self.today = Calendar.london_date(self.now)
        self.rng = random.Random(seed)
        self.calendar = Calendar()
        self.rows = Rows()
        self.families: list[Family] = []
        self.records: dict[int, Record] = {}
        self._addresses: dict[str, tuple[str, str | None]] = {}
        self.duty_teams = [team for team in staff.teams if not team.is_out_of_hours]
        self.out_of_hours = next(team for team in staff.teams if team.is_out_of_hours)
        self.team_of = {team.id: team for team in staff.teams}
        self.team_shares = _weights(zip(self.duty_teams, [40, 33, 27, 20, 20, 20][:len(self.duty_teams)]))
        #: A family called about again is most often one called about in the last year or so.
        self.repeat_spread = max(1.0, 250 * 0.78 * calls / (YEARS * 365))
        #: The case being told: how its assessment ended, and its plans and services, which end by its closure.
        self._closes: list[tuple[str, date | None]] = []
        self._open_ends: list[tuple] = []

    # -- the calls, in the order they came in ------------------------------------------------

    def received_times(self) -> list[datetime]:
        """Busier in office hours and on weekdays than at night and at weekends."""
        rng, start = self.rng, self.now - timedelta(days=YEARS * 365)
        span = (self.now - timedelta(minutes=30) - start).total_seconds()
        hour_weight = [0.15, 0.1, 0.08, 0.06, 0.06, 0.08, 0.15, 0.35, 0.7, 1, 1, 1, 1, 1, 1, 1, 0.95, 0.8, 0.6,
                       0.5, 0.45, 0.4, 0.3, 0.2]
        found = []
        while len(found) < self.calls:
            moment = start + timedelta(seconds=rng.random() * span)
            local = to_london(moment)
            weight = hour_weight[local.hour] * (0.5 if local.weekday() >= 5 else 1.0)
            if rng.random() < weight:
                found.append(moment)
        found.sort()
        return found

    def batches(self):
        """The rows, `batch` calls at a time: {table: [tuple, ...]}."""
        for n, received in enumerate(self.received_times()):
            self.call(received)
            if (n + 1) % self.batch == 0:
                yield self.rows.take()
        yield self.rows.take()

    # -- helpers ------------------------------------------------------------------------------

    def office_time(self, day: date, after: datetime | None = None) -> datetime:
        """A moment in office hours on `day` (the next working day's if it is not one), after `after`."""
        while not self.calendar.is_working_day(day):
            day += DAY
        minute = self.rng.randrange(480)
        moment = Calendar.at(day, 9 + minute // 60, minute % 60, self.rng.randrange(60))
        if after is not None and moment <= after:
            moment = after + timedelta(minutes=self.rng.randint(5, 90))
        return moment

    def address(self, text: str) -> tuple[str, str | None]:
        found = self._addresses.get(text)
        if found is None:
            found = self._addresses[text] = (normalise_address(text), parse_postcode(text))
        return found

    def new_address(self) -> str:
        rng = self.rng
        flat = f"Flat {rng.randint(1, 24)}, " if rng.random() < 0.3 else ""
        return (f"{flat}{rng.randint(1, 240)} {rng.choice(STREETS)}, London {rng.choice(POSTCODES)} "
                f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")

    def event(self, contact_id: int, at: datetime, by: int, action: str, summary: str,
              child: int | None = None) -> None:
        if at <= self.now:
            self.rows.add("contact_events", (self.rows.new_id("contact_events"), contact_id, at, by, action, summary,
                                             child))

    def child_event(self, child_id: int, at: datetime, by: int, action: str, summary: str) -> None:
        if at <= self.now:
            self.rows.add("child_events", (self.rows.new_id("child_events"), child_id, at, by, action, summary))

    def clock(self, kind: ObligationKind, contact_id: int, child: int | None, team: int, worker: int | None,
              created: datetime, due: datetime, title: str = "") -> list:
        """An obligation, open; the story meets or withdraws it (`meet`), and `finish` files it."""
        return [self.rows.new_id("obligations"), kind, contact_id, child, team, worker, created, due, None, None,
                False, title, "", {}, None, None, None, None]

    @staticmethod
    def meet(clock: list, at: datetime | None, by: int | None, details: dict | None = None, reason: str = "") -> None:
        if at is None:
            return
        clock[8], clock[9] = at, by
        if details:
            clock[13] = details
        if reason:
            clock[12] = reason

    def met_at(self, due: datetime, start: datetime, on_time: float, late: float, late_by: timedelta) -> datetime | None:
        """When a clock due at `due` from `start` is met: on time, late (up to `late_by` after), or not."""
        roll = self.rng.random()
        if roll < on_time:
            return start + (due - start) * (0.05 + 0.95 * self.rng.random())
        if roll < on_time + late:
            return due + late_by * (0.02 + 0.98 * self.rng.random())
        return None

    # -- one call -----------------------------------------------------------------------------

    def call(self, received: datetime) -> None:
        rng, rows, staff = self.rng, self.rows, self.staff
        rand, choice = rng.random, rng.choice
        in_office = self.calendar.is_office_hours(received)
        team = self.out_of_hours if (not in_office and rand() < 0.8) else \
            pick(rng, self.team_shares)
        handler = choice(staff.handler_ids)
        logged = min(received + timedelta(seconds=rng.randint(60, 900)), self.now - MINUTE)
        contact_id = rows.new_id("contacts")
        channel = pick(rng, CHANNELS)
        category = pick(rng, CATEGORIES)
        harm = rand() < (0.55 if category in HARM_CATEGORIES else 0.06)
        crime = rand() < (0.5 if category in HARM_CATEGORIES or category is ConcernCategory.DOMESTIC_ABUSE else 0.04)
        professional = rand() < 0.7
        source = pick(rng, PROFESSIONAL_SOURCES if professional else INDIVIDUAL_SOURCES)
        put_through = channel in (Channel.PHONE, Channel.IN_PERSON) and rand() < 0.25
        no_details = None
        if not put_through and not professional:
            if source is ReferralSource.ANONYMOUS:
                no_details = NoReferrerDetailsReason.ANONYMOUS
            elif rand() < 0.06:
                no_details = rng.choice([NoReferrerDetailsReason.REFUSED, NoReferrerDetailsReason.CALL_ENDED])
        first = choice(ANYONE)
        if no_details is None:
            name = f"{first} {choice(SURNAMES)}"
            role, agency = AGENCIES[source] if professional else (RELATIONS[source] or "Caller", "")
            address = f"{agency}, London {choice(POSTCODES)}" if professional else self.new_address()
            phone = f"020 8{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            email = f"{first.lower()}.{name.split()[-1].lower()}@{agency.split(',')[0].lower().replace(' ', '')}.org.uk" \
                if professional else ""
        else:
            name = role = agency = address = phone = email = ""
            if rand() < 0.3:
                role = "Neighbour"
        worker = choice(team.worker_ids)
        accepted = self.met_at(received + HOUR, logged, 0.8, 0.195, 6 * HOUR)
        if accepted is not None and accepted > self.now:
            accepted = None
        rows.add("contacts", (
            contact_id, received, channel, logged, handler, CONCERNS[category], category, crime, harm,
            rand() < 0.03, rand() < 0.06, rand() < 0.04, name, role, agency, address, phone, email, professional,
            source, put_through, no_details, team.id, accepted, worker if accepted else None))
        kids = self.children_of_call(contact_id, received, logged, handler, team)
        names = ", ".join(kid[1] or "Name not known" for kid in kids)
        self.event(contact_id, logged, handler, "logged", f"Call logged about {names}; handed to {team.name}")
        for kid in kids:
            self.event(contact_id, logged, handler, "child_record_linked" if kid[3] else "child_record_made",
                       f"{kid[1] or 'Name not known'}: " + (f"linked to child's record CH{kid[2]:06d}" if kid[3] else
                                                             f"new child's record CH{kid[2]:06d}"), kid[0])
        clocks: list[list] = []
        # R39: the verbal hand-off is the call handler's; everything after it the duty team's.
        verbal = self.clock(ObligationKind.VERBAL_HANDOFF, contact_id, None, staff.centre_id, handler, logged,
                            rules.handoff_due_at(received))
        told = received if put_through else self.met_at(verbal[7], logged, 0.9, 0.098, 2 * HOUR)
        self.meet(verbal, told, handler, {"to_worker_id": worker, "to_worker_name": f"Worker {worker}"})
        if told is not None:
            self.event(contact_id, max(told, logged), handler, "verbal_handoff", "Details passed verbally")
        written = self.clock(ObligationKind.WRITTEN_HANDOFF, contact_id, None, team.id, worker if accepted else None,
                             logged, rules.handoff_due_at(received))
        self.meet(written, accepted, worker, {"accepted_by_name": f"Worker {worker}"})
        clocks += [verbal, written]
        if accepted is not None:
            self.event(contact_id, max(accepted, logged), worker, "accepted", f"Accepted for {team.name}")
        owner = worker if accepted else None
        if professional:
            confirmation = self.clock(ObligationKind.REFERRER_CONFIRMATION, contact_id, None, team.id, owner, logged,
                                      rules.referrer_confirmation_due_at(received))
            at = self.met_at(confirmation[7], received, 0.72, 0.24, 5 * DAY)
            self.meet(confirmation, at, worker, {"method": choice(list(ConfirmationMethod)).value,
                                                 "reference": f"REF{contact_id}"},
                      "The school sent it after the holiday" if at and at > confirmation[7] and rand() < 0.3 else "")
            if at is not None:
                self.event(contact_id, at, worker, "referrer_confirmation", "Referrer's written confirmation received")
            clocks.append(confirmation)
        if crime:
            police = self.clock(ObligationKind.POLICE_INFORMED, contact_id, None, team.id, owner, logged,
                                rules.police_informed_due_at(received))
            at = self.met_at(police[7], logged, 0.86, 0.135, 6 * HOUR)
            self.meet(police, at, worker, {"officer": "PC 1234", "police_reference": f"CAD {contact_id}/24"})
            if at is not None:
                self.event(contact_id, at, worker, "police_informed", "Police informed")
            clocks.append(police)
        for kid in kids:
            self.child_story(contact_id, kid, team, received, logged, accepted, worker, owner, harm, crime, source,
                             clocks)
        self.finish(clocks)

    def children_of_call(self, contact_id: int, received: datetime, logged: datetime, handler: int,
                         team: TeamStaff) -> list[tuple]:
        """The call's children, each as (contact child id, name said, record id, linked?): a new family,
        or a family called about before (some of its children, now and then a new baby)."""
        rng, rows = self.rng, self.rows
        rand = rng.random
        family, repeat = None, False
        if rand() < 0.22:  # a family called about before (if before the three years: not in the records)
            back = int(rng.expovariate(1 / self.repeat_spread))
            if back < len(self.families):
                family, repeat = self.families[len(self.families) - 1 - back], True
        wanted: list[tuple[int | None, bool]] = []  # (record id or None for a new child, unborn?)
        if family is None:
            family = self.new_family(received)
            count = pick(rng, CHILDREN_PER_CALL)
            wanted = [(None, rand() < 0.02 and n == 0) for n in range(count)]
        else:
            known = list(dict.fromkeys(self.records[child].canonical for child in family.children))
            wanted = [(record_id, False) for record_id in known if rand() < 0.6] or [(rng.choice(known), False)]
            if rand() < 0.06 and len(family.children) < 6:
                wanted.append((None, rand() < 0.4))
        address = family.address_at(received)
        made = []
        for position, (record_id, unborn) in enumerate(wanted):
            linked = record_id is not None
            if linked and repeat and rand() < 0.02:  # a duplicate record, made by mistake, merged later
                record = self.new_record(family, received, handler, duplicate_of=self.records[record_id])
                linked = False
            elif linked:
                record = self.records[record_id]
            else:
                record = self.new_record(family, received, handler, unborn=unborn, named=rand() > 0.02)
                family.children.append(record.id)
            made.append(self.contact_child(contact_id, position, record, linked, address, received, logged, handler,
                                           team))
        return made

    def new_family(self, received: datetime) -> Family:
        rng = self.rng
        addresses = [(self.new_address(), received - timedelta(days=rng.randint(30, 3000)))]
        if rng.random() < 0.15:
            moved = received + timedelta(days=rng.randint(60, 900))
            if moved < self.now:
                addresses.append((self.new_address(), moved))
        family = Family(rng.choice(SURNAMES), addresses, [])
        self.families.append(family)
        return family

    def new_record(self, family: Family, received: datetime, handler: int, *, unborn: bool = False,
                   named: bool = True, duplicate_of: Record | None = None) -> Record:
        """A child's record, made on a call, with its names and addresses, as it stands at `now`."""
        rng, rows = self.rng, self.rows
        rand = rng.random
        record_id = rows.new_id("children")
        day = Calendar.london_date(received)
        if duplicate_of is not None:
            base = duplicate_of
            given, sex, born, expected = base.given, base.sex, base.date_of_birth, base.expected_date_of_birth
            language, need = base.language, base.need
        else:
            sex = Sex.UNKNOWN if unborn else (Sex.FEMALE if rand() < 0.49 else Sex.MALE if rand() < 0.97 else Sex.UNKNOWN)
            given = rng.choice(GIRLS if sex is Sex.FEMALE else BOYS if sex is Sex.MALE else GIRLS + BOYS)
            expected = born = None
            if unborn:
                expected = day + timedelta(days=rng.randint(20, 250))
                if expected + timedelta(days=21) < self.today:  # born since: the record has the date of birth
                    born, expected, sex = expected + timedelta(days=rng.randint(-14, 14)), None, \
                        (Sex.FEMALE if rand() < 0.5 else Sex.MALE)
                    given = rng.choice(GIRLS if sex is Sex.FEMALE else BOYS)
            elif rand() < 0.9:
                born = day - timedelta(days=rng.randint(0, 17 * 365 + 300))
            language = pick(rng, LANGUAGES)
            need = (InterpreterNeed.NEEDED if language not in ("English", "") and rand() < 0.35
                    else InterpreterNeed.NOT_KNOWN if rand() < 0.1 else InterpreterNeed.NOT_NEEDED)
        record = Record(record_id, given, family.family, sex, born, expected, language, need, record_id, named)
        merged_into = None
        if duplicate_of is not None:
            merged_at = self.office_time(day + timedelta(days=rng.randint(3, 120)), received)
            if rand() < 0.85 and merged_at <= self.now:
                manager = self.team_of[rng.choice(self.duty_teams).id].manager_id
                merged_into = record.canonical = duplicate_of.canonical
                reason = "Same date of birth, address and parents: confirmed with the school"
                merge_id = rows.new_id("child_merges")
                rows.add("child_merges", (merge_id, record_id, merged_into, merged_at, manager, reason, None, None,
                                          None))
                self.child_event(merged_into, merged_at, manager, "record_merged_in",
                                 f"Record CH{record_id:06d} ({given} {family.family}) merged into this one: {reason}")
                self.child_event(record_id, merged_at, manager, "merged_into",
                                 f"Merged into record CH{merged_into:06d}: {reason}")
        ethnicity = pick(rng, ETHNICITIES)
        roll = rand()
        disabilities = None if roll < 0.25 else ["NONE"] if roll < 0.9 else sorted(
            set(rng.sample(DISABILITY_CODES, rng.choice([1, 1, 2]))))
        upn = None
        if born is not None and 4 <= (day - born).days / 365.25 < 17 and rand() < 0.7:
            rest = f"{rng.choice([308, 309, 310, 311, 312, 313])}{rng.randint(1000, 7999)}" \
                   f"{(born.year + 5) % 100:02d}{rng.randint(1, 999):03d}"
            upn = stdnum_upn.calc_check_digit(rest) + rest
        rows.add("children", (record_id, born, expected, sex, ethnicity,
                              None if disabilities is None else as_json(disabilities), upn, language, need, received,
                              handler, merged_into))
        full = f"{given} {family.family}"
        first_name, last_name = split_name(full)
        if named:
            rows.add("child_names", (rows.new_id("child_names"), record_id, NameKind.CURRENT, full, first_name,
                                     last_name, None, None, received, handler, None, None))
        if named and rand() < 0.04 and given in NICKNAMES:
            nick = f"{NICKNAMES[given]} {family.family}"
            rows.add("child_names", (rows.new_id("child_names"), record_id, NameKind.KNOWN_AS, nick, NICKNAMES[given],
                                     family.family, None, None, received, handler, None, None))
        # The addresses the record has: the family's at the call, and any it moved to since.
        current = [n for n, (_, start) in enumerate(family.addresses) if start <= received] or [0]
        for n in range(current[-1], len(family.addresses)):
            text_, start = family.addresses[n]
            normalised, postcode = self.address(text_)
            later = family.addresses[n + 1][1] if n + 1 < len(family.addresses) else None
            recorded = received if n == current[-1] else start
            worker = rng.choice(self.duty_teams[0].worker_ids)
            rows.add("child_addresses", (
                rows.new_id("child_addresses"), record_id, text_, normalised, postcode,
                None if n == current[-1] else Calendar.london_date(start),
                None if later is None else Calendar.london_date(later), recorded, handler if n == current[-1] else worker,
                None if later is None else later, None if later is None else worker))
        self.records[record_id] = record
        return record

    def contact_child(self, contact_id: int, position: int, record: Record, linked: bool, address: str,
                      received: datetime, logged: datetime, handler: int, team: TeamStaff) -> tuple:
        """The child as the caller described them, linked to their record, with the records check."""
        rng, rows = self.rng, self.rows
        rand = rng.random
        child_id = rows.new_id("contact_children")
        known = record.named or linked
        given, family = record.given, record.family
        said = f"{given} {family}"
        if linked and not record.named:  # the name, not known before: the record's name from now on
            record.named = True
            first_name, last_name = split_name(said)
            rows.add("child_names", (rows.new_id("child_names"), record.id, NameKind.CURRENT, said, first_name,
                                     last_name, None, None, logged, handler, None, None))
            self.child_event(record.id, logged, handler, "call_linked", f"Call C{contact_id:06d} linked; added the "
                                                                       f"name {said}")
        elif linked and rand() < 0.05:  # another spelling: added to the record as an alias
            said = f"{MISSPELT.get(given, given)} {MISSPELT.get(family, family + 'e')}"
            if said != f"{given} {family}":
                first_name, last_name = split_name(said)
                rows.add("child_names", (rows.new_id("child_names"), record.id, NameKind.ALIAS, said, first_name,
                                         last_name, None, None, logged, handler, None, None))
                self.child_event(record.id, logged, handler, "call_linked",
                                 f"Call C{contact_id:06d} linked; added the name {said}")
        elif linked:
            self.child_event(record.id, logged, handler, "call_linked", f"Call C{contact_id:06d} linked")
        day = Calendar.london_date(received)
        born = record.date_of_birth if record.date_of_birth and rand() < 0.75 else None
        expected = record.expected_date_of_birth
        if record.date_of_birth and record.date_of_birth > day:  # born since this call: unborn then
            born, expected = None, record.date_of_birth
        age = None
        if born is None and expected is None:
            age = max(0, (day - record.date_of_birth).days // 365) if record.date_of_birth else \
                (rng.randint(0, 17) if rand() < 0.9 else None)
        used = reason_not = interpreter_at = interpreter_by = None
        if record.need is InterpreterNeed.NEEDED and rand() < 0.8:
            interpreter_at = logged + timedelta(hours=rng.randint(2, 72))
            if interpreter_at <= self.now:
                used = rand() < 0.85
                reason_not = "" if used else "No interpreter could be found in time for the visit"
                interpreter_by = rng.choice(team.worker_ids)
            else:
                interpreter_at = None
        rows.add("contact_children", (
            child_id, contact_id, position, said if known else "", known, born, expected, age, address,
            record.language, record.need, record.id, used, reason_not or "", interpreter_at, interpreter_by))
        offered = []
        if linked:
            offered.append({"child_id": record.canonical, "score": round(0.8 + 0.2 * rand(), 3), "is_likely": True,
                            "reasons": ["same date of birth", "same surname", "same address"]})
        elif rand() < 0.3 and self.records:
            other = rng.randint(1, len(self.records))
            offered.append({"child_id": other, "score": round(0.3 + 0.3 * rand(), 3), "is_likely": False,
                            "reasons": ["similar surname"]})
        rows.add("records_checks", (rows.new_id("records_checks"), child_id, logged, handler, rng.randint(0, 60),
                                    as_json(offered), record.id, linked))
        return (child_id, said if known else "", record.id, linked, record)

    # -- each child: the screening decision and what follows it --------------------------------

    def child_story(self, contact_id, kid, team: TeamStaff, received, logged, accepted, worker, owner, harm, crime,
                    source, call_clocks) -> None:
        rng, rows, calendar = self.rng, self.rows, self.calendar
        rand = rng.random
        child_id, name = kid[0], kid[1] or "Name not known"
        clocks: list[list] = []
        if harm:
            seen = self.clock(ObligationKind.CHILD_SEEN, contact_id, child_id, team.id, owner, logged,
                              rules.child_seen_due_at(received))
            at = self.met_at(seen[7], logged, 0.76, 0.2, 3 * DAY)
            reason = "The family was not at home; seen at school the next day" if at and at > seen[7] else ""
            self.meet(seen, at, worker, {"seen_by_id": worker, "seen_by_name": f"Worker {worker}"}, reason)
            if at is not None:
                seen[14], seen[15] = rand() < 0.6, rand() < 0.9
                self.event(contact_id, at, worker, "child_seen", f"{name} seen", child_id)
            elif rand() < 0.7:
                seen[12] = "The family has moved and cannot be found; the police are helping to trace them"
            clocks.append(seen)
        screening = self.clock(ObligationKind.SCREENING_DECISION, contact_id, child_id, team.id, owner, logged,
                               calendar.add_working_days(received, rules.SCREENING_DECISION_WORKING_DAYS))
        decided = self.met_at(screening[7], logged, 0.86, 0.135, 2 * DAY)
        if decided is not None and accepted is not None:
            decided = max(decided, accepted + MINUTE)
        if decided is None or decided > self.now or accepted is None:
            clocks.append(screening)
            call_clocks.extend(clocks)
            return
        outcome = pick(rng, OUTCOMES)
        if outcome is ScreeningOutcome.STRATEGY_DISCUSSION and not (harm or crime) and rand() < 0.5:
            outcome = ScreeningOutcome.REFERRAL
        self.meet(screening, decided, worker, {"outcome": outcome.value})
        clocks.append(screening)
        manager = team.manager_id
        onward = rand() < 0.35 and outcome in (ScreeningOutcome.EARLY_HELP, ScreeningOutcome.ADVICE)
        joint = outcome is ScreeningOutcome.STRATEGY_DISCUSSION and crime and rand() < 0.7
        rows.add("screening_decisions", (
            rows.new_id("screening_decisions"), contact_id, child_id, outcome, RATIONALES[outcome], decided, worker,
            joint, manager if outcome is ScreeningOutcome.STRATEGY_DISCUSSION else None,
            "Early help hub" if onward else "", "Family support for the parents" if onward else "",
            (worker if rand() < 0.5 else manager) if onward else None))
        self.event(contact_id, decided, worker, "decision", f"Decision for {name}: {outcome.label}", child_id)
        if outcome.opens_referral:
            self.referral(contact_id, child_id, name, team, received, decided, worker, harm, crime, source, outcome,
                          clocks)
        call_clocks.extend(clocks)

    def referral(self, contact_id, child_id, name, team: TeamStaff, received, decided, worker, harm, crime, source,
                 outcome, clocks) -> None:
        rng, rows, calendar = self.rng, self.rows, self.calendar
        self._closes, self._open_ends = [], []
        rand, randint = rng.random, rng.randint
        referral_id = rows.new_id("referrals")
        referred_on = Calendar.london_date(decided)
        manager = team.manager_id
        assessment = self.clock(ObligationKind.ASSESSMENT, contact_id, child_id, team.id, worker, decided,
                                calendar.add_working_days(decided, rules.ASSESSMENT_WORKING_DAYS))
        clocks.append(assessment)
        case_team, events = team, []  # events: (day, what) the case's closure must come after
        # R55: allocated to a named worker within days, or waiting, with the reason.
        allocated_at = decided + timedelta(hours=randint(1, 120))
        case_worker = rng.choice(team.worker_ids)
        if rand() > 0.88 or allocated_at > self.now:
            allocated_at, case_worker = None, None
        # A few cases move to another team first (R42).
        if case_worker is not None and rand() < 0.03 and not team.is_out_of_hours:
            case_team, case_worker, allocated_at = self.transfer(referral_id, contact_id, child_id, name, team,
                                                                 allocated_at, case_worker, clocks)
        elif case_worker is not None and team.is_out_of_hours and rand() < 0.3:
            # The out-of-hours team hands most of its cases to a day team.
            case_team, case_worker, allocated_at = self.transfer(referral_id, contact_id, child_id, name, team,
                                                                 allocated_at, case_worker, clocks)
        if case_worker is not None:
            self.event(contact_id, allocated_at, manager, "allocated",
                       f"Case of {name} allocated to Worker {case_worker}", child_id)
            for clock in clocks:
                if clock[1] is ObligationKind.ASSESSMENT:
                    clock[4], clock[5] = case_team.id, case_worker
        holder = case_worker or worker
        nfa_at = None
        if outcome is ScreeningOutcome.REFERRAL and rand() < 0.09:  # ended in no further action
            nfa_at = self.office_time(referred_on + timedelta(days=randint(1, 12)), decided)
            if nfa_at > self.now:
                nfa_at = None
        discussion = None
        if outcome is ScreeningOutcome.STRATEGY_DISCUSSION:
            discussion = self.strategy_discussion(contact_id, child_id, name, case_team, decided, holder, clocks, events)
        if nfa_at is not None:
            rows.add("screening_decisions", (
                rows.new_id("screening_decisions"), contact_id, child_id, ScreeningOutcome.NO_FURTHER_ACTION,
                "Further checks show no need for an assessment.", nfa_at, holder, False, None, "", "", None))
            self.event(contact_id, nfa_at, holder, "decision", f"Decision for {name}: No further action", child_id)
            assessment[8], assessment[9], assessment[10] = nfa_at, holder, True
            assessment[12] = "The referral ended in no further action"
        else:
            if discussion is not None or (rand() < 0.03 and (harm or crime)):
                self.section47(referral_id, contact_id, child_id, name, case_team, received, decided, discussion,
                               holder, clocks, events)
            if rand() < 0.93:
                self.assessment(referral_id, contact_id, child_id, name, case_team, decided, holder, assessment,
                                events)
            self.closure(referral_id, contact_id, child_id, name, case_team, referred_on, holder, harm, clocks, events)
        unallocated = "" if case_worker else rng.choice([AWAITING_ALLOCATION, AWAITING_ALLOCATION,
                                                         "No worker has capacity this week"])
        rows.add("referrals", (
            referral_id, contact_id, child_id, case_team.id, referred_on, source, decided, nfa_at is not None, nfa_at,
            case_worker, allocated_at, unallocated, None if case_worker else decided,
            "" if case_worker or unallocated == AWAITING_ALLOCATION else "The team manager rings the family weekly"))

    def transfer(self, referral_id, contact_id, child_id, name, team: TeamStaff, allocated_at, case_worker, clocks):
        rng, rows = self.rng, self.rows
        to = rng.choice([other for other in self.duty_teams if other.id != team.id])
        requested = self.office_time(Calendar.london_date(allocated_at) + timedelta(days=rng.randint(0, 10)),
                                     allocated_at)
        if requested > self.now:
            return team, case_worker, allocated_at
        acceptance = self.clock(ObligationKind.TRANSFER_ACCEPTANCE, contact_id, child_id, to.id, None, requested,
                                self.calendar.add_working_days(requested, rules.TRANSFER_ACCEPTANCE_WORKING_DAYS),
                                f"Accept the transfer of {name} from {team.name}")
        accepted = self.met_at(acceptance[7], requested, 0.85, 0.15, 2 * DAY)
        accepted = accepted if accepted is not None and accepted <= self.now else None
        acceptor = rng.choice(to.worker_ids)
        if accepted is not None:
            self.meet(acceptance, accepted, acceptor)
            acceptance[5] = acceptor
        clocks.append(acceptance)
        rows.add("transfers", (rows.new_id("transfers"), referral_id, team.id, to.id,
                               "The family lives in the other team's area", requested, case_worker, accepted,
                               acceptor if accepted else None, acceptance[0]))
        self.event(contact_id, requested, case_worker, "transfer_requested",
                   f"Transfer of {name} to {to.name} requested", child_id)
        if accepted is None:
            return team, case_worker, allocated_at
        self.event(contact_id, accepted, acceptor, "transfer_accepted",
                   f"{to.name} accepted the transfer of {name} from {team.name}", child_id)
        allocated = accepted + timedelta(hours=rng.randint(1, 72))
        if allocated > self.now:
            return to, None, None
        return to, rng.choice(to.worker_ids), allocated

    def strategy_discussion(self, contact_id, child_id, name, team: TeamStaff, decided, holder, clocks, events):
        """R51: the discussion, who took part, its action points and its review; returns its id and when."""
        rng, rows = self.rng, self.rows
        randint = rng.randint
        held = self.office_time(Calendar.london_date(decided) + timedelta(days=randint(0, 2)), decided)
        circulated = held + timedelta(hours=randint(1, 20))
        recorded = circulated + timedelta(minutes=randint(5, 120))
        if recorded > self.now:
            return None
        review_on = Calendar.london_date(held) + timedelta(days=randint(10, 20))
        while not self.calendar.is_working_day(review_on):
            review_on += DAY
        review = self.clock(ObligationKind.STRATEGY_REVIEW, contact_id, child_id, team.id, holder, recorded,
                            rules.end_of_working_day(review_on),
                            f"Review the strategy discussion of {to_london(held):%-d %B %Y}")
        clocks.append(review)
        discussion_id = rows.new_id("strategy_discussions")
        manager = team.manager_id if rng.random() < 0.97 else None
        rows.add("strategy_discussions", (
            discussion_id, contact_id, child_id, held,
            "Police and health share what they know; threshold for section 47 met; agreed a joint visit.",
            "DS Karen Hollis (police), Dr Amina Shah (health), Jo Pryce (school)", circulated, recorded, holder,
            manager, review[0]))
        for position, (who, agency) in enumerate(rng.sample(ATTENDEES, randint(2, 5))):
            rows.add("strategy_attendees", (rows.new_id("strategy_attendees"), discussion_id, position, who, agency))
        for title in rng.sample(ACTIONS, randint(0, 3)):
            owner = rng.choice(team.worker_ids)
            due = rules.end_of_working_day(Calendar.london_date(recorded) + timedelta(days=randint(1, 10)))
            action = self.clock(ObligationKind.ACTION, contact_id, child_id, team.id, owner, recorded, due, title)
            done = self.met_at(due, recorded, 0.75, 0.2, 5 * DAY)
            self.meet(action, done, owner, {"note": "Done as agreed"} if rng.random() < 0.3 else None)
            clocks.append(action)
            rows.add("strategy_action_points", (discussion_id, action[0]))
            self.event(contact_id, recorded, holder, "action_added", f"Action for Worker {owner}: {title}", child_id)
            if done is not None:
                self.event(contact_id, done, owner, "action_done", f"Action done: {title}", child_id)
        self.event(contact_id, recorded, holder, "strategy_discussion",
                   f"Strategy discussion about {name} on {to_london(held):%-d %B %Y} recorded", child_id)
        reviewed_on = review_on + timedelta(days=rng.choice([-4, -3, -2, -1, -1, 0, 0, 0, 2, 6]))
        if rng.random() < 0.9 and reviewed_on <= self.today:
            reviewed_on = max(reviewed_on, Calendar.london_date(held))
            review_recorded = self.office_time(reviewed_on, recorded)
            if review_recorded <= self.now:
                self.meet(review, min(max(rules.start_of_working_day(reviewed_on), held), review_recorded), holder)
                rows.add("strategy_reviews", (rows.new_id("strategy_reviews"), discussion_id, reviewed_on,
                                              team.manager_id, "Actions done; the enquiry continues.",
                                              review_recorded, holder))
                self.event(contact_id, review_recorded, holder, "strategy_reviewed",
                           f"Strategy discussion about {name} reviewed on {reviewed_on:%-d %B %Y}", child_id)
                events.append(reviewed_on)
        events.append(Calendar.london_date(recorded))
        return discussion_id, held

    def section47(self, referral_id, contact_id, child_id, name, team: TeamStaff, received, decided, discussion,
                  holder, clocks, events) -> None:
        rng, rows = self.rng, self.rows
        randint = rng.randint
        held = discussion[1] if discussion else None
        started_on = Calendar.london_date(held or decided)
        recorded = self.office_time(started_on, held or decided)
        if recorded > self.now:
            return
        enquiry_id = rows.new_id("section47_enquiries")
        outcome = pick(rng, SECTION47_OUTCOMES)
        outcome_on = started_on + timedelta(days=randint(3, 15))
        outcome_at = self.office_time(outcome_on, recorded)
        outcome_on = Calendar.london_date(outcome_at)
        target = conference = obligation_id = None
        self.event(contact_id, recorded, holder, "section47_started",
                   f"{name}: section 47 enquiry started on {started_on:%-d %B %Y}", child_id)
        events.append(started_on)
        if outcome_at > self.now:
            outcome = outcome_on = None
        else:
            self.event(contact_id, outcome_at, holder, "section47_outcome", f"{name}: section 47 outcome: "
                       f"{outcome.label}", child_id)
            events.append(outcome_on)
        if outcome is Section47Outcome.CONFERENCE:
            start = held or rules.start_of_working_day(started_on)
            due = self.calendar.add_working_days(start, rules.CONFERENCE_WORKING_DAYS)
            clock = self.clock(ObligationKind.INITIAL_CONFERENCE, contact_id, child_id, team.id, holder, outcome_at,
                               due, f"Hold the initial child protection conference for {name}")
            clocks.append(clock)
            target, obligation_id = Calendar.london_date(due), clock[0]
            roll = rng.random()
            if roll < 0.97:
                held_on = (max(outcome_on, target - timedelta(days=randint(0, 4))) if roll < 0.78
                           else target + timedelta(days=randint(1, 20)))
                held_on = max(held_on, outcome_on)
                if held_on <= self.today:
                    conference = held_on
                    self.meet(clock, min(max(rules.start_of_working_day(held_on), received), self.now), holder)
                    self.event(contact_id, self.office_time(held_on), holder, "conference_held",
                               f"{name}: initial child protection conference held on {held_on:%-d %B %Y}", child_id)
                    events.append(held_on)
                    if rng.random() < 0.88:
                        self.plan(referral_id, contact_id, child_id, name, PlanKind.CHILD_PROTECTION, held_on, holder,
                                  events, months=(4, 20))
        rows.add("section47_enquiries", (enquiry_id, referral_id, discussion[0] if discussion else None, started_on,
                                         outcome, outcome_on, target, obligation_id, conference, recorded, holder))

    def plan(self, referral_id, contact_id, child_id, name, kind: PlanKind, started_on: date, holder, events,
             months: tuple[int, int]) -> None:
        rng, rows = self.rng, self.rows
        recorded = self.office_time(started_on)
        if recorded > self.now:
            return
        category = latest = None
        if kind is PlanKind.CHILD_PROTECTION:
            category = latest = pick(rng, CATEGORIES_OF_ABUSE)
            if rng.random() < 0.1:
                latest = pick(rng, CATEGORIES_OF_ABUSE)
        ends_on = started_on + timedelta(days=rng.randint(months[0] * 30, months[1] * 30))
        plan = [rows.new_id("plans"), referral_id, kind, started_on, ends_on, category, latest, None, None,
                recorded, holder]
        self.event(contact_id, recorded, holder, "plan_started",
                   f"{name}: {kind.label.lower()} started on {started_on:%-d %B %Y}", child_id)
        self._open_ends.append(("plans", plan, 4, None))
        events.append(started_on)

    def assessment(self, referral_id, contact_id, child_id, name, team: TeamStaff, decided, holder, clock,
                   events) -> None:
        """R25: started, the child and the carers seen, the conclusion, a manager's authorisation."""
        rng, rows = self.rng, self.rows
        randint, rand = rng.randint, rng.random
        referred_on = Calendar.london_date(decided)
        started_on = referred_on + timedelta(days=randint(0, 6))
        if started_on > self.today:
            return
        recorded = self.office_time(started_on, decided)
        if recorded > self.now:
            return
        assessment_id = rows.new_id("assessments")
        length = randint(12, 55) if rand() < 0.78 else randint(56, 110)
        completed_on = started_on + timedelta(days=length)
        child_seen_on = started_on + timedelta(days=randint(0, min(20, length)))
        carers_seen_on = started_on + timedelta(days=randint(0, min(20, length)))
        completed_at = self.office_time(completed_on, recorded)
        completed_on = Calendar.london_date(completed_at)
        authorised_at = self.office_time(completed_on + timedelta(days=randint(0, 7)), completed_at)
        authorised_on = Calendar.london_date(authorised_at)
        manager = team.manager_id
        requires = rand() < 0.58
        if requires:
            factors = sorted(set(rng.sample(COMMON_FACTORS, randint(1, 3)) +
                                 (rng.sample(FACTORS, 1) if rand() < 0.2 else [])), key=_factor_order)
            primary = pick(rng, NEEDS_WHEN_REQUIRED)
        else:
            factors = ["21"] if rand() < 0.35 else sorted(set(rng.sample(COMMON_FACTORS, randint(1, 2))),
                                                           key=_factor_order)
            primary = pick(rng, NEEDS_WHEN_NOT)
        seen = child_seen_on <= self.today
        self.event(contact_id, recorded, holder, "assessment_started",
                   f"{name}: assessment started on {started_on:%-d %B %Y}", child_id)
        events.append(started_on)
        if seen:
            self.event(contact_id, self.office_time(max(child_seen_on, carers_seen_on), recorded), holder,
                       "assessment_seen", f"{name}: assessment: child and carers seen", child_id)
        completed = completed_at <= self.now
        authorised = authorised_at <= self.now
        if completed:
            self.event(contact_id, completed_at, holder, "assessment_completed",
                       f"{name}: assessment completed on {completed_on:%-d %B %Y}: "
                       + ("requires a service" if requires else "no service required"), child_id)
            events.append(completed_on)
        if authorised:
            self.meet(clock, authorised_at, manager, {"assessment_id": assessment_id})
            self.event(contact_id, authorised_at, manager, "assessment_authorised",
                       f"{name}: assessment authorised by the team manager", child_id)
            events.append(authorised_on)
        rows.add("assessments", (
            assessment_id, referral_id, started_on, child_seen_on if seen else None,
            (rand() < 0.6) if seen else None, carers_seen_on if carers_seen_on <= self.today else None,
            completed_on if completed else None, completed_at if completed else None, holder if completed else None,
            requires if completed else None, as_json(factors) if completed else None, primary if completed else None,
            "Assessment of the child's needs and the parents' capacity." if completed else "",
            authorised_on if authorised else None, authorised_at if authorised else None,
            manager if authorised else None, "Read the assessment; I agree its analysis and plan." if authorised
            else "", recorded, holder))
        if not authorised:
            self._closes.append(("ongoing", None))
        elif not requires:
            self._closes.append(("not requiring", authorised_on))
        if not completed or not requires:
            return
        for n in range(pick(rng, NEEDS_PER_CHILD)):
            need_id = rows.new_id("identified_needs")
            services = []
            start = authorised_on if authorised else completed_on
            if rand() < 0.88:
                services.append(start + timedelta(days=min(int(rng.expovariate(1 / 14)), 120)))
                if rand() < 0.08:
                    services.append(services[0] + timedelta(days=randint(30, 200)))
            started = [day for day in services if day <= self.today]
            rows.add("identified_needs", (need_id, assessment_id, NEED_WORDS[(assessment_id + n) % len(NEED_WORDS)],
                                          "" if started else rng.choice(NOT_YET), completed_at, holder))
            for day in started:
                what, by = rng.choice(SERVICES)
                recorded_service = self.office_time(day, completed_at)
                if recorded_service > self.now:
                    continue
                service = [rows.new_id("services"), need_id, what, by, day, None, "", None, None, recorded_service,
                           holder]
                self.event(contact_id, recorded_service, holder, "service_started",
                           f"{name}: service started on {day:%-d %B %Y}: {what} ({by})", child_id)
                events.append(day)
                if rand() < 0.2:  # ended before the case closes
                    service[5] = day + timedelta(days=randint(20, 200))
                    service[6] = "The work is done"
                self._open_ends.append(("services", service, 5, 6))
        if authorised and rand() < 0.45:
            self.plan(referral_id, contact_id, child_id, name, PlanKind.CHILD_IN_NEED,
                      authorised_on + timedelta(days=randint(0, 20)), holder, events, months=(3, 15))
        if authorised:
            self._closes.append(("requiring", authorised_on))

    def closure(self, referral_id, contact_id, child_id, name, team: TeamStaff, referred_on, holder, harm, clocks,
                events) -> None:
        """The case closes after everything else about it (CIN census closure), if by now."""
        rng, rows = self.rng, self.rows
        randint = rng.randint
        closes, self._closes = self._closes, []
        ends, self._open_ends = self._open_ends, []
        ongoing = bool(closes) and closes[-1][0] == "ongoing"
        if closes and closes[-1][0] == "not requiring":
            if rng.random() < 0.95:
                reason = ClosureReason.NFA_AFTER_ASSESSMENT if rng.random() < 0.75 else \
                    ClosureReason.EARLY_HELP_AFTER_ASSESSMENT
                closed_on = closes[-1][1] + timedelta(days=randint(0, 14))
            else:
                reason, closed_on = ClosureReason.CEASED, closes[-1][1] + timedelta(days=randint(30, 120))
        elif closes and not ongoing:
            reason = pick(rng, CLOSE_REQUIRING)
            closed_on = closes[-1][1] + timedelta(days=randint(60, 540))
        else:  # never assessed, or not yet
            reason, closed_on = ClosureReason.CEASED, referred_on + timedelta(days=randint(20, 200))
        # The case closes after everything recorded on it, and after its plans and services end.
        closed_on = max([closed_on, *events, *(row[end] for _, row, end, _ in ends if row[end] is not None)])
        recorded = self.office_time(closed_on, max(clock[6] for clock in clocks if clock[3] == child_id))
        closed = (recorded <= self.now and not ongoing
                  and not (reason is ClosureReason.CEASED and not closes and rng.random() < 0.4))
        for table, row, end, why in ends:  # ID, ..., ended on, (reason), ended at, ended by
            if closed and row[end] is None:
                row[end] = closed_on
                if why is not None:
                    row[why] = "The case closed"
            ended_at = self.office_time(row[end]) if row[end] is not None else None
            if ended_at is not None and ended_at <= self.now:
                row[7], row[8] = ended_at, holder
                self.event(contact_id, ended_at, holder, "plan_ended" if table == "plans" else "service_ended",
                           f"{name}: {'plan' if table == 'plans' else 'service'} ended on {row[end]:%-d %B %Y}",
                           child_id)
            else:
                row[end] = row[7] = row[8] = None
                if why is not None:
                    row[why] = ""
            rows.add(table, tuple(row))
        if not closed:
            return
        checks = []
        for check, _ in CLOSURE_CHECKS:
            if harm:
                done = rng.random() < 0.9
                checks += [done, "" if done else "The family refused; recorded with the police"]
            else:
                checks += [None, ""]
        rows.add("closures", (rows.new_id("closures"), referral_id, closed_on, reason,
                              CLOSURE_NOTES.get(reason, reason.label), *checks, recorded, holder))
        self.event(contact_id, recorded, holder, "case_closed",
                   f"{name}: case closed on {closed_on:%-d %B %Y}: {reason.label}", child_id)
        for clock in clocks:  # every clock still running about the child is withdrawn
            if clock[3] == child_id and (clock[8] is None or clock[8] > recorded) and clock[6] <= recorded:
                clock[8], clock[9], clock[10] = recorded, holder, True
                clock[12], clock[13] = f"The case closed: {reason.label}", {}
                clock[14] = clock[15] = None

    # -- filing each clock ------------------------------------------------------------------------

    def finish(self, clocks: list[list]) -> None:
        """File the call's clocks as they stand at `now`; an open one has climbed its ladder as far as
        the sweep would have taken it by now, each step an escalation."""
        rows, now = self.rows, self.now
        for clock in clocks:
            kind, team_id, owner, created, due = clock[1], clock[4], clock[5], clock[6], clock[7]
            if clock[8] is not None and clock[8] > now:  # not met yet
                clock[8] = clock[9] = None
                clock[10], clock[12], clock[13], clock[14], clock[15] = False, "", {}, None, None
            ladder = LADDERS[kind.value]
            level = ladder.first_step(created, due)
            step_at = ladder.step_at(level, due)
            if clock[8] is None:
                while level is not None and step_at <= now:
                    self.escalation(clock, level, step_at)
                    level = ladder.step_after(level)
                    step_at = ladder.step_at(level, due) if level is not None else None
            clock[16], clock[17] = level, step_at
            clock[13] = as_json(clock[13])
            rows.add("obligations", tuple(clock))

    def escalation(self, clock: list, level: EscalationLevel, step_at: datetime) -> None:
        rows, rng = self.rows, self.rng
        team = self.team_of.get(clock[4])
        manager = team.manager_id if team else self.staff.senior_id
        if level is EscalationLevel.SENIOR:
            recipient = None
        elif level is EscalationLevel.WARNING and clock[5] is not None:
            recipient = clock[5]
        else:
            recipient = None if clock[5] == manager else manager
        issued = step_at + timedelta(seconds=rng.randint(1, 60))
        acknowledged = by = None
        note = ""
        if level is not EscalationLevel.WARNING and rng.random() < 0.85:
            acknowledged = issued + timedelta(minutes=rng.randint(5, 2880))
            if acknowledged <= self.now:
                by, note = recipient or self.staff.senior_id, "Spoken to the worker; being chased"
            else:
                acknowledged = None
        rows.add("escalations", (rows.new_id("escalations"), clock[0], None, level, clock[4], recipient, step_at,
                                 min(issued, self.now), acknowledged, by, note, EmailStatus.SENT, 1, None,
                                 min(issued + timedelta(seconds=5), self.now), ""))



def pick(rng: random.Random, table: tuple[list, None, list]):
    """One value of a `_weights` table."""
    cumulative = table[2]
    return table[0][bisect_right(cumulative, rng.random() * cumulative[-1])]


def _factor_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code
