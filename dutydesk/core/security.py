"""Response headers that keep children's records out of caches, frames and foreign scripts.

Pages carry children's names and addresses and are used on shared contact-centre desks, so
no page is stored by the browser or a proxy (the back button after signing out shows
nothing). Scripts run only from dutydesk's own files, plus the inline ones the templates mark
with this request's nonce. Served over HTTPS (SESSION_COOKIE_SECURE on), browsers are told to
use nothing else for a year (HSTS), so that no link or typed address falls back to plain HTTP.
"""

import secrets

from flask import current_app, request

#: Strict-Transport-Security when the session cookie is HTTPS-only (a year, as OWASP suggests).
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This request's nonce for inline scripts (GOV.UK's template reads it as cspNonce)."""
    if "dutydesk.csp_nonce" not in request.environ:
        request.environ["dutydesk.csp_nonce"] = secrets.token_urlsafe(16)
    return request.environ["dutydesk.csp_nonce"]


def add_security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'",
        )
    return response


def init_app(app) -> None:
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce)
