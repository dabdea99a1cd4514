"""Practice administration: accounts, settings, audit trail. Guard: active admins."""

from __future__ import annotations

from tracker.domain.policy import can_administer_practice
from tracker.web import audience_blueprint

bp = audience_blueprint("admin", __name__, can_administer_practice)

from tracker.admin import accounts, audit, outbox, practice  # noqa: E402,F401  (registers the routes)
