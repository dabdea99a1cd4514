"""Sessions planned ahead: planned from the client record in the practice's time, not a
note until started (no draft, nothing to sign, no medicine session for the course or
the questionnaires), started into a draft with the note form, cancelled while planned."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import csrf_token, login, post_form
from tests.session_factories import add_to_care_team
from tests.web.pages import field_error, field_value, section_text, text
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.extensions import db
from tracker.models import AuditEvent, PlannedSession, Practice, TherapySession
from tracker.models.base import utcnow
from tracker.services import measures as measure_service
from tracker.services import sessions as session_service

ZONE = "Europe/Berlin"


@pytest.fixture
def berlin(world) -> date:
    """The practice works in Berlin; returns its today."""
    world.practice.timezone = ZONE
    db.session.commit()
    return utc_to_local(utcnow(), ZONE).date()


@pytest.fixture
def therapist_a(app, world):
    browser = app.test_client()
    assert login(browser, world.therapist_a).status_code == 302
    return browser


def plan_form(day: date, **overrides) -> dict:
    return {
        "session_date": day.isoformat(),
        "start_time": "14:30",
        "duration_minutes": "150",
        "modality": "kap",
        "phase": "medicine",
        "setting": "in_person",
        **overrides,
    }


def plans() -> list[PlannedSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlannedSession).order_by(PlannedSession.id)))


def sessions_of(client) -> int:
    return db.session.scalar(
        select(func.count(TherapySession.id)).where(TherapySession.client_id == client.id)
    )


def test_planning_stores_the_practice_s_local_time(therapist_a, world, berlin):
    path = f"/clients/{world.client_a.id}/plans/new"
    day = berlin + timedelta(days=10)
    response = post_form(therapist_a, path, plan_form(day))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{world.client_a.id}#planned"
    (plan,) = plans()
    assert plan.starts_at == local_to_utc(day, time(14, 30), ZONE)
    assert (plan.duration_minutes, plan.modality, plan.phase, plan.setting) == (
        150,
        "kap",
        "medicine",
        "in_person",
    )
    assert plan.therapist_id == world.therapist_a.id and plan.session_id is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "planned_session.create" in actions
    record = text(therapist_a.get(f"/clients/{world.client_a.id}"))
    planned = section_text(record, "planned")
    assert "2:30 PM" in planned and "Medicine session · KAP · 150 minutes" in planned


def test_the_form_proposes_the_next_session_and_takes_a_phase_from_today(
    therapist_a, world, berlin
):
    path = f"/clients/{world.client_a.id}/plans/new"
    page = text(therapist_a.get(path))
    assert field_value(page, "phase") == "intake"  # nothing recorded yet
    assert field_value(page, "session_date") == (berlin + timedelta(days=1)).isoformat()
    page = text(therapist_a.get(path, query_string={"phase": "integration"}))
    assert field_value(page, "phase") == "integration"
    page = text(therapist_a.get(path, query_string={"phase": "bogus"}))
    assert field_value(page, "phase") == "intake"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"session_date": "past"}, "session_date", "Plan a session for today or a later day"),
        ({"session_date": ""}, "session_date", "This field is required."),
        ({"duration_minutes": "0"}, "duration_minutes", "Between 5 and 720 minutes."),
        ({"phase": "dosing"}, "phase", "Not a valid choice."),
        # the spring-forward gap: 02:30 does not exist in Berlin on that night
        (
            {"session_date": "2027-03-28", "start_time": "02:30"},
            "start_time",
            "does not exist",
        ),
    ],
)
def test_bad_input_is_a_message_next_to_the_field(
    therapist_a, world, berlin, overrides, field, message
):
    if overrides.get("session_date") == "past":
        overrides = {"session_date": (berlin - timedelta(days=1)).isoformat()}
    path = f"/clients/{world.client_a.id}/plans/new"
    response = post_form(therapist_a, path, plan_form(berlin, **overrides))
    assert response.status_code == 400
    assert message in field_error(text(response), field)
    assert plans() == []


def test_a_plan_is_not_a_session(therapist_a, world, berlin):
    """A medicine session planned for this morning: no draft, no course, no
    questionnaire clock, nothing to sign on Today."""
    client = world.client_a
    practice = db.session.get(Practice, client.practice_id)
    post_form(
        therapist_a,
        f"/clients/{client.id}/plans/new",
        plan_form(berlin, start_time="00:05"),
    )
    assert len(plans()) == 1
    assert sessions_of(client) == 0
    course = session_service.course_view(client, practice, berlin)
    assert course.medicine_count == 0 and course.entries == []
    assert measure_service.medicine_days(client, practice) == []
    assert session_service.proposed_defaults(client)["phase"] == "intake"
    timeline = text(therapist_a.get(f"/clients/{client.id}/sessions"))
    assert "Medicine sessions</dt><dd>0" in timeline
    today = text(therapist_a.get("/today"))
    assert "Cora" in section_text(today, "planned")
    assert "Cora" not in section_text(today, "drafts")
    assert "Cora" not in section_text(today, "integration")


def _plan(world, day: date, **fields) -> PlannedSession:
    values = {
        "starts_at": local_to_utc(day, time(10, 0), ZONE),
        "duration_minutes": 60,
        "modality": "kap",
        "phase": "integration",
        "setting": "telehealth",
        **fields,
    }
    plan = PlannedSession(client_id=world.client_a.id, therapist_id=world.therapist_a.id, **values)
    db.session.add(plan)
    db.session.commit()
    return plan


def test_starting_a_plan_makes_the_draft_and_opens_the_note(therapist_a, world, berlin):
    plan = _plan(world, berlin)
    path = f"/clients/{world.client_a.id}/plans/{plan.id}/start"
    response = post_form(therapist_a, path, {}, form_page=f"/clients/{world.client_a.id}")
    assert response.status_code == 302
    (session,) = db.session.scalars(select(TherapySession)).all()
    assert response.headers["Location"] == (
        f"/clients/{world.client_a.id}/sessions/{session.id}/edit"
    )
    assert (session.status, session.starts_at, session.phase, session.setting) == (
        "draft",
        plan.starts_at,
        "integration",
        "telehealth",
    )
    assert (session.note_format, session.suicide_screen) == ("soap", "not_assessed")
    (stored,) = plans()
    assert stored.session_id == session.id and stored.started_at is not None
    edit = therapist_a.get(response.headers["Location"])
    assert edit.status_code == 200 and "Edit the draft" in text(edit)
    # Started: no longer open on the record; Today links to the note.
    assert "No session planned." in section_text(
        text(therapist_a.get(f"/clients/{world.client_a.id}")), "planned"
    )
    today = text(therapist_a.get("/today"))
    assert "Started: open the note" in section_text(today, "planned")
    assert "Cora" in section_text(today, "drafts")

    # Starting it again (another tab) makes no second draft.
    again = post_form(therapist_a, path, {}, form_page=f"/clients/{world.client_a.id}")
    assert again.headers["Location"] == f"/clients/{world.client_a.id}/sessions/{session.id}"
    assert sessions_of(world.client_a) == 1
    assert "already been started" in text(therapist_a.get(again.headers["Location"]))


def test_a_planned_medicine_session_starts_on_the_medicine_page(therapist_a, world, berlin):
    plan = _plan(world, berlin, phase="medicine", duration_minutes=150)
    response = post_form(
        therapist_a,
        f"/clients/{world.client_a.id}/plans/{plan.id}/start",
        {},
        form_page=f"/clients/{world.client_a.id}",
    )
    session_id = db.session.scalar(select(TherapySession.id))
    assert response.headers["Location"] == f"/clients/{world.client_a.id}/sessions/{session_id}"
    page = text(therapist_a.get(response.headers["Location"]))
    assert 'id="readiness"' in page  # dosing happens here, the note is written in place


def test_cancelling_a_plan_removes_it_but_not_a_started_one(therapist_a, world, berlin):
    first = _plan(world, berlin + timedelta(days=3))
    second = _plan(world, berlin)
    record = f"/clients/{world.client_a.id}"
    cancelled = post_form(therapist_a, f"{record}/plans/{first.id}/cancel", {}, form_page=record)
    assert cancelled.status_code == 302
    assert [p.id for p in plans()] == [second.id]
    assert "The planned session is cancelled." in text(therapist_a.get(record))

    post_form(therapist_a, f"{record}/plans/{second.id}/start", {}, form_page=record)
    refused = post_form(therapist_a, f"{record}/plans/{second.id}/cancel", {}, form_page=record)
    assert refused.status_code == 302
    assert [p.id for p in plans()] == [second.id]
    assert sessions_of(world.client_a) == 1
    assert "it is a session now" in text(therapist_a.get(record))


def test_only_those_who_document_sessions_plan_start_and_cancel(app, world, berlin):
    plan = _plan(world, berlin)
    record = f"/clients/{world.client_a.id}"
    # Therapist B: not on the care team, so the client does not exist for them.
    other = app.test_client()
    login(other, world.therapist_b)
    token = csrf_token(other, "/today")
    for path in (f"{record}/plans/{plan.id}/start", f"{record}/plans/{plan.id}/cancel"):
        assert other.post(path, data={"csrf_token": token}).status_code == 404
    # Nor through their own client's address.
    wrong = f"/clients/{world.client_b.id}/plans/{plan.id}/start"
    assert other.post(wrong, data={"csrf_token": token}).status_code == 404
    # The prescriber on the care team sees the plan but may not start or cancel it.
    add_to_care_team(world.client_a, world.therapist_b, "prescriber")
    db.session.commit()
    page = text(other.get(record))
    assert "10:00 AM" in section_text(page, "planned")
    assert "Start the session" not in page and "Plan a session" not in page
    assert (
        other.post(f"{record}/plans/{plan.id}/start", data={"csrf_token": token}).status_code == 403
    )
    assert other.get(f"{record}/plans/new").status_code == 403
    assert plans()[0].session_id is None and sessions_of(world.client_a) == 0


def test_a_missed_plan_stays_on_the_record_until_started_or_cancelled(therapist_a, world):
    world.practice.timezone = ZONE
    yesterday = utcnow() - timedelta(days=1)
    plan = PlannedSession(
        client_id=world.client_a.id,
        therapist_id=world.therapist_a.id,
        starts_at=yesterday,
        duration_minutes=60,
        modality="psychotherapy",
        phase="preparation",
        setting="in_person",
    )
    db.session.add(plan)
    db.session.commit()
    planned = section_text(text(therapist_a.get(f"/clients/{world.client_a.id}")), "planned")
    assert "Not started" in planned and "Start the session" in planned
