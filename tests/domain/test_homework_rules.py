"""Homework schedules: occurrences, adherence, the next occurrence and schedule problems."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.homework import (
    Adherence,
    Schedule,
    adherence,
    combined_adherence,
    format_weekdays,
    next_occurrence,
    occurrences,
    parse_weekdays,
    schedule_problems,
    week_of,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def once(start: date, due: date | None = None, stopped: date | None = None) -> Schedule:
    return Schedule("once", start, due=due, stopped_on=stopped)


def daily(start: date, due: date | None = None, stopped: date | None = None) -> Schedule:
    return Schedule("daily", start, due=due, stopped_on=stopped)


def weekly(start: date, days: set[int], due: date | None = None, stopped=None) -> Schedule:
    return Schedule("weekly", start, due=due, weekdays=frozenset(days), stopped_on=stopped)


def d(text: str) -> date:
    return date.fromisoformat(text)


def span(first: str, last: str) -> list[date]:
    start, end = d(first), d(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# --- occurrences ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "until", "expected"),
    [
        # once: on the due date, or on the start date without one
        (once(d("2026-03-02")), d("2026-03-10"), [d("2026-03-02")]),
        (once(d("2026-03-02"), d("2026-03-05")), d("2026-03-10"), [d("2026-03-05")]),
        (once(d("2026-03-02"), d("2026-03-05")), d("2026-03-05"), [d("2026-03-05")]),
        # due in the future: nothing yet
        (once(d("2026-03-02"), d("2026-03-20")), d("2026-03-10"), []),
        (once(d("2026-03-12")), d("2026-03-10"), []),
        # stopped before the due date: never due; stopped on the due date: still due
        (once(d("2026-03-02"), d("2026-03-05"), d("2026-03-04")), d("2026-03-10"), []),
        (
            once(d("2026-03-02"), d("2026-03-05"), d("2026-03-05")),
            d("2026-03-10"),
            [d("2026-03-05")],
        ),
        # daily across a month end
        (daily(d("2026-01-30")), d("2026-02-02"), span("2026-01-30", "2026-02-02")),
        (
            daily(d("2026-01-30"), d("2026-02-02")),
            d("2026-03-31"),
            span("2026-01-30", "2026-02-02"),
        ),
        # daily across the leap day of 2028
        (daily(d("2028-02-27")), d("2028-03-01"), span("2028-02-27", "2028-03-01")),
        (daily(d("2028-02-29"), d("2028-02-29")), d("2028-03-10"), [d("2028-02-29")]),
        # daily, but not in 2027 (no 29 February): 28 Feb then 1 March
        (daily(d("2027-02-28")), d("2027-03-01"), [d("2027-02-28"), d("2027-03-01")]),
        # daily, stopped: nothing after the day it was stopped
        (
            daily(d("2026-03-01"), stopped=d("2026-03-03")),
            d("2026-03-10"),
            span("2026-03-01", "2026-03-03"),
        ),
        # the earlier of the last day and the stop day ends it
        (
            daily(d("2026-03-01"), d("2026-03-02"), d("2026-03-05")),
            d("2026-03-10"),
            span("2026-03-01", "2026-03-02"),
        ),
        # weekly on Monday and Thursday across the end of January 2026
        (
            weekly(d("2026-01-26"), {MON, THU}),
            d("2026-02-08"),
            [d("2026-01-26"), d("2026-01-29"), d("2026-02-02"), d("2026-02-05")],
        ),
        # weekly, starting mid-week: the first chosen day on or after the start
        (
            weekly(d("2026-01-27"), {MON, THU}, d("2026-02-02")),
            d("2026-03-01"),
            [d("2026-01-29"), d("2026-02-02")],
        ),
        # weekly on Saturday and Sunday over the leap day (2028-02-29 is a Tuesday)
        (
            weekly(d("2028-02-26"), {SAT, SUN, TUE}),
            d("2028-03-05"),
            [d(x) for x in ("2028-02-26", "2028-02-27", "2028-02-29", "2028-03-04", "2028-03-05")],
        ),
        # weekly, stopped mid-week
        (
            weekly(d("2026-03-02"), {MON, WED, FRI}, stopped=d("2026-03-04")),
            d("2026-03-31"),
            [d("2026-03-02"), d("2026-03-04")],
        ),
        # a start in the future: nothing yet
        (daily(d("2026-04-01")), d("2026-03-10"), []),
        (weekly(d("2026-04-01"), {MON}), d("2026-03-10"), []),
    ],
)
def test_occurrences(schedule, until, expected):
    assert occurrences(schedule, until) == expected


def test_weekly_without_days_has_no_occurrences():
    assert occurrences(weekly(d("2026-03-01"), set()), d("2026-03-31")) == []


# --- adherence -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "done", "today", "completed", "expected", "percent"),
    [
        # once, due today and done
        (once(d("2026-03-02"), d("2026-03-05")), ["2026-03-05"], "2026-03-05", 1, 1, 100),
        # once, overdue and not done
        (once(d("2026-03-02"), d("2026-03-05")), [], "2026-03-06", 0, 1, 0),
        # once, due in the future: nothing expected yet
        (once(d("2026-03-02"), d("2026-03-20")), [], "2026-03-10", 0, 0, None),
        # once, due in the future but done early: counts as done (and as expected)
        (once(d("2026-03-02"), d("2026-03-20")), ["2026-03-20"], "2026-03-10", 1, 1, 100),
        # once, stopped before its day: never expected, an entry does not count
        (
            once(d("2026-03-02"), d("2026-03-20"), d("2026-03-10")),
            ["2026-03-20"],
            "2026-03-25",
            0,
            0,
            None,
        ),
        # daily across a month end: 2 of 4
        (daily(d("2026-01-30")), ["2026-01-31", "2026-02-02"], "2026-02-02", 2, 4, 50),
        # daily across the leap day: 29 February is an occurrence like any other
        (
            daily(d("2028-02-28"), d("2028-03-01")),
            ["2028-02-28", "2028-02-29", "2028-03-01"],
            "2028-03-05",
            3,
            3,
            100,
        ),
        # completions on days that are not occurrences are ignored
        (
            weekly(d("2026-01-26"), {MON, THU}),
            ["2026-01-26", "2026-01-27", "2026-01-28", "2026-02-02", "2026-02-07"],
            "2026-02-08",
            2,
            4,
            50,
        ),
        # before the start and after the last day are not occurrences either
        (
            daily(d("2026-03-02"), d("2026-03-03")),
            ["2026-03-01", "2026-03-04"],
            "2026-03-10",
            0,
            2,
            0,
        ),
        # a start in the future: nothing expected, no percentage
        (daily(d("2026-04-01")), [], "2026-03-10", 0, 0, None),
        (weekly(d("2026-04-01"), {MON, FRI}), [], "2026-03-10", 0, 0, None),
        # stopped: only the occurrences up to the stop day are expected
        (daily(d("2026-03-01"), stopped=d("2026-03-04")), ["2026-03-02"], "2026-03-31", 1, 4, 25),
        # rounding: 1 of 3 is 33 %, 2 of 3 is 67 %
        (daily(d("2026-03-01")), ["2026-03-01"], "2026-03-03", 1, 3, 33),
        (daily(d("2026-03-01")), ["2026-03-01", "2026-03-02"], "2026-03-03", 2, 3, 67),
    ],
)
def test_adherence(schedule, done, today, completed, expected, percent):
    result = adherence(schedule, [d(day) for day in done], d(today))
    assert (result.completed, result.expected, result.percent) == (completed, expected, percent)


def test_adherence_ratio_is_none_while_nothing_is_expected():
    assert Adherence(0, 0).ratio is None
    assert Adherence(0, 0).percent is None
    assert Adherence(3, 4).ratio == 0.75


def test_a_repeated_completion_of_one_day_counts_once():
    result = adherence(daily(d("2026-03-01")), [d("2026-03-01")] * 3, d("2026-03-02"))
    assert (result.completed, result.expected) == (1, 2)


@pytest.mark.parametrize(
    ("parts", "completed", "expected", "percent"),
    [
        # occurrence-weighted: 10 of 12, not the mean of 50 % and 90 %
        ([Adherence(1, 2), Adherence(9, 10)], 10, 12, 83),
        # an assignment with nothing expected yet changes nothing
        ([Adherence(3, 4), Adherence(0, 0)], 3, 4, 75),
        ([Adherence(0, 0), Adherence(0, 0)], 0, 0, None),
        ([], 0, 0, None),
        ([Adherence(0, 5), Adherence(5, 5)], 5, 10, 50),
    ],
)
def test_combined_adherence(parts, completed, expected, percent):
    result = combined_adherence(parts)
    assert (result.completed, result.expected, result.percent) == (completed, expected, percent)


def test_combined_adherence_takes_a_generator():
    parts = (Adherence(n, 2) for n in (0, 1, 2))
    assert combined_adherence(parts) == Adherence(3, 6)


# --- the next occurrence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        (once(d("2026-03-02"), d("2026-03-05")), "2026-03-03", "2026-03-05"),
        (once(d("2026-03-02"), d("2026-03-05")), "2026-03-05", "2026-03-05"),
        (once(d("2026-03-02"), d("2026-03-05")), "2026-03-06", None),
        (once(d("2026-03-02")), "2026-03-01", "2026-03-02"),
        (once(d("2026-03-02"), d("2026-03-05"), d("2026-03-04")), "2026-03-03", None),
        (daily(d("2026-01-30")), "2026-01-31", "2026-01-31"),
        (daily(d("2026-04-01")), "2026-03-10", "2026-04-01"),
        (daily(d("2026-01-30"), d("2026-02-02")), "2026-02-03", None),
        (daily(d("2026-03-01"), stopped=d("2026-03-03")), "2026-03-04", None),
        (daily(d("2028-02-28")), "2028-02-29", "2028-02-29"),
        # weekly: the next chosen day, across a month end
        (weekly(d("2026-01-26"), {MON, THU}), "2026-01-30", "2026-02-02"),
        (weekly(d("2026-01-26"), {SUN}), "2026-02-02", "2026-02-08"),
        (weekly(d("2026-01-26"), {MON, THU}, d("2026-01-31")), "2026-01-30", None),
        (weekly(d("2026-04-06"), {WED}), "2026-03-10", "2026-04-08"),
        (weekly(d("2026-03-02"), set()), "2026-03-02", None),
    ],
)
def test_next_occurrence(schedule, after, expected):
    assert next_occurrence(schedule, d(after)) == (d(expected) if expected else None)


# --- schedule problems ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "fields"),
    [
        (once(d("2026-03-02")), set()),
        (once(d("2026-03-02"), d("2026-03-02")), set()),
        (once(d("2026-03-02"), d("2026-03-01")), {"due_date"}),
        (daily(d("2026-03-02"), d("2026-02-28")), {"due_date"}),
        (daily(d("2026-03-02")), set()),
        (weekly(d("2026-03-02"), {MON}), set()),
        (weekly(d("2026-03-02"), set()), {"weekdays"}),
        (weekly(d("2026-03-02"), {MON, 7}), {"weekdays"}),
        (weekly(d("2026-03-02"), {-1}), {"weekdays"}),
        (weekly(d("2026-03-02"), set(), d("2026-03-01")), {"due_date", "weekdays"}),
        # days of the week only matter for a weekly schedule
        (Schedule("daily", d("2026-03-02"), weekdays=frozenset({9})), set()),
    ],
)
def test_schedule_problems(schedule, fields):
    assert set(schedule_problems(schedule)) == fields


def test_schedule_problem_messages_name_the_fix():
    problems = schedule_problems(weekly(d("2026-03-02"), set(), d("2026-03-01")))
    assert problems["weekdays"].message == "Choose at least one day of the week."
    assert problems["due_date"].message == "The due date cannot be before the start date."


# --- small helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday", "sunday"),
    [
        ("2026-03-04", "2026-03-02", "2026-03-08"),
        ("2026-03-02", "2026-03-02", "2026-03-08"),
        ("2026-03-08", "2026-03-02", "2026-03-08"),
        ("2026-01-01", "2025-12-29", "2026-01-04"),
        ("2028-02-29", "2028-02-28", "2028-03-05"),
    ],
)
def test_week_of(day, monday, sunday):
    assert week_of(d(day)) == (d(monday), d(sunday))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("0,2,4", {0, 2, 4}),
        ("", set()),
        (None, set()),
        ("6, 1,,x", {1, 6}),
    ],
)
def test_parse_weekdays(text, days):
    assert parse_weekdays(text) == frozenset(days)


def test_format_weekdays_sorts_and_deduplicates():
    assert format_weekdays([4, 0, 2, 0]) == "0,2,4"
    assert parse_weekdays(format_weekdays({6, 3})) == {3, 6}
