"""Session documentation through the browser: the note form and its rules, start from
the last note, lost updates, dosing, vitals, brainspots, the timeline, query counts,
the audit trail and who may do what."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import login, make_user
from tests.session_factories import (
    add_to_care_team,
    at,
    bulk_parts,
    bulk_sessions,
    create_via_web,
    days_ago,
    field_error,
    input_value,
    make_addendum,
    make_administration,
    make_brainspot,
    make_ready,
    make_session,
    make_vital,
    post,
    selected,
    session_form,
    sign,
    textarea,
    token_for,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    BrainspotRecord,
    CareTeamMember,
    KetamineAdministration,
    MedicalScreening,
    TherapySession,
    User,
    VitalSign,
)


def sessions_url(client_id: int) -> str:
    return f"/clients/{client_id}/sessions"


def session_url(session: TherapySession | int, client_id: int | None = None) -> str:
    if isinstance(session, TherapySession):
        return f"/clients/{session.client_id}/sessions/{session.id}"
    return f"/clients/{client_id}/sessions/{session}"


def stored(session_id: int) -> TherapySession:
    db.session.expire_all()
    return db.session.get(TherapySession, session_id)


def count(model: type, session_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.session_id == session_id)
    )


@pytest.fixture
def therapist(app, world):
    """A test client signed in as therapist A (primary therapist of client A)."""
    browser = app.test_client()
    login(browser, world.therapist_a)
    return browser


@pytest.fixture
def medicine(world):
    """A KAP medicine draft for client A, 09:00-12:00 UTC on 2026-03-02."""
    session = make_session(world.client_a, world.therapist_a, starts_at=at(date(2026, 3, 2)))
    db.session.commit()
    return session


@pytest.fixture
def ready_medicine(medicine):
    """The medicine draft, ready to dose at 09:20: clearance by the team's prescriber, an
    active consent, a complete reading at 09:15 and the checklist done."""
    make_ready(medicine)
    db.session.commit()
    return medicine


# --- the note form: validation ---------------------------------------------------------


def test_missing_date_is_refused_next_to_the_field_and_the_text_is_kept(therapist, world):
    data = session_form(session_date="", note_soap_subjective="Typed before the error 4471.")
    response = post(therapist, f"{sessions_url(world.client_a.id)}/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "session_date") == "This field is required."
    assert textarea(page, "note_soap_subjective") == "Typed before the error 4471."
    assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_time", "", "This field is required."),
        ("duration_minutes", "0", "Between 5 and 720 minutes."),
        ("duration_minutes", "721", "Between 5 and 720 minutes."),
        ("modality", "ayahuasca", "Not a valid choice."),
        ("phase", "", "This field is required."),
    ],
)
def test_other_required_fields_are_checked(therapist, world, field, value, message):
    response = post(
        therapist,
        f"{sessions_url(world.client_a.id)}/new",
        session_form(**{field: value}, note_soap_plan="Plan text 9911."),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert textarea(page, "note_soap_plan") == "Plan text 9911."


def test_positive_screen_needs_a_follow_up_note(therapist, world):
    path = f"{sessions_url(world.client_a.id)}/new"
    data = session_form(
        suicide_screen="positive",
        risk_follow_up="   ",
        note_soap_subjective="Said the nights are the hardest 5510.",
    )
    response = post(therapist, path, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "risk_follow_up") == (
        "The screen is positive: write the follow-up (risk level, safety plan, who was informed)."
    )
    assert textarea(page, "note_soap_subjective") == "Said the nights are the hardest 5510."
    assert selected(page, "suicide_screen") == ["positive"]
    assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 0

    data["risk_follow_up"] = "Passive ideation, no plan; safety plan reviewed 5511."
    session_id = create_via_web(therapist, world.client_a.id, **data)
    page = therapist.get(session_url(session_id, world.client_a.id)).get_data(as_text=True)
    assert "Positive: suicidal ideation present" in page
    assert "safety plan reviewed 5511." in page


def test_positive_screen_without_follow_up_is_refused_on_edit_too(therapist, world, medicine):
    path = f"{session_url(medicine)}/edit"
    response = post(
        therapist,
        path,
        session_form(suicide_screen="positive", note_soap_plan="Edited plan 6620.", version="1"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The screen is positive" in field_error(page, "risk_follow_up")
    assert textarea(page, "note_soap_plan") == "Edited plan 6620."
    assert stored(medicine.id).suicide_screen == "negative"


# --- note formats -------------------------------------------------------------------------

FORMATS = {
    "soap": {
        "subjective": "Subjective",
        "objective": "Objective",
        "assessment": "Assessment",
        "plan": "Plan",
    },
    "dap": {"data": "Data", "assessment": "Assessment", "plan": "Plan"},
    "birp": {
        "behavior": "Behaviour",
        "intervention": "Intervention",
        "response": "Response",
        "plan": "Plan",
    },
    "free": {"body": "Note"},
}


@pytest.mark.parametrize("note_format", sorted(FORMATS))
def test_each_note_format_shows_its_own_headings(therapist, world, note_format):
    sections = FORMATS[note_format]
    data = {f"note_{note_format}_{key}": f"{key} text {n}7" for n, key in enumerate(sections)}
    # An integration session: a medicine draft shows its note as the fields of an inline form.
    session_id = create_via_web(
        therapist, world.client_a.id, note_format=note_format, phase="integration", **data
    )
    page = therapist.get(session_url(session_id, world.client_a.id)).get_data(as_text=True)
    headings = re.findall(r'<div class="note-section"><h3>([^<]+)</h3>', page)
    assert headings[: len(sections)] == list(sections.values())
    for n, key in enumerate(sections):
        assert f"{key} text {n}7" in page
    others = {h for fmt, s in FORMATS.items() if fmt != note_format for h in s.values()}
    for heading in others - set(sections.values()):
        assert f"<h3>{heading}</h3>" not in page
    assert stored(session_id).note_sections_text == {
        key: f"{key} text {n}7" for n, key in enumerate(sections)
    }


def test_switching_format_with_text_left_in_the_old_sections_is_refused(therapist, world):
    session_id = create_via_web(
        therapist, world.client_a.id, note_soap_subjective="Old SOAP words 3301."
    )
    path = f"{session_url(session_id, world.client_a.id)}/edit"
    data = session_form(
        note_format="dap",
        note_soap_subjective="Old SOAP words 3301.",
        note_dap_data="New DAP words 3302.",
        version="1",
    )
    response = post(therapist, path, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Text was written under another note format (SOAP" in field_error(page, "note_format")
    assert textarea(page, "note_soap_subjective") == "Old SOAP words 3301."
    assert textarea(page, "note_dap_data") == "New DAP words 3302."
    # Both formats' sections are visible, so nothing typed is hidden away.
    for fmt in ("soap", "dap"):
        assert re.search(rf'data-note-format="{fmt}"\s*>', page)
    kept = stored(session_id)
    assert kept.note_format == "soap" and kept.version == 1
    assert kept.note_sections_text == {"subjective": "Old SOAP words 3301."}

    # Moving the text across, and emptying the old sections, is accepted.
    data["note_soap_subjective"] = ""
    data["note_dap_data"] = "Old SOAP words 3301. New DAP words 3302."
    assert post(therapist, path, data).status_code == 302
    saved = stored(session_id)
    assert saved.note_format == "dap"
    assert saved.note_sections_text == {"data": "Old SOAP words 3301. New DAP words 3302."}


def test_a_new_note_with_text_under_an_unchosen_format_is_refused(therapist, world):
    response = post(
        therapist,
        f"{sessions_url(world.client_a.id)}/new",
        session_form(note_format="free", note_birp_response="Stray words 8080."),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "BIRP" in field_error(page, "note_format")
    assert textarea(page, "note_birp_response") == "Stray words 8080."


# --- start from the last note ----------------------------------------------------------


def test_start_from_the_last_note_carries_the_frame_but_not_the_narrative(therapist, world):
    make_session(
        world.client_a,
        starts_at=days_ago(3),
        modality="kabsp",
        phase="medicine",
        setting="supervised_at_home",
        intention="Carried intention 1234.",
        note_format="dap",
        duration_minutes=150,
        note={"data": "CANARY-DATA", "assessment": "CANARY-ASSESS", "plan": "CANARY-PLAN"},
        summary="CANARY-SUMMARY",
        suicide_screen="positive",
        risk_follow_up="CANARY-RISK",
    )
    # Recorded later, but an earlier session: "last" means the newest by date.
    make_session(
        world.client_a,
        starts_at=days_ago(20),
        modality="psychotherapy",
        setting="telehealth",
        intention="Older intention.",
        note_format="birp",
        duration_minutes=50,
        note={"behavior": "CANARY-OLDER"},
    )
    db.session.commit()
    page = therapist.get(f"{sessions_url(world.client_a.id)}/new?from_last=1").get_data(
        as_text=True
    )
    assert selected(page, "modality") == ["kabsp"]
    assert selected(page, "setting") == ["supervised_at_home"]
    assert selected(page, "note_format") == ["dap"]
    assert input_value(page, "duration_minutes") == "150"
    assert textarea(page, "intention") == "Carried intention 1234."
    assert "CANARY" not in page
    assert textarea(page, "risk_follow_up") == ""
    assert textarea(page, "summary") == ""
    assert selected(page, "suicide_screen") == ["not_assessed"]
    for key in ("data", "assessment", "plan"):
        assert textarea(page, f"note_dap_{key}") == ""


def test_start_from_the_last_note_may_suggest_the_phase(therapist, world):
    make_session(world.client_a, starts_at=days_ago(1), phase="medicine")
    db.session.commit()
    page = therapist.get(
        f"{sessions_url(world.client_a.id)}/new?from_last=1&phase=integration"
    ).get_data(as_text=True)
    assert selected(page, "phase") == ["integration"]


def test_a_new_session_proposes_the_phase_that_follows_the_course(therapist, world):
    new = f"{sessions_url(world.client_a.id)}/new"
    assert selected(therapist.get(new).get_data(as_text=True), "phase") == ["intake"]
    make_session(world.client_a, starts_at=days_ago(20), phase="intake", modality="kabsp")
    make_session(world.client_a, starts_at=days_ago(10), phase="preparation", modality="kabsp")
    db.session.commit()
    page = therapist.get(new).get_data(as_text=True)
    assert selected(page, "phase") == ["medicine"]
    assert selected(page, "modality") == ["kabsp"]
    assert input_value(page, "duration_minutes") == "150"
    make_session(world.client_a, starts_at=days_ago(3), phase="medicine", duration_minutes=165)
    db.session.commit()
    page = therapist.get(new).get_data(as_text=True)
    assert selected(page, "phase") == ["integration"]
    assert input_value(page, "duration_minutes") == "60"


def test_a_plain_new_note_and_a_first_note_start_empty(therapist, world):
    for query in ("", "?from_last=1"):
        response = therapist.get(f"{sessions_url(world.client_a.id)}/new{query}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert input_value(page, "duration_minutes") == "60"
        assert selected(page, "note_format") == ["soap"]
        assert textarea(page, "intention") == ""
    make_session(world.client_a, starts_at=days_ago(1), intention="Not carried 4545.")
    db.session.commit()
    page = therapist.get(f"{sessions_url(world.client_a.id)}/new").get_data(as_text=True)
    assert "Not carried 4545." not in page


# --- lost updates -------------------------------------------------------------------------


@pytest.mark.parametrize("second_editor", ["same therapist", "co-therapist"])
def test_two_edits_of_one_draft_never_silently_overwrite(app, world, medicine, second_editor):
    first = app.test_client()
    login(first, world.therapist_a)
    second = app.test_client()
    if second_editor == "co-therapist":
        add_to_care_team(world.client_a, world.therapist_b, "co_therapist")
        db.session.commit()
        login(second, world.therapist_b)
    else:
        login(second, world.therapist_a)
    path = f"{session_url(medicine)}/edit"
    for browser in (first, second):
        page = browser.get(path).get_data(as_text=True)
        assert input_value(page, "version") == "1"

    saved = post(first, path, session_form(note_soap_plan="First save 1111.", version="1"))
    assert saved.status_code == 302
    conflict = post(
        second,
        path,
        session_form(note_soap_plan="Second typed 2222.", summary="Summary 2223.", version="1"),
    )
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Someone saved this note after you opened it." in page
    assert textarea(page, "note_soap_plan") == "Second typed 2222."
    assert textarea(page, "summary") == "Summary 2223."
    assert "First save 1111." in page  # the version saved meanwhile, to compare
    assert input_value(page, "version") == "2"
    kept = stored(medicine.id)
    assert kept.note_sections_text == {"plan": "First save 1111."}
    assert kept.version == 2

    # Having compared, the second editor saves again on top of the current version.
    resaved = post(
        second,
        path,
        session_form(note_soap_plan="Second typed 2222.", version=input_value(page, "version")),
    )
    assert resaved.status_code == 302
    final = stored(medicine.id)
    assert final.note_sections_text == {"plan": "Second typed 2222."}
    assert final.version == 3


def test_signing_an_outdated_view_is_refused(therapist, world, medicine):
    path = f"{session_url(medicine)}/edit"
    assert (
        post(therapist, path, session_form(note_soap_plan="Changed.", version="1")).status_code
        == 302
    )
    response = post(therapist, f"{session_url(medicine)}/sign", {"version": "1", "confirm": "1"})
    assert response.status_code == 302
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    assert "The note changed since you opened it." in page
    assert stored(medicine.id).status == "draft"


def test_a_signed_note_cannot_be_edited_or_resigned(therapist, world):
    medicine = make_session(world.client_a, world.therapist_a, note={"plan": "Signed plan."})
    db.session.commit()
    sign_data = {"version": "1", "confirm": "1"}
    assert post(therapist, f"{session_url(medicine)}/sign", sign_data).status_code == 302
    signed = stored(medicine.id)
    assert signed.status == "signed" and signed.signed_by_id == world.therapist_a.id
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    assert "Signed by Tara A" in page
    assert "Edit the draft" not in page
    assert "Sign the note…" not in page
    assert therapist.get(f"{session_url(medicine)}/edit").status_code == 302
    response = post(
        therapist, f"{session_url(medicine)}/edit", session_form(note_soap_plan="No.", version="2")
    )
    assert response.status_code == 302
    resign = {"version": "2", "confirm": "1"}
    assert post(therapist, f"{session_url(medicine)}/sign", resign).status_code == 302
    for part in ("vitals", "administrations", "brainspots"):
        assert post(therapist, f"{session_url(medicine)}/{part}", {}).status_code == 409
    after = stored(medicine.id)
    assert after.note_sections_text == {"plan": "Signed plan."}
    assert after.signed_at == signed.signed_at


# --- dosing ---------------------------------------------------------------------------------

DOSE = {"route": "im", "dose_mg": "60", "weight_kg": "80", "given_time": "09:20"}


def test_weight_is_pre_filled_from_the_latest_screening(therapist, world, medicine):
    for screened_on, weight in ((date(2026, 1, 5), 70), (date(2026, 2, 20), Decimal("72.5"))):
        db.session.add(
            MedicalScreening(
                client_id=world.client_a.id,
                screened_on=screened_on,
                weight_kg=weight,
                decision="cleared",
                recorded_by_id=world.therapist_a.id,
            )
        )
    db.session.commit()
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    assert input_value(page, "weight_kg") == "72.5"


def test_a_dose_is_stored_with_its_mg_per_kg_and_shown(therapist, ready_medicine):
    data = {
        **DOSE,
        "lot_number": "LOT-77",
        "adjuncts": "Ondansetron 4 mg 5151",
        "sitter": "Sam Sitter",
    }
    assert (
        post(therapist, f"{session_url(ready_medicine)}/administrations", data).status_code == 302
    )
    [administration] = db.session.scalars(sa.select(KetamineAdministration)).all()
    assert administration.mg_per_kg == Decimal("0.75")
    assert administration.given_at == at(date(2026, 3, 2), 9, 20)
    assert not administration.unusual_confirmed and administration.unusual_reason is None
    page = therapist.get(session_url(ready_medicine)).get_data(as_text=True)
    for shown in ("<strong>0.75</strong>", "LOT-77", "Ondansetron 4 mg 5151"):
        assert shown in page
    assert "Sam Sitter" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"dose_mg": "0"}, "dose_mg", "The dose must be more than 0 mg."),
        ({"dose_mg": "-20"}, "dose_mg", "The dose must be more than 0 mg."),
        ({"dose_mg": "1500"}, "dose_mg", "A dose above 1000 mg cannot be right; check the number."),
        ({"weight_kg": "0"}, "weight_kg", "The weight must be more than 0 kg."),
        ({"weight_kg": "-80"}, "weight_kg", "The weight must be more than 0 kg."),
        ({"weight_kg": "8"}, "weight_kg", "Enter a weight between 25 and 350 kg."),
        (
            {"given_time": "08:30"},
            "given_time",
            "The time given must fall within the session (09:00 to 12:00).",
        ),
        (
            {"given_time": "12:01"},
            "given_time",
            "The time given must fall within the session (09:00 to 12:00).",
        ),
        (
            {"given_time": "05:00"},
            "given_time",
            "The time given must fall within the session (09:00 to 12:00).",
        ),
        ({"dose_mg": ""}, "dose_mg", "This field is required."),
        ({"given_time": ""}, "given_time", "This field is required."),
    ],
)
def test_implausible_doses_are_refused_with_a_message(
    therapist, ready_medicine, change, field, message
):
    data = {**DOSE, **change, "lot_number": "LOT-KEPT"}
    response = post(therapist, f"{session_url(ready_medicine)}/administrations", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert input_value(page, "lot_number") == "LOT-KEPT"
    assert count(KetamineAdministration, ready_medicine.id) == 0


def test_an_unusual_dose_needs_a_confirmation_and_a_stored_reason(therapist, ready_medicine):
    path = f"{session_url(ready_medicine)}/administrations"
    iv = {**DOSE, "route": "iv", "dose_mg": "120", "weight_kg": "80"}  # 1.5 mg/kg IV
    asked = post(therapist, path, iv)
    assert asked.status_code == 400
    message = field_error(asked.get_data(as_text=True), "unusual_reason")
    assert "1.50 mg/kg is above the usual 1.0 mg/kg for this route." in message
    assert "Tick the confirmation and give the reason to record it." in message
    for half in ({"unusual_confirmed": "y"}, {"unusual_reason": "Because 4040."}):
        assert post(therapist, path, {**iv, **half}).status_code == 400
    assert count(KetamineAdministration, ready_medicine.id) == 0

    reason = "Prescriber ordered 1.5 mg/kg after two sub-therapeutic sessions 4041."
    confirmed = post(therapist, path, {**iv, "unusual_confirmed": "y", "unusual_reason": reason})
    assert confirmed.status_code == 302
    [administration] = db.session.scalars(sa.select(KetamineAdministration)).all()
    assert administration.unusual_confirmed is True
    assert administration.unusual_reason == reason
    assert administration.mg_per_kg == Decimal("1.50")
    page = therapist.get(session_url(ready_medicine)).get_data(as_text=True)
    assert "Outside the usual range, confirmed:" in page and reason in page


def test_a_second_dose_past_the_usual_range_together_needs_confirming(therapist, ready_medicine):
    path = f"{session_url(ready_medicine)}/administrations"
    first = {**DOSE, "dose_mg": "80", "weight_kg": "82", "given_time": "09:20"}
    assert post(therapist, path, first).status_code == 302
    second = {**first, "given_time": "09:25"}
    refused = post(therapist, path, second)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "unusual_reason").startswith(
        "With the earlier doses this session, 1.96 mg/kg is above the usual 1.5 mg/kg for "
        "this route."
    )
    reason = "Top-up agreed beforehand for a client with high tolerance 5252."
    confirmed = {**second, "unusual_confirmed": "y", "unusual_reason": reason}
    assert post(therapist, path, confirmed).status_code == 302
    page = therapist.get(session_url(ready_medicine)).get_data(as_text=True)
    assert "Session total:" in page
    assert "Intramuscular (IM) 160 mg (1.96 mg/kg)" in " ".join(page.split())
    assert reason in page


def test_a_usual_dose_stores_no_confirmation_even_if_ticked(therapist, ready_medicine):
    data = {**DOSE, "unusual_confirmed": "y", "unusual_reason": "Not needed."}
    assert (
        post(therapist, f"{session_url(ready_medicine)}/administrations", data).status_code == 302
    )
    [administration] = db.session.scalars(sa.select(KetamineAdministration)).all()
    assert administration.unusual_confirmed is False and administration.unusual_reason is None


def test_dosing_after_a_high_reading_needs_the_prescribers_override(
    app, therapist, world, ready_medicine
):
    make_vital(ready_medicine, minutes=17, systolic=152, diastolic=94)
    db.session.commit()
    path = f"{session_url(ready_medicine)}/administrations"
    # Before the high reading the 09:15 reading was the latest: ready at 09:16.
    assert post(therapist, path, {**DOSE, "given_time": "09:16"}).status_code == 302
    refused = post(therapist, path, DOSE)
    assert refused.status_code == 400
    message = field_error(refused.get_data(as_text=True), "override_reason")
    assert "Blood pressure 152/94 is above the dosing hold threshold 140/90." in message
    assert "Only the prescriber on the care team can record the dose anyway" in message
    # a therapist's reason is not an override
    reason = "Repeat reading 136/86 after rest; prescriber agreed 7070."
    assert post(therapist, path, {**DOSE, "override_reason": reason}).status_code == 400
    prescriber = db.session.scalar(
        sa.select(User)
        .join(CareTeamMember, CareTeamMember.user_id == User.id)
        .where(CareTeamMember.client_id == world.client_a.id, CareTeamMember.role == "prescriber")
    )
    browser = app.test_client()
    login(browser, prescriber)
    asked = post(browser, path, DOSE)
    assert "As the prescriber, give the reason to dose anyway." in field_error(
        asked.get_data(as_text=True), "override_reason"
    )
    assert post(browser, path, {**DOSE, "override_reason": reason}).status_code == 302
    doses = db.session.scalars(
        sa.select(KetamineAdministration).order_by(KetamineAdministration.given_at)
    ).all()
    assert [(d.override_findings, d.override_reason) for d in doses] == [
        ("", None),
        ("bp_hold", reason),
    ]
    assert doses[1].override_by_id == prescriber.id and doses[1].override_at is not None
    page = therapist.get(session_url(ready_medicine)).get_data(as_text=True)
    assert "Dosed despite: blood pressure above the hold threshold" in page and reason in page


@pytest.mark.parametrize(
    ("modality", "phase"),
    [("kap", "integration"), ("kap", "preparation"), ("psychotherapy", "ready_medicine")],
)
def test_dosing_is_refused_outside_ketamine_medicine_sessions(therapist, world, modality, phase):
    session = make_session(world.client_a, modality=modality, phase=phase)
    db.session.commit()
    page = therapist.get(session_url(session)).get_data(as_text=True)
    assert "Record a dose" not in page
    response = post(therapist, f"{session_url(session)}/administrations", DOSE)
    assert response.status_code == 400
    assert "Ketamine is recorded on KAP or KABSP medicine and booster sessions." in (
        response.get_data(as_text=True)
    )
    assert count(KetamineAdministration, session.id) == 0


def test_a_booster_session_takes_a_dose(therapist, world):
    session = make_session(world.client_a, phase="booster", starts_at=at(date(2026, 3, 2)))
    make_ready(session)
    db.session.commit()
    assert post(therapist, f"{session_url(session)}/administrations", DOSE).status_code == 302


def test_times_are_typed_and_read_in_the_practices_zone_across_a_dst_change(therapist, world):
    world.practice.timezone = "Europe/Berlin"
    db.session.commit()
    # 01:00 CET on the night clocks go forward; three hours later it is 05:00 CEST.
    session_id = create_via_web(
        therapist, world.client_a.id, session_date="2026-03-29", start_time="01:00"
    )
    session = stored(session_id)
    assert session.starts_at == at(date(2026, 3, 29), 0, 0)
    make_ready(session, reading_minutes=145)  # 04:25 CEST
    db.session.commit()
    path = f"{session_url(session)}/administrations"
    late = post(therapist, path, {**DOSE, "given_time": "05:30"})
    assert late.status_code == 400
    assert field_error(late.get_data(as_text=True), "given_time") == (
        "The time given must fall within the session (01:00 to 05:00)."
    )
    assert post(therapist, path, {**DOSE, "given_time": "04:30"}).status_code == 302
    given_at = db.session.scalar(sa.select(KetamineAdministration.given_at))
    assert given_at == at(date(2026, 3, 29), 2, 30)
    page = therapist.get(session_url(session)).get_data(as_text=True)
    assert re.search(r"<td>4:30\W*AM</td>", page)
    edit = therapist.get(f"{session_url(session)}/edit").get_data(as_text=True)
    assert input_value(edit, "session_date") == "2026-03-29"
    assert input_value(edit, "start_time") == "01:00"


# --- addenda ---------------------------------------------------------------------------------


def test_addenda_go_under_a_signed_note_with_author_and_time(therapist, world, medicine):
    path = f"{session_url(medicine)}/addenda"
    response = post(therapist, path, {"body": "Too early 1919."})
    assert response.status_code == 302  # a draft is edited, not amended
    assert not stored(medicine.id).addenda
    sign(stored(medicine.id), world.therapist_a)
    db.session.commit()
    empty = post(therapist, path, {"body": "  "})
    assert empty.status_code == 400
    assert field_error(empty.get_data(as_text=True), "body") == "This field is required."
    for body in ("Correction: dose was at 09:25 1920.", "Client called next day 1921."):
        assert post(therapist, path, {"body": body}).status_code == 302
    addenda = stored(medicine.id).addenda
    assert [(a.author_id, a.body) for a in addenda] == [
        (world.therapist_a.id, "Correction: dose was at 09:25 1920."),
        (world.therapist_a.id, "Client called next day 1921."),
    ]
    assert all(a.created_at is not None for a in addenda)
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    assert page.index("dose was at 09:25 1920.") < page.index("Client called next day 1921.")
    assert page.count('<article class="addendum">') == 2
    assert "Tara A, " in page


# --- vitals -----------------------------------------------------------------------------------


def vitals_rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {}
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{n}-{name}"] = value
    return data


def test_several_readings_in_one_post_are_checked_and_flagged(therapist, medicine):
    data = vitals_rows(
        {"taken_time": "09:05", "systolic": "118", "diastolic": "76", "heart_rate": "72"},
        {"taken_time": "09:30", "systolic": "152", "diastolic": "94", "spo2": "97"},
        {"taken_time": "10:00", "heart_rate": "45", "note": "Drowsy 6161"},
        {"taken_time": "10:30", "spo2": "90"},
        {"taken_time": "11:00", "systolic": "185", "diastolic": "88", "heart_rate": "155"},
    )
    assert post(therapist, f"{session_url(medicine)}/vitals", data).status_code == 302
    assert count(VitalSign, medicine.id) == 5
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>\s*<td>\d{1,2}:\d\d.*?</tr>", page, re.S)
    assert len(rows) == 5
    assert "In range" in rows[0] and "⚠" not in rows[0]
    assert "Above the dosing hold threshold" in rows[1]
    assert "Heart rate low" in rows[2] and "Drowsy 6161" in rows[2]
    assert "SpO₂ low" in rows[3]
    for flag in ("Above the dosing hold threshold", "Systolic high", "Heart rate high"):
        assert flag in rows[4]
    assert sum('class="out-of-range"' in row for row in rows) == 4


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"taken_time": "09:30", "spo2": "120"}, "spo2", "Must be between 50 and 100."),
        ({"taken_time": "09:30", "heart_rate": "400"}, "heart_rate", "Must be between 20 and 250."),
        (
            {"taken_time": "09:30", "systolic": "120"},
            "diastolic",
            "Enter both blood-pressure values.",
        ),
        (
            {"taken_time": "09:30", "systolic": "80", "diastolic": "120"},
            "diastolic",
            "Diastolic must be below systolic.",
        ),
        ({"spo2": "97"}, "taken_time", "Enter the time of the reading."),
        (
            {"taken_time": "14:00", "spo2": "97"},
            "taken_time",
            "The time must be within an hour of the session.",
        ),
        ({"taken_time": "09:30"}, "systolic", "Enter at least one measurement."),
    ],
)
def test_an_impossible_reading_is_refused_on_its_row(therapist, medicine, row, field, message):
    data = vitals_rows(
        {"taken_time": "09:05", "systolic": "118", "diastolic": "76"},
        row,
    )
    response = post(therapist, f"{session_url(medicine)}/vitals", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, f"rows-1-{field}") == message
    assert all(not field_error(page, f"rows-0-{name}") for name in ("systolic", "spo2"))
    assert input_value(page, "rows-0-systolic") == "118"  # the good row is kept
    for name, value in row.items():
        assert input_value(page, f"rows-1-{name}") == value
    assert count(VitalSign, medicine.id) == 0  # all rows or none


def test_each_vitals_entry_field_is_labelled_with_its_column_and_row(therapist, medicine):
    page = therapist.get(session_url(medicine)).get_data(as_text=True)
    labels = dict(
        re.findall(r'<label for="(rows-\d-\w+)" class="visually-hidden">([^<]*)</label>', page)
    )
    assert labels["rows-0-taken_time"] == "Time (row 1)"
    assert labels["rows-2-systolic"] == "Systolic (row 3)"
    assert labels["rows-2-note"] == "Note (row 3)"
    assert len(set(labels.values())) == len(labels) == 18  # 3 rows of 6 columns, no two alike


def test_an_empty_vitals_form_is_refused(therapist, medicine):
    response = post(therapist, f"{session_url(medicine)}/vitals", {})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "rows-0-systolic") == (
        "Enter at least one reading."
    )


# --- brainspots -------------------------------------------------------------------------------


def spot_data(**values: str) -> dict[str, str]:
    data = {
        "spot_type": "activation",
        "method": "inside_window",
        "eye": "left",
        "x": "2",
        "y": "1",
        "z": "",
        "suds_start": "8",
        "suds_end": "3",
        "issue": "Grandmother's silence 3131",
        "reflexes": "blink, swallow",
        "body_location": "Throat",
        "biolateral_sound": "Waves",
        "minutes_since_dose": "20",
        "earlier_spot_id": "",
    }
    data.update(values)
    return data


def test_spots_of_two_sessions_are_linked_and_mapped(therapist, world):
    first = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 2)))
    second = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 16)))
    db.session.commit()
    page = therapist.get(session_url(first)).get_data(as_text=True)
    assert "Record a brainspot" in page
    assert post(therapist, f"{session_url(first)}/brainspots", spot_data()).status_code == 302
    first_spot = db.session.scalar(
        sa.select(BrainspotRecord).where(BrainspotRecord.session_id == first.id)
    )

    page = therapist.get(session_url(second)).get_data(as_text=True)
    assert (
        f'<option value="{first_spot.id}">Mar 2, 2026: Activation spot at (2, 1)</option>' in page
    )
    linked = spot_data(suds_start="5", suds_end="1", z="far", earlier_spot_id=str(first_spot.id))
    assert post(therapist, f"{session_url(second)}/brainspots", linked).status_code == 302
    db.session.expire_all()
    second_spot = db.session.scalar(
        sa.select(BrainspotRecord).where(BrainspotRecord.session_id == second.id)
    )
    assert second_spot.earlier_spot_id == first_spot.id
    assert (second_spot.x, second_spot.y, second_spot.z) == (2, 1, "far")
    assert (second_spot.suds_start, second_spot.suds_end) == (5, 1)
    assert second_spot.minutes_since_dose == 20 and second_spot.biolateral_sound == "Waves"

    page = therapist.get(session_url(second)).get_data(as_text=True)
    assert f'href="{session_url(first)}">Same spot as an earlier session</a>' in page
    assert "5 → 1" in page and "Far" in page and "Throat" in page

    spot_map = therapist.get(f"/clients/{world.client_a.id}/spot-map").get_data(as_text=True)
    assert "2 spots recorded across sessions." in spot_map
    rows = re.findall(r"<tr>\s*<th scope=\"row\">([^<]+)</th>(.*?)</tr>", spot_map, re.S)
    assert [label for label, _ in rows] == ["+3", "+2", "+1", "0", "-1", "-2", "-3"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", dict(rows)["+1"], re.S)
    assert len(cells) == 7
    target = cells[5]  # x = +2
    assert "SUDS 8 → 3" in target and "SUDS 5 → 1" in target
    assert target.index("SUDS 8 → 3") < target.index("SUDS 5 → 1")  # by date
    assert session_url(first) in target and session_url(second) in target
    assert target.count("Activation spot") == 2
    every_cell = [cell for _, row in rows for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert [cell for cell in every_cell if "SUDS" in cell] == [target]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"x": "4"}, "x"),
        ({"y": "-4"}, "y"),
        ({"suds_start": "11"}, "suds_start"),
        ({"suds_end": "-1"}, "suds_end"),
        ({"spot_type": "hotspot"}, "spot_type"),
        ({"eye": "third"}, "eye"),
        ({"z": "deep"}, "z"),
        ({"minutes_since_dose": "-5"}, "minutes_since_dose"),
    ],
)
def test_impossible_spots_are_refused(therapist, world, values, field):
    session = make_session(world.client_a, modality="brainspotting", phase="integration")
    db.session.commit()
    response = post(therapist, f"{session_url(session)}/brainspots", spot_data(**values))
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field)
    assert count(BrainspotRecord, session.id) == 0


def test_a_spot_can_only_link_to_an_earlier_session_of_the_same_client(therapist, world):
    later = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 4, 1)))
    now = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 1)))
    other = make_session(world.client_b, modality="kabsp", starts_at=at(date(2026, 2, 1)))
    later_spot = make_brainspot(later)
    other_spot = make_brainspot(other)
    db.session.commit()
    for spot in (later_spot, other_spot):
        response = post(
            therapist,
            f"{session_url(now)}/brainspots",
            spot_data(earlier_spot_id=str(spot.id)),
        )
        assert response.status_code == 400
        assert field_error(response.get_data(as_text=True), "earlier_spot_id")
    assert count(BrainspotRecord, now.id) == 0


# --- the timeline and course ------------------------------------------------------------------


class TestTimeline:
    @pytest.fixture
    def app_config(self):
        return {"TIMELINE_PAGE_SIZE": 3}

    @pytest.fixture
    def course(self, world):
        """Seven sessions of client A over six weeks, and one of client B."""
        plan = [
            ("intake", "psychotherapy", 40),
            ("preparation", "kap", 35),
            ("medicine", "kap", 30),  # no. 1, integration two days later
            ("integration", "kap", 28),
            ("medicine", "kabsp", 20),  # no. 2, never integrated
            ("preparation", "kap", 12),
            ("medicine", "kap", 5),  # no. 3, its window is still open
        ]
        ids = {}
        for phase, modality, days in plan:
            session = make_session(
                world.client_a, phase=phase, modality=modality, starts_at=days_ago(days)
            )
            if phase == "medicine":
                make_administration(session)  # the last dose comes from real doses
            ids[days] = session.id
        make_session(world.client_b, starts_at=days_ago(1))
        db.session.commit()
        return ids

    @staticmethod
    def listed(page: str, client_id: int) -> list[int]:
        return [
            int(found) for found in re.findall(rf'href="/clients/{client_id}/sessions/(\d+)"', page)
        ]

    def test_newest_first_in_pages(self, therapist, world, course):
        base = sessions_url(world.client_a.id)
        first = therapist.get(base).get_data(as_text=True)
        assert self.listed(first, world.client_a.id) == [course[5], course[12], course[20]]
        assert "Page 1 of 3" in first
        assert f'href="{base}?page=2" rel="next"' in first
        second = therapist.get(f"{base}?page=2").get_data(as_text=True)
        assert self.listed(second, world.client_a.id) == [course[28], course[30], course[35]]
        third = therapist.get(f"{base}?page=3").get_data(as_text=True)
        assert self.listed(third, world.client_a.id) == [course[40]]
        assert 'rel="next"' not in third
        beyond = therapist.get(f"{base}?page=9")
        assert beyond.status_code == 200
        assert self.listed(beyond.get_data(as_text=True), world.client_a.id) == []

    def test_filters_keep_the_course_numbering(self, therapist, world, course):
        base = sessions_url(world.client_a.id)
        medicine = therapist.get(f"{base}?phase=medicine").get_data(as_text=True)
        assert self.listed(medicine, world.client_a.id) == [course[5], course[20], course[30]]
        assert re.findall(r"no\. (\d+)", medicine) == ["3", "2", "1"]
        kabsp = therapist.get(f"{base}?modality=kabsp").get_data(as_text=True)
        assert self.listed(kabsp, world.client_a.id) == [course[20]]
        both = therapist.get(f"{base}?modality=kap&phase=medicine").get_data(as_text=True)
        assert self.listed(both, world.client_a.id) == [course[5], course[30]]
        kap = therapist.get(f"{base}?modality=kap").get_data(as_text=True)
        assert self.listed(kap, world.client_a.id) == [course[5], course[12], course[28]]
        next_link = re.search(r'href="([^"]+)" rel="next"', kap).group(1)
        assert "modality=kap" in next_link and "page=2" in next_link
        rest = therapist.get(next_link.replace("&amp;", "&")).get_data(as_text=True)
        assert self.listed(rest, world.client_a.id) == [course[30], course[35]]
        unknown = therapist.get(f"{base}?modality=ayahuasca")
        assert unknown.status_code == 200
        assert len(self.listed(unknown.get_data(as_text=True), world.client_a.id)) == 3

    @pytest.mark.parametrize(
        ("query", "selected"),
        [
            ("modality=kap&phase=medicine", ["kap", "medicine"]),
            ("modality=&phase=medicine", ["", "medicine"]),  # a blank choice stays chosen
            ("modality=ayahuasca&phase=medicine", []),  # one not valid: none applies
        ],
    )
    def test_filters_are_shown_as_chosen(self, therapist, world, course, query, selected):
        page = therapist.get(f"{sessions_url(world.client_a.id)}?{query}").get_data(as_text=True)
        assert re.findall(r'<option selected value="([^"]*)">', page) == selected

    def test_course_summary_and_missing_integration_warning(self, therapist, world, course):
        page = therapist.get(f"{sessions_url(world.client_a.id)}?phase=medicine").get_data(
            as_text=True
        )
        assert re.search(r"<dt>Medicine sessions</dt><dd>3</dd>", page)
        assert "5 days ago" in page
        assert "1 medicine session has no integration session within 7 days after it." in page
        rows = re.findall(r"<tr>\s*<td><a href.*?</tr>", page, re.S)
        warned = [("no integration within 7 days" in row) for row in rows]
        assert warned == [False, True, False]  # no. 3 (window open), no. 2, no. 1

    def test_no_warning_when_every_window_is_closed_or_open(self, therapist, world):
        make_administration(make_session(world.client_a, starts_at=days_ago(10)))
        make_session(world.client_a, phase="integration", starts_at=days_ago(3))  # day 7
        db.session.commit()
        page = therapist.get(sessions_url(world.client_a.id)).get_data(as_text=True)
        assert "no integration within 7 days" not in page
        assert "has no integration session" not in page
        assert "10 days ago" in page

    def test_other_clients_sessions_are_not_listed(self, therapist, world, course):
        page = therapist.get(sessions_url(world.client_a.id)).get_data(as_text=True)
        assert f"/clients/{world.client_b.id}/" not in page


# --- query counts ------------------------------------------------------------------------------


def statements_for(browser, path: str, count_queries) -> int:
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def colleagues(world) -> list:
    """Staff who take turns as therapists and addendum authors (so that a lazy load
    per person would show in the query count)."""
    others = [make_user(world.practice, Role.THERAPIST) for _ in range(4)]
    db.session.commit()
    return [world.therapist_a, world.therapist_b, world.admin, *others]


def test_timeline_query_count_does_not_grow_with_sessions(
    therapist, world, colleagues, count_queries
):
    bulk_sessions(world.client_a, 5, first=days_ago(600))
    db.session.commit()
    for session_id in db.session.scalars(sa.select(TherapySession.id)).all():
        make_addendum(db.session.get(TherapySession, session_id), world.therapist_a)
    db.session.commit()
    path = sessions_url(world.client_a.id)
    therapist.get(path)  # the first request may touch the sign-in session
    few = statements_for(therapist, path, count_queries)
    bulk_sessions(world.client_a, 495, first=days_ago(590), therapists=colleagues)
    db.session.commit()
    newest = db.session.scalars(
        sa.select(TherapySession).order_by(TherapySession.starts_at.desc()).limit(25)
    ).all()
    for n, session in enumerate(newest):
        make_addendum(session, colleagues[n % len(colleagues)])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 500
    many = statements_for(therapist, path, count_queries)
    assert many == few, (few, many)
    assert statements_for(therapist, f"{path}?phase=medicine&page=2", count_queries) == few
    # the sign-in session, the client, the practice, the page (its sessions, their
    # addenda counted and the number of sessions in one statement), the course, its
    # overrides and discharges, adverse events, the audit
    assert many <= 9, many


@pytest.mark.parametrize("signed", [False, True], ids=["draft", "signed"])
def test_session_page_query_count_does_not_grow_with_rows(
    therapist, world, colleagues, count_queries, signed
):
    earlier = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 2, 1)))
    small = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 1)))
    large = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 2)))
    bulk_parts(small, 5, earlier=earlier)
    bulk_parts(large, 500, earlier=earlier, authors=colleagues)
    if signed:
        sign(small, world.therapist_a)
        sign(large, world.therapist_a)
    db.session.commit()
    assert count(VitalSign, large.id) == 500 and count(BrainspotRecord, large.id) == 500
    therapist.get(session_url(small))
    few = statements_for(therapist, session_url(small), count_queries)
    many = statements_for(therapist, session_url(large), count_queries)
    assert many == few, (few, many)
    # the sign-in session, the client, the session and its four kinds of parts, the
    # practice, adverse events, the audit; a draft medicine session also judges
    # readiness (screening, consent, last dose) and offers earlier spots
    assert many <= (10 if signed else 14), many
    page = therapist.get(session_url(large)).get_data(as_text=True)
    assert page.count("Same spot as an earlier session") == 500


# --- the audit trail ---------------------------------------------------------------------------


def test_every_view_change_signature_and_addendum_is_audited_without_clinical_text(
    therapist, world
):
    canaries = {
        "intention": "CANARY-INTENTION",
        "note_soap_subjective": "CANARY-SUBJECTIVE",
        "summary": "CANARY-SUMMARY",
        "suicide_screen": "positive",
        "risk_follow_up": "CANARY-RISK",
    }
    session_id = create_via_web(therapist, world.client_a.id, modality="kabsp", **canaries)
    base = session_url(session_id, world.client_a.id)
    assert therapist.get(base).status_code == 200
    assert therapist.get(f"{base}/edit").status_code == 200
    edited = post(
        therapist,
        f"{base}/edit",
        session_form(**canaries, modality="kabsp", note_soap_plan="CANARY-PLAN", version="1"),
    )
    assert edited.status_code == 302
    refused = post(
        therapist,
        f"{base}/edit",
        session_form(**canaries, modality="kabsp", note_soap_plan="CANARY-LOST", version="1"),
    )
    assert refused.status_code == 409
    vitals = vitals_rows({"taken_time": "09:05", "heart_rate": "70", "note": "CANARY-VITAL"})
    assert post(therapist, f"{base}/vitals", vitals).status_code == 302
    make_ready(stored(session_id))
    db.session.commit()
    dose = {**DOSE, "adjuncts": "CANARY-ADJUNCT", "lot_number": "LOT1"}
    assert post(therapist, f"{base}/administrations", dose).status_code == 302
    spot = spot_data(issue="CANARY-ISSUE", body_location="CANARY-BODY")
    assert post(therapist, f"{base}/brainspots", spot).status_code == 302
    discharge = {
        "outcome": "home",
        "discharged_time": "11:30",
        "left_with": "CANARY-LEFT-WITH",
        "reason": "CANARY-DISCHARGE",
    }
    assert post(therapist, f"{base}/discharge", discharge).status_code == 302
    assert post(therapist, f"{base}/sign", {"version": "2", "confirm": "1"}).status_code == 302
    added = post(therapist, f"{base}/addenda", {"body": "CANARY-ADDENDUM"})
    assert added.status_code == 302

    db.session.expire_all()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.client_id == world.client_a.id)
    ).all()
    by_action: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    for action in (
        "session.create",
        "session.view",
        "session.update",
        "session.sign",
        "addendum.create",
        "administration.create",
        "vitals.create",
        "brainspot.create",
    ):
        assert by_action.get(action), f"no {action} event"
        assert all(e.actor_id == world.therapist_a.id for e in by_action[action])
    assert len(by_action["session.update"]) == 1  # the refused save changed nothing
    [create] = by_action["session.create"]
    assert (create.record_type, create.record_id) == ("therapy_session", session_id)
    [update] = by_action["session.update"]
    assert update.record_id == session_id and set(update.detail.split(",")) == {"note"}
    [sign_event] = by_action["session.sign"]
    assert sign_event.record_id == session_id
    views = by_action["session.view"]
    assert all(e.record_id == session_id for e in views)
    # the page, the edit form, and the conflict page that showed the saved version
    assert sorted(e.detail for e in views) == ["", "form=conflict", "form=edit"]
    [administration] = by_action["administration.create"]
    assert administration.record_id == db.session.scalar(sa.select(KetamineAdministration.id))
    [spot_event] = by_action["brainspot.create"]
    assert spot_event.record_id == db.session.scalar(sa.select(BrainspotRecord.id))
    assert by_action["vitals.create"][0].record_id == session_id
    for event in events:
        assert "CANARY" not in (event.detail or ""), event.action
        assert "CANARY" not in repr(
            {c.key: getattr(event, c.key) for c in AuditEvent.__table__.columns}
        )


# --- who may do what ---------------------------------------------------------------------------


@pytest.fixture
def records(world):
    """A documented draft and a signed note of client A, and a session of client B."""
    draft = make_session(world.client_a, modality="kabsp", starts_at=at(date(2026, 3, 9)))
    make_ready(draft, reading_minutes=4)
    vital = make_vital(draft)
    administration = make_administration(draft)
    spot = make_brainspot(draft)
    note = make_session(world.client_a, starts_at=at(date(2026, 3, 2)))
    sign(note, world.therapist_a)
    other = make_session(world.client_b, starts_at=at(date(2026, 3, 3)))
    db.session.commit()
    return {
        "draft": draft,
        "signed": note,
        "other": other,
        "vital": vital.id,
        "administration": administration.id,
        "spot": spot.id,
    }


def routes(client_id: int, records: dict) -> list[tuple[str, str, dict]]:
    draft = session_url(records["draft"].id, client_id)
    signed = session_url(records["signed"].id, client_id)
    edit = session_form(note_soap_plan="Intruder 666.", version="1")
    return [
        ("GET", sessions_url(client_id), {}),
        ("GET", f"{sessions_url(client_id)}/new", {}),
        ("GET", f"{sessions_url(client_id)}/new?from_last=1", {}),
        ("GET", draft, {}),
        ("GET", signed, {}),
        ("GET", f"{draft}/edit", {}),
        ("GET", f"/clients/{client_id}/spot-map", {}),
        ("POST", f"{sessions_url(client_id)}/new", session_form()),
        ("POST", f"{draft}/edit", edit),
        ("POST", f"{draft}/sign", {"version": "1", "confirm": "1"}),
        ("POST", f"{signed}/addenda", {"body": "Intruder 667."}),
        ("POST", f"{draft}/administrations", DOSE),
        ("POST", f"{draft}/vitals", vitals_rows({"taken_time": "09:10", "spo2": "97"})),
        ("POST", f"{draft}/brainspots", spot_data()),
        ("POST", f"{draft}/vitals/{records['vital']}/delete", {}),
        ("POST", f"{draft}/administrations/{records['administration']}/delete", {}),
        ("POST", f"{draft}/brainspots/{records['spot']}/delete", {}),
    ]


def request(browser, method: str, path: str, data: dict, token: str):
    if method == "GET":
        return browser.get(path)
    return browser.post(path, data={**data, "csrf_token": token})


def nothing_changed(records: dict) -> None:
    draft = stored(records["draft"].id)
    assert draft.version == 1 and draft.status == "draft" and draft.note_body is None
    assert count(VitalSign, draft.id) == 2
    assert count(KetamineAdministration, draft.id) == 1
    assert count(BrainspotRecord, draft.id) == 1
    assert not stored(records["signed"].id).addenda
    assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 3


@pytest.mark.parametrize("outsider", ["therapist_b", "admin", "client_user_a"])
def test_people_outside_the_care_team_get_404_everywhere(app, world, records, outsider):
    browser = app.test_client()
    login(browser, getattr(world, outsider))
    token = token_for(browser)
    for method, path, data in routes(world.client_a.id, records):
        response = request(browser, method, path, data, token)
        assert response.status_code == 404, (method, path)
    nothing_changed(records)


def test_a_session_of_another_client_is_404_under_this_clients_address(therapist, world, records):
    other = records["other"].id
    assert therapist.get(session_url(other, world.client_a.id)).status_code == 404
    assert therapist.get(session_url(other, world.client_b.id)).status_code == 404
    assert therapist.get(f"{session_url(other, world.client_a.id)}/edit").status_code == 404


EXPECTED = {
    # (method, path suffix) -> (prescriber, supervisor)
    "GET sessions": (200, 200),
    "GET new": (403, 403),
    "GET new?from_last=1": (403, 403),
    "GET draft": (200, 200),
    "GET signed": (200, 200),
    "GET draft/edit": (403, 403),
    "GET spot-map": (200, 200),
    "POST new": (403, 403),
    "POST draft/edit": (403, 403),
    "POST draft/sign": (403, 403),
    "POST signed/addenda": (302, 302),
    "POST draft/administrations": (302, 403),
    "POST draft/vitals": (302, 403),
    "POST draft/brainspots": (403, 403),
    "POST draft/vitals/delete": (302, 403),
    "POST draft/administrations/delete": (302, 403),
    "POST draft/brainspots/delete": (403, 403),
}


@pytest.mark.parametrize("role", ["prescriber", "supervisor"])
def test_care_team_roles(app, world, records, role):
    member = make_user(world.practice, Role.THERAPIST, name=f"Pat {role}")
    add_to_care_team(world.client_a, member, role)
    db.session.commit()
    browser = app.test_client()
    login(browser, member)
    token = token_for(browser)
    column = 0 if role == "prescriber" else 1
    for (method, path, data), key in zip(routes(world.client_a.id, records), EXPECTED, strict=True):
        response = request(browser, method, path, data, token)
        assert response.status_code == EXPECTED[key][column], (role, key)
    draft = stored(records["draft"].id)
    assert draft.note_body is None and draft.status == "draft" and draft.version == 1
    addenda = stored(records["signed"].id).addenda
    assert [(a.author_id, a.body) for a in addenda] == [(member.id, "Intruder 667.")]
    if role == "prescriber":
        assert count(BrainspotRecord, draft.id) == 1
        assert count(VitalSign, draft.id) == 2  # the pre-dose one, one added, one removed
        assert count(KetamineAdministration, draft.id) == 1
    page = browser.get(session_url(records["draft"])).get_data(as_text=True)
    assert "Edit the draft" not in page and "Sign the note" not in page
    assert ("Record a dose" in page) is (role == "prescriber")
