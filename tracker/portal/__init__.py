"""The client portal. Guard: active client accounts only."""

from __future__ import annotations

from tracker.domain.policy import can_use_portal
from tracker.web import audience_blueprint

bp = audience_blueprint("portal", __name__, can_use_portal)

from tracker.portal import (  # noqa: E402,F401  (registers the routes)
    home,
    measures,
    reminders,
    reports,
    safety_plan,
)
