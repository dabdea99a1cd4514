"""The service, called directly, enforces where a reading's or a dose's time may fall:
within an hour of the session for a reading, within the session for a dose, and a clock
time after midnight of a late session on the next day."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from tests.factories import make_user
from tests.session_factories import add_to_care_team, make_ready, make_session
from tracker.domain.vitals import Reading
from tracker.extensions import db
from tracker.models import TherapySession
from tracker.services import Rejected
from tracker.services import sessions as service

LATE = datetime(2026, 6, 15, 22, 0, tzinfo=UTC)  # 22:00 to 01:00 (the practice is in UTC)


def stored_vitals(session: TherapySession) -> list:
    db.session.expire_all()
    return db.session.get(TherapySession, session.id).vitals


@pytest.mark.parametrize(
    ("taken_at", "message"),
    [
        (
            datetime(2026, 6, 16, 2, 1, tzinfo=UTC),
            "The time must be within an hour of the session.",
        ),
        (
            datetime(2026, 6, 15, 20, 59, tzinfo=UTC),
            "The time must be within an hour of the session.",
        ),
        (time(3, 0), "The time must be within an hour of the session."),
        (None, "Enter the time of the reading."),
    ],
)
def test_a_reading_outside_the_hour_around_the_session_is_refused(world, taken_at, message):
    session = make_session(world.client_a, starts_at=LATE)
    good = (datetime(2026, 6, 15, 22, 5, tzinfo=UTC), Reading(120, 80, 70, 98), "")
    with pytest.raises(Rejected) as refused:
        service.add_vitals(
            session, world.therapist_a, [good, (taken_at, Reading(heart_rate=70), "")]
        )
    assert {key: p.message for key, p in refused.value.problems.items()} == {"1-taken_at": message}
    assert stored_vitals(session) == []  # all readings or none


def test_an_impossible_reading_is_refused_by_the_service(world):
    session = make_session(world.client_a, starts_at=LATE)
    with pytest.raises(Rejected) as refused:
        service.add_vitals(session, world.therapist_a, [(LATE, Reading(spo2=120), "")])
    assert refused.value.problems["0-spo2"].message == "Must be between %(low)s and %(high)s."


def test_a_clock_time_after_midnight_is_the_night_after_the_start(world):
    session = make_session(world.client_a, starts_at=LATE)
    (vital,) = service.add_vitals(
        session, world.therapist_a, [(time(0, 30), Reading(120, 80, 70, 98), "")]
    )
    assert vital.taken_at == datetime(2026, 6, 16, 0, 30, tzinfo=UTC)


def dose(given_at) -> service.DoseRequest:
    return service.DoseRequest(
        route="im",
        dose_mg=Decimal("60"),
        weight_kg=Decimal("80"),
        given_at=given_at,
        override_reason="Checked by phone.",
    )


def test_a_dose_typed_after_midnight_is_given_the_night_after(world):
    prescriber = make_user(world.practice, "therapist", name="Dr. Late")
    add_to_care_team(world.client_a, prescriber, "prescriber")
    session = make_session(world.client_a, starts_at=LATE)
    make_ready(session, reading_minutes=120)
    given = service.add_administration(session, world.practice, prescriber, dose(time(0, 15)))
    assert given.given_at == datetime(2026, 6, 16, 0, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "given_at", [time(1, 30), datetime(2026, 6, 15, 21, 59, tzinfo=UTC)], ids=["clock", "instant"]
)
def test_a_dose_outside_the_session_is_refused_by_the_service(world, given_at):
    session = make_session(world.client_a, starts_at=LATE)
    with pytest.raises(Rejected) as refused:
        service.add_administration(session, world.practice, world.therapist_a, dose(given_at))
    assert list(refused.value.problems) == ["given_at"]
    assert refused.value.problem.message.startswith("The time given must fall within the session")


def test_a_clock_time_that_does_not_exist_is_refused_by_the_service(world):
    world.practice.timezone = "Europe/Berlin"
    spring = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 01:00 CET, clocks go forward at 02:00
    session = make_session(world.client_a, starts_at=spring)
    with pytest.raises(Rejected) as refused:
        service.add_vitals(
            session, world.therapist_a, [(time(2, 30), Reading(heart_rate=70), "")], world.practice
        )
    assert refused.value.problems["0-taken_at"].params == {"time": "02:30", "date": "2026-03-29"}
    with pytest.raises(Rejected) as refused:
        service.add_administration(session, world.practice, world.therapist_a, dose(time(2, 30)))
    assert refused.value.problems["given_at"].params == {"time": "02:30", "date": "2026-03-29"}
