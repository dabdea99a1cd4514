"""The iCalendar feed of a person's planned sessions: client numbers and modality only."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.domain.icalendar import CalendarEvent, write_calendar
from tracker.domain.sessions import MODALITY_SHORT_LABELS
from tracker.extensions import db, limiter
from tracker.feeds import bp
from tracker.models import PlannedSession
from tracker.models.base import utcnow
from tracker.services import calendar_feeds
from tracker.settings import user_locale

PRODUCT = "-//Integration Tracker//Planned sessions//EN"


def _failed(response) -> bool:
    """Only unknown or revoked secrets count against the per-address limit."""
    return response.status_code == 404


def _feed_key() -> str:
    """Rate-limit key of one feed: a hash of its secret, never the secret (the limiter
    keeps and may log its keys)."""
    return "calendar-feed:" + calendar_feeds.secret_hash(request.view_args.get("secret", ""))


def _events(plans: list[PlannedSession], host: str) -> list[CalendarEvent]:
    """The plans as calendar events, in the current locale: client number and modality."""
    return [
        CalendarEvent(
            uid=f"planned-session-{plan.id}@{host}",
            stamp=plan.updated_at,
            start=plan.starts_at,
            end=plan.ends_at,
            summary=_(
                "Client no. %(number)s · %(modality)s",
                number=plan.client_id,
                modality=_(MODALITY_SHORT_LABELS[plan.modality]),
            ),
        )
        for plan in plans
    ]


@bp.route("/calendar/<secret>.ics")
@limiter.limit(lambda: current_app.config["CALENDAR_FEED_LIMIT_PER_ADDRESS"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["CALENDAR_FEED_LIMIT_PER_FEED"], key_func=_feed_key)
def calendar(secret: str):
    feed = calendar_feeds.find_feed(secret)
    if feed is None:
        abort(404)
    now = utcnow()
    owner = feed.user
    plans = calendar_feeds.planned_for(owner, now)
    with force_locale(user_locale(owner)):
        events = _events(plans, request.host.split(":")[0])
        body = write_calendar(events, name=_("Planned sessions"), product=PRODUCT)
    calendar_feeds.mark_fetched(feed, now)
    db.session.commit()
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="planned-sessions.ics"'},
    )
