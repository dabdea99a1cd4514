"""Benchmarks with printed figures (not assertions): seeding speed and page latency.

Run with ``make bench``. Uses a throwaway SQLite database in a temporary folder, or
``BENCH_DATABASE_URL`` (an empty PostgreSQL database/schema) when set.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("TRACKER_ENV", "testing")
WORK = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
os.environ["TRACKER_INSTANCE_PATH"] = str(WORK)

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
SESSIONS_PER_CLIENT = int(os.environ.get("BENCH_SESSIONS_PER_CLIENT", "10"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))


def _login(client, email: str, password: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code


def _time_page(engine, client, path: str) -> tuple[float, float, int]:
    durations = []
    statements: list[str] = []

    def count(*args, **kwargs) -> None:
        statements.append("x")

    for index in range(REQUESTS):
        if index == REQUESTS - 1:
            sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    sa.event.remove(engine, "before_cursor_execute", count)
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    return statistics.median(durations) * 1000, p95 * 1000, len(statements)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    from tracker import demo

    with app.app_context():
        upgrade()

        started = time.perf_counter()
        practice, _ = demo.seed_demo(env_name="testing")
        db.session.commit()
        base = time.perf_counter() - started
        started = time.perf_counter()
        demo.seed_bulk_clients(practice, CLIENTS)
        sessions = demo.seed_bulk_sessions(practice, SESSIONS_PER_CLIENT)
        db.session.commit()
        bulk = time.perf_counter() - started
        from sqlalchemy import select

        from tracker.models import Client, TherapySession

        busiest = db.session.scalar(
            select(Client.id)
            .join(TherapySession, TherapySession.client_id == Client.id)
            .join(Client.primary_therapist)
            .where(Client.primary_therapist.has(email="therapist@demo.test"))
            .group_by(Client.id)
            .order_by(sa.func.count(TherapySession.id).desc())
            .limit(1)
        )
        one_session = db.session.scalar(
            select(TherapySession.id).where(TherapySession.client_id == busiest).limit(1)
        )
        print(f"database: {db.engine.dialect.name}")
        print(f"seed demo practice: {base:.2f} s")
        print(
            f"seed {CLIENTS} generated clients and {sessions} sessions: {bulk:.2f} s "
            f"({(CLIENTS + sessions) / bulk:,.0f} rows/s)"
        )
        engine = db.engine

    # Requests run outside the set-up's app context, each in its own, as in production.
    client = app.test_client()
    _login(client, "therapist@demo.test", demo.DEMO_PASSWORD)
    for path in (
        "/clients",
        "/clients?q=ana",
        "/clients?sort=recent&page=5",
        f"/clients/{busiest}/sessions",
        f"/clients/{busiest}/sessions/{one_session}",
    ):
        median, p95, queries = _time_page(engine, client, path)
        print(
            f"GET {path:<28} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
            f"{queries} SQL statements ({REQUESTS} requests, {CLIENTS} clients)"
        )
    admin = app.test_client()
    _login(admin, "admin@demo.test", demo.DEMO_PASSWORD)
    median, p95, queries = _time_page(engine, admin, "/admin/audit")
    print(f"GET /admin/audit{'':<16} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} SQL")


if __name__ == "__main__":
    main()
