"""The outbox against a real SMTP server (aiosmtpd): delivery, back-off after a server
that is down, no message sent twice (two runs, concurrent runs, a dead run's claim),
dedupe keys, giving up, mail not set up, and the delivery job started after a commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.mailbox import free_port, running_inbox
from tracker import delivery
from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.models.base import utcnow
from tracker.services import outbox

LINK = "http://localhost/alerts/7"


def put(world, *, to: str = "tara@example.org", kind: str = rules.SAFETY_ALERT, **extra):
    message = outbox.enqueue(
        practice_id=world.practice.id, to=to, kind=kind, locale="en", link=LINK, **extra
    )
    db.session.commit()
    return message


def stored() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def server_down(app) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)


# --- writing ---------------------------------------------------------------------------


def test_a_message_is_written_with_its_cause_and_not_without_it(world):
    outbox.enqueue(
        practice_id=world.practice.id,
        to="a@example.org",
        kind="safety_alert",
        locale="en",
        link=LINK,
    )
    db.session.rollback()
    assert stored() == []
    put(world)
    (message,) = stored()
    assert (message.status, message.attempts, message.recipient) == (
        "pending",
        0,
        "tara@example.org",
    )


def test_only_known_kinds_can_be_written(world):
    with pytest.raises(ValueError, match="unknown message kind"):
        outbox.enqueue(
            practice_id=world.practice.id,
            to="a@example.org",
            kind="free_text",
            locale="en",
            link=LINK,
        )


def test_a_dedupe_key_writes_one_message(world, smtp_server):
    assert put(world, key="alert:7:user:3") is not None
    assert put(world, key="alert:7:user:3") is None
    assert put(world, key="alert:7:user:4") is not None
    assert len(stored()) == 2
    delivery.run_once()
    assert len(smtp_server.received) == 2


def test_the_link_is_encrypted_at_rest(world):
    put(world)
    raw = db.session.execute(sa.text("SELECT link FROM outbox_message")).scalar_one()
    assert "alerts/7" not in raw


# --- delivering ------------------------------------------------------------------------


def test_delivery_sends_the_fixed_text_and_records_it(world, smtp_server):
    put(world)
    report = delivery.run_once()
    assert (report.sent, report.retrying, report.failed, report.waiting) == (1, 0, 0, 0)
    (received,) = smtp_server.received
    assert received.recipients == ["tara@example.org"]
    assert received.subject == "Something needs your attention in Integration Tracker"
    assert LINK in received.body
    assert received.message["Message-ID"].startswith("<outbox-")
    assert received.message["Auto-Submitted"] == "auto-generated"
    (message,) = stored()
    assert (message.status, message.attempts, message.claim_token) == ("sent", 1, None)
    assert message.sent_at is not None
    assert message.link == ""  # nothing kept that could be a credential


def test_the_body_is_rendered_in_the_recipients_language(world, smtp_server):
    """Rendered at delivery in the message's locale (the invitation has its German)."""
    for locale, to in (("de", "b@example.org"), ("en", "c@example.org")):
        outbox.enqueue(
            practice_id=world.practice.id,
            to=to,
            kind=rules.PORTAL_INVITATION,
            locale=locale,
            link=LINK,
        )
    db.session.commit()
    delivery.run_once()
    german, english = (smtp_server.to(a)[0] for a in ("b@example.org", "c@example.org"))
    assert german.subject == "Ihre Einladung zum Portal"
    assert "eingeladen" in german.body and "72" in german.body
    assert english.subject == "Your portal invitation"
    assert LINK in german.body and LINK in english.body


def test_a_delayed_message_waits_for_its_time(world, smtp_server):
    now = utcnow()
    put(world, not_before=now + timedelta(minutes=30))
    assert delivery.run_once(now).sent == 0
    assert delivery.run_once(now + timedelta(minutes=29)).sent == 0
    assert smtp_server.received == []
    assert delivery.run_once(now + timedelta(minutes=30)).sent == 1
    assert len(smtp_server.received) == 1


