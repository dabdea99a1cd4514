"""The medicine-session page's own forms: the pre-dose checklist, the note edited in
place, the discharge, and the prescriber's retrospective reason for a dose."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask.typing import ResponseReturnValue
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
from tracker.clinician.sessions import _draft, _session_page, session_url
from tracker.domain.clock import NonexistentLocalTime
from tracker.domain.policy import can_document_sessions, can_record_dosing
from tracker.models import Practice, TherapySession
from tracker.services import Rejected
from tracker.services import medicine as medicine_service
from tracker.services import sessions as session_service
from tracker.web import (
    audit_fields,
    current_practice,
    finish_write,
    show_problems,
    translate_service_errors,
)

SESSION = "/clients/<int:client_id>/sessions/<int:session_id>"


def _saved(
    action: str,
    message: str,
    session: TherapySession,
    anchor: str,
    record: Any = None,
    detail: str = "",
) -> ResponseReturnValue:
    """The end of a change to part of the session: audit the changed ``record`` (the
    session itself unless given), commit, confirm, and go back to that part of the page."""
    record = record if record is not None else session
    detail = detail or f"session={session.id}"
    to = f"{session_url(session)}#{anchor}"
    return finish_write(action, message, to, **audit_fields(record, session.client_id, detail))


@bp.route(f"{SESSION}/checklist", methods=["POST"])
@translate_service_errors
def save_checklist(client_id: int, session_id: int):
    _client, session = _draft(client_id, session_id, can_record_dosing)
    form = ChecklistForm()
    if not form.validate_on_submit():
        abort(400)
    practice = current_practice()
    done = medicine_service.set_checklist(
        session, practice, request.form.getlist("item"), all_done=bool(form.all_done.data)
    )
    total = len(practice.checklist_items)
    return _saved(
        "checklist.update",
        _("Checklist saved: %(done)s of %(total)s done.", done=len(done), total=total),
        session,
        "readiness",
        detail=f"done={len(done)}/{total}",
    )


def _keep_for_saving_again(form: NoteForm, current: TherapySession) -> None:
    """Someone saved the note meanwhile: keep the typed text, and let the next save
    replace the version now stored."""
    form.version.data = str(current.version)
    form.version.errors.append(
        _(
            "Someone saved this note after you opened it. Your text is kept here; "
            "read the saved version, then save again to replace it."
        )
    )


@bp.route(f"{SESSION}/note", methods=["POST"])
@translate_service_errors
def save_note(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_document_sessions)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            changed = medicine_service.update_note(
                session, form.data, form.note_text(session.note_format), int(form.version.data)
            )
        except session_service.StaleEditError as stale:
            _keep_for_saving_again(form, stale.current)
            return _session_page(client, stale.current, 409, note_form=form)
        except session_service.SessionRejected as rejected:
            show_problems(form, rejected)
        else:
            detail = ",".join(changed)
            return _saved("session.update", _("Note saved."), session, "note", detail=detail)
    return _session_page(client, session, 400, note_form=form)


def _discharge_data(form: DischargeForm, session: TherapySession, practice: Practice) -> dict:
    """The form's values with the time it gives (else now) as an instant of the session."""
    try:
        at = local_moment(session, practice, form.discharged_time.data or local_now(practice))
    except NonexistentLocalTime as gap:
        raise Rejected(gap.problem, "discharged_time") from None
    return {**form.data, "discharged_at": at}


@bp.route(f"{SESSION}/discharge", methods=["POST"])
@translate_service_errors
def record_discharge(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    practice = current_practice()
    form = DischargeForm()
    form.outcome.choices = list(medicine_service.DISCHARGE_OUTCOMES.items())
    if form.validate_on_submit():
        try:
            data = _discharge_data(form, session, practice)
            discharge = medicine_service.record_discharge(session, practice, current_user, data)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            detail = f"session={session.id},outcome={discharge.outcome}"
            return _saved(
                "discharge.record",
                _("Discharge recorded."),
                session,
                "discharge",
                discharge,
                detail,
            )
    return _session_page(client, session, 400, discharge_form=form)


@bp.route(f"{SESSION}/administrations/<int:dose_id>/reason", methods=["POST"])
@translate_service_errors
def explain_dose(client_id: int, session_id: int, dose_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    form = RetroReasonForm()
    if form.validate_on_submit():
        try:
            dose = medicine_service.explain_retrospectively(
                session, current_practice(), current_user, dose_id, form.reason.data
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return _saved("administration.explain", _("Reason recorded."), session, "dosing", dose)
    return _session_page(client, session, 400, retro_form=form)
