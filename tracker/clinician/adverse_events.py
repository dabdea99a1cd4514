"""Adverse events after ketamine: recording one (on a session page or for the client),
and the practice-wide list of the events of the signed-in person's clients."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from tracker.clinician import bp
from tracker.clinician.adverse_event_forms import AdverseEventFilterForm, AdverseEventForm
from tracker.domain import adverse_events as rules
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.domain.policy import can_record_adverse_event
from tracker.domain.sessions import PHASE_LABELS
from tracker.i18n import format_local_datetime
from tracker.models import AdverseEvent, Practice, TherapySession
from tracker.services import Rejected
from tracker.services import adverse_events as event_service
from tracker.services import clients as client_service
from tracker.web import (
    audit_fields,
    current_practice,
    filter_args,
    finish_write,
    record_view,
    requested_page,
    show_problems,
    translate_service_errors,
)

LABELS = {
    "type": rules.TYPE_LABELS,
    "severity": rules.SEVERITY_LABELS,
    "outcome": rules.OUTCOME_LABELS,
}
# Problems of the service by the form field that shows them.
FIELD_OF = {"onset_at": "onset_date"}


def session_form(session: TherapySession, practice: Practice) -> AdverseEventForm:
    """The empty form of a session page (which links the event to the session): onset
    pre-filled with the session's day."""
    form = AdverseEventForm(formdata=None)
    form.onset_date.data = utc_to_local(session.starts_at, practice.timezone).date()
    return form


def _session_choices(client, practice: Practice) -> list[SelectChoice]:
    return [
        SelectChoice(
            str(row.id),
            f"{format_local_datetime(row.starts_at, practice.timezone)} · "
            f"{_(PHASE_LABELS[row.phase])}",
        )
        for row in event_service.session_choices(client)
    ]


def _event_data(form: AdverseEventForm, practice: Practice) -> event_service.EventData:
    return event_service.EventData(
        event_type=form.event_type.data,
        severity=form.severity.data,
        onset_at=local_to_utc(form.onset_date.data, form.onset_time.data, practice.timezone),
        action_taken=form.action_taken.data or "",
        outcome=form.outcome.data,
        outcome_note=form.outcome_note.data or "",
        prescriber_informed=form.prescriber_informed.data == "yes",
        description=form.description.data or "",
        session_id=form.session_id.data,
    )


def _prefill(form: AdverseEventForm, practice: Practice) -> None:
    now = utc_to_local(datetime.now().astimezone(), practice.timezone)
    form.onset_date.data = now.date()
    session_id = request.args.get("session_id", "")
    if session_id and session_id in {choice.value for choice in form.session_id.choices}:
        form.session_id.data = int(session_id)


def _saved_url(event: AdverseEvent) -> str:
    """Back to the event's session, or to the client's course when it has none."""
    if event.session_id is None:
        return url_for(
            "clinician.list_sessions", client_id=event.client_id, _anchor="adverse-events"
        )
    return url_for(
        "clinician.show_session",
        client_id=event.client_id,
        session_id=event.session_id,
        _anchor="adverse-events",
    )


def _show_problems(form: AdverseEventForm, rejected: Rejected) -> None:
    """The service's problems beside the form's fields (the onset beside its date)."""
    problems = {FIELD_OF.get(name, name): problem for name, problem in rejected.problems.items()}
    show_problems(form, Rejected(problems))


@bp.route("/clients/<int:client_id>/adverse-events/new", methods=["GET", "POST"])
@translate_service_errors
def new_adverse_event(client_id: int):
    client = client_service.get_client(current_user, client_id, can_record_adverse_event)
    practice = current_practice()
    form = AdverseEventForm(sessions=_session_choices(client, practice))
    if request.method == "GET":
        _prefill(form, practice)
    elif form.validate_on_submit():
        data = _event_data(form, practice)
        try:
            event = event_service.record(client, current_user, practice, data)
        except Rejected as rejected:
            _show_problems(form, rejected)
        else:
            detail = f"session={event.session_id or ''},severity={event.severity}"
            return finish_write(
                "adverse_event.create",
                _("Adverse event recorded."),
                _saved_url(event),
                **audit_fields(event, client.id, detail),
            )
    return render_template(
        "clinician/adverse_events/form.html", client=client, form=form, tz=practice.timezone
    ), (400 if form.errors else 200)


@bp.route("/clients/<int:client_id>/adverse-events")
@translate_service_errors
def client_adverse_events(client_id: int):
    client = client_service.get_client(current_user, client_id)
    events = event_service.full_for_client(client)
    record_view("adverse_event.list", **audit_fields(client, client.id, f"rows={len(events)}"))
    return render_template(
        "clinician/adverse_events/client.html",
        client=client,
        adverse_events=events,
        ae_labels=LABELS,
        tz=current_practice().timezone,
        may_record=can_record_adverse_event(current_user, client),
    )


@bp.route("/adverse-events")
def adverse_events():
    filters = AdverseEventFilterForm(request.args)
    valid = filters.validate()
    practice = current_practice()
    page = event_service.practice_page(
        current_user, practice.timezone, requested_page(), **(filters.criteria() if valid else {})
    )
    record_view("adverse_event.list", detail=f"practice,page={page.page},rows={len(page.items)}")
    return render_template(
        "clinician/adverse_events/list.html",
        page=page,
        filters=filters,
        tz=practice.timezone,
        labels=LABELS,
        serious=rules.SERIOUS,
        query_args=filter_args(),
    ), (200 if valid else 400)
