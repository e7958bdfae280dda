"""The story of a referral (benchmarks/casework_rows.py tells the call before it): allocation, a
transfer now and then, no further action or a strategy discussion, a section 47 enquiry, its conference
and plans, the assessment with its needs and services, and the closure that comes after them all.
`Cases` is the part of `Casework` that tells it: it reads and writes the story's own state (its random
numbers, rows, calendar and `now`) through `self`."""

from datetime import date, timedelta

from benchmarks.casework_words import (ACTIONS, ATTENDEES, CATEGORIES_OF_ABUSE, CLOSE_REQUIRING, CLOSURE_NOTES,
                                       COMMON_FACTORS, FACTORS, NEED_WORDS, NEEDS_PER_CHILD, NEEDS_WHEN_NOT,
                                       NEEDS_WHEN_REQUIRED, NOT_YET, SECTION47_OUTCOMES, SERVICES, _factor_order,
                                       pick)
from benchmarks.kept import as_json
from dutydesk import rules
from dutydesk.cases.operations import AWAITING_ALLOCATION
from dutydesk.clock import to_london
from dutydesk.models.casework import CLOSURE_CHECKS
from dutydesk.models.cases import ScreeningOutcome
from dutydesk.models.codes import ClosureReason, PlanKind, Section47Outcome
from dutydesk.models.work import ObligationKind

DAY = timedelta(days=1)


class Cases:
    """What follows a referral, as `Casework` tells it."""


    def referral(self, contact_id, child_id, record_id, name, team, received, decided, worker, harm, crime, source,
                 outcome, clocks) -> None:
        rng, rows, calendar = self.rng, self.rows, self.calendar
        self._closes, self._open_ends = [], []
        rand, randint = rng.random, rng.randint
        referral_id = rows.new_id("referrals")
        referred_on = self.calendar.london_date(decided)
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
            referral_id, contact_id, child_id, record_id, case_team.id, referred_on, source, decided, nfa_at is not None,
            nfa_at, case_worker, allocated_at, unallocated, None if case_worker else decided,
            "" if case_worker or unallocated == AWAITING_ALLOCATION else "The team manager rings the family weekly"))

    def transfer(self, referral_id, contact_id, child_id, name, team, allocated_at, case_worker, clocks):
        rng, rows = self.rng, self.rows
        to = rng.choice([other for other in self.duty_teams if other.id != team.id])
        requested = self.office_time(self.calendar.london_date(allocated_at) + timedelta(days=rng.randint(0, 10)),
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

    def strategy_discussion(self, contact_id, child_id, name, team, decided, holder, clocks, events):
        """R51: the discussion, who took part, its action points and its review; returns its id and when."""
        rng, rows = self.rng, self.rows
        randint = rng.randint
        held = self.office_time(self.calendar.london_date(decided) + timedelta(days=randint(0, 2)), decided)
        circulated = held + timedelta(hours=randint(1, 20))
        recorded = circulated + timedelta(minutes=randint(5, 120))
        if recorded > self.now:
            return None
        review_on = self.calendar.london_date(held) + timedelta(days=randint(10, 20))
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
            due = rules.end_of_working_day(self.calendar.london_date(recorded) + timedelta(days=randint(1, 10)))
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
            reviewed_on = max(reviewed_on, self.calendar.london_date(held))
            review_recorded = self.office_time(reviewed_on, recorded)
            if review_recorded <= self.now:
                self.meet(review, min(max(rules.start_of_working_day(reviewed_on), held), review_recorded), holder)
                rows.add("strategy_reviews", (rows.new_id("strategy_reviews"), discussion_id, reviewed_on,
                                              team.manager_id, "Actions done; the enquiry continues.",
                                              review_recorded, holder))
                self.event(contact_id, review_recorded, holder, "strategy_reviewed",
                           f"Strategy discussion about {name} reviewed on {reviewed_on:%-d %B %Y}", child_id)
                events.append(reviewed_on)
        events.append(self.calendar.london_date(recorded))
        return discussion_id, held

    def section47(self, referral_id, contact_id, child_id, name, team, received, decided, discussion,
                  holder, clocks, events) -> None:
        rng, rows = self.rng, self.rows
        randint = rng.randint
        held = discussion[1] if discussion else None
        started_on = self.calendar.london_date(held or decided)
        recorded = self.office_time(started_on, held or decided)
        if recorded > self.now:
            return
        enquiry_id = rows.new_id("section47_enquiries")
        outcome = pick(rng, SECTION47_OUTCOMES)
        outcome_on = started_on + timedelta(days=randint(3, 15))
        outcome_at = self.office_time(outcome_on, recorded)
        outcome_on = self.calendar.london_date(outcome_at)
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
            target, obligation_id = self.calendar.london_date(due), clock[0]
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

    def assessment(self, referral_id, contact_id, child_id, name, team, decided, holder, clock,
                   events) -> None:
        """R25: started, the child and the carers seen, the conclusion, a manager's authorisation."""
        rng, rows = self.rng, self.rows
        randint, rand = rng.randint, rng.random
        referred_on = self.calendar.london_date(decided)
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
        completed_on = self.calendar.london_date(completed_at)
        authorised_at = self.office_time(completed_on + timedelta(days=randint(0, 7)), completed_at)
        authorised_on = self.calendar.london_date(authorised_at)
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

    def closure(self, referral_id, contact_id, child_id, name, team, referred_on, holder, harm, clocks,
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
