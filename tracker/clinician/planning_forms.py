"""The form of a session planned ahead: when, how long, modality, phase, setting."""

from __future__ import annotations

from tracker.clinician.session_forms import SessionSlotForm


class PlanForm(SessionSlotForm):
    """A plan has the session's time and kind, and nothing of a note."""
