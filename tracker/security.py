"""Response headers every page carries."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# Set unless the view chose its own value.
DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # One-time links carry their token in the path: never send it on.
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")
# Pages may hold health information: no browser or proxy may keep a copy.
NO_STORE: tuple[tuple[str, str], ...] = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def _header_setter(defaults: tuple[tuple[str, str], ...]) -> Callable[[Response], Response]:
    """An ``after_request`` hook adding ``defaults`` the response lacks, and no-store on
    every page (not static files). The response's header names are read once, rather
    than searched for each header."""
    keyed = tuple((name.lower(), name, value) for name, value in defaults)
    forced_names = {name.lower() for name, _value in NO_STORE}

    def set_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        for key, name, value in keyed:
            if key not in present:
                headers.add(name, value)
        if request.endpoint != "static":
            if present & forced_names:
                for name, value in NO_STORE:
                    headers[name] = value
            else:
                for name, value in NO_STORE:
                    headers.add(name, value)
        return response

    return set_headers


def register(app: Flask) -> None:
    defaults = DEFAULT_HEADERS + ((HSTS,) if app.config.get("SESSION_COOKIE_SECURE") else ())
    app.after_request(_header_setter(defaults))
