"""What a reminder e-mail says, as the client's mail server receives it (aiosmtpd):
that something is waiting, a link to the portal and one to stop reminders, and
nothing else: no name, no questionnaire, no homework, nothing clinical. ``send-outbox``
plans the reminders before it delivers."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests import factories
from tracker import delivery
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, OutboxMessage, ReminderPreference
from tracker.models.base import utcnow
from tracker.services import goals as goal_service
from tracker.services import measures as measure_service
from tracker.services import reminders as reminder_service

NOW = datetime(2026, 6, 15, 16, 30, tzinfo=UTC)  # 18:30 in Berlin

CANARIES = {
    "preferred_name": "Quillonette",
    "legal_name": "Quillonette Vandermeerstraat",
    "portal_name": "Q. Vandermeerstraat-Portal",
    "concerns": "CANARY-CONCERN intergenerational grief",
    "homework": "CANARY-HOMEWORK letter to my grandmother",
    "instructions": "CANARY-INSTRUCTIONS breathe with the body scan",
    "goal": "CANARY-GOAL feel safe at night",
    "practice": "Canary Ketamine Practice",
}
INSTRUMENT_WORDS = ("PHQ", "phq9", "Patient Health", "depress", "questionnaire", "homework")


@pytest.fixture
def canary_client(world) -> Client:
    """An opted-in client with canary text in every field a reminder could leak."""
    world.practice.name = CANARIES["practice"]
    user = factories.make_user(
        world.practice,
        Role.CLIENT,
        email="quill@example.org",
        name=CANARIES["portal_name"],
    )
    client = factories.make_client(
        world.therapist_a,
        preferred_name=CANARIES["preferred_name"],
        portal_user=user,
        presenting_concerns=CANARIES["concerns"],
    )
    client.legal_name = CANARIES["legal_name"]
    factories.make_assignment(
        client,
        title=CANARIES["homework"],
        instructions=CANARIES["instructions"],
        start_date=date(2026, 6, 1),
    )
    measure_service.assign(
        client,
        world.therapist_a,
        instrument="phq9",
        kind="once",
        every_days=None,
        start=date(2026, 6, 1),
    )
    goal_service.create_goal(
        client, world.therapist_a, {"title": CANARIES["goal"], "domain": "body"}, date(2026, 6, 1)
    )
    db.session.add(
        ReminderPreference(
            client_id=client.id,
            enabled=True,
            send_at=time(18, 0),
            timezone="Europe/Berlin",
            quiet_start=time(21, 0),
            quiet_end=time(8, 0),
        )
    )
    db.session.commit()
    return client


def _plan_and_deliver(app, smtp_server, now: datetime = NOW):
    app.config["PUBLIC_URL"] = "https://tracker.example.org"
    assert reminder_service.plan_reminders(now) == 1
    db.session.commit()
    report = delivery.run_once()  # the message was written just now
    assert report.sent == 1, report.summary()
    (received,) = smtp_server.received
    return received


def test_the_reminder_names_nothing_and_nobody(app, canary_client, smtp_server):
    received = _plan_and_deliver(app, smtp_server)
    everything = received.everything
    for field, canary in CANARIES.items():
        assert canary not in everything, field
        for word in canary.split():
            if len(word) > 6:
                assert word not in everything, (field, word)
    for word in INSTRUMENT_WORDS:
        assert word.lower() not in everything.lower(), word
    assert received.recipients == ["quill@example.org"]
    assert "quill@example.org" not in received.body  # the address only in To:
    assert "something is waiting for you" in received.body


def test_the_reminder_links_to_the_portal_and_to_stopping_reminders(
    app, client, canary_client, smtp_server
):
    received = _plan_and_deliver(app, smtp_server)
    links = re.findall(r"https://tracker\.example\.org\S+", received.body)
    portal, unsubscribe = links
    assert portal == "https://tracker.example.org/portal/"
    assert urlsplit(unsubscribe).path.startswith("/reminders/stop/")
    assert received.message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As it travels: one plain line a mail program reads as a link (not MIME-encoded).
    assert f"List-Unsubscribe: <{unsubscribe}>\r\n" in received.raw.decode()

    # RFC 8058: the mail program posts to the header's link, no cookie, no CSRF token.
    response = client.post(urlsplit(unsubscribe).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert reminder_service.preference(canary_client).enabled is False
    assert reminder_service.plan_reminders(NOW + timedelta(days=1)) == 0


def test_a_sent_reminder_keeps_no_link_in_the_outbox(app, canary_client, smtp_server):
    _plan_and_deliver(app, smtp_server)
    db.session.expire_all()
    (message,) = db.session.scalars(select(OutboxMessage))
    assert (message.status, message.link) == ("sent", "")


def test_no_token_name_or_address_reaches_the_logs(app, client, canary_client, smtp_server, caplog):
    with caplog.at_level(logging.DEBUG):
        received = _plan_and_deliver(app, smtp_server)
        unsubscribe = urlsplit(received.message["List-Unsubscribe"].strip("<>")).path
        client.get(unsubscribe)
        client.post(unsubscribe)
    token = unsubscribe.rsplit("/", 1)[1]
    # The app's own records (the test's SMTP server, aiosmtpd, logs what it receives).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "reminders planned" in logged  # the planner did log ...
    for secret in (token, "quill@example.org", *CANARIES.values()):
        assert secret not in logged  # ... but ids and counts only


def test_send_outbox_plans_the_reminders_before_it_delivers(app, world, smtp_server):
    """A window open all day (00:00, no quiet hours) in UTC: due whenever the test runs."""
    today = utcnow().date()
    factories.make_assignment(world.client_a, start_date=today - timedelta(days=3))
    db.session.add(
        ReminderPreference(
            client_id=world.client_a.id,
            enabled=True,
            send_at=time(0, 0),
            timezone="UTC",
            quiet_start=time(0, 0),
            quiet_end=time(0, 0),
        )
    )
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-outbox"])
    second = runner.invoke(args=["send-outbox"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Planned 1 reminder(s). Sent 1, to retry 0, failed 0; 0 waiting."
    assert second.output.strip() == "Sent 0, to retry 0, failed 0; 0 waiting."
    assert [r.recipients for r in smtp_server.received] == [[world.client_user_a.email]]
