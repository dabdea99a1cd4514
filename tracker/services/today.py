"""The Today worklist: what waits for a person across the clients they care for, and the
practice-wide counts an admin sees.

Every list is loaded for all clients at once (a fixed number of narrow queries, however
many clients) and judged by the pure rules the linked pages use. Which clients: the
caseload's rule (``clients.visible_client_ids``), and within it, per list, the policy
of the action it leads to (only the therapists who may sign see unsigned notes, …).
Questionnaires, integration and homework are follow-up of active clients only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, select

from tracker.domain import today as rules
from tracker.domain.clients import ClientStatus
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.domain.homework import (
    Adherence,
    Schedule,
    adherence,
    combined_adherence,
    parse_weekdays,
)
from tracker.domain.policy import (
    can_acknowledge_alert,
    can_document_sessions,
    can_manage_goals_and_homework,
    can_manage_measures,
    can_view_client,
)
from tracker.domain.sessions import (
    INTEGRATION_WINDOW_DAYS,
    Phase,
    integration_due,
)
from tracker.extensions import db
from tracker.models import (
    CareTeamMember,
    Client,
    HomeworkAssignment,
    HomeworkEntry,
    PlannedSession,
    Practice,
    SafetyAlert,
    TherapySession,
    User,
)
from tracker.services import measures as measure_service
from tracker.services.clients import visible_client_ids
from tracker.services.sessions import not_voided

T = TypeVar("T")

# --- the entries ------------------------------------------------------------------


@dataclass(frozen=True)
class AlertItem:
    alert_id: int
    client_id: int
    kind: str
    urgent: bool
    raised_at: datetime


@dataclass(frozen=True)
class PlannedItem:
    plan_id: int
    client_id: int
    starts_at: datetime
    duration_minutes: int
    modality: str
    phase: str
    session_id: int | None  # the draft it became, once started


@dataclass(frozen=True)
class DraftItem:
    session_id: int
    client_id: int
    starts_at: datetime
    phase: str
    modality: str
    level: rules.DraftAge
    age: timedelta


@dataclass(frozen=True)
class IntegrationItem:
    client_id: int
    medicine_day: date
    last_day: date
    days_left: int
    planned_at: datetime | None  # an integration session planned within the window


@dataclass(frozen=True)
class OverdueQuestionnaire:
    client_id: int
    assignment_id: int
    instrument: str
    due_on: date


@dataclass(frozen=True)
class AdherenceItem:
    client_id: int
    adherence: Adherence


@dataclass(frozen=True)
class Worklist:
    today: date
    names: dict[int, str]  # client id -> preferred name
    may_document: frozenset[int]  # clients whose sessions the person may start and sign
    alerts: list[AlertItem]
    planned: list[PlannedItem]
    drafts: list[DraftItem]
    integration: list[IntegrationItem]
    questionnaires: list[OverdueQuestionnaire]
    homework: list[AdherenceItem]

    @property
    def total(self) -> int:
        return (
            len(self.alerts)
            + len(self.planned)
            + len(self.drafts)
            + len(self.integration)
            + len(self.questionnaires)
            + len(self.homework)
        )


@dataclass(frozen=True)
class PracticeCounts:
    """Numbers only: what an admin sees (no names, nothing clinical)."""

    today: date
    clients: int
    alerts: int
    planned: int
    drafts: int
    drafts_flagged: int
    drafts_urgent: int
    integration: int
    questionnaires: int
    homework: int


# --- who is in which list ---------------------------------------------------------


@dataclass(frozen=True)
class _CareRecord:
    """What the policy needs of a client (``policy.ClientRecord``), with the asking
    person's care-team role only: enough to decide their relation to the client."""

    practice_id: int
    primary_therapist_id: int
    portal_user_id: int | None
    care_team_roles: dict[int, str]


@dataclass(frozen=True)
class _CaredFor:
    id: int
    name: str
    active: bool
    record: _CareRecord


def _cared_for(actor: User) -> list[_CaredFor]:
    """The clients the person cares for, with their own care-team role (one query)."""
    rows = db.session.execute(
        select(
            Client.id,
            Client.preferred_name,
            Client.status,
            Client.practice_id,
            Client.primary_therapist_id,
            CareTeamMember.role,
        )
        .outerjoin(
            CareTeamMember,
            and_(CareTeamMember.client_id == Client.id, CareTeamMember.user_id == actor.id),
        )
        .where(Client.id.in_(visible_client_ids(actor)))
        .order_by(Client.id)
    )
    return [
        _CaredFor(
            id=row.id,
            name=row.preferred_name,
            active=row.status == ClientStatus.ACTIVE,
            record=_CareRecord(
                practice_id=row.practice_id,
                primary_therapist_id=row.primary_therapist_id,
                portal_user_id=None,
                care_team_roles={actor.id: row.role} if row.role else {},
            ),
        )
        for row in rows
    ]


def _ids(
    actor: User,
    clients: list[_CaredFor],
    allowed: Callable[[User, _CareRecord], bool],
    *,
    active_only: bool = False,
) -> list[int]:
    return [c.id for c in clients if (c.active or not active_only) and allowed(actor, c.record)]


