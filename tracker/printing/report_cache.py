"""The cache of printed reports: the encrypted PDFs, and the key that finds a reprint
without gathering the data or filling the template.

Two levels, both files under ``instance/reports/`` for now (issue 15 moves them into
the database; everything about the cache is in this module):

- **PDFs by content.** A PDF is stored once, encrypted, under the hash of its HTML
  (``<digest>.pdf.enc``); the ``Report`` rows name it by that hash.
- **Requests by key.** ``cache_key`` digests everything a printed report depends on:
  this module's format, the code that prints it (``code_version``: the app's Python
  code, templates, print stylesheets, fonts, compiled translations and WeasyPrint's
  version), the language, the request (kind, period, narrative, options), the signer,
  the day it is printed, and the stored rows it is built from
  (``services.reports.data_fingerprint``). ``keys/<key>`` holds the content hash and
  the page count of the PDF printed for that key.

A reprint computes the key (a fixed number of raw reads, no decryption), finds the
content hash and reads the PDF: no gathering, no template. A new addendum, a signed
session, a rating, a letterhead change, another language or a new version of the app
gives a new key, so the report is gathered and printed afresh.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from flask_babel import get_locale

from tracker.crypto import field_cipher
from tracker.models import Client, User
from tracker.services import reports as report_service
from tracker.settings import instance_path

# Bump when what a key means changes (what goes into it, or the layout of the files).
FORMAT = 1
_ROOT = Path(__file__).resolve().parents[2]
# What prints a report, beyond the data: any change here is a new ``code_version``.
_CODE = (
    ("tracker", "**/*.py"),
    ("templates", "**/*.html"),
    ("static/css", "*.css"),
    ("static/fonts", "*"),
    ("translations", "**/*.mo"),
)


@dataclass(frozen=True)
class Hit:
    digest: str
    pages: int
    pdf: bytes


def digest_of_files(paths: list[Path], root: Path) -> str:
    """A digest of the names and contents of ``paths`` (relative to ``root``)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_files() -> list[Path]:
    """The files, besides the data, that decide what a printed report looks like."""
    return [
        path
        for folder, pattern in _CODE
        for path in (_ROOT / folder).glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    ]


@cache
def code_version() -> str:
    """A digest of the code that prints a report (read once per process: a deployment
    starts new processes)."""
    import weasyprint

    return f"{digest_of_files(code_files(), _ROOT)}-weasyprint-{weasyprint.__version__}"


def cache_key(
    client: Client, request: report_service.ReportRequest, signer: User, today: date
) -> str:
    """The key of the PDF for this request, printed by ``signer`` on ``today`` in the
    current language; it changes with anything the printed report depends on."""
    parts = [
        FORMAT,
        code_version(),
        str(get_locale()),
        client.id,
        request.kind,
        request.period.start.isoformat(),
        request.period.end.isoformat(),
        request.narrative,
        request.include_measures,
        request.include_family,
        signer.id,
        today.isoformat(),
        report_service.data_fingerprint(client, request, signer),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _folder() -> Path:
    path = instance_path() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key_path(key: str) -> Path:
    folder = _folder() / "keys"
    folder.mkdir(exist_ok=True)
    return folder / key


def _write(path: Path, content: bytes) -> None:
    """Write ``path`` whole or not at all: through a temporary file of this writer's own
    (two requests storing the same report at once must not share one)."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as temporary:
        temporary.write(content)
    Path(temporary.name).replace(path)


def stored_pdf(digest: str) -> bytes | None:
    """The PDF stored under content hash ``digest``; ``None`` when there is none."""
    path = _folder() / f"{digest}.pdf.enc"
    if not path.exists():
        return None
    return field_cipher.decrypt_bytes(path.read_bytes())


def store_pdf(digest: str, content: bytes) -> None:
    """Store ``content`` encrypted under its content hash ``digest``."""
    _write(_folder() / f"{digest}.pdf.enc", field_cipher.encrypt_bytes(content))


def find(key: str) -> Hit | None:
    """The PDF printed for ``key``; ``None`` when there is none (or its file is gone)."""
    path = _key_path(key)
    if not path.exists():
        return None
    digest, pages = path.read_text().split()
    content = stored_pdf(digest)
    return None if content is None else Hit(digest, int(pages), content)


def remember(key: str, digest: str, pages: int) -> None:
    """Note that the PDF for ``key`` is the one stored under ``digest``."""
    _write(_key_path(key), f"{digest} {pages}".encode())
