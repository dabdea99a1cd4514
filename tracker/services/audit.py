"""Writing the audit trail. Ids, actions and field names only, never clinical text."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from tracker.extensions import db
from tracker.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None,
    ip_address: str | None,
    record_type: str | None = None,
    record_id: int | None = None,
    client_id: int | None = None,
    practice_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event to the session (flushed with the caller's work)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        practice_id=practice_id if practice_id is not None else getattr(actor, "practice_id", None),
        record_type=record_type,
        record_id=record_id,
        client_id=client_id,
        ip_address=ip_address,
        detail=detail[:DETAIL_LENGTH],
    )
    db.session.add(event)
    return event


DETAIL_LENGTH = 300

# The first part of every action ("client" of "client.view"): what the trail is filtered by.
ACTION_GROUPS = (
    "auth",
    "client",
    "screening",
    "consent",
    "care_team",
    "session",
    "addendum",
    "administration",
    "vitals",
    "checklist",
    "discharge",
    "brainspot",
    "adverse_event",
    "safety_plan",
    "goal",
    "homework",
    "homework_template",
    "journal",
    "measure",
    "safety_alert",
    "portal",
    "user",
    "practice",
)


def name_list(names: list[str]) -> str:
    """Field names for an audit detail, cut at a whole name with the count of the rest
    ("a,b,+3") when they do not all fit."""
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index
        candidate = ",".join([*shown, name])
        tail = f",+{rest - 1}" if rest > 1 else ""
        if len(candidate) + len(tail) > DETAIL_LENGTH:
            return ",".join([*shown, f"+{rest}"])
        shown.append(name)
    return ",".join(shown)


def changed_fields(form_data: dict[str, object], obj: object) -> list[str]:
    """Names of the attributes whose value differs between ``form_data`` and ``obj``."""
    return sorted(name for name, value in form_data.items() if getattr(obj, name, None) != value)


# The columns of the audit page, the actor's name joined in (no ORM object per row).
_EVENT_ROWS = (
    select(
        AuditEvent.id,
        AuditEvent.occurred_at,
        AuditEvent.actor_id,
        User.name.label("actor_name"),
        AuditEvent.action,
        AuditEvent.record_type,
        AuditEvent.record_id,
        AuditEvent.client_id,
        AuditEvent.ip_address,
        AuditEvent.detail,
    )
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
)


def events_query(
    practice_id: int,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    client_id: int | None = None,
) -> Select:
    """Rows of the practice's audit events, newest first, filtered, each with the name of
    its actor (``actor_name``; ``None`` without one)."""
    query = _EVENT_ROWS.where(AuditEvent.practice_id == practice_id)
    if action:  # a group ("client") or one action ("client.view")
        query = query.where(
            or_(
                AuditEvent.action == action,
                AuditEvent.action.startswith(f"{action}.", autoescape=True),
            )
        )
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if client_id:
        query = query.where(AuditEvent.client_id == client_id)
    return query
