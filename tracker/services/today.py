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

from sqlalchemy import ColumnElement, and_, bindparam, select

from tracker.domain import today as rules
from tracker.domain.clients import ClientStatus
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.domain.homework import (
    Adherence,
    combined_adherence,
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
    PlannedSession,
    Practice,
    SafetyAlert,
    TherapySession,
    User,
)
from tracker.services import homework as homework_service
from tracker.services import measures as measure_service
from tracker.services.clients import VISIBLE_TO_ACTOR
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


_CARED_FOR = (
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
        and_(
            CareTeamMember.client_id == Client.id, CareTeamMember.user_id == bindparam("actor_id")
        ),
    )
    .where(VISIBLE_TO_ACTOR)
    .order_by(Client.id)
)


def _cared_for(actor: User) -> list[_CaredFor]:
    """The clients the person cares for, with their own care-team role (one query).
    Clients in the same relation to the person share one record."""
    rows = db.session.execute(_CARED_FOR, {"actor_id": actor.id, "practice_id": actor.practice_id})
    records: dict[tuple[int, int, str | None], _CareRecord] = {}
    cared_for = []
    for row in rows:
        key = (row.practice_id, row.primary_therapist_id, row.role)
        record = records.get(key)
        if record is None:
            record = records[key] = _CareRecord(
                practice_id=row.practice_id,
                primary_therapist_id=row.primary_therapist_id,
                portal_user_id=None,
                care_team_roles={actor.id: row.role} if row.role else {},
            )
        cared_for.append(
            _CaredFor(
                id=row.id,
                name=row.preferred_name,
                active=row.status == ClientStatus.ACTIVE,
                record=record,
            )
        )
    return cared_for


def _ids(
    actor: User,
    clients: list[_CaredFor],
    allowed: Callable[[User, _CareRecord], bool],
    *,
    active_only: bool = False,
) -> list[int]:
    """The clients ``allowed`` lets the person act on: the policy asked once per record
    (clients in the same relation to the person share one)."""
    decided: dict[int, bool] = {}
    ids = []
    for client in clients:
        if active_only and not client.active:
            continue
        allowed_here = decided.get(id(client.record))
        if allowed_here is None:
            allowed_here = decided[id(client.record)] = allowed(actor, client.record)
        if allowed_here:
            ids.append(client.id)
    return ids


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


def _on_days(column: Any) -> ColumnElement[bool]:
    """SQL condition: the instant ``column`` falls from ``:from`` up to (not including)
    ``:until`` (``_days``: the starts of two days in the practice's time)."""
    return and_(column >= bindparam("from"), column < bindparam("until"))


def _days(first: date, end: date, practice: Practice) -> dict[str, datetime]:
    """``_on_days``' parameters: from the start of ``first`` to the start of ``end``."""
    return {"from": _day_start(first, practice), "until": _day_start(end, practice)}


def _of(client_ids: Sequence[int], **params: Any) -> dict[str, Any]:
    """A list's parameters: its clients (``:client_ids``) and the rest."""
    return {"client_ids": list(client_ids), **params}


_CLIENT_IDS = bindparam("client_ids", expanding=True)


def _none_without_clients(build: Callable[..., list[T]]) -> Callable[..., list[T]]:
    """A list over no clients is empty, without asking the database."""

    @wraps(build)
    def built(client_ids: Sequence[int], *args: Any) -> list[T]:
        return build(client_ids, *args) if client_ids else []

    return built


