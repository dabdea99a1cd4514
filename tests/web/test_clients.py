"""The client record: create, validate, edit (audited), screening, consents, care team."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select, text

from tests import factories
from tests.factories import login, post_form
from tests.web.pages import field_error, field_value, has_field_error, is_checked
from tests.web.pages import text as page_text
from tracker.domain.policy import CareTeamRole
from tracker.extensions import db
from tracker.models import AuditEvent, CareTeamMember, Client, Consent, MedicalScreening, User

TODAY = date.today()


def shown(day: date) -> str:
    """A date as the pages show it (English, medium)."""
    return format_date(day, "medium", locale="en")


def signed_in(app: Flask, user: User) -> FlaskClient:
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


@pytest.fixture
def therapist_a(app, world) -> FlaskClient:
    return signed_in(app, world.therapist_a)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


CLIENT_FORM = {
    "preferred_name": "Rosa",
    "legal_name": "Rosa María Delgado",
    "date_of_birth": "1992-07-21",
    "pronouns": "she/her",
    "email": "rosa@example.org",
    "phone": "+1 555 0101",
    "address": "3 Elm Road, Springfield",
    "emergency_contact_name": "Luis Delgado",
    "emergency_contact_phone": "+1 555 0199",
    "status": "paused",
    "course_start_date": "2026-10-20",
    "referral_source": "Community clinic",
    "presenting_concerns": "Chronic anxiety & body tension.\n<b>Family</b> migration story.",
}


# --- create ---------------------------------------------------------------------------


def test_create_client_with_every_field_shows_them_on_the_record(therapist_a, world):
    response = post_form(therapist_a, "/clients/new", CLIENT_FORM)
    assert response.status_code == 302
    match = re.fullmatch(r"/clients/(\d+)", response.headers["Location"])
    assert match
    client_id = int(match.group(1))

    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    for name in (
        "preferred_name",
        "pronouns",
        "email",
        "phone",
        "address",
        "emergency_contact_name",
        "emergency_contact_phone",
        "referral_source",
    ):
        assert CLIENT_FORM[name] in page, name
    assert "Rosa María Delgado" in page
    assert shown(date(1992, 7, 21)) in page
    assert shown(date(2026, 10, 20)) in page
    assert '<span class="badge">Paused</span>' in page
    assert world.therapist_a.name in page
    # Typed text is shown as text, never as markup.
    assert "Chronic anxiety &amp; body tension." in page
    assert "&lt;b&gt;Family&lt;/b&gt; migration story." in page
    assert "<b>Family</b>" not in page

    db.session.expire_all()
    stored = db.session.get(Client, client_id)
    assert stored.primary_therapist_id == world.therapist_a.id
    assert stored.practice_id == world.practice.id
    assert stored.date_of_birth == date(1992, 7, 21)
    assert stored.course_start_date == date(2026, 10, 20)
    assert stored.status == "paused"
    assert stored.presenting_concerns == CLIENT_FORM["presenting_concerns"]
    raw = db.session.execute(
        text("SELECT presenting_concerns FROM client WHERE id = :id"), {"id": client_id}
    ).scalar()
    assert "anxiety" not in raw  # encrypted at rest
    assert [e.client_id for e in audit_events("client.create")] == [client_id]


def test_optional_fields_may_stay_empty(therapist_a):
    data = {"preferred_name": "Kai", "legal_name": "Kai Nakamura", "status": "active"}
    response = post_form(therapist_a, "/clients/new", data)
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(Client).where(Client.legal_name == "Kai Nakamura"))
    assert stored.date_of_birth is None
    assert stored.presenting_concerns is None
    assert stored.email == ""


def test_missing_names_are_refused_next_to_the_fields_keeping_the_rest(therapist_a):
    before = count(Client)
    data = {**CLIENT_FORM, "preferred_name": "  ", "legal_name": ""}
    response = post_form(therapist_a, "/clients/new", data, form_page="/clients/new")
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "preferred_name") == "This field is required."
    assert field_error(page, "legal_name") == "This field is required."
    assert "Please correct the marked fields below." in page
    assert not has_field_error(page, "email")
    for name in ("pronouns", "email", "phone", "address", "referral_source"):
        assert field_value(page, name) == CLIENT_FORM[name], name
    assert field_value(page, "date_of_birth") == "1992-07-21"
    assert field_value(page, "status") == "paused"
    assert field_value(page, "presenting_concerns") == CLIENT_FORM["presenting_concerns"]
    assert count(Client) == before


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("email", "not-an-email", "Enter a valid e-mail address."),
        ("email", "rosa@", "Enter a valid e-mail address."),
        ("date_of_birth", (TODAY + timedelta(days=1)).isoformat(), "Enter a real date of birth."),
        ("date_of_birth", "1899-12-31", "Enter a real date of birth."),
        ("date_of_birth", "21.07.1992", "Not a valid date value."),
    ],
    ids=["no domain", "no host", "future birth date", "before 1900", "not a date"],
)
def test_invalid_field_is_refused_with_a_message_and_kept(therapist_a, field, typed, message):
    before = count(Client)
    response = post_form(therapist_a, "/clients/new", {**CLIENT_FORM, field: typed})
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, field) == message
    assert field_value(page, field) == typed
    assert field_value(page, "legal_name") == CLIENT_FORM["legal_name"]
    assert count(Client) == before


# --- edit -----------------------------------------------------------------------------


def form_as_shown(page: str, names) -> dict[str, str]:
    """What a browser would send back for the form fields ``names`` untouched."""
    return {name: field_value(page, name) or "" for name in names}


CLIENT_FIELD_NAMES = tuple(CLIENT_FORM)


def test_edit_saves_and_audits_the_changed_field_names_only(therapist_a, world):
    client_id = world.client_a.id
    edit_page = page_text(therapist_a.get(f"/clients/{client_id}/edit"))
    data = form_as_shown(edit_page, CLIENT_FIELD_NAMES)
    assert data["preferred_name"] == "Cora"
    data["phone"] = "+44 20 7946 0000"
    data["presenting_concerns"] = "Grief; a family silence about the war."

    response = post_form(therapist_a, f"/clients/{client_id}/edit", data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client_id}"

    db.session.expire_all()
    stored = db.session.get(Client, client_id)
    assert stored.phone == "+44 20 7946 0000"
    assert stored.presenting_concerns == "Grief; a family silence about the war."
    assert stored.preferred_name == "Cora"
    (event,) = audit_events("client.update")
    assert event.client_id == client_id
    assert event.actor_id == world.therapist_a.id
    assert event.detail == "phone,presenting_concerns"
    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    assert "+44 20 7946 0000" in page


def test_edit_with_errors_keeps_the_edit_and_changes_nothing(therapist_a, world):
    client_id = world.client_a.id
    data = form_as_shown(
        page_text(therapist_a.get(f"/clients/{client_id}/edit")), CLIENT_FIELD_NAMES
    )
    data.update(legal_name="", phone="+1 555 0123")
    response = post_form(therapist_a, f"/clients/{client_id}/edit", data)
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "legal_name") == "This field is required."
    assert field_value(page, "phone") == "+1 555 0123"
    db.session.expire_all()
    assert db.session.get(Client, client_id).phone == ""
    assert audit_events("client.update") == []


# --- screening ------------------------------------------------------------------------

NEEDS_NOTES = (
    "A flagged item is checked: explain in the notes why the client is cleared despite it."
)


def screening_form(**changes: str) -> dict[str, str]:
    return {"screened_on": TODAY.isoformat(), "weight_kg": "68.5", "decision": "pending", **changes}


# What a clearance rests on: blood pressure at review, medications and contraindications.
REVIEW = {
    "decision": "cleared",
    "bp_systolic": "124",
    "bp_diastolic": "78",
    "medications_reviewed": "y",
    "contraindications_reviewed": "y",
}


@pytest.fixture
def prescriber(app, world) -> FlaskClient:
    """Therapist B as the prescriber on client A's care team, signed in."""
    db.session.add(
        CareTeamMember(client_id=world.client_a.id, user_id=world.therapist_b.id, role="prescriber")
    )
    db.session.commit()
    return signed_in(app, world.therapist_b)


