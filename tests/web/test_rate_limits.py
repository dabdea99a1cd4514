"""Sign-in attempts are rate limited per account and per address, in memory and in Redis.

The Redis variant runs when ``TEST_REDIS_URL`` is set (CI sets it); without it the
variant is skipped. With it set, an unreachable Redis is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass

import pytest
import redis

from tests.factories import PASSWORD, csrf_token
from tracker.extensions import limiter

WRONG = "not the right password"


@dataclass(frozen=True)
class Storage:
    kind: str
    uri: str
    key_prefix: str = ""

    def require(self) -> None:
        """Fail (not skip) when the configured Redis cannot be reached."""
        if self.kind != "redis":
            return
        try:
            redis.Redis.from_url(self.uri, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            pytest.fail(f"TEST_REDIS_URL={self.uri} is set but Redis is unreachable: {exc}")

    def our_keys(self) -> list[bytes]:
        connection = redis.Redis.from_url(self.uri, socket_connect_timeout=2)
        return list(connection.scan_iter(match=f"*{self.key_prefix}*"))

    def delete_our_keys(self) -> None:
        connection = redis.Redis.from_url(self.uri, socket_connect_timeout=2)
        keys = self.our_keys()
        if keys:
            connection.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def storage(request, monkeypatch):
    if request.param == "memory":
        yield Storage("memory", "memory://")
        return
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set, so the Redis rate-limit storage is not tested")
    # Flask-Limiter keeps the first app's key prefix on the shared Limiter object;
    # start from none so this test's unique prefix applies.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    storage = Storage("redis", url, key_prefix=f"tracker-test-{uuid.uuid4().hex}")
    yield storage
    # An unreachable server has already failed the test itself.
    with contextlib.suppress(redis.RedisError):
        storage.delete_our_keys()


@pytest.fixture
def app_config(storage) -> dict:
    config = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage.uri,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": "3 per 15 minutes",
    }
    if storage.key_prefix:
        config["RATELIMIT_KEY_PREFIX"] = storage.key_prefix
    return config


def _attempt(app, email: str, password: str, address: str):
    """One sign-in from a fresh browser at ``address``."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(browser, "/login")
    return browser.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _assert_friendly_429(response) -> None:
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many attempts" in body
    assert "Please wait a few minutes before trying again." in body
    assert "Traceback" not in body
    assert "RateLimitExceeded" not in body
    assert "per 15 minute" not in body  # the limit itself is not advertised


def test_failures_against_one_account_from_many_addresses_are_limited(storage, app, world):
    storage.require()
    email = world.therapist_a.email
    typed = [email, email.upper(), f"  {email}  "]  # all the same account
    for number, variant in enumerate(typed, start=1):
        assert _attempt(app, variant, WRONG, f"198.51.100.{number}").status_code == 400

    # Even the right password is refused now, from yet another address.
    _assert_friendly_429(_attempt(app, email, PASSWORD, "198.51.100.99"))
    # Other accounts are unaffected, also from that address.
    assert _attempt(app, world.therapist_b.email, PASSWORD, "198.51.100.99").status_code == 302
    if storage.kind == "redis":
        assert storage.our_keys(), "no rate-limit counters were written to Redis"


def test_failures_from_one_address_against_many_accounts_are_limited(storage, app, world):
    storage.require()
    address = "203.0.113.10"
    for number in range(3):
        assert _attempt(app, f"guess{number}@example.test", WRONG, address).status_code == 400

    _assert_friendly_429(_attempt(app, world.therapist_a.email, PASSWORD, address))
    # The sign-in page itself still opens; only attempts are limited.
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    assert browser.get("/login").status_code == 200
    # Another address can still sign in to the same account.
    assert _attempt(app, world.therapist_a.email, PASSWORD, "203.0.113.11").status_code == 302
    if storage.kind == "redis":
        assert storage.our_keys(), "no rate-limit counters were written to Redis"


def test_successful_sign_ins_do_not_count(storage, app, world):
    storage.require()
    address = "192.0.2.20"
    for _ in range(5):
        assert _attempt(app, world.therapist_a.email, PASSWORD, address).status_code == 302

    for _ in range(3):
        assert _attempt(app, world.therapist_a.email, WRONG, address).status_code == 400
    _assert_friendly_429(_attempt(app, world.therapist_a.email, WRONG, address))
