"""Report batches: the clinical reports of all of a therapist's active clients (primary
or care team) as one encrypted ZIP.

This module creates and reads batches, decides each client's report, records progress
and stores the encrypted ZIP. Running a batch (a thread in the web process, or an RQ
job) and assembling the ZIP is ``tracker.printing.batch_jobs``: it commits progress
after each client, as services never do.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tracker import job_queue
from tracker.crypto import field_cipher
from tracker.domain import reports as rules
from tracker.domain.clock import utc_to_local
from tracker.domain.messages import Problem
from tracker.domain.policy import can_read_report_batch
from tracker.extensions import db
from tracker.models import Client, Practice, ReportBatch, User
from tracker.models.base import utcnow
from tracker.services import NotFound, Rejected
from tracker.services import clients as client_service
from tracker.services import reports as report_service
from tracker.settings import config, instance_path


def default_period(today: date) -> rules.Period:
    """The last calendar month.

    A batch is what a therapist prints at the start of a month for the monthly review,
    the supervisor or the payer: every client's report then covers the same, comparable
    window, and next month's batch does not repeat this one. The course to date, which a
    single client's report defaults to, stays one choice away on the form.
    """
    return rules.last_calendar_month(today)


def practice_today(user: User) -> date:
    """Today in the user's practice time zone (no request needed: jobs call it too)."""
    practice = db.session.get(Practice, user.practice_id)
    return utc_to_local(datetime.now(UTC), practice.timezone).date()


def create_batch(
    actor: User, period: rules.Period, *, whole_course: bool, backend: str | None = None
) -> ReportBatch:
    """A queued batch over the actor's active clients (counted now, listed again when
    it runs), on ``backend`` (default: RQ when Redis is configured, else a thread).

    Raises ``Rejected`` (on ``period``) when the actor has no active clients.
    """
    total = len(client_service.active_caseload_ids(actor))
    if not total:
        raise Rejected(Problem(rules.NO_ACTIVE_CLIENTS), field="period")
    batch = ReportBatch(
        requested_by_id=actor.id,
        period_start=period.start,
        period_end=period.end,
        whole_course=whole_course,
        backend=backend or job_queue.backend_for(config()),
        status=rules.BATCH_QUEUED,
        total=total,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def get_batch(actor: User, batch_id: int) -> ReportBatch:
    """The actor's own batch; anyone else's (or none) is NotFound."""
    batch = db.session.get(ReportBatch, batch_id)
    if batch is None or not can_read_report_batch(actor, batch):
        raise NotFound(batch_id)
    return batch


def recent_batches(actor: User, limit: int = 10) -> list[ReportBatch]:
    return list(
        db.session.scalars(
            select(ReportBatch)
            .where(ReportBatch.requested_by_id == actor.id)
            .order_by(ReportBatch.created_at.desc(), ReportBatch.id.desc())
            .limit(limit)
        )
    )


def begin(batch: ReportBatch, client_ids: list[int]) -> None:
    """Mark the batch as running over ``client_ids`` (the caseload as it is now)."""
    batch.status = rules.BATCH_RUNNING
    batch.total = len(client_ids)
    batch.done = 0
    batch.failed = 0
    db.session.flush()


def request_for(batch: ReportBatch, client: Client) -> report_service.ReportRequest:
    """The clinical report this batch prints for ``client``."""
    if batch.whole_course:
        period = report_service.default_period(client, batch.period_end)
    else:
        period = rules.Period(batch.period_start, batch.period_end)
    return report_service.ReportRequest(kind=rules.CLINICAL, period=period)


def _batch_dir() -> Path:
    path = instance_path() / "report-batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_zip(batch: ReportBatch, content: bytes) -> None:
    """Encrypt and keep the ZIP under a fresh random key (no id or name in the file name)."""
    key = secrets.token_hex(16)
    path = _batch_dir() / f"{key}.zip.enc"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(field_cipher.encrypt_bytes(content))
    temporary.replace(path)
    batch.file_key = key
    db.session.flush()


def stored_zip(batch: ReportBatch) -> bytes | None:
    if batch.status != rules.BATCH_DONE or not batch.file_key:
        return None
    path = _batch_dir() / f"{batch.file_key}.zip.enc"
    if not path.exists():
        return None
    return field_cipher.decrypt_bytes(path.read_bytes())


def record_progress(batch: ReportBatch, *, failed: bool) -> None:
    batch.done += 1
    if failed:
        batch.failed += 1
    db.session.flush()


def finish(batch: ReportBatch, content: bytes) -> None:
    store_zip(batch, content)
    batch.status = rules.BATCH_DONE
    batch.finished_at = utcnow()
    db.session.flush()


def purge_old_zips(lifetime: timedelta) -> int:
    """Delete the ZIPs of batches finished more than ``lifetime`` ago: a file with every
    client's report should not outlive its use. The batch row stays (it is the record);
    its download answers 410 from then on."""
    old = db.session.scalars(
        select(ReportBatch).where(
            ReportBatch.file_key.is_not(None), ReportBatch.finished_at < utcnow() - lifetime
        )
    ).all()
    for batch in old:
        (_batch_dir() / f"{batch.file_key}.zip.enc").unlink(missing_ok=True)
        batch.file_key = None
    db.session.flush()
    return len(old)


def mark_failed(batch: ReportBatch) -> None:
    batch.status = rules.BATCH_FAILED
    batch.finished_at = utcnow()
    db.session.flush()
