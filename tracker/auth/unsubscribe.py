"""Stopping reminders from the link in a reminder, without signing in.

The signed token in the link is the credential. GET shows a page with one button;
POST turns reminders off. A GET never changes anything because mail scanners and link
previews open every link in a message (they would unsubscribe people who never clicked),
and because RFC 8058 one-click unsubscribe, which mail programs offer from the
``List-Unsubscribe`` header, is a POST to this same address (body
``List-Unsubscribe=One-Click``). That POST comes from the mail program, with no CSRF
token and no cookie, so this route is exempt from CSRF protection: it acts on no
signed-in session, and without the token nobody can use it. Repeating it is harmless.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import force_locale

from tracker.auth import bp
from tracker.extensions import csrf, db, limiter
from tracker.services import audit as audit_service
from tracker.services import reminders as reminder_service
from tracker.web import client_ip


@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"])
@csrf.exempt
def unsubscribe_reminders(token: str):
    stored = reminder_service.preference_for_token(token)
    if stored is None:
        return render_template("auth/unsubscribe.html", state="invalid"), 404
    if request.method == "GET":
        return _in_clients_language(stored, state="confirm", token=token)
    if reminder_service.unsubscribe(stored):
        # Anonymous on purpose: the link works for whoever holds it (ids only).
        audit_service.record(
            "reminders.unsubscribe",
            actor=None,
            ip_address=client_ip(),
            record_type="reminder_preference",
            record_id=stored.id,
            client_id=stored.client_id,
            practice_id=stored.client.practice_id,
        )
        db.session.commit()
    return _in_clients_language(stored, state="done")


def _in_clients_language(stored, **context) -> str:
    """The page in the language the client chose for the portal (the one the reminder
    was written in), not the browser's: the link may be opened on any device."""
    account = stored.client.portal_user
    locale = account.locale if account is not None and account.locale else None
    if locale is None:
        return render_template("auth/unsubscribe.html", **context)
    with force_locale(locale):
        return render_template("auth/unsubscribe.html", **context)
