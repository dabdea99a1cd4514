"""The homework library, assignments, completions, adherence and the activity feed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, cast, extract, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from tracker.domain import homework as rules
from tracker.domain.homework_library import STARTER_LIBRARY
from tracker.domain.messages import N_, Problem
from tracker.extensions import db
from tracker.models import (
    Client,
    HomeworkAssignment,
    HomeworkEntry,
    HomeworkTemplate,
    IntegrationGoal,
    JournalEntry,
    Practice,
    User,
)
from tracker.models.base import utcnow
from tracker.services import NotFound, Rejected


class HomeworkRejected(Rejected):
    """Homework whose schedule, goal or completion breaks a rule (problems by field)."""


# --- library -------------------------------------------------------------------------


def seed_library(practice: Practice) -> int:
    """Give a practice the starter library once (titles already present are skipped)."""
    existing = set(
        db.session.scalars(
            select(HomeworkTemplate.title).where(HomeworkTemplate.practice_id == practice.id)
        )
    )
    added = 0
    for item in STARTER_LIBRARY:
        if item.title in existing:
            continue
        db.session.add(
            HomeworkTemplate(
                practice_id=practice.id,
                title=item.title,
                category=item.category,
                summary=item.summary,
                instructions=item.instructions,
                suggested_recurrence=item.recurrence,
            )
        )
        added += 1
    db.session.flush()
    return added


def templates(practice_id: int, *, include_inactive: bool = False) -> list[HomeworkTemplate]:
    query = select(HomeworkTemplate).where(HomeworkTemplate.practice_id == practice_id)
    if not include_inactive:
        query = query.where(HomeworkTemplate.active.is_(True))
    return list(
        db.session.scalars(query.order_by(HomeworkTemplate.category, HomeworkTemplate.title))
    )


def get_template(practice_id: int, template_id: int) -> HomeworkTemplate:
    template = db.session.get(HomeworkTemplate, template_id)
    if template is None or template.practice_id != practice_id:
        raise NotFound(template_id)
    return template


TEMPLATE_FIELDS = ("title", "category", "summary", "instructions", "suggested_recurrence", "active")


def save_template(template: HomeworkTemplate, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in TEMPLATE_FIELDS:
        if name in data:
            value = data[name].strip() if isinstance(data[name], str) else data[name]
            if getattr(template, name) != value:
                setattr(template, name, value)
                changed.append(name)
    db.session.add(template)
    db.session.flush()
    return changed


# --- assignments ---------------------------------------------------------------------


def assignments(client: Client) -> list[HomeworkAssignment]:
    """All assignments of the client with their completions and goal (three queries)."""
    return list(
        db.session.scalars(
            select(HomeworkAssignment)
            .where(HomeworkAssignment.client_id == client.id)
            .options(
                selectinload(HomeworkAssignment.entries),
                joinedload(HomeworkAssignment.goal),
            )
            .order_by(HomeworkAssignment.status, HomeworkAssignment.start_date.desc())
        )
    )


def get_assignment(client: Client, assignment_id: int) -> HomeworkAssignment:
    assignment = db.session.scalar(
        select(HomeworkAssignment)
        .where(HomeworkAssignment.id == assignment_id, HomeworkAssignment.client_id == client.id)
        .options(selectinload(HomeworkAssignment.entries))
    )
    if assignment is None:
        raise NotFound(assignment_id)
    return assignment


def assign(client: Client, actor: User, data: dict[str, Any]) -> HomeworkAssignment:
    """Assign homework; the schedule and an optional goal of this client are checked."""
    schedule = rules.Schedule(
        recurrence=data["recurrence"],
        start=data["start_date"],
        due=data.get("due_date"),
        weekdays=frozenset(data.get("weekdays") or ()),
    )
    problems = rules.schedule_problems(schedule)
    goal_id = data.get("goal_id")
    if goal_id is not None:
        goal = db.session.get(IntegrationGoal, goal_id)
        if goal is None or goal.client_id != client.id:
            problems["goal_id"] = Problem(N_("Choose one of this client's goals."))
    template_id = data.get("template_id")
    if template_id is not None:
        get_template(client.practice_id, template_id)
    if problems:
        raise HomeworkRejected(problems)
    assignment = HomeworkAssignment(
        client_id=client.id,
        template_id=template_id,
        goal_id=goal_id,
        title=data["title"].strip(),
        instructions=(data.get("instructions") or "").strip() or None,
        recurrence=schedule.recurrence,
        weekdays=rules.format_weekdays(schedule.weekdays)
        if schedule.recurrence == rules.Recurrence.WEEKLY
        else "",
        start_date=schedule.start,
        due_date=schedule.due,
        assigned_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def stop(assignment: HomeworkAssignment, today: date) -> None:
    assignment.status = "stopped"
    assignment.stopped_on = today


def complete(
    assignment: HomeworkAssignment,
    occurrence: date,
    *,
    reflection: str | None,
    shared: bool,
    today: date,
    now: datetime | None = None,
) -> HomeworkEntry:
    """Mark one occurrence done (again: the reflection is updated, not duplicated);
    ``now``: when it was first marked done."""
    every = rules.occurrences(
        assignment.schedule, max(today, assignment.schedule.last_day or today)
    )
    if occurrence not in every or (
        occurrence > today and assignment.recurrence != rules.Recurrence.ONCE
    ):
        raise HomeworkRejected(
            {"occurrence": Problem(N_("This practice is not planned for that day."))}
        )
    entry = next((e for e in assignment.entries if e.occurrence_date == occurrence), None)
    if entry is None:
        entry = HomeworkEntry(
            assignment_id=assignment.id, occurrence_date=occurrence, completed_at=now or utcnow()
        )
        assignment.entries.append(entry)
    entry.reflection = (reflection or "").strip() or None
    entry.reflection_shared = shared
    db.session.flush()
    return entry


@dataclass(frozen=True)
class AssignmentView:
    assignment: HomeworkAssignment
    adherence: rules.Adherence
    next_due: date | None
    done_days: frozenset[date]


def assignment_views(items: list[HomeworkAssignment], today: date) -> list[AssignmentView]:
    views = []
    for assignment in items:
        done = frozenset(entry.occurrence_date for entry in assignment.entries)
        views.append(
            AssignmentView(
                assignment=assignment,
                adherence=rules.adherence(assignment.schedule, done, today),
                next_due=rules.next_occurrence(assignment.schedule, today)
                if assignment.status == "active"
                else None,
                done_days=done,
            )
        )
    return views


def assignment_view(assignment: HomeworkAssignment, today: date) -> AssignmentView:
    """One assignment with its adherence and next day due."""
    return assignment_views([assignment], today)[0]


@dataclass(frozen=True)
class WeekItem:
    assignment: HomeworkAssignment
    day: date
    done: bool
    entry: HomeworkEntry | None


def week_plan(items: list[HomeworkAssignment], today: date) -> list[WeekItem]:
    """This week's occurrences of active assignments (Monday to Sunday), by day."""
    monday, sunday = rules.week_of(today)
    plan = []
    for assignment in items:
        if assignment.status != "active":
            continue
        entries = {entry.occurrence_date: entry for entry in assignment.entries}
        for day in rules.occurrences(assignment.schedule, sunday):
            if day >= monday:
                entry = entries.get(day)
                plan.append(WeekItem(assignment, day, entry is not None, entry))
    return sorted(plan, key=lambda item: (item.day, item.assignment.id))


