"""Planning client reminders: who gets one (opted in, something waiting, their time has
come), who never does (revoked, discharged, account off, nothing due, opted out,
already reminded, too early, quiet hours), one message per client and day, and a fixed
number of queries however many clients."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from tests import factories
from tracker.domain.clients import ConsentKind
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, OutboxMessage, ReminderPreference
from tracker.services import clients as client_service
from tracker.services import measures as measure_service
from tracker.services import reminders as reminder_service

DAY = date(2026, 6, 15)  # a Monday; Berlin is on CEST (UTC+2)
NOW = datetime(2026, 6, 15, 16, 30, tzinfo=UTC)  # 18:30 in Berlin


def opt_in(client: Client, *, at: time = time(18, 0), zone: str = "Europe/Berlin", **fields):
    row = ReminderPreference(
        client_id=client.id,
        enabled=True,
        send_at=at,
        timezone=zone,
        quiet_start=time(21, 0),
        quiet_end=time(8, 0),
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def homework_today(client: Client, **fields):
    return factories.make_assignment(
        client, recurrence="daily", start_date=date(2026, 6, 1), **fields
    )


def questionnaire_due(client: Client, therapist):
    return measure_service.assign(
        client, therapist, instrument="phq9", kind="once", every_days=None, start=date(2026, 6, 1)
    )


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def plan(now: datetime = NOW) -> int:
    written = reminder_service.plan_reminders(now)
    db.session.commit()
    return written


@pytest.fixture
def waiting(world):
    """Client A has opted in and has today's homework open (the assignment)."""
    opt_in(world.client_a)
    assignment = homework_today(world.client_a)
    db.session.commit()
    return assignment


def test_a_client_with_homework_today_gets_one_reminder(world, waiting):
    assert plan() == 1
    (message,) = messages()
    assert message.kind == reminder_service.OUTBOX_KIND
    assert message.recipient == world.client_user_a.email
    assert message.practice_id == world.practice.id
    assert message.dedupe_key == f"reminder:{world.client_a.id}:2026-06-15"


def test_a_due_questionnaire_is_reason_enough(world):
    opt_in(world.client_a)
    questionnaire_due(world.client_a, world.therapist_a)
    db.session.commit()
    assert plan() == 1


def test_planning_twice_writes_one_message(world, waiting):
    assert plan() == 1
    assert plan(NOW.replace(minute=45)) == 0
    assert len(messages()) == 1


def test_the_outbox_key_holds_even_if_the_day_mark_is_lost(world, waiting):
    assert plan() == 1
    reminder_service.preference(world.client_a).last_sent_on = None
    db.session.commit()
    assert plan(NOW.replace(minute=50)) == 0
    assert len(messages()) == 1


def test_the_next_day_brings_the_next_reminder(world, waiting):
    assert plan() == 1
    assert plan(NOW.replace(day=16)) == 1
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in messages()] == ["2026-06-15", "2026-06-16"]


def test_the_message_is_in_the_language_of_the_clients_portal_account(world, waiting):
    world.client_user_a.locale = "de"
    db.session.commit()
    plan()
    assert messages()[0].locale == "de"


def _revoke_portal_consent(world, assignment=None):
    consent = client_service.record_consent(
        world.client_a,
        world.therapist_a,
        kind=ConsentKind.PORTAL,
        version="1",
        given_on=date(2026, 1, 1),
    )
    client_service.revoke_consent(world.client_a, world.therapist_a, consent.id, date(2026, 6, 1))


def _preference(world):
    return reminder_service.preference(world.client_a)