def test_clearing_with_a_flag_and_no_notes_is_refused_on_the_notes_field(prescriber, world):
    path = f"/clients/{world.client_a.id}/screening"
    data = screening_form(
        **REVIEW, psychosis_history="y", medications="Sertraline 100 mg", notes=" "
    )
    response = post_form(prescriber, path, data)
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "notes") == NEEDS_NOTES
    assert is_checked(page, "psychosis_history")
    assert not is_checked(page, "pregnancy")
    assert field_value(page, "medications") == "Sertraline 100 mg"
    assert field_value(page, "decision") == "cleared"
    assert count(MedicalScreening) == 0


def test_clearing_with_a_flag_and_notes_is_saved_under_the_deciders_name(
    prescriber, therapist_a, world
):
    client_id = world.client_a.id
    data = screening_form(
        **REVIEW,
        psychosis_history="y",
        notes="Single episode in 2009, reviewed with the psychiatrist.",
    )
    response = post_form(prescriber, f"/clients/{client_id}/screening", data)
    assert response.status_code == 302

    db.session.expire_all()
    (screening,) = db.session.scalars(select(MedicalScreening))
    assert screening.client_id == client_id
    assert screening.decision == "cleared"
    assert screening.psychosis_history is True
    assert screening.flagged_items == ["psychosis_history"]
    assert screening.decided_by_id == world.therapist_b.id
    assert screening.recorded_by_id == world.therapist_b.id
    assert screening.decided_at is not None
    assert (screening.bp_systolic, screening.bp_diastolic) == (124, 78)
    assert screening.medications_reviewed and screening.contraindications_reviewed
    assert str(screening.weight_kg) == "68.5"

    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    assert "Cleared for ketamine" in page
    decided_on = shown(screening.decided_at.date())
    assert f"by {world.therapist_b.name} on {decided_on}" in page
    assert "Blood pressure 124/78" in page
    assert "History of psychosis" in page
    assert "Single episode in 2009, reviewed with the psychiatrist." in page
    assert "68.5 kg" in page
    assert [e.detail for e in audit_events("screening.create")] == ["decision=cleared"]


