"""The admin's e-mail delivery page: counts by status, masked addresses, never a link
or a name; mail not set up said plainly; paginated in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.factories import login
from tests.web.pages import text as page_text
from tracker.domain import outbox as rules
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.models.base import utcnow
from tracker.services import outbox

SECRET_LINK = "http://localhost/reset/SECRET-TOKEN-abc"


@pytest.fixture
def admin(app, world):
    browser = app.test_client()
    assert login(browser, world.admin).status_code == 302
    return browser


def messages(practice_id: int, count: int, **fields) -> None:
    for n in range(count):
        outbox.enqueue(
            practice_id=practice_id,
            to=f"recipient{n}@example.org",
            kind=rules.PASSWORD_RESET if n % 2 else rules.SAFETY_ALERT,
            locale="en",
            link=SECRET_LINK,
        )
    if fields:
        db.session.execute(sa.update(OutboxMessage).values(**fields))
    db.session.commit()


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_the_page_lists_messages_with_masked_addresses_and_no_links(admin, world):
    messages(world.practice.id, 2)
    response = admin.get("/admin/outbox")
    assert response.status_code == 200
    page = page_text(response)
    assert len(rows(page)) == 2
    assert "r…@example.org" in page
    assert "recipient0@example.org" not in page and "recipient1@example.org" not in page
    assert "SECRET-TOKEN" not in page
    assert "Safety alert" in page and "care team" in page
    assert "Password reset link" in page and "account holder" in page
    assert re.search(r"waiting: <strong>2</strong>", page)
    assert re.search(r"sent: <strong>0</strong>", page)


def test_counts_and_the_status_filter(admin, world):
    messages(world.practice.id, 3)
    first = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    first.status, first.attempts, first.sent_at = "sent", 1, utcnow()
    last = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    last.status, last.attempts, last.last_error = "failed", 10, "ConnectionRefusedError"
    db.session.commit()
    page = page_text(admin.get("/admin/outbox"))
    for label, count in (("waiting", 1), ("sent", 1), ("failed", 1), ("cancelled", 0)):
        assert re.search(rf"{label}: <strong>{count}</strong>", page), label
    failed = page_text(admin.get("/admin/outbox?status=failed"))
    (row,) = rows(failed)
    assert "ConnectionRefusedError" in row and ">10<" in row
    refused = admin.get("/admin/outbox?status=shouting")
    assert refused.status_code == 400
    assert "Not a valid choice" in page_text(refused)


def test_without_mail_the_page_says_nothing_is_sent(admin, app, world):
    assert "E-mail is not set up (MAIL_SERVER): nothing is being sent." in page_text(
        admin.get("/admin/outbox")
    )
    app.config.update(MAIL_SERVER="127.0.0.1", PUBLIC_URL="https://tracker.example.org")
    page = page_text(admin.get("/admin/outbox"))
    assert 'id="mail-not-configured"' not in page
    assert "TRACKER_PUBLIC_URL" not in page


def test_another_practices_messages_are_not_shown(admin, world):
    other = factories.make_practice("Elsewhere")
    messages(other.id, 2)
    page = page_text(admin.get("/admin/outbox"))
    assert "No messages." in page
    assert re.search(r"waiting: <strong>0</strong>", page)


def test_therapists_and_clients_do_not_see_the_page(app, world):
    for user in (world.therapist_a, world.client_user_a):
        browser = app.test_client()
        login(browser, user)
        assert browser.get("/admin/outbox").status_code == 404


def test_the_page_is_paginated_in_a_fixed_number_of_queries(admin, app, world, count_queries):
    app.config["OUTBOX_PAGE_SIZE"] = 10

    def statements() -> list[str]:
        with count_queries() as sent:
            response = admin.get("/admin/outbox")
        assert response.status_code == 200
        return sent

    messages(world.practice.id, 3)
    few = statements()
    messages(world.practice.id, 60, next_attempt_at=utcnow() + timedelta(minutes=5))
    many = statements()
    assert len(few) == len(many)
    assert len(many) <= 5, "\n".join(many)  # session, counts, practice, page, total
    page = page_text(admin.get("/admin/outbox?page=2"))
    assert len(rows(page)) == 10
    assert "Page 2 of 7" in page


def test_an_admin_of_another_practice_has_their_own_page(app, world):
    other = factories.make_practice("Elsewhere")
    other_admin = factories.make_user(other, Role.ADMIN)
    messages(world.practice.id, 1)
    db.session.commit()
    browser = app.test_client()
    login(browser, other_admin)
    assert "No messages." in page_text(browser.get("/admin/outbox"))
