"""Numbers follow the reader's locale: 82.5 kg in English, 82,5 kg in German."""

from __future__ import annotations

from datetime import date

from tests.factories import login
from tracker.extensions import db
from tracker.models import MedicalScreening


def test_weights_follow_the_locale(client, world):
    db.session.add(
        MedicalScreening(
            client_id=world.client_a.id,
            screened_on=date(2026, 10, 1),
            weight_kg=82.5,
            decision="cleared",
            recorded_by_id=world.therapist_a.id,
        )
    )
    world.therapist_a.locale = "de"
    db.session.commit()
    login(client, world.therapist_a)
    german = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "82,5 kg" in german

    world.therapist_a.locale = "en"
    db.session.commit()
    english = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "82.5 kg" in english
