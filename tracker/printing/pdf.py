"""HTML → PDF with WeasyPrint, in a separate worker process, fetching nothing outside
the app's own bundled assets.

- The URL fetcher serves a fixed map of files (fonts, the print stylesheet); every other
  URL (file://, http(s)://, data:, anything) is refused, and no redirect is followed.
- Rendering happens in a long-lived worker process that imported WeasyPrint once, with a
  memory limit and a CPU-time limit, and a per-document timeout after which the worker is
  replaced: a pathological note cannot take the web worker down. The timeout counts the
  rendering only: a new pool waits for its worker to start (import, fonts) first, so a
  short timeout does not fail every document after a replacement. Whatever goes wrong in
  the worker (timeout, limits, an exception such as a RecursionError on deeply nested
  markup) reaches the caller as ``RenderError``.
- PDFs are PDF/UA-1 (tagged, with language and title) for screen readers.
- A rendering process keeps what every document shares: one font configuration (the
  bundled fonts registered once) and the parsed print stylesheets, which the caller
  names (``stylesheet=``) instead of linking them from the HTML. A font configuration
  per document cost about 10 ms of each document and leaked about 0.26 MiB of it. The
  process is replaced after ``TASKS_PER_WORKER`` documents all the same.
- The print templates are XHTML, read with the XML parser (``parse_xhtml``), and get
  browser defaults cut down to their elements (``static/css/print_ua.css``): WeasyPrint's
  HTML5 parser and its whole default stylesheet were a fifth of a year report's work.
"""

from __future__ import annotations

import atexit
import logging
import mimetypes
import os
import resource
import threading
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from xml.etree import ElementTree

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[2] / "static"
ASSET_SCHEME = "tracker-asset"
BASE_URL = f"{ASSET_SCHEME}:///"
# The only files a report may load: name (as used in the print stylesheet) → file.
ASSETS: dict[str, Path] = {
    "css/report.css": STATIC / "css" / "report.css",
    "css/safety_plan.css": STATIC / "css" / "safety_plan.css",
    "fonts/DejaVuSans.ttf": STATIC / "fonts" / "DejaVuSans.ttf",
    "fonts/DejaVuSans-Bold.ttf": STATIC / "fonts" / "DejaVuSans-Bold.ttf",
}
# The print stylesheets a document may name (parsed once per rendering process), and
# the browser defaults that come with them: WeasyPrint's, cut down to the elements of
# the print templates.
STYLESHEETS = ("css/report.css", "css/safety_plan.css")
PRINT_DEFAULTS = STATIC / "css" / "print_ua.css"
PDF_VARIANT = "pdf/ua-1"
# Documents a rendering process prints before it is replaced: the CPU-time limit counts
# over the process's life, and a fresh process also returns whatever memory WeasyPrint
# and its libraries kept (about flat now that the fonts are shared; see the module doc).
TASKS_PER_WORKER = 200
# How long a new worker may take to start (import WeasyPrint, load fonts, warm up).
STARTUP_TIMEOUT = 60.0


# The stylesheets name their fonts relative to themselves ("../fonts/…"). urllib joins a
# relative URL only onto a scheme it knows to be hierarchical; without this the fonts'
# URLs stayed relative, the fetcher refused them, and the system's fonts stood in.
for _schemes in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
    if ASSET_SCHEME not in _schemes:
        _schemes.append(ASSET_SCHEME)


class RenderError(RuntimeError):
    """The document could not be rendered (too slow, too large, or the worker died)."""


def asset_url(name: str) -> str:
    """The URL of a bundled asset in a report (``KeyError`` for any other name)."""
    if name not in ASSETS:
        raise KeyError(name)
    return BASE_URL + name


