"""Feeds read by other programs (a calendar app), without signing in: the secret in
the address is the credential. No audience guard; every route checks its secret,
answers an unknown or revoked one with 404, and is rate limited."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from tracker.feeds import calendar  # noqa: E402,F401  (registers the routes)
