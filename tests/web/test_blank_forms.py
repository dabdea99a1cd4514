"""Empty entry forms drawn once and reused (clinician/blank_forms.py): in the reader's
language, never with someone's typed text or errors, and drawn afresh when a form comes
back with them."""

from __future__ import annotations

import re

from tests.factories import csrf_token, login, make_user
from tests.session_factories import make_session, sign
from tests.web.pages import field_error, field_value, has_field_error
from tracker.domain.policy import Role
from tracker.extensions import db


def signed_session_url(world) -> str:
    session = make_session(world.client_a, world.therapist_a, note={"subjective": "Calm."})
    sign(session, world.therapist_a)
    db.session.commit()
    return f"/clients/{world.client_a.id}/sessions/{session.id}"


def test_a_blank_form_is_drawn_in_each_readers_language(app, world):
    path = signed_session_url(world)
    english = app.test_client()
    login(english, world.therapist_a)
    assert "Why was this note entered in error?" in english.get(path).get_data(as_text=True)

    world.therapist_a.locale = "de"
    db.session.commit()
    german = english.get(path).get_data(as_text=True)
    assert "Warum wurde diese Notiz irrtümlich erfasst?" in german
    assert "Why was this note entered in error?" not in german
    assert "Nachtrag" in german


def test_a_form_with_errors_is_drawn_afresh_and_not_kept(app, world):
    path = signed_session_url(world)
    browser = app.test_client()
    login(browser, world.therapist_a)
    assert browser.get(path).status_code == 200  # the blank forms are drawn and kept

    token = csrf_token(browser, path)
    response = browser.post(f"{path}/void", data={"csrf_token": token, "reason": " "})
    assert response.status_code == 400
    failed = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in failed and "Write why the note was entered in error." in failed

    page = browser.get(path).get_data(as_text=True)
    assert "Write why the note was entered in error." not in page
    assert 'aria-invalid="true"' not in page


def test_the_record_shows_a_failed_consent_with_its_errors_then_blank_again(app, world):
    record = f"/clients/{world.client_a.id}"
    browser = app.test_client()
    login(browser, world.therapist_a)
    token = csrf_token(browser, record)
    data = {"csrf_token": token, "kind": "touch", "version": "", "given_on": "2026-01-05"}
    response = browser.post(f"{record}/consents", data=data)
    assert response.status_code == 400
    failed = response.get_data(as_text=True)
    assert field_error(failed, "version") == "This field is required."
    assert field_value(failed, "kind") == "touch"
    assert field_value(failed, "given_on") == "2026-01-05"
    assert "<details open>" in failed

    page = browser.get(record).get_data(as_text=True)
    assert not has_field_error(page, "version")
    assert field_value(page, "kind") is None  # nothing chosen
    assert field_value(page, "given_on") == ""


def test_the_care_team_choices_follow_the_staff(app, world):
    record = f"/clients/{world.client_a.id}"
    browser = app.test_client()
    login(browser, world.therapist_a)
    before = browser.get(record).get_data(as_text=True)
    assert f'<option value="{world.therapist_b.id}">{world.therapist_b.name}</option>' in before

    colleague = make_user(world.practice, Role.THERAPIST, name="Dr. New Colleague")
    db.session.commit()
    after = browser.get(record).get_data(as_text=True)
    assert f'<option value="{colleague.id}">Dr. New Colleague</option>' in after


def test_the_hidden_note_formats_are_drawn_in_each_readers_language(app, world):
    path = f"/clients/{world.client_a.id}/sessions/new"
    browser = app.test_client()
    login(browser, world.therapist_a)
    english = browser.get(path).get_data(as_text=True)
    assert "<legend>BIRP (behaviour, intervention, response, plan)</legend>" in english
    assert re.search(r'data-note-format="birp"\s+hidden>', english)

    world.therapist_a.locale = "de"
    db.session.commit()
    german = browser.get(path).get_data(as_text=True)
    assert "<legend>BIRP (Verhalten, Intervention, Reaktion, Plan)</legend>" in german
    assert ">Verhalten <span" in german or ">Verhalten</label>" in german
    assert "BIRP (behaviour" not in german


def test_empty_text_fields_are_drawn_in_each_readers_language_and_typed_ones_as_typed(app, world):
    browser = app.test_client()
    login(browser, world.therapist_a)
    english = browser.get("/clients/new").get_data(as_text=True)
    assert '<label for="referral_source">Referral source</label>' in english

    world.therapist_a.locale = "de"
    db.session.commit()
    german = browser.get("/clients/new").get_data(as_text=True)
    assert '<label for="referral_source">Zuweisung durch</label>' in german

    world.client_a.referral_source = "Dr. Weiss"
    db.session.commit()
    edit = browser.get(f"/clients/{world.client_a.id}/edit").get_data(as_text=True)
    assert field_value(edit, "referral_source") == "Dr. Weiss"
    again = browser.get("/clients/new").get_data(as_text=True)
    assert field_value(again, "referral_source") == ""
