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
    '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
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


# --- the document parser -----------------------------------------------------------------


def test_well_formed_documents_are_read_by_the_xml_parser_as_weasyprint_would():
    from weasyprint import HTML

    xhtml = DOCUMENT.replace("<body>", '<body><svg viewBox="0 0 2 2"><rect width="1"></rect></svg>')
    root = pdf.parse_xhtml(xhtml)
    ours = pdf._document(xhtml, None)
    theirs = HTML(string=xhtml, base_url=pdf.BASE_URL)

    assert root is not None
    # Bypassing HTML.__init__ must leave the document as WeasyPrint's own would be.
    assert set(vars(ours)) == set(vars(theirs))
    assert ours.base_url == theirs.base_url == pdf.BASE_URL
    assert [e.tag for e in root.iter()] == [e.tag for e in theirs.etree_element.iter()]
    assert page_texts(pdf.render_in_process(xhtml)[0]) == page_texts(
        pdf.render_in_process(xhtml.replace("<!DOCTYPE html>", "<!doctype html>"))[0]
    )


@pytest.mark.parametrize(
    "document",
    [
        "<p>Not a whole document</p>",
        '<!doctype html><html lang="en"><body><p>Unclosed<br></p></body></html>',
        '<!DOCTYPE html><html lang="en"><body>&nbsp;</body></html>',
        '<!DOCTYPE html [<!ENTITY a "aaaa">]><html lang="en"><body>&a;</body></html>',
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>',
        '<!DOCTYPE html><html lang="en"><body>\x0b</body></html>',
    ],
)
def test_other_documents_go_to_weasyprints_own_parser(document):
    assert pdf.parse_xhtml(document) is None
    content, pages = pdf.render_in_process(document)
    assert content.startswith(b"%PDF") and pages == 1
