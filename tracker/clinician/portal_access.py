"""Inviting a client to the portal."""

from __future__ import annotations

import logging
import smtplib

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.integration_forms import InviteForm
from tracker.domain.clients import ConsentKind
from tracker.domain.policy import can_manage_goals_and_homework
from tracker.extensions import db
from tracker.forms import problem_text
from tracker.models import Practice
from tracker.services import clients as client_service
from tracker.services import invitations
from tracker.web import audit, translate_service_errors

log = logging.getLogger(__name__)


def _has_portal_consent(client) -> bool:
    return any(
        consent.kind == ConsentKind.PORTAL and consent.is_active
        for consent in client_service.consents(client)
    )


@bp.route("/clients/<int:client_id>/portal", methods=["GET", "POST"])
@translate_service_errors
def invite_client(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    form = InviteForm()
    if request.method == "GET":
        form.email.data = client.portal_user.email if client.portal_user else client.email
        form.language.data = (client.portal_user and client.portal_user.locale) or str(
            get_locale() or "en"
        )
    link = None
    emailed = False
    mail_failed = False
    if form.validate_on_submit():
        try:
            invitation = invitations.invite(
                client, current_user, form.email.data, current_app.config["INVITATION_LIFETIME"]
            )
        except invitations.InvitationRejected as rejected:
            form.email.errors.append(problem_text(rejected.problem))
        else:
            audit(
                "portal.invite",
                record_type="user",
                record_id=invitation.user.id,
                client_id=client.id,
            )
            db.session.commit()
            link = url_for("auth.accept_invitation", token=invitation.token, _external=True)
            language = form.language.data or str(get_locale() or "en")
            invitation.user.locale = language  # the portal opens in it too
            db.session.commit()
            emailed = _send_invitation(invitation.user.email, link, language)
            mail_failed = mail.mail_configured() and not emailed
    return render_template(
        "clinician/portal_access.html",
        client=client,
        form=form,
        state=invitations.portal_state(client),
        link=link if not emailed else None,
        emailed=emailed,
        mail_failed=mail_failed,
        consent=_has_portal_consent(client),
        mail_configured=mail.mail_configured(),
    ), (400 if form.errors else 200)


def _send_invitation(address: str, link: str, language: str) -> bool:
    """E-mail the link when SMTP is set up. No clinical content, no client name."""
    if not mail.mail_configured():
        return False
    practice = db.session.get(Practice, current_user.practice_id)
    hours = int(current_app.config["INVITATION_LIFETIME"].total_seconds() // 3600)
    with force_locale(language):  # the client's language, not the therapist's
        return _compose_and_send(address, link, practice.name, hours)


def _compose_and_send(address: str, link: str, practice_name: str, hours: int) -> bool:
    body = _(
        "Hello,\n\n%(practice)s has invited you to your personal portal.\n\n"
        "Choose your password here (the link works once and expires in %(hours)s hours):\n"
        "%(link)s\n\nIf you did not expect this e-mail, you can ignore it.",
        practice=practice_name,
        hours=hours,
        link=link,
    )
    try:
        mail.send(address, _("Your portal invitation"), body)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("invitation e-mail not sent: %s", type(exc).__name__)
        return False
    return True