@dataclass(frozen=True)
class ActivityItem:
    """One thing the client did between sessions, for the therapist's feed."""

    at: datetime
    kind: str  # "homework" or "journal"
    title: str
    text: str | None
    day: date | None


def activity_feed(
    client: Client, items: list[HomeworkAssignment], limit: int = 30
) -> list[ActivityItem]:
    """Completions (with reflections the client shared) and shared journal entries,
    newest first. Private journal entries are never read here."""
    feed = [
        ActivityItem(
            at=entry.completed_at,
            kind="homework",
            title=assignment.title,
            text=entry.reflection if entry.reflection_shared else None,
            day=entry.occurrence_date,
        )
        for assignment in items
        for entry in assignment.entries
    ]
    shared = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.client_id == client.id, JournalEntry.visibility == "shared")
        .order_by(JournalEntry.shared_at.desc())
        .limit(limit)
    )
    feed.extend(
        ActivityItem(
            at=entry.shared_at, kind="journal", title=entry.title or "", text=entry.body, day=None
        )
        for entry in shared
    )
    return sorted(feed, key=lambda item: item.at, reverse=True)[:limit]


# --- the client record's summary: counted in the database, nothing decrypted ---------


class _Weekday(FunctionElement):
    """SQL: the weekday of a date, Sunday = 0 … Saturday = 6 (per dialect below)."""

    type = Integer()
    inherit_cache = True
    name = "weekday"


