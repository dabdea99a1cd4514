"""What every signed-in request costs before its page does anything: one statement for
the session, its user and the user's practice; no write and no new cookie on a plain
page view; the session's activity noted at most every TOUCH_INTERVAL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import login
from tracker.extensions import db
from tracker.models import AuthSession
from tracker.services.auth_sessions import TOUCH_INTERVAL


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def _open_session(user) -> AuthSession:
    db.session.expire_all()
    return db.session.scalar(
        select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    )


def test_a_page_that_shows_no_records_runs_one_statement(client, world, count_queries):
    login(client, world.therapist_a)
    assert client.get("/account/password").status_code == 200
    with count_queries() as statements:
        assert client.get("/account/password").status_code == 200
    assert len(statements) == 1, statements
    assert "FROM auth_session JOIN" in statements[0]
    assert "JOIN practice" in statements[0]


@pytest.mark.parametrize(("who", "path"), [("therapist", "/clients"), ("client", "/portal/")])
def test_the_practice_comes_with_the_user(client, world, count_queries, who, path):
    """Pages show times in the practice's zone and its crisis lines: reading the practice
    costs no statement of its own."""
    login(client, {"therapist": world.therapist_a, "client": world.client_user_a}[who])
    client.get(path)
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    assert "JOIN practice" in statements[0]
    assert not [s for s in statements[1:] if "FROM practice" in s], statements


def test_a_page_view_writes_nothing_and_sets_no_cookie(client, world, count_queries):
    login(client, world.therapist_a)
    client.get("/account/password")
    with count_queries() as statements:
        response = client.get("/account/password")
    assert response.status_code == 200
    assert _writes(statements) == []
    assert response.headers.getlist("Set-Cookie") == []


def test_activity_is_noted_once_the_touch_interval_has_passed(client, world, count_queries):
    login(client, world.therapist_a)
    client.get("/account/password")
    before = _open_session(world.therapist_a).last_seen_at

    row = _open_session(world.therapist_a)
    row.last_seen_at -= TOUCH_INTERVAL * 2
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/account/password").status_code == 200
    assert len(_writes(statements)) == 1, statements
    assert "last_seen_at" in _writes(statements)[0]
    assert _open_session(world.therapist_a).last_seen_at >= before

    with count_queries() as statements:
        assert client.get("/account/password").status_code == 200
    assert _writes(statements) == []
