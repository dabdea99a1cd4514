"""Client reminders: the client's choice, one reminder a day when something is
waiting, and unsubscribing from a link without signing in.

A reminder says only that something is waiting in the portal: no questionnaire or
homework title, no name, nothing clinical. It goes through the outbox with a key per
client and local day, so planning twice never writes two.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select

from tracker import settings
from tracker.domain import outbox as message_kinds
from tracker.domain import reminders as rules
from tracker.domain.clients import ClientStatus, ConsentKind
from tracker.domain.messages import Problem
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.links import external_url
from tracker.models import (
    Client,
    Consent,
    HomeworkAssignment,
    HomeworkEntry,
    OutboxMessage,
    Practice,
    ReminderPreference,
    User,
)
from tracker.services import Rejected, outbox
from tracker.services import measures as measure_service
from tracker.settings import user_locale

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "tracker.reminders.unsubscribe"
OUTBOX_KIND = message_kinds.CLIENT_REMINDER


class ReminderRejected(Rejected):
    """A reminder choice with an unknown time zone or empty quiet hours (by field)."""


# --- the client's choice -------------------------------------------------------------


def preference(client: Client) -> ReminderPreference | None:
    return db.session.scalar(
        select(ReminderPreference).where(ReminderPreference.client_id == client.id)
    )


@dataclass(frozen=True)
class Choice:
    """What the settings page shows: the stored choice, or the defaults."""

    enabled: bool
    settings: rules.ReminderSettings


def current_choice(client: Client, practice: Practice) -> Choice:
    """The client's stored choice, or reminders off at 18:00 in the practice's zone
    with quiet hours from 21:00 to 08:00."""
    stored = preference(client)
    if stored is not None:
        return Choice(stored.enabled, stored.settings)
    return Choice(
        enabled=False,
        settings=rules.ReminderSettings(
            at=rules.DEFAULT_TIME,
            zone_name=practice.timezone,
            quiet=rules.QuietHours(rules.DEFAULT_QUIET_START, rules.DEFAULT_QUIET_END),
        ),
    )


def save_choice(
    client: Client, *, enabled: bool, settings: rules.ReminderSettings
) -> ReminderPreference:
    """Store the client's choice; an unknown zone or empty quiet hours are refused."""
    problems: dict[str, Problem] = {}
    zone_name = rules.canonical_zone(settings.zone_name)
    if problem := rules.zone_problem(zone_name):
        problems["timezone"] = problem
    if problem := rules.quiet_hours_problem(settings.quiet):
        problems["quiet_end"] = problem
    if problems:
        raise ReminderRejected(problems)
    stored = preference(client) or ReminderPreference(client_id=client.id)
    stored.enabled = enabled
    stored.send_at = settings.at
    stored.timezone = zone_name
    stored.quiet_start = settings.quiet.start
    stored.quiet_end = settings.quiet.end
    db.session.add(stored)
    db.session.flush()
    return stored


# --- unsubscribing without signing in --------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings.setting("SECRET_KEY"), salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(client_id: int) -> str:
    """A signed, non-expiring token naming the client (an id, nothing else)."""
    return _serializer().dumps({"client": client_id})


