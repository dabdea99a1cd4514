"""Sign-in reveals nothing about which accounts exist, is audited without secrets,
and new passwords follow the policy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, csrf_token, login, post_form
from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.services import accounts

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def _attempt(client, email: str, password: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _normalised(body: str, typed_email: str) -> str:
    """The page without the parts that legitimately differ: CSRF token and the echoed e-mail."""
    body = CSRF_VALUE.sub(r"\1TOKEN\2", body)
    return body.replace(f'value="{typed_email}"', 'value="TYPED"')


def _audit_rows(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _row_text(event: AuditEvent) -> str:
    return " ".join(str(getattr(event, column.key)) for column in AuditEvent.__table__.columns)


def test_unknown_email_wrong_password_and_deactivated_account_look_the_same(app, world):
    accounts.set_active(world.therapist_b, False)
    invited = accounts.create_user(
        practice_id=world.practice.id, email="invited@example.test", name="New", role="therapist"
    )
    db.session.commit()
    attempts = {
        "unknown e-mail": ("nobody@example.test", PASSWORD),
        "wrong password": (world.therapist_a.email, "not the right password"),
        "deactivated": (world.therapist_b.email, PASSWORD),
        "no password chosen yet": (invited.email, PASSWORD),
    }
    responses = {}
    for label, (email, password) in attempts.items():
        response = _attempt(app.test_client(), email, password)
        responses[label] = (
            response.status_code,
            _normalised(response.get_data(as_text=True), email),
        )

    statuses = {status for status, _body in responses.values()}
    bodies = {body for _status, body in responses.values()}
    assert statuses == {400}
    assert len(bodies) == 1, "the sign-in page differs between failure kinds"
    assert "That e-mail and password do not match an account." in bodies.pop()


def test_deactivated_account_cannot_sign_in_with_the_right_password(client, world):
    accounts.set_active(world.therapist_a, False)
    db.session.commit()
    response = login(client, world.therapist_a)
    assert response.status_code == 400
    assert client.get("/clients").status_code == 302


def test_email_is_matched_ignoring_case_and_spaces(client, world):
    response = login(client, "  TA@Example.TEST ")
    assert response.status_code == 302
    assert client.get("/clients").status_code == 200


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("ta@example.test", id="known account"),
        pytest.param("ghost@x.test", id="unknown"),
    ],
)
def test_failed_sign_in_is_audited_without_the_password_or_email(client, world, email):
    typed_password = "Tr0ub4dor&3-wrong-guess"
    response = _attempt(client, email, typed_password)
    assert response.status_code == 400

    (event,) = _audit_rows("auth.login_failed")
    assert event.actor_id is None
    assert event.ip_address == "127.0.0.1"
    if email == world.therapist_a.email:
        assert (event.record_type, event.record_id) == ("user", world.therapist_a.id)
    else:
        assert event.record_id is None
    text = _row_text(event).lower()
    assert typed_password.lower() not in text
    assert email not in text


def test_sign_in_and_sign_out_are_audited_without_secrets(client, world):
    assert login(client, world.therapist_a).status_code == 302
    assert post_form(client, "/logout", {}, form_page="/clients").status_code == 302

    (signed_in,) = _audit_rows("auth.login")
    (signed_out,) = _audit_rows("auth.logout")
    for event in (signed_in, signed_out):
        assert event.actor_id == world.therapist_a.id
        assert (event.record_type, event.record_id) == ("user", world.therapist_a.id)
        assert event.practice_id == world.practice.id
        assert event.ip_address == "127.0.0.1"
        text = _row_text(event).lower()
        assert PASSWORD not in text
        assert world.therapist_a.email not in text
    assert signed_in.occurred_at <= signed_out.occurred_at


def test_failed_attempts_are_counted_on_the_account_and_reset_by_success(client, world):
    for _ in range(2):
        _attempt(client, world.therapist_a.email, "not the right password")
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).failed_login_count == 2
    assert login(client, world.therapist_a).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).failed_login_count == 0


def test_sign_in_page_never_echoes_the_password(client, world):
    typed = "a-very-secret-typed-password"
    body = _attempt(client, world.therapist_a.email, typed).get_data(as_text=True)
    assert typed not in body


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_sign_in_never_redirects_off_site(client, world, target):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": world.therapist_a.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"


def test_sign_in_follows_a_same_site_next_path(client, world):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": f"/clients/{world.client_a.id}"},
        data={"email": world.therapist_a.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == f"/clients/{world.client_a.id}"


SHORT_PASSWORD = "elevenchars"  # 11 characters


def _field_error(body: str, field_id: str) -> str:
    match = re.search(rf'<small id="{field_id}-error"[^>]*>(.*?)</small>', body, re.DOTALL)
    return match.group(1).strip() if match else ""


def test_change_password_refuses_a_short_password_next_to_the_field(client, world):
    assert len(SHORT_PASSWORD) == 11
    login(client, world.therapist_a)
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": SHORT_PASSWORD, "confirm": SHORT_PASSWORD},
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Use at least 12 characters." in _field_error(body, "password")
    assert 'aria-invalid="true"' in body
    assert SHORT_PASSWORD not in body

    fresh = type(client)(client.application)
    assert login(fresh, world.therapist_a, SHORT_PASSWORD).status_code == 400
    assert login(fresh, world.therapist_a, PASSWORD).status_code == 302


def test_change_password_with_a_wrong_current_password_is_refused(client, world):
    login(client, world.therapist_a)
    new = "a brand new passphrase"
    response = post_form(
        client,
        "/account/password",
        {"current_password": "not my password", "password": new, "confirm": new},
    )
    assert response.status_code == 400
    assert "That is not your current password." in _field_error(
        response.get_data(as_text=True), "current_password"
    )
    assert login(type(client)(client.application), world.therapist_a, new).status_code == 400


def test_password_reset_link_refuses_a_short_password(client, world):
    token = accounts.issue_one_time_token(
        world.therapist_a,
        purpose=accounts.PURPOSE_PASSWORD_RESET,
        lifetime=timedelta(hours=1),
        created_by=world.admin,
    )
    db.session.commit()
    response = post_form(
        client, f"/reset/{token}", {"password": SHORT_PASSWORD, "confirm": SHORT_PASSWORD}
    )
    assert response.status_code == 400
    assert "Use at least 12 characters." in _field_error(
        response.get_data(as_text=True), "password"
    )
    assert login(client, world.therapist_a, SHORT_PASSWORD).status_code == 400


def test_password_reset_link_works_once(client, world):
    token = accounts.issue_one_time_token(
        world.therapist_a,
        purpose=accounts.PURPOSE_PASSWORD_RESET,
        lifetime=timedelta(hours=1),
        created_by=world.admin,
    )
    db.session.commit()
    new = "a brand new passphrase"
    response = post_form(client, f"/reset/{token}", {"password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get(f"/reset/{token}").status_code == 404
    assert login(client, world.therapist_a, new).status_code == 302
