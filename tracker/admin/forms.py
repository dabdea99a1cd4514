"""Forms of the admin area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from tracker.domain.policy import Role
from tracker.forms import BoundedIntegerField
from tracker.services import practice as practice_service


class CreateUserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.THERAPIST.value, _l("Therapist")),
            SelectChoice(Role.ADMIN.value, _l("Administrator")),
        ],
        validators=[DataRequired()],
    )
    credentials = StringField(
        _l("Credentials"),
        validators=[Optional(), Length(max=120)],
        description=_l("Shown in signature blocks, for example 'LMFT' or 'MD'."),
    )


class BackupClinicianForm(FlaskForm):
    backup = SelectField(
        _l("Backup clinician"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired()],
    )


class PracticeForm(FlaskForm):
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
            "Shown when a questionnaire answer raises a safety flag, e.g. the national "
            "crisis line and your practice's urgent number."
        ),
        render_kw={"rows": 3},
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

    THRESHOLD_FIELDS = practice_service.THRESHOLD_FIELDS
    MEDICINE_FIELDS = practice_service.MEDICINE_FIELDS
    ALERT_FIELDS = practice_service.ALERT_FIELDS


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor_id = SelectField(_l("Who"), validators=[Optional()])
    client_id = BoundedIntegerField(_l("Client no."), validators=[Optional()])


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
