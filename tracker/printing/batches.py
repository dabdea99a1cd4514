"""Starting a report batch, without importing the worker that runs it.

The worker (``tracker.printing.batch_jobs``) builds its own app with ``create_app()``
when RQ runs it, so no view may import it: the batch is queued by the job's dotted
name, and the embedded default (a thread of the web process) looks the worker up by
name too, as RQ does.
"""

from __future__ import annotations

import importlib
import logging
import threading

from flask import current_app

from tracker import job_queue
from tracker.job_queue import QueueUnavailable
from tracker.models import ReportBatch

__all__ = ["QueueUnavailable", "start_report_batch"]

log = logging.getLogger(__name__)

WORKER = "tracker.printing.batch_jobs"


def start_report_batch(batch: ReportBatch) -> None:
    """Start a committed batch on its back end (raises ``QueueUnavailable``)."""
    app = current_app._get_current_object()
    if batch.backend == job_queue.RQ:
        try:
            job_queue.enqueue(
                app.config,
                app.config["REPORT_QUEUE"],
                f"{WORKER}.run_report_batch",
                batch.id,
                job_timeout=app.config["REPORT_BATCH_TIMEOUT"],
                description=f"report batch {batch.id}",
            )
        except QueueUnavailable as exc:
            log.warning("report batch %s: queue unavailable (%s)", batch.id, exc)
            raise
        return
    worker = importlib.import_module(WORKER)
    threading.Thread(
        target=worker.run_in_thread, args=(app, batch.id), name=f"report-batch-{batch.id}"
    ).start()
