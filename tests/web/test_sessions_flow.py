"""A therapist records a medicine session end to end: note, vitals, dosing, signing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import csrf_token, login
from tracker.extensions import db
from tracker.models import KetamineAdministration, MedicalScreening, TherapySession, VitalSign


def _new_session(client, client_id: int, **overrides) -> int:
    data = {
        "session_date": "2026-11-20",
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


def test_medicine_session_with_hold_override_and_signing(client, world):
    login(client, world.therapist_a)
    db.session.add(
        MedicalScreening(
            client_id=world.client_a.id,
            screened_on=__import__("datetime").date(2026, 11, 1),
            weight_kg=80,
            decision="cleared",
            recorded_by_id=world.therapist_a.id,
        )
    )
    db.session.commit()
    session_id = _new_session(client, world.client_a.id)
    base = f"/clients/{world.client_a.id}/sessions/{session_id}"
    page = client.get(base)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Subjective" in text and "Client reports low mood this week." in text
    assert 'value="80.0"' in text  # weight pre-filled from the screening

    token = csrf_token(client, base)
    response = client.post(
        f"{base}/vitals",
        data={
            "csrf_token": token,
            "rows-0-taken_time": "09:05",
            "rows-0-systolic": "152",
            "rows-0-diastolic": "94",
            "rows-0-heart_rate": "88",
            "rows-0-spo2": "98",
        },
    )
    assert response.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Above the dosing hold threshold" in page

    dose = {
        "csrf_token": token,
        "route": "im",
        "dose_mg": "60",
        "weight_kg": "80",
        "given_time": "09:20",
    }
    refused = client.post(f"{base}/administrations", data=dose)
    assert refused.status_code == 400
    assert "Give the reason for dosing anyway" in refused.get_data(as_text=True)
    accepted = client.post(
        f"{base}/administrations",
        data={**dose, "hold_override_reason": "Repeat reading 138/88 at 09:15; MD agreed."},
    )
    assert accepted.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "0.75" in page and "Repeat reading 138/88" in page

    signed = client.post(f"{base}/sign", data={"csrf_token": token, "version": "1", "confirm": "1"})
    assert signed.status_code == 302
    db.session.expire_all()
    session = db.session.get(TherapySession, session_id)
    assert session.status == "signed" and session.signed_by_id == world.therapist_a.id

    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(
            sa.text("UPDATE therapy_session SET duration_minutes = 10 WHERE id = :id"),
            {"id": session_id},
        )
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM vital_sign"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(VitalSign.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(KetamineAdministration.id))) == 1

    edit = client.get(f"{base}/edit")
    assert edit.status_code == 302
    added = client.post(
        f"{base}/addenda", data={"csrf_token": token, "body": "Late entry: nausea at 10:30."}
    )
    assert added.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Late entry: nausea at 10:30." in page

    timeline = client.get(f"/clients/{world.client_a.id}/sessions").get_data(as_text=True)
    assert "no. 1" in timeline
    assert client.get(f"/clients/{world.client_a.id}/spot-map").status_code == 200
