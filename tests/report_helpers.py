"""Helpers for the report tests: an app of its own for module-scoped fixtures (a PDF
takes a second or more to render, so one module renders its reports once), and ways to
read what a PDF really says."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
from flask import Flask
from pypdf import PdfReader

from tests.conftest import DatabaseTemplate, IsolatedClient, _empty_postgres
from tracker import create_app
from tracker.extensions import db


@contextmanager
def standalone_app(template: DatabaseTemplate, folder: Path) -> Iterator[Flask]:
    """A migrated database and an app with a pushed context, for a module fixture.

    Use it only while building plain data (PDF bytes, texts, ids) and leave before the
    tests run: on PostgreSQL the rows are deleted on the way out, so the per-test
    ``app`` fixture starts from an empty schema as usual.
    """
    if template.kind == "sqlite":
        target = folder / "tracker.sqlite3"
        shutil.copyfile(template.location, target)
        url = f"sqlite:///{target}"
    else:
        url = template.location
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if template.kind == "postgresql":
            _empty_postgres(url)


def page_texts(content: bytes) -> list[str]:
    """The text of each page, as a reader's copy-and-paste would give it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def squash(text: str) -> str:
    """Text without any white space: line breaks in a PDF fall where they fall."""
    return re.sub(r"\s+", "", text)


def _loose(text: str) -> str:
    return re.sub(r"[\s·()]+", "", text)


def shows(text: str, phrase: str) -> bool:
    """Whether ``phrase`` appears in ``text``, whatever the line breaks, and ignoring
    the typographic separators (``·``, parentheses) that layouts add or drop."""
    return _loose(phrase) in _loose(text)


def decoded_streams(content: bytes) -> bytes:
    """The PDF's raw bytes followed by every stream decoded (content streams are
    compressed, so a search of the raw file alone would find nothing anyway)."""
    parts = [content]
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
    return b"\n".join(parts)


def embedded_files(content: bytes) -> list[str]:
    """Names of files attached to the PDF (the attachments API and the Names tree)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        names = list(pdf.attachments)
        tree = pdf.Root.get("/Names")
        if tree is not None and "/EmbeddedFiles" in tree:
            names.append("/Names/EmbeddedFiles")
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") == "/FileAttachment":
                    names.append("/FileAttachment annotation")
        return names


def link_targets(content: bytes) -> list[str]:
    """The URIs of link annotations on any page."""
    targets = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and "/URI" in action:
                    targets.append(str(action.URI))
    return targets


# The elements static/css/print_ua.css knows (block, hidden, bold, line break; span and
# SVG need no defaults). A template using another one: add its defaults there, then here.
PRINT_UA_ELEMENTS = {
    *("html", "head", "meta", "title", "style", "link", "body", "header", "footer"),
    *("section", "div", "p", "h1", "h2", "h3", "h4", "b", "strong", "br", "span", "svg"),
}


def html_elements(html: str) -> set[str]:
    """The HTML elements of a print document (SVG's own elements left out)."""
    from tracker.printing import pdf

    root = pdf.parse_xhtml(html)
    return {e.tag for e in root.iter() if not e.tag.startswith(pdf.SVG_NAMESPACE)} | (
        {"svg"} if root.find(f".//{pdf.SVG_NAMESPACE}svg") is not None else set()
    )
