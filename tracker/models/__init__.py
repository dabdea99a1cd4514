"""All models, imported here so Alembic and the app see the whole metadata."""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker.models.adverse_event import AdverseEvent
from tracker.models.audit import AuditEvent
from tracker.models.base import Base
from tracker.models.client import CareTeamMember, Client, Consent, MedicalScreening
from tracker.models.family import (
    FamilyEvent,
    FamilyMember,
    FamilyParentLink,
    FamilyPartnership,
    FamilyRelationship,
    GoalFamilyLink,
)
from tracker.models.goals import GoalRating, IntegrationGoal
from tracker.models.homework import (
    HomeworkAssignment,
    HomeworkEntry,
    HomeworkTemplate,
)
from tracker.models.journal import JournalEntry
from tracker.models.measures import MeasureAssignment, MeasureResponse, SafetyAlert
from tracker.models.outbox import OutboxMessage
from tracker.models.planning import CalendarFeed, PlannedSession
from tracker.models.practice import Practice
from tracker.models.reminders import ReminderPreference
from tracker.models.report import Report, ReportBatch
from tracker.models.safety_plan import SafetyPlanVersion
from tracker.models.session import (
    Addendum,
    BrainspotRecord,
    KetamineAdministration,
    SessionDischarge,
    SessionVoid,
    TherapySession,
    VitalSign,
)
from tracker.models.user import AuthSession, OneTimeToken, PendingSubmission, User

__all__ = [
    "Addendum",
    "AdverseEvent",
    "AuditEvent",
    "AuthSession",
    "Base",
    "BrainspotRecord",
    "CalendarFeed",
    "CareTeamMember",
    "Client",
    "Consent",
    "FamilyEvent",
    "FamilyMember",
    "FamilyParentLink",
    "FamilyPartnership",
    "FamilyRelationship",
    "GoalFamilyLink",
    "GoalRating",
    "HomeworkAssignment",
    "HomeworkEntry",
    "HomeworkTemplate",
    "IntegrationGoal",
    "JournalEntry",
    "KetamineAdministration",
    "MeasureAssignment",
    "MeasureResponse",
    "MedicalScreening",
    "OneTimeToken",
    "OutboxMessage",
    "PendingSubmission",
    "PlannedSession",
    "Practice",
    "ReminderPreference",
    "Report",
    "ReportBatch",
    "SafetyAlert",
    "SafetyPlanVersion",
    "SessionDischarge",
    "SessionVoid",
    "TherapySession",
    "User",
    "VitalSign",
]


class ImmutableRecordError(RuntimeError):
    """An attempt to change or delete a record that may never change."""


APPEND_ONLY = (AuditEvent, Addendum, AdverseEvent, SessionVoid, SafetyPlanVersion)
SESSION_CHILDREN = (KetamineAdministration, VitalSign, BrainspotRecord, SessionDischarge)


def _signed_parent(db_session: Session, obj: object) -> bool:
    """Whether the part belongs, or belonged before this flush, to a signed session.

    A new part is often built with only ``session_id`` set; its ``session`` is then not
    loaded, so the parent is looked up by id (usually from the identity map).
    """
    parent = getattr(obj, "session", None)
    if parent is not None and parent.is_signed:
        return True
    ids = {obj.session_id, *inspect(obj).attrs.session_id.history.deleted} - {None}
    for parent_id in ids:
        parent = db_session.get(TherapySession, parent_id)
        if parent is not None and parent.is_signed:
            return True
    return False


@event.listens_for(Session, "before_flush")
def _refuse_immutable_changes(session: Session, flush_context, instances) -> None:
    """Audit events, addenda, adverse events, voids and safety-plan versions are
    append-only; a signed note and its parts never change. The database triggers say
    the same; this catches it earlier and clearer."""
    for obj in session.dirty:
        if session.is_modified(obj):
            _refuse_if_immutable(session, obj, "changed")
    for obj in session.deleted:
        _refuse_if_immutable(session, obj, "deleted")
    for obj in session.new:
        _refuse_part_of_signed(session, obj)


def _refuse_if_immutable(session: Session, obj: object, done: str) -> None:
    """Raise when ``obj`` may not be ``done`` ("changed" or "deleted") in this flush."""
    if isinstance(obj, APPEND_ONLY):
        raise ImmutableRecordError(f"{type(obj).__name__} rows cannot be {done}")
    if isinstance(obj, TherapySession) and _was_signed(obj):
        raise ImmutableRecordError(f"a signed session cannot be {done}")
    _refuse_part_of_signed(session, obj)


def _refuse_part_of_signed(session: Session, obj: object) -> None:
    """A part of a signed session is neither added, changed nor removed."""
    if isinstance(obj, SESSION_CHILDREN) and _signed_parent(session, obj):
        raise ImmutableRecordError("a signed session cannot be changed")


def _was_signed(obj: TherapySession) -> bool:
    """Signed before this flush (signing itself, draft to signed, is allowed)."""
    history = inspect(obj).attrs.status.history
    before = history.deleted[0] if history.deleted else obj.status
    return before == "signed"
