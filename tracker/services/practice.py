"""Practice settings: checked as a whole, stored, and named (never their text) for the
audit trail."""

from __future__ import annotations

import json
from typing import Any

from tracker.domain import crisis, readiness
from tracker.domain.vitals import VitalsThresholds, threshold_problems
from tracker.extensions import db
from tracker.models import Practice
from tracker.services import Rejected

THRESHOLD_FIELDS = (
    "hold_systolic",
    "hold_diastolic",
    "alert_systolic_low",
    "alert_systolic_high",
    "alert_heart_rate_low",
    "alert_heart_rate_high",
    "alert_spo2_low",
)
MEDICINE_FIELDS = (
    "clearance_valid_months",
    "min_dose_interval_hours",
    "monitoring_interval_minutes",
    "min_observation_minutes",
)
ALERT_FIELDS = ("alert_escalation_minutes", "alert_response_hours")
TEXT_FIELDS = (
    "name",
    "address",
    "letterhead_text",
    "crisis_resources",
    "crisis_country",
    "report_footer",
)


class SettingsRejected(Rejected):
    """Settings that break a rule; ``problems`` maps the settings form's fields to messages."""


def checklist_text(practice: Practice) -> str:
    """The practice's own checklist, one item per line ('' for the standard one)."""
    return "\n".join(json.loads(practice.predose_checklist)) if practice.predose_checklist else ""


def update_settings(practice: Practice, values: dict[str, Any]) -> list[str]:
    """Store the settings; return the names of those that changed."""
    thresholds = VitalsThresholds(**{name: values[name] for name in THRESHOLD_FIELDS})
    problems = threshold_problems(thresholds)
    checklist, problem = readiness.parse_checklist(values.get("checklist_text"))
    if problem:
        problems["checklist_text"] = problem
    if problem := crisis.crisis_problem(values.get("crisis_resources")):
        problems["crisis_resources"] = problem
    if problems:
        raise SettingsRejected(problems)
    changed = []
    for name in (*TEXT_FIELDS, *THRESHOLD_FIELDS, *MEDICINE_FIELDS, *ALERT_FIELDS):
        if getattr(practice, name) != values[name]:
            setattr(practice, name, values[name])
            changed.append(name)
    stored = json.dumps(checklist) if checklist else None
    if stored != practice.predose_checklist:
        practice.predose_checklist = stored
        changed.append("predose_checklist")
    db.session.flush()
    return changed
