"""The client's own portal: which client record is theirs, and what their home page
shows. A portal account only ever reaches the one record linked to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.domain.clock import utc_to_local
from tracker.domain.policy import is_portal_owner
from tracker.domain.safety_plan import PlanView
from tracker.extensions import db
from tracker.models import Client, IntegrationGoal, MeasureAssignment, Practice, User
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.services import measures as measure_service
from tracker.services import safety_plan as plan_service


def linked_client(account: User) -> Client | None:
    """The client record linked to a portal account (therapist loaded), if any."""
    return db.session.scalar(
        select(Client)
        .where(Client.portal_user_id == account.id)
        .options(joinedload(Client.primary_therapist))
    )


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


@dataclass(frozen=True)
class HomePage:
    """What the client's home page shows besides their name."""

    plan: PlanView | None
    plan_saved_on: date | None  # in the practice's zone
    due_measures: list[MeasureAssignment]
    week: list[homework_service.WeekItem]
    goals: list[IntegrationGoal]


def home_page(client: Client, practice: Practice, today: date) -> HomePage:
    """The newest safety plan, the questionnaires due, this week's homework and the
    open goals (a fixed number of queries however much the client has)."""
    plan = plan_service.latest_version(client)
    return HomePage(
        plan=plan_service.view_of(plan) if plan else None,
        plan_saved_on=utc_to_local(plan.created_at, practice.timezone).date() if plan else None,
        due_measures=measure_service.due_assignments(client, practice, today),
        week=homework_service.week_plan(homework_service.assignments(client), today),
        goals=goal_service.open_goals(client),
    )
