"""Portal invitations: a 72-hour, single-use link; e-mailed without clinical content."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    csrf_token,
    login,
    make_client,
    make_goal,
    make_user,
    write_journal,
)
from tests.mailbox import free_port
from tests.session_factories import post
from tracker import delivery
from tracker.extensions import db
from tracker.models import AuditEvent, Client, OneTimeToken, OutboxMessage, User
from tracker.models.base import utcnow

NEW_PASSWORD = "quiet river morning light"
CANARIES = ("CANARY-INVITE-CONCERNS", "CANARY-INVITE-GOAL", "CANARY-INVITE-JOURNAL")


@pytest.fixture
def invitee(world):
    """A client of therapist A without a portal account yet, with clinical text on file."""
    client = make_client(
        world.therapist_a,
        preferred_name="Mirabel",
        presenting_concerns="CANARY-INVITE-CONCERNS: grief after the move.",
    )
    client.legal_name = "Mirabel Ostrowska-Lindqvist"
    make_goal(client, title="CANARY-INVITE-GOAL")
    db.session.commit()
    return client


@pytest.fixture
def therapist(client, world, login):
    assert login(client, world.therapist_a).status_code == 302
    return client


def invite(therapist, client_id: int, address: str = "m.o@example.org"):
    return post(therapist, f"/clients/{client_id}/portal", {"email": address})


def link_on(page: str) -> str:
    match = re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', page)
    assert match, "no invitation link on the page"
    return match.group(1)


def path_of(link: str) -> str:
    match = re.search(r"(/invite/[A-Za-z0-9_-]+)$", link)
    assert match, link
    return match.group(1)


def accept(anonymous, path: str, password: str = NEW_PASSWORD):
    page = anonymous.get(path)
    assert page.status_code == 200, page.status_code
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    return anonymous.post(
        path, data={"password": password, "confirm": password, "csrf_token": token.group(1)}
    )


# --- without e-mail: the therapist sees the link ------------------------------------


def test_invite_without_smtp_shows_the_link(therapist, invitee, app):
    assert "E-mail is not set up" in therapist.get(f"/clients/{invitee.id}/portal").get_data(
        as_text=True
    )
    response = invite(therapist, invitee.id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = link_on(page)
    assert link.startswith("http://localhost/invite/")
    assert "expires in 72 hours" in page
    assert "Invited, password not yet set" in page

    db.session.expire_all()
    client = db.session.get(Client, invitee.id)
    user = db.session.get(User, client.portal_user_id)
    assert (user.email, user.role, user.password_hash) == ("m.o@example.org", "client", None)
    row = db.session.scalar(sa.select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    assert row.purpose == "invitation" and row.created_by_id is not None
    lifetime = row.expires_at - row.created_at
    assert timedelta(hours=72) - timedelta(minutes=1) < lifetime <= timedelta(hours=72)
    assert path_of(link).split("/")[-1] not in row.token_hash  # only a hash is stored
    assert db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "portal.invite")
    )
    record = therapist.get(f"/clients/{invitee.id}").get_data(as_text=True)
    assert "Portal: invited" in record


def test_the_link_sets_a_password_and_signs_the_client_in(therapist, invitee, app):
    path = path_of(link_on(invite(therapist, invitee.id).get_data(as_text=True)))
    anonymous = app.test_client()
    page = anonymous.get(path).get_data(as_text=True)
    assert "CANARY-INVITE" not in page
    response = accept(anonymous, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    home = anonymous.get("/portal/")
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert "Welcome, Mirabel" in text
    assert "Welcome. Your password is set." in text
    assert "CANARY-INVITE-GOAL" in text  # their own goal, shared by design
    assert "CANARY-INVITE-CONCERNS" not in text

    # the password works for signing in later
    later = app.test_client()
    assert login(later, "m.o@example.org", NEW_PASSWORD).headers["Location"] == "/portal/"
    # and the therapist now sees the portal in use
    record = therapist.get(f"/clients/{invitee.id}").get_data(as_text=True)
    assert "Portal: in use" in record
    again = invite(therapist, invitee.id)
    assert again.status_code == 400
    assert "already uses the portal" in again.get_data(as_text=True)


def test_a_weak_password_is_refused_and_the_link_stays_valid(therapist, invitee, app):
    path = path_of(link_on(invite(therapist, invitee.id).get_data(as_text=True)))
    anonymous = app.test_client()
    response = accept(anonymous, path, password="short")
    assert response.status_code == 400
    assert accept(anonymous, path).status_code == 302


def test_the_link_works_once(therapist, invitee, app):
    path = path_of(link_on(invite(therapist, invitee.id).get_data(as_text=True)))
    assert accept(app.test_client(), path).status_code == 302
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "This link cannot be used" in again.get_data(as_text=True)
    other = app.test_client()
    token = csrf_token(other, "/login")
    passphrase = "another long passphrase"
    refused = other.post(
        path, data={"password": passphrase, "confirm": passphrase, "csrf_token": token}
    )
    assert refused.status_code == 404


def test_the_link_expires_after_72_hours(therapist, invitee, app):
    path = path_of(link_on(invite(therapist, invitee.id).get_data(as_text=True)))
    row = db.session.scalar(sa.select(OneTimeToken))
    row.expires_at = utcnow() + timedelta(minutes=1)  # still (just) valid
    db.session.commit()
    assert app.test_client().get(path).status_code == 200
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert "This link cannot be used" in response.get_data(as_text=True)
    assert accept_blocked(app, path)


def accept_blocked(app, path: str) -> bool:
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login")
    response = anonymous.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    db.session.expire_all()
    return response.status_code == 404


def test_a_second_invitation_voids_the_first(therapist, invitee, app):
    first = path_of(link_on(invite(therapist, invitee.id).get_data(as_text=True)))
    response = invite(therapist, invitee.id, "mirabel.new@example.org")
    assert "Send a new invitation" in therapist.get(f"/clients/{invitee.id}/portal").get_data(
        as_text=True
    )
    second = path_of(link_on(response.get_data(as_text=True)))
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert accept(app.test_client(), second).status_code == 302
    db.session.expire_all()
    user = db.session.get(Client, invitee.id).portal_user
    assert user.email == "mirabel.new@example.org"  # the new address replaced the old
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "client")) == 3


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not-an-address", "Enter a valid e-mail address."),
        ("", "This field is required."),
        ("taken@example.org", "Another account already uses this e-mail address."),
        ("Taken@Example.org", "Another account already uses this e-mail address."),
    ],
)
def test_bad_addresses_are_refused(therapist, invitee, world, address, message):
    make_user(world.practice, email="taken@example.org")
    db.session.commit()
    response = invite(therapist, invitee.id, address)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Client, invitee.id).portal_user_id is None


def test_only_the_care_team_therapists_may_invite(client, world, invitee):
    login(client, world.therapist_b)
    assert client.get(f"/clients/{invitee.id}/portal").status_code == 404
    assert invite(client, invitee.id).status_code == 404
    admin = client.application.test_client()
    login(admin, world.admin)
    assert admin.get(f"/clients/{invitee.id}/portal").status_code == 404
    db.session.expire_all()
    assert db.session.get(Client, invitee.id).portal_user_id is None


# --- with e-mail: through the outbox ---------------------------------------------------


def test_with_smtp_the_link_is_emailed_without_clinical_content(
    therapist, invitee, smtp_server, world, app
):
    write_journal(world.client_a, "CANARY-INVITE-JOURNAL")
    db.session.commit()
    page = therapist.get(f"/clients/{invitee.id}/portal").get_data(as_text=True)
    assert "it contains no clinical information" in page

    response = invite(therapist, invitee.id, "m.o@example.org")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The invitation is on its way by e-mail" in text
    assert 'id="invite-link"' not in text  # the link goes to the client only
    assert smtp_server.received == []  # written to the outbox, sent by a delivery run
    assert "The invitation e-mail is waiting to be sent." in therapist.get(
        f"/clients/{invitee.id}/portal"
    ).get_data(as_text=True)

    assert delivery.run_once().sent == 1
    (received,) = smtp_server.received
    assert received.recipients == ["m.o@example.org"]
    assert received.subject == "Your portal invitation"
    assert world.practice.name in received.body
    link = re.search(r"http://localhost/invite/[A-Za-z0-9_-]+", received.body).group(0)
    assert "72 hours" in received.body

    for secret in (
        invitee.preferred_name,
        invitee.legal_name,
        "Ostrowska",
        "Lindqvist",
        world.therapist_a.name,
        *CANARIES,
    ):
        assert secret.lower() not in received.everything.lower(), secret
    assert "The invitation e-mail was sent on" in therapist.get(
        f"/clients/{invitee.id}/portal"
    ).get_data(as_text=True)

    # the e-mailed link works
    assert accept(app.test_client(), path_of(link)).status_code == 302


def test_a_new_invitation_cancels_the_unsent_e_mail_of_the_old_one(therapist, invitee, smtp_server):
    invite(therapist, invitee.id, "m.o@example.org")
    invite(therapist, invitee.id, "mirabel.new@example.org")
    assert delivery.run_once().sent == 1
    (received,) = smtp_server.received
    assert received.recipients == ["mirabel.new@example.org"]
    statuses = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id))
    assert list(statuses) == ["cancelled", "sent"]


def test_an_undeliverable_invitation_is_reported_on_the_page(therapist, invitee, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    response = invite(therapist, invitee.id)
    assert response.status_code == 200
    assert "The invitation is on its way by e-mail" in response.get_data(as_text=True)
    report = delivery.run_once()
    assert (report.sent, report.retrying) == (0, 1)
    page = therapist.get(f"/clients/{invitee.id}/portal").get_data(as_text=True)
    assert "The invitation e-mail is waiting to be sent." in page
    db.session.execute(
        sa.update(OutboxMessage).values(attempts=9, next_attempt_at=utcnow())
    )  # the last allowed attempt comes next
    db.session.commit()
    assert delivery.run_once().failed == 1
    page = therapist.get(f"/clients/{invitee.id}/portal").get_data(as_text=True)
    assert "The invitation e-mail could not be delivered." in page
    # a new invitation (here without mail) shows the link to pass on
    app.config["MAIL_SERVER"] = None
    again = invite(therapist, invitee.id).get_data(as_text=True)
    assert accept(app.test_client(), path_of(link_on(again))).status_code == 302


def test_the_invitation_email_is_in_the_clients_language(app, client, world, login, smtp_server):
    """The therapist picks the client's language: the e-mail and the portal use it."""
    record = db.session.get(Client, world.client_a.id)
    record.portal_user_id = None
    db.session.commit()
    login(client, world.therapist_a)
    path = f"/clients/{world.client_a.id}/portal"
    response = client.post(
        path,
        data={"email": "neu@example.org", "language": "de", "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 200
    delivery.run_once()
    (received,) = smtp_server.received
    assert received.recipients == ["neu@example.org"]
    assert "Einladung" in received.subject
    assert "Einladung" in received.body or "eingeladen" in received.body
    db.session.expire_all()
    assert db.session.get(Client, world.client_a.id).portal_user.locale == "de"
