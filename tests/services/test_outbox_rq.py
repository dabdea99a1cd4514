"""The outbox delivered by a real ``rq worker`` (production with ``REDIS_URL``): the
commit that writes a message queues one delivery run, a worker process configured
from the environment sends it to a real SMTP server, and a second run sends nothing
again. Needs ``TEST_REDIS_URL`` (set by .ci/run); skipped without it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker import PROJECT_ROOT
from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.services import outbox

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
QUEUE = f"outbox-test-{uuid.uuid4().hex[:12]}"  # per test process: parallel runs never mix


@pytest.fixture
def app_config() -> dict:
    return {"REDIS_URL": REDIS_URL, "OUTBOX_QUEUE": QUEUE}


@pytest.fixture
def redis_queue():
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: the RQ delivery needs a Redis server")
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(REDIS_URL)
    connection.ping()
    queue = Queue(QUEUE, connection=connection)
    yield queue
    queue.delete(delete_jobs=True)
    connection.close()


def burst_worker(app, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TRACKER_ENV": "testing",
        "DATABASE_URL": database_url,
        "TRACKER_INSTANCE_PATH": app.instance_path,
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        "MAIL_USE_TLS": "false",
    }
    rq = Path(sys.executable).parent / "rq"
    return subprocess.run(  # noqa: S603 - a fixed command line
        [str(rq), "worker", "--burst", "--url", REDIS_URL, QUEUE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_real_worker_delivers_what_a_commit_wrote_once(
    app, world, redis_queue, smtp_server, database_url
):
    outbox.enqueue(
        practice_id=world.practice.id,
        to="tara@example.org",
        kind=rules.SAFETY_ALERT,
        locale="en",
        link="http://localhost/alerts/7",
    )
    db.session.commit()
    assert redis_queue.count == 1  # the commit queued one delivery run

    worker = burst_worker(app, database_url)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "tara@example.org" not in worker.stdout + worker.stderr  # no addresses logged
    (received,) = smtp_server.to("tara@example.org")
    assert "Something needs your attention" in received.subject
    db.session.expire_all()
    (message,) = db.session.scalars(sa.select(OutboxMessage))
    assert message.status == rules.SENT

    redis_queue.enqueue("tracker.delivery.run_outbox_job")  # a second run, e.g. a retry
    assert burst_worker(app, database_url).returncode == 0
    assert len(smtp_server.received) == 1  # never twice
