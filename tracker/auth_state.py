"""Flask-Login wired to the server-side sessions in services/auth_sessions.py."""

from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext
from tracker.services import auth_sessions, pending

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret


def lifetimes() -> auth_sessions.Lifetimes:
    cfg = current_app.config
    return auth_sessions.Lifetimes(
        staff_idle=cfg["STAFF_IDLE_TIMEOUT"],
        client_idle=cfg["CLIENT_IDLE_TIMEOUT"],
        absolute=cfg["ABSOLUTE_SESSION_LIFETIME"],
    )


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = lazy_gettext("Please sign in to continue.")
    manager.login_message_category = "info"
    # Our own server-side sessions replace Flask-Login's cookie fingerprinting.
    manager.session_protection = None

    @manager.user_loader
    def load_user(user_id: str):
        result = auth_sessions.check(session.get(SESSION_TOKEN_KEY), user_id, lifetimes())
        g.timed_out_user_id = result.timed_out_user_id
        if result.wrote:
            db.session.commit()
        return result.user

    @manager.unauthorized_handler
    def unauthorized():
        timed_out = g.get("timed_out_user_id")
        # The sign-in area's own forms are never kept: a sign-out needs no resuming,
        # and passwords must not be stored or written back into a page.
        if request.method == "POST" and timed_out and request.blueprint != "auth":
            pending.keep(timed_out, request.path, list(request.form.items(multi=True)))
            db.session.commit()
            flash(
                _("Your session timed out. Sign in again and what you typed will be waiting."),
                "warning",
            )
            return redirect(url_for("auth.login"))
        if timed_out:
            flash(_("Your session timed out. Please sign in again."), "info")
        else:
            flash(manager.login_message, manager.login_message_category)
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=safe_next(target)))
