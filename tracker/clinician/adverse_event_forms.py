"""Forms of adverse events: recording one, and the filters of the practice-wide list."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.domain.adverse_events import (
    OUTCOME_LABELS,
    SEVERITY_HINT,
    SEVERITY_LABELS,
    TYPE_LABELS,
)
from tracker.forms.fields import ClockTimeField, choices, optional_int
from tracker.forms.widgets import Form


class AdverseEventForm(Form):
    session_id = SelectField(
        _l("Session"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("The session during or after which it happened, if any."),
    )
    event_type = SelectField(
        _l("Type"), validators=[DataRequired(message=_l("Choose the type of event."))]
    )
    severity = SelectField(
        _l("Severity"),
        validators=[DataRequired(message=_l("Choose the severity."))],
        description=_l(SEVERITY_HINT),
    )
    onset_date = DateField(
        _l("Onset date"), validators=[InputRequired(message=_l("Enter the date of onset."))]
    )
    onset_time = ClockTimeField(
        _l("Onset time"),
        validators=[InputRequired(message=_l("Enter the time of onset."))],
        description=_l("In the practice's time zone."),
    )
    description = TextAreaField(
        _l("What happened"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    action_taken = TextAreaField(
        _l("Action taken"),
        validators=[
            DataRequired(message=_l("Say what was done, even if nothing was needed.")),
            Length(max=5000),
        ],
        description=_l("For example: dosing paused, ondansetron 4 mg, vitals every 5 minutes."),
        render_kw={"rows": 3},
    )
    outcome = SelectField(
        _l("Outcome"), validators=[DataRequired(message=_l("Choose the outcome."))]
    )
    outcome_note = TextAreaField(
        _l("Outcome note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    prescriber_informed = RadioField(
        _l("Was the prescriber told?"),
        validators=[InputRequired(message=_l("Say whether the prescriber was told."))],
    )

    def __init__(self, *args, sessions: list[SelectChoice] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session_id.choices = [SelectChoice("", _("— not linked to a session —")), *sessions]
        self.event_type.choices = choices(TYPE_LABELS, blank=_("Choose…"))
        self.severity.choices = choices(SEVERITY_LABELS, blank=_("Choose…"))
        self.outcome.choices = choices(OUTCOME_LABELS, blank=_("Choose…"))
        self.prescriber_informed.choices = [
            SelectChoice("yes", _("Yes")),
            SelectChoice("no", _("No")),
        ]


class AdverseEventFilterForm(Form):
    """GET filters of the practice-wide list: no CSRF (nothing changes)."""

    class Meta:
        csrf = False

    event_type = SelectField(_l("Type"), validators=[Optional()])
    severity = SelectField(_l("Severity"), validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event_type.choices = choices(TYPE_LABELS, blank=_("All types"))
        self.severity.choices = choices(SEVERITY_LABELS, blank=_("All severities"))

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_("The end cannot be before the start."))

    def criteria(self) -> dict[str, Any]:
        """The chosen filters, as ``adverse_events.practice_page`` takes them."""
        return {
            "event_type": self.event_type.data or "",
            "severity": self.severity.data or "",
            "start": self.start.data,
            "end": self.end.data,
        }
