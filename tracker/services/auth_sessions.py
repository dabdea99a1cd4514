"""Server-side sign-in sessions: start, check (idle and absolute timeouts), revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import contains_eager

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuthSession, User
from tracker.models.base import utcnow

# last_seen_at is written at most this often, so a page view is not always a write.
TOUCH_INTERVAL = timedelta(seconds=30)

TIMEOUT_REASONS = frozenset({"idle_timeout", "absolute_timeout"})


@dataclass(frozen=True)
class Lifetimes:
    staff_idle: timedelta
    client_idle: timedelta
    absolute: timedelta

    def idle_for(self, role: str) -> timedelta:
        return self.client_idle if role == Role.CLIENT else self.staff_idle


@dataclass(frozen=True)
class SessionCheck:
    """Outcome of checking a cookie's session token."""

    user: User | None
    # Set when the session existed but ran out of time: the user whose work to keep.
    timed_out_user_id: int | None = None
    # Whether the check changed the session row (revoked it, or noted the activity).
    wrote: bool = False


# The one statement every signed-in request runs: the session row with its user and the
# user's practice (so ``current_practice()`` needs no query of its own). Built once:
# SQLAlchemy then reuses its cache key and compiled form instead of rebuilding both.
_SESSION_USER_PRACTICE = (
    select(AuthSession)
    .join(AuthSession.user)
    .join(User.practice)
    .options(contains_eager(AuthSession.user).contains_eager(User.practice))
    .where(AuthSession.token_hash == bindparam("token_hash"))
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(user: User, *, ip_address: str | None) -> str:
    """Open a session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(user_id=user.id, token_hash=_hash(token), ip_address=ip_address))
    db.session.flush()
    return token


def check(token: str | None, user_id: str | None, lifetimes: Lifetimes) -> SessionCheck:
    """Resolve a cookie to its user, applying revocation and both timeouts.

    One query reads the session, the user and the user's practice. ``last_seen_at`` is
    written at most every ``TOUCH_INTERVAL`` (the idle timeout is exact to within that),
    and the check's writes are left to the caller to commit (``SessionCheck.wrote``).
    """
    if not token or not user_id:
        return SessionCheck(user=None)
    row = db.session.scalar(_SESSION_USER_PRACTICE, {"token_hash": _hash(token)})
    if row is None or str(row.user_id) != str(user_id):
        return SessionCheck(user=None)
    if row.revoked_at is not None:
        timed_out = row.user_id if row.revoke_reason in TIMEOUT_REASONS else None
        return SessionCheck(user=None, timed_out_user_id=timed_out)
    user = row.user
    if not user.active:
        revoke(row, reason="deactivated")
        return SessionCheck(user=None, wrote=True)
    now = utcnow()
    if now - row.created_at > lifetimes.absolute:
        revoke(row, reason="absolute_timeout")
        return SessionCheck(user=None, timed_out_user_id=user.id, wrote=True)
    if now - row.last_seen_at > lifetimes.idle_for(user.role):
        revoke(row, reason="idle_timeout")
        return SessionCheck(user=None, timed_out_user_id=user.id, wrote=True)
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
        return SessionCheck(user=user, wrote=True)
    return SessionCheck(user=user)


def revoke(row: AuthSession, *, reason: str) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoke_reason = reason


def revoke_token(token: str | None, *, reason: str) -> None:
    """End the session a cookie points to (sign-out)."""
    if not token:
        return
    row = db.session.scalar(select(AuthSession).where(AuthSession.token_hash == _hash(token)))
    if row is not None:
        revoke(row, reason=reason)


def revoke_all(user: User, *, reason: str, now: datetime | None = None) -> None:
    """End every open session of ``user`` (deactivation, password change)."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoke_reason=reason)
    )
