"""Small helpers that build records for tests."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from flask.testing import FlaskClient

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, Practice, User
from tracker.services import accounts

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_practice(name: str = "Test Practice") -> Practice:
    practice = Practice(name=name)
    db.session.add(practice)
    db.session.flush()
    return practice


def make_user(
    practice: Practice,
    role: Role | str = Role.THERAPIST,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
) -> User:
    number = next(_counter)
    return accounts.create_user(
        practice_id=practice.id,
        email=email or f"{Role(role).value}{number}@example.test",
        name=name or f"{Role(role).value.title()} {number}",
        role=role,
        password=password,
    )


def make_client(
    therapist: User,
    *,
    preferred_name: str | None = None,
    portal_user: User | None = None,
    status: str = "active",
    presenting_concerns: str | None = None,
) -> Client:
    number = next(_counter)
    client = Client(
        practice_id=therapist.practice_id,
        primary_therapist_id=therapist.id,
        portal_user_id=portal_user.id if portal_user else None,
        preferred_name=preferred_name or f"Client{number}",
        legal_name=f"{preferred_name or 'Client'} Legal {number}",
        date_of_birth=date(1985, 5, 5),
        status=status,
        presenting_concerns=presenting_concerns,
    )
    db.session.add(client)
    db.session.flush()
    return client


@dataclass
class World:
    practice: Practice
    admin: User
    therapist_a: User
    therapist_b: User
    client_user_a: User
    client_user_b: User
    client_a: Client
    client_b: Client


def build_world() -> World:
    practice = make_practice()
    admin = make_user(practice, Role.ADMIN, email="admin@example.test", name="Ada Admin")
    therapist_a = make_user(practice, Role.THERAPIST, email="ta@example.test", name="Tara A")
    therapist_b = make_user(practice, Role.THERAPIST, email="tb@example.test", name="Theo B")
    client_user_a = make_user(practice, Role.CLIENT, email="ca@example.test", name="Cora A")
    client_user_b = make_user(practice, Role.CLIENT, email="cb@example.test", name="Cole B")
    client_a = make_client(therapist_a, preferred_name="Cora", portal_user=client_user_a)
    client_b = make_client(therapist_b, preferred_name="Cole", portal_user=client_user_b)
    db.session.commit()
    return World(
        practice, admin, therapist_a, therapist_b, client_user_a, client_user_b, client_a, client_b
    )


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Fetch a page and read the CSRF token from its form."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD):
    email = user if isinstance(user, str) else user.email
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client: FlaskClient, path: str, data: dict, *, form_page: str | None = None):
    """POST with a valid CSRF token taken from ``form_page`` (default: the same path)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})
