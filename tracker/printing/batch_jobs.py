"""The report-batch worker: print every client of a batch into one encrypted ZIP.

Started by ``tracker.printing.batches.start_report_batch``. The embedded default runs a
batch in a thread of the web process (its own app context and database session). With
``REDIS_URL`` set, the batch is queued on RQ (``REPORT_QUEUE``, default ``reports``) as
``tracker.printing.batch_jobs.run_report_batch`` and run by ``rq worker`` processes::

    rq worker --url "$REDIS_URL" reports

A worker builds its own app with ``create_app()`` from the environment, so it needs the
web app's ``DATABASE_URL``, ``TRACKER_DATA_KEYS`` (or the same ``instance/`` folder)
and ``TRACKER_INSTANCE_PATH``: the finished ZIP is written there for the web app to
serve. No view imports this module (an import contract in ``.importlinter`` holds).

Either way the run commits after each client, so the status page can show progress,
and a client whose report cannot be produced is listed (by client number) in the
ZIP's README.txt while the batch goes on. Logs carry batch and client ids and
exception class names only: a database error's message can quote clinical text.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, render_template
from flask_babel import force_locale

from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.models import Client, ReportBatch, User
from tracker.printing import pdf
from tracker.printing import reports as report_printing
from tracker.services import audit as audit_service
from tracker.services import clients as client_service
from tracker.services import report_batches as batch_service
from tracker.settings import user_locale

log = logging.getLogger(__name__)


@dataclass
class ZipAssembly:
    """The ZIP being built in memory: one PDF per client, README.txt last."""

    buffer: io.BytesIO = field(default_factory=io.BytesIO)
    produced: list[str] = field(default_factory=list)  # client numbers
    failed: list[str] = field(default_factory=list)  # client numbers

    def __post_init__(self) -> None:
        self._zip = zipfile.ZipFile(self.buffer, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, client_id: int, rendered: report_printing.Rendered) -> None:
        # Member names carry the client number and month only (rules.download_name).
        self._zip.writestr(rendered.filename, rendered.pdf)
        self.produced.append(rules.client_number(client_id))

    def fail(self, client_id: int) -> None:
        self.failed.append(rules.client_number(client_id))

    def close(self, readme: str) -> bytes:
        self._zip.writestr("README.txt", readme)
        self._zip.close()
        return self.buffer.getvalue()


def readme(batch: ReportBatch, assembly: ZipAssembly, today: date) -> str:
    """README.txt of the ZIP: period, counts and the client numbers that failed."""
    return render_template(
        "reports/batch_readme.txt",
        batch=batch,
        produced=assembly.produced,
        failed=assembly.failed,
        today=today,
    )


def run_in_thread(app: Flask, batch_id: int) -> None:
    """Run one batch in a thread of the web process (the embedded default)."""
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
    assembly = ZipAssembly()
    for client_id in client_ids:
        failed = not _print_one(batch, actor, client_id, today, assembly)
        batch_service.record_progress(batch, failed=failed)
        db.session.commit()
        # Let go of this client's records: a large caseload must not pile up in memory.
        db.session.expunge_all()
        batch, actor = db.session.get(ReportBatch, batch_id), db.session.get(User, actor_id)
    batch_service.finish(batch, assembly.close(readme(batch, assembly, today)))
    db.session.commit()
    log.info("report batch %s done: %s failed of %s", batch.id, batch.failed, batch.total)


def _print_one(
    batch: ReportBatch,
    actor: User,
    client_id: int,
    today: date,
    assembly: ZipAssembly,
) -> bool:
    """One client's report into the ZIP (recorded and audited); False when it failed."""
    try:
        client = db.session.get(Client, client_id)
        rendered = report_printing.generate(
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
