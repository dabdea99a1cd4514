"""Behind a reverse proxy the app sees the caller's address, not the proxy's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import login
from tracker.extensions import db
from tracker.models import AuditEvent


@pytest.mark.parametrize(
    ("proxy_count", "expected"),
    [(0, "10.0.0.2"), (1, "203.0.113.9")],
    ids=["no proxy trusted", "one proxy trusted"],
)
def test_audit_records_the_forwarded_address_only_when_a_proxy_is_trusted(
    database_url, world, proxy_count, expected
):
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_COUNT": proxy_count})
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"})
    assert login(client, world.therapist_a).status_code == 302
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "auth.login")
            .order_by(AuditEvent.id.desc())
        )
        assert event.ip_address == expected
        db.session.remove()
        db.engine.dispose()
