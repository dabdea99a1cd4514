"""Portal: filling in the questionnaires the therapist assigned."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.extensions import db
from tracker.forms.measures import AnswerForm, answer_form_class, questionnaire_page
from tracker.models import Client, Practice, SafetyAlert
from tracker.portal import bp
from tracker.portal.home import own_client_record
from tracker.services import Rejected
from tracker.services import measures as measure_service
from tracker.web import client_ip, practice_today, show_problems, translate_service_errors


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@translate_service_errors
def fill_measure(measure_id: int):
    client = own_client_record()
    assignment = measure_service.assignment_to_answer(
        client, measure_id, practice_today(), sending=request.method == "POST"
    )
    if assignment is None:  # a calm explanation, not an error page
        return render_template("portal/measure_not_due.html", client=client), 404
    form = answer_form_class(assignment.instrument)()
    if form.validate_on_submit():
        try:
            submitted = measure_service.submit(
                client,
                current_user,
                instrument=assignment.instrument,
                assignment=assignment,
                ip_address=client_ip(),
                **form.answered(),
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            db.session.commit()
            return _thank_you(client, submitted.alert)
    return _questionnaire(client, form), (400 if form.errors else 200)


def _questionnaire(client: Client, form: AnswerForm) -> str:
    """The questionnaire, with a word above it on what to look at when answers are missing
    or do not fit together."""
    if form.contradicted:
        form.form_errors.append(
            _("Some answers do not fit together; please look at the marked questions.")
        )
    elif form.errors:
        form.form_errors.append(_("Please answer every question; the ones missing are marked."))
    return render_template("portal/measure.html", client=client, **questionnaire_page(form))


def _thank_you(client: Client, alert: SafetyAlert | None) -> str:
    """The calm confirmation; after a safety flag, what to do now and who is told (the
    care team only where e-mail can really reach them)."""
    practice = db.session.get(Practice, client.practice_id)
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
