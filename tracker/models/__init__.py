"""All models, imported here so Alembic and the app see the whole metadata."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.models.audit import AuditEvent
from tracker.models.base import Base
from tracker.models.client import CareTeamMember, Client, Consent, MedicalScreening
from tracker.models.practice import Practice
from tracker.models.user import AuthSession, OneTimeToken, PendingSubmission, User

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Base",
    "CareTeamMember",
    "Client",
    "Consent",
    "MedicalScreening",
    "OneTimeToken",
    "PendingSubmission",
    "Practice",
    "User",
]


class ImmutableRecordError(RuntimeError):
    """An attempt to change or delete a record that may never change."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    """The audit trail is append-only; the database triggers say the same."""
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise ImmutableRecordError("audit events cannot be changed")
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise ImmutableRecordError("audit events cannot be deleted")
