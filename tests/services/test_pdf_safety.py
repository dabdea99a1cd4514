"""What a report PDF may load, embed and survive.

Text people typed (notes, narratives, journal entries, reflections, goal titles) is
escaped into the report, never rendered as HTML; and even raw HTML given to the renderer
cannot reach the network or the file system (the asset-only URL fetcher). A local
"canary" HTTP server counts every request: it must receive none. Pathological documents
end in ``RenderError`` with the worker replaced, and the web route answers 503.
"""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests import factories
from tests.report_helpers import (
    decoded_streams,
    embedded_files,
    link_targets,
    page_texts,
    shows,
    squash,
    standalone_app,
)
from tests.session_factories import at, make_session, sign
from tracker.extensions import db
from tracker.models import AuditEvent, Report
from tracker.printing import pdf

# --- the canary server and the secret file ----------------------------------------


class CanaryServer:
    """An HTTP server on a free local port that records the path of every request."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = b"p { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CanaryServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[CanaryServer]:
    with CanaryServer() as server:
        yield server


@dataclass(frozen=True)
class Secret:
    path: Path
    value: bytes


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Secret:
    value = f"SECRET{uuid.uuid4().hex}".encode()
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_bytes(value)
    return Secret(path, value)


def payloads(canary: CanaryServer, secret: Secret) -> list[str]:
    """Markup that would fetch, embed or link something if it were rendered as HTML."""
    return [
        '<img src="file:///etc/passwd">',
        f'<img src="{canary.url}/canary">',
        f'<link rel="stylesheet" href="{canary.url}/x.css">',
        '<link rel="attachment" href="file:///etc/hostname">',
        f'<link rel="attachment" href="file://{secret.path}">',
        f'<a rel="attachment" href="file://{secret.path}">attached</a>',
        f"<style>@import url({canary.url}/i.css)</style>",
        f'<svg><image href="{canary.url}/s.png"/></svg>',
        '<a href="javascript:alert(1)">click</a>',
        f"<img src=\"javascript:fetch('{canary.url}/js')\">",
    ]


def raw_document(canary: CanaryServer, secret: Secret) -> str:
    """The same references as real markup, as if the escaping had failed."""
    return (
        '<!doctype html><html lang="en"><head><title>raw</title>'
        f'<link rel="stylesheet" href="{canary.url}/head.css">'
        f'<link rel="attachment" href="file://{secret.path}">'
        '<link rel="attachment" href="file:///etc/hostname">'
        f"<style>@import url({canary.url}/i.css); "
        f"body {{ background: url({canary.url}/bg.png) }}</style>"
        "</head><body><p>Raw</p>"
        + "".join(payloads(canary, secret))
        + f'<object data="{canary.url}/object"></object><embed src="{canary.url}/embed">'
        + f'<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E'
        f'%3Cimage href=%22{canary.url}/nested.png%22/%3E%3C/svg%3E">' + "</body></html>"
    )


# --- user text through the real reports --------------------------------------------


@dataclass(frozen=True)
class Rendered:
    payloads: list[str]
    clinical: bytes
    client: bytes
    hits_after: list[str]


@pytest.fixture(scope="module")
def rendered(database_template, tmp_path_factory, canary, secret) -> Rendered:
    texts = payloads(canary, secret)
    everything = "\n".join(texts)
    before = len(canary.hits)  # the control test below may have run first
    with standalone_app(database_template, tmp_path_factory.mktemp("safety")) as app:
        world = factories.build_world()
        client, therapist = world.client_a, world.therapist_a
        for n, text in enumerate(texts):  # each payload as the first line of a note
            session = make_session(
                client,
                starts_at=at(date(2026, 10, 1 + n)),
                phase="integration",
                note={"assessment": text},
            )
            sign(session, therapist)
        make_session(client, starts_at=at(date(2026, 10, 20)), summary=everything)
        factories.make_goal(client, title=texts[1], started_on=date(2026, 10, 1))
        homework = factories.make_assignment(
            client, recurrence="once", start_date=date(2026, 10, 1), due_date=date(2026, 10, 2)
        )
        factories.complete(homework, date(2026, 10, 2), everything, shared=True)
        entry = factories.write_journal(client, everything, shared=True, title=texts[0])
        entry.created_at = datetime(2026, 10, 5, 12, tzinfo=UTC)
        db.session.commit()

        browser = app.test_client()
        assert factories.login(browser, world.therapist_a).status_code == 302
        path = f"/clients/{client.id}/reports"
        period = {"period_start": "2026-09-01", "period_end": "2026-11-20"}
        documents = {}
        for kind in ("clinical", "client"):
            fields = {"kind": kind, "narrative": everything, "include_measures": "y", **period}
            response = factories.post_form(browser, path, fields)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            documents[kind] = browser.get(response.location).data
        return Rendered(texts, documents["clinical"], documents["client"], canary.hits[before:])


def test_typed_markup_fetches_nothing(rendered):
    assert rendered.clinical.startswith(b"%PDF") and rendered.client.startswith(b"%PDF")
    assert rendered.hits_after == []


@pytest.mark.parametrize("kind", ["clinical", "client"])
def test_typed_markup_embeds_and_links_nothing(rendered, kind):
    content = getattr(rendered, kind)

    assert embedded_files(content) == []
    assert link_targets(content) == []


@pytest.mark.parametrize("kind", ["clinical", "client"])
def test_typed_markup_is_printed_as_the_literal_text(rendered, kind):
    text = "\n".join(page_texts(getattr(rendered, kind)))

    for payload in rendered.payloads:
        assert shows(text, payload), payload


def test_typed_markup_appears_in_the_session_log_of_the_clinical_report(rendered):
    text = "\n".join(page_texts(rendered.clinical))

    # Each note's first line is a payload: once in the session log, once in the narrative.
    for payload in rendered.payloads:
        assert squash(text).count(squash(payload)) >= 2, payload


@pytest.mark.parametrize("kind", ["clinical", "client"])
def test_no_local_file_reaches_the_pdf(rendered, secret, kind):
    everything = decoded_streams(getattr(rendered, kind))

    assert secret.value not in everything
    assert b"root:x:0:0" not in everything  # /etc/passwd


# --- raw HTML straight into the renderer --------------------------------------------


def test_the_fetcher_itself_refuses_network_and_files(canary, secret):
    """Escaping aside: markup that reaches the renderer still loads nothing."""
    before = len(canary.hits)

    content, pages = pdf.render_in_process(raw_document(canary, secret))

    assert content.startswith(b"%PDF") and pages == 1
    assert canary.hits[before:] == []
    assert embedded_files(content) == []
    assert secret.value not in decoded_streams(content)


def test_without_the_fetcher_the_same_markup_would_leak(canary, secret):
    """The control: WeasyPrint's default fetcher loads and embeds what ours refuses,
    so the test above would fail if the restriction went away."""
    from weasyprint import HTML

    before = len(canary.hits)

    content = HTML(string=raw_document(canary, secret)).write_pdf()

    expected = {"/head.css", "/x.css", "/i.css", "/bg.png", "/canary", "/s.png", "/nested.png"}
    assert expected <= set(canary.hits[before:])
    assert embedded_files(content)
    assert secret.value in decoded_streams(content)


def test_the_asset_fetcher_serves_only_bundled_assets():
    fetcher = pdf._fetcher_class()()

    assert fetcher.fetch(pdf.asset_url("css/report.css")).read().startswith(b"/*")
    for url in (
        f"{pdf.BASE_URL}../../etc/passwd",
        f"{pdf.BASE_URL}css/app.css",
        "file:///etc/passwd",
        "http://127.0.0.1:1/x",
        "data:text/css,p{}",
        "tracker-asset://evil/css/report.css",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


# --- pathological documents ----------------------------------------------------------

HUGE_TABLE = (
    '<!doctype html><html lang="en"><head><title>huge</title></head><body><table>'
    + "<tr><td>cell</td><td>another cell</td></tr>" * 20000
    + "</table></body></html>"
)
DEEPLY_NESTED = (
    '<!doctype html><html lang="en"><head><title>deep</title></head><body>'
    + "<div>" * 3000
    + "deep"
    + "</div>" * 3000
    + "</body></html>"
)
SMALL = (
    '<!doctype html><html lang="en"><head><title>ok</title></head><body><p>Fine</p></body></html>'
)


def test_a_slow_document_times_out_and_the_worker_is_replaced():
    # No race with the clock: the huge table takes the renderer about a minute of CPU
    # (hundreds of pages), tens of thousands of times the millisecond it is given, so it
    # is stopped however fast or loaded the machine. The documents after it get minutes.
    pool = pdf.RenderPool(workers=1, memory_mb=1024, cpu_seconds=120, timeout=0.001)
    try:
        with pytest.raises(pdf.RenderError, match="took too long"):
            pool.render(HUGE_TABLE)
        pool.timeout = 120.0
        content, pages = pool.render(SMALL)  # a fresh worker, started outside the timeout

        assert content.startswith(b"%PDF") and pages == 1
        with pytest.raises(pdf.RenderError):
            pool.render(DEEPLY_NESTED)  # a RecursionError in the worker
        assert pool.render(SMALL)[0].startswith(b"%PDF")
    finally:
        pool.shutdown()


def test_the_cpu_limit_stops_a_runaway_worker_and_the_next_render_succeeds():
    pool = pdf.RenderPool(workers=1, memory_mb=1024, cpu_seconds=5, timeout=120.0)
    try:
        with pytest.raises(pdf.RenderError):
            pool.render(HUGE_TABLE)

        assert pool.render(SMALL)[0].startswith(b"%PDF")
    finally:
        pool.shutdown()


@pytest.fixture
def app_config() -> dict:
    # Far too short for any real report: the pool's worker is real, the timeout fires.
    return {"REPORT_TIMEOUT": 0.001}


def test_the_web_route_answers_a_render_error_with_503_on_the_form(app, world, login):
    browser = app.test_client()
    login(browser, world.therapist_a)
    path = f"/clients/{world.client_a.id}/reports"
    narrative = "A narrative the therapist must not lose."

    response = factories.post_form(browser, path, {"kind": "clinical", "narrative": narrative})

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "The report could not be produced in time." in page
    assert narrative in page  # the typed text is kept
    db.session.expire_all()
    assert db.session.query(Report).count() == 0
    actions = [e.action for e in db.session.query(AuditEvent).all()]
    assert "report.generate" not in actions
