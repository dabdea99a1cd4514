"""Throughput of every staff and portal page, as a share of a Flask hello-world's.

Serves the app (``wsgi:app``) and ``benchmarks/hello_world.py`` with identical gunicorn
settings (``-w 2 --keep-alive 0``), signs in through the real login form, and loads each
page alternately with the hello-world (wrk when installed, ``-t1 -c20``; otherwise a
Python load client), several rounds each. Prints, per page: requests/s, p50 and p99
latency, the SQL statements one request runs, and the page's throughput as a share of
the hello-world's (medians over the rounds), with the machine's load average.

Figures, not assertions: run it on a quiet machine.

    .venv/bin/python benchmarks/throughput.py                      # SQLite, every page
    .venv/bin/python benchmarks/throughput.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/throughput.py --pages caseload,client --duration 3 --rounds 1

With ``--postgres`` a throwaway database is created on that server (and dropped after).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECRET_KEY = "throughput-benchmark-secret-key-0123456789abcdef"  # noqa: S105 - throwaway
TARGET_SQLITE = 0.10
TARGET_POSTGRES = 0.07


@dataclass(frozen=True)
class Page:
    name: str
    audience: str  # the demo account that loads it
    path: str


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int = 0  # responses that were not 2xx/3xx, and socket errors


@dataclass
class Result:
    page: Page
    statements: int
    page_loads: list[Load] = field(default_factory=list)
    hello_loads: list[Load] = field(default_factory=list)
    load_average: float = 0.0

    @property
    def ratio(self) -> float:
        hello = statistics.median(load.rps for load in self.hello_loads)
        return statistics.median(load.rps for load in self.page_loads) / hello


# -- servers -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn serving ``app`` from ``chdir`` on a free local port, while in a ``with``."""

    def __init__(self, app: str, chdir: Path, env: dict[str, str], workers: int) -> None:
        self.port = _free_port()
        self.command = [
            str(BIN / "gunicorn"),
            f"-w{workers}",
            "--keep-alive",
            "0",
            "-b",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            app,
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, env=self.env)  # noqa: S603 - our own argv
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = get(self.port, "/login" if "wsgi" in self.command[-1] else "/")
                if status < 500:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.command[-1]} did not start")

    def __exit__(self, *exc) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


# -- HTTP: one request, sign-in -------------------------------------------------------------


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    """One GET on a new connection: status, headers (lower-case names), body."""
    return _request(port, "GET", path, cookie=cookie)


