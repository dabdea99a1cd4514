"""Homework: recurrence, occurrences, adherence, and the template library's vocabulary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.domain.messages import N_, Problem


class Recurrence(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"


RECURRENCE_LABELS = {
    Recurrence.ONCE: N_("Once"),
    Recurrence.DAILY: N_("Every day"),
    Recurrence.WEEKLY: N_("Weekly, on chosen days"),
}

# Monday = 0, as datetime.date.weekday().
WEEKDAY_LABELS = {
    0: N_("Monday"),
    1: N_("Tuesday"),
    2: N_("Wednesday"),
    3: N_("Thursday"),
    4: N_("Friday"),
    5: N_("Saturday"),
    6: N_("Sunday"),
}

CATEGORY_LABELS = {
    "reflection": N_("Reflection and journaling"),
    "body": N_("Body and nervous system"),
    "breath": N_("Breath"),
    "values": N_("Values and meaning"),
    "ancestry": N_("Family and ancestry"),
    "compassion": N_("Self-compassion"),
    "nature": N_("Nature and movement"),
}

ASSIGNMENT_STATUS_LABELS = {
    "active": N_("Active"),
    "stopped": N_("Stopped"),
}


@dataclass(frozen=True)
class Schedule:
    """When an assignment is meant to be done."""

    recurrence: str
    start: date
    due: date | None = None  # once: the day it is due; recurring: the last day
    weekdays: frozenset[int] = frozenset()
    stopped_on: date | None = None  # no occurrences after this day

    @property
    def last_day(self) -> date | None:
        ends = [day for day in (self.due, self.stopped_on) if day is not None]
        return min(ends) if ends else None


def schedule_problems(schedule: Schedule) -> dict[str, Problem]:
    """What makes a schedule impossible, per form field."""
    problems: dict[str, Problem] = {}
    if schedule.due is not None and schedule.due < schedule.start:
        problems["due_date"] = Problem(N_("The due date cannot be before the start date."))
    if schedule.recurrence == Recurrence.WEEKLY:
        if not schedule.weekdays:
            problems["weekdays"] = Problem(N_("Choose at least one day of the week."))
        elif any(day not in WEEKDAY_LABELS for day in schedule.weekdays):
            problems["weekdays"] = Problem(N_("Choose days from Monday to Sunday."))
    return problems


def occurrences(schedule: Schedule, until: date) -> list[date]:
    """Every day the homework is due, from the start up to ``until`` (inclusive).

    Once: a single occurrence on the due date (or the start date without one).
    Daily: every day. Weekly: each chosen weekday. Nothing after the due date or
    the day the assignment was stopped.
    """
    end = until if schedule.last_day is None else min(until, schedule.last_day)
    if schedule.recurrence == Recurrence.ONCE:
        day = schedule.due or schedule.start
        stopped = schedule.stopped_on is not None and schedule.stopped_on < day
        return [day] if day <= until and not stopped else []
    days: list[date] = []
    day = schedule.start
    while day <= end:
        if schedule.recurrence == Recurrence.DAILY or day.weekday() in schedule.weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_occurrence(schedule: Schedule, after: date) -> date | None:
    """The first occurrence on or after ``after``, or ``None`` when there is none left."""
    if schedule.recurrence == Recurrence.ONCE:
        day = schedule.due or schedule.start
        return (
            day
            if day >= after and (schedule.stopped_on is None or day <= schedule.stopped_on)
            else None
        )
    start = max(after, schedule.start)
    window = occurrences(schedule, start + timedelta(days=7))
    return next((day for day in window if day >= start), None)


@dataclass(frozen=True)
class Adherence:
    completed: int
    expected: int

    @property
    def ratio(self) -> float | None:
        """Completed / expected, or ``None`` while nothing was expected yet."""
        return self.completed / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round(ratio * 100)


def adherence(
    schedule: Schedule, completed_days: Iterable[date], today: date, *, since: date | None = None
) -> Adherence:
    """Completed occurrences / expected occurrences to date (from ``since`` on, if given).

    Expected: occurrences up to today. An occurrence done early (a date after today)
    counts as both expected and completed, so finishing ahead never lowers the score.
    Completions on days that are not occurrences are not counted.
    """
    first = since or date.min
    due_so_far = {day for day in occurrences(schedule, today) if day >= first}
    every = set(occurrences(schedule, max(today, schedule.last_day or today)))
    done = {day for day in completed_days if day in every and day >= first}
    expected = due_so_far | done
    return Adherence(completed=len(done), expected=len(expected))


def adherence_from_counts(
    schedule: Schedule,
    today: date,
    completed: int,
    completed_ahead: int,
    *,
    since: date | None = None,
) -> Adherence:
    """``adherence`` from counts: ``completed`` completions that are occurrences of the
    schedule (from ``since`` on, if given), ``completed_ahead`` of them after today."""
    first = since or date.min
    due = sum(1 for day in occurrences(schedule, today) if day >= first)
    return Adherence(completed, due + completed_ahead)


def combined_adherence(parts: Iterable[Adherence]) -> Adherence:
    """A client's adherence over all assignments (occurrence-weighted)."""
    completed = expected = 0
    for part in parts:
        completed += part.completed
        expected += part.expected
    return Adherence(completed, expected)


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def parse_weekdays(text: str | None) -> frozenset[int]:
    """``"0,2,4"`` → {0, 2, 4} (stored form)."""
    return frozenset(int(part) for part in (text or "").split(",") if part.strip().isdigit())


def format_weekdays(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))
