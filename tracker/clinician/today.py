"""Today: where staff land after signing in. Therapists see what waits for them across
the clients they care for; admins see the practice's numbers, no names."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import format_timedelta
from flask_login import current_user

from tracker.clinician import bp
from tracker.domain import sessions as session_rules
from tracker.domain import today as today_rules
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.policy import can_administer_practice
from tracker.domain.scoring import FLAG_LABELS
from tracker.models.base import utcnow
from tracker.services import today as today_service
from tracker.web import current_practice

LABELS = {
    "modality": session_rules.MODALITY_SHORT_LABELS,
    "phase": session_rules.PHASE_LABELS,
    "draft_age": today_rules.DRAFT_AGE_LABELS,
    "alert": FLAG_LABELS,
}


def _ago(elapsed: timedelta) -> str:
    """ "3 hours ago", in the reader's language."""
    return format_timedelta(-elapsed, add_direction=True)


@bp.route("/today")
def today():
    practice = current_practice()
    now = utcnow()
    if can_administer_practice(current_user):
        return render_template(
            "clinician/today/practice.html",
            counts=today_service.practice_counts(practice, now),
        )
    return render_template(
        "clinician/today/worklist.html",
        work=today_service.worklist(current_user, practice, now),
        now=now,
        tz=practice.timezone,
        labels=LABELS,
        instruments=ITEM_INSTRUMENTS,
        ago=_ago,
    )
