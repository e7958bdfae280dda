"""R58: a child's chronology is every event recorded about them, once each, in time order."""


from sqlalchemy import event, select

from dutydesk.cases import operations as cases
from dutydesk.children.chronology import ChronologyKind as K
from dutydesk.children.chronology import list_chronology, list_contact_ids
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import ContactEvent, ScreeningOutcome
from dutydesk.people.operations import deactivate_user
from dutydesk.work import operations as work
from tests.factories import child_details, create_contact

from .conftest import GP, t

#: Leo's day: when (London, which is UTC in November), what kind, what it says, and who did it.
LEOS_DAY = [
    ("09:00", K.CALL_RECEIVED, "From Dr Joan Fraser (GP, Bruce Grove Surgery), by phone: Physical abuse; possible "
                               "crime; deliberate harm alleged; handed to Duty North", "Hana Cole"),
    ("09:20", K.HANDOFF, "Details passed verbally to Ben Osei", "Hana Cole"),
    ("09:30", K.HANDOFF, "Accepted in writing by Duty North", "Ben Osei"),
    ("09:40", K.POLICE_INFORMED, "Police informed: told PC 4411 Khan, police reference CAD 123", "Ben Osei"),
    ("09:50", K.REFERRER_CONFIRMATION, "Referrer's written confirmation received by secure e-mail, reference BGS-77",
     "Ben Osei"),
    ("10:00", K.SCREENING_DECISION, "Screening decision: Referral to children's social care", "Ben Osei"),
    ("10:00", K.REFERRAL, "Referred to children's social care: a case opened in Duty North", "Ben Osei"),
    ("10:15", K.ACTION, "Action added for Ben Osei, due 11:00 on 23 November 2026: Ring the school", "Ben Osei"),
    ("10:20", K.ESCALATION, "Warning to Ben Osei: Ring the school is due soon", None),
    ("10:30", K.CHILD_SEEN, "Seen by Ben Osei, alone, spoken to", "Ben Osei"),
    ("10:50", K.ACTION, "Action added for Cora Lind, due 17:00 on 24 November 2026: Ask the GP for the family's "
                        "records", "Mo Patel"),
    ("11:05", K.ESCALATION, "Ring the school overdue: escalated to Mo Patel", None),
    ("11:10", K.ESCALATION, "Escalation acknowledged: Ring the school (overdue: duty manager)", "Mo Patel"),
    ("11:15", K.ACTION, "Ring the school (Leo Martin) reassigned from Ben Osei to Cora Lind", "Mo Patel"),
    ("11:30", K.ACTION, "Action done: Ring the school (Attendance is fine)", "Cora Lind"),
    ("12:00", K.STRATEGY_DISCUSSION, "Strategy discussion held: 2 people took part (Bruce Grove Surgery, Police)",
     "Ben Osei"),
    ("12:30", K.ACTION, "Action added for Ben Osei, due 12:00 on 24 November 2026: Joint visit with the police",
     "Ben Osei"),
    ("13:00", K.ALLOCATION, "Case of Leo Martin allocated to Ben Osei", "Mo Patel"),
    ("13:30", K.ALLOCATION, "Case of Leo Martin taken from Ben Osei: Ben is off sick. Contingency: Cora rings the "
                            "family daily", "Mo Patel"),
    ("14:00", K.TRANSFER, "Transfer from Duty North to Duty South requested", "Mo Patel"),
    ("14:30", K.TRANSFER, "Duty South accepted the transfer from Duty North", "Sol Adeyemi"),
]


def lines(events):
    return [(f"{e.at:%H:%M}", e.kind, e.summary, e.by) for e in events]


def test_a_call_through_everything_gives_the_child_every_event_once_in_time_order(story):
    events = list_chronology([story.leo.id])

    assert lines(events) == LEOS_DAY
    assert len({e.source for e in events}) == len(events)  # no record told twice
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert {e.contact_id for e in events} == {story.contact.id}
    assert {e.contact_reference for e in events} == {story.contact.reference}


def test_each_event_keeps_its_details_and_what_it_belongs_to(story):
    events = {(f"{e.at:%H:%M}", e.kind): e for e in list_chronology([story.leo.id])}
    referral = cases.get_referral(story.leo)

    assert events["09:00", K.CALL_RECEIVED].details == story.contact.concern
    assert events["09:00", K.CALL_RECEIVED].child_id is None  # the call is about both children
    assert events["10:00", K.SCREENING_DECISION].details == "Bruising; second call"
    assert events["10:00", K.SCREENING_DECISION].child_id == story.leo.id
    assert events["11:10", K.ESCALATION].details == "Ben is out on a visit; Cora will ring"
    assert events["14:00", K.TRANSFER].details == "The family moved south"
    assert events["12:00", K.STRATEGY_DISCUSSION].details == "Record sent to DS Khan, Dr Fraser at 12:20 on 23 Nov 2026"
    assert events["12:00", K.STRATEGY_DISCUSSION].discussion_id is not None
    for moment in ("10:00", "13:00", "13:30", "14:00", "14:30"):
        case_event = next(e for (at, _), e in events.items() if at == moment and e.kind is not K.SCREENING_DECISION)
        assert case_event.referral_id == referral.id, moment
    assert events["10:50", K.ACTION].child_id is None  # an action about the whole call