@compiles(_Weekday)
def _weekday_standard(element, compiler, **kw):  # PostgreSQL and others: EXTRACT(DOW …)
    return compiler.process(cast(extract("dow", *element.clauses), Integer), **kw)


@compiles(_Weekday, "sqlite")
def _weekday_sqlite(element, compiler, **kw):
    return compiler.process(cast(func.strftime("%w", *element.clauses), Integer), **kw)


_a = HomeworkAssignment
_day = HomeworkEntry.occurrence_date
# A completion that is one of its assignment's occurrences (``rules.occurrences`` up to
# the assignment's last day, or up to today while it has none), but for the weekday of a
# weekly assignment, which the rows below are grouped by.
_IS_OCCURRENCE = and_(
    or_(_a.stopped_on.is_(None), _day <= _a.stopped_on),
    or_(_a.due_date.is_(None), _day <= _a.due_date),
    or_(_a.due_date.is_not(None), _a.stopped_on.is_not(None), _day <= bindparam("today")),
    or_(
        and_(
            _a.recurrence == rules.Recurrence.ONCE,
            _day == func.coalesce(_a.due_date, _a.start_date),
        ),
        and_(_a.recurrence != rules.Recurrence.ONCE, _day >= _a.start_date),
    ),
)
_SCHEDULE_COLUMNS = (_a.id, _a.recurrence, _a.weekdays, _a.start_date, _a.due_date, _a.stopped_on)
# One row per assignment of the client and weekday of its completions: how many, and how
# many of them ahead of today. Built once: its cache key is computed once per process.
_COMPLETION_COUNTS = (
    select(
        *_SCHEDULE_COLUMNS,
        _Weekday(_day).label("weekday"),
        func.count(HomeworkEntry.id).label("done"),
        func.coalesce(func.sum(case((_day > bindparam("today"), 1), else_=0)), 0).label("ahead"),
    )
    .outerjoin(HomeworkEntry, and_(HomeworkEntry.assignment_id == _a.id, _IS_OCCURRENCE))
    .where(_a.client_id == bindparam("client_id"))
    .group_by(*_SCHEDULE_COLUMNS, _Weekday(_day))
)


# The same counts for many clients' assignments relevant since a day (started by
# today, not ended before it), counting completions from that day on.
_RECENT_COMPLETION_COUNTS = (
    select(
        _a.client_id,
        *_SCHEDULE_COLUMNS,
        _Weekday(_day).label("weekday"),
        func.count(HomeworkEntry.id).label("done"),
        func.coalesce(func.sum(case((_day > bindparam("today"), 1), else_=0)), 0).label("ahead"),
    )
    .outerjoin(
        HomeworkEntry,
        and_(
            HomeworkEntry.assignment_id == _a.id,
            _IS_OCCURRENCE,
            _day >= bindparam("since"),
        ),
    )
    .where(
        _a.client_id.in_(bindparam("client_ids", expanding=True)),
        _a.start_date <= bindparam("today"),
        or_(_a.due_date.is_(None), _a.due_date >= bindparam("since")),
        or_(_a.stopped_on.is_(None), _a.stopped_on >= bindparam("since")),
    )
    .group_by(_a.client_id, *_SCHEDULE_COLUMNS, _Weekday(_day))
)


