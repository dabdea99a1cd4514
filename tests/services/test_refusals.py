"""The services of clients, screening, consents, medicine sessions, adverse events and
practice settings refuse input with the one ``Rejected`` type, naming the form field each
problem belongs beside: the views catch ``Rejected`` and show it with ``show_problems``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.session_factories import make_administration, make_session
from tracker.models.base import utcnow
from tracker.services import Rejected
from tracker.services import adverse_events as event_service
from tracker.services import clients as client_service
from tracker.services import medicine as medicine_service
from tracker.services import practice as practice_service


def test_a_revocation_before_the_consent_is_refused_beside_its_date(world):
    given = date(2026, 3, 1)
    consent = client_service.record_consent(
        world.client_a, world.therapist_a, kind="kap_informed", version="1", given_on=given
    )
    with pytest.raises(Rejected) as refused:
        client_service.revoke_consent(
            world.client_a, world.therapist_a, consent.id, given - timedelta(days=1)
        )
    assert list(refused.value.problems) == ["revoked_on"]
    assert consent.revoked_on is None


def test_clearing_without_being_the_prescriber_is_refused_beside_the_decision(world):
    with pytest.raises(client_service.ScreeningRejected) as refused:
        client_service.record_screening(
            world.client_a,
            world.therapist_a,
            {"screened_on": date(2026, 3, 1), "decision": "cleared"},
        )
    assert isinstance(refused.value, Rejected)
    assert "decision" in refused.value.problems


def test_a_discharge_home_against_the_criteria_is_refused_with_its_findings(world):
    session = make_session(world.client_a)
    make_administration(session)
    data = {"outcome": "home", "discharged_at": session.starts_at + timedelta(minutes=20)}
    with pytest.raises(Rejected) as refused:
        medicine_service.record_discharge(session, world.practice, world.therapist_a, data)
    assert set(refused.value.problems) == {"reason", "left_with"}
    assert refused.value.findings  # the unmet criteria behind the refusal


def test_an_adverse_event_without_the_action_taken_is_refused(world):
    event = event_service.EventData(
        event_type="nausea_vomiting",
        severity="mild",
        onset_at=utcnow() - timedelta(hours=1),
        action_taken=" ",
        outcome="resolved",
        outcome_note="",
        prescriber_informed=True,
        description="",
    )
    with pytest.raises(Rejected) as refused:
        event_service.record(world.client_a, world.therapist_a, world.practice, event)
    assert list(refused.value.problems) == ["action_taken"]


def test_contradictory_vitals_settings_are_refused_beside_their_fields(world):
    practice = world.practice
    values = {
        name: getattr(practice, name)
        for name in (
            *practice_service.TEXT_FIELDS,
            *practice_service.THRESHOLD_FIELDS,
            *practice_service.MEDICINE_FIELDS,
            *practice_service.ALERT_FIELDS,
        )
    }
    values["alert_systolic_high"] = values["hold_systolic"]
    with pytest.raises(Rejected) as refused:
        practice_service.update_settings(practice, values)
    assert list(refused.value.problems) == ["alert_systolic_high"]