@pytest.mark.parametrize("decision", ["cleared", "not_cleared"])
def test_a_therapist_cannot_decide_clearance(therapist_a, world, decision):
    path = f"/clients/{world.client_a.id}/screening"
    response = post_form(therapist_a, path, screening_form(**{**REVIEW, "decision": decision}))
    assert response.status_code == 400
    assert "Medical clearance is decided by the prescriber on the care team." in page_text(response)
    assert count(MedicalScreening) == 0


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ({"weight_kg": ""}, "weight_kg", "Clearing needs the client's weight."),
        ({"bp_systolic": ""}, "bp_systolic", "Clearing needs the blood pressure at review."),
        ({"bp_diastolic": ""}, "bp_systolic", "Clearing needs the blood pressure at review."),
        (
            {"medications_reviewed": ""},
            "medications_reviewed",
            "Review the current medications before clearing.",
        ),
        (
            {"contraindications_reviewed": ""},
            "contraindications_reviewed",
            "Review the contraindications before clearing.",
        ),
    ],
)
def test_a_clearance_rests_on_weight_blood_pressure_and_reviews(
    prescriber, world, missing, field, message
):
    data = {key: value for key, value in screening_form(**{**REVIEW, **missing}).items() if value}
    response = post_form(prescriber, f"/clients/{world.client_a.id}/screening", data)
    assert response.status_code == 400
    page = page_text(response)
    error = f'<small id="{field}-error" class="field-error" role="alert">{escape(message)}</small>'
    assert error in page
    assert count(MedicalScreening) == 0


def test_a_pending_screening_asks_the_prescriber_and_names_no_decider(therapist_a, world):
    client_id = world.client_a.id
    response = post_form(therapist_a, f"/clients/{client_id}/screening", screening_form())
    assert response.status_code == 302
    db.session.expire_all()
    (screening,) = db.session.scalars(select(MedicalScreening))
    assert screening.decided_by_id is None
    assert screening.decided_at is None
    assert screening.clearance_requested_by_id == world.therapist_a.id
    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    assert "Awaiting medical clearance" in page
    assert f"Review requested by {world.therapist_a.name}" in page
    assert "Cleared for ketamine" not in page


