"""The client's reminder settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.domain.reminders import QuietHours, ReminderSettings
from tracker.forms.fields import ClockTimeField
from tracker.forms.widgets import Form
from tracker.services.reminders import Choice


class ReminderForm(Form):
    enabled = BooleanField(_l("Send me a reminder by e-mail when something is waiting"))
    send_at = ClockTimeField(
        _l("At what time"),
        validators=[InputRequired(message=_l("Enter a time, for example 18:00."))],
        description=_l("At most one reminder a day, and only when something is waiting."),
    )
    timezone = StringField(
        _l("Your time zone"),
        validators=[DataRequired(message=_l("Enter your time zone.")), Length(max=64)],
        description=_l("A name such as Europe/Berlin; choose from the list or type it."),
        render_kw={"list": "zone-options", "autocomplete": "off", "spellcheck": "false"},
    )
    quiet_start = ClockTimeField(
        _l("Quiet hours from"),
        validators=[InputRequired(message=_l("Enter a time, for example 21:00."))],
    )
    quiet_end = ClockTimeField(
        _l("Quiet hours until"),
        validators=[InputRequired(message=_l("Enter a time, for example 08:00."))],
        description=_l(
            "No reminder is sent in between. A time you chose in them waits until they end."
        ),
    )

    def show(self, choice: Choice) -> None:
        """Fill the form with the client's current choice."""
        self.enabled.data = choice.enabled
        self.send_at.data = choice.settings.at
        self.timezone.data = choice.settings.zone_name
        self.quiet_start.data = choice.settings.quiet.start
        self.quiet_end.data = choice.settings.quiet.end

    def settings(self) -> ReminderSettings:
        """The typed times and zone as the reminder rules take them."""
        return ReminderSettings(
            at=self.send_at.data,
            zone_name=self.timezone.data,
            quiet=QuietHours(self.quiet_start.data, self.quiet_end.data),
        )
