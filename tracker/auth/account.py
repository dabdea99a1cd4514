"""Views of the sign-in area."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp
from tracker.auth.account_forms import ChangePasswordForm, LanguageForm, LoginForm, SetPasswordForm
from tracker.auth_state import SESSION_TOKEN_KEY, safe_next
from tracker.domain.policy import can_use_portal
from tracker.extensions import db, limiter, login_account_key
from tracker.models import User
from tracker.services import accounts, auth_sessions, pending
from tracker.web import audit, client_ip, finish_write


def home_for(user) -> str:
    """Where a signed-in person lands: clients in the portal, staff on Today (the
    caseload is one click away)."""
    if can_use_portal(user):
        return url_for("portal.home")
    return url_for("clinician.today")


def _failed(response) -> bool:
    """Only failed attempts count against the sign-in limits."""
    return response.status_code != 302


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=login_account_key,
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            known = accounts.find_user_by_email(form.email.data)
            audit(
                "auth.login_failed",
                record_type="user" if known else None,
                record_id=known.id if known else None,
                practice_id=known.practice_id if known else None,
            )
            db.session.commit()
            # One message for unknown e-mail, wrong password and inactive account.
            form.password.errors.append(_("That e-mail and password do not match an account."))
            return render_template("auth/login.html", form=form), 400
        return _sign_in(user)
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _sign_in(user):
    next_url = safe_next(request.args.get("next"))
    session.clear()  # a fresh session (and CSRF secret) after sign-in: no fixation
    session[SESSION_TOKEN_KEY] = auth_sessions.start(user, ip_address=client_ip())
    session.permanent = True
    login_user(user)
    audit("auth.login", record_type="user", record_id=user.id)
    pending.purge_expired(current_app.config["PENDING_SUBMISSION_LIFETIME"], user_id=user.id)
    db.session.commit()
    # Work kept when this person's session timed out is offered back first, on
    # whichever browser they sign in again.
    if pending.has_kept(user.id, current_app.config["PENDING_SUBMISSION_LIFETIME"]):
        return redirect(url_for("auth.resume"))
    return redirect(next_url or home_for(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    auth_sessions.revoke_token(session.get(SESSION_TOKEN_KEY), reason="signed_out")
    audit("auth.logout", record_type="user", record_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/resume", methods=["GET"])
@login_required
def resume():
    """Offer to finish a submission that a session timeout interrupted."""
    kept = pending.take_latest(current_user.id, current_app.config["PENDING_SUBMISSION_LIFETIME"])
    db.session.commit()
    if kept is None:
        return redirect(home_for(current_user))
    return render_template("auth/resume.html", kept=kept)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def reset_password(token: str):
    """Anyone holding an admin's one-time link (for a new account, or to reset a
    forgotten password) chooses a password, then signs in with it."""
    return _set_password_by_link(
        token, accounts.RESET_LINK, "auth.password_reset", _then_sign_in_again
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def accept_invitation(token: str):
    """A client sets a password from the therapist's 72-hour, single-use link."""
    return _set_password_by_link(
        token, accounts.INVITATION_LINK, "auth.invitation_accepted", _then_welcome, welcome=True
    )


def _set_password_by_link(
    token: str,
    kind: accounts.LinkKind,
    action: str,
    then: Callable[[User], ResponseReturnValue],
    **page: object,
) -> ResponseReturnValue:
    """The one flow of a link that lets someone set a password (``kind``): an unknown,
    spent or expired link is a 404; a good password spends the link and ends the account's
    sessions, this browser is signed out of whoever it was signed in as, and ``then``
    says where the person goes next."""
    row = accounts.find_valid_token(token, purpose=kind.purpose)
    if row is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    form.account_email = row.user.email
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/set_password.html", form=form, user=row.user, **page), status
    user = accounts.redeem_token(row, form.password.data)
    audit(action, record_type="user", record_id=user.id, practice_id=user.practice_id)
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    return then(user)


def _then_sign_in_again(user: User) -> ResponseReturnValue:
    session.clear()
    flash(_("Your password is set. Please sign in."), "success")
    return redirect(url_for("auth.login"))


def _then_welcome(user: User) -> ResponseReturnValue:
    response = _sign_in(user)  # starts a fresh session
    flash(_("Welcome. Your password is set."), "success")
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if accounts.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("That is not your current password."))
            db.session.commit()  # keeps the failed-attempt counter
            return render_template("auth/change_password.html", form=form), 400
        accounts.set_password(current_user, form.password.data)
        # Every other browser is signed out; this one continues on a new session.
        session[SESSION_TOKEN_KEY] = auth_sessions.start(current_user, ip_address=client_ip())
        return _own_account_changed(
            "auth.password_changed",
            _("Your password has been changed. Other devices have been signed out."),
        )
    return render_template("auth/change_password.html", form=form), (400 if form.errors else 200)


@bp.route("/account/language", methods=["GET", "POST"])
@login_required
def choose_language():
    """Each person picks the language of the app; by default the browser's."""
    form = LanguageForm(locale=current_user.locale or "")
    if form.validate_on_submit():
        accounts.set_locale(current_user, form.locale.data)
        refresh()  # the confirmation is already in the chosen language
        return _own_account_changed(
            "account.language",
            _("Language saved."),
            detail=f"locale={current_user.locale or 'browser'}",
        )
    return render_template("auth/language.html", form=form), (400 if form.errors else 200)


def _own_account_changed(action: str, message: str, **detail: str) -> ResponseReturnValue:
    """The end of a change to one's own account: audited, committed, confirmed, home."""
    return finish_write(
        action,
        message,
        home_for(current_user),
        record_type="user",
        record_id=current_user.id,
        **detail,
    )


@bp.route("/healthz")
def healthz():
    """Liveness for a proxy or orchestrator: no data, no session."""
    return {"status": "ok"}
