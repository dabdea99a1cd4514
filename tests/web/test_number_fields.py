"""Numbers nobody means: "NaN", "inf", "1e400", twenty digits. Each number field of the
session area (and the screening weight) answers them with a message next to the field
and a 400, never a 500, keeps the typed text and stores nothing. A structural test
keeps every number field of every form on the shared fields of ``tracker/forms.py``."""

from __future__ import annotations

import importlib
import inspect
from datetime import date

import pytest
import sqlalchemy as sa
from wtforms import DecimalField, FloatField, Form, IntegerField
from wtforms.fields.core import UnboundField

from tests.factories import login, post_form
from tests.session_factories import (
    at,
    field_error,
    input_value,
    make_session,
    post,
    session_form,
    textarea,
)
from tracker.extensions import db
from tracker.forms.fields import BoundedIntegerField, FiniteDecimalField
from tracker.models import (
    BrainspotRecord,
    KetamineAdministration,
    MedicalScreening,
    TherapySession,
    VitalSign,
)

NOT_A_NUMBER = "Enter a number."
UNREADABLE_INTEGER = "Not a valid integer value."


def too_large(limit: str) -> str:
    return f"Enter a number no larger than {limit}."


def rows(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def therapist(app, world):
    browser = app.test_client()
    login(browser, world.therapist_a)
    return browser


@pytest.fixture
def medicine(world):
    session = make_session(world.client_a, world.therapist_a, starts_at=at(date(2026, 3, 2)))
    db.session.commit()
    return session


@pytest.fixture
def kabsp(world):
    session = make_session(
        world.client_a, world.therapist_a, modality="kabsp", starts_at=at(date(2026, 3, 9))
    )
    db.session.commit()
    return session


def session_path(session: TherapySession) -> str:
    return f"/clients/{session.client_id}/sessions/{session.id}"


# value typed, message for a decimal field Numeric(7,2) / Numeric(5,1)
DECIMALS = [
    ("NaN", NOT_A_NUMBER, NOT_A_NUMBER),
    ("nan", NOT_A_NUMBER, NOT_A_NUMBER),
    ("sNaN", NOT_A_NUMBER, NOT_A_NUMBER),
    ("inf", NOT_A_NUMBER, NOT_A_NUMBER),
    ("-inf", NOT_A_NUMBER, NOT_A_NUMBER),
    ("Infinity", NOT_A_NUMBER, NOT_A_NUMBER),
    ("1e400", too_large("99,999.99"), too_large("9,999.9")),
    ("-1e400", too_large("99,999.99"), too_large("9,999.9")),
    ("100000", too_large("99,999.99"), too_large("9,999.9")),
    ("99999.995", too_large("99,999.99"), too_large("9,999.9")),
]


@pytest.mark.parametrize(("typed", "dose_message", "weight_message"), DECIMALS)
def test_dose_and_weight(therapist, medicine, typed, dose_message, weight_message):
    data = {"route": "im", "dose_mg": typed, "weight_kg": typed, "given_time": "09:20"}
    response = post(therapist, f"{session_path(medicine)}/administrations", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "dose_mg") == dose_message
    assert field_error(page, "weight_kg") == weight_message
    assert input_value(page, "dose_mg") == typed
    assert rows(KetamineAdministration) == 0


def test_a_dose_that_rounds_to_nothing_is_no_dose(therapist, medicine):
    data = {"route": "im", "dose_mg": "1e-400", "weight_kg": "80", "given_time": "09:20"}
    response = post(therapist, f"{session_path(medicine)}/administrations", data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "dose_mg") == (
        "The dose must be more than 0 mg."
    )


INTEGERS = [
    ("NaN", UNREADABLE_INTEGER),
    ("inf", UNREADABLE_INTEGER),
    ("-inf", UNREADABLE_INTEGER),
    ("1e400", UNREADABLE_INTEGER),
    ("2147483648", too_large("2,147,483,647")),
    ("-2147483648", too_large("2,147,483,647")),
    ("99999999999999999999999", too_large("2,147,483,647")),
]


@pytest.mark.parametrize(("typed", "message"), INTEGERS)
@pytest.mark.parametrize("name", ["systolic", "diastolic", "heart_rate", "spo2"])
def test_vitals(therapist, medicine, name, typed, message):
    data = {"rows-0-taken_time": "09:05", f"rows-0-{name}": typed}
    response = post(therapist, f"{session_path(medicine)}/vitals", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, f"rows-0-{name}") == message
    assert input_value(page, f"rows-0-{name}") == typed
    assert rows(VitalSign) == 0


@pytest.mark.parametrize(("typed", "message"), INTEGERS)
def test_session_duration_on_a_new_note(therapist, world, typed, message):
    data = session_form(duration_minutes=typed, note_soap_plan="Typed plan 7301.")
    response = post(therapist, f"/clients/{world.client_a.id}/sessions/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "duration_minutes") == message
    assert textarea(page, "note_soap_plan") == "Typed plan 7301."
    assert rows(TherapySession) == 0


@pytest.mark.parametrize(("typed", "message"), INTEGERS[:5])
def test_session_duration_on_an_edit(therapist, medicine, typed, message):
    data = session_form(duration_minutes=typed, note_soap_plan="Edited plan 7302.", version="1")
    response = post(therapist, f"{session_path(medicine)}/edit", data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "duration_minutes") == message
    db.session.expire_all()
    assert db.session.get(TherapySession, medicine.id).duration_minutes == 180


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("minutes_since_dose", "NaN", UNREADABLE_INTEGER),
        ("minutes_since_dose", "1e400", UNREADABLE_INTEGER),
        ("minutes_since_dose", "2147483648", too_large("2,147,483,647")),
        ("x", "NaN", "Invalid Choice: could not coerce."),
        ("x", "99999999999999999999", "Not a valid choice."),
        ("suds_start", "inf", "Invalid Choice: could not coerce."),
        ("suds_end", "2147483648", "Not a valid choice."),
    ],
)
def test_brainspot_numbers(therapist, kabsp, field, typed, message):
    data = {"spot_type": "activation", "method": "inside_window", "eye": "both", "x": "0"}
    data |= {"y": "0", field: typed}
    response = post(therapist, f"{session_path(kabsp)}/brainspots", data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == message
    assert rows(BrainspotRecord) == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [(typed, weight) for typed, _dose, weight in DECIMALS],
)
def test_screening_weight(app, world, typed, message):
    browser = app.test_client()
    login(browser, world.therapist_a)
    path = f"/clients/{world.client_a.id}/screening"
    data = {"screened_on": "2026-11-01", "weight_kg": typed, "decision": "cleared"}
    response = post_form(browser, path, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "weight_kg") == message
    assert rows(MedicalScreening) == 0


