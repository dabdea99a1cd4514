"""Outcome measures on the staff side: trends, assigning, entering, safety alerts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.alert_forms import AcknowledgeAlertForm
from tracker.clinician.alerts import alert_page
from tracker.clinician.blank_forms import form_fields
from tracker.clinician.measure_forms import SCHEDULE_LABELS, AssignMeasureForm
from tracker.domain import scoring
from tracker.domain.instruments import ALL_CODES, ITEM_INSTRUMENTS, SCORES_ONLY, cssrs
from tracker.domain.policy import can_acknowledge_alert, can_manage_measures, can_view_client
from tracker.extensions import db
from tracker.forms.measures import AnswerForm, ScoresForm, entry_form_class, questionnaire_page
from tracker.models import Practice
from tracker.services import Forbidden, Rejected
from tracker.services import alerts as alert_service
from tracker.services import clients as client_service
from tracker.services import measures as measure_service
from tracker.web import (
    audit_fields,
    client_ip,
    finish_write,
    practice_today,
    record_view,
    show_problems,
    translate_service_errors,
)


def _measures_url(client) -> str:
    return url_for("clinician.client_measures", client_id=client.id)


def _page(client, status=200, **forms):
    practice = db.session.get(Practice, client.practice_id)
    today = practice_today()
    forms.setdefault("assign_form", None)
    forms.setdefault("acknowledge_form", None)  # one with errors, else the plain form
    may_manage = can_manage_measures(current_user, client)
    if may_manage:  # the empty form is drawn once and reused (``blank_forms``)
        forms["assign_fields"] = form_fields(
            "clinician/measures/_assign_fields.html",
            forms["assign_form"],
            blank=lambda: AssignMeasureForm(formdata=None, start_date=today),
            key=today,
        )
    alerts = measure_service.alerts_for_client(client)
    open_alerts = any(alert.acknowledged_at is None for alert in alerts)
    medicine = measure_service.medicine_days(client, practice)
    return (
        render_template(
            "clinician/measures/page.html",
            client=client,
            trends=measure_service.trends(client, practice, medicine),
            assignments=measure_service.assignment_states(client, practice, today, medicine),
            alerts=alerts,
            escalation=alert_service.escalation_outlook(practice.id) if open_alerts else None,
            mail_configured=mail.mail_configured(),
            timezone=practice.timezone,
            cssrs_yes=cssrs.yes_answers,
            item_instruments=ITEM_INSTRUMENTS,
            scores_only=SCORES_ONLY,
            schedule_labels=SCHEDULE_LABELS,
            change_words=scoring.CHANGE_WORDS,
            flag_labels=scoring.FLAG_LABELS,
            may_manage=may_manage,
            **forms,
        ),
        status,
    )


@bp.route("/clients/<int:client_id>/measures")
@translate_service_errors
def client_measures(client_id: int):
    client = client_service.get_client(current_user, client_id)
    page = _page(client)
    # Audited once drawn: the commit would otherwise expire what the page still reads.
    record_view("measure.list", **audit_fields(client, client.id))
    return page


@bp.route("/clients/<int:client_id>/measures/assign", methods=["POST"])
@translate_service_errors
def assign_measure(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_measures)
    form = AssignMeasureForm()
    if not form.validate_on_submit():
        return _page(client, 400, assign_form=form)
    assignment = measure_service.assign(client, current_user, **form.schedule())
    message = _("Questionnaire assigned. The client sees it in the portal when it is due.")
    detail = f"instrument={assignment.instrument}"
    return _assignment_changed("measure.assign", message, client, assignment, detail=detail)


@bp.route(
    "/clients/<int:client_id>/measures/assignments/<int:assignment_id>/stop", methods=["POST"]
)
@translate_service_errors
def stop_measure(client_id: int, assignment_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_measures)
    assignment = measure_service.get_assignment(client, assignment_id)
    measure_service.stop(assignment, practice_today())
    return _assignment_changed("measure.stop", _("Questionnaire stopped."), client, assignment)


def _assignment_changed(action: str, message: str, client, assignment, detail: str = ""):
    """Audit the change to one of the client's questionnaire assignments; back to the
    client's measures."""
    fields = audit_fields(assignment, client.id, detail)
    return finish_write(action, message, _measures_url(client), **fields)


@bp.route("/clients/<int:client_id>/measures/enter/<code>", methods=["GET", "POST"])
@translate_service_errors
def enter_measure(client_id: int, code: str):
    """The therapist enters a questionnaire's answers on the client's behalf, or scores."""
    client = client_service.get_client(current_user, client_id, can_manage_measures)
    form = _entry_form(code)
    if form.validate_on_submit():
        try:
            measure_service.submit(
                client, current_user, instrument=code, ip_address=client_ip(), **form.answered()
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            db.session.commit()
            saved = _("Scores saved.") if code in SCORES_ONLY else _("Answers saved and scored.")
            flash(saved, "success")
            return redirect(_measures_url(client))
    return _entry_page(client, form), (400 if form.errors else 200)


def _entry_form(code: str) -> AnswerForm | ScoresForm:
    """The form instrument ``code`` is entered with, dated today when opened; 404 for a
    code that is no instrument."""
    if code not in ALL_CODES:
        abort(404)
    form = entry_form_class(code)()
    if request.method == "GET":
        form.completed_on.data = practice_today()
    return form


def _entry_page(client, form: AnswerForm | ScoresForm) -> str:
    """The therapist's entry form: item answers, or a scores-only instrument's scores."""
    if isinstance(form, ScoresForm):
        spec = SCORES_ONLY[form.code]
        return render_template(
            "clinician/measures/scores.html", client=client, form=form, spec=spec
        )
    return render_template(
        "clinician/measures/enter.html", client=client, **questionnaire_page(form)
    )


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@translate_service_errors
def acknowledge_alert(alert_id: int):
    """Acknowledge with a note of what was done; it stops the escalation."""
    access = alert_service.get_alert_for(current_user, alert_id)
    alert, client = access.alert, access.client
    if not can_acknowledge_alert(
        current_user, client, escalated_to_actor=access.escalated_to_actor
    ):
        raise Forbidden(alert.id)
    # A backup clinician outside the care team stays on the alert's page.
    on_team = can_view_client(current_user, client)
    next_page = request.form.get("next_page") if on_team else "alert"
    form = AcknowledgeAlertForm()
    if not form.validate_on_submit():
        if next_page == "alert":
            return alert_page(access, 400, form)
        return _page(client, 400, acknowledge_form=form)
    try:
        alert_service.acknowledge(alert, current_user, form.note.data, ip_address=client_ip())
    except Forbidden:
        flash(_("Someone on the care team has already acknowledged this alert."), "info")
    else:
        db.session.commit()
        flash(_("Alert acknowledged. Your note is kept with it."), "success")
    return redirect(_after_acknowledging(next_page, alert, client))


def _after_acknowledging(next_page: str | None, alert, client) -> str:
    if next_page == "caseload":
        return url_for("clinician.caseload")
    if next_page == "alert":
        return url_for("clinician.show_alert", alert_id=alert.id)
    return _measures_url(client)
