"""Demo data for `make run`: teams, one user per role, and calls in every state. Demo only."""

from datetime import timedelta

from dutydesk.auth.operations import create_user
from dutydesk.clock import now_utc
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, Team, TeamKind
from dutydesk.models.codes import (
    Channel,
    ConcernCategory,
    ConfirmationMethod,
    InterpreterNeed,
    NoReferrerDetailsReason,
    ReferralSource,
)

DEMO_PASSWORD = "dutydesk-demo"


def seed() -> str:
    """Add the demo data and say what was added."""
    contact_centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
    north = Team(name="Duty and assessment North", kind=TeamKind.DUTY)
    south = Team(name="Duty and assessment South", kind=TeamKind.DUTY)
    ooh = Team(name="Out-of-hours team", kind=TeamKind.OUT_OF_HOURS)
    db.session.add_all([contact_centre, north, south, ooh])

    def person(username, name, roles, team):
        return create_user(username=username, display_name=name, password=DEMO_PASSWORD,
                           roles=roles, team=team)

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
        return calls.ChildDetails(name=name, is_name_known=bool(name), approximate_age=age, address=address,
                                  first_language=language, interpreter_need=need)

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
    calls.record_child_seen(done, done.children[0], seen_at=ago(hours=20), seen_by=worker, by=worker,
                            now=ago(hours=19))
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
    return ("Demo data added: 4 teams, 10 users (password 'dutydesk-demo'), 6 calls "
            "(open, overdue, put through, accepted, all met, met late).")
