"""Progress-report benchmark with printed figures (not assertions).

Seeds, in a throwaway SQLite database, one client with a year of care (50 sessions of
which 12 medicine sessions with doses and vitals, 10 goals with monthly ratings, 30
questionnaire responses, homework) and clients with the same year at 100 and 200
sessions. Prints, from one run:

- two floors, rendered in rotation with the reports so that load on a shared machine
  hits them alike: WeasyPrint's plain one-page floor
  (``weasyprint.HTML(string="<p>hello</p>").write_pdf()`` in this warm process) and the
  report's own floor (a one-page document with the report stylesheet and fonts, through
  the rendering pool);
- the median time of the clinical report through the real rendering pool
  (``tracker.printing.pdf.pool_for(app.config).render``), the first run excluded as
  warm-up, and its ratio to each floor (target: at most 20x the plain floor, 12x as a
  moonshot);
- pages, and the time per session as the course grows (target: linear);
- the steps before printing: gathering the data and filling the template;
- the cached reprint, found from the data's versions without gathering or rendering
  (target: under 20 ms): ``printing.reports.generate`` again, and end to end through
  HTTP with the test client (the report form's POST, and the download it redirects to);
- reports per second with two requests at once on a two-worker pool;
- with ``BENCH_REPORT_MEMORY=500``: the resident memory of the rendering worker(s)
  before and after printing that many year reports (target: flat), with the worker
  process ids (a recycled worker has a new id).

Run with ``.venv/bin/python benchmarks/report_bench.py`` (``make bench`` runs it too).
``BENCH_REPORT_RUNS`` sets the number of timed runs (default 7).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("TRACKER_ENV", "testing")
WORK = Path(tempfile.mkdtemp(prefix="tracker-report-bench-"))
os.environ["TRACKER_INSTANCE_PATH"] = str(WORK)

from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.domain import reports as rules  # noqa: E402
from tracker.domain.dosing import mg_per_kg  # noqa: E402
from tracker.domain.policy import Role  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.printing import pdf  # noqa: E402

RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "7"))
MEMORY_REPORTS = int(os.environ.get("BENCH_REPORT_MEMORY", "0"))
YEAR_START = date(2025, 11, 3)
YEAR_END = YEAR_START + timedelta(days=364)
PERIOD = rules.Period(YEAR_START, YEAR_END)
REPORT_CSS = "css/report.css"
PLAIN = "<p>hello</p>"
ONE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>One page</title>'
    "</head><body>"
    '<header class="letterhead"><div class="name">Practice</div></header>'
    "<h1>One page</h1><p>The floor: one page with the report stylesheet and fonts.</p>"
    "</body></html>"
)
NOTE = {
    "subjective": "Slept better this week; a dream about the grandmother's kitchen. "
    "Noticed the old tightness in the chest when the family call came.",
    "objective": "Settled, warm affect, good eye contact, oriented.",
    "assessment": "Integrating the medicine session well; less self-blame; mood lifting.",
    "plan": "Continue the morning breathwork; letter to the grandmother before next session.",
}


BENCH_PASSWORD = "benchmark-password-123"  # noqa: S105 - throwaway accounts


def seed_practice():
    from tracker.models import Practice
    from tracker.services import accounts

    practice = Practice(
        name="Benchmark Practice",
        timezone="Europe/Berlin",
        address="1 Bench Street\nSpringfield",
        letterhead_text="Ketamine-assisted psychotherapy and brainspotting",
        report_footer="Prepared for the named recipient only.",
    )
    db.session.add(practice)
    db.session.flush()
    therapist = accounts.create_user(
        practice_id=practice.id,
        email="bench-therapist@example.test",
        name="Dr. Bench Therapist",
        role=Role.THERAPIST,
        credentials="PsyD",
        password=BENCH_PASSWORD,
    )
    prescriber = accounts.create_user(
        practice_id=practice.id,
        email="bench-prescriber@example.test",
        name="Dr. Bench Prescriber",
        role=Role.THERAPIST,
        password=BENCH_PASSWORD,
    )
    return practice, therapist, prescriber


def phase_of(index: int) -> str:
    """About a quarter medicine sessions (12 of 50), each followed by integration."""
    slot = index % 25
    if slot == 0:
        return "intake" if index == 0 else "booster"
    if slot in (1, 3):
        return "preparation"
    if slot in (2, 4, 6, 8, 10, 12):
        return "medicine"
    if slot in (5, 7, 9, 11, 13):
        return "integration"
    return "follow_up" if slot > 20 else "integration"


def seed_client(practice, therapist, prescriber, sessions: int, label: str):
    """One client with a year of care and ``sessions`` sessions."""
    from tracker.demo import answers_for
    from tracker.models import (
        CareTeamMember,
        Client,
        GoalRating,
        HomeworkAssignment,
        HomeworkEntry,
        IntegrationGoal,
        KetamineAdministration,
        TherapySession,
        VitalSign,
    )
    from tracker.services import measures as measure_service

    client = Client(
        practice_id=practice.id,
        primary_therapist_id=therapist.id,
        preferred_name=label,
        legal_name=f"{label} Benchmark",
        date_of_birth=date(1984, 2, 2),
        status="active",
        course_start_date=YEAR_START,
        presenting_concerns="Treatment-resistant depression; intergenerational trauma.",
    )
    db.session.add(client)
    db.session.flush()
    db.session.add(
        CareTeamMember(
            client_id=client.id, user_id=prescriber.id, role="prescriber", added_by_id=therapist.id
        )
    )
    weight = Decimal("78.0")
    medicine = 0
    for index in range(sessions):
        day = YEAR_START + timedelta(days=index * 364 // sessions)
        starts_at = datetime.combine(day, clock_time(9, 0), tzinfo=UTC)
        phase = phase_of(index)
        session = TherapySession(
            client_id=client.id,
            therapist_id=therapist.id,
            starts_at=starts_at,
            duration_minutes=180 if phase == "medicine" else 60,
            modality="kabsp" if index % 3 == 0 else "kap",
            phase=phase,
            setting="in_person",
            note_format="soap",
            note_body=json.dumps(NOTE, sort_keys=True),
            summary=f"{phase.replace('_', ' ').capitalize()} session {index + 1}: "
            "steady progress, resources in place, integration themes of family and grief.",
            suicide_screen="negative",
            status="draft",
        )
        db.session.add(session)
        db.session.flush()
        if phase != "medicine":
            continue
        medicine += 1
        held = medicine % 3 == 0
        readings = [
            (0, 146 if held else 128, 92 if held else 82, 74, 98),
            (15, 138, 86, 78, 98),
            (40, 152, 94, 88, 97),
            (70, 144, 90, 82, 91 if medicine % 4 == 0 else 97),
            (100, 132, 84, 76, 98),
            (130, 124, 80, 72, 99),
        ]
        for minute, systolic, diastolic, heart_rate, spo2 in readings:
            db.session.add(
                VitalSign(
                    session_id=session.id,
                    taken_at=starts_at + timedelta(minutes=minute),
                    systolic=systolic,
                    diastolic=diastolic,
                    heart_rate=heart_rate,
                    spo2=spo2,
                    recorded_by_id=therapist.id,
                )
            )
        dose = Decimal(("50", "60", "70")[medicine % 3])
        db.session.add(
            KetamineAdministration(
                session_id=session.id,
                route=("im", "sublingual", "iv")[medicine % 3],
                dose_mg=dose,
                weight_kg=weight,
                mg_per_kg=mg_per_kg(dose, weight),
                given_at=starts_at + timedelta(minutes=20),
                lot_number="KX-1",
                prescriber="Dr. Bench Prescriber",
                hold_override_reason="146/92 while anxious on arrival, 138/86 at fifteen "
                "minutes; the prescriber reviewed and agreed to dose."
                if held
                else None,
                recorded_by_id=therapist.id,
            )
        )
    for number in range(10):
        goal = IntegrationGoal(
            client_id=client.id,
            title=f"Goal {number + 1}: call my sister on Sundays and stay present",
            domain=("relationships", "emotional_regulation", "family_patterns")[number % 3],
            baseline=2 + number % 3,
            target=8,
            status="active" if number < 8 else "achieved",
            started_on=YEAR_START,
            status_since=YEAR_START,
            created_by_id=therapist.id,
            measure_code="phq9" if number == 0 else None,
            measure_comparison="at_most" if number == 0 else None,
            measure_value=9 if number == 0 else None,
        )
        db.session.add(goal)
        db.session.flush()
        for month in range(12):
            db.session.add(
                GoalRating(
                    goal_id=goal.id,
                    value=min(10, goal.baseline + month // 2),
                    rated_on=YEAR_START + timedelta(days=30 * month + 5),
                    rated_by_id=therapist.id,
                    by_client=month % 2 == 1,
                )
            )
    for code, first, last in (("phq9", 19, 7), ("gad7", 15, 6), ("pcl5", 48, 28)):
        for step in range(10):
            total = round(first + (last - first) * step / 9)
            measure_service.submit_answers(
                client,
                therapist,
                instrument=code,
                answers=answers_for(code, total),
                extra_answer=1 if code == "phq9" else None,
                completed_on=YEAR_START + timedelta(days=step * 36),
                by_client=True,
            )
    for number, recurrence in enumerate(("daily", "weekly", "daily", "once")):
        assignment = HomeworkAssignment(
            client_id=client.id,
            title=f"Practice {number + 1}: morning breathwork",
            recurrence=recurrence,
            weekdays="0,3" if recurrence == "weekly" else "",
            start_date=YEAR_START,
            due_date=YEAR_START + timedelta(days=20) if recurrence == "once" else None,
            assigned_by_id=therapist.id,
        )
        db.session.add(assignment)
        db.session.flush()
        for day in range(0, 364, 2 if recurrence == "daily" else 7):
            db.session.add(
                HomeworkEntry(
                    assignment_id=assignment.id,
                    occurrence_date=YEAR_START + timedelta(days=day),
                    reflection="Felt calmer afterwards." if day % 14 == 0 else None,
                    reflection_shared=True,
                )
            )
            if recurrence == "once":
                break
    db.session.flush()
    return client


def median_ms(durations: list[float]) -> float:
    return statistics.median(durations) * 1000


def plain_floor() -> tuple[int, float]:
    """WeasyPrint's plain one-page floor, in this (warm) process: pages, CPU seconds."""
    import weasyprint

    started = time.process_time()
    weasyprint.HTML(string=PLAIN).write_pdf()
    return 1, time.process_time() - started


