"""Session documentation views: timeline, course, notes, signing, dosing, vitals, spots."""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from tracker.clinician import bp, dose_entry
from tracker.clinician.adverse_events import LABELS as ADVERSE_EVENT_LABELS
from tracker.clinician.adverse_events import session_form as adverse_event_session_form
from tracker.clinician.blank_forms import blank_field, form_fields
from tracker.clinician.session_forms import (
    AddendumForm,
    AdministrationForm,
    BrainspotForm,
    DischargeForm,
    SessionForm,
    SignForm,
    VitalsForm,
    VoidForm,
    note_field_name,
    timeline_filters,
)
from tracker.domain import brainspots as spot_rules
from tracker.domain import dosing, readiness
from tracker.domain import sessions as rules
from tracker.domain import vitals as vital_rules
from tracker.domain.clock import utc_to_local
from tracker.domain.policy import (
    can_add_addendum,
    can_document_sessions,
    can_override_readiness,
    can_record_adverse_event,
    can_record_dosing,
    can_view_client,
    can_void_session,
)
from tracker.forms.fields import problem_text
from tracker.models import BrainspotRecord, KetamineAdministration, Practice, VitalSign
from tracker.models.base import utcnow
from tracker.services import Rejected
from tracker.services import adverse_events as adverse_event_service
from tracker.services import clients as client_service
from tracker.services import medicine as medicine_service
from tracker.services import sessions as session_service
from tracker.web import (
    audit_fields,
    current_practice,
    filter_args,
    finish_write,
    practice_today,
    record_view,
    requested_page,
    show_problems,
    translate_service_errors,
)

LABELS = {
    "modality": rules.MODALITY_LABELS,
    "modality_short": rules.MODALITY_SHORT_LABELS,
    "note_format_short": rules.NOTE_FORMAT_SHORT_LABELS,
    "phase": rules.PHASE_LABELS,
    "setting": rules.SETTING_LABELS,
    "note_format": rules.NOTE_FORMAT_LABELS,
    "screen": rules.SUICIDE_SCREEN_LABELS,
    "route": dosing.ROUTE_LABELS,
    "alert": vital_rules.ALERT_LABELS,
    "spot_type": spot_rules.SPOT_TYPE_LABELS,
    "method": spot_rules.METHOD_LABELS,
    "eye": spot_rules.EYE_LABELS,
    "depth": spot_rules.DEPTH_LABELS,
}

# The label tables and code texts both session pages (the timeline and one session)
# print their doses, discharges and adverse events with.
_TEMPLATE_TABLES = {
    "labels": LABELS,
    "ae_labels": ADVERSE_EVENT_LABELS,
    "codes_text": dose_entry.codes_text,
    "discharge_labels": medicine_service.DISCHARGE_OUTCOMES,
}


def _options(labels: dict) -> list[tuple[str, str]]:
    """A filter's options from a label table, translated."""
    return [(str(value), _(label)) for value, label in labels.items()]


def session_url(session, anchor: str = "") -> str:
    return url_for(
        "clinician.show_session",
        client_id=session.client_id,
        session_id=session.id,
        _anchor=anchor or None,
    )


def _session_viewed(session, detail: str = "") -> None:
    """Audit that the note was opened (a view of clinical text), and commit."""
    record_view("session.view", **audit_fields(session, session.client_id, detail))


def _session_saved(action: str, message: str, session, detail: str = ""):
    """The end of a write to the session itself: audit, commit, confirm, back to it."""
    fields = audit_fields(session, session.client_id, detail)
    return finish_write(action, message, session_url(session), **fields)


def _part_saved(
    action: str, part, client, session, message: str, anchor: str = "", detail: str = ""
):
    """Audit a change to part of a session (the part just written: its table names the
    audit's record type), commit, confirm, and go back to the session."""
    fields = audit_fields(part, client.id, detail or f"session={session.id}")
    return finish_write(action, message, session_url(session, anchor), **fields)


def _back_to_session(session, message: str, category: str = "info"):
    """Nothing was done: say why on the session page."""
    flash(message, category)
    return redirect(session_url(session))


def _client_session(client_id: int, session_id: int, allowed=can_view_client):
    """The client and one of their sessions, loaded for the actor as the policy allows
    (someone else's is a 404; ``allowed`` refused is a 403)."""
    client = client_service.get_client(current_user, client_id, allowed)
    return client, session_service.get_session(client, session_id)


