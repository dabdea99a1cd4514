"""Absolute links for messages that leave the app (e-mails)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for

FALLBACK_URL = "http://localhost:5000"  # where `make run` serves the app


def external_url(endpoint: str, **values: Any) -> str:
    """The link to ``endpoint`` at ``PUBLIC_URL``; without that setting, at the address
    of the current request, and outside a request at ``http://localhost:5000``."""
    base = current_app.config.get("PUBLIC_URL")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or FALLBACK_URL).rstrip("/") + path
