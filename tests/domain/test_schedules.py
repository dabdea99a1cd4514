"""Questionnaire schedules (issue 12, section 6): one occurrence per medicine session,
each due until answered or until the next occurrence comes due; none skipped silently."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.schedules import (
    AFTER_MEDICINE,
    EVERY_N_DAYS,
    ONCE,
    MeasureSchedule,
    due_dates,
    next_due_date,
    open_occurrences,
    schedule_state,
)

MAY = date(2026, 5, 1)


def may(day: int) -> date:
    return MAY + timedelta(days=day - 1)


def days(*numbers: int) -> list[date]:
    return [may(n) for n in numbers]


WEEKLY_DOSING = days(1, 8, 15, 22)
SEVEN_AFTER = MeasureSchedule(AFTER_MEDICINE, may(1), 7)


def test_weekly_dosing_makes_one_occurrence_per_medicine_session():
    assert due_dates(SEVEN_AFTER, WEEKLY_DOSING, may(31)) == days(8, 15, 22, 29)
    # a due date in the future is not an occurrence yet, but it is known
    assert due_dates(SEVEN_AFTER, WEEKLY_DOSING, may(20)) == days(8, 15)
    assert next_due_date(SEVEN_AFTER, WEEKLY_DOSING, may(20)) == may(22)


# (today, answers, due date of the open occurrence or None, overdue, missed)
WEEKLY_CASES = [
    # before the first occurrence: nothing is due, however many sessions there were
    (7, [], None, False, 0),
    # the occurrence of the 8th is due on the day the next dose is given
    (8, [], 8, False, 0),
    (9, [], 8, True, 0),
    # answered between sessions: closes the occurrence of the 8th
    (10, [10], None, False, 0),
    (14, [10], None, False, 0),
    # unanswered, the 8th stays due until the 15th replaces it: one missed
    (14, [], 8, True, 0),
    (15, [], 15, False, 1),
    (16, [], 15, True, 1),
    # answered on the due date itself
    (15, [8, 15], None, False, 0),
    # late for the 8th (answered on the 16th): the 8th was missed, the 15th is answered
    (16, [16], None, False, 1),
    # every occurrence missed, the last one still open
    (29, [], 29, False, 3),
    (40, [], 29, True, 3),
    # answered every week: nothing missed, nothing open
    (31, [9, 16, 23, 30], None, False, 0),
    # two answers in one week close one occurrence only
    (23, [9, 10], 22, True, 1),
    # an answer before the first due date closes nothing
    (8, [5], 8, False, 0),
    # an answer in the future (a typing slip) closes nothing yet
    (9, [12], 8, True, 0),
]


@pytest.mark.parametrize(("today", "answers", "due", "overdue", "missed"), WEEKLY_CASES)
def test_weekly_dosing_seven_days_after_each_session(today, answers, due, overdue, missed):
    state = schedule_state(SEVEN_AFTER, WEEKLY_DOSING, days(*answers), may(today))
    assert state.due_date == (may(due) if due else None)
    assert state.is_due is (due is not None)
    assert state.overdue is overdue
    assert state.missed == missed
    assert open_occurrences(SEVEN_AFTER, WEEKLY_DOSING, days(*answers), may(today)) == (
        [may(due)] if due else []
    )


def test_days_overdue_counts_from_the_due_date():
    state = schedule_state(SEVEN_AFTER, WEEKLY_DOSING, [], may(12))
    assert (state.due_date, state.days_overdue) == (may(8), 4)
    assert schedule_state(SEVEN_AFTER, WEEKLY_DOSING, [], may(8)).days_overdue == 0


def test_each_occurrence_says_how_it_ended():
    state = schedule_state(SEVEN_AFTER, WEEKLY_DOSING, days(10, 24), may(30))
    assert [(o.due, o.answered_on, o.replaced_on) for o in state.occurrences] == [
        (may(8), may(10), may(15)),
        (may(15), None, may(22)),
        (may(22), may(24), may(29)),
        (may(29), None, None),
    ]
    assert [o.missed for o in state.occurrences] == [False, True, False, False]
    assert state.open == state.occurrences[-1]


# (N days after, sessions, today, answers, open due date or None, missed)
AFTER_MEDICINE_CASES = [
    # the example of issue 12: dosing closer together than N
    (7, [1, 3], 9, [], 8, 0),
    (7, [1, 3], 10, [], 10, 1),
    (7, [1, 3], 10, [9], 10, 0),
    # two sessions on one day make one occurrence
    (2, [5, 5], 8, [], 7, 0),
    # sessions before the start of the assignment are not counted
    (2, [-10, 5], 8, [], 7, 0),
    # N = 0: due on the day of the session
    (0, [5], 5, [], 5, 0),
    (0, [5], 5, [5], None, 0),
    # the order of the sessions does not matter
    (3, [20, 10], 25, [], 23, 1),
    # a session in the future does not count yet
    (2, [10], 9, [], None, 0),
]


@pytest.mark.parametrize(
    ("after", "sessions", "today", "answers", "due", "missed"), AFTER_MEDICINE_CASES
)
def test_after_medicine_sessions(after, sessions, today, answers, due, missed):
    schedule = MeasureSchedule(AFTER_MEDICINE, may(1), after)
    medicine = [may(1) + timedelta(days=n - 1) for n in sessions]
    state = schedule_state(schedule, medicine, days(*answers), may(today))
    assert state.due_date == (may(due) if due else None)
    assert state.missed == missed


# every 7 days from the 1st: (today, answers, open due date or None, overdue, missed)
EVERY_7_CASES = [
    (1, [], 1, False, 0),
    (7, [], 1, True, 0),
    (7, [3], None, False, 0),
    (8, [3], 8, False, 0),
    # an answer in the previous period does not count for this one
    (9, [7], 8, True, 0),
    (15, [], 15, False, 2),
    (15, [2, 9], 15, False, 0),
    (22, [2, 16], 22, False, 1),
    # before the start
    (-3, [], None, False, 0),
]


@pytest.mark.parametrize(("today", "answers", "due", "overdue", "missed"), EVERY_7_CASES)
def test_every_n_days(today, answers, due, overdue, missed):
    schedule = MeasureSchedule(EVERY_N_DAYS, may(1), 7)
    state = schedule_state(schedule, [], days(*answers), may(1) + timedelta(days=today - 1))
    assert state.due_date == (may(due) if due else None)
    assert (state.overdue, state.missed) == (overdue, missed)


@pytest.mark.parametrize(
    ("today", "answers", "due", "overdue"),
    [
        (0, [], None, False),  # before the start
        (1, [], 1, False),
        (30, [], 1, True),  # never replaced: stays due, never counted missed
        (30, [20], None, False),
        (30, [-2], 1, True),  # an answer before the start does not count
    ],
)
def test_once(today, answers, due, overdue):
    schedule = MeasureSchedule(ONCE, may(1))
    state = schedule_state(schedule, [], days(*answers), may(1) + timedelta(days=today - 1))
    assert state.due_date == (may(due) if due else None)
    assert (state.overdue, state.missed) == (overdue, 0)


@pytest.mark.parametrize(
    ("schedule", "medicine", "today", "expected"),
    [
        (MeasureSchedule(ONCE, may(10)), [], may(5), may(10)),
        (MeasureSchedule(ONCE, may(10)), [], may(10), None),
        (MeasureSchedule(EVERY_N_DAYS, may(10), 7), [], may(5), may(10)),
        (MeasureSchedule(EVERY_N_DAYS, may(10), 7), [], may(10), may(17)),
        (MeasureSchedule(EVERY_N_DAYS, may(10), 7), [], may(16), may(17)),
        (MeasureSchedule(AFTER_MEDICINE, may(1), 2), [], may(5), None),
        (MeasureSchedule(AFTER_MEDICINE, may(1), 2), days(4), may(5), may(6)),
        (MeasureSchedule(AFTER_MEDICINE, may(1), 2), days(4), may(6), None),
    ],
)
def test_next_due_date(schedule, medicine, today, expected):
    assert next_due_date(schedule, medicine, today) == expected


def test_an_unknown_kind_is_refused_everywhere():
    schedule = MeasureSchedule("weekly", may(1), 7)
    for call in (
        lambda: due_dates(schedule, [], may(3)),
        lambda: next_due_date(schedule, [], may(3)),
        lambda: schedule_state(schedule, [], [], may(3)),
    ):
        with pytest.raises(ValueError):
            call()
