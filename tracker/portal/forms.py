"""Portal forms: short, kind, phone-friendly."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.clinician.integration_forms import GoalFields, optional_int, rating_choices
from tracker.domain.journal import VISIBILITY_LABELS
from tracker.forms import ClockTimeField, choices


class CompleteForm(FlaskForm):
    occurrence = DateField(validators=[InputRequired()])
    reflection = TextAreaField(
        _l("A few words on how it went (optional)"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    # Private unless the client chooses to share: it is their reflection.
    shared = BooleanField(_l("Share this reflection with my therapist"), default=False)


class ClientRatingForm(FlaskForm):
    value = SelectField(
        _l("How is it going? (0–10)"), coerce=optional_int, validators=[InputRequired()]
    )
    comment = TextAreaField(
        _l("Anything to add? (optional)"),
        description=_l("Your therapist sees your ratings and comments."),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.value.choices = rating_choices(_("Choose…"))


class ClientGoalForm(GoalFields, FlaskForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.init_goal_choices()


class JournalForm(FlaskForm):
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(
        _l("Your entry"), validators=[DataRequired(), Length(max=50000)], render_kw={"rows": 8}
    )
    visibility = RadioField(_l("Who can read it"), validators=[DataRequired()], default="private")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = choices(VISIBILITY_LABELS)


class ReminderForm(FlaskForm):
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
