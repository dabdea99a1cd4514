"""Report batches: every active client's clinical report in one ZIP, with progress.

The thread back end (the embedded default) runs end to end through the web pages; the
RQ back end runs against a real Redis (``TEST_REDIS_URL``) and a real ``rq worker
--burst`` process, which builds its own app from the environment as in production.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import factories
from tests.factories import post_form
from tests.session_factories import at, make_session
from tests.web.pages import field_error, text
from tracker import PROJECT_ROOT
from tracker.domain import reports as rules
from tracker.domain.policy import CareTeamRole, Role
from tracker.extensions import db
from tracker.models import AuditEvent, CareTeamMember, Report, ReportBatch
from tracker.printing import reports as report_printing
from tracker.printing.pdf import RenderError
from tracker.services import report_batches as batch_service

PAGE = "/reports/batches"
WAIT_SECONDS = 120


@pytest.fixture
def app_config(request) -> dict:
    return getattr(request, "param", {})


def last_month() -> rules.Period:
    return rules.last_calendar_month(factories.today_utc())


def caseload(world: factories.World) -> dict[str, int]:
    """Therapist A's clients: two active (one primary, one on the care team), one
    paused, one discharged; therapist B's own client stays out of A's batch."""
    shared = factories.make_client(world.therapist_b, preferred_name="Noor")
    db.session.add(
        CareTeamMember(
            client_id=shared.id,
            user_id=world.therapist_a.id,
            role=CareTeamRole.CO_THERAPIST,
            added_by_id=world.therapist_b.id,
        )
    )
    paused = factories.make_client(world.therapist_a, preferred_name="Pia", status="paused")
    gone = factories.make_client(world.therapist_a, preferred_name="Dov", status="discharged")
    in_month = last_month().start + timedelta(days=3)
    make_session(world.client_a, starts_at=at(in_month), phase="integration", summary="Calm.")
    db.session.commit()
    return {
        "primary": world.client_a.id,
        "care_team": shared.id,
        "paused": paused.id,
        "discharged": gone.id,
        "other_therapist": world.client_b.id,
    }


def start_batch(browser: FlaskClient, **data: str):
    return post_form(browser, PAGE, {"period": "last_month", **data})


def batch_url(response) -> str:
    assert response.status_code == 302, response.status_code
    assert re.fullmatch(r"/reports/batches/\d+", response.location), response.location
    return response.location


def wait_until_finished(browser: FlaskClient, url: str) -> str:
    """Poll the status page as a browser would, until it stops refreshing itself."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        page = text(browser.get(url))
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.2)
    pytest.fail(f"the batch at {url} did not finish in {WAIT_SECONDS} s")


def open_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_batch_prints_every_active_client_into_one_zip(app, world, login):
    ids = caseload(world)
    browser = app.test_client()
    login(browser, world.therapist_a)

    url = batch_url(start_batch(browser))
    page = wait_until_finished(browser, url)

    assert "Ready" in page
    assert "2 of 2 reports" in page
    assert re.search(r'<progress id="batch-progress" value="2" max="2">', page)
    download = browser.get(f"{url}/download")
    month = last_month().end.strftime("%Y-%m")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="progress-reports-{month}.pdf.zip"'
    )
    archive = open_zip(download)
    expected = {
        f"progress-{rules.client_number(ids['primary'])}-{month}.pdf",
        f"progress-{rules.client_number(ids['care_team'])}-{month}.pdf",
    }
    assert set(archive.namelist()) == expected | {"README.txt"}
    for name in expected:
        number = name.split("-")[1]
        content = pdf_text(archive.read(name))
        assert "Clinical progress summary" in content
        assert number in content
    # The primary client's report holds the session of last month.
    own = pdf_text(archive.read(f"progress-{rules.client_number(ids['primary'])}-{month}.pdf"))
    assert "Calm." in own
    readme = archive.read("README.txt").decode()
    assert "2 of 2 active clients" in readme
    assert last_month().start.isoformat() in readme
    # Inactive clients and other therapists' clients are not in it, by number or name.
    for key in ("paused", "discharged", "other_therapist"):
        assert rules.client_number(ids[key]) not in " ".join(archive.namelist()) + readme
    for name in ("Cora", "Noor", "Pia", "Dov", "Cole"):
        assert name not in " ".join(archive.namelist()) + readme

    db.session.expire_all()
    reports = db.session.scalars(select(Report)).all()
    assert sorted(r.client_id for r in reports) == sorted([ids["primary"], ids["care_team"]])
    assert {(r.kind, r.period_start, r.period_end) for r in reports} == {
        (rules.CLINICAL, last_month().start, last_month().end)
    }
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("report_batch.create") == 1
    assert actions.count("report.generate") == 2
    assert actions.count("report_batch.download") == 1


