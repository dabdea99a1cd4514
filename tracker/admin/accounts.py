"""Account management: list, create, deactivate, reactivate, issue a reset link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from tracker.admin import bp
from tracker.admin.account_forms import BackupClinicianForm, CreateUserForm
from tracker.domain.policy import can_be_backup_clinician
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.forms.widgets import Form
from tracker.i18n import current_locale
from tracker.models import User
from tracker.services import Rejected, accounts
from tracker.web import audit, finish_write, show_problems, translate_service_errors


@bp.route("/")
def index():
    return render_template("admin/index.html")


@bp.route("/users")
def list_users():
    return _users_page()


def _users_page(
    status: int = 200, *, error: str | None = None, error_user: int | None = None
) -> ResponseReturnValue:
    users = accounts.practice_accounts(current_user)
    return render_template(
        "admin/users.html",
        users=users,
        action_form=Form(),
        backups=sum(1 for user in users if user.backup_clinician and can_be_backup_clinician(user)),
        can_be_backup=can_be_backup_clinician,
        error=error,
        error_user=error_user,
    ), status


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                practice_id=current_user.practice_id,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                credentials=form.credentials.data or "",
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return _link_page(user, "user.create", new=True, detail=f"role={user.role},")
    return render_template("admin/user_form.html", form=form), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@translate_service_errors
def deactivate_user(user_id: int):
    user = _posted_account(user_id)
    try:
        accounts.deactivate(current_user, user)
    except Rejected as rejected:
        flash(problem_text(rejected.problem), "error")
        return redirect(url_for("admin.list_users"))
    return _account_changed(
        user,
        "user.deactivate",
        _("%(name)s can no longer sign in. Their open sessions have ended.", name=user.name),
    )


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@translate_service_errors
def activate_user(user_id: int):
    user = _posted_account(user_id)
    accounts.set_active(user, True)
    return _account_changed(user, "user.activate", _("%(name)s can sign in again.", name=user.name))


@bp.route("/users/<int:user_id>/backup-clinician", methods=["POST"])
@translate_service_errors
def set_backup_clinician(user_id: int):
    """Designate (or stop designating) a therapist as a backup clinician: e-mailed when
    a safety alert is not acknowledged in time."""
    user = accounts.practice_account(current_user, user_id)
    form = BackupClinicianForm()
    if not form.validate_on_submit():
        return _users_page(400, error=_("Choose whether this account is a backup clinician."))
    backup = form.backup.data == "yes"
    try:
        accounts.set_backup_clinician(user, backup)
    except Rejected as rejected:
        return _users_page(400, error=problem_text(rejected.problem), error_user=user.id)
    if backup:
        message = _("%(name)s is now a backup clinician.", name=user.name)
    else:
        message = _("%(name)s is no longer a backup clinician.", name=user.name)
    return _account_changed(user, "user.backup_clinician", message, detail=f"on={int(backup)}")


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@translate_service_errors
def issue_reset_link(user_id: int):
    return _link_page(_posted_account(user_id), "user.reset_link", new=False)


def _posted_account(user_id: int) -> User:
    """The account an action button of the accounts page acts on: one the admin manages
    (else 404), from a form of this app (else 400)."""
    user = accounts.practice_account(current_user, user_id)
    if not Form().validate_on_submit():
        abort(400)
    return user


def _account_changed(user: User, action: str, message: str, **detail: str) -> ResponseReturnValue:
    """The end of a change to an account: audited, committed, confirmed, back to the list."""
    return finish_write(
        action,
        message,
        url_for("admin.list_users"),
        record_type="user",
        record_id=user.id,
        **detail,
    )


def _link_page(user: User, action: str, *, new: bool, detail: str = "") -> ResponseReturnValue:
    """Issue the account's one-time link, e-mailed too (through the outbox) when mail is
    set up, and show it on this page only: the page still helps when the e-mail does not
    arrive, and a redirect would have to carry the link."""
    sent = accounts.send_password_link(
        user, current_user, new_account=new, locale=user.locale or current_locale()
    )
    audit(
        action, record_type="user", record_id=user.id, detail=f"{detail}emailed={int(sent.emailed)}"
    )
    db.session.commit()
    return render_template(
        "admin/reset_link.html", user=user, link=sent.url, new=new, emailed=sent.emailed
    )
