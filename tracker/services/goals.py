"""Integration goals and their ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import defer, selectinload

from tracker.domain.clock import utc_to_local
from tracker.domain.goals import RatingPoint, TrajectoryChart, trajectory_chart
from tracker.extensions import db
from tracker.models import (
    Client,
    GoalRating,
    HomeworkAssignment,
    HomeworkEntry,
    IntegrationGoal,
    Practice,
    TherapySession,
    User,
)
from tracker.services import NotFound

GOAL_FIELDS = (
    "title",
    "domain",
    "why_it_matters",
    "baseline",
    "target",
    "status",
    "measure_code",
    "measure_comparison",
    "measure_value",
)


OPEN_STATUSES = ("active", "paused")


# The goals list: each goal with the ratings its chart draws (value, day, by whom);
# why it matters and the ratings' comments are not on the list, so not read (nor
# decrypted).
_GOAL_LIST = (
    select(IntegrationGoal)
    .where(IntegrationGoal.client_id == bindparam("client_id"))
    .options(
        defer(IntegrationGoal.why_it_matters),
        selectinload(IntegrationGoal.ratings).load_only(
            GoalRating.value, GoalRating.rated_on, GoalRating.by_client
        ),
    )
    .order_by(IntegrationGoal.started_on.desc(), IntegrationGoal.id.desc())
)
GOAL_ORDER = {"active": 0, "paused": 1, "achieved": 2, "released": 3}


def goals_for_client(client: Client) -> list[IntegrationGoal]:
    """The client's goals, active first, each with its ratings' values and days (two
    queries; why it matters and the rating comments are left unread)."""
    goals = db.session.scalars(_GOAL_LIST, {"client_id": client.id})
    return sorted(goals, key=lambda goal: GOAL_ORDER.get(goal.status, 9))


# A goal with its ratings and who gave them. Built once: SQLAlchemy then reuses the
# statement's cache key instead of working it out again on every request.
_GOAL = (
    select(IntegrationGoal)
    .where(
        IntegrationGoal.id == bindparam("goal_id"),
        IntegrationGoal.client_id == bindparam("client_id"),
    )
    .options(selectinload(IntegrationGoal.ratings).joinedload(GoalRating.rated_by))
)


def get_goal(client: Client, goal_id: int) -> IntegrationGoal:
    goal = db.session.scalar(_GOAL, {"goal_id": goal_id, "client_id": client.id})
    if goal is None:
        raise NotFound(goal_id)
    return goal


def create_goal(client: Client, actor: User, data: dict[str, Any], today: date) -> IntegrationGoal:
    goal = IntegrationGoal(
        client_id=client.id, created_by_id=actor.id, started_on=today, status_since=today
    )
    apply_goal_fields(goal, data, today)
    db.session.add(goal)
    db.session.flush()
    return goal


def apply_goal_fields(goal: IntegrationGoal, data: dict[str, Any], today: date) -> list[str]:
    changed = []
    for name in GOAL_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip() or None
        if name in ("measure_comparison", "measure_value") and not data.get("measure_code"):
            value = None  # no measure, no target
        if getattr(goal, name) != value:
            if name == "status":
                goal.status_since = today
            setattr(goal, name, value)
            changed.append(name)
    return changed


def add_rating(
    goal: IntegrationGoal,
    actor: User,
    *,
    value: int,
    comment: str | None,
    rated_on: date,
    by_client: bool,
    session_id: int | None = None,
) -> GoalRating:
    if session_id is not None and session_id not in {s.id for s in sessions_for_rating(goal)}:
        raise NotFound(session_id)
    rating = GoalRating(
        goal_id=goal.id,
        value=value,
        comment=(comment or "").strip() or None,
        rated_on=rated_on,
        rated_by_id=actor.id,
        by_client=by_client,
        session_id=session_id,
    )
    db.session.add(rating)
    db.session.flush()
    return rating


def sessions_for_rating(goal: IntegrationGoal) -> list[Row]:
    """The client's sessions (id, start, phase), newest first, to tie a therapist's
    rating to."""
    return _sessions_to_rate(goal.client_id)


# The sessions a rating can be tied to: their day and phase, nothing of the note.
_SESSIONS_TO_RATE = (
    select(TherapySession.id, TherapySession.starts_at, TherapySession.phase)
    .where(TherapySession.client_id == bindparam("client_id"))
    .order_by(TherapySession.starts_at.desc())
    .limit(50)
)


def _sessions_to_rate(client_id: int) -> list[Row]:
    return db.session.execute(_SESSIONS_TO_RATE, {"client_id": client_id}).all()


@dataclass(frozen=True)
class RatingSession:
    """A session a therapist's rating can be tied to, by its day in the practice's zone."""

    id: int
    day: date
    phase: str


def rating_sessions(client: Client) -> list[RatingSession]:
    """The sessions of ``sessions_for_rating`` with their local days, for the rating form."""
    zone = db.session.get(Practice, client.practice_id).timezone
    return [
        RatingSession(row.id, utc_to_local(row.starts_at, zone).date(), row.phase)
        for row in _sessions_to_rate(client.id)
    ]


@dataclass(frozen=True)
class LinkedSession:
    """A session tied to a goal through a rating: the goal page links to it by its date."""

    id: int
    starts_at: datetime


def linked_sessions(goal: IntegrationGoal) -> list[LinkedSession]:
    """Sessions tied to the goal through its ratings, newest first."""
    ids = {rating.session_id for rating in goal.ratings if rating.session_id}
    if not ids:
        return []
    rows = db.session.execute(
        select(TherapySession.id, TherapySession.starts_at)
        .where(TherapySession.id.in_(ids))
        .order_by(TherapySession.starts_at.desc())
    )
    return [LinkedSession(row.id, row.starts_at) for row in rows]


# The goal's homework with the days done: what its adherence is counted from. The
# instructions and the client's reflections are not read (nor decrypted).
_LINKED_HOMEWORK = (
    select(HomeworkAssignment)
    .where(HomeworkAssignment.goal_id == bindparam("goal_id"))
    .options(
        defer(HomeworkAssignment.instructions),
        selectinload(HomeworkAssignment.entries).load_only(HomeworkEntry.occurrence_date),
    )
    .order_by(HomeworkAssignment.start_date.desc())
)


def linked_homework(goal: IntegrationGoal) -> list[HomeworkAssignment]:
    """The goal's assignments with their completion days (not their reflections)."""
    return list(db.session.scalars(_LINKED_HOMEWORK, {"goal_id": goal.id}))


