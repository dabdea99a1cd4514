"""Safety plans: the newest version, the earlier ones, and saving a new version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tracker.domain import safety_plan as rules
from tracker.extensions import db
from tracker.models import Client, SafetyPlanVersion, User
from tracker.services import NotFound


class StalePlanError(RuntimeError):
    """Someone saved the plan after this edit was opened."""

    def __init__(self, current: SafetyPlanVersion | None) -> None:
        super().__init__("stale edit")
        self.current = current


# Built once: SQLAlchemy reuses their cache keys instead of working them out per page.
_LATEST = (
    select(SafetyPlanVersion)
    .where(SafetyPlanVersion.client_id == bindparam("client_id"))
    .options(joinedload(SafetyPlanVersion.created_by))
    .order_by(SafetyPlanVersion.version.desc())
    .limit(1)
)
_HISTORY = (
    select(SafetyPlanVersion.version, SafetyPlanVersion.created_at, User.name)
    .join(User, User.id == SafetyPlanVersion.created_by_id)
    .where(SafetyPlanVersion.client_id == bindparam("client_id"))
    .order_by(SafetyPlanVersion.version.desc())
)
_VERSION = (
    select(SafetyPlanVersion)
    .where(
        SafetyPlanVersion.client_id == bindparam("client_id"),
        SafetyPlanVersion.version == bindparam("version"),
    )
    .options(joinedload(SafetyPlanVersion.created_by))
)
_NEWEST_NUMBER = select(func.max(SafetyPlanVersion.version)).where(
    SafetyPlanVersion.client_id == bindparam("client_id")
)


def latest_version(client: Client) -> SafetyPlanVersion | None:
    """The plan as it stands (its newest version), author loaded; None if never written."""
    return db.session.scalar(_LATEST, {"client_id": client.id})


def newest_version_number(client: Client) -> int | None:
    """The number of the plan's newest version (None if never written), read without
    its text."""
    return db.session.scalar(_NEWEST_NUMBER, {"client_id": client.id})


def version_history(client: Client) -> list[tuple[int, datetime, str]]:
    """``(version, saved at, saved by)`` of every version, newest first, without the text."""
    return [tuple(row) for row in db.session.execute(_HISTORY, {"client_id": client.id})]


def get_version(client: Client, version: int) -> SafetyPlanVersion:
    """One version of the client's plan; NotFound for a number it does not have."""
    found = db.session.scalar(_VERSION, {"client_id": client.id, "version": version})
    if found is None:
        raise NotFound(version)
    return found


def audit_fields(row: SafetyPlanVersion, detail: str | None = None) -> dict[str, object]:
    """How the audit trail names a version: its record, client and number (``detail``
    says more where the number is not the point)."""
    return {
        "record_type": "safety_plan_version",
        "record_id": row.id,
        "client_id": row.client_id,
        "detail": detail or f"version={row.version}",
    }


def view_of(row: SafetyPlanVersion) -> rules.PlanView:
    """The version as plain data for templates and the card."""
    return rules.plan_view(row.version, row.created_at, row.created_by.name, row.texts)


def save(
    client: Client, actor: User, texts: Mapping[str, str | None], expected_version: int
) -> tuple[SafetyPlanVersion | None, list[str]]:
    """Add the next version when the text changed; return it (None: nothing changed) and
    the keys of the steps that changed.

    ``expected_version`` is the version the form was opened on (0 before the first):
    if someone saved since, ``StalePlanError`` carries the version saved meanwhile.
    """
    current = latest_version(client)
    if (current.version if current else 0) != expected_version:
        raise StalePlanError(current)
    changed = rules.changed_steps(current.texts if current else None, texts)
    if not changed:
        return None, []
    text = rules.cleaned(texts)
    row = SafetyPlanVersion(
        client_id=client.id,
        version=expected_version + 1,
        created_by_id=actor.id,
        **{key: value or None for key, value in text.items()},
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request saved the same next version between our check and our INSERT.
        db.session.rollback()
        raise StalePlanError(latest_version(client)) from None
    return row, changed