def _adherence_by_assignment(
    rows: Iterable[Any], today: date, since: date | None = None
) -> dict[int, tuple[Any, rules.Adherence]]:
    """Each assignment's adherence from its rows of ``_COMPLETION_COUNTS`` (one per
    weekday of its completions), with its first row."""
    first: dict[int, Any] = {}
    schedules: dict[int, rules.Schedule] = {}
    done: dict[int, int] = {}
    ahead: dict[int, int] = {}
    for row in rows:
        schedule = schedules.get(row.id)
        if schedule is None:
            first[row.id] = row
            schedule = schedules[row.id] = rules.Schedule(
                recurrence=row.recurrence,
                start=row.start_date,
                due=row.due_date,
                weekdays=rules.parse_weekdays(row.weekdays),
                stopped_on=row.stopped_on,
            )
            done[row.id] = ahead[row.id] = 0
        if row.done and (
            schedule.recurrence != rules.Recurrence.WEEKLY
            or (row.weekday + 6) % 7 in schedule.weekdays  # SQL counts from Sunday
        ):
            done[row.id] += row.done
            ahead[row.id] += row.ahead
    return {
        key: (
            first[key],
            rules.adherence_from_counts(schedule, today, done[key], ahead[key], since=since),
        )
        for key, schedule in schedules.items()
    }


def client_adherence(client: Client, today: date) -> rules.Adherence:
    """The client's adherence over every assignment (``rules.adherence`` of each, added
    up), from counts of completions: one query, no completion loaded or decrypted."""
    rows = db.session.execute(_COMPLETION_COUNTS, {"client_id": client.id, "today": today})
    return rules.combined_adherence(
        part for _row, part in _adherence_by_assignment(rows, today).values()
    )


def recent_adherence(
    client_ids: Sequence[int], today: date, since: date
) -> dict[int, list[rules.Adherence]]:
    """For each client with homework relevant since ``since`` (started by today, not
    ended before), the adherence of each such assignment from ``since`` on
    (``rules.adherence`` with ``since``): one query, whatever the number of clients."""
    params = {"client_ids": list(client_ids), "today": today, "since": since}
    rows = db.session.execute(_RECENT_COMPLETION_COUNTS, params)
    parts: dict[int, list[rules.Adherence]] = {}
    for row, part in _adherence_by_assignment(rows, today, since).values():
        parts.setdefault(row.client_id, []).append(part)
    return parts


_RECENT_COMPLETIONS = (
    select(
        HomeworkEntry.completed_at,
        _a.title,
        # An unshared reflection is not even read (nor decrypted).
        case((HomeworkEntry.reflection_shared, HomeworkEntry.reflection), else_=None).label("text"),
        HomeworkEntry.occurrence_date,
    )
    .join(_a, HomeworkEntry.assignment_id == _a.id)
    .where(_a.client_id == bindparam("client_id"))
    # Ties in the order ``assignments`` and the entries' own order give, as the feed had.
    .order_by(
        HomeworkEntry.completed_at.desc(),
        _a.status,
        _a.start_date.desc(),
        _a.id,
        HomeworkEntry.occurrence_date,
    )
    .limit(bindparam("limit"))
)
_RECENT_SHARED_JOURNAL = (
    select(JournalEntry.shared_at, JournalEntry.title, JournalEntry.body)
    .where(JournalEntry.client_id == bindparam("client_id"), JournalEntry.visibility == "shared")
    .order_by(JournalEntry.shared_at.desc())
    .limit(bindparam("limit"))
)


def recent_activity(client: Client, limit: int = 10) -> list[ActivityItem]:
    """``activity_feed``'s newest ``limit`` items, reading only those (two queries)."""
    params = {"client_id": client.id, "limit": limit}
    feed = [
        ActivityItem(
            at=row.completed_at,
            kind="homework",
            title=row.title,
            text=row.text,
            day=row.occurrence_date,
        )
        for row in db.session.execute(_RECENT_COMPLETIONS, params)
    ]
    feed.extend(
        ActivityItem(
            at=row.shared_at, kind="journal", title=row.title or "", text=row.body, day=None
        )
        for row in db.session.execute(_RECENT_SHARED_JOURNAL, params)
    )
    return sorted(feed, key=lambda item: item.at, reverse=True)[:limit]
