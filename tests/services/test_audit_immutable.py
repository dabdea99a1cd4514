"""The audit trail is append-only (ORM and database) and records reads without clinical text."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select, text

from tests import factories
from tests.factories import login
from tracker.extensions import db
from tracker.models import AuditEvent, ImmutableRecordError
from tracker.services import audit as audit_service


@pytest.fixture
def event(world) -> AuditEvent:
    recorded = audit_service.record(
        "client.view",
        actor=world.therapist_a,
        ip_address="192.0.2.1",
        record_type="client",
        record_id=world.client_a.id,
        client_id=world.client_a.id,
    )
    db.session.commit()
    return recorded


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text("SELECT * FROM audit_event ORDER BY id"))]


def test_the_orm_refuses_to_change_an_audit_event(event):
    before = _snapshot()
    event.action = "client.nothing_to_see"
    with pytest.raises(ImmutableRecordError):
        db.session.commit()
    db.session.rollback()
    assert _snapshot() == before


def test_the_orm_refuses_to_delete_an_audit_event(event):
    before = _snapshot()
    db.session.delete(event)
    with pytest.raises(ImmutableRecordError):
        db.session.commit()
    db.session.rollback()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'x'",
        "UPDATE audit_event SET actor_id = NULL",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE action = 'client.view'",
    ],
)
def test_the_database_refuses_raw_changes(event, statement):
    before = _snapshot()
    assert before
    with db.engine.connect() as conn, pytest.raises(sa.exc.DatabaseError) as raised:
        conn.execute(text(statement))
        conn.commit()
    assert "append-only" in str(raised.value)
    assert _snapshot() == before


def test_the_database_refuses_raw_changes_through_the_app_session_too(event):
    before = _snapshot()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(text("UPDATE audit_event SET detail = 'rewritten'"))
        db.session.commit()
    db.session.rollback()
    assert _snapshot() == before


def test_postgres_refuses_truncate(event):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    before = _snapshot()
    with db.engine.connect() as conn, pytest.raises(sa.exc.DatabaseError):
        conn.execute(text("TRUNCATE audit_event"))
        conn.commit()
    assert _snapshot() == before


def test_appending_still_works(event):
    with db.engine.connect() as conn:
        conn.execute(
            text("INSERT INTO audit_event (occurred_at, action, detail) VALUES (:at, 'x', '')"),
            {"at": event.occurred_at},
        )
        conn.commit()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2


def test_viewing_a_client_records_who_which_and_from_where_but_no_clinical_text(app, world):
    concerns = f"canary-{uuid.uuid4().hex} grief after the flood"
    record = factories.make_client(world.therapist_a, presenting_concerns=concerns)
    db.session.commit()
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    login(browser, world.therapist_a)

    page = browser.get(f"/clients/{record.id}")
    assert page.status_code == 200
    assert concerns in page.get_data(as_text=True)

    db.session.expire_all()
    (view,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.view"))
    assert view.actor_id == world.therapist_a.id
    assert view.client_id == record.id
    assert (view.record_type, view.record_id) == ("client", record.id)
    assert view.practice_id == world.practice.id
    assert view.ip_address == "203.0.113.77"
    assert view.occurred_at is not None
    stored = " ".join(str(value) for value in _snapshot()[-1])
    assert concerns.split()[0] not in stored
    assert "grief" not in stored
    assert record.legal_name not in stored


def test_a_refused_view_is_not_recorded_as_a_view(app, world):
    """Someone else's client is a 404, and no view of it is logged."""
    browser = app.test_client()
    login(browser, world.therapist_b)
    assert browser.get(f"/clients/{world.client_a.id}").status_code == 404
    db.session.expire_all()
    views = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "client.view", AuditEvent.client_id == world.client_a.id
        )
    ).all()
    assert views == []
