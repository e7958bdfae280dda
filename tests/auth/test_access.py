"""Every page needs a signed-in person with the right role, and every POST a CSRF token."""

import pytest
from freezegun import freeze_time

from dutydesk.auth.session import PUBLIC_ENDPOINTS
from dutydesk.extensions import db
from dutydesk.models import Role
from tests.factories import sign_in

from .conftest import NOW, url_for_rule


@pytest.fixture
def world(teams):
    """The ids of the records of the access tests' world (conftest.py); its people sign in as
    `<role>_own` (the team holding the records) and `<role>_other`."""
    return teams.ids


def endpoints(app):
    """(endpoint, method, url) for every page, filled in with the world's ids."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, rule


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
    sign_in(client, "call_handler_own")
    page = client.get(f"/calls/{world['contact_id']}").get_data(as_text=True)
    from tests.factories import csrf_token

    response = client.post(f"/calls/{world['contact_id']}/accept", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403


@freeze_time(NOW)
def test_a_post_without_a_csrf_token_is_refused_and_saves_nothing(client, world):
    sign_in(client, "duty_worker_own")
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
    sign_in(client, "duty_manager_own")
    for endpoint, _, rule in endpoints(app):
        if "POST" not in rule.methods or endpoint == "auth.logout":
            continue
        response = client.post(url_for_rule(rule, world), data={"reason": "x"})
        assert response.status_code == 400, endpoint


@freeze_time(NOW)
def test_pages_are_never_cached_and_scripts_need_this_requests_nonce(client, world):
    sign_in(client, "duty_worker_own")
    response = client.get(f"/calls/{world['contact_id']}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    page = response.get_data(as_text=True)
    assert page.count("<script") == page.count(f'nonce="{nonce}"') + page.count("<script src=")
    assert client.get(f"/calls/{world['contact_id']}").headers["Content-Security-Policy"] != policy
