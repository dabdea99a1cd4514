"""Session documentation views: timeline, course, notes, signing, dosing, vitals, spots."""

from __future__ import annotations

from datetime import datetime, time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from tracker.clinician import bp
from tracker.clinician import dose_entry as medicine_views
from tracker.clinician.adverse_events import LABELS as ADVERSE_EVENT_LABELS
from tracker.clinician.adverse_events import session_form as adverse_event_session_form
from tracker.clinician.session_forms import (
    AddendumForm,
    AdministrationForm,
    BrainspotForm,
    ChecklistForm,
    DischargeForm,
    RetroReasonForm,
    SessionForm,
    SignForm,
    TimelineFilterForm,
    VitalsForm,
    VoidForm,
    note_field_name,
)
from tracker.domain import brainspots as spot_rules
from tracker.domain import dosing, readiness
from tracker.domain import sessions as rules
from tracker.domain import vitals as vital_rules
from tracker.domain.clock import (
    AmbiguousLocalTime,
    FoldOption,
    NonexistentLocalTime,
    fold_options,
    local_to_utc_checked,
    utc_to_local,
)
from tracker.domain.policy import (
    can_add_addendum,
    can_document_sessions,
    can_override_readiness,
    can_record_adverse_event,
    can_record_dosing,
    can_void_session,
)
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.models import BrainspotRecord, KetamineAdministration, Practice, VitalSign
from tracker.models.base import utcnow
from tracker.services import adverse_events as adverse_event_service
from tracker.services import clients as client_service
from tracker.services import medicine as medicine_service
from tracker.services import sessions as session_service
from tracker.web import audit, practice_today, translate_service_errors

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


def _practice() -> Practice:
    return db.session.get(Practice, current_user.practice_id)


def _audit_session(action: str, client, session, detail: str = "") -> None:
    audit(
        action,
        record_type="therapy_session",
        record_id=session.id,
        client_id=client.id,
        detail=detail,
    )


def _apply_problems(form, problems) -> None:
    for name, problem in problems.items():
        form[name].errors.append(problem_text(problem))


def _record_saved(
    action: str,
    record_type: str,
    record_id: int,
    client,
    session,
    message: str,
    anchor: str = "",
    detail: str = "",
):
    """Audit a change to part of a session, commit, confirm, and go back to the session."""
    audit(
        action,
        record_type=record_type,
        record_id=record_id,
        client_id=client.id,
        detail=detail or f"session={session.id}",
    )
    db.session.commit()
    flash(message, "success")
    return redirect(session_url(session) + (f"#{anchor}" if anchor else ""))


# --- timeline and course -------------------------------------------------------------


@bp.route("/clients/<int:client_id>/sessions")
@translate_service_errors
def list_sessions(client_id: int):
    client = client_service.get_client(current_user, client_id)
    practice = _practice()
    filters = TimelineFilterForm(request.args)
    if not filters.validate():
        filters = TimelineFilterForm(formdata=None)
    page = db.paginate(
        session_service.timeline_query(
            client, modality=filters.modality.data or "", phase=filters.phase.data or ""
        ),
        per_page=current_app.config["TIMELINE_PAGE_SIZE"],
        error_out=False,
    )
    course = session_service.course_view(client, practice, practice_today())
    overrides, discharges = medicine_service.course_safety(client)
    audit("session.list", record_type="client", record_id=client.id, client_id=client.id)
    db.session.commit()
    return render_template(
        "clinician/sessions/timeline.html",
        client=client,
        page=page,
        filters=filters,
        course=course,
        course_by_id={entry.session.id: entry for entry in course.entries},
        overrides=overrides,
        discharges=discharges,
        codes_text=medicine_views.codes_text,
        discharge_labels=medicine_service.DISCHARGE_OUTCOMES,
        tz=practice.timezone,
        labels=LABELS,
        may_document=can_document_sessions(current_user, client),
        adverse_events=adverse_event_service.for_client(client),
        ae_labels=ADVERSE_EVENT_LABELS,
        may_record_adverse_event=can_record_adverse_event(current_user, client),
        query_args={k: v for k, v in request.args.items() if k != "page" and v},
    )


