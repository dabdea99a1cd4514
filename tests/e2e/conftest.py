"""Browser tests: the app served on 127.0.0.1 in a background thread, driven by Debian's
headless Chromium through Playwright's sync API.

The server runs in the pytest process on a free port with its own SQLite database
(migrated, demo practice seeded): each xdist worker that gets a browser test starts its
own server and browser. Journeys that build on each other are one test (with subtests),
so no distribution can split them. (``xdist_group`` with ``--dist loadgroup`` cannot be
used: pytest-xdist 3.8 groups by rewriting ``item._nodeid``, which pytest 9 ignores.)

Without ``/usr/bin/chromium`` the browser tests are skipped with a reason, except in CI
(``CI`` set), where a missing browser fails them: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.e2e.browsing import BrowserProblems, Journey, LiveServer
from tracker import create_app
from tracker.demo import demo_practice, seed_demo
from tracker.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).parent
MISSING_REASON = (
    f"browser tests skipped: {CHROMIUM} not found "
    "(Debian: sudo apt-get install chromium; CI installs it and fails without it)"
)


@pytest.hookimpl(tryfirst=True)  # before ``-m e2e`` / ``-m "not e2e"`` selects
def pytest_collection_modifyitems(config, items) -> None:
    """Mark the browser tests ``e2e``; skip them (outside CI) when Chromium is missing."""
    skip = None
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=MISSING_REASON)
    for item in items:
        if E2E_DIR not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if skip is not None:
            item.add_marker(skip)


# --- the server ----------------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    """No access log on the test output (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, instance_dir) -> Iterator[LiveServer]:
    """The app on a free port of 127.0.0.1, on a fresh migrated and seeded database."""
    path = tmp_path_factory.mktemp("e2e") / "tracker.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            # A server error shows the error page (and is caught as a failed request)
            # instead of escaping into the server thread.
            "RENDER_500_IN_TESTS": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo(env_name="testing")
        db.session.commit()
        db.session.remove()
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Only reached in CI (elsewhere the tests are skipped at collection).
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run should have installed it")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@contextmanager
def _journey(browser: Browser, server: LiveServer) -> Iterator[Journey]:
    journey = Journey(browser, server, BrowserProblems(server.url))
    try:
        yield journey
    finally:
        journey.close()


@pytest.fixture
def open_journey(browser: Browser, live_server: LiveServer) -> Callable[[], Iterator[Journey]]:
    """``with open_journey() as journey:`` one journey of a test with several."""
    return lambda: _journey(browser, live_server)


@pytest.fixture
def journey(open_journey) -> Iterator[Journey]:
    """Open pages with ``journey.new_page()``; end with ``journey.problems.assert_clean()``."""
    with open_journey() as journey:
        yield journey


@pytest.fixture(scope="session")
def practice_zone(live_server: LiveServer) -> str:
    """The demo practice's time zone: typed times are its wall-clock times."""
    with live_server.app.app_context():
        try:
            return demo_practice().timezone
        finally:
            db.session.remove()


@pytest.fixture
def with_app(live_server: LiveServer) -> Callable:
    """``with_app(fn)`` runs ``fn()`` in the served app's context (for set-up and checks)."""

    def run(function: Callable):
        with live_server.app.app_context():
            try:
                return function()
            finally:
                db.session.remove()

    return run
