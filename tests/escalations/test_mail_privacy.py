"""What an escalation e-mail may carry (DESIGN 10): kinds of work, the call's reference, the team,
the owner, the deadline and links; never a child's name nor anything typed as free text, and no
typed value can add a header. Received by a real SMTP server, headers and body alike."""

from datetime import timedelta

from dutydesk.absences.operations import record_inbox_item
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import EmailStatus, InboxChannel, ObligationKind
from dutydesk.work.operations import add_action, open_obligation
from tests.factories import at, child_details

from .conftest import RECEIVED, body, call, escalations, everything_in, quiet_call

#: Long after everything below fell due: every step of every ladder is taken at once.
LATER = at("2026-12-23 10:00")


def test_no_email_of_any_kind_of_work_names_the_child_or_carries_what_was_typed(mailbox, front):
    contact = call(front, children=[child_details(name="Ottoline Vexworth", address="7 Quince Row, London N15")],
                   concern="Quixotic-concern: bruises seen by the childminder.")
    [child] = contact.children
    for kind in ObligationKind:
        obligation = open_obligation(kind, contact=contact, child=child, team=front.duty, worker=front.worker,
                                     due_at=RECEIVED + timedelta(hours=2), now=RECEIVED)
        obligation.title = f"Zanzibar-title: {kind.label} for Ottoline Vexworth at 7 Quince Row"
    record_inbox_item(front.worker, channel=InboxChannel.POST, sender="Bartholomew Quokka-Sender (Ottoline's uncle)",
                      summary="Marmalade-summary: a letter about Ottoline Vexworth's bruises",
                      received_at=RECEIVED, by=front.handler, now=RECEIVED)
    db.session.commit()

    report = sweep(LATER)

    issued = escalations()
    assert report.emails.sent == len(issued) == len(mailbox.messages) > 3 * len(ObligationKind)
    assert {e.email_status for e in issued} == {EmailStatus.SENT}
    subjects = [message["Subject"] for _, message in mailbox.messages]
    for kind in ObligationKind:  # every kind of work was e-mailed, by its label and the call's reference
        assert any(f"{kind.label}, call {contact.reference}" in subject for subject in subjects), kind
    assert any("Post for Wes Adebayo" in subject for subject in subjects)
    private = ["Ottoline", "Vexworth", "Quince Row", "Quixotic", "Zanzibar", "Quokka", "Marmalade", "uncle",
               "bruises", "Joan Fraser"]  # the child, her address, the concern, the titles, sender, summary, referrer
    for _, message in mailbox.messages:
        text = everything_in(message)
        assert [word for word in private if word.lower() in text.lower()] == [], message["Subject"]
        assert "Team: " in text and "Due: " in text and "(London time)" in text


def test_an_email_gives_the_team_the_owner_the_deadline_in_london_time_and_the_page_to_act_on(mailbox, front):
    contact = quiet_call(front)
    add_action(contact, title="Ring the school back", owner=front.worker, due_at=at("2026-11-23 15:00"),
               by=front.manager, now=RECEIVED)
    db.session.commit()

    sweep(at("2026-11-23 14:00"))  # the action's warning, to Wes, an hour before

    [(recipients, message)] = mailbox.messages
    assert recipients == ["worker@example.invalid"]
    assert message["Subject"] == f"dutydesk: Warning: Action, call {contact.reference}"
    assert body(message) == (
        "This is due soon and has not been done yet.\n\n"
        "What: Action\n"
        f"Call: {contact.reference}\n"
        "Team: Duty North\n"
        "Owner: Wes Adebayo\n"
        "Due: 15:00 on Monday 23 November 2026 (London time)\n\n"
        "Sign in to dutydesk to see it and act on it:\n"
        f"http://127.0.0.1:5000/calls/{contact.id}\n\n"
        "Acknowledge it on your escalations page:\n"
        "http://127.0.0.1:5000/escalations\n")


def test_a_line_break_typed_into_a_title_a_team_or_a_staff_name_adds_no_header_and_the_next_sweep_still_works(
        mailbox, front):
    front.duty.name = "Duty North\r\nBcc: intruder@example.invalid"
    front.worker.display_name = "Wes Adebayo\nX-Injected: yes"
    contact = quiet_call(front)
    add_action(contact, title="Ring the school\r\nBcc: intruder@example.invalid\r\n\r\nBody", owner=front.worker,
               due_at=at("2026-11-23 15:00"), by=front.manager, now=RECEIVED)
    db.session.commit()

    report = sweep(LATER)

    assert report.emails.sent == len(escalations()) == len(mailbox.messages) > 0
    for recipients, message in mailbox.messages:
        assert "intruder@example.invalid" not in recipients
        assert set(message.keys()) == {"From", "To", "Subject", "Message-ID", "Content-Type",
                                       "Content-Transfer-Encoding", "MIME-Version"}
        text = body(message)
        assert "Team: Duty North Bcc: intruder@example.invalid\n" in text  # one plain line
        assert "Ring the school" not in text
    assert any("Owner: Wes Adebayo X-Injected: yes\n" in body(message) for _, message in mailbox.messages)

    more = quiet_call(front, at("2026-12-22 10:00"))
    add_action(more, title="Visit\r\nagain", owner=front.worker, due_at=at("2026-12-22 15:00"), by=front.manager,
               now=at("2026-12-22 10:00"))
    db.session.commit()
    assert sweep(at("2026-12-22 14:00")).emails.sent == 1
    assert more.reference in mailbox.messages[-1][1]["Subject"]