def test_a_server_that_is_down_is_tried_again_with_back_off(app, world):
    server_down(app)
    put(world)
    start = utcnow()
    report = delivery.run_once(start)
    assert (report.sent, report.retrying) == (0, 1)
    (message,) = stored()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == start + timedelta(minutes=1)
    assert message.last_error == "ConnectionRefusedError"

    # Not before its time: the attempt count stays.
    assert delivery.run_once(start + timedelta(seconds=59)).retrying == 0
    assert stored()[0].attempts == 1
    second = start + timedelta(minutes=1)
    assert delivery.run_once(second).retrying == 1
    assert stored()[0].next_attempt_at == second + timedelta(minutes=2)  # doubled

    with running_inbox() as (inbox, port):
        app.config["MAIL_PORT"] = port
        assert delivery.run_once(second + timedelta(minutes=1)).sent == 0  # still waiting
        assert delivery.run_once(second + timedelta(minutes=2)).sent == 1
    assert len(inbox.received) == 1
    (message,) = stored()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)


def test_after_the_last_attempt_the_message_is_failed(app, world):
    server_down(app)
    put(world)
    moment = utcnow()
    for attempt in range(1, rules.MAX_ATTEMPTS + 1):
        report = delivery.run_once(moment)
        assert report.retrying + report.failed == 1, attempt
        moment += rules.retry_delay(attempt)
    (message,) = stored()
    assert (message.status, message.attempts) == ("failed", rules.MAX_ATTEMPTS)
    assert report.failed == 1
    # Never tried again, however long one waits.
    assert delivery.run_once(moment + timedelta(days=1)).failed == 0
    assert stored()[0].attempts == rules.MAX_ATTEMPTS


def test_a_recipient_refused_for_good_fails_at_once(world, smtp_server):
    smtp_server.refuse.add("gone@example.org")
    put(world, to="gone@example.org")
    put(world, to="here@example.org")
    report = delivery.run_once()
    assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
    gone, here = stored()
    assert (gone.status, gone.attempts, gone.last_error) == (
        "failed",
        1,
        "SMTPRecipientsRefused 550",
    )
    assert here.status == "sent"
    assert [r.recipients for r in smtp_server.received] == [["here@example.org"]]


def test_without_mail_set_up_messages_wait_untouched(app, world):
    app.config["MAIL_SERVER"] = None
    put(world)
    report = delivery.run_once()
    assert (report.mail_configured, report.sent, report.waiting) == (False, 0, 1)
    assert "Mail is not configured" in report.summary()
    (message,) = stored()
    assert (message.status, message.attempts) == ("pending", 0)


# --- never twice -----------------------------------------------------------------------


