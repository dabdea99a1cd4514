"""The client portal: a personal greeting, and no way into the staff areas."""

from __future__ import annotations

import pytest

from tests.factories import post_form
from tests.web.pages import text
from tracker.extensions import db


def test_client_lands_on_the_portal_greeted_by_preferred_name(client, world, login):
    response = login(client, world.client_user_a)
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"

    page = text(client.get("/portal/"))
    assert "Welcome, Cora" in page
    assert f"Your therapist: {world.therapist_a.name}" in page
    # The legal name and the other client stay out of it.
    assert world.client_a.legal_name not in page
    assert "Cole" not in page
    assert world.therapist_b.name not in page


def test_each_client_sees_their_own_therapist(client, world, login):
    login(client, world.client_user_b)
    page = text(client.get("/portal/"))
    assert "Welcome, Cole" in page
    assert f"Your therapist: {world.therapist_b.name}" in page
    assert "Cora" not in page


def test_preferred_name_changes_show_on_the_portal(client, world, login):
    world.client_a.preferred_name = "Corrie"
    db.session.commit()
    login(client, world.client_user_a)
    assert "Welcome, Corrie" in text(client.get("/portal/"))


def test_the_portal_shows_no_staff_navigation(client, world, login):
    login(client, world.client_user_a)
    page = text(client.get("/portal/"))
    assert 'href="/clients"' not in page
    assert 'href="/admin/"' not in page


@pytest.mark.parametrize(
    "path",
    [
        "/clients",
        "/clients/new",
        "/clients/{own}",
        "/clients/{own}/edit",
        "/clients/{own}/screening",
        "/clients/{other}",
        "/admin/",
        "/admin/users",
        "/admin/users/new",
        "/admin/practice",
        "/admin/audit",
    ],
)
def test_a_client_never_reaches_staff_pages(client, world, login, path):
    login(client, world.client_user_a)
    url = path.format(own=world.client_a.id, other=world.client_b.id)
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in text(response)


@pytest.mark.parametrize(
    "path",
    ["/clients/new", "/clients/{own}/consents", "/admin/users/new", "/admin/practice"],
)
def test_a_client_cannot_post_to_staff_pages(client, world, login, path):
    login(client, world.client_user_a)
    response = post_form(
        client, path.format(own=world.client_a.id), {"name": "x"}, form_page="/portal/"
    )
    assert response.status_code == 404
