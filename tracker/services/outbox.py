"""The outbox: messages written with their cause, claimed and recorded by delivery.

``enqueue`` is the one way to send anything: it adds a row to the caller's transaction
(flushes, never commits), so a message exists exactly when its cause was committed.
Delivery (``tracker/delivery.py``) claims due rows with a conditional UPDATE, sends
them and records the outcome; the functions it uses are here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import defer

from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.models.base import utcnow

# Set on the database session when a message was written, so that the commit can
# start a delivery job (``tracker/delivery.py``).
WROTE_MESSAGES = "outbox.wrote_messages"


def enqueue(
    *,
    practice_id: int,
    to: str,
    kind: str,
    locale: str,
    link: str,
    key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Add a message to the caller's transaction (flushes, never commits).

    ``kind`` is one of ``domain.outbox.KINDS``: a fixed subject and body, rendered at
    delivery in ``locale`` around ``link``. A ``key`` already used returns ``None``
    and writes nothing. ``not_before`` (UTC) delays delivery.
    """
    if kind not in rules.KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    if key is not None and db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.dedupe_key == key)
    ):
        return None
    message = OutboxMessage(
        practice_id=practice_id,
        kind=kind,
        recipient=to.strip(),
        locale=locale,
        link=link,
        dedupe_key=key,
        status=rules.PENDING,
        attempts=0,
        next_attempt_at=not_before or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.info[WROTE_MESSAGES] = True
    return message


def cancel(key_prefix: str) -> int:
    """Cancel the waiting messages whose key starts with ``key_prefix``; one already
    being handed to the mail server cannot be called back. Returns how many."""
    if not key_prefix:
        raise ValueError("a key prefix is needed")
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == rules.PENDING,
            OutboxMessage.dedupe_key.startswith(key_prefix, autoescape=True),
        )
        .values(status=rules.CANCELLED, link="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def latest(key_prefix: str) -> OutboxMessage | None:
    """The newest message whose key starts with ``key_prefix``: its kind, status and
    times (its link, a credential until used, is not read)."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(key_prefix, autoescape=True))
        .options(defer(OutboxMessage.link))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


# --- delivery --------------------------------------------------------------------------


def _claimable(now: datetime, claim_timeout: timedelta):
    """Due and waiting, or claimed by a run that has not finished in time."""
    return or_(
        and_(OutboxMessage.status == rules.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.status == rules.SENDING,
            OutboxMessage.claimed_at < now - claim_timeout,
        ),
    )


def give_up_abandoned(
    now: datetime,
    *,
    claim_timeout: timedelta = rules.CLAIM_TIMEOUT,
    max_attempts: int = rules.MAX_ATTEMPTS,
) -> int:
    """Fail the messages whose last allowed attempt was claimed and never finished."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == rules.SENDING,
            OutboxMessage.claimed_at < now - claim_timeout,
            OutboxMessage.attempts >= max_attempts,
        )
        .values(status=rules.FAILED, last_error="ClaimAbandoned", claim_token=None, link="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def claim_due(
    now: datetime,
    *,
    limit: int,
    claim_timeout: timedelta = rules.CLAIM_TIMEOUT,
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for this run; the caller commits at once.

    The UPDATE repeats the search's condition, so of two runs that found the same row
    only the first to write it claims it: on PostgreSQL the second waits for the
    first's commit and then no longer matches; SQLite lets one writer in at a time.
    """
    claimable = _claimable(now, claim_timeout)
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(claimable)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    if not ids:
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), claimable)
        .values(
            status=rules.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _still_ours(message: OutboxMessage):
    return and_(
        OutboxMessage.id == message.id,
        OutboxMessage.status == rules.SENDING,
        OutboxMessage.claim_token == message.claim_token,
    )


def mark_sent(message: OutboxMessage, now: datetime) -> bool:
    """Record a delivery; False when the claim was lost meanwhile (nothing changed)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(_still_ours(message))
        .values(status=rules.SENT, sent_at=now, claim_token=None, last_error=None, link="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_failed_attempt(
    message: OutboxMessage,
    now: datetime,
    error: str,
    *,
    permanent: bool = False,
    max_attempts: int = rules.MAX_ATTEMPTS,
) -> str:
    """Record a failed attempt: another try later (back-off) or failed for good.
    Returns the new status."""
    outcome = rules.after_failure(
        message.attempts, now, permanent=permanent, max_attempts=max_attempts
    )
    values: dict = {"status": outcome.status, "claim_token": None, "last_error": error[:80]}
    if outcome.next_attempt_at is not None:
        values["next_attempt_at"] = outcome.next_attempt_at
    if outcome.status == rules.FAILED:
        values["link"] = ""
    db.session.execute(
        update(OutboxMessage)
        .where(_still_ours(message))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return outcome.status


def waiting_count() -> int:
    """Messages not yet sent, failed or cancelled (all practices)."""
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status.in_([rules.PENDING, rules.SENDING])
        )
    )


# --- the admin's view ------------------------------------------------------------------


def status_counts(practice_id: int) -> dict[str, int]:
    """``{status: count}`` of the practice's messages, every status present (one query)."""
    counts = dict.fromkeys(rules.STATUSES, 0)
    counts.update(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.practice_id == practice_id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    return counts


# What the outbox page shows of a message: never its link (it may be a credential).
_MESSAGE_ROWS = select(
    OutboxMessage.id,
    OutboxMessage.created_at,
    OutboxMessage.kind,
    OutboxMessage.recipient,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.sent_at,
    OutboxMessage.next_attempt_at,
    OutboxMessage.last_error,
).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def messages_query(practice_id: int, statuses: Iterable[str] | None = None) -> Select:
    """Rows of the practice's messages as the outbox page lists them, newest first
    (filtered by status when given)."""
    query = _MESSAGE_ROWS.where(OutboxMessage.practice_id == practice_id)
    if statuses:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    return query
