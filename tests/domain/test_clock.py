"""Typed local times around the clock changes: a time in the spring-forward gap is
refused, a time in the autumn overlap needs to say which of the two is meant (fold)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tracker.domain.clock import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    fold_options,
    local_to_utc,
    local_to_utc_checked,
)

BERLIN = "Europe/Berlin"
SPRING = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST
AUTUMN = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
def test_a_time_in_the_spring_gap_does_not_exist(at):
    with pytest.raises(NonexistentLocalTime) as refused:
        local_to_utc_checked(SPRING, at, BERLIN)
    assert refused.value.problem.params == {
        "time": at.strftime("%H:%M"),
        "date": "2026-03-29",
    }
    assert "does not exist" in refused.value.problem.message


@pytest.mark.parametrize("fold", [0, 1])
def test_a_fold_does_not_make_a_gap_time_exist(fold):
    with pytest.raises(NonexistentLocalTime):
        local_to_utc_checked(SPRING, time(2, 30), BERLIN, fold=fold)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (time(1, 59), utc(SPRING, 0, 59)),  # the last minute of winter time
        (time(3, 0), utc(SPRING, 1, 0)),  # the first minute of summer time
    ],
)
def test_the_edges_of_the_spring_gap_exist(at, expected):
    assert local_to_utc_checked(SPRING, at, BERLIN) == expected


@pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
def test_a_time_in_the_autumn_overlap_asks_which_is_meant(at):
    with pytest.raises(AmbiguousLocalTime) as asked:
        local_to_utc_checked(AUTUMN, at, BERLIN)
    first, second = asked.value.options
    assert (first.fold, first.abbreviation, first.summer_time) == (0, "CEST", True)
    assert (second.fold, second.abbreviation, second.summer_time) == (1, "CET", False)
    assert second.utc - first.utc == (utc(AUTUMN, 1) - utc(AUTUMN, 0))
    assert "happens twice" in asked.value.problem.message


def test_fold_chooses_the_first_or_the_second_occurrence():
    assert local_to_utc_checked(AUTUMN, time(2, 30), BERLIN, fold=0) == utc(AUTUMN, 0, 30)
    assert local_to_utc_checked(AUTUMN, time(2, 30), BERLIN, fold=1) == utc(AUTUMN, 1, 30)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (time(1, 59), utc(date(2026, 10, 24), 23, 59)),  # 01:59 CEST
        (time(3, 0), utc(AUTUMN, 2, 0)),  # 03:00 CET
    ],
)
def test_the_edges_of_the_autumn_overlap_happen_once(at, expected):
    assert fold_options(AUTUMN, at, BERLIN) is None
    assert local_to_utc_checked(AUTUMN, at, BERLIN) == expected
    assert local_to_utc_checked(AUTUMN, at, BERLIN, fold=1) == expected  # fold is ignored


@pytest.mark.parametrize(
    ("day", "at"),
    [(date(2026, 7, 1), time(9, 0)), (date(2026, 1, 15), time(2, 30)), (SPRING, time(12, 0))],
)
def test_ordinary_times_agree_with_the_unchecked_conversion(day, at):
    assert local_to_utc_checked(day, at, BERLIN) == local_to_utc(day, at, BERLIN)


def test_a_zone_without_daylight_saving_never_asks():
    assert local_to_utc_checked(AUTUMN, time(2, 30), "UTC") == utc(AUTUMN, 2, 30)
    assert local_to_utc_checked(SPRING, time(2, 30), "Asia/Tokyo") == utc(date(2026, 3, 28), 17, 30)


def test_the_southern_hemisphere_overlap_is_in_april():
    """Sydney's clocks go back on the first Sunday of April (AEDT -> AEST)."""
    with pytest.raises(AmbiguousLocalTime) as asked:
        local_to_utc_checked(date(2026, 4, 5), time(2, 30), "Australia/Sydney")
    assert [o.abbreviation for o in asked.value.options] == ["AEDT", "AEST"]
    assert [o.summer_time for o in asked.value.options] == [True, False]


def test_a_time_carrying_a_fold_is_still_asked_about():
    """A time read back from a stored second 02:30 carries fold=1; what counts is the
    ``fold`` argument, not the time's own attribute."""
    with pytest.raises(AmbiguousLocalTime):
        local_to_utc_checked(AUTUMN, time(2, 30, fold=1), BERLIN)
    assert fold_options(AUTUMN, time(2, 30, fold=1), BERLIN) is not None
