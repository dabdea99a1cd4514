"""Adverse events: recorded on drafts and signed sessions alike, checked, and never
changed or removed afterwards (the ORM guard and the database triggers refuse)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.session_factories import add_to_care_team, at, make_session, sign
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AdverseEvent, ImmutableRecordError
from tracker.services import adverse_events as service

START = at(factories.today_utc() - timedelta(days=2), 9)
NOW = START + timedelta(days=2)


def data(**changes) -> service.EventData:
    values = {
        "event_type": "nausea_vomiting",
        "severity": "moderate",
        "onset_at": START + timedelta(minutes=40),
        "action_taken": "Ondansetron 4 mg; dosing paused.",
        "outcome": "resolved",
        "outcome_note": "",
        "prescriber_informed": True,
        "description": "",
        "session_id": None,
    }
    values.update(changes)
    return service.EventData(**values)


@pytest.fixture
def session(world):
    session = make_session(world.client_a, starts_at=START)
    db.session.commit()
    return session


def record(world, event_data: service.EventData) -> AdverseEvent:
    return service.record(world.client_a, world.therapist_a, world.practice, event_data, NOW)


def test_an_event_is_stored_with_its_session_and_its_text_encrypted(world, session):
    event = record(world, data(session_id=session.id, description="Client felt queasy."))
    db.session.commit()

    stored = db.session.get(AdverseEvent, event.id)
    assert (stored.session_id, stored.client_id, stored.recorded_by_id) == (
        session.id,
        world.client_a.id,
        world.therapist_a.id,
    )
    assert stored.outcome_note is None and stored.description == "Client felt queasy."
    raw = db.session.execute(
        sa.text("SELECT action_taken, description FROM adverse_event WHERE id = :id"),
        {"id": event.id},
    ).one()
    assert "Ondansetron" not in raw.action_taken and "queasy" not in raw.description


def test_an_event_may_be_added_to_a_signed_session(world, session):
    sign(session, world.therapist_a)
    db.session.commit()

    event = record(world, data(session_id=session.id))
    db.session.commit()

    assert db.session.get(AdverseEvent, event.id).session_id == session.id


def test_an_event_without_a_session_is_the_clients(world):
    event = record(world, data(onset_at=NOW - timedelta(days=10)))
    assert event.session_id is None


def test_a_session_of_another_client_is_refused(world):
    other = make_session(world.client_b, starts_at=START)

    with pytest.raises(service.AdverseEventRejected) as rejected:
        record(world, data(session_id=other.id))

    assert set(rejected.value.problems) == {"session_id"}


def test_every_problem_is_reported_at_once(world, session):
    with pytest.raises(service.AdverseEventRejected) as rejected:
        record(
            world,
            data(
                event_type="hangover",
                severity="grade 5",
                outcome="gone",
                action_taken="   ",
                session_id=session.id,
                onset_at=START - timedelta(minutes=5),
            ),
        )
    assert set(rejected.value.problems) == {
        "event_type",
        "severity",
        "outcome",
        "action_taken",
        "onset_at",
    }


def test_an_onset_in_the_future_is_refused(world):
    with pytest.raises(service.AdverseEventRejected) as rejected:
        record(world, data(onset_at=NOW + timedelta(minutes=5)))
    assert rejected.value.problems["onset_at"].message == "The onset cannot be in the future."


# --- append-only ---------------------------------------------------------------------


@pytest.fixture
def stored(world, session):
    event = record(world, data(session_id=session.id))
    db.session.commit()
    return event


def test_the_orm_refuses_a_change(stored):
    stored.outcome = "ongoing"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()


def test_the_orm_refuses_a_deletion(stored):
    db.session.delete(stored)
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE adverse_event SET outcome = 'ongoing' WHERE id = :id",
        "UPDATE adverse_event SET prescriber_informed = :no WHERE id = :id",
        "DELETE FROM adverse_event WHERE id = :id",
    ],
)
def test_the_database_refuses_raw_changes(stored, statement):
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text(statement), {"id": stored.id, "no": False})
    db.session.rollback()
    assert db.session.get(AdverseEvent, stored.id).outcome == "resolved"


def test_the_session_stays_signable_and_the_event_unchanged(world, stored, session):
    sign(session, world.therapist_a)
    db.session.commit()
    assert db.session.get(AdverseEvent, stored.id).session_id == session.id


# --- the practice-wide list ----------------------------------------------------------


def _types(actor) -> list[str]:
    return [e.event_type for e in db.session.scalars(service.practice_query(actor))]


def test_the_list_shows_the_events_of_ones_own_clients_newest_first(world):
    record(world, data(event_type="headache", onset_at=NOW - timedelta(days=3)))
    record(world, data(event_type="tachycardia", onset_at=NOW - timedelta(days=1)))
    service.record(
        world.client_b,
        world.therapist_b,
        world.practice,
        data(event_type="urinary", onset_at=NOW - timedelta(days=2)),
        NOW,
    )
    prescriber = factories.make_user(world.practice, Role.THERAPIST)
    add_to_care_team(world.client_b, prescriber, "prescriber")
    db.session.commit()

    assert _types(world.therapist_a) == ["tachycardia", "headache"]
    assert _types(world.therapist_b) == ["urinary"]
    assert _types(prescriber) == ["urinary"]
    assert _types(world.admin) == []  # on no care team


def test_the_list_filters_by_type_severity_and_days(world):
    record(world, data(event_type="headache", severity="mild", onset_at=NOW - timedelta(days=3)))
    record(world, data(event_type="headache", severity="severe", onset_at=NOW - timedelta(days=1)))
    record(world, data(event_type="tachycardia", onset_at=NOW - timedelta(days=1)))
    db.session.commit()

    def rows(**filters) -> list[tuple[str, str]]:
        query = service.practice_query(world.therapist_a, **filters)
        return [(e.event_type, e.severity) for e in db.session.scalars(query)]

    assert rows(event_type="headache") == [("headache", "severe"), ("headache", "mild")]
    assert rows(severity="severe") == [("headache", "severe")]
    day = (NOW - timedelta(days=3)).date()
    start, before = service.day_bounds(day, day, "UTC")
    assert rows(onset_from=start, onset_before=before) == [("headache", "mild")]
    start, _ = service.day_bounds((NOW - timedelta(days=2)).date(), None, "UTC")
    assert len(rows(onset_from=start)) == 2