def render_counting_cpu(html: str, stylesheet: str) -> tuple[int, float]:
    """Runs in a rendering process: pages, and the CPU seconds the rendering took."""
    started = time.process_time()
    _, pages = pdf.render_in_process(html, stylesheet)
    return pages, time.process_time() - started


def time_renders(jobs: dict) -> dict[str, tuple[float, int, float, float]]:
    """For each job (a callable returning the pages and the CPU seconds it used): the
    median ms of RUNS runs, its pages, the ms of its first (warm-up) run, which is left
    out, and the median CPU ms (what the work costs whatever the machine's load). The
    jobs run in rotation, so a burst of load on a shared machine hits them alike."""
    first, pages = {}, {}
    durations = {name: [] for name in jobs}
    cpu = {name: [] for name in jobs}
    for name, job in jobs.items():
        started = time.perf_counter()
        pages[name], _ = job()
        first[name] = (time.perf_counter() - started) * 1000
    for _ in range(RUNS):
        for name, job in jobs.items():
            started = time.perf_counter()
            _, seconds = job()
            durations[name].append(time.perf_counter() - started)
            cpu[name].append(seconds)
    return {
        name: (median_ms(durations[name]), pages[name], first[name], median_ms(cpu[name]))
        for name in jobs
    }


def report_html(client, therapist, today: date) -> tuple[str, float, float]:
    """The clinical report's HTML for the year, and the ms spent gathering the data
    and filling the template."""
    from tracker.printing import reports as report_printing
    from tracker.services import reports as report_service

    request = report_service.ReportRequest(kind=rules.CLINICAL, period=PERIOD)
    started = time.perf_counter()
    data = report_service.gather(client, request, therapist, today)
    gathered = time.perf_counter()
    html = report_printing.render_html(data, for_pdf=True, report_id="R-BENCHMARK0")
    done = time.perf_counter()
    return html, (gathered - started) * 1000, (done - gathered) * 1000


