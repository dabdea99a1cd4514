"""A safety alert's own page: where the e-mailed link leads (sign-in required).

The care team sees it, and so does a backup clinician once the alert has been
escalated to them: who the client is and how to reach them, what reached whom and
when, and the acknowledgement. Not the record itself (a backup clinician may not be on
the care team): answers and notes stay on the measures page.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.alert_forms import AcknowledgeAlertForm
from tracker.clinician.blank_forms import form_fields
from tracker.domain.policy import can_acknowledge_alert, can_view_client
from tracker.domain.reports import client_number
from tracker.domain.scoring import FLAG_LABELS
from tracker.services import alerts as alert_service
from tracker.web import audit_fields, record_view, translate_service_errors


@bp.route("/alerts/<int:alert_id>")
@translate_service_errors
def show_alert(alert_id: int):
    access = alert_service.get_alert_for(current_user, alert_id)
    page = alert_page(access)
    # Audited once drawn: the commit would otherwise expire what the page still reads.
    record_view("safety_alert.view", **audit_fields(access.alert, access.client.id))
    return page


def alert_page(access: alert_service.AlertAccess, status: int = 200, form=None):
    """The alert page (also re-shown with the acknowledgement form's errors)."""
    client = access.client
    may_acknowledge = can_acknowledge_alert(
        current_user, client, escalated_to_actor=access.escalated_to_actor
    )
    return render_template(
        "clinician/alerts/show.html",
        alert=access.alert,
        client=client,
        number=client_number(client.id),
        on_care_team=can_view_client(current_user, client),
        may_acknowledge=may_acknowledge,
        acknowledge_form=form,
        # the empty form is drawn once and reused (``blank_forms``)
        acknowledge_fields=form_fields(
            "clinician/alerts/_acknowledge_fields.html",
            form,
            blank=lambda: AcknowledgeAlertForm(formdata=None),
        )
        if may_acknowledge and not access.alert.acknowledged_at
        else None,
        escalation=alert_service.escalation_outlook(client.practice_id),
        mail_configured=mail.mail_configured(),
        flag_labels=FLAG_LABELS,
    ), status
