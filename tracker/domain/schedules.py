"""When an assigned questionnaire is due: its occurrences, what answered them, what was missed.

A schedule makes a series of occurrences, each with a due date:
- once: one occurrence, due from the start date;
- every N days: due at the start date, start + N, start + 2N, …;
- N days after each medicine session: one per medicine session on or after the start
  date, due N days after it (two sessions on one day make one occurrence).

An occurrence stays open from its due date until it is answered or until the next
occurrence of the same assignment comes due. Then it is replaced and, unanswered, counts
as missed: the client is asked for the present, never to catch up (a questionnaire about
"the last two weeks" answered three times on one day says no more than once), and nothing
is skipped silently. An answer closes the occurrence whose time it falls in — on or after
its due date and before the next one's — which is the oldest occurrence still open on the
answer's date. An answer before the first due date closes nothing.

Weekly dosing, 7 days after each session: sessions on the 1st, 8th, 15th and 22nd make
occurrences due on the 8th, 15th, 22nd and 29th. An answer on the 10th closes the 8th's;
unanswered, the 8th's would stay open (overdue from the 9th) until the 15th replaces it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ONCE = "once"
EVERY_N_DAYS = "every_n_days"
AFTER_MEDICINE = "after_medicine"
KINDS = (ONCE, EVERY_N_DAYS, AFTER_MEDICINE)


@dataclass(frozen=True)
class MeasureSchedule:
    kind: str
    start: date
    every_days: int | None = None  # every N days; or N days after each medicine session


@dataclass(frozen=True)
class Occurrence:
    due: date
    answered_on: date | None  # the first answer in its time, if any
    replaced_on: date | None  # the next occurrence's due date, once it has come

    @property
    def is_open(self) -> bool:
        return self.answered_on is None and self.replaced_on is None

    @property
    def missed(self) -> bool:
        return self.answered_on is None and self.replaced_on is not None


@dataclass(frozen=True)
class DueState:
    """Where one assignment stands today."""

    today: date
    occurrences: tuple[Occurrence, ...]  # due on or before today, oldest first
    next_due: date | None  # the next occurrence after today, when it is known

    @property
    def open(self) -> Occurrence | None:
        """The occurrence waiting for an answer (at most one: a newer one replaces it)."""
        latest = self.occurrences[-1] if self.occurrences else None
        return latest if latest is not None and latest.is_open else None

    @property
    def is_due(self) -> bool:
        return self.open is not None

    @property
    def due_date(self) -> date | None:
        """The due date of the open occurrence, or ``None`` when nothing is waiting."""
        current = self.open
        return current.due if current else None

    @property
    def overdue(self) -> bool:
        """Open since before today."""
        return self.due_date is not None and self.due_date < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due_date).days if self.overdue and self.due_date else 0

    @property
    def missed(self) -> int:
        """Occurrences replaced by the next one without an answer."""
        return sum(1 for occurrence in self.occurrences if occurrence.missed)


def _check_kind(schedule: MeasureSchedule) -> None:
    if schedule.kind not in KINDS:
        raise ValueError(f"unknown schedule kind {schedule.kind!r}")


def _after_medicine_dues(schedule: MeasureSchedule, medicine_days: Iterable[date]) -> list[date]:
    delay = timedelta(days=schedule.every_days or 0)
    return sorted({day + delay for day in medicine_days if day >= schedule.start})


def due_dates(schedule: MeasureSchedule, medicine_days: Iterable[date], until: date) -> list[date]:
    """Every due date of the schedule on or before ``until``, oldest first."""
    _check_kind(schedule)
    if until < schedule.start:
        return []
    if schedule.kind == ONCE:
        return [schedule.start]
    if schedule.kind == EVERY_N_DAYS:
        step = schedule.every_days or 1
        periods = (until - schedule.start).days // step
        return [schedule.start + timedelta(days=n * step) for n in range(periods + 1)]
    return [due for due in _after_medicine_dues(schedule, medicine_days) if due <= until]


def next_due_date(
    schedule: MeasureSchedule, medicine_days: Iterable[date], today: date
) -> date | None:
    """The first due date after ``today``: known for every N days, and after medicine
    sessions already recorded; ``None`` for a once schedule that has come."""
    _check_kind(schedule)
    if schedule.kind == ONCE:
        return schedule.start if schedule.start > today else None
    if schedule.kind == EVERY_N_DAYS:
        if today < schedule.start:
            return schedule.start
        step = schedule.every_days or 1
        periods = (today - schedule.start).days // step + 1
        return schedule.start + timedelta(days=periods * step)
    later = [due for due in _after_medicine_dues(schedule, medicine_days) if due > today]
    return later[0] if later else None


def schedule_state(
    schedule: MeasureSchedule,
    medicine_days: Sequence[date],
    response_days: Iterable[date],
    today: date,
) -> DueState:
    """The occurrences due by ``today``, each answered, missed or open (see the module)."""
    dues = due_dates(schedule, medicine_days, today)
    first_answer: dict[int, date] = {}
    for day in sorted(day for day in response_days if day <= today):
        index = bisect_right(dues, day) - 1  # the occurrence whose time holds the answer
        if index >= 0:
            first_answer.setdefault(index, day)
    occurrences = tuple(
        Occurrence(
            due=due,
            answered_on=first_answer.get(index),
            replaced_on=dues[index + 1] if index + 1 < len(dues) else None,
        )
        for index, due in enumerate(dues)
    )
    return DueState(today, occurrences, next_due_date(schedule, medicine_days, today))


def open_occurrences(
    schedule: MeasureSchedule,
    medicine_days: Sequence[date],
    response_days: Iterable[date],
    today: date,
) -> list[date]:
    """The due dates of the occurrences still waiting for an answer (zero or one)."""
    due = schedule_state(schedule, medicine_days, response_days, today).due_date
    return [due] if due is not None else []


def current_due_date(
    schedule: MeasureSchedule, medicine_days: Sequence[date], today: date
) -> date | None:
    """The due date of the latest occurrence that has come, answered or not; ``None``
    before the first."""
    dues = due_dates(schedule, medicine_days, today)
    return dues[-1] if dues else None


def is_due(
    schedule: MeasureSchedule,
    medicine_days: Sequence[date],
    response_days: Sequence[date],
    today: date,
) -> bool:
    """Whether an occurrence is waiting for an answer today."""
    return schedule_state(schedule, medicine_days, response_days, today).is_due
