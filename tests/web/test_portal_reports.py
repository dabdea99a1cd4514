"""Portal: a client downloads the summaries their therapist printed for them, and
nothing else (no clinical report, no other client's summary)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.web.pages import text
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.printing import reports as report_printing
from tracker.services import reports as report_service


def print_report(client, therapist, kind: str, start: date, end: date) -> int:
    """A report printed by the therapist, as the staff Reports page does."""
    request = report_service.ReportRequest(kind=kind, period=rules.Period(start, end))
    with force_locale("en"):
        rendered = report_printing.generate(client, request, therapist, end)
    db.session.commit()
    return rendered.report.id


@pytest.fixture
def printed(world) -> dict[str, int]:
    a, b = world.client_a, world.client_b
    factories.make_goal(a, title="Call my sister on Sundays")
    return {
        "older": print_report(a, world.therapist_a, "client", date(2026, 1, 1), date(2026, 3, 31)),
        "newer": print_report(a, world.therapist_a, "client", date(2026, 1, 1), date(2026, 6, 30)),
        "clinical": print_report(
            a, world.therapist_a, "clinical", date(2026, 1, 1), date(2026, 6, 30)
        ),
        "other_client": print_report(
            b, world.therapist_b, "client", date(2026, 1, 1), date(2026, 6, 30)
        ),
    }


def download_links(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/portal/reports/(\d+)/download"', page)]


def test_the_list_shows_own_client_summaries_newest_first(app, world, login, printed):
    browser = app.test_client()
    login(browser, world.client_user_a)

    page = text(browser.get("/portal/reports"))

    assert download_links(page) == [printed["newer"], printed["older"]]
    assert world.therapist_a.name in page


def test_the_portal_home_links_to_the_summaries(app, world, login):
    browser = app.test_client()
    login(browser, world.client_user_a)

    assert 'href="/portal/reports"' in text(browser.get("/portal/"))


def test_a_client_downloads_their_own_summary(app, world, login, printed):
    browser = app.test_client()
    login(browser, world.client_user_a)

    response = browser.get(f"/portal/reports/{printed['newer']}/download")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    number = rules.client_number(world.client_a.id)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="summary-{number}-2026-06.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    content = "\n".join(page.extract_text() for page in reader.pages)
    assert "Your progress summary" in content
    assert "Call my sister on Sundays" in content
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.download"))
    assert (event.actor_id, event.record_id, event.client_id) == (
        world.client_user_a.id,
        printed["newer"],
        world.client_a.id,
    )


@pytest.mark.parametrize("which", ["clinical", "other_client"])
def test_clinical_reports_and_other_clients_summaries_are_not_found(
    app, world, login, printed, which
):
    browser = app.test_client()
    login(browser, world.client_user_a)

    response = browser.get(f"/portal/reports/{printed[which]}/download")

    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_the_other_client_sees_only_their_own(app, world, login, printed):
    browser = app.test_client()
    login(browser, world.client_user_b)

    assert download_links(text(browser.get("/portal/reports"))) == [printed["other_client"]]
    assert browser.get(f"/portal/reports/{printed['newer']}/download").status_code == 404


def test_no_summaries_yet(app, world, login):
    browser = app.test_client()
    login(browser, world.client_user_a)

    page = text(browser.get("/portal/reports"))

    assert "No summaries yet" in page
    assert download_links(page) == []


@pytest.mark.parametrize("who", ["therapist_a", "admin"])
def test_staff_do_not_reach_the_portal_downloads(app, world, login, printed, who):
    browser = app.test_client()
    login(browser, getattr(world, who))

    assert browser.get("/portal/reports").status_code == 404
    assert browser.get(f"/portal/reports/{printed['newer']}/download").status_code == 404
