"""Submissions interrupted by a session timeout, kept encrypted until the user is back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from tracker.extensions import db
from tracker.models import PendingSubmission
from tracker.models.base import utcnow


@dataclass(frozen=True)
class KeptSubmission:
    id: int
    path: str
    fields: list[tuple[str, str]]


def keep(user_id: int, path: str, fields: list[tuple[str, str]]) -> int:
    """Store what was posted (CSRF token excluded); returns the row id."""
    payload = json.dumps([[name, value] for name, value in fields if name != "csrf_token"])
    row = PendingSubmission(user_id=user_id, path=path, payload=payload)
    db.session.add(row)
    db.session.flush()
    return row.id


def take(submission_id: int, user_id: int, lifetime: timedelta) -> KeptSubmission | None:
    """Remove and return the kept submission if it belongs to ``user_id`` and is fresh."""
    row = db.session.get(PendingSubmission, submission_id)
    if row is None:
        return None
    db.session.delete(row)
    if row.user_id != user_id or utcnow() - row.created_at > lifetime:
        return None
    fields = [(name, value) for name, value in json.loads(row.payload)]
    return KeptSubmission(id=row.id, path=row.path, fields=fields)


def purge_expired(lifetime: timedelta) -> int:
    """Delete kept submissions older than ``lifetime``; returns how many."""
    result = db.session.execute(
        delete(PendingSubmission).where(PendingSubmission.created_at < utcnow() - lifetime)
    )
    return result.rowcount or 0


def exists(submission_id: int) -> bool:
    return (
        db.session.scalar(select(PendingSubmission.id).where(PendingSubmission.id == submission_id))
        is not None
    )