def worklist(actor: User, practice: Practice, now: datetime) -> Worklist:
    """Everything waiting for ``actor`` today, across the clients they care for."""
    today = utc_to_local(now, practice.timezone).date()
    clients = _cared_for(actor)
    documented = _ids(actor, clients, can_document_sessions)
    return Worklist(
        today=today,
        names={c.id: c.name for c in clients},
        may_document=frozenset(documented),
        alerts=open_alerts(_ids(actor, clients, can_acknowledge_alert)),
        planned=planned_today(_ids(actor, clients, can_view_client), practice, today),
        drafts=unsigned_drafts(documented, now),
        integration=integration_due_for(
            _ids(actor, clients, can_document_sessions, active_only=True), practice, today
        ),
        questionnaires=overdue_questionnaires(
            _ids(actor, clients, can_manage_measures, active_only=True), practice, today
        ),
        homework=low_adherence(
            _ids(actor, clients, can_manage_goals_and_homework, active_only=True), today
        ),
    )


def practice_counts(practice: Practice, now: datetime) -> PracticeCounts:
    """The same lists over every client of the practice, counted."""
    today = utc_to_local(now, practice.timezone).date()
    rows = db.session.execute(
        select(Client.id, Client.status).where(Client.practice_id == practice.id)
    ).all()
    every = [row.id for row in rows]
    active = [row.id for row in rows if row.status == ClientStatus.ACTIVE]
    drafts = unsigned_drafts(every, now)
    return PracticeCounts(
        today=today,
        clients=len(every),
        alerts=len(open_alerts(every)),
        planned=len(planned_today(every, practice, today)),
        drafts=len(drafts),
        drafts_flagged=sum(d.level == rules.DraftAge.FLAGGED for d in drafts),
        drafts_urgent=sum(d.level == rules.DraftAge.URGENT for d in drafts),
        integration=len(integration_due_for(active, practice, today)),
        questionnaires=len(overdue_questionnaires(active, practice, today)),
        homework=len(low_adherence(active, today)),
    )


# --- the lists (one or a few queries each, for any number of clients) ----------------


def _day_start(day: date, practice: Practice) -> datetime:
    return local_to_utc(day, time(0, 0), practice.timezone)


def _on_days(column: Any, first: date, end: date, practice: Practice) -> ColumnElement[bool]:
    """SQL condition: the instant ``column`` falls on a day from ``first`` up to (not
    including) ``end``, in the practice's time."""
    return and_(column >= _day_start(first, practice), column < _day_start(end, practice))


def _none_without_clients(build: Callable[..., list[T]]) -> Callable[..., list[T]]:
    """A list over no clients is empty, without asking the database."""

    @wraps(build)
    def built(client_ids: Sequence[int], *args: Any) -> list[T]:
        return build(client_ids, *args) if client_ids else []

    return built


@_none_without_clients
def open_alerts(client_ids: Sequence[int]) -> list[AlertItem]:
    """Safety alerts not acknowledged yet, urgent ones first, then oldest first (one
    query)."""
    rows = db.session.execute(
        select(
            SafetyAlert.id,
            SafetyAlert.client_id,
            SafetyAlert.kind,
            SafetyAlert.urgent,
            SafetyAlert.created_at,
        )
        .where(SafetyAlert.client_id.in_(client_ids), SafetyAlert.acknowledged_at.is_(None))
        .order_by(SafetyAlert.urgent.desc(), SafetyAlert.created_at, SafetyAlert.id)
    )
    return [AlertItem(row.id, row.client_id, row.kind, row.urgent, row.created_at) for row in rows]


@_none_without_clients
def planned_today(client_ids: Sequence[int], practice: Practice, today: date) -> list[PlannedItem]:
    """Sessions planned for today (practice time), started or not, by time (one query)."""
    rows = db.session.execute(
        select(
            PlannedSession.id,
            PlannedSession.client_id,
            PlannedSession.starts_at,
            PlannedSession.duration_minutes,
            PlannedSession.modality,
            PlannedSession.phase,
            PlannedSession.session_id,
        )
        .where(
            PlannedSession.client_id.in_(client_ids),
            _on_days(PlannedSession.starts_at, today, today + timedelta(days=1), practice),
        )
        .order_by(PlannedSession.starts_at, PlannedSession.id)
    )
    return [PlannedItem(*row) for row in rows]


@_none_without_clients
def unsigned_drafts(client_ids: Sequence[int], now: datetime) -> list[DraftItem]:
    """Draft notes of sessions that have begun, oldest first, with their age (one query).

    A draft dated in the future is not listed: it cannot be signed before it happens.
    """
    rows = db.session.execute(
        select(
            TherapySession.id,
            TherapySession.client_id,
            TherapySession.starts_at,
            TherapySession.duration_minutes,
            TherapySession.phase,
            TherapySession.modality,
        )
        .where(
            TherapySession.client_id.in_(client_ids),
            TherapySession.status == "draft",
            TherapySession.starts_at <= now,
        )
        .order_by(TherapySession.starts_at, TherapySession.id)
    )
    items = []
    for row in rows:
        ended = row.starts_at + timedelta(minutes=row.duration_minutes)
        level, age = rules.draft_age(ended, now)
        items.append(
            DraftItem(row.id, row.client_id, row.starts_at, row.phase, row.modality, level, age)
        )
    return items