def _login(browser) -> None:
    import re

    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = browser.post(
        "/login",
        data={
            "email": "bench-therapist@example.test",
            "password": BENCH_PASSWORD,
            "csrf_token": token,
        },
    )
    assert answer.status_code == 302, answer.status_code


def time_http_reprint(app, client_id: int) -> tuple[float, float, float]:
    """Medians (ms) of the cached reprint through HTTP: the report form's POST (which
    finds the PDF and records the report), the download it redirects to, and both."""
    import re

    browser = app.test_client()
    _login(browser)
    path = f"/clients/{client_id}/reports"
    page = browser.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "kind": rules.CLINICAL,
        "period_start": YEAR_START.isoformat(),
        "period_end": YEAR_END.isoformat(),
    }
    posts, downloads = [], []
    for index in range(RUNS * 3 + 1):
        started = time.perf_counter()
        answer = browser.post(path, data=form)
        posted = time.perf_counter()
        download = browser.get(answer.location)
        done = time.perf_counter()
        assert answer.status_code == 302, answer.status_code
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
        if index:  # the first one may render (and fills the cache)
            posts.append(posted - started)
            downloads.append(done - posted)
    both = [a + b for a, b in zip(posts, downloads, strict=True)]
    return median_ms(posts), median_ms(downloads), median_ms(both)


