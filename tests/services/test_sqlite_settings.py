"""The embedded SQLite database runs with write-ahead logging, durable commits and
foreign keys enforced, on every connection the app opens."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from tracker.extensions import db
from tracker.models import Client

pytestmark = pytest.mark.sqlite_only

EXPECTED = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}  # 2 = FULL


def _pragmas(conn) -> dict[str, object]:
    return {name: conn.execute(text(f"PRAGMA {name}")).scalar_one() for name in EXPECTED}


def test_the_app_session_connection(app):
    assert db.engine.dialect.name == "sqlite"
    assert _pragmas(db.session.connection()) == EXPECTED


def test_every_pooled_connection(app):
    with db.engine.connect() as first, db.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        assert _pragmas(first) == EXPECTED
        assert _pragmas(second) == EXPECTED


def test_a_connection_opened_after_the_pool_was_emptied(app):
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as conn:
        assert _pragmas(conn) == EXPECTED


def test_connections_during_requests(app, client, world, login):
    seen: list[dict[str, object]] = []

    def record(dbapi_connection, connection_record, proxy) -> None:
        cursor = dbapi_connection.cursor()
        seen.append({name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in EXPECTED})
        cursor.close()

    login(client, world.therapist_a)
    sa.event.listen(db.engine, "checkout", record)
    try:
        db.engine.dispose()  # the request must open a fresh connection
        assert client.get("/clients").status_code == 200
    finally:
        sa.event.remove(db.engine, "checkout", record)
    assert seen
    assert all(values == EXPECTED for values in seen)


def test_foreign_keys_are_enforced(app, world):
    db.session.add(
        Client(
            practice_id=world.practice.id,
            primary_therapist_id=999_999,
            preferred_name="Orphan",
            legal_name="Orphan",
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
