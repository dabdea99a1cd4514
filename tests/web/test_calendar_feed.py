"""The calendar feed of one's planned sessions: a secret address made, replaced and
revoked in the settings (only its hash stored), a valid RFC 5545 calendar with client
numbers and modality only, 404 for unknown or revoked secrets, rate limited, and the
secret kept out of the request logs."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import csrf_token, login, make_client
from tests.session_factories import add_to_care_team
from tests.web.pages import text
from tracker.extensions import db
from tracker.models import AuditEvent, CalendarFeed, PlannedSession
from tracker.models.base import utcnow

ADDRESS = re.compile(r'value="http://localhost/feeds/calendar/([A-Za-z0-9_-]{40,})\.ics"')


def signed_in(app, user):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def make_feed(browser) -> str:
    """Make (or replace) the feed address in the settings; returns its secret."""
    response = browser.post(
        "/calendar-feed", data={"csrf_token": csrf_token(browser, "/calendar-feed")}
    )
    assert response.status_code == 200
    match = ADDRESS.search(text(response))
    assert match, "the new address is shown"
    return match.group(1)


def plan(client, therapist, starts_at: datetime, modality: str = "kap") -> PlannedSession:
    row = PlannedSession(
        client_id=client.id,
        therapist_id=therapist.id,
        starts_at=starts_at,
        duration_minutes=90,
        modality=modality,
        phase="medicine",
        setting="supervised_at_home",
    )
    db.session.add(row)
    db.session.commit()
    return row


def unfolded(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_the_feed_shows_client_numbers_and_modality_only(app, world):
    world.client_a.preferred_name = "Canarypreferred"
    world.client_a.legal_name = "Canary Legal Name"
    world.client_a.presenting_concerns = "CanaryConcerns"
    now = utcnow()
    mine = plan(world.client_a, world.therapist_a, now + timedelta(days=2))
    brainspotting = plan(
        world.client_a, world.therapist_a, now + timedelta(days=9), "brainspotting"
    )
    plan(world.client_a, world.therapist_a, now - timedelta(days=60))  # too long ago
    plan(world.client_b, world.therapist_b, now + timedelta(days=2))  # someone else's
    browser = signed_in(app, world.therapist_a)
    secret = make_feed(browser)

    response = app.test_client().get(f"/feeds/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfolded(body)
    assert lines.count("BEGIN:VEVENT") == 2
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    number = world.client_a.id
    assert summaries == [
        f"SUMMARY:Client no. {number} · KAP",
        f"SUMMARY:Client no. {number} · Brainspotting",
    ]
    for row in (mine, brainspotting):
        assert f"DTSTART:{row.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in lines
        assert f"DTEND:{row.ends_at.strftime('%Y%m%dT%H%M%SZ')}" in lines
        assert f"UID:planned-session-{row.id}@localhost" in lines
    assert sum(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines) == 2
    for canary in ("Canary", "Cora", "supervised", "Medicine", "medicine"):
        assert canary not in body


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(app, world):
    browser = signed_in(app, world.therapist_a)
    assert "You have no calendar feed." in text(browser.get("/calendar-feed"))
    secret = make_feed(browser)
    (feed,) = db.session.scalars(select(CalendarFeed)).all()
    assert feed.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert feed.user_id == world.therapist_a.id
    page = text(browser.get("/calendar-feed"))
    assert secret not in page and "Active" in page and "not read by a calendar yet" in page
    details = db.session.scalars(select(AuditEvent.detail)).all()
    assert not any(secret in detail for detail in details)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "calendar_feed.issue" in actions

    assert app.test_client().get(f"/feeds/calendar/{secret}.ics").status_code == 200
    db.session.expire_all()
    assert "last read by a calendar on" in text(browser.get("/calendar-feed"))


def test_a_new_address_replaces_the_old_one_and_revoking_ends_the_feed(app, world):
    browser = signed_in(app, world.therapist_a)
    calendar = app.test_client()
    first = make_feed(browser)
    second = make_feed(browser)
    assert first != second
    assert calendar.get(f"/feeds/calendar/{first}.ics").status_code == 404
    assert calendar.get(f"/feeds/calendar/{second}.ics").status_code == 200
    assert db.session.scalar(select(CalendarFeed.id)) is not None

    revoked = browser.post(
        "/calendar-feed/revoke", data={"csrf_token": csrf_token(browser, "/calendar-feed")}
    )
    assert revoked.status_code == 302
    assert calendar.get(f"/feeds/calendar/{second}.ics").status_code == 404
    page = text(browser.get("/calendar-feed"))
    assert "The feed address no longer works." in page and "You have no calendar feed." in page
    db.session.expire_all()
    assert db.session.scalars(select(CalendarFeed)).all() == []


@pytest.mark.parametrize("secret", ["nope", "x" * 43, "%2e%2e"])
def test_unknown_secrets_are_not_found(app, world, secret):
    assert app.test_client().get(f"/feeds/calendar/{secret}.ics").status_code == 404


def test_the_feed_ends_with_the_account_and_with_the_care(app, world):
    colleague_client = make_client(world.therapist_b, preferred_name="Shared")
    add_to_care_team(colleague_client, world.therapist_a, "co_therapist")
    plan(colleague_client, world.therapist_a, utcnow() + timedelta(days=1))
    db.session.commit()
    secret = make_feed(signed_in(app, world.therapist_a))
    calendar = app.test_client()
    feed = f"/feeds/calendar/{secret}.ics"
    assert f"Client no. {colleague_client.id}" in text(calendar.get(feed))

    # Off the care team: the plan leaves the feed.
    for member in list(colleague_client.care_team):
        db.session.delete(member)
    db.session.commit()
    assert "BEGIN:VEVENT" not in text(calendar.get(feed))

    # A deactivated account's feed is gone.
    world.therapist_a.active = False
    db.session.commit()
    assert calendar.get(feed).status_code == 404


def test_request_logs_never_hold_the_secret(app, caplog):
    secret = "Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZS0xMjM0NTY3"
    with caplog.at_level(logging.INFO):
        # as the development server writes its request line, and gunicorn its access log
        logging.getLogger("werkzeug").info(
            '127.0.0.1 - - [03/Dec/2026 10:00:00] "%s" %s %s',
            f"GET /feeds/calendar/{secret}.ics HTTP/1.1",
            "200",
            "-",
        )
        logging.getLogger("gunicorn.access").info(
            '%(h)s "%(r)s" %(s)s',
            {"h": "10.0.0.1", "r": f"GET /reset/{secret} HTTP/1.1", "s": "200"},
        )
    assert secret not in caplog.text
    assert "/feeds/calendar/[secret].ics" in caplog.text
    assert "/reset/[secret]" in caplog.text


class TestRateLimits:
    @pytest.fixture
    def app_config(self) -> dict:
        return {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CALENDAR_FEED_LIMIT_PER_ADDRESS": "3 per 15 minutes",
            "CALENDAR_FEED_LIMIT_PER_FEED": "4 per hour",
        }

    @staticmethod
    def fetch(app, secret: str, address: str):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        return browser.get(f"/feeds/calendar/{secret}.ics")

    def test_guessing_from_one_address_is_limited(self, app, world):
        secret = make_feed(signed_in(app, world.therapist_a))
        for number in range(3):
            assert self.fetch(app, f"guess{number}", "203.0.113.7").status_code == 404
        limited = self.fetch(app, secret, "203.0.113.7")
        assert limited.status_code == 429
        assert "Too many attempts" in text(limited)
        assert self.fetch(app, secret, "203.0.113.8").status_code == 200

    def test_good_fetches_do_not_count_against_the_address_but_a_feed_has_its_own_limit(
        self, app, world
    ):
        secret = make_feed(signed_in(app, world.therapist_a))
        for _ in range(4):
            assert self.fetch(app, secret, "198.51.100.1").status_code == 200
        assert self.fetch(app, secret, "198.51.100.2").status_code == 429  # this feed
        other = make_feed(signed_in(app, world.therapist_b))
        assert self.fetch(app, other, "198.51.100.1").status_code == 200