def worker_rss(pool) -> dict[int, float]:
    """Resident memory (MiB) of each rendering process of ``pool``, by process id."""
    sizes = {}
    for process in list((getattr(pool._executor, "_processes", None) or {}).values()):
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes[process.pid] = int(line.split()[1]) / 1024
    return sizes


def measure_memory(app, html: str, count: int) -> None:
    """Print the rendering worker's memory over ``count`` year reports: a sample every
    25 reports, and for each worker its growth per report once settled (its first 50
    reports fill WeasyPrint's and Pango's caches; a worker is replaced after
    ``pdf.TASKS_PER_WORKER``)."""
    pool = pdf.RenderPool(
        workers=1,
        memory_mb=app.config["REPORT_MEMORY_MB"],
        cpu_seconds=app.config["REPORT_CPU_SECONDS"],
        timeout=app.config["REPORT_TIMEOUT"],
    )
    pool.render(html, REPORT_CSS)
    print(f"memory: worker at the start: {_sizes(worker_rss(pool))}", flush=True)
    started = time.perf_counter()
    lives: dict[int, list[tuple[int, float]]] = {}  # pid -> (its reports so far, MiB)
    first_report: dict[int, int] = {}
    line = []
    for number in range(1, count + 1):
        pool.render(html, REPORT_CSS)
        if number % 25:
            continue
        for pid, mib in worker_rss(pool).items():
            first_report.setdefault(pid, number - 25 if lives else 0)
            lives.setdefault(pid, []).append((number - first_report[pid], mib))
            line.append(f"{number}: {mib:.1f}")
        if number % 100 == 0:
            print("  after " + ", ".join(line) + " MiB", flush=True)
            line = []
    if line:
        print("  after " + ", ".join(line) + " MiB", flush=True)
    for pid, samples in lives.items():
        settled = [(n, mib) for n, mib in samples if n >= 50]
        if len(settled) < 2:
            continue
        (n0, m0), (n1, m1) = settled[0], settled[-1]
        print(
            f"memory: worker {pid}: {samples[0][1]:.1f} MiB after its first 25 reports, "
            f"{m0:.1f} after {n0}, {m1:.1f} after {n1}: "
            f"{(m1 - m0) * 1024 / (n1 - n0):+.1f} KiB per report once settled"
        )
    print(
        f"memory: {count} reports in {time.perf_counter() - started:.0f} s, "
        f"{len(lives)} worker(s) (replaced after {pdf.TASKS_PER_WORKER} documents)"
    )
    pool.shutdown()


def _sizes(sizes: dict[int, float]) -> str:
    return ", ".join(f"pid {pid} {mib:.1f} MiB" for pid, mib in sorted(sizes.items())) or "-"