def test_the_prescriber_reviews_the_newest_screening_pre_filled(therapist_a, prescriber, world):
    path = f"/clients/{world.client_a.id}/screening"
    data = screening_form(cardiovascular_disease="y", medications="Lisinopril 10 mg 8181")
    assert post_form(therapist_a, path, data).status_code == 302
    page = page_text(prescriber.get(f"/clients/{world.client_a.id}"))
    assert "Review medical clearance" in page
    form = page_text(prescriber.get(path))
    assert field_value(form, "medications") == "Lisinopril 10 mg 8181"
    assert is_checked(form, "cardiovascular_disease")
    assert field_value(form, "bp_systolic") in ("", None)


@pytest.mark.parametrize("weight", ["24.9", "10", "350.1", "1000"])
def test_weight_out_of_range_is_refused(therapist_a, world, weight):
    path = f"/clients/{world.client_a.id}/screening"
    response = post_form(therapist_a, path, screening_form(weight_kg=weight))
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "weight_kg") == "Enter a weight between 25 and 350 kg."
    assert field_value(page, "weight_kg") == weight
    assert count(MedicalScreening) == 0


@pytest.mark.parametrize("weight", ["25", "350"])
def test_weight_bounds_are_accepted(therapist_a, world, weight):
    path = f"/clients/{world.client_a.id}/screening"
    assert post_form(therapist_a, path, screening_form(weight_kg=weight)).status_code == 302


def test_screening_date_may_not_be_in_the_future(therapist_a, world):
    path = f"/clients/{world.client_a.id}/screening"
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = post_form(therapist_a, path, screening_form(screened_on=tomorrow))
    assert response.status_code == 400
    assert field_error(page_text(response), "screened_on") == "This date is in the future."


# --- consents -------------------------------------------------------------------------


def record_consent(browser: FlaskClient, client_id: int, given_on: date, kind="kap_informed"):
    return post_form(
        browser,
        f"/clients/{client_id}/consents",
        {"kind": kind, "version": "2026-01", "given_on": given_on.isoformat()},
        form_page=f"/clients/{client_id}",
    )


def revoke(browser: FlaskClient, client_id: int, consent_id: int, revoked_on: date):
    return post_form(
        browser,
        f"/clients/{client_id}/consents/{consent_id}/revoke",
        {"revoked_on": revoked_on.isoformat()},
        form_page=f"/clients/{client_id}",
    )


def test_record_and_revoke_a_consent(therapist_a, world):
    client_id = world.client_a.id
    given = TODAY - timedelta(days=20)
    response = record_consent(therapist_a, client_id, given)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client_id}#consents"
    db.session.expire_all()
    (consent,) = db.session.scalars(select(Consent))
    assert (consent.kind, consent.version, consent.given_on) == ("kap_informed", "2026-01", given)
    assert consent.recorded_by_id == world.therapist_a.id

    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    assert "KAP informed consent" in page
    assert shown(given) in page
    assert "In force" in page
    assert "Mark revoked" in page

    revoked = TODAY - timedelta(days=2)
    response = revoke(therapist_a, client_id, consent.id, revoked)
    assert response.status_code == 302
    db.session.expire_all()
    consent = db.session.get(Consent, consent.id)
    assert consent.revoked_on == revoked
    assert consent.revoked_by_id == world.therapist_a.id
    assert not consent.is_active

    page = page_text(therapist_a.get(f"/clients/{client_id}"))
    assert f"Revoked on {shown(revoked)}" in page
    assert "In force" not in page
    assert "Mark revoked" not in page
    assert [e.action for e in audit_events("consent.revoke")] == ["consent.revoke"]


