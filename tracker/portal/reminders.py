"""Portal: the client's choice of e-mail reminders."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from tracker.domain.reminders import COMMON_ZONES
from tracker.portal import bp
from tracker.portal.home import own_client_record, own_practice
from tracker.portal.reminder_forms import ReminderForm
from tracker.services import Rejected
from tracker.services import reminders as reminder_service
from tracker.web import audit_fields, finish_write, form_page, show_problems


@bp.route("/reminders", methods=["GET", "POST"])
def reminders():
    client = own_client_record()
    form = ReminderForm()
    if not form.is_submitted():
        form.show(reminder_service.current_choice(client, own_practice()))
    elif form.validate():
        try:
            stored = reminder_service.save_choice(
                client, enabled=form.enabled.data, settings=form.settings()
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return finish_write(
                "reminders.on" if stored.enabled else "reminders.off",
                _("Your reminder settings are saved."),
                url_for("portal.reminders"),
                **audit_fields(stored, client.id),
            )
    return form_page("portal/reminders.html", form, client=client, zones=COMMON_ZONES)
