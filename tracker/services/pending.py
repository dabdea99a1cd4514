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


def take_latest(user_id: int, lifetime: timedelta) -> KeptSubmission | None:
    """Remove and return the user's newest fresh kept submission, if any.

    Only the owner's own rows are ever read; a submission is offered once.
    """
    row = db.session.scalar(
        select(PendingSubmission)
        .where(
            PendingSubmission.user_id == user_id,
            PendingSubmission.created_at >= utcnow() - lifetime,
        )
        .order_by(PendingSubmission.created_at.desc(), PendingSubmission.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    db.session.delete(row)
    fields = [(name, value) for name, value in json.loads(row.payload)]
    return KeptSubmission(id=row.id, path=row.path, fields=fields)


def has_kept(user_id: int, lifetime: timedelta) -> bool:
    return (
        db.session.scalar(
            select(PendingSubmission.id)
            .where(
                PendingSubmission.user_id == user_id,
                PendingSubmission.created_at >= utcnow() - lifetime,
            )
            .limit(1)
        )
        is not None
    )


def purge_expired(lifetime: timedelta, *, user_id: int | None = None) -> int:
    """Delete kept submissions older than ``lifetime`` (of one user, or all)."""
    query = delete(PendingSubmission).where(PendingSubmission.created_at < utcnow() - lifetime)
    if user_id is not None:
        query = query.where(PendingSubmission.user_id == user_id)
    return db.session.execute(query).rowcount or 0
