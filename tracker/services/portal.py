"""The client's own portal: which client record is theirs, and what their home page
shows. A portal account only ever reaches the one record linked to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, joinedload, selectinload

from tracker.domain import homework as homework_rules
from tracker.domain.clock import utc_to_local
from tracker.domain.policy import is_portal_owner
from tracker.domain.safety_plan import PlanView
from tracker.extensions import db
from tracker.models import (
    Client,
    GoalRating,
    HomeworkAssignment,
    HomeworkEntry,
    IntegrationGoal,
    MeasureAssignment,
    Practice,
    User,
)
from tracker.services import NotFound
from tracker.services import goals as goal_service
from tracker.services import measures as measure_service
from tracker.services import safety_plan as plan_service

# The statements below are built once: SQLAlchemy reuses their cache keys and compiled
# forms instead of working them out again on every page.

# The portal shows a client their name and their therapist's, never the staff's notes.
_LINKED_CLIENT = (
    select(Client)
    .where(Client.portal_user_id == bindparam("account_id"))
    .options(joinedload(Client.primary_therapist), defer(Client.presenting_concerns))
)


def linked_client(account: User) -> Client | None:
    """The client record linked to a portal account (therapist loaded), if any."""
    return db.session.scalar(_LINKED_CLIENT, {"account_id": account.id})


def own_client(account: User) -> Client | None:
    """The account's own client record; ``None`` when none is linked or the policy does
    not count it as the account's own."""
    client = linked_client(account)
    if client is None or not is_portal_owner(account, client):
        return None
    return client


def practice_of(account: User) -> Practice:
    """The practice the account belongs to (its crisis numbers, its time zone)."""
    return db.session.get(Practice, account.practice_id)


# A practice as the client's page shows it: its text and the days it was done (the
# reflections written on those days are not read).
_ASSIGNMENT = (
    select(HomeworkAssignment)
    .where(
        HomeworkAssignment.id == bindparam("assignment_id"),
        HomeworkAssignment.client_id == bindparam("client_id"),
    )
    .options(selectinload(HomeworkAssignment.entries).load_only(HomeworkEntry.occurrence_date))
)


def own_assignment(client: Client, assignment_id: int) -> HomeworkAssignment:
    """The client's assignment with the days it was done (``NotFound`` for another's)."""
    params = {"assignment_id": assignment_id, "client_id": client.id}
    assignment = db.session.scalar(_ASSIGNMENT, params)
    if assignment is None:
        raise NotFound(assignment_id)
    return assignment


@dataclass(frozen=True)
class WeekPractice:
    """An active assignment as the week's plan names it."""

    id: int
    title: str


@dataclass(frozen=True)
class WeekItem:
    """One day an active assignment is due this week, and whether it is done."""

    assignment: WeekPractice
    day: date
    done: bool


_ACTIVE_ASSIGNMENTS = select(
    HomeworkAssignment.id,
    HomeworkAssignment.title,
    HomeworkAssignment.recurrence,
    HomeworkAssignment.weekdays,
    HomeworkAssignment.start_date,
    HomeworkAssignment.due_date,
    HomeworkAssignment.stopped_on,
).where(
    HomeworkAssignment.client_id == bindparam("client_id"),
    HomeworkAssignment.status == "active",
)
_DONE_THIS_WEEK = (
    select(HomeworkEntry.assignment_id, HomeworkEntry.occurrence_date)
    .join(HomeworkAssignment, HomeworkEntry.assignment_id == HomeworkAssignment.id)
    .where(
        HomeworkAssignment.client_id == bindparam("client_id"),
        HomeworkAssignment.status == "active",
        HomeworkEntry.occurrence_date.between(bindparam("monday"), bindparam("sunday")),
    )
)


def week_plan(client: Client, today: date) -> list[WeekItem]:
    """This week's occurrences of the client's active assignments (Monday to Sunday), by
    day, each marked done or not: two queries, reading the week's completions only (not
    their reflections, nor the assignments' instructions)."""
    monday, sunday = homework_rules.week_of(today)
    params = {"client_id": client.id, "monday": monday, "sunday": sunday}
    done = {tuple(row) for row in db.session.execute(_DONE_THIS_WEEK, params)}
    plan = []
    for row in db.session.execute(_ACTIVE_ASSIGNMENTS, params):
        schedule = homework_rules.Schedule(
            recurrence=row.recurrence,
            start=row.start_date,
            due=row.due_date,
            weekdays=homework_rules.parse_weekdays(row.weekdays),
            stopped_on=row.stopped_on,
        )
        practice = WeekPractice(row.id, row.title)
        for day in homework_rules.occurrences(schedule, sunday):
            if day >= monday:
                plan.append(WeekItem(practice, day, (row.id, day) in done))
    return sorted(plan, key=lambda item: (item.day, item.assignment.id))


@dataclass(frozen=True)
class OpenGoal:
    """An active or paused goal with its latest rating (``None``: not rated yet)."""

    id: int
    title: str
    latest: int | None


_LATEST_RATING = (
    select(GoalRating.value)
    .where(GoalRating.goal_id == IntegrationGoal.id)
    .order_by(GoalRating.rated_on.desc(), GoalRating.id.desc())
    .limit(1)
    .correlate(IntegrationGoal)
    .scalar_subquery()
)
_OPEN_GOALS = (
    select(
        IntegrationGoal.id,
        IntegrationGoal.title,
        IntegrationGoal.status,
        _LATEST_RATING.label("latest"),
    )
    .where(
        IntegrationGoal.client_id == bindparam("client_id"),
        IntegrationGoal.status.in_(goal_service.OPEN_STATUSES),
    )
    .order_by(IntegrationGoal.started_on.desc(), IntegrationGoal.id.desc())
)


def open_goals(client: Client) -> list[OpenGoal]:
    """``goals.open_goals`` as the home page lists them, active first: one query, the
    latest rating looked up by the database (no rating loaded, no comment decrypted)."""
    rows = db.session.execute(_OPEN_GOALS, {"client_id": client.id})
    ordered = sorted(rows, key=lambda row: goal_service.OPEN_STATUSES.index(row.status))
    return [OpenGoal(row.id, row.title, row.latest) for row in ordered]


@dataclass(frozen=True)
class HomePage:
    """What the client's home page shows besides their name."""

    plan: PlanView | None
    plan_saved_on: date | None  # in the practice's zone
    due_measures: list[MeasureAssignment]
    week: list[WeekItem]
    goals: list[OpenGoal]


def home_page(client: Client, practice: Practice, today: date) -> HomePage:
    """The newest safety plan, the questionnaires due, this week's homework and the
    open goals (a fixed number of queries however much the client has)."""
    plan = plan_service.latest_version(client)
    return HomePage(
        plan=plan_service.view_of(plan) if plan else None,
        plan_saved_on=utc_to_local(plan.created_at, practice.timezone).date() if plan else None,
        due_measures=measure_service.due_assignments(client, practice, today),
        week=week_plan(client, today),
        goals=open_goals(client),
    )