def _draft(client_id: int, session_id: int, allowed):
    """``_client_session`` of a draft: a signed session is a 409."""
    client, session = _client_session(client_id, session_id, allowed)
    if session.is_signed:
        abort(409)
    return client, session


# --- timeline and course -------------------------------------------------------------


@bp.route("/clients/<int:client_id>/sessions")
@translate_service_errors
def list_sessions(client_id: int):
    client = client_service.get_client(current_user, client_id)
    practice = current_practice()
    filters = timeline_filters(request.args)
    timeline = session_service.timeline(
        client,
        practice,
        practice_today(),
        modality=filters["modality"] or "",
        phase=filters["phase"] or "",
        page=requested_page(),
    )
    page = _render_timeline(client, practice, filters, timeline)
    # Audited once drawn: the commit would otherwise expire what the page still reads.
    record_view("session.list", **audit_fields(client, client.id))
    return page


def _render_timeline(client, practice: Practice, filters, timeline):
    return render_template(
        "clinician/sessions/timeline.html",
        client=client,
        page=timeline.page,
        filters=filters,
        modality_options=[("", _("All modalities")), *_options(rules.MODALITY_LABELS)],
        phase_options=[("", _("All phases")), *_options(rules.PHASE_LABELS)],
        course=timeline.course,
        course_by_id={entry.session.id: entry for entry in timeline.course.entries},
        overrides=timeline.overrides,
        discharges=timeline.discharges,
        tz=practice.timezone,
        may_document=can_document_sessions(current_user, client),
        adverse_events=adverse_event_service.for_client(client),
        may_record_adverse_event=can_record_adverse_event(current_user, client),
        query_args=filter_args(),
        **_TEMPLATE_TABLES,
    )


# --- create and edit -----------------------------------------------------------------


def _render_session_form(client, form, session=None, status=200, current=None):
    visible = {form.note_format.data or "soap", *form.stray_note_formats()}
    # The sections of the formats not chosen are hidden and, unless something was typed
    # there, empty: drawn once and reused (``blank_forms``).
    hidden_blank = {
        fmt: form_fields(
            "clinician/sessions/_note_format.html",
            blank=lambda: SessionForm(formdata=None, zone_name=form.zone_name),
            key=fmt,
            context={"fmt": fmt, "hidden": True, "legend": rules.NOTE_FORMAT_LABELS[fmt]},
        )
        for fmt in rules.NOTE_FORMATS
        if fmt not in visible and not any(f.data or f.errors for f in form.note_fields(fmt))
    }
    return (
        render_template(
            "clinician/sessions/form.html",
            client=client,
            form=form,
            session=session,
            current=current,
            current_sections=(
                rules.note_sections(current.note_format, current.note_sections_text)
                if current
                else []
            ),
            tz=form.zone_name,
            fold_choice=form.offers_fold(),
            visible_formats=visible,
            hidden_blank=hidden_blank,
            blank_field=blank_field,
            note_formats=rules.NOTE_FORMATS,
            labels=LABELS,
        ),
        status,
    )


