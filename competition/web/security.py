"""What every response carries and every URL accepts: security headers with a CSP that allows
no inline script, session cookies marked Secure whenever the request came over HTTPS, and ids
in URLs bounded so a number no database can hold answers 404, not 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import IntegerConverter, Map, ValidationError
from werkzeug.wrappers import Response

from competition.services.ids import MAX_ID

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script, no eval: handlers live in static/js
        "style-src 'self' 'unsafe-inline'",  # style attributes (bar widths) only
        "img-src 'self' data:",
        "connect-src 'self'",  # the Socket.IO websocket and polling of this site
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # a judge's link carries its token: it must never leave the site in a Referer
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"

# failed attempts per client address (one venue's tablets may share one address: a judge
# link opened twenty times at once must pass); the per-account lockout counts as well
SIGN_IN_LIMIT = "10 per minute"
JUDGE_LINK_LIMIT = "30 per minute"
VERIFY_LIMIT = "30 per minute"


def failed_sign_in(response: Response) -> bool:
    """A posted form answered with anything but a redirect onwards: a wrong secret."""
    return request.method == "POST" and response.status_code != 302


def failed_lookup(response: Response) -> bool:
    """A link or code that does not exist (or a wrong PIN for one that does)."""
    return response.status_code in (403, 404) or failed_sign_in(response)


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: at most MAX_ID, and digits are counted before they are
    converted (Python refuses to convert an integer of more than 4,300 digits)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return int(super().to_python(value))


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when the request came over HTTPS (directly, or through a
    trusted proxy: PROXY_COUNT), so a venue on plain HTTP still works and an HTTPS
    deployment never sends the cookie in the clear."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Called before the blueprints register, so their ``<int:…>`` rules use IdConverter."""
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)  # Redis down: still count
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
