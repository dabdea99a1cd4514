"""Sign-in, sign-out, one-time links, own password, and resuming kept submissions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from tracker.auth import account, unsubscribe  # noqa: E402,F401  (registers the routes)
