"""The demo practice shows a medicine session as the issue describes it: fully
monitored, discharged, with an adverse event, and every dose ready or overridden."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import login
from tracker.demo import DEMO_PASSWORD
from tracker.extensions import db
from tracker.models import (
    AdverseEvent,
    Client,
    KetamineAdministration,
    Practice,
    SessionDischarge,
    TherapySession,
)
from tracker.services import medicine


@pytest.fixture
def sam(app) -> Client:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--quiet"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalar(select(Client).where(Client.preferred_name == "Sam"))


def test_a_fully_monitored_medicine_session_with_discharge_and_an_adverse_event(app, sam):
    practice = db.session.get(Practice, sam.practice_id)
    (event,) = db.session.scalars(select(AdverseEvent).where(AdverseEvent.client_id == sam.id))
    session = db.session.get(TherapySession, event.session_id)
    assert session.phase == "medicine" and session.is_signed
    assert len(session.vitals) >= 10  # every 15 minutes from the dose, and the re-check
    assert session.discharge is not None and session.discharge.unmet_findings == ""
    assert medicine.unexplained_findings(session, practice) == {}
    # every signed session with a dose has its discharge
    undischarged = db.session.scalar(
        select(func.count(TherapySession.id)).where(
            TherapySession.status == "signed",
            TherapySession.administrations.any(),
            ~TherapySession.discharge.has(),
        )
    )
    assert undischarged == 0
    # the held dose carries the prescriber's override
    (held,) = db.session.scalars(
        select(KetamineAdministration).where(KetamineAdministration.override_findings != "")
    )
    assert held.override_findings == "bp_hold" and held.override_reason

    browser = app.test_client()
    assert login(browser, "therapist@demo.test", DEMO_PASSWORD).status_code == 302
    page = browser.get(f"/clients/{sam.id}/sessions/{session.id}").get_data(as_text=True)
    assert "Went home" in page and "Nausea or vomiting" in page
    timeline = browser.get(f"/clients/{sam.id}/sessions").get_data(as_text=True)
    assert "Dosed despite: blood pressure above the hold threshold" in timeline
    assert db.session.scalar(select(func.count(SessionDischarge.id))) >= 3