# --- create and edit -----------------------------------------------------------------


def _session_data(form: SessionForm, starts_at: datetime) -> dict:
    return {
        "starts_at": starts_at,
        "duration_minutes": form.duration_minutes.data,
        "modality": form.modality.data,
        "phase": form.phase.data,
        "setting": form.setting.data,
        "intention": form.intention.data,
        "note_format": form.note_format.data,
        "summary": form.summary.data,
        "suicide_screen": form.suicide_screen.data,
        "risk_follow_up": form.risk_follow_up.data,
    }


FOLD_LABELS = {
    (0, True): _l("first %(time)s (summer time, %(zone)s)"),
    (0, False): _l("first %(time)s (winter time, %(zone)s)"),
    (1, True): _l("second %(time)s (summer time, %(zone)s)"),
    (1, False): _l("second %(time)s (winter time, %(zone)s)"),
}


def _fold_choices(form: SessionForm, practice: Practice) -> tuple[FoldOption, ...]:
    """When the typed start happens twice, label the choice between the two (and say
    the form should show it); otherwise nothing to choose."""
    if form.session_date.data is None or form.start_time.data is None:
        return ()
    options = fold_options(form.session_date.data, form.start_time.data, practice.timezone)
    if options is None:
        return ()
    at = form.start_time.data.strftime("%H:%M")
    form.start_fold.choices = [
        SelectChoice(
            str(o.fold),
            str(FOLD_LABELS[o.fold, o.summer_time]) % {"time": at, "zone": o.abbreviation},
        )
        for o in options
    ]
    return options


def _checked_start(form: SessionForm, practice: Practice) -> datetime | None:
    """The start as UTC; ``None``, with the message next to the field, when that local
    time does not exist (clocks forward) or happens twice and the form has not said which."""
    fold = int(form.start_fold.data) if form.start_fold.data in ("0", "1") else None
    try:
        return local_to_utc_checked(
            form.session_date.data, form.start_time.data, practice.timezone, fold
        )
    except NonexistentLocalTime as gap:
        form.start_time.errors.append(problem_text(gap.problem))
    except AmbiguousLocalTime as ambiguous:
        form.start_fold.errors.append(problem_text(ambiguous.problem))
    return None


def _stray_text_refused(form: SessionForm) -> bool:
    """Refuse a save that would drop text typed under another note format."""
    stray = form.stray_note_formats()
    if stray:
        names = ", ".join(_(rules.NOTE_FORMAT_LABELS[fmt]) for fmt in stray)
        form.note_format.errors.append(
            _(
                "Text was written under another note format (%(formats)s). Move it into "
                "this format's sections, or switch back, so nothing is lost.",
                formats=names,
            )
        )
        return True
    return False


def _render_session_form(client, form, session=None, status=200, current=None):
    visible = {form.note_format.data or "soap", *form.stray_note_formats()}
    practice = _practice()
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
            tz=practice.timezone,
            fold_choice=bool(_fold_choices(form, practice)),
            visible_formats=visible,
            note_formats=rules.NOTE_FORMATS,
            labels=LABELS,
        ),
        status,
    )


