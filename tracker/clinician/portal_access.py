"""Inviting a client to the portal."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.portal_access_forms import InviteForm
from tracker.domain.clients import ConsentKind
from tracker.domain.policy import can_manage_goals_and_homework
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.links import external_url
from tracker.services import clients as client_service
from tracker.services import invitations
from tracker.web import audit, translate_service_errors


def _has_portal_consent(client) -> bool:
    return any(
        consent.kind == ConsentKind.PORTAL and consent.is_active
        for consent in client_service.consents(client)
    )


@bp.route("/clients/<int:client_id>/portal", methods=["GET", "POST"])
@translate_service_errors
def invite_client(client_id: int):
    """Invite (or invite again): the link is e-mailed through the outbox when mail is
    set up (no clinical content, no client name), else shown to pass on."""
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    form = InviteForm()
    if request.method == "GET":
        form.email.data = client.portal_user.email if client.portal_user else client.email
        form.language.data = (client.portal_user and client.portal_user.locale) or str(
            get_locale() or "en"
        )
    link = None
    emailed = False
    if form.validate_on_submit():
        try:
            invitation = invitations.invite(
                client, current_user, form.email.data, current_app.config["INVITATION_LIFETIME"]
            )
        except invitations.InvitationRejected as rejected:
            form.email.errors.append(problem_text(rejected.problem))
        else:
            language = form.language.data or str(get_locale() or "en")
            invitation.user.locale = language  # the e-mail and the portal open in it
            link = external_url("auth.accept_invitation", token=invitation.token)
            emailed = mail.mail_configured()
            if emailed:
                invitations.email_invitation(invitation, link, language)
            audit(
                "portal.invite",
                record_type="user",
                record_id=invitation.user.id,
                client_id=client.id,
                detail=f"emailed={int(emailed)}",
            )
            db.session.commit()
    return render_template(
        "clinician/portal_access.html",
        client=client,
        form=form,
        state=invitations.portal_state(client),
        link=link if not emailed else None,
        emailed=emailed,
        last_email=invitations.last_invitation_email(client),
        consent=_has_portal_consent(client),
        mail_configured=mail.mail_configured(),
    ), (400 if form.errors else 200)
