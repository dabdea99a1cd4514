"""The staff area: caseload and client records. Guard: active therapists and admins."""

from __future__ import annotations

from flask import Blueprint

from tracker.domain.policy import can_use_clinician_area
from tracker.web import audience_guard

bp = Blueprint("clinician", __name__)
bp.before_request(audience_guard(can_use_clinician_area))

from tracker.clinician import (  # noqa: E402,F401  (registers the routes)
    adverse_events,
    alerts,
    clients,
    family,
    goals,
    homework,
    measures,
    medicine,
    portal_access,
    report_batches,
    reports,
    sessions,
)
