"""A medicine session end to end through the web: the readiness gate, the prescriber's
override, readiness judged again after later vitals, discharge, and signing."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import csrf_token, login, make_user
from tests.session_factories import add_to_care_team
from tracker.extensions import db
from tracker.models import (
    KetamineAdministration,
    MedicalScreening,
    SessionDischarge,
    TherapySession,
    VitalSign,
)

DAY = "2026-11-20"


def _new_session(client, client_id: int, **overrides) -> int:
    data = {
        "session_date": DAY,
        "start_time": "09:00",
        "duration_minutes": "180",
        "modality": "kap",
        "phase": "medicine",
        "setting": "in_person",
        "intention": "Meet the grief with curiosity",
        "note_format": "soap",
        "note_soap_subjective": "Client reports low mood this week.",
        "note_soap_plan": "Integration session in three days.",
        "suicide_screen": "negative",
        "summary": "Second medicine session.",
    }
    data.update(overrides)
    path = f"/clients/{client_id}/sessions/new"
    response = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/sessions/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def prescriber(app, world):
    """A physician on client A's care team as the prescriber, signed in."""
    doctor = make_user(world.practice, "therapist", name="Dr. Mira Okafor")
    add_to_care_team(world.client_a, doctor, "prescriber")
    db.session.add(
        MedicalScreening(
            client_id=world.client_a.id,
            screened_on=date(2026, 11, 1),
            weight_kg=80,
            psychosis_history=True,
            decision="not_cleared",
            decided_by_id=doctor.id,
            recorded_by_id=doctor.id,
        )
    )
    db.session.commit()
    browser = app.test_client()
    login(browser, doctor)
    return browser


def post(browser, path: str, data: dict, token: str):
    return browser.post(path, data={**data, "csrf_token": token})


def test_a_medicine_session_from_the_readiness_gate_to_signing(client, prescriber, world):
    login(client, world.therapist_a)
    session_id = _new_session(client, world.client_a.id)
    base = f"/clients/{world.client_a.id}/sessions/{session_id}"
    token = csrf_token(client, base)
    doctor_token = csrf_token(prescriber, base)

    # Not cleared, no consent, no vitals, checklist open: the page says all of it.
    page = client.get(base).get_data(as_text=True)
    assert "Not ready to dose" in page
    for finding in (
        "No current medical clearance for ketamine.",
        "No active KAP informed consent.",
        "No complete pre-dose reading",
        "Pre-dose checklist not complete",
    ):
        assert finding in page

    dose = {"route": "im", "dose_mg": "50", "weight_kg": "80", "given_time": "09:30"}
    refused = post(client, f"{base}/administrations", dose, token)
    assert refused.status_code == 400
    assert "Only the prescriber on the care team can record the dose anyway" in (
        refused.get_data(as_text=True)
    )
    # a therapist's reason does not override
    with_reason = {**dose, "override_reason": "The client insists."}
    assert post(client, f"{base}/administrations", with_reason, token).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(KetamineAdministration.id))) == 0

    # SpO2 85 % and a heart rate of 160 before the dose block it too.
    vitals = {
        "rows-0-taken_time": "09:20",
        "rows-0-systolic": "128",
        "rows-0-diastolic": "82",
        "rows-0-heart_rate": "160",
        "rows-0-spo2": "85",
    }
    assert post(client, f"{base}/vitals", vitals, token).status_code == 302
    refused = post(prescriber, f"{base}/administrations", dose, doctor_token)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Heart rate 160 is outside 50–150." in text and "SpO₂ 85 % is below 92 %." in text
    assert "As the prescriber, give the reason to dose anyway." in text

    # The prescriber overrides, with a reason: stored with the codes, who and when.
    reason = "Pulse oximeter misread on cold fingers; repeat by hand 96 %. Benefit agreed."
    accepted = post(
        prescriber, f"{base}/administrations", {**dose, "override_reason": reason}, doctor_token
    )
    assert accepted.status_code == 302
    (saved,) = db.session.scalars(sa.select(KetamineAdministration)).all()
    assert saved.override_findings == (
        "checklist_incomplete,heart_rate_out_of_range,no_consent,not_cleared,spo2_low"
    )
    assert saved.override_reason == reason
    page = client.get(base).get_data(as_text=True)
    assert "Dosed despite:" in page and reason in page and "Dr. Mira Okafor" in page

    # A reading entered later but timed before the dose: judged again, it needs a reason.
    late = {
        "rows-0-taken_time": "09:25",
        "rows-0-systolic": "162",
        "rows-0-diastolic": "98",
        "rows-0-heart_rate": "90",
        "rows-0-spo2": "97",
    }
    assert post(client, f"{base}/vitals", late, token).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Judged again on what is recorded now, this dose was not ready" in page
    assert "Blood pressure 162/98 is above the dosing hold threshold 140/90." in page

    # Discharge: criteria unmet need a reason; then recorded.
    discharge = {
        "outcome": "home",
        "discharged_time": "11:45",
        "oriented_and_steady": "y",
        "escort_or_transport": "y",
        "left_with": "Her sister",
    }
    refused = post(client, f"{base}/discharge", discharge, token)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Not every discharge criterion is met" in text
    assert 'value="Her sister"' in text  # the typed answer is kept
    reading = {
        "rows-0-taken_time": "11:35",
        "rows-0-systolic": "126",
        "rows-0-diastolic": "80",
        "rows-0-heart_rate": "74",
        "rows-0-spo2": "98",
    }
    assert post(client, f"{base}/vitals", reading, token).status_code == 302
    assert post(client, f"{base}/discharge", discharge, token).status_code == 302
    stored = db.session.scalar(sa.select(SessionDischarge))
    assert (stored.outcome, stored.left_with, stored.unmet_findings) == ("home", "Her sister", "")

    # Signing waits for the prescriber's retrospective reason.
    version = str(db.session.get(TherapySession, session_id).version)
    refused = post(client, f"{base}/sign", {"version": version, "confirm": "1"}, token)
    assert refused.status_code == 409
    assert "the prescriber gives the reason before the note is signed" in (
        refused.get_data(as_text=True)
    )
    assert (
        post(
            client, f"{base}/administrations/{saved.id}/reason", {"reason": "Mine."}, token
        ).status_code
        == 403
    )
    explained = post(
        prescriber,
        f"{base}/administrations/{saved.id}/reason",
        {"reason": "The 09:25 reading was taken before the manual repeat; accepted."},
        doctor_token,
    )
    assert explained.status_code == 302
    db.session.expire_all()
    assert db.session.get(KetamineAdministration, saved.id).retro_findings == "bp_hold"

    signed = post(client, f"{base}/sign", {"version": version, "confirm": "1"}, token)
    assert signed.status_code == 302
    db.session.expire_all()
    session = db.session.get(TherapySession, session_id)
    assert session.status == "signed" and session.signed_by_id == world.therapist_a.id

    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(
            sa.text("UPDATE session_discharge SET left_with = NULL WHERE session_id = :id"),
            {"id": session_id},
        )
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM vital_sign"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(VitalSign.id))) == 3

    page = client.get(base).get_data(as_text=True)
    assert "Went home" in page and "Her sister" in page and reason in page
    timeline = client.get(f"/clients/{world.client_a.id}/sessions").get_data(as_text=True)
    assert "no. 1" in timeline
    # the course view names every override (who and why) and how the session ended
    assert "Overrides and discharges" in timeline
    assert "Dosed despite: checklist incomplete, heart rate out of range" in timeline
    assert "override by Dr. Mira Okafor" in timeline and reason in timeline
    assert "Explained afterwards: blood pressure above the hold threshold" in timeline
    assert "Went home" in timeline