def test_another_therapist_cannot_see_or_download_the_batch(app, world, login):
    caseload(world)
    owner = app.test_client()
    login(owner, world.therapist_a)
    url = batch_url(start_batch(owner))
    wait_until_finished(owner, url)

    other = app.test_client()
    login(other, world.therapist_b)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/download").status_code == 404
    assert url not in text(other.get(PAGE))
    admin = app.test_client()
    login(admin, world.admin)
    assert admin.get(f"{url}/download").status_code == 404


def test_a_client_that_fails_to_render_is_listed_and_the_batch_finishes(
    app, world, login, monkeypatch
):
    ids = caseload(world)
    real_generate = report_printing.generate

    def generate(client, request, actor, today):
        if client.id == ids["care_team"]:
            raise RenderError("rendering took too long")
        return real_generate(client, request, actor, today)

    monkeypatch.setattr(report_printing, "generate", generate)
    browser = app.test_client()
    login(browser, world.therapist_a)

    url = batch_url(start_batch(browser))
    page = wait_until_finished(browser, url)

    assert "Ready" in page
    assert "1 report could not be produced" in page
    archive = open_zip(browser.get(f"{url}/download"))
    month = last_month().end.strftime("%Y-%m")
    assert archive.namelist() == [
        f"progress-{rules.client_number(ids['primary'])}-{month}.pdf",
        "README.txt",
    ]
    readme = archive.read("README.txt").decode()
    assert "1 of 2 active clients" in readme
    assert rules.client_number(ids["care_team"]) in readme
    assert "Noor" not in readme
    db.session.expire_all()
    batch = db.session.scalar(select(ReportBatch))
    assert (batch.status, batch.done, batch.failed, batch.total) == ("done", 2, 1, 2)
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_course_to_date_gives_each_client_their_own_period(app, world, login):
    ids = caseload(world)
    world.client_a.course_start_date = date(2025, 3, 1)
    db.session.commit()
    browser = app.test_client()
    login(browser, world.therapist_a)

    url = batch_url(start_batch(browser, period="course"))
    wait_until_finished(browser, url)

    db.session.expire_all()
    periods = dict(db.session.execute(select(Report.client_id, Report.period_start)).tuples().all())
    assert periods[ids["primary"]] == date(2025, 3, 1)
    assert periods[ids["care_team"]] == factories.today_utc()  # nothing recorded yet


def test_the_status_page_refreshes_only_while_the_batch_runs(app, world, login):
    caseload(world)
    period = last_month()
    batch = batch_service.create_batch(
        world.therapist_a, period, whole_course=False, backend="thread"
    )
    batch.status, batch.done = rules.BATCH_RUNNING, 1
    db.session.commit()
    browser = app.test_client()
    login(browser, world.therapist_a)
    url = f"/reports/batches/{batch.id}"

    running = text(browser.get(url))
    assert '<meta http-equiv="refresh" content="2">' in running
    assert '<progress id="batch-progress" value="1" max="2">' in running
    assert "<script" not in running
    # Downloading before the end leads back to the progress page.
    early = browser.get(f"{url}/download")
    assert (early.status_code, early.location) == (302, url)

    batch_service.finish(batch, b"PK\x05\x06" + b"\0" * 18)
    batch.done = 2
    db.session.commit()
    finished = text(browser.get(url))
    assert 'http-equiv="refresh"' not in finished
    assert f'href="{url}/download"' in finished


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "period", "This field is required."),
        (
            {"period": "custom", "period_start": "2026-05-01"},
            "period_end",
            "Give both dates of the period.",
        ),
        (
            {"period": "custom", "period_start": "2026-05-01", "period_end": "2026-04-01"},
            "period_end",
            "The end of the period is before its start.",
        ),
    ],
)
def test_a_batch_needs_a_valid_period(app, world, login, data, field, message):
    caseload(world)
    browser = app.test_client()
    login(browser, world.therapist_a)

    response = post_form(browser, PAGE, data)

    assert response.status_code == 400
    page = text(response)
    if field == "period":
        assert message in page
    else:
        assert field_error(page, field) == message
    assert db.session.scalar(select(func.count(ReportBatch.id))) == 0


def test_no_batch_without_active_clients(app, world, login):
    therapist = factories.make_user(world.practice, Role.THERAPIST)
    db.session.commit()
    browser = app.test_client()
    login(browser, therapist)

    response = start_batch(browser)

    assert response.status_code == 400
    assert "You have no active clients" in text(response)
    assert db.session.scalar(select(func.count(ReportBatch.id))) == 0


