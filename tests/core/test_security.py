"""Browsers are told to use HTTPS only when dutydesk is served over it."""


def test_https_only_cookies_come_with_strict_transport_security(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_without_https_only_cookies_there_is_no_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