def test_two_runs_send_each_message_once(app, world, smtp_server):
    for n in range(3):
        put(world, to=f"t{n}@example.org")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-outbox"])
    second = runner.invoke(args=["send-outbox"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Sent 3, to retry 0, failed 0; 0 waiting."
    assert second.output.strip() == "Sent 0, to retry 0, failed 0; 0 waiting."
    assert "@" not in first.output  # counts only, never addresses
    assert sorted(r.recipients[0] for r in smtp_server.received) == [
        "t0@example.org",
        "t1@example.org",
        "t2@example.org",
    ]


def test_a_claimed_message_cannot_be_claimed_again(app, world):
    put(world)
    now = utcnow()
    (mine,) = outbox.claim_due(now, limit=10)
    db.session.commit()
    with app.app_context():  # another run: its own database session
        assert outbox.claim_due(now + timedelta(minutes=9), limit=10) == []
        db.session.commit()
        db.session.remove()
    # The claim is this run's: a lost claim records nothing.
    stranger = OutboxMessage(id=mine.id, claim_token="not-mine")
    assert outbox.mark_sent(stranger, now) is False
    assert outbox.mark_sent(mine, now) is True


def test_concurrent_runs_send_each_message_once(app, world, smtp_server):
    for n in range(12):
        put(world, to=f"c{n}@example.org")
    app.config["OUTBOX_BATCH_SIZE"] = 3  # many small claims, interleaving the runs
    reports, errors = [], []

    def run():
        with app.app_context():
            try:
                reports.append(delivery.run_once())
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sum(report.sent for report in reports) == 12
    recipients = [r.recipients[0] for r in smtp_server.received]
    assert sorted(recipients) == sorted(f"c{n}@example.org" for n in range(12))
    assert all(m.status == "sent" and m.attempts == 1 for m in stored())


def test_the_claim_of_a_run_that_died_is_taken_over_after_the_timeout(world, smtp_server):
    put(world)
    now = utcnow()
    outbox.claim_due(now, limit=10)  # a run claims, then dies before sending
    db.session.commit()
    assert delivery.run_once(now + timedelta(minutes=9)).sent == 0  # still its claim
    assert smtp_server.received == []
    assert delivery.run_once(now + timedelta(minutes=11)).sent == 1
    (message,) = stored()
    assert (message.status, message.attempts) == ("sent", 2)


def test_a_dead_runs_last_allowed_attempt_is_failed_not_retried(world, smtp_server):
    put(world)
    now = utcnow()
    db.session.execute(sa.update(OutboxMessage).values(attempts=rules.MAX_ATTEMPTS - 1))
    outbox.claim_due(now, limit=10)
    db.session.commit()
    assert delivery.run_once(now + timedelta(minutes=11)).sent == 0
    (message,) = stored()
    assert (message.status, message.last_error) == ("failed", "ClaimAbandoned")
    assert smtp_server.received == []


def test_a_repeat_after_a_dead_run_carries_the_same_message_id(world, smtp_server):
    """The one duplicate SMTP allows (sent, then the run died before recording it)
    is recognisable: both copies have one Message-ID."""
    put(world)
    now = utcnow()
    (claimed,) = outbox.claim_due(now, limit=10)
    db.session.commit()
    first_id = delivery.message_id(claimed)
    delivery.run_once(now + timedelta(minutes=11))
    assert smtp_server.received[0].message["Message-ID"] == first_id


def test_cancel_stops_waiting_messages_only(world, smtp_server):
    put(world, key="alert:9:escalation:user:1")
    put(world, key="alert:9:escalation:user:2")
    put(world, key="alert:99:escalation:user:1")
    (sending,) = outbox.claim_due(utcnow(), limit=1)
    db.session.commit()
    assert outbox.cancel("alert:9:escalation:") == 1
    db.session.commit()
    statuses = [m.status for m in stored()]
    assert statuses == ["sending", "cancelled", "pending"]
    assert sending.dedupe_key == "alert:9:escalation:user:1"


# --- the delivery job after a commit --------------------------------------------------


def test_a_commit_that_wrote_messages_queues_a_delivery_job_with_redis(app, world, monkeypatch):
    started = []
    monkeypatch.setattr(delivery, "start_outbox_delivery", lambda app: started.append(app))
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    outbox.enqueue(
        practice_id=world.practice.id,
        to="a@example.org",
        kind="safety_alert",
        locale="en",
        link=LINK,
    )
    db.session.rollback()
    db.session.commit()
    assert started == []  # rolled back: nothing to deliver
    put(world)
    assert started == [app]
    db.session.commit()
    assert started == [app]  # a commit without messages starts nothing


def test_without_redis_no_job_is_queued(app, world, monkeypatch):
    started = []
    monkeypatch.setattr(delivery, "start_outbox_delivery", lambda app: started.append(app))
    put(world)
    assert started == []


def test_an_unreachable_redis_leaves_delivery_to_the_timer(app, world):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    put(world)  # the commit succeeds although the job could not be queued
    assert delivery.start_outbox_delivery(app) is False
    assert stored()[0].status == "pending"
