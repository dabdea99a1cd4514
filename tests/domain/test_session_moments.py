"""Clock times typed during a session: the day they fall on (after midnight), the
autumn hour that happens twice, and the hour either side that a reading may be taken."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tracker.domain.clock import NonexistentLocalTime
from tracker.domain.sessions import reading_time_problem, session_moment, within_session

BERLIN = "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (time(22, 30), utc(2026, 6, 15, 22, 30)),  # during the evening
        (time(23, 59), utc(2026, 6, 15, 23, 59)),
        (time(0, 30), utc(2026, 6, 16, 0, 30)),  # after midnight: the night after
        (time(1, 45), utc(2026, 6, 16, 1, 45)),
        (time(20, 0), utc(2026, 6, 15, 20, 0)),  # two hours before: still the first day
        (time(19, 59), utc(2026, 6, 16, 19, 59)),  # further before: the next day
    ],
)
def test_a_time_after_midnight_of_a_late_session_is_the_next_day(typed, expected):
    starts_at, ends_at = utc(2026, 6, 15, 22, 0), utc(2026, 6, 16, 1, 0)
    assert session_moment(typed, starts_at, ends_at, "UTC") == expected


def test_the_day_is_the_session_s_local_day_not_utc_s():
    # 00:30 CEST on 16 June is 22:30 UTC on the 15th: the session's day is the 16th.
    starts_at = utc(2026, 6, 15, 22, 30)
    moment = session_moment(time(1, 0), starts_at, starts_at + timedelta(hours=2), BERLIN)
    assert moment == utc(2026, 6, 15, 23, 0)


def test_a_time_in_the_spring_gap_is_refused():
    starts_at = utc(2026, 3, 29, 0, 0)  # 01:00 CET, the night the clocks go forward
    with pytest.raises(NonexistentLocalTime) as gap:
        session_moment(time(2, 30), starts_at, starts_at + timedelta(hours=4), BERLIN)
    assert gap.value.problem.params == {"time": "02:30", "date": "2026-03-29"}


@pytest.mark.parametrize(
    ("starts_at", "expected"),
    [
        # 03:30 CET: only the second 02:50 (CET, 01:50 UTC) is within the session's hour
        (utc(2026, 10, 25, 2, 30), utc(2026, 10, 25, 1, 50)),
        # 01:30 CEST: both are within it, and the first (CEST, 00:50 UTC) is taken
        (utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 50)),
    ],
)
def test_an_autumn_time_that_happens_twice_is_the_one_within_the_session(starts_at, expected):
    moment = session_moment(time(2, 50), starts_at, starts_at + timedelta(hours=2), BERLIN)
    assert moment == expected


@pytest.mark.parametrize(
    ("minutes_from_start", "within"),
    [(-61, False), (-60, True), (0, True), (180, True), (240, True), (241, False)],
)
def test_a_session_reaches_an_hour_either_side(minutes_from_start, within):
    starts_at = utc(2026, 6, 15, 9, 0)
    moment = starts_at + timedelta(minutes=minutes_from_start)
    assert within_session(moment, starts_at, starts_at + timedelta(hours=3)) is within


@pytest.mark.parametrize(
    ("taken_at", "message"),
    [
        (None, "Enter the time of the reading."),
        (utc(2026, 6, 15, 7, 59), "The time must be within an hour of the session."),
        (utc(2026, 6, 15, 13, 1), "The time must be within an hour of the session."),
        (utc(2026, 6, 15, 8, 0), None),
        (utc(2026, 6, 15, 13, 0), None),
    ],
)
def test_a_reading_needs_a_time_within_an_hour_of_the_session(taken_at, message):
    problem = reading_time_problem(taken_at, utc(2026, 6, 15, 9, 0), utc(2026, 6, 15, 12, 0))
    assert (problem.message if problem else None) == message
