"""``flask`` commands: create-user and seed-demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.scratch_db import app_on, scratch_database_url
from tracker.demo import DEMO_PASSWORD, DEMO_PRACTICE
from tracker.extensions import db
from tracker.models import (
    CareTeamMember,
    Client,
    Consent,
    MedicalScreening,
    Practice,
    User,
)

PASSWORD = "a long enough passphrase"
DEMO_ACCOUNTS = {
    "admin@demo.test": "admin",
    "therapist@demo.test": "therapist",
    "therapist2@demo.test": "therapist",
    "prescriber@demo.test": "therapist",
    "client@demo.test": "client",
    "client2@demo.test": "client",
}


@pytest.fixture
def app_config(request) -> dict:
    return getattr(request, "param", {})


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str, **kwargs):
        result = runner.invoke(args=list(args), **kwargs)
        db.session.expire_all()
        return result

    return invoke


def create_user(cli, email: str, *extra: str, password: str | None = PASSWORD, **kwargs):
    return cli(
        "create-user",
        email,
        "--role",
        "therapist",
        "--name",
        "Dr. Ines Vogel",
        *extra,
        env={"TRACKER_PASSWORD": password},
        **kwargs,
    )


def user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- create-user ----------------------------------------------------------------------


def test_create_user_on_an_empty_database_creates_the_practice(app, cli, client):
    result = create_user(cli, "Ines@Example.org", "--credentials", "LMFT")
    assert result.exit_code == 0, result.output
    ines = user("ines@example.org")
    assert (ines.name, ines.role, ines.credentials, ines.active) == (
        "Dr. Ines Vogel",
        "therapist",
        "LMFT",
        True,
    )
    practice = db.session.get(Practice, ines.practice_id)
    assert practice.name == "My Practice"
    assert result.output.strip() == (
        f"Created therapist account ines@example.org (id {ines.id}) in practice {practice.id}."
    )
    assert PASSWORD not in result.output
    assert factories.login(client, "ines@example.org", PASSWORD).status_code == 302


def test_create_user_joins_the_only_practice(cli, world):
    result = create_user(cli, "ines@example.org")
    assert result.exit_code == 0, result.output
    assert user("ines@example.org").practice_id == world.practice.id
    assert count(Practice) == 1


def test_create_user_needs_a_practice_name_when_there_are_several(cli, world):
    factories.make_practice("Second Practice")
    db.session.commit()
    refused = create_user(cli, "ines@example.org")
    assert refused.exit_code == 1
    assert "several practices exist" in refused.output
    assert user("ines@example.org") is None

    named = create_user(cli, "ines@example.org", "--practice", "Second Practice")
    assert named.exit_code == 0, named.output
    assert user("ines@example.org").practice.name == "Second Practice"


def test_create_user_reads_the_password_from_a_prompt(cli, client):
    result = create_user(cli, "ines@example.org", password=None, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert factories.login(client, "ines@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Use at least 12 characters."),
        ("INES.LONGER@EXAMPLE.ORG", "must not be your e-mail address"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ],
    ids=["too short", "the e-mail", "one character"],
)
def test_create_user_refuses_a_weak_password(cli, password, message):
    email = "ines.longer@example.org"
    result = create_user(cli, email, password=password)
    assert result.exit_code == 1
    assert message in result.output
    assert user(email) is None
    assert count(Practice) == 0


def test_create_user_refuses_a_duplicate_email(cli, world):
    result = create_user(cli, "TA@Example.Test")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert count(User) == 5
    assert user("ta@example.test").name == world.therapist_a.name


def test_create_user_refuses_the_client_role(cli):
    result = cli(
        "create-user",
        "c@example.org",
        "--role",
        "client",
        "--name",
        "C",
        env={"TRACKER_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 2
    assert count(User) == 0


# --- seed-demo ------------------------------------------------------------------------


def demo_state() -> dict[str, int]:
    return {
        model.__name__: count(model)
        for model in (Practice, User, Client, MedicalScreening, Consent, CareTeamMember)
    }


def portal_client(email: str) -> Client:
    portal_user = user(email)
    return db.session.scalar(select(Client).where(Client.portal_user_id == portal_user.id))


def test_seed_demo_creates_the_demo_practice(app, cli):
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    assert "Demo practice created" in result.output
    assert f"password for all: {DEMO_PASSWORD}" in result.output

    practice = db.session.scalar(select(Practice).where(Practice.name == DEMO_PRACTICE))
    accounts = {
        u.email: u.role
        for u in db.session.scalars(select(User).where(User.practice_id == practice.id))
    }
    assert accounts == DEMO_ACCOUNTS
    for email in DEMO_ACCOUNTS:
        assert email in result.output

    sam, lena = portal_client("client@demo.test"), portal_client("client2@demo.test")
    assert sam.primary_therapist.email == "therapist@demo.test"
    assert lena.primary_therapist.email == "therapist2@demo.test"
    assert sam.practice_id == lena.practice_id == practice.id

    for email, role in DEMO_ACCOUNTS.items():
        browser = app.test_client()
        response = factories.login(browser, email, DEMO_PASSWORD)
        assert response.status_code == 302, email
        home = {"admin": "/today", "therapist": "/today", "client": "/portal/"}[role]
        assert response.headers["Location"] == home
        assert browser.get(home).status_code == 200


def test_demo_therapist_and_client_see_their_records(app, cli):
    cli("seed-demo", "--quiet")
    therapist = app.test_client()
    factories.login(therapist, "therapist@demo.test", DEMO_PASSWORD)
    caseload = therapist.get("/clients").get_data(as_text=True)
    assert "Sam" in caseload
    assert "Lena" not in caseload
    portal = app.test_client()
    factories.login(portal, "client2@demo.test", DEMO_PASSWORD)
    home = portal.get("/portal/").get_data(as_text=True)
    assert "Welcome, Lena" in home
    assert "Jonah Weiss" in home


def test_seed_demo_twice_changes_nothing(cli):
    first = cli("seed-demo", "--quiet")
    assert first.exit_code == 0, first.output
    assert "Demo sign-ins" not in first.output
    before = demo_state()
    hashes = dict(db.session.execute(select(User.email, User.password_hash)).tuples().all())

    second = cli("seed-demo", "--quiet")
    assert second.exit_code == 0, second.output
    assert "already present; left as it is" in second.output
    assert demo_state() == before
    assert dict(db.session.execute(select(User.email, User.password_hash)).tuples().all()) == hashes


@pytest.mark.parametrize("app_config", [{"ENV_NAME": "production"}], indirect=True)
def test_seed_demo_refuses_a_production_configuration(app, cli):
    assert app.config["ENV_NAME"] == "production"
    result = cli("seed-demo")
    assert result.exit_code == 1
    assert "refusing to seed demo data into a production configuration" in result.output
    assert demo_state() == dict.fromkeys(demo_state(), 0)


def generated_clients() -> list[tuple]:
    return list(
        db.session.execute(
            select(
                Client.id,
                Client.preferred_name,
                Client.legal_name,
                Client.date_of_birth,
                Client.status,
                Client.course_start_date,
                User.email,
            )
            .join(User, Client.primary_therapist_id == User.id)
            .where(Client.portal_user_id.is_(None))
            .order_by(Client.id)
        ).tuples()
    )


def test_seed_demo_generated_clients_are_the_same_on_two_fresh_databases(
    cli, database_template, tmp_path
):
    result = cli("seed-demo", "--clients", "50", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Added 50 generated clients and 0 sessions" in result.output
    first = generated_clients()
    assert count(Client) == 7 + 50  # six fixed demo clients, Elif (Today), 50 generated
    assert len({legal for _, _, legal, *_ in first}) == len(first)

    with scratch_database_url(database_template, tmp_path) as url, app_on(url) as other:
        again = other.test_cli_runner().invoke(args=["seed-demo", "--clients", "50", "--quiet"])
        assert again.exit_code == 0, again.output
        second = generated_clients()
    assert second == first
    assert len(first) == 5 + 50  # five demo clients have no portal account


def test_seed_demo_generates_a_course_of_sessions_per_generated_client(cli):
    from tracker.models import TherapySession

    result = cli("seed-demo", "--quiet")
    assert result.exit_code == 0, result.output
    demo_sessions = count(TherapySession)
    assert demo_sessions > 10  # the demo clients' KAP and KABSP courses

    result = cli("seed-demo", "--clients", "30", "--sessions-per-client", "10", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Added 30 generated clients and 300 sessions" in result.output
    assert count(TherapySession) == demo_sessions + 300
    phases = set(db.session.scalars(select(TherapySession.phase)))
    assert {"intake", "preparation", "medicine", "integration"} <= phases

    again = cli("seed-demo", "--sessions-per-client", "10", "--quiet")
    assert again.exit_code == 0, again.output
    assert count(TherapySession) == demo_sessions + 300  # clients with sessions get no more
