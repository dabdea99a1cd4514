"""Which scored responses raise a safety alert, and which escalate at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.alerts import (
    ESCALATION_MINUTES,
    alert_needed,
    escalation_due_at,
    needs_escalation,
)
from tracker.domain.scoring import score


@pytest.mark.parametrize(
    ("code", "answers", "kind", "urgent"),
    [
        ("phq9", [0] * 9, None, None),
        ("phq9", [0] * 8 + [1], "suicidal_ideation", False),
        ("phq9", [3] * 9, "suicidal_ideation", False),
        ("cssrs", [0] * 7, None, None),
        ("cssrs", [1, 0, 0, 0, 0, 0, 0], "suicidal_ideation", False),
        ("cssrs", [0, 1, 1, 0, 0, 0, 0], "suicidal_ideation", False),
        ("cssrs", [0, 1, 0, 1, 0, 0, 0], "suicidal_ideation", True),
        ("cssrs", [0, 1, 1, 1, 1, 0, 0], "suicidal_ideation", True),
        ("cssrs", [0, 0, 0, 0, 0, 1, 0], "suicidal_behavior", False),
        ("cssrs", [0, 0, 0, 0, 0, 1, 1], "suicidal_behavior", True),
        ("cssrs", [1, 1, 0, 0, 0, 1, 0], "suicidal_behavior", False),
        ("gad7", [3] * 7, None, None),
        ("who5", [0] * 5, None, None),
    ],
)
def test_alert_from_scored_answers(code, answers, kind, urgent):
    result = score(code, answers)
    need = alert_needed(result.flags, result.severity)
    if kind is None:
        assert need is None
    else:
        assert (need.kind, need.urgent) == (kind, urgent)


# --- escalation timing -----------------------------------------------------------------

RAISED = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "urgent", "due"),
    [
        (120, False, datetime(2026, 12, 4, 11, 0, tzinfo=UTC)),
        (15, False, datetime(2026, 12, 4, 9, 15, tzinfo=UTC)),
        (1440, False, datetime(2026, 12, 5, 9, 0, tzinfo=UTC)),
        (120, True, RAISED),  # urgent: at once
        (1440, True, RAISED),
    ],
)
def test_escalation_is_due_after_the_practices_time_or_at_once_when_urgent(minutes, urgent, due):
    assert escalation_due_at(RAISED, minutes, urgent) == due


def escalates(*, at_minutes: float, urgent: bool = False, acknowledged=None, escalated=None):
    return needs_escalation(
        created_at=RAISED,
        escalation_minutes=ESCALATION_MINUTES,
        urgent=urgent,
        acknowledged_at=acknowledged,
        escalated_at=escalated,
        now=RAISED + timedelta(minutes=at_minutes),
    )


def test_an_unacknowledged_alert_escalates_when_its_time_comes():
    assert not escalates(at_minutes=0)
    assert not escalates(at_minutes=119.99)
    assert escalates(at_minutes=120)
    assert escalates(at_minutes=60 * 24 * 30)  # still, a month on, if nobody answered


def test_an_urgent_alert_escalates_at_once():
    assert escalates(at_minutes=0, urgent=True)


def test_an_acknowledgement_stops_the_escalation():
    acknowledged = RAISED + timedelta(minutes=30)
    assert not escalates(at_minutes=121, acknowledged=acknowledged)
    assert not escalates(at_minutes=0, urgent=True, acknowledged=RAISED)


def test_an_alert_escalates_once():
    assert not escalates(at_minutes=500, escalated=RAISED + timedelta(minutes=120))


def test_the_default_escalation_time_is_two_hours():
    assert ESCALATION_MINUTES == 120


def test_the_care_team_reads_which_cssrs_questions_were_answered_yes():
    from tracker.domain.instruments.cssrs import yes_answers

    assert yes_answers([0] * 7) == ()
    assert yes_answers([0, 1, 0, 1, 0, 0, 0]) == (
        "thoughts of killing themself",
        "some intention of acting",
    )
    with pytest.raises(ValueError):
        yes_answers([1] * 6)  # never silently shortened