def _fetcher_class():
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class AssetOnlyFetcher(URLFetcher):
        """Serves ASSETS, refuses everything else (no network, no files, no redirects)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=[ASSET_SCHEME], allow_redirects=False)

        def fetch(self, url: str, headers=None):
            if not url.startswith(BASE_URL):
                raise ValueError("refused: only bundled assets may be loaded")
            name = url[len(BASE_URL) :].split("?")[0].split("#")[0]
            path = ASSETS.get(name)
            if path is None:
                raise ValueError("refused: not a bundled asset")
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return AssetOnlyFetcher


class _Typesetting:
    """What the documents rendered in one process share: the URL fetcher, one font
    configuration and the print stylesheets parsed once (a stylesheet's @font-face
    rules register the bundled fonts in that configuration)."""

    def __init__(self) -> None:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        self.fetcher = _fetcher_class()()
        self.font_config = FontConfiguration()
        self._stylesheets: dict[str, object] = {}
        defaults = [CSS(string=PRINT_DEFAULTS.read_text(), base_url=BASE_URL)]

        class PrintDocument(HTML):
            """A print template: the browser defaults cut down to its elements."""

            def _ua_stylesheets(self, forms=False):
                return defaults

        self.print_document = PrintDocument

    def stylesheet(self, name: str):
        """The parsed stylesheet of the bundled asset ``name`` (``KeyError`` for any
        other name)."""
        if name not in self._stylesheets:
            from weasyprint import CSS

            self._stylesheets[name] = CSS(
                url=asset_url(name), url_fetcher=self.fetcher, font_config=self.font_config
            )
        return self._stylesheets[name]


_typesetting: _Typesetting | None = None


def _forget_typesetting() -> None:
    # Let the font configuration go while the libraries are whole: freed during the
    # interpreter's final clean-up, its Pango and Fontconfig objects crash the process.
    global _typesetting
    _typesetting = None


atexit.register(_forget_typesetting)


SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


def parse_xhtml(html: str) -> ElementTree.Element | None:
    """The element tree of a well-formed document (``None`` for any other), as
    WeasyPrint's HTML parser would build it: HTML elements without a namespace, SVG
    elements in the SVG namespace.

    The print templates are written as XHTML so that the XML parser reads them: in C,
    it takes about a millisecond where WeasyPrint's HTML5 parser, in Python, took a tenth
    of a year report's rendering. Anything else (and any document declaring entities)
    goes to WeasyPrint's own parser.
    """
    body = html.removeprefix("<!DOCTYPE html>")
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        return None  # no declarations: nothing for entity expansion to work with
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - no DTD, no entities (above)
    except ElementTree.ParseError:
        return None
    if root.tag != "html":
        return None
    for svg in list(root.iter("svg")):
        for element in svg.iter():
            if isinstance(element.tag, str) and not element.tag.startswith("{"):
                element.tag = SVG_NAMESPACE + element.tag
    return root


def _document(html: str, fetcher, document_class=None):
    """The WeasyPrint document of ``html`` (a ``weasyprint.HTML`` or ``document_class``)."""
    if document_class is None:
        from weasyprint import HTML

        document_class = HTML
    root = parse_xhtml(html)
    if root is None:
        return document_class(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    import cssselect2

    # What HTML.__init__ sets once it has parsed (test_pdf_worker checks the set).
    document = document_class.__new__(document_class)
    document.base_url = BASE_URL
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def render_in_process(html: str, stylesheet: str | None = None) -> tuple[bytes, int]:
    """Render ``html`` to PDF bytes (and the page count) in this process, with the
    bundled stylesheet named ``stylesheet`` (e.g. ``"css/report.css"``) if any."""
    global _typesetting
    if _typesetting is None:
        _typesetting = _Typesetting()
    shared = _typesetting
    # The stylesheet comes as a user style sheet: it sits above the browser defaults and
    # below the document's own <style> (the translated page counter overrides it). With
    # it come the browser defaults of the print templates (print_ua.css).
    document_class = shared.print_document if stylesheet else None
    document = _document(html, shared.fetcher, document_class).render(
        font_config=shared.font_config,
        stylesheets=[shared.stylesheet(stylesheet)] if stylesheet else [],
        pdf_variant=PDF_VARIANT,
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[]), len(document.pages)


WARM_UP = (
    '<!DOCTYPE html><html lang="en"><head><title>warm-up</title></head>'
    "<body><p>Warm-up <b>bold</b></p></body></html>"
)


def _ready() -> bool:
    """A no-op task: its result means a worker has finished ``_init_worker``."""
    return True


def _init_worker(memory_bytes: int, cpu_seconds: int) -> None:
    """Runs once per worker: limits, then import WeasyPrint and load fonts."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    for name in STYLESHEETS:
        render_in_process(WARM_UP, name)


