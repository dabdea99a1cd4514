"""The medicine-session page's own forms: the pre-dose checklist, the note edited in
place, the discharge, and the prescriber's retrospective reason for a dose."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.dose_entry import local_moment, local_now
from tracker.clinician.session_forms import (
    ChecklistForm,
    DischargeForm,
    NoteForm,
    RetroReasonForm,
)
from tracker.clinician.sessions import (
    _apply_problems,
    _draft,
    _practice,
    _record_saved,
    _session_page,
)
from tracker.domain.clock import NonexistentLocalTime
from tracker.domain.policy import can_document_sessions, can_record_dosing
from tracker.forms.fields import problem_text
from tracker.services import medicine as medicine_service
from tracker.services import sessions as session_service
from tracker.web import translate_service_errors

SESSION = "/clients/<int:client_id>/sessions/<int:session_id>"


@bp.route(f"{SESSION}/checklist", methods=["POST"])
@translate_service_errors
def save_checklist(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    practice = _practice()
    form = ChecklistForm()
    if not form.validate_on_submit():
        abort(400)
    items = practice.checklist_items
    ticked = list(items) if form.all_done.data else request.form.getlist("item")
    done = medicine_service.set_checklist(session, practice, ticked)
    return _record_saved(
        "checklist.update",
        "therapy_session",
        session.id,
        client,
        session,
        _("Checklist saved: %(done)s of %(total)s done.", done=len(done), total=len(items)),
        "readiness",
        detail=f"done={len(done)}/{len(items)}",
    )


@bp.route(f"{SESSION}/note", methods=["POST"])
@translate_service_errors
def save_note(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_document_sessions)
    form = NoteForm()
    if form.validate_on_submit():
        data = {name: getattr(session, name) for name in session_service.SESSION_FIELDS}
        data["suicide_screen"] = form.suicide_screen.data
        data["risk_follow_up"] = form.risk_follow_up.data
        try:
            changed = session_service.update_session(
                session,
                data,
                form.note_text(session.note_format),
                expected_version=int(form.version.data or 0),
            )
        except session_service.StaleEditError as stale:
            form.version.data = str(stale.current.version)
            form.version.errors.append(
                _(
                    "Someone saved this note after you opened it. Your text is kept here; "
                    "read the saved version, then save again to replace it."
                )
            )
            return _session_page(client, stale.current, 409, note_form=form)
        except session_service.SessionRejected as rejected:
            _apply_problems(form, rejected.problems)
        else:
            return _record_saved(
                "session.update",
                "therapy_session",
                session.id,
                client,
                session,
                _("Note saved."),
                "note",
                detail=",".join(changed),
            )
    return _session_page(client, session, 400, note_form=form)


@bp.route(f"{SESSION}/discharge", methods=["POST"])
@translate_service_errors
def record_discharge(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    practice = _practice()
    form = DischargeForm()
    form.outcome.choices = list(medicine_service.DISCHARGE_OUTCOMES.items())
    if form.validate_on_submit():
        data = dict(form.data)
        try:
            data["discharged_at"] = local_moment(
                session, practice, form.discharged_time.data or local_now(practice)
            )
            discharge = medicine_service.record_discharge(session, practice, current_user, data)
        except NonexistentLocalTime as gap:
            form.discharged_time.errors.append(problem_text(gap.problem))
        except medicine_service.MedicineRejected as rejected:
            _apply_problems(form, rejected.problems)
        else:
            return _record_saved(
                "discharge.record",
                "session_discharge",
                discharge.id,
                client,
                session,
                _("Discharge recorded."),
                "discharge",
                detail=f"session={session.id},outcome={discharge.outcome}",
            )
    return _session_page(client, session, 400, discharge_form=form)


@bp.route(f"{SESSION}/administrations/<int:dose_id>/reason", methods=["POST"])
@translate_service_errors
def explain_dose(client_id: int, session_id: int, dose_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    form = RetroReasonForm()
    if not form.validate_on_submit():
        return _session_page(client, session, 400, retro_form=form)
    try:
        dose = medicine_service.explain_retrospectively(
            session, _practice(), current_user, dose_id, form.reason.data
        )
    except PermissionError:
        abort(403)
    return _record_saved(
        "administration.explain",
        "ketamine_administration",
        dose.id,
        client,
        session,
        _("Reason recorded."),
        "dosing",
    )
