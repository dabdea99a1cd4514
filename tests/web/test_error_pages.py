"""Error pages are friendly and show no internals: no traceback, no exception text,
no stored values, nothing reflected from the address."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from sqlalchemy import text

from tests.factories import login
from tracker.extensions import db
from tracker.services import clients as client_service

INTERNALS = ("Traceback", 'File "', "RuntimeError", "werkzeug", "sqlalchemy", "Exception")


@pytest.fixture
def app_config() -> dict:
    return {"RENDER_500_IN_TESTS": True}


@pytest.fixture
def canary() -> str:
    return f"canary-{uuid.uuid4().hex}"


def _assert_shows_no_internals(response, *secrets: str) -> str:
    body = response.get_data(as_text=True)
    for word in INTERNALS:
        assert word not in body, word
    for secret in secrets:
        assert secret not in body
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    return body


def _assert_not_logged(caplog, secret: str) -> None:
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in (record.exc_text or "")


def test_an_unexpected_error_gives_a_plain_500_page(app, client, canary, caplog):
    def explode():
        raise RuntimeError(f"presenting concerns: {canary}")

    app.add_url_rule("/explode", "explode", explode)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/explode")
    assert response.status_code == 500
    body = _assert_shows_no_internals(response, canary, "presenting concerns")
    assert "Something went wrong on our side" in body
    _assert_not_logged(caplog, canary)
    assert any("RuntimeError" in record.getMessage() for record in caplog.records)


def test_a_failing_service_on_a_signed_in_page_gives_a_500_and_the_app_recovers(
    client, world, canary, monkeypatch, caplog
):
    login(client, world.therapist_a)

    def failing_get_client(*args, **kwargs):
        db.session.execute(text(f"SELECT '{canary}' FROM no_such_table"))

    monkeypatch.setattr(client_service, "get_client", failing_get_client)
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/clients/{world.client_a.id}")
    assert response.status_code == 500
    _assert_shows_no_internals(response, canary, "no_such_table", "SELECT")
    _assert_not_logged(caplog, canary)

    monkeypatch.undo()
    assert client.get(f"/clients/{world.client_a.id}").status_code == 200
    assert client.get("/clients").status_code == 200


def test_the_not_found_page_reflects_nothing(client, canary):
    response = client.get(f"/no/such/page/{canary}")
    assert response.status_code == 404
    body = _assert_shows_no_internals(response, canary)
    assert "Not found" in body


def _without_csrf(response) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def test_someone_elses_client_looks_exactly_like_a_missing_one(client, world):
    login(client, world.therapist_a)
    hidden = client.get(f"/clients/{world.client_b.id}")
    missing = client.get("/clients/987654")
    assert hidden.status_code == missing.status_code == 404
    # The sign-out form's CSRF token carries a timestamp: two pages a second apart differ
    # only there, so it is left out of the comparison.
    assert _without_csrf(hidden) == _without_csrf(missing)
    assert "Cole" not in hidden.get_data(as_text=True)


def test_the_wrong_method_page_shows_no_internals(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "This page cannot be used that way." in _assert_shows_no_internals(response)


def test_the_expired_form_page_shows_no_internals(client):
    response = client.post("/login", data={"email": "a@example.test", "password": "x"})
    assert response.status_code == 400
    body = _assert_shows_no_internals(response, "CSRF", "csrf")
    assert "This form has expired" in body
