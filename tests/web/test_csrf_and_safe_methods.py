"""Forms need a CSRF token; GET requests never change data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from tests.factories import csrf_token, login
from tracker.extensions import db
from tracker.models import Base, Client, User

FORM_EXPIRED = "This form has expired"


def _client_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Client.id)))


NEW_CLIENT = {"preferred_name": "Forged", "legal_name": "Forged Request", "status": "active"}


def test_posting_a_form_without_a_token_is_refused_and_nothing_is_created(client, world):
    login(client, world.therapist_a)
    before = _client_count()
    response = client.post("/clients/new", data=NEW_CLIENT)
    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)
    assert _client_count() == before


def test_a_token_from_another_browser_is_refused(app, client, world):
    login(client, world.therapist_a)
    attacker = app.test_client()
    login(attacker, world.therapist_b)
    foreign_token = csrf_token(attacker, "/clients/new")
    before = _client_count()
    response = client.post("/clients/new", data={**NEW_CLIENT, "csrf_token": foreign_token})
    assert response.status_code == 400
    assert _client_count() == before


def test_a_token_from_before_sign_in_is_refused_after_it(client, world):
    """Signing in starts a fresh session, so a token seen earlier stops working."""
    early = csrf_token(client, "/login")
    login(client, world.therapist_a)
    response = client.post("/clients/new", data={**NEW_CLIENT, "csrf_token": early})
    assert response.status_code == 400


def test_the_sign_in_form_needs_a_token(client, world):
    response = client.post(
        "/login", data={"email": world.therapist_a.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert client.get("/clients").status_code == 302  # not signed in


def test_signing_out_needs_a_token(client, world):
    login(client, world.therapist_a)
    assert client.post("/logout").status_code == 400
    assert client.get("/clients").status_code == 200


def test_deactivating_an_account_needs_a_token(client, world):
    login(client, world.admin)
    response = client.post(f"/admin/users/{world.therapist_a.id}/deactivate")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).active


@pytest.mark.parametrize(
    "path",
    ["/logout", "/admin/users/{therapist}/deactivate", "/clients/{client}/consents"],
)
def test_actions_cannot_be_triggered_by_get(client, world, path):
    login(client, world.admin if "admin" in path else world.therapist_a)
    url = path.format(therapist=world.therapist_a.id, client=world.client_a.id)
    assert client.get(url).status_code == 405
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).active
    assert client.get("/").status_code == 302
    assert not client.get("/").headers["Location"].startswith("/login")  # still signed in


def _snapshot() -> dict[str, list[tuple]]:
    """Every table but the audit trail; a session's last-seen time may move."""
    db.session.expire_all()
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "audit_event":
            continue
        columns = [c for c in table.columns if c.name != "last_seen_at"]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        tables[table.name] = [tuple(row) for row in rows]
    return tables


GET_PAGES = {
    "therapist": [
        "/",
        "/clients",
        "/clients?q=Cora&status=active&sort=recent&page=2",
        "/clients/{client}",
        "/clients/{client}/edit",
        "/clients/{client}/edit?preferred_name=Changed&status=discharged",
        "/clients/new?preferred_name=Ghost&legal_name=Ghost&status=active",
        "/clients/{client}/screening?decision=cleared&screened_on=2020-01-01",
        "/account/password?password=a+new+long+password&confirm=a+new+long+password",
        "/resume",
        "/today",
        "/calendar-feed",
        "/clients/{client}/plans/new?session_date=2030-01-01&start_time=09:00&phase=medicine",
    ],
    "admin": [
        "/admin/",
        "/admin/users",
        "/admin/users/new?email=x%40example.test&name=X&role=admin",
        "/admin/audit",
        "/admin/practice?name=Renamed",
        "/today",
    ],
    "client": ["/portal/"],
}


@pytest.mark.parametrize(
    ("who", "path"), [(who, path) for who, paths in GET_PAGES.items() for path in paths]
)
def test_get_requests_change_nothing_but_the_audit_trail(client, world, who, path):
    user = {"therapist": world.therapist_a, "admin": world.admin, "client": world.client_user_a}
    login(client, user[who])
    before = _snapshot()
    response = client.get(path.format(client=world.client_a.id))
    assert response.status_code in (200, 302)
    assert _snapshot() == before


def test_viewing_pages_adds_only_audit_rows(client, world):
    login(client, world.therapist_a)
    db.session.expire_all()
    count = "SELECT COUNT(*) FROM audit_event"
    audit_before = db.session.execute(text(count)).scalar_one()
    before = _snapshot()
    for path in ("/clients", f"/clients/{world.client_a.id}", f"/clients/{world.client_a.id}"):
        assert client.get(path).status_code == 200
    assert _snapshot() == before
    assert db.session.execute(text(count)).scalar_one() == audit_before + 2  # two record views
