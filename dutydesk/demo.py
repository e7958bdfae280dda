"""Demo data for `make run`: teams, one user per role, and calls in every state. Demo only."""

from datetime import date, timedelta

from sqlalchemy import select
from stdnum.gb import upn as stdnum_upn

from dutydesk import rules
from dutydesk.absences import operations as absences
from dutydesk.people.operations import create_user
from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.children.duplicates import find_duplicates
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.governance import operations as governance
from dutydesk.work import operations as work
from dutydesk.models import AuditAnswer, AuditJudgement, Child, InboxChannel, Role, ScreeningOutcome, Team, TeamKind
from dutydesk.models.codes import (
    AbuseCategory,
    AssessmentFactor,
    Channel,
    ClosureReason,
    ConcernCategory,
    ConfirmationMethod,
    Disability,
    Ethnicity,
    InterpreterNeed,
    NoReferrerDetailsReason,
    PlanKind,
    PrimaryNeed,
    ReferralSource,
    Section47Outcome,
    Sex,
)

DEMO_PASSWORD = "dutydesk-demo"

#: What the census asks of each named child, as their school and family would tell the duty team:
#: sex, ethnicity, disabilities, and the serial of a UPN issued by a Haringey school (LA 309).
CHILDREN_DETAILS = {
    "Leo Martin": (Sex.MALE, Ethnicity.WHITE_BRITISH, [Disability.NONE], "309400419001"),
    "Amira Hassan": (Sex.FEMALE, Ethnicity.ASIAN_OTHER, [Disability.NONE], "309400411017"),
    "Kai Brown": (Sex.MALE, Ethnicity.CARIBBEAN, [Disability.NONE], "309400416023"),
    "Mia Novak": (Sex.FEMALE, Ethnicity.WHITE_OTHER, [Disability.NONE], "309400414042"),
    "Noah Price": (Sex.MALE, Ethnicity.WHITE_BLACK_CARIBBEAN, [Disability.NONE], None),
    "Anna Kouao": (Sex.FEMALE, Ethnicity.AFRICAN, [Disability.NONE], "309400418005"),
    "Ana Kouao": (Sex.FEMALE, Ethnicity.AFRICAN, [Disability.NONE], "309400418005"),
    "Ruby Adams": (Sex.FEMALE, Ethnicity.WHITE_BRITISH, [Disability.LEARNING], "309400419033"),
}


def _complete_records(children) -> None:
    """Give each named child's record what the census asks (the demo's calls are made without the
    call form, and nobody has yet corrected the records by hand). Demo only."""
    for child in children:
        details = CHILDREN_DETAILS.get(child.display_name)
        if details is None:  # the anonymous call's toddler: asked about, not yet known
            child.ethnicity = Ethnicity.NOT_OBTAINED
            continue
        child.sex, child.ethnicity, disabilities, serial = details
        child.disabilities = [code.value for code in disabilities]
        child.upn = _upn(serial) if serial else None


def _upn(serial: str) -> str:
    """A valid UPN from its last 12 characters: the check letter computed in front."""
    return stdnum_upn.calc_check_digit(serial) + serial


