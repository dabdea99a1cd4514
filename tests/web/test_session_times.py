"""The session start typed on the nights the clocks change (practice in Europe/Berlin):
a time that does not exist is refused next to the field, a time that happens twice
asks which one is meant and saves only once chosen; the typed note is never lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from tests.factories import login
from tests.session_factories import (
    field_error,
    input_value,
    make_session,
    post,
    selected,
    session_form,
    textarea,
)
from tracker.extensions import db
from tracker.models import TherapySession

FIRST = "first 02:30 (summer time, CEST)"
SECOND = "second 02:30 (winter time, CET)"


@pytest.fixture
def therapist(app, world):
    world.practice.timezone = "Europe/Berlin"
    db.session.commit()
    browser = app.test_client()
    login(browser, world.therapist_a)
    return browser


def new_path(world) -> str:
    return f"/clients/{world.client_a.id}/sessions/new"


def sessions() -> list[TherapySession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(TherapySession)))


def test_a_start_in_the_spring_gap_is_refused_and_the_text_kept(therapist, world):
    data = session_form(
        session_date="2026-03-29", start_time="02:30", note_soap_plan="Gap plan 8101."
    )
    response = post(therapist, new_path(world), data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "start_time") == (
        "02:30 does not exist on 2026-03-29: the clocks go forward then. "
        "Enter the time as the clock showed it (for example an hour later)."
    )
    assert input_value(page, "start_time") == "02:30"
    assert textarea(page, "note_soap_plan") == "Gap plan 8101."
    assert FIRST not in page  # nothing to choose: the time does not exist at all
    assert sessions() == []


def test_a_start_in_the_autumn_overlap_asks_which_and_saves_once_chosen(therapist, world):
    data = session_form(
        session_date="2026-10-25", start_time="02:30", note_soap_plan="Overlap plan 8102."
    )
    asked = post(therapist, new_path(world), data)
    assert asked.status_code == 400
    page = asked.get_data(as_text=True)
    assert field_error(page, "start_fold") == (
        "02:30 happens twice on 2026-10-25: the clocks go back then. Choose which 02:30 is meant."
    )
    assert FIRST in page and SECOND in page
    assert selected(page, "start_fold") == []
    assert textarea(page, "note_soap_plan") == "Overlap plan 8102."
    assert sessions() == []

    chosen = post(therapist, new_path(world), {**data, "start_fold": "1"})
    assert chosen.status_code == 302
    (session,) = sessions()
    assert session.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET


def test_the_first_of_the_two_is_summer_time(therapist, world):
    data = session_form(session_date="2026-10-25", start_time="02:30", start_fold="0")
    assert post(therapist, new_path(world), data).status_code == 302
    (session,) = sessions()
    assert session.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_an_ordinary_time_ignores_a_left_over_choice(therapist, world):
    data = session_form(session_date="2026-10-25", start_time="09:00", start_fold="0")
    response = post(therapist, new_path(world), data)
    assert response.status_code == 302
    (session,) = sessions()
    assert session.starts_at == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_editing_a_second_0230_shows_the_choice_made_and_keeps_it(therapist, world):
    session = make_session(
        world.client_a, world.therapist_a, starts_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    )
    db.session.commit()
    path = f"/clients/{world.client_a.id}/sessions/{session.id}/edit"
    page = therapist.get(path).get_data(as_text=True)
    assert input_value(page, "start_time") == "02:30"
    assert SECOND in page
    assert selected(page, "start_fold") == ["1"]
    data = session_form(
        session_date="2026-10-25",
        start_time="02:30",
        start_fold="1",
        note_soap_plan="Edited 8103.",
        version="1",
    )
    assert post(therapist, path, data).status_code == 302
    (stored,) = sessions()
    assert stored.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert stored.note_sections_text == {"plan": "Edited 8103."}


def test_an_edit_into_the_spring_gap_is_refused_and_nothing_changes(therapist, world):
    session = make_session(world.client_a, world.therapist_a)
    db.session.commit()
    before = session.starts_at
    path = f"/clients/{world.client_a.id}/sessions/{session.id}/edit"
    data = session_form(
        session_date="2026-03-29", start_time="02:15", note_soap_plan="Kept 8104.", version="1"
    )
    response = post(therapist, path, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "does not exist on 2026-03-29" in field_error(page, "start_time")
    assert textarea(page, "note_soap_plan") == "Kept 8104."
    (stored,) = sessions()
    assert stored.starts_at == before and stored.note_body is None


def test_a_practice_in_utc_never_asks(app, world):
    browser = app.test_client()
    login(browser, world.therapist_a)
    data = session_form(session_date="2026-10-25", start_time="02:30")
    assert post(browser, new_path(world), data).status_code == 302
    (session,) = sessions()
    assert session.starts_at == datetime.combine(date(2026, 10, 25), time(2, 30), tzinfo=UTC)


# --- readings, doses and the discharge typed on the session's own day -------------------

GAP_MESSAGE = (
    "02:30 does not exist on 2026-03-29: the clocks go forward then. "
    "Enter the time as the clock showed it (for example an hour later)."
)


def test_readings_doses_and_discharge_in_the_spring_gap_are_refused(therapist, world):
    # 01:00 CET to 05:00 CEST on the night the clocks go forward
    session = make_session(world.client_a, starts_at=datetime(2026, 3, 29, 0, 0, tzinfo=UTC))
    db.session.commit()
    base = f"/clients/{world.client_a.id}/sessions/{session.id}"
    reading = {
        "rows-0-taken_time": "02:30",
        "rows-0-systolic": "120",
        "rows-0-diastolic": "80",
        "rows-0-heart_rate": "70",
        "rows-0-spo2": "98",
    }
    refused = post(therapist, f"{base}/vitals", reading)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "rows-0-taken_time") == GAP_MESSAGE
    dose = {"route": "im", "dose_mg": "50", "weight_kg": "80", "given_time": "02:30"}
    refused = post(therapist, f"{base}/administrations", dose)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "given_time") == GAP_MESSAGE
    discharge = {"outcome": "transfer", "discharged_time": "02:30", "reason": "Ambulance."}
    refused = post(therapist, f"{base}/discharge", discharge)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "discharged_time") == GAP_MESSAGE
    db.session.expire_all()
    assert db.session.get(TherapySession, session.id).vitals == []


def test_a_reading_in_the_autumn_hour_is_the_occurrence_within_the_session(therapist, world):
    # 03:30 CET on the night the clocks go back (02:30 UTC); 02:50 happened twice that
    # night, and only the second time (01:50 UTC, CET) is within the session's hour.
    session = make_session(
        world.client_a, starts_at=datetime(2026, 10, 25, 2, 30, tzinfo=UTC), duration_minutes=60
    )
    db.session.commit()
    reading = {
        "rows-0-taken_time": "02:50",
        "rows-0-heart_rate": "70",
    }
    base = f"/clients/{world.client_a.id}/sessions/{session.id}"
    assert post(therapist, f"{base}/vitals", reading).status_code == 302
    db.session.expire_all()
    (vital,) = db.session.get(TherapySession, session.id).vitals
    assert vital.taken_at == datetime(2026, 10, 25, 1, 50, tzinfo=UTC)