def test_admin_threshold_beyond_an_integer_column_is_a_field_error(app, world):
    browser = app.test_client()
    login(browser, world.admin)
    page = browser.get("/admin/practice").get_data(as_text=True)
    assert 'name="hold_systolic"' in page
    data = {
        name: input_value(page, name) or ""
        for name in (
            "name",
            "hold_systolic",
            "hold_diastolic",
            "alert_systolic_low",
            "alert_systolic_high",
            "alert_heart_rate_low",
            "alert_heart_rate_high",
            "alert_spo2_low",
        )
    }
    data["timezone"] = "UTC"
    data["hold_systolic"] = "99999999999"
    response = post_form(browser, "/admin/practice", data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "hold_systolic") == too_large(
        "2,147,483,647"
    )


# --- every number field of every form uses the shared fields ----------------------------

FORM_MODULES = (
    "tracker.admin.account_forms",
    "tracker.admin.practice_forms",
    "tracker.admin.audit_forms",
    "tracker.admin.outbox_forms",
    "tracker.auth.account_forms",
    "tracker.clinician.client_forms",
    "tracker.clinician.family_forms",
    "tracker.clinician.goal_forms",
    "tracker.clinician.homework_forms",
    "tracker.clinician.portal_access_forms",
    "tracker.clinician.session_forms",
    "tracker.clinician.measure_forms",
    "tracker.clinician.adverse_event_forms",
    "tracker.clinician.planning_forms",
    "tracker.forms.goals",
    "tracker.forms.measures",
    "tracker.portal.home_forms",
    "tracker.portal.reminder_forms",
)


def _form_classes(app) -> list[type[Form]]:
    from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY
    from tracker.forms.measures import answer_form_class, scores_form_class

    found: list[type[Form]] = []
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Form) and cls.__module__ == module.__name__
        ]
    with app.test_request_context():
        found += [scores_form_class(code) for code in SCORES_ONLY]
        found += [answer_form_class(code) for code in ITEM_INSTRUMENTS]
    return found


def test_every_number_field_refuses_non_finite_and_oversized_values(app):
    plain = (DecimalField, IntegerField, FloatField)
    shared = (FiniteDecimalField, BoundedIntegerField)
    offenders = []
    classes = _form_classes(app)
    assert len(classes) > 20  # the walk finds the forms
    for cls in classes:
        for attribute in dir(cls):
            unbound = getattr(cls, attribute, None)
            if not isinstance(unbound, UnboundField):
                continue
            field_class = unbound.field_class
            if issubclass(field_class, plain) and not issubclass(field_class, shared):
                offenders.append(f"{cls.__name__}.{attribute}: {field_class.__name__}")
    assert offenders == []
