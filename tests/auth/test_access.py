"""Every page needs a signed-in person with the right role, and every POST a CSRF token."""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from dutydesk.absences import operations as absences
from dutydesk.auth.session import PUBLIC_ENDPOINTS
from dutydesk.cases import operations as cases
from dutydesk.contacts.operations import Flags
from dutydesk.escalations.sweep import sweep
from dutydesk.extensions import db
from dutydesk.models import Escalation, InboxChannel, ObligationKind, Role, ScreeningOutcome, TeamKind
from tests.factories import at, create_contact, create_team, create_user, obligation_of, sign_in

NOW = "2026-11-23 10:00:00"


@pytest.fixture
def world():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    for role in Role:
        create_user(role.value, (role,), duty if role in (Role.DUTY_WORKER, Role.DUTY_MANAGER) else contact_centre)
    south = create_team("Duty South")
    contact = create_contact(at(NOW), team=duty, flags=Flags(is_deliberate_harm_alleged=True))
    child = contact.children[0]
    worker = next(user for user in duty.members if user.username == Role.DUTY_WORKER.value)
    earlier = at(NOW) - timedelta(hours=2)
    referred = create_contact(earlier, team=duty)
    cases.record_screening_decision(referred, referred.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=worker, now=earlier)
    referral = cases.get_referral(referred.children[0])
    transfer = cases.request_transfer(referral, to_team=south, reason="Family moved south", by=worker, now=earlier)
    discussion = cases.record_strategy_discussion(
        referred, referred.children[0], held_at=earlier, attendees=[cases.Attendee("DS Khan", "Police")],
        record="Agreed a joint visit", action_points=[], circulated_to="DS Khan", circulated_at=earlier,
        review_on=date(2026, 11, 30), by=worker, now=earlier)
    manager = next(user for user in duty.members if user.username == Role.DUTY_MANAGER.value)
    handler = next(user for user in contact_centre.members if user.username == Role.CALL_HANDLER.value)
    absence = absences.record_absence(worker, starts_at=at(NOW) + timedelta(days=1),
                                      ends_at=at(NOW) + timedelta(days=2), cover=manager, reason="Training",
                                      by=manager, now=earlier)
    letter = absences.record_inbox_item(worker, channel=InboxChannel.POST, sender="Park Lane Primary",
                                        summary="Attendance figures for Leo", received_at=earlier, by=handler,
                                        now=earlier)
    db.session.commit()
    sweep(at(NOW), send_email=False)  # the earlier call's hand-offs are overdue: escalated
    escalation = db.session.scalars(db.select(Escalation).order_by(Escalation.id)).first()
    return {
        "contact_id": contact.id,
        "child_id": child.id,
        "obligation_id": obligation_of(contact, ObligationKind.CHILD_SEEN).id,
        "referral_id": referral.id,
        "transfer_id": transfer.id,
        "discussion_id": discussion.id,
        "absence_id": absence.id,
        "inbox_item_id": letter.id,
        "escalation_id": escalation.id,
    }


def endpoints(app):
    """(endpoint, method, url) for every page, filled in with the world's ids."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, rule


def url_for_rule(rule, ids):
    return rule.build({key: ids[key] for key in rule.arguments}, append_unknown=False)[1]


def test_every_page_but_sign_in_and_health_needs_a_signed_in_person(app, client, world):
    for endpoint, method, rule in endpoints(app):
        response = client.open(url_for_rule(rule, world), method=method)
        if method == "POST":  # refused before it reaches the view: no CSRF token
            assert response.status_code in (302, 400), endpoint
        else:
            assert response.status_code == 302, endpoint
            assert response.headers["Location"].startswith("/login"), endpoint


@freeze_time(NOW)
def test_a_refused_role_cannot_accept_by_posting_directly(client, world):
    sign_in(client, "call_handler")
    page = client.get(f"/calls/{world['contact_id']}").get_data(as_text=True)
    from tests.factories import csrf_token

    response = client.post(f"/calls/{world['contact_id']}/accept", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403


@freeze_time(NOW)
def test_a_post_without_a_csrf_token_is_refused_and_saves_nothing(client, world):
    sign_in(client, "duty_worker")
    response = client.post(f"/calls/{world['contact_id']}/accept")
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    from dutydesk.models import Contact

    assert db.session.get(Contact, world["contact_id"]).accepted_at is None


def test_the_health_check_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_permissions_are_checked_by_role_never_by_name(app):
    import inspect

    from dutydesk import access, permissions

    for module in (permissions, access):
        assert "username" not in inspect.getsource(module)
    assert all(isinstance(role, Role) for role in permissions.VIEW_CONTACT)


@freeze_time(NOW)
def test_every_form_post_without_a_csrf_token_is_refused(app, client, world):
    sign_in(client, "duty_manager")
    for endpoint, _, rule in endpoints(app):
        if "POST" not in rule.methods or endpoint == "auth.logout":
            continue
        response = client.post(url_for_rule(rule, world), data={"reason": "x"})
        assert response.status_code == 400, endpoint


@freeze_time(NOW)
def test_pages_are_never_cached_and_scripts_need_this_requests_nonce(client, world):
    sign_in(client, "duty_worker")
    response = client.get(f"/calls/{world['contact_id']}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    page = response.get_data(as_text=True)
    assert page.count("<script") == page.count(f'nonce="{nonce}"') + page.count("<script src=")
    assert client.get(f"/calls/{world['contact_id']}").headers["Content-Security-Policy"] != policy
