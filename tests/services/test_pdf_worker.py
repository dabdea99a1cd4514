"""The rendering processes: the stylesheet a document names, the fonts they share, a
clean exit, and their replacement after a number of documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.report_helpers import page_texts
from tracker.printing import pdf

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = (
    '<!doctype html><html lang="en"><head><title>t</title></head>'
    "<body><h1>Heading</h1><p>Body <b>bold</b></p></body></html>"
)


def font_names(content: bytes) -> set[str]:
    import io

    with pikepdf.open(io.BytesIO(content)) as document:
        return {
            str(font.get("/BaseFont"))
            for page in document.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }


def test_a_named_stylesheet_applies_its_bundled_fonts(caplog):
    styled, pages = pdf.render_in_process(DOCUMENT, "css/report.css")
    plain, _ = pdf.render_in_process(DOCUMENT)

    assert pages == 1
    assert page_texts(plain) == ["Heading\nBody bold"]
    assert page_texts(styled)[0].startswith("Heading\nBody bold")  # and the page footer
    # The bundled faces, not the system's (their URLs resolve against the stylesheet's).
    assert {name.split("+")[-1] for name in font_names(styled)} == {
        "Report-Sans",
        "Report-Sans-Bold",
    }
    assert "cannot be loaded" not in caplog.text
    # Again with the fonts the process already holds: the same faces.
    assert font_names(pdf.render_in_process(DOCUMENT, "css/report.css")[0]) == font_names(styled)


def test_only_bundled_stylesheets_can_be_named():
    with pytest.raises(KeyError):
        pdf.render_in_process(DOCUMENT, "../../etc/passwd")


def test_a_process_that_rendered_exits_cleanly():
    # The shared font configuration is let go before the interpreter's final clean-up,
    # which would otherwise crash the process on the way out (exit code -11).
    script = (
        "from tracker.printing import pdf\n"
        f"pdf.render_in_process({DOCUMENT!r}, 'css/report.css')\n"
        f"pdf.render_in_process({DOCUMENT!r}, 'css/safety_plan.css')\n"
    )

    finished = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=300
    )

    assert finished.returncode == 0, finished.stderr.decode()[-2000:]


def test_workers_are_replaced_after_a_number_of_documents(monkeypatch):
    monkeypatch.setattr(pdf, "TASKS_PER_WORKER", 2)
    pool = pdf.RenderPool(workers=1, memory_mb=1024, cpu_seconds=120, timeout=120.0)
    seen = set()
    try:
        for _ in range(4):
            content, pages = pool.render(DOCUMENT, "css/report.css")
            assert content.startswith(b"%PDF") and pages == 1
            seen |= {process.pid for process in pool._executor._processes.values()}
    finally:
        pool.shutdown()

    assert len(seen) >= 2