@bp.route("/clients/<int:client_id>/sessions/new", methods=["GET", "POST"])
@translate_service_errors
def new_session(client_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    practice = _practice()
    form = SessionForm()
    if request.method == "GET":
        _prefill_new(form, client, practice)
        if request.args.get("from_last"):
            # The form shows the previous session's intention: a view of clinical text.
            last = session_service.last_session(client)
            if last is not None:
                _audit_session("session.view", client, last, "form=from_last")
                db.session.commit()
    elif (
        form.validate_on_submit()
        and not _stray_text_refused(form)
        and (starts_at := _checked_start(form, practice))
    ):
        try:
            session = session_service.create_session(
                client,
                current_user,
                _session_data(form, starts_at),
                form.note_text(form.note_format.data),
            )
        except session_service.SessionRejected as rejected:
            _apply_problems(form, rejected.problems)
        else:
            _audit_session("session.create", client, session)
            db.session.commit()
            flash(_("Session saved as a draft."), "success")
            return redirect(session_url(session))
    return _render_session_form(client, form, status=400 if form.errors else 200)


def _prefill_new(form: SessionForm, client, practice: Practice) -> None:
    now = utc_to_local(datetime.now().astimezone(), practice.timezone)
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


def session_url(session) -> str:
    return url_for("clinician.show_session", client_id=session.client_id, session_id=session.id)


def _fill_form_from(form: SessionForm, session, practice: Practice) -> None:
    local = utc_to_local(session.starts_at, practice.timezone)
    form.session_date.data = local.date()
    form.start_time.data = local.time().replace(second=0, microsecond=0)
    form.start_fold.data = str(local.fold)  # which one, if the time happens twice
    for name in (
        "duration_minutes",
        "modality",
        "phase",
        "setting",
        "intention",
        "note_format",
        "summary",
        "suicide_screen",
        "risk_follow_up",
    ):
        form[name].data = getattr(session, name)
    for key, text in session.note_sections_text.items():
        field_name = note_field_name(session.note_format, key)
        if field_name in form:
            form[field_name].data = text
    form.version.data = str(session.version)


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_session(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    session = session_service.get_session(client, session_id)
    if session.is_signed:
        flash(_("This note is signed and can no longer change. Add an addendum instead."), "info")
        return redirect(session_url(session))
    practice = _practice()
    form = SessionForm()
    if request.method == "GET":
        _fill_form_from(form, session, practice)
        # The edit form shows the whole note: opening it is a view of the record.
        _audit_session("session.view", client, session, "form=edit")
        db.session.commit()
        return _render_session_form(client, form, session)
    if (
        form.validate_on_submit()
        and not _stray_text_refused(form)
        and (starts_at := _checked_start(form, practice))
    ):
        try:
            changed = session_service.update_session(
                session,
                _session_data(form, starts_at),
                form.note_text(form.note_format.data),
                expected_version=int(form.version.data or 0),
            )
        except session_service.StaleEditError as stale:
            form.version.data = str(stale.current.version)
            flash(
                _(
                    "Someone saved this note after you opened it. Your text is kept below; "
                    "compare it with the saved version and save again to replace it."
                ),
                "warning",
            )
            _audit_session("session.view", client, stale.current, "form=conflict")
            db.session.commit()
            return _render_session_form(client, form, session, 409, current=stale.current)
        except session_service.SessionRejected as rejected:
            _apply_problems(form, rejected.problems)
        else:
            _audit_session("session.update", client, session, ",".join(changed))
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(session_url(session))
    return _render_session_form(client, form, session, 400 if form.errors else 200)


# --- the session page ----------------------------------------------------------------


def _session_page(client, session, status=200, **forms):
    practice = _practice()
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
    if dosing_session and not session.is_signed:
        panel = medicine_service.medicine_panel(session, practice, utcnow())
        if may["dose"] and "administration_form" not in forms:
            forms["administration_form"] = medicine_views.prefilled_dose_form(
                client, session, practice
            )
        forms.setdefault("checklist_form", ChecklistForm(formdata=None))
        forms.setdefault("discharge_form", DischargeForm(formdata=None))
        forms.setdefault("retro_form", RetroReasonForm(formdata=None))
    earlier = session_service.earlier_spots(session) if not session.is_signed else []
    forms.setdefault("administration_form", AdministrationForm(formdata=None))
    forms.setdefault("vitals_form", VitalsForm(formdata=None))
    forms.setdefault(
        "brainspot_form", BrainspotForm(formdata=None, earlier=_earlier_choices(earlier, practice))
    )
    forms.setdefault("addendum_form", AddendumForm(formdata=None))
    forms.setdefault("sign_form", SignForm(formdata=None, version=session.version))
    if panel and may["document"] and "note_form" not in forms:
        forms["note_form"] = medicine_views.filled_note_form(session)
    forms.setdefault("adverse_event_form", adverse_event_session_form(session, practice))
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
            labels=LABELS,
            dosing_session=dosing_session,
            brainspot_session=session.modality in rules.BRAINSPOT_MODALITIES,
            panel=panel,
            may=may,
            adverse_events=adverse_event_service.for_session(session),
            ae_labels=ADVERSE_EVENT_LABELS,
            finding_text=lambda finding: medicine_views.finding_text(
                finding, practice.checklist_items
            ),
            codes_text=medicine_views.codes_text,
            readiness_labels={"clearance": readiness.CLEARANCE_LABELS},
            discharge_labels=medicine_service.DISCHARGE_OUTCOMES,
            note_field_name=note_field_name,
            **forms,
        ),
        status,
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
    client = client_service.get_client(current_user, client_id)
    session = session_service.get_session(client, session_id)
    _audit_session("session.view", client, session)
    db.session.commit()
    return _session_page(client, session)


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
    context.setdefault("void_form", VoidForm(formdata=None))
    context["may_void"] = (
        session.is_signed
        and not session.is_voided
        and can_void_session(current_user, client, session.therapist_id)
    )


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/sign", methods=["POST"])
@translate_service_errors
def sign_session(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    session = session_service.get_session(client, session_id)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirm.data != "1":
        message = _("Nothing was signed: check what will be locked, then choose “Sign and lock”.")
        return _session_page(client, session, 400, sign_open=True, sign_error=message)
    try:
        session_service.sign_session(
            session, current_user, int(form.version.data), practice=_practice()
        )
    except session_service.SignedSessionError:
        flash(_("This note was already signed."), "info")
        return redirect(session_url(session))
    except session_service.StaleEditError:
        flash(_("The note changed since you opened it. Read it again, then sign."), "warning")
        return redirect(session_url(session))
    except session_service.SignRejected:
        message = _("The note was not signed. See why under “Sign the note…”.")
        return _session_page(client, session, 409, sign_open=True, sign_error=message)
    _audit_session("session.sign", client, session)
    db.session.commit()
    flash(_("Note signed. It can no longer change; corrections go in addenda."), "success")
    return redirect(session_url(session))


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/void", methods=["POST"])
@translate_service_errors
def void_session(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id)
    session = session_service.get_session(client, session_id)
    try:
        session_service.check_voidable(client, session, current_user)
    except session_service.VoidRejected as rejected:
        flash(problem_text(rejected.problem), "info")
        return redirect(session_url(session))
    form = VoidForm()
    if not form.validate_on_submit():
        return _session_page(client, session, 400, void_form=form)
    void = session_service.void_session(client, session, current_user, form.reason.data)
    return _record_saved(
        "session.void",
        "therapy_session",
        session.id,
        client,
        session,
        _("Marked as entered in error. The note stays visible, struck through."),
        detail=f"void={void.id}",
    )


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/addenda", methods=["POST"])
@translate_service_errors
def add_addendum(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_add_addendum)
    session = session_service.get_session(client, session_id)
    form = AddendumForm()
    if not session.is_signed:
        flash(_("Addenda are for signed notes; edit the draft instead."), "info")
        return redirect(session_url(session))
    if not form.validate_on_submit():
        return _session_page(client, session, 400, addendum_form=form)
    addendum = session_service.add_addendum(session, current_user, form.body.data)
    return _record_saved(
        "addendum.create", "addendum", addendum.id, client, session, _("Addendum added."), "addenda"
    )


# --- dosing, vitals, brainspots (drafts only) ----------------------------------------


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/administrations", methods=["POST"])
@translate_service_errors
def add_administration(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_record_dosing)
    session = session_service.get_session(client, session_id)
    practice = _practice()
    form = AdministrationForm(prescribers=medicine_views.prescriber_choices(client))
    if session.is_signed:
        abort(409)
    if form.validate_on_submit():
        try:
            administration = session_service.add_administration(
                session,
                practice,
                current_user,
                medicine_views.dose_request(form, session, practice),
            )
        except NonexistentLocalTime as gap:
            form.given_time.errors.append(problem_text(gap.problem))
        except session_service.SessionRejected as rejected:
            problems = dict(rejected.problems)
            if "given_at" in problems:
                problems["given_time"] = problems.pop("given_at")
            _apply_problems(form, problems)
        except session_service.DoseNeedsConfirmation as needed:
            medicine_views.explain_confirmation(form, needed, practice)
        else:
            return _record_saved(
                "administration.create",
                "ketamine_administration",
                administration.id,
                client,
                session,
                _("Dose recorded."),
                "dosing",
                detail=f"session={session.id}"
                + (
                    f",override={administration.override_findings}"
                    if administration.override_findings
                    else ""
                ),
            )
    return _session_page(client, session, 400, administration_form=form)


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/vitals", methods=["POST"])
@translate_service_errors
def add_vitals(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_record_dosing)
    session = session_service.get_session(client, session_id)
    if session.is_signed:
        abort(409)
    form = VitalsForm()
    rows = (
        medicine_views.vitals_rows(form, session, _practice())
        if form.validate_on_submit()
        else None
    )
    if rows is None:
        return _session_page(client, session, 400, vitals_form=form)
    created = session_service.add_vitals(session, current_user, rows)
    return _record_saved(
        "vitals.create",
        "therapy_session",
        session.id,
        client,
        session,
        _("Vitals recorded."),
        "vitals",
        detail=f"rows={len(created)}",
    )


@bp.route("/clients/<int:client_id>/sessions/<int:session_id>/brainspots", methods=["POST"])
@translate_service_errors
def add_brainspot(client_id: int, session_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    session = session_service.get_session(client, session_id)
    practice = _practice()
    if session.is_signed:
        abort(409)
    form = BrainspotForm(earlier=_earlier_choices(session_service.earlier_spots(session), practice))
    if form.validate_on_submit():
        data = {
            name: form[name].data
            for name in (
                "issue",
                "spot_type",
                "method",
                "eye",
                "x",
                "y",
                "z",
                "reflexes",
                "suds_start",
                "suds_end",
                "body_location",
                "biolateral_sound",
                "minutes_since_dose",
                "earlier_spot_id",
            )
        }
        try:
            record = session_service.add_brainspot(session, current_user, data)
        except session_service.SessionRejected as rejected:
            _apply_problems(form, rejected.problems)
        else:
            return _record_saved(
                "brainspot.create",
                "brainspot_record",
                record.id,
                client,
                session,
                _("Brainspot recorded."),
                "brainspots",
            )
    return _session_page(client, session, 400, brainspot_form=form)


PARTS = {
    # part in the URL: (model, audit action prefix, audit record type, who may remove it)
    "administrations": (
        KetamineAdministration,
        "administration",
        "ketamine_administration",
        can_record_dosing,
    ),
    "vitals": (VitalSign, "vitals", "vital_sign", can_record_dosing),
    "brainspots": (BrainspotRecord, "brainspot", "brainspot_record", can_document_sessions),
}


@bp.route(
    "/clients/<int:client_id>/sessions/<int:session_id>"
    "/<any(administrations, vitals, brainspots):part>/<int:part_id>/delete",
    methods=["POST"],
)
@translate_service_errors
def delete_session_part(client_id: int, session_id: int, part: str, part_id: int):
    model, action, record_type, allowed = PARTS[part]
    client = client_service.get_client(current_user, client_id, allowed)
    session = session_service.get_session(client, session_id)
    try:  # CSRFProtect has already checked the token of this POST
        session_service.delete_part(session, model, part_id)
    except session_service.SignedSessionError:
        abort(409)
    return _record_saved(
        f"{action}.delete", record_type, part_id, client, session, _("Removed from the draft.")
    )


# --- the spot map --------------------------------------------------------------------


@bp.route("/clients/<int:client_id>/spot-map")
@translate_service_errors
def spot_map(client_id: int):
    client = client_service.get_client(current_user, client_id)
    practice = _practice()
    observations = session_service.spot_observations(client, practice)
    audit("spot_map.view", record_type="client", record_id=client.id, client_id=client.id)
    db.session.commit()
    return render_template(
        "clinician/sessions/spot_map.html",
        client=client,
        grid=spot_rules.build_spot_map(observations),
        count=len(observations),
        labels=LABELS,
    )