def test_revoking_before_the_consent_was_given_is_refused(therapist_a, world):
    client_id = world.client_a.id
    given = TODAY - timedelta(days=5)
    record_consent(therapist_a, client_id, given)
    db.session.expire_all()
    (consent,) = db.session.scalars(select(Consent))

    response = revoke(therapist_a, client_id, consent.id, given - timedelta(days=1))
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "revoked_on") == (
        "A consent cannot be revoked before the date it was given."
    )
    assert field_value(page, "revoked_on") == (given - timedelta(days=1)).isoformat()
    db.session.expire_all()
    consent = db.session.get(Consent, consent.id)
    assert consent.revoked_on is None
    assert consent.revoked_by_id is None
    assert audit_events("consent.revoke") == []


def test_consent_form_errors_show_next_to_the_field(therapist_a, world):
    client_id = world.client_a.id
    response = post_form(
        therapist_a,
        f"/clients/{client_id}/consents",
        {"kind": "touch", "version": "", "given_on": (TODAY + timedelta(days=3)).isoformat()},
        form_page=f"/clients/{client_id}",
    )
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "version") == "This field is required."
    assert field_error(page, "given_on") == "This date is in the future."
    assert field_value(page, "kind") == "touch"
    assert count(Consent) == 0


def test_a_revoked_consent_cannot_be_revoked_again(therapist_a, world):
    client_id = world.client_a.id
    record_consent(therapist_a, client_id, TODAY - timedelta(days=5))
    db.session.expire_all()
    (consent,) = db.session.scalars(select(Consent))
    assert revoke(therapist_a, client_id, consent.id, TODAY).status_code == 302
    assert revoke(therapist_a, client_id, consent.id, TODAY).status_code == 403


# --- care team ------------------------------------------------------------------------


def add_to_team(browser: FlaskClient, client_id: int, user: User, role: str):
    return post_form(
        browser,
        f"/clients/{client_id}/care-team",
        {"user_id": str(user.id), "role": role},
        form_page=f"/clients/{client_id}",
    )


def member_id(client_id: int, user: User) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(CareTeamMember.id).where(
            CareTeamMember.client_id == client_id, CareTeamMember.user_id == user.id
        )
    )


def test_care_team_candidates_are_staff_of_the_practice(therapist_a, world):
    page = page_text(therapist_a.get(f"/clients/{world.client_a.id}"))
    select_html = page[
        page.index('id="user_id"') : page.index("</select>", page.index('id="user_id"'))
    ]
    options = re.findall(r'value="(\d+)"', select_html)
    assert sorted(int(o) for o in options) == sorted([world.therapist_b.id, world.admin.id])