class RenderPool:
    """A small pool of rendering processes, created on first use and replaced on failure."""

    def __init__(self, *, workers: int, memory_mb: int, cpu_seconds: int, timeout: float) -> None:
        self.workers = workers
        self.memory_bytes = memory_mb * 1024 * 1024
        self.cpu_seconds = cpu_seconds
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=get_context("spawn"),
                    initializer=_init_worker,
                    initargs=(self.memory_bytes, self.cpu_seconds),
                    max_tasks_per_child=TASKS_PER_WORKER,
                )
                # Start the workers now (one task each spawns them), outside the
                # document's timeout.
                probes = [executor.submit(_ready) for _ in range(self.workers)]
                try:
                    for probe in probes:
                        probe.result(timeout=STARTUP_TIMEOUT)
                except (FutureTimeout, BrokenProcessPool):
                    log.warning("report worker did not start")
                    self._kill(executor)
                    raise RenderError("the rendering worker did not start") from None
                self._executor = executor
            return self._executor

    @staticmethod
    def _kill(executor: ProcessPoolExecutor) -> None:
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def _discard(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            self._kill(executor)

    def render(self, html: str, stylesheet: str | None = None) -> tuple[bytes, int]:
        """The PDF bytes and page count of ``html`` with the bundled ``stylesheet``;
        ``RenderError`` if that fails."""
        executor = self._pool()
        try:
            # submit() itself raises BrokenProcessPool when a worker died while idle.
            future = executor.submit(render_in_process, html, stylesheet)
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            log.warning("report rendering timed out; worker replaced")
            self._discard()
            raise RenderError("rendering took too long") from None
        except BrokenProcessPool:
            log.warning("report worker died (limits); worker replaced")
            self._discard()
            raise RenderError("the rendering worker stopped") from None
        except MemoryError:
            log.warning("report worker ran out of memory; worker replaced")
            self._discard()
            raise RenderError("the document needs too much memory") from None
        except Exception as error:
            # Raised by WeasyPrint in the worker (e.g. RecursionError on deeply nested
            # markup); the worker itself is fine. Only the type is logged: no content.
            log.warning("report rendering failed: %s", type(error).__name__)
            raise RenderError("the document could not be rendered") from None

    def shutdown(self) -> None:
        self._discard()


_pools: dict[tuple, RenderPool] = {}


def _forget_pools_after_fork() -> None:
    # A forked child (an RQ work horse, a pre-forking server) inherits the pool objects
    # but not their threads or processes: it must start its own.
    _pools.clear()


os.register_at_fork(after_in_child=_forget_pools_after_fork)


def shutdown_all() -> None:
    """Stop every rendering process this process started (a job's clean-up)."""
    for pool in list(_pools.values()):
        pool.shutdown()


def pool_for(config) -> RenderPool:
    """The process-wide pool for this configuration."""
    key = (
        config["REPORT_WORKERS"],
        config["REPORT_MEMORY_MB"],
        config["REPORT_CPU_SECONDS"],
        config["REPORT_TIMEOUT"],
    )
    if key not in _pools:
        _pools[key] = RenderPool(
            workers=key[0], memory_mb=key[1], cpu_seconds=key[2], timeout=key[3]
        )
    return _pools[key]