def main() -> None:
    url = f"sqlite:///{WORK / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    from tracker.printing import reports as report_printing
    from tracker.services import reports as report_service

    with app.app_context(), force_locale("en"):
        upgrade()
        practice, therapist, prescriber = seed_practice()
        clients = {
            count: seed_client(practice, therapist, prescriber, count, f"Year{count}")
            for count in (50, 100, 200)
        }
        db.session.commit()
        pool = pdf.pool_for(app.config)
        # Start the worker process (import, fonts) outside the timings.
        pool.render(ONE_PAGE, REPORT_CSS)

        print(
            f"report workers: {app.config['REPORT_WORKERS']}, timed runs: {RUNS} (+1 warm-up), "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        built = {count: report_html(c, therapist, YEAR_END) for count, c in clients.items()}

        def through_pool(html: str):
            # The pool's own path (a future on its process), timing the CPU there too.
            def job():
                future = pool._pool().submit(render_counting_cpu, html, REPORT_CSS)
                return future.result(timeout=app.config["REPORT_TIMEOUT"])

            return job

        timed = time_renders(
            {
                "plain": plain_floor,
                "floor": through_pool(ONE_PAGE),
                **{count: through_pool(html) for count, (html, _, _) in built.items()},
            }
        )
        plain, _, _, plain_cpu = timed["plain"]
        floor, floor_pages, _, floor_cpu = timed["floor"]
        print(
            f"plain floor (<p>hello</p>, in process): median {plain:7.1f} ms, "
            f"{plain_cpu:.1f} ms CPU  (1 page)\n"
            f"report floor (one page, report CSS and fonts, through the pool): "
            f"median {floor:7.1f} ms, {floor_cpu:.1f} ms CPU  ({floor_pages} page)"
        )
        results, results_cpu = {}, {}
        for count, (html, gathering, templating) in built.items():
            render, pages, warm_up, render_cpu = timed[count]
            results[count], results_cpu[count] = render, render_cpu
            print(
                f"clinical report, {count:3} sessions: median {render:7.1f} ms  "
                f"{render / plain:5.1f}x plain, {render / floor:5.1f}x report floor; "
                f"{render_cpu:6.1f} ms CPU {render_cpu / plain_cpu:5.1f}x plain CPU  "
                f"{pages} pages, {render / pages:3.0f} ms/page  (first run {warm_up:.0f} ms; "
                f"gather {gathering:.0f} ms + HTML {templating:.0f} ms, {len(html) // 1024} KiB)"
            )
        per_session = [
            (results[100] - results[50]) / 50,
            (results[200] - results[100]) / 100,
        ]
        print(
            f"growth: {per_session[0]:.1f} ms per session from 50 to 100, "
            f"{per_session[1]:.1f} ms per session from 100 to 200 "
            f"(year report at 200 sessions = {results[200] / results[50]:.2f}x the one at 50)"
        )
        print(
            f"ratio year report / plain floor: {results[50] / plain:.1f}x (target <= 20x, "
            f"moonshot 12x), in CPU time {results_cpu[50] / plain_cpu:.1f}x; "
            f"/ report floor: {results[50] / floor:.1f}x"
        )

        year = clients[50]
        request = report_service.ReportRequest(kind=rules.CLINICAL, period=PERIOD)
        report_printing.generate(year, request, therapist, YEAR_END)  # fills the cache
        db.session.commit()
        cached, cpu = [], []
        for _ in range(RUNS * 3):
            db.session.expire_all()  # as in a new request: nothing loaded yet
            started, started_cpu = time.perf_counter(), time.process_time()
            rendered = report_printing.generate(year, request, therapist, YEAR_END)
            cached.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert rendered.report.from_cache
        db.session.rollback()
        print(
            f"cached reprint (generate again): median {median_ms(cached):6.1f} ms "
            f"({median_ms(cpu):.1f} ms CPU; target < 20 ms)"
        )
        year_id = year.id
        html = built[50][0]

    post, download, both = time_http_reprint(app, year_id)
    print(
        f"cached reprint through HTTP: POST {post:.1f} ms + download {download:.1f} ms "
        f"= {both:.1f} ms (target < 20 ms)"
    )

    pair = pdf.pool_for({**app.config, "REPORT_WORKERS": 2})
    with ThreadPoolExecutor(2) as requests:
        list(requests.map(lambda h: pair.render(h, REPORT_CSS), [ONE_PAGE, ONE_PAGE]))
        list(requests.map(lambda h: pair.render(h, REPORT_CSS), [html, html]))
        total = 4 * RUNS // 2 * 2
        started = time.perf_counter()
        list(requests.map(lambda h: pair.render(h, REPORT_CSS), [html] * total))
        elapsed = time.perf_counter() - started
    print(
        f"2 concurrent requests, 2 workers: {total / elapsed:.2f} reports/s "
        f"({total} year reports in {elapsed:.1f} s; one worker alone: "
        f"{1000 / results[50]:.2f} reports/s)"
    )
    pdf.shutdown_all()
    if MEMORY_REPORTS:
        measure_memory(app, html, MEMORY_REPORTS)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
