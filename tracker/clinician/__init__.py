"""The staff area: caseload and client records. Guard: active therapists and admins."""

from __future__ import annotations

from tracker.domain.policy import can_use_clinician_area
from tracker.web import audience_blueprint

bp = audience_blueprint("clinician", __name__, can_use_clinician_area)

from tracker.clinician import (  # noqa: E402,F401  (registers the routes)
    adverse_events,
    alerts,
    clients,
    family,
    goals,
    homework,
    measures,
    medicine,
    planning,
    portal_access,
    report_batches,
    reports,
    safety_plan,
    sessions,
    today,
)
