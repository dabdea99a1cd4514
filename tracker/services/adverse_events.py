"""Adverse events after ketamine: record them (append-only) and list them per session,
per client and across the caseload of the signed-in staff member.

The rows never change (see ``tracker.models.adverse_event``); who may record one is
``can_record_adverse_event``, applied by the caller when it loads the client.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import joinedload, load_only

from tracker.domain import adverse_events as rules
from tracker.domain.clock import local_to_utc
from tracker.domain.messages import N_, Problem
from tracker.extensions import db
from tracker.models import AdverseEvent, Client, Practice, TherapySession, User
from tracker.models.base import utcnow
from tracker.services import Rejected
from tracker.services import clients as client_service
from tracker.settings import setting

# The order of every list of events but a session's: latest onset first.
NEWEST_FIRST = (AdverseEvent.onset_at.desc(), AdverseEvent.id.desc())


class AdverseEventRejected(Rejected):
    """Input that breaks a rule; ``problems`` maps the fields of ``EventData`` to messages."""


@dataclass(frozen=True)
class EventData:
    event_type: str
    severity: str
    onset_at: datetime  # UTC
    action_taken: str
    outcome: str
    outcome_note: str
    prescriber_informed: bool
    description: str
    session_id: int | None = None


def _client_session(client: Client, session_id: int) -> TherapySession | None:
    return db.session.scalar(
        select(TherapySession).where(
            TherapySession.id == session_id, TherapySession.client_id == client.id
        )
    )


def record(
    client: Client,
    actor: User,
    practice: Practice,
    data: EventData,
    now: datetime | None = None,
) -> AdverseEvent:
    """Store a new adverse event of ``client`` (signed sessions included), else raise
    ``AdverseEventRejected`` with every problem found. ``now`` is the time of recording
    (the onset cannot be after it), the present unless given."""
    now = now or utcnow()
    problems = rules.vocabulary_problems(data.event_type, data.severity, data.outcome)
    session = None
    if data.session_id is not None:
        session = _client_session(client, data.session_id)
        if session is None:
            problems["session_id"] = Problem(N_("Choose one of this client's sessions."))
    if not data.action_taken.strip():
        problems["action_taken"] = Problem(N_("Say what was done, even if nothing was needed."))
    onset = rules.onset_problem(
        data.onset_at, now, session.starts_at if session else None, practice.timezone
    )
    if onset:
        problems["onset_at"] = onset
    if problems:
        raise AdverseEventRejected(problems)
    # Text is stored trimmed, and text left empty as no text (NULL).
    values = {
        name: (value.strip() or None) if isinstance(value, str) else value
        for name, value in asdict(data).items()
    }
    event = AdverseEvent(client_id=client.id, recorded_by_id=actor.id, **values)
    db.session.add(event)
    db.session.flush()
    return event


def session_choices(client: Client) -> list[Row]:
    """(id, starts_at, phase) of the client's sessions, newest first: the sessions an
    event may be linked to (one narrow query)."""
    return list(
        db.session.execute(
            select(TherapySession.id, TherapySession.starts_at, TherapySession.phase)
            .where(TherapySession.client_id == client.id)
            .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
        )
    )


def _in_full(condition: ColumnElement[bool], *order: Any) -> list[AdverseEvent]:
    """The events meeting ``condition`` in full, with who recorded them (one query)."""
    return list(
        db.session.scalars(
            select(AdverseEvent)
            .where(condition)
            .options(joinedload(AdverseEvent.recorded_by))
            .order_by(*order)
        )
    )


def for_session(session: TherapySession) -> list[AdverseEvent]:
    """The session's events in order of onset, with who recorded them (one query)."""
    return _in_full(AdverseEvent.session_id == session.id, AdverseEvent.onset_at, AdverseEvent.id)


def full_for_client(client: Client) -> list[AdverseEvent]:
    """The client's events in full, newest first, with who recorded them (one query)."""
    return _in_full(AdverseEvent.client_id == client.id, *NEWEST_FIRST)


def for_client(client: Client) -> list[Row]:
    """The client's events, newest first, as plain rows without the free text (for the
    course view: one query, nothing decrypted)."""
    return list(
        db.session.execute(
            select(
                AdverseEvent.id,
                AdverseEvent.session_id,
                AdverseEvent.onset_at,
                AdverseEvent.event_type,
                AdverseEvent.severity,
                AdverseEvent.outcome,
            )
            .where(AdverseEvent.client_id == client.id)
            .order_by(*NEWEST_FIRST)
        )
    )


def day_bounds(
    start: date | None, end: date | None, zone_name: str
) -> tuple[datetime | None, datetime | None]:
    """The UTC instants from the start of ``start`` to (excluding) the day after ``end``,
    both days in the practice's zone."""
    return (
        local_to_utc(start, time(0, 0), zone_name) if start else None,
        local_to_utc(end + timedelta(days=1), time(0, 0), zone_name) if end else None,
    )


def practice_query(
    actor: User,
    *,
    event_type: str = "",
    severity: str = "",
    onset_from: datetime | None = None,
    onset_before: datetime | None = None,
) -> Select:
    """Events of every client the actor cares for (the caseload's rule: admins only see
    their care-team clients), newest first, client loaded in the same query and no free
    text loaded at all."""
    query = (
        select(AdverseEvent)
        .where(AdverseEvent.client_id.in_(client_service.visible_client_ids(actor)))
        .options(
            load_only(
                AdverseEvent.client_id,
                AdverseEvent.session_id,
                AdverseEvent.event_type,
                AdverseEvent.severity,
                AdverseEvent.onset_at,
                AdverseEvent.outcome,
                AdverseEvent.prescriber_informed,
            ),
            joinedload(AdverseEvent.client).load_only(Client.preferred_name),
        )
        .order_by(*NEWEST_FIRST)
    )
    if event_type:
        query = query.where(AdverseEvent.event_type == event_type)
    if severity:
        query = query.where(AdverseEvent.severity == severity)
    if onset_from is not None:
        query = query.where(AdverseEvent.onset_at >= onset_from)
    if onset_before is not None:
        query = query.where(AdverseEvent.onset_at < onset_before)
    return query


def practice_page(
    actor: User,
    zone_name: str,
    page: int,
    *,
    start: date | None = None,
    end: date | None = None,
    **filters: str,
) -> Pagination:
    """One page of ``practice_query`` under its ``filters`` (type, severity), with onsets
    from day ``start`` to day ``end`` (both included, in the practice's zone ``zone_name``)."""
    onset_from, onset_before = day_bounds(start, end, zone_name)
    query = practice_query(actor, onset_from=onset_from, onset_before=onset_before, **filters)
    per_page = setting("ADVERSE_EVENT_PAGE_SIZE")
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