@_none_without_clients
def integration_due_for(
    client_ids: Sequence[int], practice: Practice, today: date
) -> list[IntegrationItem]:
    """Medicine sessions of the last 7 days with no integration session yet, with the
    days left and any integration session planned in time (two queries)."""
    first_day = today - timedelta(days=INTEGRATION_WINDOW_DAYS)
    after_window = today + timedelta(days=INTEGRATION_WINDOW_DAYS + 1)
    sessions = db.session.execute(
        select(TherapySession.client_id, TherapySession.starts_at, TherapySession.phase).where(
            TherapySession.client_id.in_(client_ids),
            TherapySession.phase.in_([Phase.MEDICINE, Phase.INTEGRATION]),
            _on_days(TherapySession.starts_at, first_day, after_window, practice),
            not_voided(),
        )
    )
    medicine: dict[int, list[date]] = defaultdict(list)
    integration: dict[int, list[date]] = defaultdict(list)
    for client_id, starts_at, phase in sessions:
        day = utc_to_local(starts_at, practice.timezone).date()
        (medicine if phase == Phase.MEDICINE else integration)[client_id].append(day)
    plans: dict[int, list[datetime]] = defaultdict(list)
    for client_id, starts_at in db.session.execute(
        select(PlannedSession.client_id, PlannedSession.starts_at)
        .where(
            PlannedSession.client_id.in_(client_ids),
            PlannedSession.phase == Phase.INTEGRATION,
            PlannedSession.session_id.is_(None),
            _on_days(PlannedSession.starts_at, today, after_window, practice),
        )
        .order_by(PlannedSession.starts_at)
    ):
        plans[client_id].append(starts_at)
    items = []
    for client_id, days in medicine.items():
        for due in integration_due(days, integration[client_id], today):
            planned = next(
                (
                    moment
                    for moment in plans[client_id]
                    if utc_to_local(moment, practice.timezone).date() <= due.last_day
                ),
                None,
            )
            items.append(
                IntegrationItem(client_id, due.medicine_day, due.last_day, due.days_left, planned)
            )
    return sorted(items, key=lambda item: (item.days_left, item.client_id))


def overdue_questionnaires(
    client_ids: Sequence[int], practice: Practice, today: date
) -> list[OverdueQuestionnaire]:
    """Questionnaires whose open occurrence fell due before today, longest overdue first
    (``measures.overdue_measures``: the schedule rule the portal and the measures page
    apply, in three queries whatever the number of clients)."""
    by_client = measure_service.overdue_measures(list(client_ids), practice, today)
    items = [
        OverdueQuestionnaire(row.client_id, row.assignment_id, row.instrument, row.due)
        for rows in by_client.values()
        for row in rows
    ]
    return sorted(items, key=lambda item: (item.due_on, item.client_id, item.assignment_id))


@_none_without_clients
def low_adherence(client_ids: Sequence[int], today: date) -> list[AdherenceItem]:
    """Clients whose homework adherence over the last 14 days is below 50 %, lowest
    first (two queries)."""
    since = rules.adherence_window_start(today)
    assignments = db.session.execute(
        select(
            HomeworkAssignment.id,
            HomeworkAssignment.client_id,
            HomeworkAssignment.recurrence,
            HomeworkAssignment.weekdays,
            HomeworkAssignment.start_date,
            HomeworkAssignment.due_date,
            HomeworkAssignment.stopped_on,
        ).where(
            HomeworkAssignment.client_id.in_(client_ids),
            HomeworkAssignment.start_date <= today,
            (HomeworkAssignment.due_date.is_(None)) | (HomeworkAssignment.due_date >= since),
            (HomeworkAssignment.stopped_on.is_(None)) | (HomeworkAssignment.stopped_on >= since),
        )
    ).all()
    if not assignments:
        return []
    done: dict[int, set[date]] = defaultdict(set)
    for assignment_id, day in db.session.execute(
        select(HomeworkEntry.assignment_id, HomeworkEntry.occurrence_date)
        .join(HomeworkAssignment, HomeworkEntry.assignment_id == HomeworkAssignment.id)
        .where(HomeworkAssignment.client_id.in_(client_ids), HomeworkEntry.occurrence_date >= since)
    ):
        done[assignment_id].add(day)
    parts: dict[int, list[Adherence]] = defaultdict(list)
    for row in assignments:
        schedule = Schedule(
            recurrence=row.recurrence,
            start=row.start_date,
            due=row.due_date,
            weekdays=parse_weekdays(row.weekdays),
            stopped_on=row.stopped_on,
        )
        parts[row.client_id].append(adherence(schedule, done[row.id], today, since=since))
    items = [
        AdherenceItem(client_id, combined)
        for client_id, client_parts in parts.items()
        if rules.is_low_adherence(combined := combined_adherence(client_parts))
    ]
    return sorted(items, key=lambda item: (item.adherence.ratio or 0, item.client_id))
