"""Server-side sessions: a copied cookie is useless once the session has ended, and
sessions end after idling (staff 15 min, clients 30 min) or 12 hours in all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, csrf_token, login, post_form
from tracker.extensions import db
from tracker.models import AuthSession, User
from tracker.services import accounts

COOKIE = "tracker_session"


def _cookie_value(browser) -> str:
    cookie = browser.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _replay(app, value: str):
    """A new browser carrying a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, value)
    return thief


def _signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _home(user: User) -> str:
    return "/portal/" if user.role == "client" else "/clients"


def _age_sessions(user: User, *, idle: timedelta | None = None, age: timedelta | None = None):
    """Pretend the user's open sessions were last used ``idle`` ago / started ``age`` ago."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    ).all()
    assert rows, "the user has no open session"
    for row in rows:
        if idle is not None:
            row.last_seen_at -= idle
        if age is not None:
            row.created_at -= age
    db.session.commit()


def test_replayed_cookie_works_while_signed_in_and_not_after_sign_out(app, client, world):
    login(client, world.therapist_a)
    stolen = _cookie_value(client)
    assert _replay(app, stolen).get("/clients").status_code == 200  # the copy is a real one

    assert post_form(client, "/logout", {}, form_page="/clients").status_code == 302
    assert _signed_out(client.get("/clients"))
    assert _signed_out(_replay(app, stolen).get("/clients"))
    assert _signed_out(_replay(app, stolen).get(f"/clients/{world.client_a.id}"))


def test_sign_out_ends_only_this_browser(app, world):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, world.therapist_a)
    login(phone, world.therapist_a)
    post_form(laptop, "/logout", {}, form_page="/clients")
    assert _signed_out(laptop.get("/clients"))
    assert phone.get("/clients").status_code == 200


def test_deactivation_ends_every_open_session(app, client, world):
    login(client, world.therapist_a)
    stolen = _cookie_value(client)
    admin = app.test_client()
    login(admin, world.admin)
    response = post_form(
        admin, f"/admin/users/{world.therapist_a.id}/deactivate", {}, form_page="/admin/users"
    )
    assert response.status_code == 302

    assert _signed_out(client.get("/clients"))
    assert _signed_out(_replay(app, stolen).get("/clients"))
    assert login(app.test_client(), world.therapist_a).status_code == 400


def test_password_change_signs_out_other_browsers_but_not_this_one(app, world):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, world.therapist_a)
    login(phone, world.therapist_a)
    before_change = _cookie_value(laptop)

    new = "an entirely new passphrase"
    response = post_form(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert response.status_code == 302

    assert laptop.get("/clients").status_code == 200
    assert _signed_out(phone.get("/clients"))
    # The laptop's cookie from before the change is no longer accepted either.
    assert _signed_out(_replay(app, before_change).get("/clients"))
    assert login(app.test_client(), world.therapist_a, new).status_code == 302


def test_a_password_reset_link_signs_out_every_browser(app, client, world):
    login(client, world.therapist_a)
    stolen = _cookie_value(client)
    token = accounts.issue_one_time_token(
        world.therapist_a,
        purpose=accounts.PURPOSE_PASSWORD_RESET,
        lifetime=timedelta(hours=1),
        created_by=world.admin,
    )
    db.session.commit()
    new = "an entirely new passphrase"
    response = post_form(app.test_client(), f"/reset/{token}", {"password": new, "confirm": new})
    assert response.status_code == 302
    assert _signed_out(client.get("/clients"))
    assert _signed_out(_replay(app, stolen).get("/clients"))


def test_a_cookie_from_before_sign_in_gives_no_access(app, client, world):
    """Session fixation: a cookie planted before sign-in is not the signed-in session."""
    client.get("/login")
    planted = _cookie_value(client)
    login(client, world.therapist_a)
    assert _cookie_value(client) != planted
    assert _signed_out(_replay(app, planted).get("/clients"))


@pytest.mark.parametrize(
    ("who", "idle_minutes", "still_signed_in"),
    [
        ("therapist", 14, True),
        ("therapist", 16, False),
        ("admin", 16, False),
        ("client", 16, True),
        ("client", 29, True),
        ("client", 31, False),
    ],
)
def test_idle_timeout(client, world, who, idle_minutes, still_signed_in):
    user = {"therapist": world.therapist_a, "admin": world.admin, "client": world.client_user_a}[
        who
    ]
    login(client, user)
    assert client.get(_home(user)).status_code == 200

    _age_sessions(user, idle=timedelta(minutes=idle_minutes))
    response = client.get(_home(user))
    if still_signed_in:
        assert response.status_code == 200
    else:
        assert _signed_out(response)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Your session timed out. Please sign in again." in page


def test_activity_keeps_a_client_signed_in_past_the_idle_limit(client, world):
    login(client, world.client_user_a)
    _age_sessions(world.client_user_a, idle=timedelta(minutes=20))
    assert client.get("/portal/").status_code == 200  # this visit counts as activity
    _age_sessions(world.client_user_a, idle=timedelta(minutes=20))
    assert client.get("/portal/").status_code == 200


@pytest.mark.parametrize(
    ("hours", "still_signed_in"), [(11, True), (12, False), (13, False)], ids=str
)
def test_absolute_lifetime_of_twelve_hours_even_when_active(client, world, hours, still_signed_in):
    login(client, world.client_user_a)
    _age_sessions(world.client_user_a, age=timedelta(hours=hours, minutes=1))
    response = client.get("/portal/")
    if still_signed_in:
        assert response.status_code == 200
    else:
        assert _signed_out(response)


def test_a_timed_out_session_stays_ended_when_the_clock_is_put_right(client, world):
    login(client, world.therapist_a)
    _age_sessions(world.therapist_a, idle=timedelta(minutes=16))
    assert _signed_out(client.get("/clients"))
    db.session.expire_all()
    (row,) = db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == world.therapist_a.id)
    ).all()
    assert row.revoke_reason == "idle_timeout"
    row.last_seen_at += timedelta(minutes=16)
    db.session.commit()
    assert _signed_out(client.get("/clients"))


def test_no_remember_me_cookie_is_ever_set(app, world):
    browser = app.test_client()
    token = csrf_token(browser, "/login")
    response = browser.post(
        "/login",
        data={
            "email": world.therapist_a.email,
            "password": PASSWORD,
            "remember": "y",
            "remember_me": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    browser.get("/clients")
    set_cookies = response.headers.getlist("Set-Cookie")
    assert all(header.startswith(f"{COOKIE}=") for header in set_cookies), set_cookies
    assert browser.get_cookie("remember_token") is None
    assert browser.get_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token")) is None

    # Without the session cookie nothing signs the browser back in.
    browser.delete_cookie(COOKIE)
    assert _signed_out(browser.get("/clients"))


def test_only_a_hash_of_the_session_token_is_stored(client, world):
    login(client, world.therapist_a)
    db.session.expire_all()
    (row,) = db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == world.therapist_a.id)
    ).all()
    with client.session_transaction() as session:
        token = session["sid"]
    assert token not in row.token_hash
    assert len(row.token_hash) == 64
