"""Portal: filling in the questionnaires the therapist assigned."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.extensions import db
from tracker.forms.measures import answer_form_class, answers_from, item_fields
from tracker.models import Practice
from tracker.portal import bp
from tracker.portal.home import own_client_record
from tracker.services import measures as measure_service
from tracker.web import audit, practice_today, translate_service_errors


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@translate_service_errors
def fill_measure(measure_id: int):
    client = own_client_record()
    assignment = measure_service.get_assignment(client, measure_id)
    practice = db.session.get(Practice, client.practice_id)
    due = {a.id for a in measure_service.due_assignments(client, practice, practice_today())}
    # A form sent from a second tab after the first was saved is still accepted (never
    # lose answers); opening one that is not due shows a calm explanation instead.
    accept_anyway = request.method == "POST" and assignment.active
    if assignment.id not in due and not accept_anyway:
        return render_template("portal/measure_not_due.html", client=client), 404
    instrument = ITEM_INSTRUMENTS[assignment.instrument]
    form = answer_form_class(instrument.code)()
    if form.validate_on_submit():
        submitted = measure_service.submit_answers(
            client,
            current_user,
            instrument=instrument.code,
            answers=answers_from(form, instrument),
            extra_answer=form.extra.data if instrument.extra_question else None,
            completed_on=practice_today(),
            by_client=True,
            assignment=assignment,
        )
        audit(
            "measure.response",
            record_type="measure_response",
            record_id=submitted.response.id,
            client_id=client.id,
            detail=f"instrument={instrument.code}",
        )
        if submitted.alert is not None:
            audit(
                "safety_alert.create",
                record_type="safety_alert",
                record_id=submitted.alert.id,
                client_id=client.id,
            )
        db.session.commit()
        alert = submitted.alert
        return render_template(
            "portal/measure_done.html",
            client=client,
            flagged=alert is not None,
            urgent=alert is not None and alert.urgent,
            therapist_name=client.primary_therapist.name,
            response_hours=practice.alert_response_hours,
            escalation_minutes=practice.alert_escalation_minutes,
            mail_configured=mail.mail_configured(),
        )
    if form.contradicted:
        form.form_errors.append(
            _("Some answers do not fit together; please look at the marked questions.")
        )
    elif form.errors:
        form.form_errors.append(_("Please answer every question; the ones missing are marked."))
    return render_template(
        "portal/measure.html",
        client=client,
        form=form,
        instrument=instrument,
        items=item_fields(form, instrument),
    ), (400 if form.errors else 200)
