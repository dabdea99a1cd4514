"""The form of a session planned ahead: when, how long, modality, phase, setting."""

from __future__ import annotations

from tracker.clinician.session_forms import SessionSlotForm
from tracker.forms.widgets import FastWidgetsMeta


class PlanForm(SessionSlotForm):
    """A plan has the session's time and kind, and nothing of a note."""

    class Meta(FastWidgetsMeta):
        pass
