"""When a draft may be signed: not before it started, not a medicine session with an
empty note, not after a dose without a discharge record or a reason for none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.domain.sessions import sign_problems

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
NOT_STARTED = "The session has not started yet: it can be signed once it has taken place."
EMPTY_NOTE = "A medicine session cannot be signed with an empty note: write the note."
NO_DISCHARGE = (
    "Ketamine was given: record the discharge, or document why there is none, before signing."
)


def problems(**overrides) -> list[str]:
    values = {
        "starts_at": NOW - timedelta(hours=3),
        "now": NOW,
        "is_dosing_session": True,
        "note_empty": False,
        "dose_count": 1,
        "discharge_recorded": True,
    }
    values.update(overrides)
    return [problem.message for problem in sign_problems(**values)]


def test_a_finished_documented_session_may_be_signed():
    assert problems() == []


@pytest.mark.parametrize(
    ("offset", "refused"),
    [
        (timedelta(seconds=1), True),  # starts a second from now
        (timedelta(days=30), True),  # a planned session
        (timedelta(0), False),  # starting now: it has started
        (-timedelta(seconds=1), False),
    ],
)
def test_a_session_that_has_not_started_cannot_be_signed(offset, refused):
    assert (NOT_STARTED in problems(starts_at=NOW + offset)) is refused


def test_the_start_is_compared_as_an_instant_whatever_the_zone():
    # 12:30 in Berlin is 11:30 UTC: after NOW (10:00 UTC), though "10:00 < 12:30" locally.
    berlin = datetime(2026, 12, 3, 12, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert NOT_STARTED in problems(starts_at=berlin)


@pytest.mark.parametrize(
    ("dosing", "empty", "refused"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_a_medicine_session_needs_a_note(dosing, empty, refused):
    found = problems(is_dosing_session=dosing, note_empty=empty, dose_count=0)
    assert (EMPTY_NOTE in found) is refused


@pytest.mark.parametrize(
    ("doses", "discharge", "reason", "refused"),
    [
        (0, False, "", False),  # no dose: nothing to discharge from
        (1, True, "", False),
        (1, False, "", True),
        (3, False, "   ", True),  # blank is no reason
        (1, False, "Transferred to the emergency department by ambulance.", False),
    ],
)
def test_a_dose_needs_a_discharge_or_a_reason(doses, discharge, reason, refused):
    found = problems(dose_count=doses, discharge_recorded=discharge, no_discharge_reason=reason)
    assert (NO_DISCHARGE in found) is refused


def test_every_problem_is_listed_at_once():
    found = problems(starts_at=NOW + timedelta(days=1), note_empty=True, discharge_recorded=False)
    assert found == [NOT_STARTED, EMPTY_NOTE, NO_DISCHARGE]