@bp.route("/clients/<int:client_id>/sessions/new", methods=["GET", "POST"])
@translate_service_errors
def new_session(client_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    form = SessionForm(zone_name=current_practice().timezone)
    if request.method == "GET":
        _prefill_new(form, client)
    elif form.validate_on_submit():
        try:
            session = session_service.create_session(
                client,
                current_user,
                form.values(session_service.SESSION_FIELDS),
                form.note_text(form.note_format.data),
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return _session_saved("session.create", _("Session saved as a draft."), session)
    return _render_session_form(client, form, status=400 if form.errors else 200)


def _prefill_new(form: SessionForm, client) -> None:
    """Now, at the full hour, as the course proposes; "from the last note" carries what
    the last session had (its intention is clinical text: showing it is a view)."""
    now = utc_to_local(datetime.now().astimezone(), form.zone_name)
    form.session_date.data = now.date()
    form.start_time.data = time(now.hour, 0)
    form.duration_minutes.data = 60
    form.note_format.data = "soap"
    form.suicide_screen.data = rules.SuicideScreen.NOT_ASSESSED.value
    for name, value in session_service.proposed_defaults(client).items():
        form[name].data = value
    if request.args.get("from_last"):
        for name, value in session_service.carried_from_last(client).items():
            form[name].data = value
        if request.args.get("phase") in rules.PHASE_LABELS:
            form.phase.data = request.args["phase"]
        last = session_service.last_session(client)
        if last is not None:
            _session_viewed(last, "form=from_last")


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_session(client_id: int, session_id: int):
    client, session = _client_session(client_id, session_id, can_document_sessions)
    if session.is_signed:
        message = _("This note is signed and can no longer change. Add an addendum instead.")
        return _back_to_session(session, message)
    form = SessionForm(zone_name=current_practice().timezone)
    if request.method == "GET":
        return _open_for_editing(client, form, session)
    if form.validate_on_submit():
        try:
            changed = session_service.update_session(
                session,
                form.values(session_service.SESSION_FIELDS),
                form.note_text(form.note_format.data),
                expected_version=int(form.version.data or 0),
            )
        except session_service.StaleEditError as stale:
            return _edit_conflict(client, form, session, stale.current)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return _session_saved("session.update", _("Draft saved."), session, ",".join(changed))
    return _render_session_form(client, form, session, 400 if form.errors else 200)


def _open_for_editing(client, form: SessionForm, session):
    """The edit form with the saved note: it shows the whole note, so opening it is a
    view of the record."""
    form.fill_from(session, session_service.SESSION_FIELDS)
    _session_viewed(session, "form=edit")
    return _render_session_form(client, form, session)


def _edit_conflict(client, form: SessionForm, session, current):
    """Someone saved the note meanwhile: keep the typed text beside the saved version."""
    form.version.data = str(current.version)
    flash(
        _(
            "Someone saved this note after you opened it. Your text is kept below; "
            "compare it with the saved version and save again to replace it."
        ),
        "warning",
    )
    _session_viewed(current, "form=conflict")
    return _render_session_form(client, form, session, 409, current=current)


# --- the session page ----------------------------------------------------------------


def _session_page(client, session, status=200, **forms):
    practice = current_practice()
    thresholds = practice.vitals_thresholds
    flags = {
        vital.id: vital_rules.assess_reading(
            vital_rules.Reading(vital.systolic, vital.diastolic, vital.heart_rate, vital.spo2),
            thresholds,
        )
        for vital in session.vitals
    }
    dosing_session = rules.is_dosing_session(session.modality, session.phase)
    may = {
        "document": can_document_sessions(current_user, client) and not session.is_signed,
        "dose": can_record_dosing(current_user, client) and not session.is_signed,
        "override": can_override_readiness(current_user, client),
        "addendum": can_add_addendum(current_user, client) and session.is_signed,
        "adverse_event": can_record_adverse_event(current_user, client),
    }
    panel = None
    # Each entry form only where the page shows it (a signed note shows none of the
    # draft's): a form passed in comes back with its errors.
    if dosing_session and not session.is_signed:
        panel = medicine_service.medicine_panel(session, practice, utcnow())
        if may["dose"] and "administration_form" not in forms:
            forms["administration_form"] = dose_entry.prefilled_dose_form(client, session, practice)
        if may["dose"]:
            forms.setdefault("discharge_form", DischargeForm(formdata=None))
    brainspot_session = session.modality in rules.BRAINSPOT_MODALITIES
    if may["document"] and brainspot_session and "brainspot_form" not in forms:
        earlier = _earlier_choices(session_service.earlier_spots(session), practice)
        forms["brainspot_form"] = BrainspotForm(formdata=None, earlier=earlier)
    if panel and may["document"] and "note_form" not in forms:
        forms["note_form"] = dose_entry.filled_note_form(session)
    for name in _SESSION_PAGE_FORMS:
        forms.setdefault(name, None)
    # Forms a visit rarely uses are drawn empty once and reused (``blank_forms``).
    if may["addendum"]:
        forms["addendum_fields"] = form_fields(
            "clinician/sessions/_addendum_fields.html",
            forms["addendum_form"],
            blank=lambda: AddendumForm(formdata=None),
        )
    if may["dose"]:
        forms["vitals_fields"] = form_fields(
            "clinician/sessions/_vitals_fields.html",
            forms["vitals_form"],
            blank=lambda: VitalsForm(formdata=None),
        )
    if may["adverse_event"]:
        onset_day = utc_to_local(session.starts_at, practice.timezone).date()
        forms["adverse_event_fields"] = form_fields(
            "clinician/adverse_events/_fields.html",
            forms["adverse_event_form"],
            blank=lambda: adverse_event_session_form(session, practice),
            key=onset_day,
        )
    _add_sign_and_void_panels(client, session, forms, practice, panel)
    return (
        render_template(
            "clinician/sessions/show.html",
            client=client,
            session=session,
            sections=rules.note_sections(session.note_format, session.note_sections_text),
            flags=flags,
            thresholds=thresholds,
            tz=practice.timezone,
            dosing_session=dosing_session,
            brainspot_session=brainspot_session,
            panel=panel,
            may=may,
            adverse_events=adverse_event_service.for_session(session),
            finding_text=lambda finding: dose_entry.finding_text(finding, practice.checklist_items),
            readiness_labels={"clearance": readiness.CLEARANCE_LABELS},
            note_field_name=note_field_name,
            **_TEMPLATE_TABLES,
            **forms,
        ),
        status,
    )


# The forms the session page may show (``None`` where it does not).
_SESSION_PAGE_FORMS = (
    "administration_form",
    "vitals_form",
    "brainspot_form",
    "addendum_form",
    "note_form",
    "adverse_event_form",
    "discharge_form",
    "void_form",
)


def _earlier_choices(earlier, practice: Practice):
    return [
        SelectChoice(
            str(spot.id),
            _(
                "%(date)s: %(type)s at (%(x)s, %(y)s)",
                date=format_date(utc_to_local(spot.session.starts_at, practice.timezone).date()),
                type=_(spot_rules.SPOT_TYPE_LABELS[spot.spot_type]),
                x=spot.x,
                y=spot.y,
            ),
        )
        for spot in earlier
    ]


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>")
@translate_service_errors
def show_session(client_id: int, session_id: int):
    client, session = _client_session(client_id, session_id)
    page = _session_page(client, session)
    # Audited once drawn: the commit would otherwise expire what the page still reads.
    _session_viewed(session)
    return page


# --- signing and "entered in error" (the panels _sign.html and _void.html) --------------


def _add_sign_and_void_panels(
    client, session, context: dict, practice: Practice, panel=None
) -> None:
    """What the sign and void panels of the session page show (no query: the counts
    and the void come with ``get_session``)."""
    if not session.is_signed:
        # The medicine panel has judged the doses already: the preview reuses that.
        unexplained = panel.unexplained if panel else None
        context.setdefault(
            "sign_preview",
            session_service.sign_preview(session, practice, unexplained=unexplained),
        )
    context.setdefault("sign_open", False)
    context.setdefault("sign_error", "")
    context["may_void"] = (
        session.is_signed
        and not session.is_voided
        and can_void_session(current_user, client, session.therapist_id)
    )
    if context["may_void"]:
        context["void_fields"] = form_fields(
            "clinician/sessions/_void_fields.html",
            context.get("void_form"),
            blank=lambda: VoidForm(formdata=None),
        )


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/sign", methods=["POST"])
@translate_service_errors
def sign_session(client_id: int, session_id: int):
    client, session = _client_session(client_id, session_id, can_document_sessions)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirm.data != "1":
        message = _("Nothing was signed: check what will be locked, then choose “Sign and lock”.")
        return _session_page(client, session, 400, sign_open=True, sign_error=message)
    try:
        version = int(form.version.data)
        session_service.sign_session(session, current_user, version, practice=current_practice())
    except session_service.SignedSessionError:
        return _back_to_session(session, _("This note was already signed."))
    except session_service.StaleEditError:
        message = _("The note changed since you opened it. Read it again, then sign.")
        return _back_to_session(session, message, "warning")
    except session_service.SignRejected:
        message = _("The note was not signed. See why under “Sign the note…”.")
        return _session_page(client, session, 409, sign_open=True, sign_error=message)
    message = _("Note signed. It can no longer change; corrections go in addenda.")
    return _session_saved("session.sign", message, session)


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/void", methods=["POST"])
@translate_service_errors
def void_session(client_id: int, session_id: int):
    client, session = _client_session(client_id, session_id)
    try:
        session_service.check_voidable(client, session, current_user)
    except session_service.VoidRejected as rejected:
        return _back_to_session(session, problem_text(rejected.problem))
    form = VoidForm()
    if not form.validate_on_submit():
        return _session_page(client, session, 400, void_form=form)
    void = session_service.void_session(client, session, current_user, form.reason.data)
    return _session_saved(
        "session.void",
        _("Marked as entered in error. The note stays visible, struck through."),
        session,
        f"void={void.id}",
    )


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/addenda", methods=["POST"])
@translate_service_errors
def add_addendum(client_id: int, session_id: int):
    client, session = _client_session(client_id, session_id, can_add_addendum)
    form = AddendumForm()
    if not session.is_signed:
        return _back_to_session(session, _("Addenda are for signed notes; edit the draft instead."))
    if not form.validate_on_submit():
        return _session_page(client, session, 400, addendum_form=form)
    addendum = session_service.add_addendum(session, current_user, form.body.data)
    message = _("Addendum added.")
    return _part_saved("addendum.create", addendum, client, session, message, "addenda")


# --- dosing, vitals, brainspots (drafts only) ----------------------------------------


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/administrations", methods=["POST"])
@translate_service_errors
def add_administration(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    practice = current_practice()
    form = AdministrationForm(prescribers=dose_entry.prescriber_choices(client))
    if form.validate_on_submit():
        typed = session_service.DoseRequest.from_values(form.data)
        try:
            dose = session_service.add_administration(session, practice, current_user, typed)
        except session_service.DoseNeedsConfirmation as needed:
            dose_entry.explain_confirmation(form, needed, practice)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            override = f",override={dose.override_findings}" if dose.override_findings else ""
            detail = f"session={session.id}{override}"
            message = _("Dose recorded.")
            return _part_saved(
                "administration.create", dose, client, session, message, "dosing", detail
            )
    return _session_page(client, session, 400, administration_form=form)


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/vitals", methods=["POST"])
@translate_service_errors
def add_vitals(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_record_dosing)
    practice = current_practice()
    form = VitalsForm()
    if form.validate_on_submit():
        readings = dose_entry.typed_readings(form, session, practice)
        try:
            created = session_service.add_vitals(session, current_user, readings, practice)
        except session_service.ReadingsRejected as rejected:
            dose_entry.show_reading_problems(form, rejected)
        else:
            message = _("Vitals recorded.")
            detail = f"rows={len(created)}"  # the readings are audited as one event of the session
            return _part_saved("vitals.create", session, client, session, message, "vitals", detail)
    return _session_page(client, session, 400, vitals_form=form)


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/brainspots", methods=["POST"])
@translate_service_errors
def add_brainspot(client_id: int, session_id: int):
    client, session = _draft(client_id, session_id, can_document_sessions)
    earlier = _earlier_choices(session_service.earlier_spots(session), current_practice())
    form = BrainspotForm(earlier=earlier)
    if form.validate_on_submit():
        data = {name: form[name].data for name in session_service.BRAINSPOT_FIELDS}
        try:
            record = session_service.add_brainspot(session, current_user, data)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            message = _("Brainspot recorded.")
            return _part_saved("brainspot.create", record, client, session, message, "brainspots")
    return _session_page(client, session, 400, brainspot_form=form)


PARTS = {
    # part in the URL: (model, audit action prefix, who may remove it)
    "administrations": (KetamineAdministration, "administration", can_record_dosing),
    "vitals": (VitalSign, "vitals", can_record_dosing),
    "brainspots": (BrainspotRecord, "brainspot", can_document_sessions),
}


@bp.route(
    "/clients/<int:client_id>/sessions/<int:session_id>"
    "/<any(administrations, vitals, brainspots):part>/<int:part_id>/delete",
    methods=["POST"],
)
@translate_service_errors
def delete_session_part(client_id: int, session_id: int, part: str, part_id: int):
    model, action, allowed = PARTS[part]
    client, session = _client_session(client_id, session_id, allowed)
    try:  # CSRFProtect has already checked the token of this POST
        removed = session_service.delete_part(session, model, part_id)
    except session_service.SignedSessionError:
        abort(409)
    return _part_saved(f"{action}.delete", removed, client, session, _("Removed from the draft."))


# --- the spot map --------------------------------------------------------------------


@bp.route("/clients/<int:client_id>/spot-map")
@translate_service_errors
def spot_map(client_id: int):
    client = client_service.get_client(current_user, client_id)
    practice = current_practice()
    observations = session_service.spot_observations(client, practice)
    record_view("spot_map.view", **audit_fields(client, client.id))
    return render_template(
        "clinician/sessions/spot_map.html",
        client=client,
        grid=spot_rules.build_spot_map(observations),
        count=len(observations),
        labels=LABELS,
    )
