"""Responses the blueprints send as files: PDFs and ZIPs to download.

One place for the ``Content-Disposition`` header, so every download is an attachment
with a neutral file name (client numbers and dates only, see ``domain.reports``), and
for the recorded download of a stored file: a file that is gone is a 410, a file that
is sent is audited first.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from tracker.domain import reports as rules
from tracker.models import Report
from tracker.printing import reports as report_printing
from tracker.web import audit_fields, record_view

PDF = "application/pdf"
ZIP = "application/zip"


def attachment(content: bytes, filename: str, mimetype: str) -> Response:
    """``content`` as a file to save under ``filename`` (never shown inline)."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF to download."""
    return attachment(content, filename, PDF)


def recorded_download(
    content: bytes | None, filename: str, action: str, *, mimetype: str = PDF, **fields: Any
) -> Response:
    """Send a stored file, audited as ``action`` with ``fields`` and committed; a file no
    longer stored (purged, or its cache lost) is 410 Gone."""
    if content is None:
        abort(410)
    record_view(action, **fields)
    return attachment(content, filename, mimetype)


def report_download(report: Report) -> Response:
    """A printed report's PDF (from the encrypted cache), recorded as ``report.download``."""
    period = rules.Period(report.period_start, report.period_end)
    return recorded_download(
        report_printing.stored_pdf(report),
        rules.download_name(report.kind, report.client_id, period),
        "report.download",
        **audit_fields(report, report.client_id),
    )
