"""Adverse events after ketamine: the vocabularies and the rules of a record.

An adverse event is any untoward medical occurrence during or after a medicine session,
whether or not the ketamine caused it. The types are the effects most often reported in
ketamine treatment for depression and in KAP practice (Short B. et al., "Side-effects
associated with ketamine use in depression: a systematic review", Lancet Psychiatry
2018;5(1):65-78): nausea and vomiting, raised blood pressure and heart rate, low oxygen
saturation, dissociation and agitation, headache, dizziness (and falls), urinary
symptoms, and suicidal thoughts.

Severity follows the grades of the Common Terminology Criteria for Adverse Events
(CTCAE v5.0, US National Cancer Institute, 2017): 1 mild, 2 moderate, 3 severe,
4 life-threatening (grade 5, death, is recorded as a life-threatening event with its
outcome). The outcome words follow the "outcome of reaction" of ICH E2B(R3) (recovered,
recovering, not recovered, recovered with sequelae, unknown), with "transferred to
emergency care" added because it is what a therapist's practice must be able to show.

Records are append-only: a correction is a new record (the database refuses changes).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tracker.domain.clock import utc_to_local
from tracker.domain.messages import N_, Problem


class EventType(StrEnum):
    NAUSEA_VOMITING = "nausea_vomiting"
    HYPERTENSION = "hypertension"
    TACHYCARDIA = "tachycardia"
    LOW_OXYGEN = "low_oxygen"
    AGITATION_DISSOCIATION = "agitation_dissociation"
    HEADACHE = "headache"
    DIZZINESS_FALL = "dizziness_fall"
    URINARY = "urinary"
    SUICIDAL_THOUGHTS = "suicidal_thoughts"
    OTHER = "other"


TYPE_LABELS = {
    EventType.NAUSEA_VOMITING: N_("Nausea or vomiting"),
    EventType.HYPERTENSION: N_("Hypertension"),
    EventType.TACHYCARDIA: N_("Tachycardia"),
    EventType.LOW_OXYGEN: N_("Low oxygen saturation"),
    EventType.AGITATION_DISSOCIATION: N_("Agitation or distressing dissociation"),
    EventType.HEADACHE: N_("Headache"),
    EventType.DIZZINESS_FALL: N_("Dizziness or fall"),
    EventType.URINARY: N_("Urinary symptoms"),
    EventType.SUICIDAL_THOUGHTS: N_("Suicidal thoughts"),
    EventType.OTHER: N_("Other"),
}


class Severity(StrEnum):
    """CTCAE grades 1 to 4."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life_threatening"


SEVERITY_LABELS = {
    Severity.MILD: N_("Mild"),
    Severity.MODERATE: N_("Moderate"),
    Severity.SEVERE: N_("Severe"),
    Severity.LIFE_THREATENING: N_("Life-threatening"),
}

# What each grade means (CTCAE v5.0), shown as the field's hint.
SEVERITY_HINT = N_(
    "Mild: no intervention needed. Moderate: simple, local intervention. "
    "Severe: medically significant, not immediately life-threatening. "
    "Life-threatening: urgent intervention needed."
)


class Outcome(StrEnum):
    RESOLVED = "resolved"
    RESOLVING = "resolving"
    ONGOING = "ongoing"
    RESOLVED_WITH_SEQUELAE = "resolved_with_sequelae"
    EMERGENCY_TRANSFER = "emergency_transfer"
    UNKNOWN = "unknown"


OUTCOME_LABELS = {
    Outcome.RESOLVED: N_("Resolved"),
    Outcome.RESOLVING: N_("Resolving"),
    Outcome.ONGOING: N_("Ongoing"),
    Outcome.RESOLVED_WITH_SEQUELAE: N_("Resolved with lasting effects"),
    Outcome.EMERGENCY_TRANSFER: N_("Transferred to emergency care"),
    Outcome.UNKNOWN: N_("Unknown"),
}

# Severe and life-threatening events are flagged in lists and reports.
SERIOUS = frozenset({Severity.SEVERE, Severity.LIFE_THREATENING})

ONSET_IN_FUTURE = N_("The onset cannot be in the future.")
ONSET_BEFORE_SESSION = N_("The onset cannot be before the session started (%(start)s).")


def is_serious(severity: str) -> bool:
    return severity in SERIOUS


def onset_problem(
    onset: datetime,
    now: datetime,
    session_start: datetime | None = None,
    zone_name: str = "UTC",
) -> Problem | None:
    """Why ``onset`` cannot be recorded, or ``None``: not in the future, and not before
    the linked session began (the message gives the start in the practice's zone)."""
    if onset > now:
        return Problem(ONSET_IN_FUTURE)
    if session_start is not None and onset < session_start:
        local = utc_to_local(session_start, zone_name)
        return Problem(ONSET_BEFORE_SESSION, {"start": f"{local:%Y-%m-%d %H:%M}"})
    return None


def vocabulary_problems(event_type: str, severity: str, outcome: str) -> dict[str, Problem]:
    """A choice outside a vocabulary, by field (the forms check this too; the service
    must not trust them)."""
    problems = {}
    if event_type not in TYPE_LABELS:
        problems["event_type"] = Problem(N_("Choose a type from the list."))
    if severity not in SEVERITY_LABELS:
        problems["severity"] = Problem(N_("Choose a severity from the list."))
    if outcome not in OUTCOME_LABELS:
        problems["outcome"] = Problem(N_("Choose an outcome from the list."))
    return problems
