"""Inviting a client to the portal."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.portal_access_forms import InviteForm
from tracker.domain.policy import can_manage_goals_and_homework
from tracker.extensions import db
from tracker.i18n import current_locale
from tracker.models import Client
from tracker.services import Rejected, accounts, invitations
from tracker.services import clients as client_service
from tracker.web import audit, audit_fields, show_problems, translate_service_errors


@bp.route("/clients/<int:client_id>/portal", methods=["GET", "POST"])
@translate_service_errors
def invite_client(client_id: int):
    """Invite (or invite again): the link is e-mailed through the outbox when mail is
    set up (no clinical content, no client name), else shown to pass on."""
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    form = InviteForm(data=_addressed_to(client) if request.method == "GET" else None)
    sent = None
    if form.validate_on_submit():
        language = form.language.data or current_locale()
        try:
            sent = invitations.send_invitation(client, current_user, form.email.data, language)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            audit(
                "portal.invite",
                **audit_fields(sent.user, client.id, f"emailed={int(sent.emailed)}"),
            )
            db.session.commit()  # the page shows the link: no redirect after this write
    return _invitation_page(client, form, sent)


def _addressed_to(client: Client) -> dict[str, str | None]:
    """The form's first values: the portal account's address and language if there is
    one, else the record's address and the language of this page."""
    account = client.portal_user
    return {
        "email": account.email if account else client.email,
        "language": (account and account.locale) or current_locale(),
    }


def _invitation_page(client: Client, form: InviteForm, sent: accounts.SentLink | None):
    return render_template(
        "clinician/portal_access.html",
        client=client,
        form=form,
        state=invitations.portal_state(client),
        link=sent.url if sent and not sent.emailed else None,
        emailed=bool(sent and sent.emailed),
        last_email=invitations.last_invitation_email(client),
        consent=invitations.has_portal_consent(client),
        mail_configured=mail.mail_configured(),
    ), (400 if form.errors else 200)
