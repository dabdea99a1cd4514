"""Sessions planned ahead: planning, cancelling, and starting one (it becomes a draft)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from tracker.domain import sessions as rules
from tracker.domain.clock import utc_to_local
from tracker.extensions import db
from tracker.models import Client, PlannedSession, Practice, TherapySession, User
from tracker.models.base import utcnow
from tracker.services import NotFound, Rejected
from tracker.services import sessions as session_service

PLAN_FIELDS = ("starts_at", "duration_minutes", "modality", "phase", "setting")


class PlanRejected(Rejected):
    """Input that breaks a planning rule; ``problems`` maps form fields to messages."""


class AlreadyStarted(RuntimeError):
    """The plan was started (by someone else, or in another tab): ``session_id`` is its draft."""

    def __init__(self, session_id: int | None) -> None:
        super().__init__("already started")
        self.session_id = session_id


def plan_session(
    client: Client, actor: User, practice: Practice, data: dict[str, Any], now: datetime
) -> PlannedSession:
    """Plan a session of ``client`` held by ``actor``, today or later (practice time)."""
    day = utc_to_local(data["starts_at"], practice.timezone).date()
    problem = rules.plan_day_problem(day, utc_to_local(now, practice.timezone).date())
    if problem:
        raise PlanRejected({"session_date": problem})
    plan = PlannedSession(client_id=client.id, therapist_id=actor.id)
    for name in PLAN_FIELDS:
        setattr(plan, name, data[name])
    db.session.add(plan)
    db.session.flush()
    return plan


_OPEN_PLANS = (
    select(PlannedSession)
    .where(PlannedSession.client_id == bindparam("client_id"), PlannedSession.session_id.is_(None))
    .order_by(PlannedSession.starts_at, PlannedSession.id)
)


def open_plans(client: Client) -> list[PlannedSession]:
    """The client's plans not started yet, earliest first (missed ones included: they
    can still be started late, or cancelled)."""
    return list(db.session.scalars(_OPEN_PLANS, {"client_id": client.id}))


def get_plan(client: Client, plan_id: int) -> PlannedSession:
    plan = db.session.get(PlannedSession, plan_id)
    if plan is None or plan.client_id != client.id:
        raise NotFound(plan_id)
    return plan


def cancel_plan(plan: PlannedSession) -> None:
    """Delete a plan that has not been started (a started one is a session now)."""
    deleted = db.session.execute(
        delete(PlannedSession).where(
            PlannedSession.id == plan.id, PlannedSession.session_id.is_(None)
        )
    )
    if deleted.rowcount != 1:
        raise AlreadyStarted(_started_session(plan.id))


def start_plan(client: Client, plan: PlannedSession, actor: User) -> TherapySession:
    """Turn the plan into a draft session with its time, modality, phase and setting,
    and the note format of the last note (SOAP otherwise); the note is written next.

    Two people starting the same plan at once get one draft: the second is told which.
    """
    if plan.session_id is not None:
        raise AlreadyStarted(plan.session_id)
    carried = session_service.carried_from_last(client)
    session = session_service.create_session(
        client,
        actor,
        {
            "starts_at": plan.starts_at,
            "duration_minutes": plan.duration_minutes,
            "modality": plan.modality,
            "phase": plan.phase,
            "setting": plan.setting,
            "note_format": carried.get("note_format", "soap"),
            "suicide_screen": rules.SuicideScreen.NOT_ASSESSED.value,
        },
        {},
    )
    linked = db.session.execute(
        update(PlannedSession)
        .where(PlannedSession.id == plan.id, PlannedSession.session_id.is_(None))
        .values(session_id=session.id, started_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if linked.rowcount != 1:
        raise AlreadyStarted(_started_session(plan.id))
    db.session.refresh(plan)
    return session


def _started_session(plan_id: int) -> int | None:
    return db.session.scalar(select(PlannedSession.session_id).where(PlannedSession.id == plan_id))