def test_the_start_page_counts_active_clients_and_offers_last_month(app, world, login):
    caseload(world)
    browser = app.test_client()
    login(browser, world.therapist_a)

    page = text(browser.get(PAGE))

    assert "your 2 active clients" in page
    period = last_month()
    assert f"Last calendar month ({period.start.isoformat()} – {period.end.isoformat()})" in page
    assert re.search(r'<input checked id="period-0"[^>]*value="last_month"', page)


# --- RQ back end -----------------------------------------------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
QUEUE = f"reports-test-{uuid.uuid4().hex[:12]}"  # per test process: parallel runs never mix


@pytest.fixture
def redis_queue():
    """The test queue on TEST_REDIS_URL; skipped without it, failing if unreachable."""
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: the RQ back end needs a Redis server")
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError as exc:
        pytest.fail(f"TEST_REDIS_URL is set but Redis does not answer: {exc}")
    queue = Queue(QUEUE, connection=connection)
    yield queue
    queue.delete(delete_jobs=True)
    connection.close()


def run_burst_worker(app, database_url: str) -> subprocess.CompletedProcess:
    """A real ``rq worker --burst`` in its own process, configured like production: the
    database and instance folder from the environment."""
    env = {
        **os.environ,
        "TRACKER_ENV": "testing",
        "DATABASE_URL": database_url,
        "TRACKER_INSTANCE_PATH": app.instance_path,
    }
    rq = Path(sys.executable).parent / "rq"  # the one installed next to this Python
    command = [str(rq), "worker", "--burst", "--url", REDIS_URL, QUEUE]
    return subprocess.run(  # noqa: S603 - a fixed command line
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=WAIT_SECONDS
    )


@pytest.mark.parametrize(
    "app_config", [{"REDIS_URL": REDIS_URL, "REPORT_QUEUE": QUEUE}], indirect=True
)
def test_with_redis_the_batch_runs_on_an_rq_worker(app, world, login, redis_queue, database_url):
    ids = caseload(world)
    browser = app.test_client()
    login(browser, world.therapist_a)

    url = batch_url(start_batch(browser))
    waiting = text(browser.get(url))
    assert "Waiting for a report worker" in waiting
    assert redis_queue.count == 1
    db.session.expire_all()
    assert db.session.scalar(select(ReportBatch.backend)) == "rq"

    worker = run_burst_worker(app, database_url)

    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "Cora" not in worker.stdout + worker.stderr  # ids only in the worker's log
    page = wait_until_finished(browser, url)
    assert "Ready" in page
    archive = open_zip(browser.get(f"{url}/download"))
    month = last_month().end.strftime("%Y-%m")
    assert sorted(archive.namelist()) == sorted(
        [
            f"progress-{rules.client_number(ids['primary'])}-{month}.pdf",
            f"progress-{rules.client_number(ids['care_team'])}-{month}.pdf",
            "README.txt",
        ]
    )
    content = pdf_text(archive.read(f"progress-{rules.client_number(ids['primary'])}-{month}.pdf"))
    assert rules.client_number(ids["primary"]) in content


@pytest.mark.parametrize(
    "app_config",
    [{"REDIS_URL": "redis://127.0.0.1:9/0", "REPORT_QUEUE": QUEUE}],
    indirect=True,
)
def test_an_unreachable_queue_is_said_plainly(app, world, login):
    caseload(world)
    browser = app.test_client()
    login(browser, world.therapist_a)

    response = start_batch(browser)

    assert response.status_code == 503
    assert "The report queue is not reachable" in text(response)
    db.session.expire_all()
    assert db.session.scalar(select(ReportBatch.status)) == "failed"


def test_purge_expired_deletes_old_zips_only(app, world, login):
    caseload(world)
    period = last_month()
    old, recent = (
        batch_service.create_batch(world.therapist_a, period, whole_course=False, backend="thread")
        for _ in range(2)
    )
    for batch in (old, recent):
        batch_service.finish(batch, b"PK\x05\x06" + b"\0" * 18)
    old.finished_at -= timedelta(days=8)
    db.session.commit()
    old_file = Path(app.instance_path) / "report-batches" / f"{old.file_key}.zip.enc"
    assert old_file.exists()

    result = app.test_cli_runner().invoke(args=["purge-expired"])

    assert result.exit_code == 0, result.output
    assert "1 old report batch ZIPs" in result.output
    assert not old_file.exists()
    browser = app.test_client()
    login(browser, world.therapist_a)
    assert browser.get(f"/reports/batches/{old.id}/download").status_code == 410
    assert "no longer kept" in text(browser.get(f"/reports/batches/{old.id}"))
    assert browser.get(f"/reports/batches/{recent.id}/download").status_code == 200
