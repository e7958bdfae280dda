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

The call and its children are told here, what follows a referral in benchmarks/casework_cases.py,
and the shares and the words of it all are in benchmarks/casework_words.py.

Every row is final: nothing written is changed afterwards (the append-only and end-only tables'
rows included), so rows can go straight into the database in bulk.
"""

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from stdnum.gb import upn as stdnum_upn

from benchmarks.casework_cases import Cases
from benchmarks.casework_words import (AGENCIES, ANYONE, BOYS, CATEGORIES, CHANNELS, CHILDREN_PER_CALL, CONCERNS,
                                       DISABILITY_CODES, ETHNICITIES, GIRLS, HARM_CATEGORIES, INDIVIDUAL_SOURCES,
                                       LANGUAGES, MISSPELT, NICKNAMES, OUTCOMES, POSTCODES, PROFESSIONAL_SOURCES,
                                       RATIONALES, RELATIONS, STREETS, SURNAMES, _weights, pick)
from benchmarks.kept import as_json
from dutydesk import rules
from dutydesk.children.normalise import normalise_address, parse_postcode, split_name
from dutydesk.clock import LONDON, as_utc, to_london
from dutydesk.models.codes import (Channel, ConcernCategory, ConfirmationMethod, InterpreterNeed, NameKind,
                                   NoReferrerDetailsReason, ReferralSource, Sex)
from dutydesk.models.escalations import EmailStatus
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
    "referrals": ("id", "contact_id", "child_id", "child_record_id", "team_id", "referred_on", "source", "created_at",
                  "is_nfa", "nfa_at", "worker_id", "allocated_at", "unallocated_reason", "unallocated_since",
                  "contingency"),
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


class Casework(Cases):
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
            self.referral(contact_id, child_id, kid[2], name, team, received, decided, worker, harm, crime, source,
                          outcome, clocks)
        call_clocks.extend(clocks)

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
