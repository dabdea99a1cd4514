"""Practice administration: accounts, settings, audit trail. Guard: active admins."""

from __future__ import annotations

from flask import Blueprint

from tracker.domain.policy import can_administer_practice
from tracker.web import audience_guard

bp = Blueprint("admin", __name__)
bp.before_request(audience_guard(can_administer_practice))

from tracker.admin import accounts, audit, outbox, practice  # noqa: E402,F401  (registers the routes)