def test_a_session_with_a_dose_is_not_signed_without_a_discharge(client, prescriber, world):
    login(client, world.therapist_a)
    session_id = _new_session(client, world.client_a.id)
    base = f"/clients/{world.client_a.id}/sessions/{session_id}"
    doctor_token = csrf_token(prescriber, base)
    dose = {
        "route": "im",
        "dose_mg": "50",
        "weight_kg": "80",
        "given_time": "09:30",
        "override_reason": "Documented afterwards from the paper chart.",
    }
    assert post(prescriber, f"{base}/administrations", dose, doctor_token).status_code == 302
    refused = post(
        client, f"{base}/sign", {"version": "1", "confirm": "1"}, csrf_token(client, base)
    )
    assert refused.status_code == 409
    assert "Ketamine was given: record the discharge, or document why there is none" in (
        refused.get_data(as_text=True)
    )
    timeline = client.get(f"/clients/{world.client_a.id}/sessions").get_data(as_text=True)
    assert "No discharge recorded" in timeline
    # Not going home needs the reason, and then the note can be signed.
    token = csrf_token(client, base)
    transfer = {"outcome": "transfer", "discharged_time": "10:10"}
    refused = post(client, f"{base}/discharge", transfer, token)
    assert refused.status_code == 400
    assert "Say what happened instead of going home." in refused.get_data(as_text=True)
    transfer["reason"] = "Chest pain at 10:05; ambulance called, handed over at 10:10."
    assert post(client, f"{base}/discharge", transfer, token).status_code == 302
    assert post(client, f"{base}/sign", {"version": "1", "confirm": "1"}, token).status_code == 302


def test_the_checklist_is_the_practices_and_all_done_ticks_every_item(client, world):
    login(client, world.therapist_a)
    session_id = _new_session(client, world.client_a.id)
    base = f"/clients/{world.client_a.id}/sessions/{session_id}"
    token = csrf_token(client, base)
    assert post(client, f"{base}/checklist", {"item": ["fasting", "bogus"]}, token).status_code == (
        302
    )
    db.session.expire_all()
    assert db.session.get(TherapySession, session_id).checklist_ticked == ["fasting"]
    page = client.get(base).get_data(as_text=True)
    assert "Pre-dose checklist not complete: Escort or ride home arranged" in page
    assert post(client, f"{base}/checklist", {"all_done": "1"}, token).status_code == 302
    db.session.expire_all()
    assert len(db.session.get(TherapySession, session_id).checklist_ticked) == 5
    assert "Pre-dose checklist not complete" not in client.get(base).get_data(as_text=True)
