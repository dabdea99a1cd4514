"""Which scored responses raise a safety alert, and which escalate at once."""

from __future__ import annotations

import pytest

from tracker.domain.alerts import alert_needed
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
