"""Client record vocabularies and the ketamine medical-screening rule."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tracker.domain.messages import N_, Problem


class ClientStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DISCHARGED = "discharged"


CLIENT_STATUS_LABELS = {
    ClientStatus.ACTIVE: N_("Active"),
    ClientStatus.PAUSED: N_("Paused"),
    ClientStatus.DISCHARGED: N_("Discharged"),
}

CARE_TEAM_ROLE_LABELS = {
    "co_therapist": N_("Co-therapist"),
    "prescriber": N_("Prescriber"),
    "supervisor": N_("Supervisor"),
}

CASELOAD_SORTS = {
    "name": N_("Name"),
    "status": N_("Status"),
    "course_start": N_("Course start (newest first)"),
    "recent": N_("Recently updated"),
}

# Conditions that call for medical review before ketamine: the relative and absolute
# contraindications listed in ketamine prescribing information (hypertension,
# cardiovascular disease, raised intracranial pressure, pregnancy) and the
# psychiatric cautions KAP practices screen for. The prescriber makes the decision.
CONTRAINDICATIONS: dict[str, str] = {
    "uncontrolled_hypertension": N_("Uncontrolled hypertension"),
    "cardiovascular_disease": N_("Cardiovascular disease"),
    "psychosis_history": N_("History of psychosis"),
    "bipolar_disorder": N_("Bipolar disorder"),
    "pregnancy": N_("Pregnancy or breastfeeding"),
    "active_substance_use": N_("Active substance use disorder"),
    "severe_dissociative_disorder": N_("Severe dissociative disorder"),
    "raised_intracranial_pressure": N_("Raised intracranial pressure"),
}


class ScreeningDecision(StrEnum):
    PENDING = "pending"
    CLEARED = "cleared"
    NOT_CLEARED = "not_cleared"


SCREENING_DECISION_LABELS = {
    ScreeningDecision.PENDING: N_("Pending review"),
    ScreeningDecision.CLEARED: N_("Cleared for ketamine"),
    ScreeningDecision.NOT_CLEARED: N_("Not cleared"),
}

MIN_WEIGHT_KG = 25
MAX_WEIGHT_KG = 350


def flagged_contraindications(answers: dict[str, bool]) -> list[str]:
    """The contraindication keys answered yes, in checklist order."""
    return [key for key in CONTRAINDICATIONS if answers.get(key)]


def clearance_problem(flagged: Iterable[str], decision: str, notes: str | None) -> Problem | None:
    """Clearing a client despite a flagged item needs the clinical reasoning written down."""
    if decision == ScreeningDecision.CLEARED and list(flagged) and not (notes or "").strip():
        return Problem(
            N_(
                "A flagged item is checked: explain in the notes why the client is "
                "cleared despite it."
            )
        )
    return None


def decision_problems(
    *,
    decision: str,
    by_prescriber: bool,
    weight_kg: object | None,
    bp_systolic: int | None,
    bp_diastolic: int | None,
    medications_reviewed: bool,
    contraindications_reviewed: bool,
) -> dict[str, Problem]:
    """Clearance is the prescriber's decision, and a clearance rests on a weight, a blood
    pressure, and the medications and contraindications reviewed (ketamine prescribing
    information lists hypertension and drug interactions among the checks before use)."""
    problems: dict[str, Problem] = {}
    if decision == ScreeningDecision.PENDING:
        return problems
    if not by_prescriber:
        problems["decision"] = Problem(
            N_(
                "Medical clearance is decided by the prescriber on the care team. Save the "
                "screening as pending: the prescriber is asked to review it."
            )
        )
        return problems
    if decision != ScreeningDecision.CLEARED:
        return problems
    if weight_kg is None:
        problems["weight_kg"] = Problem(N_("Clearing needs the client's weight."))
    if bp_systolic is None or bp_diastolic is None:
        problems["bp_systolic"] = Problem(N_("Clearing needs the blood pressure at review."))
    if not medications_reviewed:
        problems["medications_reviewed"] = Problem(
            N_("Review the current medications before clearing.")
        )
    if not contraindications_reviewed:
        problems["contraindications_reviewed"] = Problem(
            N_("Review the contraindications before clearing.")
        )
    return problems


class ConsentKind(StrEnum):
    KAP_INFORMED = "kap_informed"
    TOUCH = "touch"
    PORTAL = "portal"
    DATA_PROCESSING = "data_processing"


CONSENT_KIND_LABELS = {
    ConsentKind.KAP_INFORMED: N_("KAP informed consent"),
    ConsentKind.TOUCH: N_("Consent to touch"),
    ConsentKind.PORTAL: N_("Portal use"),
    ConsentKind.DATA_PROCESSING: N_("Data processing"),
}


def revocation_problem(given_on, revoked_on) -> Problem | None:
    """A consent cannot be revoked before it was given."""
    if revoked_on < given_on:
        return Problem(N_("A consent cannot be revoked before the date it was given."))
    return None
