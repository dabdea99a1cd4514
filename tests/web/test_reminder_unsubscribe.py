"""Stopping reminders from the e-mail's link, without signing in: a confirm page on
GET, the change on POST (also RFC 8058 one-click, with no CSRF token), harmless to
repeat; a changed link is refused and changes nothing."""

from __future__ import annotations

from datetime import time

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from tests.web.pages import text
from tracker.extensions import db
from tracker.models import AuditEvent, ReminderPreference
from tracker.services import reminders as reminder_service


@pytest.fixture
def opted_in(world) -> ReminderPreference:
    row = ReminderPreference(
        client_id=world.client_a.id,
        enabled=True,
        send_at=time(18, 0),
        timezone="Europe/Berlin",
        quiet_start=time(21, 0),
        quiet_end=time(8, 0),
    )
    db.session.add(row)
    db.session.commit()
    return row


def url(token: str) -> str:
    return f"/reminders/stop/{token}"


def enabled(world) -> bool:
    db.session.expire_all()
    return db.session.scalar(
        select(ReminderPreference.enabled).where(ReminderPreference.client_id == world.client_a.id)
    )


def unsubscribe_events() -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "reminders.unsubscribe")
    )


def test_opening_the_link_asks_first_and_changes_nothing(client, world, opted_in):
    token = reminder_service.unsubscribe_token(world.client_a.id)
    response = client.get(url(token))
    assert response.status_code == 200
    page = text(response)
    assert "Stop e-mail reminders?" in page
    assert f'action="{url(token)}"' in page
    assert world.client_a.preferred_name not in page  # a forwarded e-mail names nobody
    assert enabled(world) is True


def test_the_button_stops_reminders_without_signing_in(client, world, opted_in):
    token = reminder_service.unsubscribe_token(world.client_a.id)
    response = client.post(url(token))
    assert response.status_code == 200
    assert "Reminders stopped" in text(response)
    assert enabled(world) is False
    assert unsubscribe_events() == 1
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "reminders.unsubscribe")
    )
    assert (event.actor_id, event.client_id, event.practice_id) == (
        None,
        world.client_a.id,
        world.practice.id,
    )


def test_one_click_from_the_mail_program_works_without_a_csrf_token(client, world, opted_in):
    """RFC 8058: the mail program POSTs ``List-Unsubscribe=One-Click`` to the link."""
    token = reminder_service.unsubscribe_token(world.client_a.id)
    response = client.post(url(token), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert enabled(world) is False


def test_stopping_twice_is_harmless(client, world, opted_in):
    token = reminder_service.unsubscribe_token(world.client_a.id)
    assert client.post(url(token)).status_code == 200
    second = client.post(url(token))
    assert second.status_code == 200
    assert "Reminders stopped" in text(second)
    assert enabled(world) is False
    assert unsubscribe_events() == 1  # the second changed nothing


def _tampered(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(
            lambda app, cid: _tampered(reminder_service.unsubscribe_token(cid)), id="tampered"
        ),
        pytest.param(
            lambda app, cid: URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(
                {"client": cid}
            ),
            id="other-salt",
        ),
        pytest.param(
            lambda app, cid: URLSafeSerializer(
                "not-our-key", salt=reminder_service.UNSUBSCRIBE_SALT
            ).dumps({"client": cid}),
            id="other-key",
        ),
        pytest.param(lambda app, cid: reminder_service.unsubscribe_token(cid + 999), id="nobody"),
        pytest.param(lambda app, cid: "not-a-token", id="garbage"),
    ],
)
def test_a_link_that_is_not_ours_is_refused_and_changes_nothing(
    app, client, world, opted_in, method, make_token
):
    token = make_token(app, world.client_a.id)
    response = client.open(url(token), method=method)
    assert response.status_code == 404
    assert "This link cannot be used" in text(response)
    assert enabled(world) is True
    assert unsubscribe_events() == 0


def test_a_signed_in_client_may_use_the_link_too(client, world, opted_in, login):
    login(client, world.client_user_b)  # whoever holds the link: it names client A
    token = reminder_service.unsubscribe_token(world.client_a.id)
    assert client.post(url(token)).status_code == 200
    assert enabled(world) is False


class TestRateLimit:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ADDRESS": "3 per 15 minutes"}

    def test_guessing_links_is_rate_limited_per_address(self, client, world, opted_in):
        codes = [client.get(url(f"guess-{n}")).status_code for n in range(4)]
        assert codes == [404, 404, 404, 429]


def test_the_page_speaks_the_clients_portal_language(client, world, opted_in):
    world.client_user_a.locale = "de"
    db.session.commit()
    token = reminder_service.unsubscribe_token(world.client_a.id)
    english_browser = {"Accept-Language": "en"}
    assert "E-Mail-Erinnerungen abbestellen?" in text(
        client.get(url(token), headers=english_browser)
    )
    assert "Stop e-mail reminders?" not in text(client.get(url(token), headers=english_browser))
    done = text(client.post(url(token), headers=english_browser))
    assert "Reminders stopped" not in done
