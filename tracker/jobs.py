"""Background work: report batches, and outbox delivery after a commit.

The embedded default runs a batch in a thread of the web process (its own app context
and database session). With ``REDIS_URL`` set, the batch is queued on RQ
(``REPORT_QUEUE``, default ``reports``) and run by ``rq worker`` processes::

    rq worker --url "$REDIS_URL" reports

A worker builds its own app with ``create_app()`` from the environment, so it needs the
web app's ``DATABASE_URL``, ``TRACKER_DATA_KEYS`` (or the same ``instance/`` folder)
and ``TRACKER_INSTANCE_PATH``: the finished ZIP is written there for the web app to
serve.

With ``REDIS_URL`` set, a commit that wrote outbox messages also queues a delivery job
(``OUTBOX_QUEUE``, default ``outbox``; ``rq worker --url "$REDIS_URL" reports outbox``)
so alerts and invitations leave within seconds. The job only hurries delivery along:
``flask --app tracker send-outbox`` on a timer is what escalates alerts and retries,
with or without Redis (see ``tracker/delivery.py``).

Either way the run commits after each client, so the status page can show progress,
and a client whose report cannot be produced is listed (by client number) in the
ZIP's README.txt while the batch goes on. Logs carry batch and client ids and
exception class names only: a database error's message can quote clinical text.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker import pdf
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.models import Client, ReportBatch, User
from tracker.services import audit as audit_service
from tracker.services import clients as client_service
from tracker.services import outbox as outbox_service
from tracker.services import report_batches as batch_service
from tracker.services import reports as report_service
from tracker.settings import user_locale

log = logging.getLogger(__name__)

THREAD = "thread"
RQ = "rq"


class QueueUnavailable(RuntimeError):
    """The job queue (Redis) could not take the batch."""


def backend_for(config) -> str:
    """RQ when Redis is configured, else a thread of this process."""
    return RQ if config.get("REDIS_URL") else THREAD


def start_report_batch(batch: ReportBatch) -> None:
    """Start a committed batch on its back end (raises QueueUnavailable)."""
    app = current_app._get_current_object()
    if batch.backend == RQ:
        _enqueue(app, batch.id)
        return
    threading.Thread(
        target=_run_in_thread, args=(app, batch.id), name=f"report-batch-{batch.id}"
    ).start()


def _enqueue(app: Flask, batch_id: int) -> None:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    try:
        Queue(app.config["REPORT_QUEUE"], connection=connection).enqueue(
            run_report_batch,
            batch_id,
            job_timeout=app.config["REPORT_BATCH_TIMEOUT"],
            description=f"report batch {batch_id}",
        )
    except RedisError as exc:
        log.warning("report batch %s: queue unavailable (%s)", batch_id, type(exc).__name__)
        raise QueueUnavailable from None
    finally:
        connection.close()


def _run_in_thread(app: Flask, batch_id: int) -> None:
    with app.app_context():
        try:
            run_batch(batch_id)
        finally:
            db.session.remove()


def run_report_batch(batch_id: int) -> None:
    """RQ job: run one batch in an app of its own, then stop the rendering processes
    (a forked work horse would otherwise leave them behind)."""
    from tracker import create_app

    app = create_app()
    try:
        with app.app_context():
            try:
                run_batch(batch_id)
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        pdf.shutdown_all()


def run_batch(batch_id: int) -> None:
    """Print every client of a queued batch (needs an app context). Never raises: a
    run that breaks marks the batch failed."""
    batch = db.session.get(ReportBatch, batch_id)
    if batch is None or batch.status != rules.BATCH_QUEUED:
        log.warning("report batch %s: not queued, not run", batch_id)
        return
    actor = db.session.get(User, batch.requested_by_id)
    try:
        with force_locale(user_locale(actor)):
            _print_all(batch, actor)
    except Exception as exc:
        db.session.rollback()
        log.error("report batch %s stopped (%s)", batch_id, type(exc).__name__)
        batch_service.mark_failed(db.session.get(ReportBatch, batch_id))
        db.session.commit()


def _print_all(batch: ReportBatch, actor: User) -> None:
    batch_id, actor_id = batch.id, actor.id
    client_ids = client_service.active_caseload_ids(actor)
    batch_service.begin(batch, client_ids)
    db.session.commit()
    today = batch_service.practice_today(actor)
    assembly = batch_service.ZipAssembly()
    for client_id in client_ids:
        failed = not _print_one(batch, actor, client_id, today, assembly)
        batch_service.record_progress(batch, failed=failed)
        db.session.commit()
        # Let go of this client's records: a large caseload must not pile up in memory.
        db.session.expunge_all()
        batch, actor = db.session.get(ReportBatch, batch_id), db.session.get(User, actor_id)
    batch_service.finish(batch, assembly.close(batch_service.readme(batch, assembly, today)))
    db.session.commit()
    log.info("report batch %s done: %s failed of %s", batch.id, batch.failed, batch.total)


def _print_one(
    batch: ReportBatch,
    actor: User,
    client_id: int,
    today: date,
    assembly: batch_service.ZipAssembly,
) -> bool:
    """One client's report into the ZIP (recorded and audited); False when it failed."""
    try:
        client = db.session.get(Client, client_id)
        rendered = report_service.generate(
            client, batch_service.request_for(batch, client), actor, today
        )
        audit_service.record(
            "report.generate",
            actor=actor,
            ip_address=None,
            record_type="report",
            record_id=rendered.report.id,
            client_id=client_id,
            detail=f"kind={rules.CLINICAL},cached={int(rendered.report.from_cache)},"
            f"batch={batch.id}",
        )
    except Exception as exc:  # one client must not stop everyone else's reports
        db.session.rollback()
        log.warning(
            "report batch %s: client %s not printed (%s)", batch.id, client_id, type(exc).__name__
        )
        assembly.fail(client_id)
        return False
    assembly.add(client_id, rendered)
    return True


# --- outbox delivery after a commit ----------------------------------------------------


def install_outbox_trigger() -> None:
    """Queue a delivery job after each commit that wrote outbox messages (RQ only)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if not session.info.pop(outbox_service.WROTE_MESSAGES, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if backend_for(app.config) == RQ:
        start_outbox_delivery(app)


def _after_rollback(session: Session) -> None:
    session.info.pop(outbox_service.WROTE_MESSAGES, None)


def start_outbox_delivery(app: Flask) -> bool:
    """Queue one delivery run on RQ; False (logged) when Redis cannot take it, in which
    case the next timed ``send-outbox`` delivers."""
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    try:
        Queue(app.config["OUTBOX_QUEUE"], connection=connection).enqueue(
            run_outbox_job, description="outbox delivery", job_timeout=600
        )
    except RedisError as exc:
        log.warning("outbox delivery not queued (%s): the timer will deliver", type(exc).__name__)
        return False
    finally:
        connection.close()
    return True


def run_outbox_job() -> None:
    """RQ job: one delivery run in an app of its own."""
    from tracker import create_app, delivery

    app = create_app()
    with app.app_context():
        try:
            report = delivery.run_once()
            log.info(
                "outbox run: sent %s, retry %s, failed %s",
                report.sent,
                report.retrying,
                report.failed,
            )
        finally:
            db.session.remove()
            db.engine.dispose()
