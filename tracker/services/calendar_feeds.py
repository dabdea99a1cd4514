"""Each person's secret calendar feed of the sessions they planned.

The secret is random (256 bits), shown once and stored only as its SHA-256 hash, like
the one-time links. The feed shows client numbers and the modality, nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.domain.policy import STAFF_ROLES
from tracker.extensions import db
from tracker.models import CalendarFeed, PlannedSession, User
from tracker.models.base import utcnow
from tracker.services.clients import visible_client_ids

# What a subscribed calendar receives: the last month and the year ahead.
FEED_PAST = timedelta(days=31)
FEED_AHEAD = timedelta(days=366)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue_feed(user: User) -> tuple[CalendarFeed, str]:
    """Make the person's feed address, or replace it (the old one stops working at
    once); returns the feed and its secret, which is not kept."""
    secret = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.secret_hash = secret_hash(secret)
    feed.created_at = utcnow()
    feed.last_fetched_at = None
    db.session.flush()
    return feed, secret


def revoke_feed(user: User) -> int | None:
    """Delete the person's feed; its id, ``None`` when there was none."""
    feed = feed_of(user)
    if feed is None:
        return None
    db.session.delete(feed)
    db.session.flush()
    return feed.id


def find_feed(secret: str) -> CalendarFeed | None:
    """The feed of this secret, if it is current and its owner an active staff member."""
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.secret_hash == secret_hash(secret))
    )
    if feed is None or not feed.user.active or feed.user.role not in STAFF_ROLES:
        return None
    return feed


def planned_for(user: User, now: datetime) -> list[PlannedSession]:
    """The plans the person holds, of clients they still care for, from a month ago to a
    year ahead (one query)."""
    return list(
        db.session.scalars(
            select(PlannedSession)
            .where(
                PlannedSession.therapist_id == user.id,
                PlannedSession.client_id.in_(visible_client_ids(user)),
                PlannedSession.starts_at >= now - FEED_PAST,
                PlannedSession.starts_at <= now + FEED_AHEAD,
            )
            .order_by(PlannedSession.starts_at, PlannedSession.id)
        )
    )


def mark_fetched(feed: CalendarFeed, now: datetime) -> None:
    """Remember when the feed was last read (shown on the settings page, so a leaked
    address is noticed)."""
    feed.last_fetched_at = now
    db.session.flush()