@pytest.mark.parametrize(
    ("case", "change", "now"),
    [
        ("portal access revoked", _revoke_portal_consent, NOW),
        ("discharged", lambda w, a: setattr(w.client_a, "status", "discharged"), NOW),
        ("portal account inactive", lambda w, a: setattr(w.client_user_a, "active", False), NOW),
        ("opted out", lambda w, a: setattr(_preference(w), "enabled", False), NOW),
        ("homework done today", lambda w, a: factories.complete(a, DAY), NOW),
        ("homework stopped", lambda w, a: setattr(a, "status", "stopped"), NOW),
        ("already reminded today", lambda w, a: setattr(_preference(w), "last_sent_on", DAY), NOW),
        ("before the chosen time", lambda w, a: None, datetime(2026, 6, 15, 15, 59, tzinfo=UTC)),
        ("quiet hours have begun", lambda w, a: None, datetime(2026, 6, 15, 19, 0, tzinfo=UTC)),
        ("after midnight, quiet", lambda w, a: None, datetime(2026, 6, 15, 23, 0, tzinfo=UTC)),
        ("no portal account", lambda w, a: setattr(w.client_a, "portal_user_id", None), NOW),
        ("account is staff", lambda w, a: setattr(w.client_user_a, "role", Role.THERAPIST), NOW),
    ],
)
def test_no_reminder(world, waiting, case, change, now):
    change(world, waiting)
    db.session.commit()
    assert plan(now) == 0, case
    assert messages() == []


def test_nothing_waiting_means_no_reminder_and_a_later_chance_the_same_day(world):
    opt_in(world.client_a)
    db.session.commit()
    assert plan() == 0
    homework_today(world.client_a)  # assigned in the evening
    db.session.commit()
    assert plan(NOW.replace(hour=18)) == 1  # 20:00 in Berlin, before quiet hours


def test_consent_given_again_after_a_revocation_allows_reminders(world, waiting):
    _revoke_portal_consent(world)
    client_service.record_consent(
        world.client_a, world.therapist_a, kind=ConsentKind.PORTAL, version="2", given_on=DAY
    )
    db.session.commit()
    assert plan() == 1


def test_a_paused_client_is_still_reminded_of_what_is_waiting(world, waiting):
    world.client_a.status = "paused"
    db.session.commit()
    assert plan() == 1


@pytest.mark.parametrize(
    ("zone", "now", "expected_day"),
    [
        ("America/New_York", datetime(2026, 6, 15, 22, 30, tzinfo=UTC), "2026-06-15"),  # 18:30
        ("America/New_York", NOW, None),  # 12:30 EDT: not yet
        ("Australia/Sydney", datetime(2026, 6, 16, 8, 30, tzinfo=UTC), "2026-06-16"),  # 18:30
        ("Australia/Sydney", NOW, None),  # 02:30 AEST: quiet hours
        ("UTC", datetime(2026, 6, 15, 18, 5, tzinfo=UTC), "2026-06-15"),
    ],
)
def test_the_clients_own_zone_decides(world, zone, now, expected_day):
    opt_in(world.client_a, zone=zone)
    homework_today(world.client_a)
    db.session.commit()
    plan(now)
    keys = [m.dedupe_key for m in messages()]
    assert keys == ([f"reminder:{world.client_a.id}:{expected_day}"] if expected_day else [])


def test_only_the_clients_whose_time_has_come(world):
    early = opt_in(world.client_a, at=time(17, 0))
    late = opt_in(world.client_b, at=time(19, 0))
    homework_today(world.client_a)
    homework_today(world.client_b)
    db.session.commit()
    assert plan() == 1
    assert [m.recipient for m in messages()] == [world.client_user_a.email]
    assert (early.last_sent_on, late.last_sent_on) == (DAY, None)


def _many_clients(world, count: int) -> None:
    for number in range(count):
        user = factories.make_user(world.practice, Role.CLIENT)
        client = factories.make_client(world.therapist_a, portal_user=user)
        opt_in(client)
        assignment = homework_today(client)
        if number % 2:  # half of them: homework done, a questionnaire due instead
            factories.complete(assignment, DAY)
            questionnaire_due(client, world.therapist_a)
    db.session.commit()


@pytest.mark.parametrize("count", [5, 50])
def test_planning_takes_a_fixed_number_of_queries(world, count_queries, count):
    _many_clients(world, count)
    db.session.expire_all()
    with count_queries() as statements:
        written = reminder_service.plan_reminders(NOW)
    assert written == count
    own = [s for s in statements if "outbox_message" not in s]
    # candidates; questionnaires (assignments, sessions, answers); homework (assignments,
    # entries); the day marks (one UPDATE for all)
    assert len(own) == 7, own