def test_the_other_child_of_the_call_has_the_calls_events_and_their_own_but_none_of_leos(story):
    events = list_chronology([story.ava.id])

    assert lines(events) == [
        *LEOS_DAY[:5],  # the call, its hand-offs, the police and the referrer's confirmation
        ("10:05", K.SCREENING_DECISION, "Screening decision: No further action", "Ben Osei"),
        ("10:35", K.CHILD_SEEN, "Seen by Ben Osei, not alone, not spoken to", "Ben Osei"),
        ("10:50", K.ACTION, "Action added for Cora Lind, due 17:00 on 24 November 2026: Ask the GP for the family's "
                            "records", "Mo Patel"),
    ]


def test_the_chronology_is_filtered_by_kind(story):
    events = list_chronology([story.leo.id], kinds=[K.ESCALATION, K.TRANSFER])

    assert lines(events) == [line for line in LEOS_DAY if line[1] in (K.ESCALATION, K.TRANSFER)]
    assert lines(list_chronology([story.leo.id], kinds=[K.RECORDS_CHECK])) == []
    assert lines(list_chronology([story.leo.id], kinds=[])) == LEOS_DAY  # none ticked: everything


def test_a_referral_ending_in_no_further_action_closes_the_case_just_after_the_decision(story):
    referral = cases.get_referral(story.leo)
    cases.record_screening_decision(story.contact, story.leo, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Family engaging with early help", by=story.people["sol"],
                                    now=t("15:00"))

    assert lines(list_chronology([story.leo.id]))[-2:] == [
        ("15:00", K.SCREENING_DECISION, "Screening decision: No further action", "Sol Adeyemi"),
        ("15:00", K.CLOSURE, "Case closed: the referral ended in no further action", "Sol Adeyemi"),
    ]
    assert referral.is_nfa


def test_two_calls_about_the_same_child_make_one_time_line(story):
    people = story.people
    again = create_contact(t("09:10", "2026-11-24"), team=story.teams["south"], by=people["hana"],
                           children=[child_details(name="Leo Martin", approximate_age=7)],
                           now=t("09:12", "2026-11-24"))
    leo_again = again.children[0]
    # Before the second call came in, the first call's strategy action was added; after it,
    # South decides on the second call.
    cases.record_screening_decision(again, leo_again, outcome=ScreeningOutcome.ADVICE, rationale="Known to South",
                                    by=people["sol"], now=t("09:40", "2026-11-24"))
    db.session.commit()

    events = list_chronology([story.leo.id, leo_again.id])

    assert lines(events)[:len(LEOS_DAY)] == LEOS_DAY
    assert [(f"{e.at:%d %H:%M}", e.kind, e.contact_id) for e in events[len(LEOS_DAY):]] == [
        ("24 09:10", K.CALL_RECEIVED, again.id),
        ("24 09:40", K.HANDOFF, again.id),  # deciding on a call nobody had accepted accepts it
        ("24 09:40", K.SCREENING_DECISION, again.id),
    ]
    assert list_contact_ids([story.leo.id, leo_again.id]) == sorted([story.contact.id, again.id])


def test_a_line_of_the_calls_history_about_one_child_is_in_that_childs_chronology_alone(story):
    ben, mo = story.people["ben"], story.people["mo"]
    gp = work.add_action(story.contact, title="Ask the GP for the family's records", owner=ben,
                         due_at=t("17:00", "2026-11-25"), by=mo, now=t("15:00"))
    avas = work.add_action(story.contact, title="Ring the nursery", owner=ben, due_at=t("17:00", "2026-11-25"),
                           by=mo, now=t("15:05"), child=story.ava)
    work.reassign_obligation(gp, to=story.people["cora"], by=mo, now=t("15:10"))  # about the whole call
    work.reassign_obligation(avas, to=story.people["cora"], by=mo, now=t("15:15"))  # about Ava

    leo, ava = list_chronology([story.leo.id]), list_chronology([story.ava.id])

    reassigned = "reassigned from Ben Osei to Cora Lind"
    assert [e.summary for e in leo if reassigned in e.summary and e.at >= t("15:00")] == [
        f"Ask the GP for the family's records ({story.contact.reference}) {reassigned}"]
    assert [e.summary for e in ava if reassigned in e.summary] == [
        f"Ask the GP for the family's records ({story.contact.reference}) {reassigned}",
        f"Ring the nursery (Ava Martin) {reassigned}"]
    assert not any("Leo Martin" in e.summary for e in ava)


