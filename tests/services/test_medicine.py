"""The medicine-session service: clearance as of a day, consent as of a day, the
previous dose, and readiness judged from what is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.factories import make_user
from tests.session_factories import add_to_care_team, make_administration, make_session
from tracker.extensions import db
from tracker.models import Consent, MedicalScreening
from tracker.services import medicine


def screening(world, screened_on: date, decision: str, decided_by=None) -> None:
    db.session.add(
        MedicalScreening(
            client_id=world.client_a.id,
            screened_on=screened_on,
            decision=decision,
            decided_by_id=decided_by.id if decided_by else None,
            decided_at=datetime.combine(screened_on, datetime.min.time(), tzinfo=UTC)
            if decided_by
            else None,
            recorded_by_id=world.therapist_a.id,
        )
    )
    db.session.flush()


def test_a_dose_is_judged_by_the_clearance_in_force_that_day(world):
    doctor = make_user(world.practice, "therapist", name="Dr. Dose")
    add_to_care_team(world.client_a, doctor, "prescriber")
    screening(world, date(2026, 3, 1), "cleared", doctor)
    screening(world, date(2026, 6, 1), "pending")  # a new screening awaits review
    on = {
        day: medicine.clearance(world.client_a, world.practice, day).state
        for day in (
            date(2026, 2, 28),
            date(2026, 3, 1),
            date(2026, 5, 31),
            date(2026, 6, 1),
        )
    }
    assert on == {
        date(2026, 2, 28): "none",
        date(2026, 3, 1): "cleared",
        date(2026, 5, 31): "cleared",
        date(2026, 6, 1): "pending",
    }
    world.practice.clearance_valid_months = 2
    assert medicine.clearance(world.client_a, world.practice, date(2026, 5, 1)).state == "lapsed"


def test_the_consent_in_force_that_day(world):
    db.session.add(
        Consent(
            client_id=world.client_a.id,
            kind="kap_informed",
            version="1",
            given_on=date(2026, 3, 1),
            revoked_on=date(2026, 4, 1),
            recorded_by_id=world.therapist_a.id,
        )
    )
    db.session.add(
        Consent(
            client_id=world.client_a.id,
            kind="touch",
            version="1",
            given_on=date(2026, 1, 1),
            recorded_by_id=world.therapist_a.id,
        )
    )
    db.session.flush()
    active = {
        day: medicine.ketamine_consent_active(world.client_a, day)
        for day in (date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1))
    }
    assert active == {
        date(2026, 2, 28): False,
        date(2026, 3, 1): True,
        date(2026, 3, 31): True,
        date(2026, 4, 1): False,  # revoked that day
    }


def test_the_previous_dose_comes_from_earlier_sessions_only(world):
    first = make_session(world.client_a, starts_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    make_administration(first, minutes=20)
    current = make_session(world.client_a, starts_at=datetime(2026, 3, 9, 9, tzinfo=UTC))
    make_administration(current, minutes=20)
    later = make_session(world.client_a, starts_at=datetime(2026, 3, 16, 9, tzinfo=UTC))
    make_administration(later, minutes=20)
    db.session.flush()
    assert medicine.last_dose_before(current) == first.starts_at + timedelta(minutes=20)
    assert medicine.last_dose_before(first) is None