def test_co_therapist_sees_and_edits_the_client(app, therapist_a, world):
    client_id = world.client_a.id
    theo = signed_in(app, world.therapist_b)
    assert theo.get(f"/clients/{client_id}").status_code == 404

    response = add_to_team(therapist_a, client_id, world.therapist_b, "co_therapist")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client_id}#care-team"
    (event,) = audit_events("care_team.add")
    assert event.detail == f"user={world.therapist_b.id},role=co_therapist"

    caseload = page_text(theo.get("/clients"))
    assert "Cora" in caseload
    assert "(you are on the care team)" in caseload
    record = page_text(theo.get(f"/clients/{client_id}"))
    assert f"{world.therapist_b.name} — Co-therapist" in record

    data = form_as_shown(page_text(theo.get(f"/clients/{client_id}/edit")), CLIENT_FIELD_NAMES)
    data["pronouns"] = "she/they"
    assert post_form(theo, f"/clients/{client_id}/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Client, client_id).pronouns == "she/they"
    (update,) = audit_events("client.update")
    assert (update.actor_id, update.detail) == (world.therapist_b.id, "pronouns")


def test_supervisor_can_view_but_not_change(app, therapist_a, world):
    client_id = world.client_a.id
    add_to_team(therapist_a, client_id, world.therapist_b, "supervisor")
    theo = signed_in(app, world.therapist_b)
    record = theo.get(f"/clients/{client_id}")
    assert record.status_code == 200
    page = page_text(record)
    assert "Edit details" not in page
    assert "Record a screening" not in page
    assert "Record consent" not in page

    assert theo.get(f"/clients/{client_id}/edit").status_code == 403
    edit = post_form(theo, f"/clients/{client_id}/edit", CLIENT_FORM, form_page="/clients")
    assert edit.status_code == 403
    assert theo.get(f"/clients/{client_id}/screening").status_code == 403
    assert record_consent(theo, client_id, TODAY).status_code == 403
    db.session.expire_all()
    assert db.session.get(Client, client_id).legal_name != CLIENT_FORM["legal_name"]
    assert count(Consent) == 0


def test_prescriber_records_a_screening_but_does_not_edit(app, therapist_a, world):
    client_id = world.client_a.id
    add_to_team(therapist_a, client_id, world.therapist_b, "prescriber")
    theo = signed_in(app, world.therapist_b)
    response = post_form(theo, f"/clients/{client_id}/screening", screening_form(**REVIEW))
    assert response.status_code == 302
    db.session.expire_all()
    (screening,) = db.session.scalars(select(MedicalScreening))
    assert screening.decided_by_id == world.therapist_b.id
    page = page_text(theo.get(f"/clients/{client_id}"))
    assert f"by {world.therapist_b.name}" in page
    assert theo.get(f"/clients/{client_id}/edit").status_code == 403
    assert record_consent(theo, client_id, TODAY).status_code == 403


def test_removed_member_loses_access(app, therapist_a, world):
    client_id = world.client_a.id
    add_to_team(therapist_a, client_id, world.therapist_b, "co_therapist")
    theo = signed_in(app, world.therapist_b)
    assert theo.get(f"/clients/{client_id}").status_code == 200

    member = member_id(client_id, world.therapist_b)
    response = post_form(
        therapist_a,
        f"/clients/{client_id}/care-team/{member}/remove",
        {},
        form_page=f"/clients/{client_id}",
    )
    assert response.status_code == 302
    assert theo.get(f"/clients/{client_id}").status_code == 404
    assert theo.get(f"/clients/{client_id}/edit").status_code == 404
    assert "Cora" not in page_text(theo.get("/clients"))
    assert member_id(client_id, world.therapist_b) is None
    assert [e.detail for e in audit_events("care_team.remove")] == [f"user={world.therapist_b.id}"]


def test_admin_on_the_care_team_sees_the_record(app, therapist_a, world):
    client_id = world.client_a.id
    world.client_a.presenting_concerns = "Intergenerational grief."
    db.session.commit()
    ada = signed_in(app, world.admin)
    assert ada.get(f"/clients/{client_id}").status_code == 404

    assert add_to_team(therapist_a, client_id, world.admin, "supervisor").status_code == 302
    record = ada.get(f"/clients/{client_id}")
    assert record.status_code == 200
    assert "Intergenerational grief." in page_text(record)
    assert ada.get(f"/clients/{client_id}/edit").status_code == 403


def test_only_the_primary_therapist_manages_the_care_team(app, therapist_a, world):
    client_id = world.client_a.id
    add_to_team(therapist_a, client_id, world.therapist_b, "co_therapist")
    theo = signed_in(app, world.therapist_b)
    assert "Add to care team" not in page_text(theo.get(f"/clients/{client_id}"))

    assert add_to_team(theo, client_id, world.admin, "supervisor").status_code == 403
    own = member_id(client_id, world.therapist_b)
    removal = post_form(
        theo, f"/clients/{client_id}/care-team/{own}/remove", {}, form_page="/clients"
    )
    assert removal.status_code == 403
    assert member_id(client_id, world.admin) is None
    assert member_id(client_id, world.therapist_b) == own


@pytest.mark.parametrize("who", ["client_user_b", "therapist_a"])
def test_clients_and_the_primary_cannot_join_the_team(therapist_a, world, who):
    client_id = world.client_a.id
    response = add_to_team(therapist_a, client_id, getattr(world, who), "co_therapist")
    assert response.status_code == 400
    assert field_error(page_text(response), "user_id") == "Not a valid choice."
    assert count(CareTeamMember) == 0


def test_staff_of_another_practice_cannot_join_the_team(therapist_a, world):
    elsewhere = factories.make_user(factories.make_practice("Elsewhere"), "therapist")
    db.session.commit()
    response = add_to_team(therapist_a, world.client_a.id, elsewhere, CareTeamRole.SUPERVISOR)
    assert response.status_code == 400
    assert count(CareTeamMember) == 0
