"""Signing rules in the service, "entered in error" (its own append-only row, refused
by the ORM guard and the database triggers), and voided sessions left out of counts,
the course view, the questionnaire schedule and the reports. The last dose comes from
recorded doses only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.factories import make_user
from tests.session_factories import (
    add_to_care_team,
    at,
    days_ago,
    make_administration,
    make_discharge,
    make_ready,
    make_session,
    make_vital,
    sign,
)
from tracker.domain.policy import CareTeamRole, Role
from tracker.domain.reports import Period
from tracker.extensions import db
from tracker.models import ImmutableRecordError, Practice, SessionVoid, TherapySession
from tracker.models.base import utcnow
from tracker.services import Forbidden
from tracker.services import measures as measure_service
from tracker.services import reports as report_service
from tracker.services import sessions as service

NOTE = {"subjective": "Arrived calm.", "plan": "Integration on Friday."}


def practice(world) -> Practice:
    return db.session.get(Practice, world.practice.id)


def signed_session(world, **fields) -> TherapySession:
    session = make_session(world.client_a, world.therapist_a, note=NOTE, **fields)
    sign(session, world.therapist_a)
    db.session.commit()
    return session


def void(world, session: TherapySession, actor=None, reason="Wrong client.") -> SessionVoid:
    made = service.void_session(world.client_a, session, actor or world.therapist_a, reason)
    db.session.commit()
    return made


def reload(session_id: int) -> TherapySession:
    db.session.expire_all()
    return db.session.get(TherapySession, session_id)


# --- signing rules, enforced by the service ----------------------------------------------


def test_a_future_session_is_not_signed(world):
    session = make_session(
        world.client_a, world.therapist_a, note=NOTE, starts_at=utcnow() + timedelta(hours=1)
    )
    db.session.commit()
    with pytest.raises(service.SignRejected) as refused:
        service.sign_session(session, world.therapist_a, expected_version=1)
    assert [p.message for p in refused.value.problems] == [
        "The session has not started yet: it can be signed once it has taken place."
    ]
    db.session.rollback()
    assert reload(session.id).status == "draft"


def test_a_medicine_session_with_an_empty_note_is_not_signed(world):
    session = make_session(world.client_a, world.therapist_a, note={"plan": "   "})
    db.session.commit()
    with pytest.raises(service.SignRejected):
        service.sign_session(session, world.therapist_a, expected_version=1)
    db.session.rollback()
    assert reload(session.id).status == "draft"


def test_an_integration_session_with_an_empty_note_may_be_signed(world):
    session = make_session(world.client_a, world.therapist_a, phase="integration")
    db.session.commit()
    service.sign_session(session, world.therapist_a, expected_version=1)
    db.session.commit()
    assert reload(session.id).status == "signed"


def test_the_preview_counts_what_signing_locks(world):
    session = make_session(world.client_a, world.therapist_a, note={"plan": "Friday."})
    make_administration(session)
    make_vital(session)
    make_vital(session, minutes=30)
    db.session.commit()
    preview = service.sign_preview(service.get_session(world.client_a, session.id), world.practice)
    assert preview.sections_filled == ["Plan"]
    assert preview.sections_empty == ["Subjective", "Objective", "Assessment"]
    assert (preview.doses, preview.vitals, preview.brainspots) == (1, 2, 0)
    # the dose was not ready (no clearance, consent, checklist) and nobody said why;
    # and the client's discharge is not recorded
    assert [problem.message for problem in preview.problems] == [
        "Ketamine was given: record the discharge, or document why there is none, before signing.",
        "A dose is not ready by what is recorded now (for example a reading added later): "
        "the prescriber gives the reason before the note is signed.",
    ]
    make_ready(session, reading_minutes=1)
    make_discharge(session)
    db.session.commit()
    preview = service.sign_preview(service.get_session(world.client_a, session.id), world.practice)
    assert preview.problems == []
    assert preview.discharge.outcome == "home"


# --- "entered in error" -----------------------------------------------------------------


def test_a_void_is_its_own_row_and_the_signed_session_is_untouched(world):
    session = signed_session(world)
    before = reload(session.id)
    version, updated_at = before.version, before.updated_at
    made = void(world, session, reason="Written under the wrong client.")
    after = reload(session.id)
    assert (after.status, after.version, after.updated_at) == ("signed", version, updated_at)
    assert after.void.id == made.id
    assert after.void.reason == "Written under the wrong client."
    assert after.void.voided_by_id == world.therapist_a.id
    assert after.is_voided
    stored = db.session.execute(sa.text("SELECT reason FROM session_void")).scalar_one()
    assert "wrong client" not in stored  # encrypted at rest


def test_a_draft_cannot_be_voided(world):
    draft = make_session(world.client_a, world.therapist_a, note=NOTE)
    db.session.commit()
    with pytest.raises(service.VoidRejected):
        service.void_session(world.client_a, draft, world.therapist_a, "Mistake.")


def test_a_session_is_voided_once(world):
    session = signed_session(world)
    void(world, session)
    with pytest.raises(service.VoidRejected):
        service.void_session(world.client_a, reload(session.id), world.therapist_a, "Again.")


def test_a_reason_is_required(world):
    session = signed_session(world)
    with pytest.raises(service.SessionRejected) as refused:
        service.void_session(world.client_a, session, world.therapist_a, "   ")
    assert list(refused.value.problems) == ["reason"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(CareTeamRole.SUPERVISOR, True), (CareTeamRole.PRESCRIBER, False)],
)
def test_a_supervisor_may_void_and_a_prescriber_may_not(world, role, allowed):
    colleague = make_user(world.practice, Role.THERAPIST)
    add_to_care_team(world.client_a, colleague, role)
    session = signed_session(world)
    db.session.refresh(world.client_a)
    if allowed:
        void(world, session, actor=colleague)
        assert reload(session.id).is_voided
    else:
        with pytest.raises(Forbidden):
            service.void_session(world.client_a, session, colleague, "Not mine.")


def test_the_orm_guard_refuses_changing_or_deleting_a_void(world):
    made = void(world, signed_session(world))
    made.reason = "Changed."
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(SessionVoid, made.id))
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE session_void SET reason = 'x' WHERE id = :id",
        "UPDATE session_void SET voided_by_id = voided_by_id WHERE id = :id",
        "DELETE FROM session_void WHERE id = :id",
    ],
)
def test_the_database_refuses_changing_or_deleting_a_void(world, statement):
    made = void(world, signed_session(world))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text(statement), {"id": made.id})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(SessionVoid.id))) == 1


def test_the_database_refuses_a_void_of_a_draft(world):
    draft = make_session(world.client_a, world.therapist_a)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="only a signed session"):
        db.session.execute(
            sa.insert(SessionVoid).values(
                session_id=draft.id, reason="x", voided_by_id=world.therapist_a.id
            )
        )
    db.session.rollback()


def test_the_database_refuses_a_second_void(world):
    session = signed_session(world)
    void(world, session)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(SessionVoid).values(
                session_id=session.id, reason="again", voided_by_id=world.therapist_a.id
            )
        )
    db.session.rollback()


# --- voided sessions are left out ------------------------------------------------------


@pytest.fixture
def course_with_a_void(world):
    """Two signed medicine sessions with a dose each; the later one entered in error."""
    kept = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(20))
    voided = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(6))
    for session in (kept, voided):
        make_administration(session)
        sign(session, world.therapist_a)
    db.session.commit()
    void(world, voided)
    return kept, voided


def test_the_count_leaves_voided_sessions_out(world, course_with_a_void):
    assert service.session_count(world.client_a) == 1


def test_the_course_leaves_voided_sessions_and_their_doses_out(world):
    kept = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(20))
    make_administration(kept)
    voided = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(6))
    make_administration(voided)
    sign(kept, world.therapist_a)
    sign(voided, world.therapist_a)
    db.session.commit()
    before = service.course_view(world.client_a, practice(world), date.today())
    assert before.medicine_count == 2 and before.days_since_last_dose == 6
    void(world, voided)
    after = service.course_view(world.client_a, practice(world), date.today())
    assert after.medicine_count == 1
    assert [entry.session.id for entry in after.entries] == [kept.id]
    assert after.days_since_last_dose == 20


def test_the_last_dose_ignores_planned_sessions_and_future_doses(world):
    given = make_session(world.client_a, world.therapist_a, starts_at=days_ago(9))
    make_administration(given)
    make_session(world.client_a, world.therapist_a, starts_at=days_ago(2))  # no dose recorded
    planned = make_session(
        world.client_a, world.therapist_a, starts_at=utcnow() + timedelta(days=5)
    )
    make_administration(planned)  # typed ahead of time: not given yet
    db.session.commit()
    view = service.course_view(world.client_a, practice(world), date.today())
    assert view.medicine_count == 3
    assert view.last_dose_day == date.today() - timedelta(days=9)
    assert view.days_since_last_dose == 9


def test_no_dose_recorded_is_no_last_dose(world):
    make_session(world.client_a, world.therapist_a, starts_at=days_ago(3))
    make_session(world.client_a, world.therapist_a, starts_at=utcnow() + timedelta(days=3))
    db.session.commit()
    view = service.course_view(world.client_a, practice(world), date.today())
    assert view.last_dose_day is None and view.days_since_last_dose is None


def test_the_after_medicine_schedule_leaves_voided_sessions_out(world):
    kept = signed_session(world, starts_at=at(date(2026, 9, 1)))
    voided = signed_session(world, starts_at=at(date(2026, 10, 1)))
    void(world, voided)
    days = measure_service.medicine_days(world.client_a, practice(world))
    assert days == [date(2026, 9, 1)]
    assert kept.id != voided.id


def test_the_clinical_report_leaves_voided_sessions_and_their_parts_out(world):
    kept = make_session(
        world.client_a, world.therapist_a, note=NOTE, starts_at=at(date(2026, 9, 1))
    )
    make_administration(kept)
    voided = make_session(
        world.client_a,
        world.therapist_a,
        note=NOTE,
        phase="medicine",
        starts_at=at(date(2026, 10, 1)),
    )
    make_administration(voided)
    make_vital(voided, systolic=190)  # out of range: would be listed
    sign(kept, world.therapist_a)
    sign(voided, world.therapist_a)
    db.session.commit()
    void(world, voided)
    request = report_service.ReportRequest(
        kind="clinical", period=Period(date(2026, 8, 1), date(2026, 11, 30))
    )
    with force_locale("en"):
        report = report_service.gather(
            world.client_a, request, world.therapist_a, date(2026, 12, 1)
        )
    assert [line.day for line in report.session_log] == [date(2026, 9, 1)]
    assert [line.day for line in report.doses] == [date(2026, 9, 1)]
    assert report.vitals_out_of_range == []
    assert dict(report.sessions_by_phase).get("medicine", 0) == 1
    period = report_service.default_period(world.client_a, date(2026, 12, 1))
    assert period.start <= date(2026, 9, 1)


def test_the_course_query_count_does_not_grow_with_voids(world, count_queries):
    for offset in (30, 20, 10):
        session = signed_session(world, starts_at=days_ago(offset))
        void(world, session)
    with count_queries() as statements:
        service.course_view(world.client_a, practice(world), date.today())
    assert len(statements) == 1  # the sessions and the last dose in one statement


def test_not_voided_is_one_reusable_condition(world, course_with_a_void):
    kept, _voided = course_with_a_void
    ids = db.session.scalars(
        sa.select(TherapySession.id).where(service.not_voided()).order_by(TherapySession.id)
    ).all()
    assert ids == [kept.id]
