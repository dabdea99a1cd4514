"""Account management: list, create, deactivate, reactivate, issue a reset link."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker import mail
from tracker.admin import bp
from tracker.admin.account_forms import BackupClinicianForm, CreateUserForm
from tracker.domain.policy import can_be_backup_clinician
from tracker.extensions import db
from tracker.i18n import current_locale
from tracker.links import external_url
from tracker.models import User
from tracker.services import accounts
from tracker.web import audit


def _practice_user(user_id: int) -> User:
    """An account of the admin's own practice, else 404."""
    user = db.session.get(User, user_id)
    if user is None or user.practice_id != current_user.practice_id:
        abort(404)
    return user


@bp.route("/")
def index():
    return render_template("admin/index.html")


@bp.route("/users")
def list_users():
    return _users_page()


def _users_page(status: int = 200, *, error: str | None = None, error_user: int | None = None):
    users = db.session.scalars(
        select(User)
        .where(User.practice_id == current_user.practice_id)
        .order_by(User.role, User.name)
    ).all()
    return render_template(
        "admin/users.html",
        users=users,
        action_form=FlaskForm(),
        backups=sum(1 for user in users if user.backup_clinician and can_be_backup_clinician(user)),
        can_be_backup=can_be_backup_clinician,
        error=error,
        error_user=error_user,
    ), status


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = CreateUserForm()
    if form.validate_on_submit():
        if accounts.email_taken(form.email.data):
            form.email.errors.append(_("An account with this e-mail address already exists."))
        else:
            user = accounts.create_user(
                practice_id=current_user.practice_id,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                credentials=form.credentials.data or "",
            )
            token = accounts.issue_one_time_token(
                user,
                purpose=accounts.PURPOSE_PASSWORD_RESET,
                lifetime=current_app.config["PASSWORD_RESET_LIFETIME"],
                created_by=current_user,
            )
            emailed = _email_link(user, token, new_account=True)
            audit(
                "user.create",
                record_type="user",
                record_id=user.id,
                detail=f"role={user.role},emailed={int(emailed)}",
            )
            db.session.commit()
            return _link_page(user, token, new=True, emailed=emailed)
    return render_template("admin/user_form.html", form=form), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    user = _practice_user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.list_users"))
    accounts.set_active(user, False)
    audit("user.deactivate", record_type="user", record_id=user.id)
    db.session.commit()
    flash(
        _("%(name)s can no longer sign in. Their open sessions have ended.", name=user.name),
        "success",
    )
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
def activate_user(user_id: int):
    user = _practice_user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    accounts.set_active(user, True)
    audit("user.activate", record_type="user", record_id=user.id)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/backup-clinician", methods=["POST"])
def set_backup_clinician(user_id: int):
    """Designate (or stop designating) a therapist as a backup clinician: e-mailed when
    a safety alert is not acknowledged in time."""
    user = _practice_user(user_id)
    form = BackupClinicianForm()
    if not form.validate_on_submit():
        return _users_page(400, error=_("Choose whether this account is a backup clinician."))
    backup = form.backup.data == "yes"
    try:
        accounts.set_backup_clinician(user, backup)
    except accounts.AccountError:
        return _users_page(
            400, error=_("Only active therapists can be backup clinicians."), error_user=user.id
        )
    audit(
        "user.backup_clinician", record_type="user", record_id=user.id, detail=f"on={int(backup)}"
    )
    db.session.commit()
    if backup:
        flash(_("%(name)s is now a backup clinician.", name=user.name), "success")
    else:
        flash(_("%(name)s is no longer a backup clinician.", name=user.name), "success")
    return redirect(url_for("admin.list_users"))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
def issue_reset_link(user_id: int):
    user = _practice_user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = accounts.issue_one_time_token(
        user,
        purpose=accounts.PURPOSE_PASSWORD_RESET,
        lifetime=current_app.config["PASSWORD_RESET_LIFETIME"],
        created_by=current_user,
    )
    emailed = _email_link(user, token, new_account=False)
    audit(
        "user.reset_link", record_type="user", record_id=user.id, detail=f"emailed={int(emailed)}"
    )
    db.session.commit()
    return _link_page(user, token, new=False, emailed=emailed)


def _email_link(user: User, token: str, *, new_account: bool) -> bool:
    """E-mail the link too (through the outbox) when mail is set up; the page still
    shows it, for when the e-mail does not arrive."""
    if not mail.mail_configured():
        return False
    accounts.email_password_link(
        user,
        external_url("auth.reset_password", token=token),
        new_account=new_account,
        locale=user.locale or current_locale(),
    )
    return True


def _link_page(user: User, token: str, *, new: bool, emailed: bool):
    return render_template(
        "admin/reset_link.html",
        user=user,
        link=external_url("auth.reset_password", token=token),
        new=new,
        emailed=emailed,
    )