# The lists' statements, built once (their cache keys are memoized).
_OPEN_ALERTS = (
    select(
        SafetyAlert.id,
        SafetyAlert.client_id,
        SafetyAlert.kind,
        SafetyAlert.urgent,
        SafetyAlert.created_at,
    )
    .where(SafetyAlert.client_id.in_(_CLIENT_IDS), SafetyAlert.acknowledged_at.is_(None))
    .order_by(SafetyAlert.urgent.desc(), SafetyAlert.created_at, SafetyAlert.id)
)
_PLANNED = (
    select(
        PlannedSession.id,
        PlannedSession.client_id,
        PlannedSession.starts_at,
        PlannedSession.duration_minutes,
        PlannedSession.modality,
        PlannedSession.phase,
        PlannedSession.session_id,
    )
    .where(PlannedSession.client_id.in_(_CLIENT_IDS), _on_days(PlannedSession.starts_at))
    .order_by(PlannedSession.starts_at, PlannedSession.id)
)
_DRAFTS = (
    select(
        TherapySession.id,
        TherapySession.client_id,
        TherapySession.starts_at,
        TherapySession.duration_minutes,
        TherapySession.phase,
        TherapySession.modality,
    )
    .where(
        TherapySession.client_id.in_(_CLIENT_IDS),
        TherapySession.status == "draft",
        TherapySession.starts_at <= bindparam("now"),
    )
    .order_by(TherapySession.starts_at, TherapySession.id)
)
_MEDICINE_AND_INTEGRATION = select(
    TherapySession.client_id, TherapySession.starts_at, TherapySession.phase
).where(
    TherapySession.client_id.in_(_CLIENT_IDS),
    TherapySession.phase.in_([Phase.MEDICINE, Phase.INTEGRATION]),
    _on_days(TherapySession.starts_at),
    not_voided(),
)
_INTEGRATION_PLANNED = (
    select(PlannedSession.client_id, PlannedSession.starts_at)
    .where(
        PlannedSession.client_id.in_(_CLIENT_IDS),
        PlannedSession.phase == Phase.INTEGRATION,
        PlannedSession.session_id.is_(None),
        _on_days(PlannedSession.starts_at),
    )
    .order_by(PlannedSession.starts_at)
)


@_none_without_clients
def open_alerts(client_ids: Sequence[int]) -> list[AlertItem]:
    """Safety alerts not acknowledged yet, urgent ones first, then oldest first (one
    query)."""
    rows = db.session.execute(_OPEN_ALERTS, _of(client_ids))
    return [AlertItem(row.id, row.client_id, row.kind, row.urgent, row.created_at) for row in rows]


@_none_without_clients
def planned_today(client_ids: Sequence[int], practice: Practice, today: date) -> list[PlannedItem]:
    """Sessions planned for today (practice time), started or not, by time (one query)."""
    today_only = _days(today, today + timedelta(days=1), practice)
    rows = db.session.execute(_PLANNED, _of(client_ids, **today_only))
    return [PlannedItem(*row) for row in rows]


@_none_without_clients
def unsigned_drafts(client_ids: Sequence[int], now: datetime) -> list[DraftItem]:
    """Draft notes of sessions that have begun, oldest first, with their age (one query).

    A draft dated in the future is not listed: it cannot be signed before it happens.
    """
    rows = db.session.execute(_DRAFTS, _of(client_ids, now=now))
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
    window = _days(first_day, after_window, practice)
    sessions = db.session.execute(_MEDICINE_AND_INTEGRATION, _of(client_ids, **window))
    medicine: dict[int, list[date]] = defaultdict(list)
    integration: dict[int, list[date]] = defaultdict(list)
    for client_id, starts_at, phase in sessions:
        day = utc_to_local(starts_at, practice.timezone).date()
        (medicine if phase == Phase.MEDICINE else integration)[client_id].append(day)
    plans: dict[int, list[datetime]] = defaultdict(list)
    ahead = _days(today, after_window, practice)
    for client_id, starts_at in db.session.execute(_INTEGRATION_PLANNED, _of(client_ids, **ahead)):
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
    first (one query: ``homework.recent_adherence``)."""
    since = rules.adherence_window_start(today)
    parts = homework_service.recent_adherence(client_ids, today, since)
    items = [
        AdherenceItem(client_id, combined)
        for client_id, client_parts in parts.items()
        if rules.is_low_adherence(combined := combined_adherence(client_parts))
    ]
    return sorted(items, key=lambda item: (item.adherence.ratio or 0, item.client_id))
