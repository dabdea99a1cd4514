"""Forms of the measures pages: assigning a questionnaire."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from tracker.domain import scoring
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.forms.fields import BoundedIntegerField

SCHEDULE_LABELS = {
    scoring.ONCE: _l("Once"),
    scoring.EVERY_N_DAYS: _l("Every N days"),
    scoring.AFTER_MEDICINE: _l("N days after each medicine session"),
}


class AssignMeasureForm(FlaskForm):
    instrument = SelectField(_l("Questionnaire"), validators=[DataRequired()])
    schedule_kind = RadioField(_l("When"), validators=[DataRequired()], default=scoring.ONCE)
    every_days = BoundedIntegerField(
        _l("N (days)"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l("For 'every N days' and 'N days after each medicine session'."),
    )
    start_date = DateField(_l("Starting"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instrument.choices = [
            SelectChoice(code, _(instrument.name)) for code, instrument in ITEM_INSTRUMENTS.items()
        ]
        self.schedule_kind.choices = [
            SelectChoice(kind, str(label)) for kind, label in SCHEDULE_LABELS.items()
        ]

    def schedule(self) -> dict[str, Any]:
        """The assignment as the measures service takes it."""
        return {
            "instrument": self.instrument.data,
            "kind": self.schedule_kind.data,
            "every_days": self.every_days.data,
            "start": self.start_date.data,
        }

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own validation when it is empty (an inline
        # validate_every_days would never run), so the cross-field rule lives here.
        needs_days = self.schedule_kind.data in (scoring.EVERY_N_DAYS, scoring.AFTER_MEDICINE)
        if needs_days and self.every_days.data is None and not self.every_days.errors:
            self.every_days.errors.append(_("Enter the number of days."))
            return False
        return valid
