"""The form of a session planned ahead: when, how long, modality, phase, setting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from tracker.domain.sessions import MODALITY_LABELS, PHASE_LABELS, SETTING_LABELS
from tracker.forms import BoundedIntegerField, ClockTimeField, choices


class PlanForm(FlaskForm):
    # The same names as the session form's: the start is read (and the autumn's
    # twice-happening hour asked about) by the same code.
    session_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = ClockTimeField(_l("Start time"), validators=[InputRequired()])
    start_fold = RadioField(
        _l("Which start time is meant?"),
        choices=[SelectChoice("0", "0"), SelectChoice("1", "1")],
        validators=[Optional()],
    )
    duration_minutes = BoundedIntegerField(
        _l("Duration (minutes)"),
        validators=[
            InputRequired(),
            NumberRange(min=5, max=720, message=_l("Between 5 and 720 minutes.")),
        ],
    )
    modality = SelectField(_l("Modality"), validators=[DataRequired()])
    phase = SelectField(_l("Phase"), validators=[DataRequired()])
    setting = SelectField(_l("Setting"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.modality.choices = choices(MODALITY_LABELS)
        self.phase.choices = choices(PHASE_LABELS)
        self.setting.choices = choices(SETTING_LABELS)
