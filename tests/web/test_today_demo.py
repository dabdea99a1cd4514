"""The demo practice shows therapist@demo.test a full Today, whatever the date it is
seeded on: every section has work in it."""

from __future__ import annotations

import re

import pytest

from tests.factories import login
from tests.web.pages import section_text
from tracker.demo import DEMO_PASSWORD


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--quiet"])
    assert result.exit_code == 0, result.output
    return app


def test_the_demo_therapist_lands_on_a_full_today(seeded):
    browser = seeded.test_client()
    signed_in = login(browser, "therapist@demo.test", DEMO_PASSWORD)
    assert signed_in.headers["Location"] == "/today"
    page = browser.get("/today").get_data(as_text=True)

    expected = {
        "alerts": ["Elif", "suicidal ideation", "raised 3 hours ago"],
        "planned": ["Elif", "4:00", "Integration", "Start"],
        "drafts": ["Sam", "Over 7 days", "Rosa", "Over 24 hours"],
        "integration": ["Elif", "4 days left", "planned for"],
        "questionnaires": ["Elif", "GAD-7"],
        "homework": ["Sam"],
    }
    for name, phrases in expected.items():
        text = section_text(page, name)
        assert "all clear" not in text, name
        for phrase in phrases:
            assert phrase in text, f"{name}: {phrase!r} not in {text!r}"
    assert "All clear: nothing is waiting" not in page
    # Only the therapist's own clients: Lena is therapist2's.
    assert "Lena" not in page


def test_the_demo_admin_sees_numbers_only(seeded):
    browser = seeded.test_client()
    login(browser, "admin@demo.test", DEMO_PASSWORD)
    page = browser.get("/today").get_data(as_text=True)
    assert "Today in the practice" in page
    for name in ("Elif", "Sam", "Rosa", "Lena", "GAD-7", "suicidal"):
        assert name not in page
    alerts = re.search(r"Safety alerts not yet acknowledged</th><td>(\d+)", page)
    assert alerts and int(alerts.group(1)) == 1
