"""Report batches: the clinical reports of all of a therapist's active clients (primary
or care team) as one encrypted ZIP.

This module creates and reads batches, decides each client's report, and assembles and
stores the ZIP. Running a batch (a thread in the web process, or an RQ job) is
``tracker/jobs.py``: it commits progress after each client, as services never do.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from tracker.crypto import field_cipher
from tracker.domain import reports as rules
from tracker.domain.clock import utc_to_local
from tracker.domain.policy import can_read_report_batch
from tracker.extensions import db
from tracker.models import Client, Practice, ReportBatch, User
from tracker.models.base import utcnow
from tracker.services import NotFound
from tracker.services import clients as client_service
from tracker.services import reports as report_service


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
    actor: User, period: rules.Period, *, whole_course: bool, backend: str
) -> ReportBatch:
    """A queued batch over the actor's active clients (counted now, listed again when
    it runs)."""
    batch = ReportBatch(
        requested_by_id=actor.id,
        period_start=period.start,
        period_end=period.end,
        whole_course=whole_course,
        backend=backend,
        status=rules.BATCH_QUEUED,
        total=len(client_service.active_caseload_ids(actor)),
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


@dataclass
class ZipAssembly:
    """The ZIP being built in memory: one PDF per client, README.txt last."""

    buffer: io.BytesIO = field(default_factory=io.BytesIO)
    produced: list[str] = field(default_factory=list)  # client numbers
    failed: list[str] = field(default_factory=list)  # client numbers

    def __post_init__(self) -> None:
        self._zip = zipfile.ZipFile(self.buffer, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, client_id: int, rendered: report_service.Rendered) -> None:
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


def _batch_dir() -> Path:
    path = Path(current_app.instance_path) / "report-batches"
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