def test_a_leavers_work_on_the_whole_call_and_on_one_child_is_in_both_childrens_chronologies(story):
    ben, mo = story.people["ben"], story.people["mo"]
    work.add_action(story.contact, title="Ring the GP", owner=ben, due_at=t("17:00", "2026-11-25"), by=mo,
                    now=t("15:00"))
    work.add_action(story.contact, title="Ring the nursery", owner=ben, due_at=t("17:00", "2026-11-25"), by=mo,
                    now=t("15:05"), child=story.ava)
    deactivate_user(ben, now=t("16:00"))

    left = (f"Ben Osei left: Ring the GP ({story.contact.reference}); Ring the nursery (Ava Martin) now with "
            "Duty North, with no named owner")
    assert lines(list_chronology([story.leo.id]))[-1] == ("16:00", K.ACTION, left, "Ben Osei")
    assert lines(list_chronology([story.ava.id]))[-1] == ("16:00", K.ACTION, left, "Ben Osei")


def test_the_chronology_reads_a_fixed_number_of_queries_however_many_calls_and_events(story):
    def statements(ids) -> int:
        executed = []

        def count(*args):
            executed.append(args[2])

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            list_chronology(ids)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(executed)

    with_one_call = statements([story.leo.id])
    ids = [story.leo.id]
    people = story.people
    for day in range(24, 29):
        contact = create_contact(t("09:00", f"2026-11-{day}"), team=story.teams["north"], by=people["hana"],
                                 referrer=GP, children=[child_details(name="Leo Martin")])
        child = contact.children[0]
        cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Again",
                                        by=people["ben"], now=t("09:30", f"2026-11-{day}"))
        cases.allocate_case(cases.get_referral(child), to=people["ben"], by=people["mo"],
                            now=t("09:40", f"2026-11-{day}"))
        work.add_action(contact, title="Visit", owner=people["cora"], due_at=t("10:30", f"2026-11-{day}"),
                        by=people["mo"], now=t("09:45", f"2026-11-{day}"), child=child)
        ids.append(child.id)
    db.session.commit()
    sweep(t("12:00", "2026-11-28"), send_email=False)  # the visits and hand-offs are overdue

    events = list_chronology(ids)
    assert len(events) > 2 * len(LEOS_DAY)
    assert sum(e.kind is K.ESCALATION for e in events) > 10
    # 16: the records of calls and cases, those of child protection (enquiries, plans, reviews) and
    # the managers' sign-offs of the case files.
    assert statements(ids) == with_one_call <= 16


def test_a_line_about_one_of_two_children_of_one_name_is_in_that_childs_chronology_alone(story):
    people = story.people
    contact = create_contact(t("15:00"), team=story.teams["north"], by=people["hana"], referrer=GP, children=[
        child_details(name="", is_name_known=False, approximate_age=1),
        child_details(name="", is_name_known=False, approximate_age=4)])
    baby, older = contact.children
    assert baby.display_name == older.display_name == "Name not known"
    cases.record_screening_decision(contact, baby, outcome=ScreeningOutcome.REFERRAL, rationale="Baby bruised",
                                    by=people["ben"], now=t("15:10"))
    cases.allocate_case(cases.get_referral(baby), to=people["ben"], by=people["mo"], now=t("15:20"))
    db.session.commit()

    allocated = db.session.scalar(select(ContactEvent).where(ContactEvent.contact_id == contact.id,
                                                             ContactEvent.action == "allocated"))
    assert (allocated.summary, allocated.contact_child_id) == ("Case of Name not known allocated to Ben Osei", baby.id)
    assert [e.kind for e in list_chronology([baby.id]) if e.kind is K.ALLOCATION] == [K.ALLOCATION]
    assert [e.kind for e in list_chronology([older.id]) if e.kind is K.ALLOCATION] == []


def test_a_line_written_before_lines_kept_their_child_is_found_by_the_name_it_gives(story):
    # As every line written before e08222ac41cc: no child of its own, the child named in its words.
    work.record_event(story.contact, action="allocated", summary="Case of Ava Martin allocated to Cora Lind",
                      by=story.people["mo"], at=t("15:00"))
    db.session.commit()

    assert lines(list_chronology([story.ava.id]))[-1] == (
        "15:00", K.ALLOCATION, "Case of Ava Martin allocated to Cora Lind", "Mo Patel")
    assert "Case of Ava Martin allocated to Cora Lind" not in {e.summary for e in list_chronology([story.leo.id])}