def chart_for(goal: IntegrationGoal) -> TrajectoryChart:
    return trajectory_chart(
        [RatingPoint(r.rated_on, r.value, r.by_client) for r in goal.ratings],
        baseline=goal.baseline,
        target=goal.target,
    )


def latest_rating(goal: IntegrationGoal) -> GoalRating | None:
    return goal.ratings[-1] if goal.ratings else None


_GOAL_TITLES = (
    select(IntegrationGoal.id, IntegrationGoal.title)
    .where(
        IntegrationGoal.client_id == bindparam("client_id"),
        IntegrationGoal.status.in_(OPEN_STATUSES),
    )
    .order_by(IntegrationGoal.id)
)


def goal_titles(client: Client) -> list[Row]:
    """Active and paused goals (id and title) for pickers (homework link)."""
    return db.session.execute(_GOAL_TITLES, {"client_id": client.id}).all()


def outcome_progress(goal: IntegrationGoal):
    """Progress toward the goal's outcome-measure target, or ``None`` without a target."""
    from tracker.domain.scoring import target_progress
    from tracker.services import measures as measure_service

    if not goal.measure_code or goal.measure_value is None or not goal.measure_comparison:
        return None
    totals = measure_service.first_and_latest(goal.client_id, goal.measure_code)
    first, latest = totals if totals else (None, None)
    return target_progress(goal.measure_comparison, goal.measure_value, first, latest)
