"""When a client's reminder goes out: their zone, their quiet hours, and the nights the
clocks change (spring gap: the first moment after it; autumn overlap: the first of the
two occurrences, once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tracker.domain.homework import Schedule
from tracker.domain.reminders import (
    QuietHours,
    ReminderSettings,
    first_valid_moment,
    homework_waiting,
    local_day,
    open_window,
    quiet_hours_problem,
    reminder_window,
    send_time,
    zone_problem,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
NO_QUIET = QuietHours(time(0, 0), time(0, 0))
NIGHT = QuietHours(time(21, 0), time(8, 0))  # the default, across midnight


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def settings(at: time, zone: str, quiet: QuietHours = NO_QUIET) -> ReminderSettings:
    return ReminderSettings(at=at, zone_name=zone, quiet=quiet)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # ordinary days, summer and winter time
        (BERLIN, date(2026, 6, 15), time(18, 0), utc(2026, 6, 15, 16)),
        (BERLIN, date(2026, 1, 15), time(18, 0), utc(2026, 1, 15, 17)),
        (NEW_YORK, date(2026, 7, 1), time(18, 0), utc(2026, 7, 1, 22)),
        (NEW_YORK, date(2026, 1, 15), time(18, 0), utc(2026, 1, 15, 23)),
        (SYDNEY, date(2026, 7, 1), time(18, 0), utc(2026, 7, 1, 8)),  # AEST, winter
        (SYDNEY, date(2026, 1, 15), time(18, 0), utc(2026, 1, 15, 7)),  # AEDT, summer
        ("UTC", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 2, 30)),
        # spring forward: a time in the gap goes out at the first moment after it
        (BERLIN, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1)),  # = 03:00 CEST
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1)),
        (BERLIN, date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59)),  # last of CET
        (BERLIN, date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1)),
        (BERLIN, date(2027, 3, 28), time(2, 15), utc(2027, 3, 28, 1)),
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7)),  # = 03:00 EDT
        (SYDNEY, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16)),  # = 03:00 AEDT
        # fall back: a time that happens twice goes out at its first occurrence
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),  # CEST
        (BERLIN, date(2027, 10, 31), time(2, 15), utc(2027, 10, 31, 0, 15)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),  # EDT
        (SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),  # AEDT
        # the day after a change keeps the new offset
        (BERLIN, date(2026, 3, 30), time(18, 0), utc(2026, 3, 30, 16)),
        (BERLIN, date(2026, 10, 26), time(18, 0), utc(2026, 10, 26, 17)),
    ],
)
def test_the_reminder_goes_out_at_the_chosen_local_time(zone, day, at, expected):
    assert reminder_window(day, settings(at, zone)).opens == expected


def test_a_time_in_the_gap_is_not_moved_a_whole_hour_late():
    """02:30 read with winter-time offset would be 03:30 CEST; the gap ends at 03:00."""
    assert first_valid_moment(date(2026, 3, 29), time(2, 30), BERLIN) == utc(2026, 3, 29, 1)


@pytest.mark.parametrize(
    ("at", "quiet", "expected"),
    [
        (time(18, 0), NIGHT, time(18, 0)),
        (time(20, 59), NIGHT, time(20, 59)),
        (time(21, 0), NIGHT, time(8, 0)),  # start of quiet hours is quiet
        (time(22, 0), NIGHT, time(8, 0)),  # evening part: that morning's end
        (time(0, 0), NIGHT, time(8, 0)),
        (time(7, 59), NIGHT, time(8, 0)),
        (time(8, 0), NIGHT, time(8, 0)),  # the end is not quiet any more
        (time(13, 0), QuietHours(time(12, 0), time(14, 0)), time(14, 0)),
        (time(11, 0), QuietHours(time(12, 0), time(14, 0)), time(11, 0)),
        (time(3, 0), NO_QUIET, time(3, 0)),
    ],
)
def test_a_chosen_time_in_quiet_hours_moves_to_their_end(at, quiet, expected):
    assert send_time(settings(at, BERLIN, quiet)) == expected


@pytest.mark.parametrize(
    ("at", "quiet", "opens", "closes"),
    [
        # 18:00 CEST until quiet hours begin at 21:00
        (time(18, 0), NIGHT, utc(2026, 6, 15, 16), utc(2026, 6, 15, 19)),
        # 22:00 is quiet: 08:00 the same day, still until 21:00
        (time(22, 0), NIGHT, utc(2026, 6, 15, 6), utc(2026, 6, 15, 19)),
        # quiet at midday only: until the local day ends
        (
            time(18, 0),
            QuietHours(time(12, 0), time(14, 0)),
            utc(2026, 6, 15, 16),
            utc(2026, 6, 15, 22),
        ),
        (time(23, 30), NO_QUIET, utc(2026, 6, 15, 21, 30), utc(2026, 6, 15, 22)),
    ],
)
def test_the_window_ends_when_quiet_hours_begin_or_the_day_ends(at, quiet, opens, closes):
    window = reminder_window(date(2026, 6, 15), settings(at, BERLIN, quiet))
    assert (window.opens, window.closes) == (opens, closes)


def test_quiet_hours_ending_in_the_spring_gap_end_when_the_clocks_have_moved():
    quiet = QuietHours(time(21, 0), time(2, 30))
    window = reminder_window(date(2026, 3, 29), settings(time(1, 0), BERLIN, quiet))
    assert window.opens == utc(2026, 3, 29, 1)  # 03:00 CEST


def test_the_autumn_day_is_an_hour_longer_and_its_evening_is_in_winter_time():
    window = reminder_window(date(2026, 10, 25), settings(time(18, 0), BERLIN, NIGHT))
    assert (window.opens, window.closes) == (utc(2026, 10, 25, 17), utc(2026, 10, 25, 20))


def test_a_time_that_happens_twice_belongs_to_one_day_so_it_is_sent_once():
    chosen = settings(time(2, 30), BERLIN)
    first = open_window(utc(2026, 10, 25, 0, 30), chosen)  # 02:30 CEST
    second = open_window(utc(2026, 10, 25, 1, 30), chosen)  # 02:30 CET
    assert first is not None and second is not None
    assert first.day == second.day == date(2026, 10, 25)  # one key for the outbox
    assert first.opens == second.opens == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("now", "expected_day"),
    [
        (utc(2026, 6, 15, 16), date(2026, 6, 15)),  # 18:00 CEST: opens
        (utc(2026, 6, 15, 18, 59), date(2026, 6, 15)),  # 20:59: still
        (utc(2026, 6, 15, 15, 59), None),  # 17:59: before the chosen time
        (utc(2026, 6, 15, 19), None),  # 21:00: quiet hours
        (utc(2026, 6, 15, 23), None),  # 01:00 the next day: quiet, and not yet time
        (utc(2026, 6, 16, 7), None),  # 09:00 the next day: before 18:00
    ],
)
def test_the_window_is_open_only_between_the_time_and_quiet_hours(now, expected_day):
    window = open_window(now, settings(time(18, 0), BERLIN, NIGHT))
    assert (window.day if window else None) == expected_day


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (utc(2026, 6, 15, 21, 59), BERLIN, date(2026, 6, 15)),  # 23:59 CEST
        (utc(2026, 6, 15, 22, 0), BERLIN, date(2026, 6, 16)),  # midnight CEST
        (utc(2026, 6, 16, 2, 0), NEW_YORK, date(2026, 6, 15)),  # 22:00 EDT
        (utc(2026, 7, 1, 20, 0), SYDNEY, date(2026, 7, 2)),  # 06:00 AEST
        (utc(2026, 7, 1, 20, 0), "UTC", date(2026, 7, 1)),
    ],
)
def test_the_clients_local_day(now, zone, expected):
    assert local_day(now, zone) == expected


def test_sydney_reminder_for_a_local_day_goes_out_on_the_previous_utc_day():
    window = reminder_window(date(2026, 7, 2), settings(time(8, 30), SYDNEY, NIGHT))
    assert window.opens == utc(2026, 7, 1, 22, 30)
    assert open_window(utc(2026, 7, 1, 22, 45), settings(time(8, 30), SYDNEY, NIGHT)) == window


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Europe/Berlin", True),
        ("America/New_York", True),
        ("UTC", True),
        (" Europe/Berlin ", True),
        ("Mars/Olympus_Mons", False),
        ("", False),
        ("../../etc/passwd", False),
        ("europe/berlin", False),
    ],
)
def test_time_zone_names_are_checked(name, valid):
    assert (zone_problem(name) is None) is valid


def test_quiet_hours_need_two_different_times():
    assert quiet_hours_problem(QuietHours(time(21, 0), time(21, 0))) is not None
    assert quiet_hours_problem(NIGHT) is None


TODAY = date(2026, 6, 17)  # a Wednesday


@pytest.mark.parametrize(
    ("schedule", "active", "done", "waiting"),
    [
        (Schedule("daily", TODAY - timedelta(days=3)), True, [], True),
        (Schedule("daily", TODAY - timedelta(days=3)), True, [TODAY - timedelta(days=1)], True),
        (Schedule("daily", TODAY - timedelta(days=3)), True, [TODAY], False),
        (Schedule("daily", TODAY - timedelta(days=3)), False, [], False),
        (Schedule("daily", TODAY + timedelta(days=1)), True, [], False),  # not started
        (Schedule("weekly", TODAY - timedelta(days=14), weekdays=frozenset({2})), True, [], True),
        (Schedule("weekly", TODAY - timedelta(days=14), weekdays=frozenset({3})), True, [], False),
        (Schedule("once", TODAY - timedelta(days=5), due=TODAY), True, [], True),
        (
            Schedule("once", TODAY - timedelta(days=5), due=TODAY - timedelta(days=1)),
            True,
            [],
            False,
        ),
        (
            Schedule("daily", TODAY - timedelta(days=5), stopped_on=TODAY - timedelta(days=1)),
            True,
            [],
            False,
        ),
    ],
)
def test_homework_is_waiting_when_due_today_and_not_done(schedule, active, done, waiting):
    assert homework_waiting(schedule, active, done, TODAY) is waiting