def _request(
    port: int, method: str, path: str, cookie: str = "", body: str | None = None
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode("utf-8", "replace")
    received = {name.lower(): value for name, value in response.getheaders()}
    connection.close()
    return response.status, received, content


def _session_cookie(headers: dict[str, str], fallback: str) -> str:
    value = headers.get("set-cookie", "")
    match = re.match(r"([^=;]+=[^;]*)", value)
    return match.group(1) if match else fallback


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form; the session cookie to send with each request."""
    status, headers, page = get(port, "/login")
    cookie = _session_cookie(headers, "")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token})
    status, headers, _ = _request(port, "POST", "/login", cookie=cookie, body=form)
    if status != 302 or "/login" in headers.get("location", "/login"):
        raise RuntimeError(f"signing in as {email} failed ({status})")
    return _session_cookie(headers, cookie)


# -- load -------------------------------------------------------------------------------------


def _milliseconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_with_wrk(port: int, path: str, cookie: str, seconds: float, connections: int) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603 - our own argv
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return Load(rps, p50, p99, bad)


def load_with_python(port: int, path: str, cookie: str, seconds: float, connections: int) -> Load:
    """The fallback load client: ``connections`` threads, a new connection per request."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        mine: list[float] = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, _, _ = get(port, path, cookie)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            if not 200 <= status < 400:
                with lock:
                    bad[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return Load(
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        bad[0],
    )


# -- the app's database and pages ------------------------------------------------------------


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the throwaway database and seed the demo practice, as ``make run`` does."""
    flask = [str(BIN / "flask"), "--app", "tracker"]
    seeding = {**env, "TRACKER_ENV": "development"}  # production refuses demo data
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(  # noqa: S603 - our own argv
            [*flask, *command], env=seeding, cwd=ROOT, check=True, capture_output=True
        )


def discover_pages(env: dict[str, str]) -> list[Page]:
    """Every staff, admin and portal page of the demo practice, with real record ids."""
    os.environ.update(env)
    from sqlalchemy import select

    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import (
        AdverseEvent,
        Client,
        FamilyMember,
        HomeworkTemplate,
        IntegrationGoal,
        SafetyAlert,
        TherapySession,
        User,
    )

    app = create_app()
    with app.app_context():
        sam = db.session.scalar(
            select(Client)
            .join(User, Client.portal_user_id == User.id)
            .where(User.email == "client@demo.test")
        )
        sessions = select(TherapySession.id).where(TherapySession.client_id == sam.id)
        signed = db.session.scalar(
            sessions.where(TherapySession.status == "signed").order_by(
                TherapySession.starts_at.desc()
            )
        )
        draft = db.session.scalar(
            select(TherapySession)
            .where(TherapySession.status == "draft")
            .join(Client)
            .where(Client.primary_therapist.has(email="therapist@demo.test"))
        )
        goal = db.session.scalar(
            select(IntegrationGoal.id).where(IntegrationGoal.client_id == sam.id)
        )
        member = db.session.scalar(select(FamilyMember.id).where(FamilyMember.client_id == sam.id))
        template = db.session.scalar(select(HomeworkTemplate.id))
        alert = db.session.scalar(
            select(SafetyAlert)
            .join(Client)
            .where(Client.primary_therapist.has(email="therapist@demo.test"))
        )
        event = db.session.scalar(select(AdverseEvent.client_id))
        record = f"/clients/{sam.id}"
        staff = [
            ("today", "/today"),
            ("caseload", "/clients"),
            ("client", record),
            ("timeline", f"{record}/sessions"),
            ("session", f"{record}/sessions/{signed}"),
            ("measures", f"{record}/measures"),
            ("goals", f"{record}/goals"),
            ("goal", f"{record}/goals/{goal}"),
            ("homework", f"{record}/homework"),
            ("family", f"{record}/family"),
            ("family-member", f"{record}/family/members/{member}"),
            ("safety-plan", f"{record}/safety-plan"),
            ("reports", f"{record}/reports"),
            ("spot-map", f"{record}/spot-map"),
            ("client-adverse-events", f"/clients/{event}/adverse-events"),
            ("adverse-events", "/adverse-events"),
            ("homework-library", "/homework"),
            ("template", f"/homework/{template}/edit"),
            ("report-batches", "/reports/batches"),
            ("edit-client", f"{record}/edit"),
            ("new-session", f"{record}/sessions/new"),
            ("new-goal", f"{record}/goals/new"),
            ("assign-homework", f"{record}/homework/new"),
            ("screening", f"{record}/screening"),
            ("plan-session", f"{record}/plans/new"),
            ("new-client", "/clients/new"),
            ("password", "/account/password"),
        ]
        if draft is not None:
            staff.append(("draft-edit", f"/clients/{draft.client_id}/sessions/{draft.id}/edit"))
        if alert is not None:
            staff.append(("alert", f"/alerts/{alert.id}"))
    pages = [Page(name, "therapist@demo.test", path) for name, path in staff]
    pages += [
        Page(name, "admin@demo.test", path)
        for name, path in (
            ("admin", "/admin/"),
            ("admin-users", "/admin/users"),
            ("admin-audit", "/admin/audit"),
            ("admin-outbox", "/admin/outbox"),
            ("admin-practice", "/admin/practice"),
        )
    ]
    return pages


def portal_pages(port: int, cookie: str) -> list[Page]:
    """The portal's pages, found by following the links on the portal home."""
    _, _, home = get(port, "/portal/", cookie)
    _, _, journal = get(port, "/portal/journal", cookie)
    pages = [
        Page("portal-home", "client@demo.test", "/portal/"),
        Page("portal-journal", "client@demo.test", "/portal/journal"),
        Page("portal-reminders", "client@demo.test", "/portal/reminders"),
        Page("portal-reports", "client@demo.test", "/portal/reports"),
        Page("portal-new-goal", "client@demo.test", "/portal/goals/new"),
    ]
    for name, pattern, text in (
        ("portal-homework", r'href="(/portal/homework/\d+)"', home),
        ("portal-goal", r'href="(/portal/goals/\d+)"', home),
        ("portal-measure", r'href="(/portal/measures/\d+)"', home),
        ("portal-journal-entry", r'href="(/portal/journal/\d+)"', journal),
    ):
        match = re.search(pattern, text)
        if match:
            pages.append(Page(name, "client@demo.test", match.group(1)))
    return pages


def count_statements(env: dict[str, str], pages: list[Page], password: str) -> dict[str, int]:
    """SQL statements one request of each page runs (in this process, the same database)."""
    import sqlalchemy as sa

    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    counts: dict[str, int] = {}
    clients = {}
    with app.app_context():
        engine = db.engine
    for page in pages:
        if page.audience not in clients:
            client = app.test_client()
            login = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
            client.post(
                "/login",
                data={"email": page.audience, "password": password, "csrf_token": token},
            )
            clients[page.audience] = client
        client = clients[page.audience]
        client.get(page.path)  # warm: first-request caches are not the page's cost
        statements: list[str] = []

        def count(*args, statements=statements, **kwargs) -> None:
            statements.append("x")

        sa.event.listen(engine, "before_cursor_execute", count)
        response = client.get(page.path)
        sa.event.remove(engine, "before_cursor_execute", count)
        counts[page.name] = len(statements) if response.status_code == 200 else -1
    return counts


# -- the run -----------------------------------------------------------------------------------


def _postgres_database(server_url: str) -> tuple[str, callable]:
    import sqlalchemy as sa

    name = f"tracker_throughput_{os.getpid()}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return sa.engine.make_url(server_url).set(database=name).render_as_string(False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is created)")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tracker-throughput-"))
    drop = None
    if options.postgres:
        url, drop = _postgres_database(options.postgres)
    else:
        url = f"sqlite:///{work / 'tracker.sqlite3'}"
    env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "TRACKER_INSTANCE_PATH": str(work),
        "DATABASE_URL": url,
    }
    env.pop("REDIS_URL", None)
    load = load_with_wrk if shutil.which("wrk") and not options.python_client else load_with_python
    try:
        prepare_database(env)
        from tracker.demo import DEMO_PASSWORD

        pages = discover_pages(env)
        with (
            Server("wsgi:app", ROOT, env, options.workers) as app_server,
            Server("hello_world:app", ROOT / "benchmarks", env, options.workers) as hello_server,
        ):
            cookies = {
                email: sign_in(app_server.port, email, DEMO_PASSWORD)
                for email in ("therapist@demo.test", "admin@demo.test", "client@demo.test")
            }
            pages += portal_pages(app_server.port, cookies["client@demo.test"])
            if options.pages:
                wanted = options.pages.split(",")
                pages = [page for page in pages if page.name in wanted]
            statements = count_statements(env, pages, DEMO_PASSWORD)
            database = "PostgreSQL" if options.postgres else "SQLite"
            print(
                f"{database}; gunicorn -w {options.workers} --keep-alive 0; "
                f"load: {load.__name__.removeprefix('load_with_')} "
                f"-c{options.connections} {options.duration:g}s x {options.rounds} rounds; "
                f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}"
            )
            header = (
                f"{'page':<22} {'SQL':>4} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
                f"{'hello/s':>8} {'share':>7}  load"
            )
            print(header)
            print("-" * len(header))
            results = []
            for page in pages:
                cookie = cookies[page.audience]
                status, _, _ = get(app_server.port, page.path, cookie)
                if status != 200:  # the session ran out while other pages were loaded
                    cookies[page.audience] = cookie = sign_in(
                        app_server.port, page.audience, DEMO_PASSWORD
                    )
                    status, _, _ = get(app_server.port, page.path, cookie)
                if status != 200:
                    print(f"{page.name:<22} answered {status}: skipped")
                    continue
                result = Result(page, statements.get(page.name, -1))
                for _ in range(options.rounds):
                    result.hello_loads.append(
                        load(hello_server.port, "/", "", options.duration, options.connections)
                    )
                    result.page_loads.append(
                        load(
                            app_server.port,
                            page.path,
                            cookie,
                            options.duration,
                            options.connections,
                        )
                    )
                status, _, _ = get(app_server.port, page.path, cookie)
                bad = sum(one.bad for one in result.page_loads)
                result.load_average = os.getloadavg()[0]
                results.append(result)
                rps = statistics.median(one.rps for one in result.page_loads)
                hello = statistics.median(one.rps for one in result.hello_loads)
                p50 = statistics.median(one.p50_ms for one in result.page_loads)
                p99 = statistics.median(one.p99_ms for one in result.page_loads)
                note = "" if status == 200 and not bad else f"  ({bad} failed, now {status})"
                print(
                    f"{page.name:<22} {result.statements:>4} {rps:>8.0f} {p50:>7.1f} {p99:>7.1f} "
                    f"{hello:>8.0f} {result.ratio:>6.1%}  {result.load_average:.2f}{note}",
                    flush=True,
                )
            target = TARGET_POSTGRES if options.postgres else TARGET_SQLITE
            below = [result.page.name for result in results if result.ratio < target]
            slow = [
                result.page.name
                for result in results
                if statistics.median(one.p99_ms for one in result.page_loads) >= 100
            ]
            print(
                f"\npages: {len(results)}; lowest share "
                f"{min(result.ratio for result in results):.1%}; target {target:.0%}: "
                + (f"below: {', '.join(below)}" if below else "all meet it")
                + ("; p99 >= 100 ms: " + ", ".join(slow) if slow else "; every p99 < 100 ms")
                + f"; load average at end {os.getloadavg()[0]:.2f}"
            )
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
