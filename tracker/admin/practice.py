"""Practice settings: name, address, letterhead, crisis numbers, footer, vitals
thresholds, the medicine-session and the safety-alert settings."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.admin import bp
from tracker.admin.practice_forms import PracticeForm
from tracker.domain import crisis
from tracker.extensions import db
from tracker.models import Practice
from tracker.services import alerts as alert_service
from tracker.services import audit as audit_service
from tracker.services import practice as practice_service
from tracker.web import finish_write, show_problems


@bp.route("/practice", methods=["GET", "POST"])
def edit_practice():
    practice = db.session.get(Practice, current_user.practice_id)
    form = PracticeForm(obj=practice)
    if not form.is_submitted():
        form.checklist_text.data = practice_service.checklist_text(practice)
    if form.validate_on_submit():
        try:
            changed = practice_service.update_settings(practice, form.data)
        except practice_service.SettingsRejected as rejected:
            show_problems(form, rejected)
        else:
            return finish_write(
                "practice.update",
                _("Practice settings saved."),
                url_for("admin.edit_practice"),
                record_type="practice",
                record_id=practice.id,
                detail=audit_service.name_list(changed),
            )
    return _practice_page(form, practice)


def _practice_page(form: PracticeForm, practice: Practice) -> ResponseReturnValue:
    return render_template(
        "admin/practice.html",
        form=form,
        crisis_defaults={country: crisis.crisis_box("", country) for country in crisis.DEFAULTS},
        crisis_countries=crisis.COUNTRY_LABELS,
        backups=alert_service.backup_count(practice.id),
        mail_configured=mail.mail_configured(),
    ), (400 if form.errors else 200)
