"""Portal: the client's choice of e-mail reminders."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker.domain.reminders import COMMON_ZONES, QuietHours, ReminderSettings
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.models import Practice
from tracker.portal import bp
from tracker.portal.home import own_client_record
from tracker.portal.reminder_forms import ReminderForm
from tracker.services import reminders as reminder_service
from tracker.web import audit


@bp.route("/reminders", methods=["GET", "POST"])
def reminders():
    client = own_client_record()
    practice = db.session.get(Practice, client.practice_id)
    form = ReminderForm()
    if not form.is_submitted():
        choice = reminder_service.current_choice(client, practice)
        form.enabled.data = choice.enabled
        form.send_at.data = choice.settings.at
        form.timezone.data = choice.settings.zone_name
        form.quiet_start.data = choice.settings.quiet.start
        form.quiet_end.data = choice.settings.quiet.end
    elif form.validate():
        settings = ReminderSettings(
            at=form.send_at.data,
            zone_name=form.timezone.data,
            quiet=QuietHours(form.quiet_start.data, form.quiet_end.data),
        )
        try:
            stored = reminder_service.save_choice(
                client, enabled=form.enabled.data, settings=settings
            )
        except reminder_service.ReminderRejected as rejected:
            for name, problem in rejected.problems.items():
                form[name].errors.append(problem_text(problem))
        else:
            audit(
                "reminders.on" if stored.enabled else "reminders.off",
                record_type="reminder_preference",
                record_id=stored.id,
                client_id=client.id,
            )
            db.session.commit()
            flash(_("Your reminder settings are saved."), "success")
            return redirect(url_for("portal.reminders"))
    return render_template("portal/reminders.html", client=client, form=form, zones=COMMON_ZONES), (
        400 if form.errors else 200
    )
