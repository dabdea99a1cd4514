"""The rules of the Today worklist: draft age, overdue questionnaires, homework
adherence over 14 days, integration due, and what may be planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.domain import scoring
from tracker.domain.homework import Adherence, Schedule, adherence
from tracker.domain.schedules import schedule_state
from tracker.domain.sessions import integration_due, plan_day_problem
from tracker.domain.today import (
    DraftAge,
    adherence_window_start,
    draft_age,
    is_low_adherence,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("ended_ago", "level"),
    [
        (timedelta(hours=-2), DraftAge.RECENT),  # still going on
        (timedelta(0), DraftAge.RECENT),
        (timedelta(hours=24), DraftAge.RECENT),  # exactly a day: not yet flagged
        (timedelta(hours=24, minutes=1), DraftAge.FLAGGED),
        (timedelta(days=7), DraftAge.FLAGGED),
        (timedelta(days=7, minutes=1), DraftAge.URGENT),
        (timedelta(days=40), DraftAge.URGENT),
    ],
)
def test_a_draft_is_flagged_after_24_hours_and_urgent_after_7_days(ended_ago, level):
    got, age = draft_age(NOW - ended_ago, NOW)
    assert got == level
    assert age == max(ended_ago, timedelta(0))


def _every(days: int, start: date = date(2026, 11, 1)) -> scoring.MeasureSchedule:
    return scoring.MeasureSchedule(scoring.EVERY_N_DAYS, start, days)


@pytest.mark.parametrize(
    ("schedule", "medicine", "answered", "expected"),
    [
        # weekly from Nov 1: the occurrence of Nov 29 is open
        (_every(7), [], [], date(2026, 11, 29)),
        (_every(7), [], [date(2026, 11, 29)], None),  # answered
        (_every(7), [], [date(2026, 11, 22)], date(2026, 11, 29)),  # an older answer
        # due today is due, not overdue
        (_every(7, date(2026, 11, 26)), [], [], None),
        # once, from yesterday, unanswered
        (scoring.MeasureSchedule(scoring.ONCE, date(2026, 12, 2)), [], [], date(2026, 12, 2)),
        # two days after a medicine session on Nov 30: due Dec 2, overdue on Dec 3
        (
            scoring.MeasureSchedule(scoring.AFTER_MEDICINE, date(2026, 11, 1), 2),
            [date(2026, 11, 30)],
            [],
            date(2026, 12, 2),
        ),
        (
            scoring.MeasureSchedule(scoring.AFTER_MEDICINE, date(2026, 11, 1), 2),
            [date(2026, 12, 1)],  # due today
            [],
            None,
        ),
        # not started yet
        (_every(7, date(2026, 12, 10)), [], [], None),
    ],
)
def test_a_questionnaire_is_overdue_once_its_due_day_has_passed(
    schedule, medicine, answered, expected
):
    state = schedule_state(schedule, medicine, answered, TODAY)
    assert (state.due_date if state.overdue else None) == expected


def test_adherence_counts_only_the_window():
    daily = Schedule("daily", start=date(2026, 10, 1))
    since = adherence_window_start(TODAY)
    assert since == date(2026, 11, 20)  # 14 days, today included
    # every day done before the window, none inside it
    done = [date(2026, 10, 1) + timedelta(days=n) for n in range(50)]
    windowed = adherence(daily, done, TODAY, since=since)
    assert windowed == Adherence(completed=0, expected=14)
    assert adherence(daily, done, TODAY).completed == 50  # the whole course
    inside = [since + timedelta(days=n) for n in range(0, 14, 2)]
    assert adherence(daily, inside, TODAY, since=since) == Adherence(7, 14)


def test_homework_done_early_in_the_window_counts():
    once = Schedule("once", start=date(2026, 11, 25), due=date(2026, 12, 6))
    since = adherence_window_start(TODAY)
    assert adherence(once, [], TODAY, since=since) == Adherence(0, 0)
    assert adherence(once, [date(2026, 12, 6)], TODAY, since=since) == Adherence(1, 1)


@pytest.mark.parametrize(
    ("completed", "expected", "low"),
    [(0, 0, False), (0, 1, True), (4, 9, True), (1, 2, False), (5, 10, False), (7, 7, False)],
)
def test_below_half_is_low_adherence(completed, expected, low):
    assert is_low_adherence(Adherence(completed, expected)) is low


def test_integration_is_due_within_seven_days_of_a_medicine_session():
    medicine = [date(2026, 11, 26), date(2026, 11, 30), date(2026, 11, 20), date(2026, 12, 5)]
    due = integration_due(medicine, [], TODAY)
    # Nov 20 is past its window (the course view's "missing"); Dec 5 has not happened.
    assert [(d.medicine_day, d.last_day, d.days_left) for d in due] == [
        (date(2026, 11, 26), date(2026, 12, 3), 0),
        (date(2026, 11, 30), date(2026, 12, 7), 4),
    ]


def test_an_integration_session_in_the_window_settles_it_even_when_dated_ahead():
    medicine = [date(2026, 11, 30)]
    assert integration_due(medicine, [date(2026, 11, 30)], TODAY) == []  # same day
    assert integration_due(medicine, [date(2026, 12, 6)], TODAY) == []  # recorded ahead
    assert integration_due(medicine, [date(2026, 11, 29)], TODAY) != []  # before it
    assert integration_due(medicine, [date(2026, 12, 8)], TODAY) != []  # too late


def test_sessions_are_planned_for_today_or_later():
    assert plan_day_problem(TODAY, TODAY) is None
    assert plan_day_problem(TODAY + timedelta(days=30), TODAY) is None
    problem = plan_day_problem(TODAY - timedelta(days=1), TODAY)
    assert problem is not None and "record a past session" in problem.message
