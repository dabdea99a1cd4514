"""The practice settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.domain import crisis
from tracker.forms.fields import BoundedIntegerField, choices
from tracker.forms.widgets import Form
from tracker.services import practice as practice_service


class PracticeForm(Form):
    name = StringField(_l("Practice name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(
        _l("Address"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 3}
    )
    letterhead_text = TextAreaField(
        _l("Letterhead text"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Printed at the top of reports."),
        render_kw={"rows": 3},
    )
    crisis_resources = TextAreaField(
        _l("Crisis resources shown to clients"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Shown at the top of every portal page, after a safety flag and on the safety "
            "plan card. One number per line as “label: number”, for example “Crisis line, "
            "free, day and night: 0800 111 0 111”. Leave empty for the defaults below."
        ),
        render_kw={"rows": 4},
    )
    crisis_country = SelectField(
        _l("Default crisis numbers"),
        description=_l(
            "Shown while the crisis resources above are empty. Without numbers, clients "
            "are told to call their local emergency number."
        ),
        validators=[Optional()],
    )
    report_footer = TextAreaField(
        _l("Report footer"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    hold_systolic = BoundedIntegerField(
        _l("Hold dosing above systolic (mmHg)"), validators=[InputRequired()]
    )
    hold_diastolic = BoundedIntegerField(
        _l("Hold dosing above diastolic (mmHg)"), validators=[InputRequired()]
    )
    alert_systolic_low = BoundedIntegerField(
        _l("Alert below systolic (mmHg)"), validators=[InputRequired()]
    )
    alert_systolic_high = BoundedIntegerField(
        _l("Alert above systolic (mmHg)"), validators=[InputRequired()]
    )
    alert_heart_rate_low = BoundedIntegerField(
        _l("Alert below heart rate (/min)"), validators=[InputRequired()]
    )
    alert_heart_rate_high = BoundedIntegerField(
        _l("Alert above heart rate (/min)"), validators=[InputRequired()]
    )
    alert_spo2_low = BoundedIntegerField(_l("Alert below SpO₂ (%)"), validators=[InputRequired()])
    clearance_valid_months = BoundedIntegerField(
        _l("A medical clearance holds for (months)"),
        validators=[InputRequired(), NumberRange(min=1, max=24)],
    )
    min_dose_interval_hours = BoundedIntegerField(
        _l("Minimum time between medicine sessions (hours)"),
        validators=[InputRequired(), NumberRange(min=0, max=336)],
    )
    monitoring_interval_minutes = BoundedIntegerField(
        _l("Vitals every (minutes) after the first dose"),
        validators=[InputRequired(), NumberRange(min=5, max=60)],
    )
    min_observation_minutes = BoundedIntegerField(
        _l("Minimum observation after the last dose (minutes)"),
        validators=[InputRequired(), NumberRange(min=30, max=480)],
    )
    alert_escalation_minutes = BoundedIntegerField(
        _l("Tell the backup clinicians when an alert is unacknowledged after (minutes)"),
        validators=[InputRequired(), NumberRange(min=15, max=1440)],
    )
    alert_response_hours = BoundedIntegerField(
        _l("Clients are told the care team usually responds within (hours)"),
        validators=[InputRequired(), NumberRange(min=1, max=168)],
    )
    checklist_text = TextAreaField(
        _l("Pre-dose checklist"),
        validators=[Optional(), Length(max=3000)],
        description=_l("One item per line. Leave empty for the standard checklist."),
        render_kw={"rows": 6},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.crisis_country.choices = choices(crisis.COUNTRY_LABELS)

    THRESHOLD_FIELDS = practice_service.THRESHOLD_FIELDS
    MEDICINE_FIELDS = practice_service.MEDICINE_FIELDS
    ALERT_FIELDS = practice_service.ALERT_FIELDS
