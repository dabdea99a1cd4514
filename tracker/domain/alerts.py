"""Safety alerts: which questionnaire results raise one, and how urgently.

Sources:
- PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered 1 or more
  needs clinical follow-up (Kroenke, Spitzer & Williams 2001).
- C-SSRS screen version (Posner et al. 2011; Columbia Lighthouse Project triage): any
  ideation (items 1-2) or lifetime behaviour needs follow-up; intent, a plan, or behaviour
  within the past 3 months is high risk and calls for immediate action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Flags that raise an alert, most serious first: an alert is named after the first one.
SAFETY_FLAGS = ("suicidal_behavior", "suicidal_ideation")
# Practice defaults: the backup clinicians hear of an unacknowledged alert after two
# hours; clients are told the care team usually responds within a working day.
ESCALATION_MINUTES = 120
RESPONSE_HOURS = 24
URGENT_SEVERITY = "high"


@dataclass(frozen=True)
class AlertNeed:
    kind: str
    urgent: bool  # escalate at once, without waiting for the escalation time


def alert_needed(flags: frozenset[str], severity: str | None) -> AlertNeed | None:
    """The alert a scored response raises, or None when it raises none."""
    kind = next((flag for flag in SAFETY_FLAGS if flag in flags), None)
    if kind is None:
        return None
    return AlertNeed(kind=kind, urgent=severity == URGENT_SEVERITY)


def escalation_due_at(created_at: datetime, escalation_minutes: int, urgent: bool) -> datetime:
    """When an unacknowledged alert goes to the backup clinicians: at once when urgent,
    else the practice's escalation time after it was raised."""
    if urgent:
        return created_at
    return created_at + timedelta(minutes=escalation_minutes)


def needs_escalation(
    *,
    created_at: datetime,
    escalation_minutes: int,
    urgent: bool,
    acknowledged_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
) -> bool:
    """Whether the backup clinicians are to be told now: not acknowledged, not yet
    escalated, and due. An acknowledgement by anyone on the care team stops it."""
    if acknowledged_at is not None or escalated_at is not None:
        return False
    return now >= escalation_due_at(created_at, escalation_minutes, urgent)