def seed() -> str:
    """Add the demo data and say what was added."""
    contact_centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
    north = Team(name="Duty and assessment North", kind=TeamKind.DUTY)
    south = Team(name="Duty and assessment South", kind=TeamKind.DUTY)
    ooh = Team(name="Out-of-hours team", kind=TeamKind.OUT_OF_HOURS)
    db.session.add_all([contact_centre, north, south, ooh])

    def person(username, name, roles, team):
        return create_user(username=username, display_name=name, password=DEMO_PASSWORD,
                           roles=roles, team=team, email=f"{username}@dutydesk.example")

    handler = person("handler", "Hannah Cole", [Role.CALL_HANDLER], contact_centre)
    worker = person("worker", "Wes Adebayo", [Role.DUTY_WORKER], north)
    manager = person("manager", "Maya Patel", [Role.DUTY_MANAGER], north)
    senior = person("senior", "Simon Reid", [Role.SENIOR_MANAGER], None)
    person("director", "Diane Okoro", [Role.DIRECTOR], None)
    person("admin", "Alex Morgan", [Role.ADMIN], None)
    priya = person("priya", "Priya Shah", [Role.DUTY_WORKER], north)
    tom = person("tom", "Tom Evans", [Role.DUTY_WORKER], south)
    south_manager = person("south", "Grace Lin", [Role.DUTY_MANAGER], south)
    person("ooh", "Olu Bello", [Role.DUTY_WORKER, Role.DUTY_MANAGER], ooh)
    contact_centre.manager, north.manager, south.manager, ooh.manager = senior, manager, south_manager, senior
    db.session.flush()

    now = now_utc()
    ago = lambda **kw: now - timedelta(**kw)  # noqa: E731

    def call(minutes_ago, child, concern, category, *, put_through_to=None, professional=False,
             crime=False, harm=False, team=north, referrer=None, reason=None):
        received = ago(minutes=minutes_ago)
        return calls.log_call(calls.CallDetails(
            received_at=received, channel=Channel.PHONE, children=[child], concern=concern,
            concern_category=category, team=team,
            flags=calls.Flags(is_possible_crime=crime, is_deliberate_harm_alleged=harm),
            referrer=referrer or calls.ReferrerDetails(),
            is_put_through=put_through_to is not None, put_through_to=put_through_to,
            no_referrer_details_reason=reason,
        ), by=handler, now=received + timedelta(minutes=4))

    def child(name, age, address, language="English", need=InterpreterNeed.NOT_NEEDED):
        """A named child's date of birth is known (about `age` years ago); an unnamed one's age is a guess."""
        born = to_london(now).date().replace(day=1) - timedelta(days=365 * age + 120) if name else None
        return calls.ChildDetails(name=name, is_name_known=bool(name), approximate_age=None if born else age,
                                  date_of_birth=born, address=address, first_language=language,
                                  interpreter_need=need)

    teacher = calls.ReferrerDetails(
        name="Ms Joan Fraser", role="Class teacher", agency="Tottenham Hale Primary School",
        address="Chesnut Road, London N17", phone="020 8800 0001", email="j.fraser@example.org",
        is_professional=True, source=ReferralSource.SCHOOLS)
    neighbour = calls.ReferrerDetails(
        name="Mr Kofi Mensah", role="Neighbour", address="14 Lansdowne Road, London N17",
        phone="07700 900123", source=ReferralSource.ACQUAINTANCE)
    nurse = calls.ReferrerDetails(
        name="Nurse Ama Owusu", role="Paediatric nurse", agency="North Middlesex Hospital",
        address="Sterling Way, London N18", phone="020 8887 2000", is_professional=True,
        source=ReferralSource.A_AND_E)

    # Just logged: both hand-offs open, well within the hour.
    call(10, child("Leo Martin", 6, "22 Park Lane, London N17", ), "Child came to school with bruising to "
         "the face and said his stepfather hit him.", ConcernCategory.PHYSICAL_ABUSE, professional=True,
         referrer=teacher, crime=True, harm=True)
    # Overdue: logged 75 minutes ago, nobody told, nobody accepted.
    call(75, child("", 3, "Flat 3, 9 West Green Road, London N15"), "Toddler heard crying for hours; "
         "no adult seen coming or going for two days.", ConcernCategory.NEGLECT,
         reason=NoReferrerDetailsReason.ANONYMOUS, referrer=calls.ReferrerDetails(source=ReferralSource.ANONYMOUS))
    # Put through at once, waiting for a duty worker to accept in writing.
    call(25, child("Amira Hassan", 14, "5 Seven Sisters Road, London N15", "Arabic", InterpreterNeed.NEEDED),
         "Young person disclosed to a neighbour that she is kept home to care for siblings.",
         ConcernCategory.NEGLECT, put_through_to=worker, referrer=neighbour)
    # Accepted, referrer's confirmation still to come (48 hours).
    accepted = call(300, child("Kai Brown", 9, "31 Broadwater Road, London N17"),
                    "A&E attendance with a fracture; the explanation does not fit the injury.",
                    ConcernCategory.PHYSICAL_ABUSE, put_through_to=priya, referrer=nurse, crime=True, harm=True)
    calls.accept_handoff(accepted, by=priya, now=ago(minutes=280))
    calls.record_police_informed(accepted, informed_at=ago(minutes=270), officer="DC Sam Hale, CAIT",
                                 police_reference="CAD 4411/21", by=priya, now=ago(minutes=268))
    # Everything met: accepted, confirmed, police told, child seen.
    done = call(60 * 30, child("Mia Novak", 11, "2 Bruce Grove, London N17", "Polish", InterpreterNeed.NEEDED),
                "School reports Mia said her father's friend touched her.", ConcernCategory.SEXUAL_ABUSE,
                put_through_to=worker, referrer=teacher, crime=True, harm=True)
    calls.accept_handoff(done, by=worker, now=ago(minutes=60 * 30 - 20))
    calls.record_police_informed(done, informed_at=ago(minutes=60 * 30 - 40), officer="PC Ruth Ames 1234",
                                 police_reference="CRIS 0101/26", by=worker, now=ago(minutes=60 * 30 - 41))
    calls.record_child_seen(done, done.children[0], seen_at=ago(hours=20), seen_by=worker, is_seen_alone=True,
                            is_spoken_to=True, by=worker, now=ago(hours=19))
    calls.record_referrer_confirmation(done, received_at=ago(hours=26), method=ConfirmationMethod.SECURE_EMAIL,
                                       reference="THP-2231", by=worker, now=ago(hours=25))
    # A late hand-off, for the South team.
    late = call(200, child("Noah Price", 0, "Hostel, 40 High Road, London N22"),
                "Mother in crisis at a hostel with a baby; says she cannot cope.", ConcernCategory.FAMILY_STRESS,
                team=south, referrer=calls.ReferrerDetails(
                    name="Ben Carter", role="Hostel manager", agency="High Road Hostel",
                    address="40 High Road, London N22", phone="020 8800 0040", is_professional=True,
                    source=ReferralSource.HOUSING))
    calls.record_verbal_handoff(late, to=tom, at=ago(minutes=110), by=handler, now=ago(minutes=110))
    calls.accept_handoff(late, by=tom, now=ago(minutes=105))

    # Cases: Mia's referral allocated to Wes after a strategy discussion with the police; Kai's
    # referred and waiting for a worker, with a contingency; Noah's being transferred to North.
    cases.record_screening_decision(done, done.children[0], outcome=ScreeningOutcome.STRATEGY_DISCUSSION,
                                    rationale="Disclosure of sexual abuse: section 47 threshold met.",
                                    is_joint_investigation=True, social_care_manager=manager, by=worker,
                                    now=ago(hours=24))
    mia = cases.get_referral(done.children[0])
    cases.allocate_case(mia, to=worker, by=manager, now=ago(hours=23))
    mia_discussion = cases.record_strategy_discussion(
        done, done.children[0], held_at=ago(hours=22),
        attendees=[cases.Attendee("Maya Patel", "Children's social care"), cases.Attendee("DC Sam Hale", "Police CAIT"),
                   cases.Attendee("Dr Rosa Lind", "Health")],
        record="Joint visit agreed; ABE interview to be arranged; father's friend not to have contact.",
        action_points=[cases.ActionPoint("Arrange the ABE interview with CAIT", worker,
                                         rules.end_of_working_day((now + timedelta(days=2)).date()))],
        circulated_to="DC Sam Hale; Dr Rosa Lind; school DSL", circulated_at=ago(hours=21),
        review_on=(now + timedelta(days=7)).date(), by=manager, now=ago(hours=21),
        social_care_manager=manager)
    # The section 47 enquiry that followed it found an initial child protection conference needed
    # (its clock runs 15 working days from the discussion); the conference was held today and put
    # Mia on a child protection plan.
    today = to_london(now).date()
    enquiry = casework.start_section47(mia, started_on=to_london(ago(hours=21)).date(),
                                       discussion=mia_discussion, by=worker, now=ago(hours=20))
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=today, by=worker,
                                      now=ago(minutes=30))
    casework.record_conference(enquiry, held_on=today, by=worker, now=ago(minutes=20))
    casework.start_plan(mia, kind=PlanKind.CHILD_PROTECTION, started_on=today, category=AbuseCategory.SEXUAL,
                        by=worker, now=ago(minutes=15))
    cases.record_screening_decision(accepted, accepted.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained fracture in a 9-year-old: assessment needed.",
                                    by=priya, now=ago(minutes=200))
    cases.record_unallocated(cases.get_referral(accepted.children[0]),
                             reason="No worker with capacity until Monday",
                             contingency="Duty worker phones mother daily; school nurse sees Kai each morning",
                             by=manager, now=ago(minutes=190))
    work.add_action(accepted, title="Request the hospital's skeletal survey results", owner=priya,
                    due_at=now + timedelta(hours=3), by=manager, now=ago(minutes=185),
                    child=accepted.children[0])
    cases.record_screening_decision(late, late.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Baby in a hostel with a mother who cannot cope.", by=tom,
                                    now=ago(minutes=100))
    cases.request_transfer(cases.get_referral(late.children[0]), to_team=north,
                           reason="Family moved to a flat in Tottenham", by=south_manager, now=ago(minutes=90))
    # Both assessments begin the day of the referral, whoever is to hold the case.
    for referred_call, by in ((accepted, manager), (late, south_manager)):
        casework.start_assessment(cases.get_referral(referred_call.children[0]),
                                  started_on=to_london(ago(minutes=80)).date(), by=by, now=ago(minutes=80))
    # R2.5: one child known under two spellings, the failure the inquiry was about. Anna Kouao's
    # referral is open in North; a later call about "Ana Kouao", with the same date of birth and
    # address, is handed to South. Each call has made a child's record of its own: the demo's calls
    # are logged without the call form, so no records check was made; on the form, the check offers
    # Anna as "likely the same child" while the second call is taken, and will not let it be saved
    # until the call handler says whether she is.
    kouao_born, kouao_home = date(2018, 11, 2), "Flat 4, 12 Somerset Gardens, London N17 8JX"
    anna = call(60 * 24 * 3, calls.ChildDetails(
        name="Anna Kouao", is_name_known=True, date_of_birth=kouao_born, address=kouao_home,
        first_language="French", interpreter_need=InterpreterNeed.NOT_NEEDED),
        "Anna was brought to A&E with marks on her legs; her great-aunt says she fell down the stairs.",
        ConcernCategory.PHYSICAL_ABUSE, put_through_to=worker, referrer=nurse, harm=True)
    calls.accept_handoff(anna, by=worker, now=ago(hours=71))
    calls.record_child_seen(anna, anna.children[0], seen_at=ago(hours=60), seen_by=worker, is_seen_alone=False,
                            is_spoken_to=True, by=worker, now=ago(hours=59))
    cases.record_screening_decision(anna, anna.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks; the explanation does not fit them.", by=worker,
                                    now=ago(hours=58))
    cases.allocate_case(cases.get_referral(anna.children[0]), to=worker, by=manager, now=ago(hours=57))
    # After the referral: Anna's assessment, authorised by Maya after Anna and her great-aunt were
    # seen, found two needs: one met by a service, one waiting with the reason why.
    day_of = lambda moment: to_london(moment).date()  # noqa: E731
    anna_case = cases.get_referral(anna.children[0])
    assessment = casework.start_assessment(anna_case, started_on=day_of(ago(hours=56)), by=worker,
                                           now=ago(hours=56))
    casework.record_seen(assessment, child_seen_on=day_of(ago(hours=50)), is_child_seen_alone=True,
                         carers_seen_on=day_of(ago(hours=30)), by=worker, now=ago(hours=29))
    casework.complete_assessment(assessment, casework.Conclusion(
        completed_on=day_of(ago(hours=6)), requires_service=True,
        factors=[AssessmentFactor.PHYSICAL_ABUSE_ADULT_ON_CHILD, AssessmentFactor.NEGLECT],
        primary_need=PrimaryNeed.ABUSE_OR_NEGLECT,
        summary="Marks consistent with being hit; Anna is underfed and kept from school. Her great-aunt denies it.",
        needs=["Safe care: a home where Anna is not hit", "A school place and regular attendance"]),
        by=worker, now=ago(hours=6))
    casework.authorise_assessment(assessment, note="Read with Wes. The needs are right; start the family "
                                                   "support now and press the school admissions team.",
                                  by=manager, now=ago(hours=3))
    casework.start_service(assessment.needs[0], what="Family support worker, three visits a week",
                           provided_by="Haringey family support team", started_on=day_of(ago(hours=2)), by=worker,
                           now=ago(hours=2))
    casework.record_not_yet(assessment.needs[1], reason="No school place offered yet: the admissions team "
                                                        "replies within ten school days", by=worker,
                            now=ago(hours=2))
    casework.start_plan(anna_case, kind=PlanKind.CHILD_IN_NEED, started_on=day_of(ago(hours=2)), category=None,
                        by=worker, now=ago(hours=1))
    # A case closed after its assessment: deliberate harm was alleged, so each R26/40 check is
    # answered before it closes, one of them with the reason it was not done.
    closed = call(60 * 24 * 21, child("Ruby Adams", 7, "8 Dongola Road, London N17"),
                  "Ruby told a dinner lady her mother's boyfriend pushed her down the stairs.",
                  ConcernCategory.PHYSICAL_ABUSE, put_through_to=worker, harm=True, referrer=neighbour)
    calls.accept_handoff(closed, by=worker, now=ago(days=21) + timedelta(minutes=10))
    calls.record_child_seen(closed, closed.children[0], seen_at=ago(days=21) + timedelta(hours=3), seen_by=worker,
                            is_seen_alone=True, is_spoken_to=True, by=worker, now=ago(days=21) + timedelta(hours=3))
    cases.record_screening_decision(closed, closed.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="An allegation of being pushed: assessment needed.", by=worker,
                                    now=ago(days=21) + timedelta(hours=4))
    ruby = cases.get_referral(closed.children[0])
    cases.allocate_case(ruby, to=worker, by=manager, now=ago(days=20))
    ruby_assessment = casework.start_assessment(ruby, started_on=day_of(ago(days=20)), by=worker, now=ago(days=20))
    casework.record_seen(ruby_assessment, child_seen_on=day_of(ago(days=18)), is_child_seen_alone=True,
                         carers_seen_on=day_of(ago(days=17)), by=worker, now=ago(days=17))
    casework.complete_assessment(ruby_assessment, casework.Conclusion(
        completed_on=day_of(ago(days=10)), requires_service=False, factors=[AssessmentFactor.NO_FACTORS],
        primary_need=PrimaryNeed.NOT_IN_NEED,
        summary="The boyfriend left before the call; Ruby and her mother are safe and well supported.", needs=[]),
        by=worker, now=ago(days=10))
    casework.authorise_assessment(ruby_assessment, note="Agreed: no further action.", by=manager, now=ago(days=9))
    checks = {name: casework.ClosureCheck(True) for name in ("child_seen_alone", "carers_seen", "home_visited")}
    checks["professionals_consulted"] = casework.ClosureCheck(
        False, "The GP did not reply to two requests; the school had no concerns")
    casework.close_case(ruby, closed_on=day_of(ago(days=8)), reason=ClosureReason.NFA_AFTER_ASSESSMENT, note="",
                        checks=checks, by=manager, now=ago(days=8))
    call(40, calls.ChildDetails(
        name="Ana Kouao", is_name_known=True, date_of_birth=kouao_born, address=kouao_home,
        first_language="French", interpreter_need=InterpreterNeed.NOT_NEEDED),
        "Childminder worried: Ana arrives hungry and flinches when her great-aunt collects her.",
        ConcernCategory.NEGLECT, team=south, put_through_to=tom, referrer=calls.ReferrerDetails(
            name="Mrs Priscilla Cameron", role="Childminder", address="3 Somerset Road, London N17",
            phone="020 8800 0077", source=ReferralSource.ACQUAINTANCE))
    # R50: a letter has waited on Priya's desk for six days; she is off sick from this morning and
    # Wes covers, so the phone message left for her since goes to him.
    absences.record_inbox_item(priya, channel=InboxChannel.POST, sender="Tottenham Hale Primary School",
                               summary="Attendance record for Kai Brown, as asked for at the strategy meeting",
                               received_at=ago(days=6), by=handler, now=ago(days=6))
    absences.record_absence(priya, starts_at=ago(hours=2), ends_at=now + timedelta(days=2), cover=worker,
                            reason="Sick leave", by=manager, now=ago(hours=2))
    absences.record_inbox_item(priya, channel=InboxChannel.PHONE, sender="Kai Brown's mother",
                               summary="Asks to move tomorrow's home visit to the afternoon; call back on 07700 900456",
                               received_at=ago(minutes=40), by=handler, now=ago(minutes=35))
    _complete_records(db.session.scalars(select(Child)).all())
    # The duplicates list, made as the scheduler makes it daily: Anna and Ana Kouao at its top.
    scan = find_duplicates(now)
    # Governance: Maya has read and signed Anna's case file (R45); last month's report of
    # unallocated cases, made as the scheduler makes it on the first working day (R54), holds Kai
    # and Noah; Simon has drawn this quarter's file audit and recorded his findings on one file (R30).
    governance.sign_off_case(anna_case, note="Read with Wes: the plan is clear. Chase the school place weekly and "
                                             "record each call.", by=manager, now=ago(hours=1))
    report = governance.make_monthly_report(rules.latest_month_reported(now), now=now)
    audit = governance.draw_audit(rules.quarter_start(today), size=3, by=senior, now=ago(minutes=30))
    first = audit.files[0]
    signed = AuditAnswer.YES if first.referral_id == anna_case.id else AuditAnswer.NO
    governance.record_finding(
        first, judgement=AuditJudgement.REQUIRES_IMPROVEMENT,
        answers={"records_checked": AuditAnswer.YES, "child_seen": AuditAnswer.YES, "timescales_met": AuditAnswer.YES,
                 "purpose_clear": AuditAnswer.NO, "supervised": signed},
        findings="The work is timely, but the file does not say what the worker is to do next or how the work "
                 "will be reviewed.", actions="Team manager to record the purpose of the work and its review date.",
        by=senior, now=ago(minutes=20))
    return ("Demo data added: 4 teams, 10 users (password 'dutydesk-demo'), 9 calls "
            "(open, overdue, put through, accepted, all met, met late, two about one child under two "
            "spellings, in North and South, and one whose case closed), each child with a record of their own, "
            "5 cases (allocated after a strategy discussion, with a section 47 enquiry, its conference and a child "
            "protection plan; unallocated with a contingency; being transferred; allocated with an authorised "
            "assessment, two needs, one service; and closed after its assessment), "
            f"1 absence with cover and 2 items of post and messages, {scan.pairs} pair(s) of records likely "
            f"the same child on the list of duplicates, the monthly report of unallocated cases for "
            f"{report.month:%B %Y}, this quarter's file audit ({len(audit.files)} files, findings on one) and a "
            "manager's sign-off of a case file. The scheduler issues the escalations due.")