def preference_for_token(token: str) -> ReminderPreference | None:
    """The reminder choice an unsubscribe token points at; ``None`` when the token was
    not signed by us for this purpose or names nobody with reminders."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    client_id = payload.get("client") if isinstance(payload, dict) else None
    if not isinstance(client_id, int):
        return None
    return db.session.scalar(
        select(ReminderPreference).where(ReminderPreference.client_id == client_id)
    )


def unsubscribe(stored: ReminderPreference) -> bool:
    """Turn reminders off; ``False`` when they were off already (nothing changes)."""
    if not stored.enabled:
        return False
    stored.enabled = False
    db.session.flush()
    return True


# --- planning ------------------------------------------------------------------------


def _portal_access_revoked():
    """SQL: the client withdrew consent to the portal (a revoked portal consent and no
    consent given again since)."""
    portal = (Consent.client_id == Client.id) & (Consent.kind == ConsentKind.PORTAL)
    revoked = exists().where(portal, Consent.revoked_on.is_not(None))
    standing = exists().where(portal, Consent.revoked_on.is_(None))
    return revoked & ~standing


@dataclass(frozen=True)
class _Candidate:
    stored: ReminderPreference
    client: Client
    account: User
    zone: str  # the practice's (questionnaire schedules count its days)
    day: date  # the client's local day


def _candidates(now: datetime) -> list[_Candidate]:
    """Opted-in clients who may be reminded, whose window for today is open now and
    who have had no reminder today (one query)."""
    rows = db.session.execute(
        select(ReminderPreference, Client, User, Practice.timezone)
        .join(Client, Client.id == ReminderPreference.client_id)
        .join(User, User.id == Client.portal_user_id)
        .join(Practice, Practice.id == Client.practice_id)
        .where(
            ReminderPreference.enabled.is_(True),
            Client.status != ClientStatus.DISCHARGED,
            User.active.is_(True),
            User.role == Role.CLIENT,
            ~_portal_access_revoked(),
        )
        .order_by(ReminderPreference.id)
    ).all()
    found = []
    for stored, client, account, zone in rows:
        window = rules.open_window(now, stored.settings)
        if window is not None and stored.last_sent_on != window.day:
            found.append(_Candidate(stored, client, account, zone, window.day))
    return found


def _homework_waiting(candidates: list[_Candidate]) -> set[int]:
    """Ids of clients with homework due on their local day and not done (two queries)."""
    day_of = {c.client.id: c.day for c in candidates}
    assignments = list(
        db.session.scalars(
            select(HomeworkAssignment).where(
                HomeworkAssignment.client_id.in_(day_of), HomeworkAssignment.status == "active"
            )
        )
    )
    if not assignments:
        return set()
    done: dict[int, set[date]] = defaultdict(set)
    for assignment_id, day in db.session.execute(
        select(HomeworkEntry.assignment_id, HomeworkEntry.occurrence_date).where(
            HomeworkEntry.assignment_id.in_([a.id for a in assignments]),
            HomeworkEntry.occurrence_date.in_(set(day_of.values())),
        )
    ):
        done[assignment_id].add(day)
    return {
        a.client_id
        for a in assignments
        if rules.homework_waiting(a.schedule, True, done[a.id], day_of[a.client_id])
    }


def plan_reminders(now: datetime) -> int:
    """Write one outbox reminder for every opted-in client whose time has come today
    and who has a questionnaire due or homework for today not yet done; returns how
    many were written (flushes, never commits).

    Its own queries are a fixed number however many clients; the outbox adds its
    check of the key and the row for each reminder written."""
    candidates = _candidates(now)
    if not candidates:
        return 0
    clients = [c.client for c in candidates]
    zones = {c.client.practice_id: c.zone for c in candidates}
    questionnaires = measure_service.due_for_clients(
        clients, zones, {c.client.id: c.day for c in candidates}
    )
    homework = _homework_waiting(candidates)
    reminded = [c for c in candidates if questionnaires[c.client.id] or c.client.id in homework]
    written = sum(_enqueue_reminder(c.client, c.account, c.day) is not None for c in reminded)
    # Marked after the whole batch, so the marks go to the database in one UPDATE.
    for candidate in reminded:
        candidate.stored.last_sent_on = candidate.day
    db.session.flush()
    log.info("reminders planned: %d of %d clients in their window", written, len(candidates))
    return written


def outbox_key(client_id: int, day: date) -> str:
    return f"reminder:{client_id}:{day.isoformat()}"


def _enqueue_reminder(client: Client, account: User, day: date) -> OutboxMessage | None:
    """Hand one reminder to the outbox, in the language of the client's portal account
    (``None`` when its key was already used). Its link is the unsubscribe link; the
    message's fixed text adds the portal's."""
    return outbox.enqueue(
        practice_id=client.practice_id,
        to=account.email,
        kind=OUTBOX_KIND,
        locale=user_locale(account),
        link=external_url("auth.unsubscribe_reminders", token=unsubscribe_token(client.id)),
        key=outbox_key(client.id, day),
    )
