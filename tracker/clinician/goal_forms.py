"""Forms of the goal pages (staff side)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tracker.domain.goals import (
    COMPARISON_LABELS,
    STATUS_LABELS,
    TARGET_INSTRUMENTS,
)
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.scoring import TOTAL_RANGE
from tracker.forms.fields import BoundedIntegerField, choices, optional_int
from tracker.forms.goals import GoalFields, rating_choices
from tracker.forms.widgets import Form
from tracker.services.goals import RatingSession


class GoalForm(GoalFields, Form):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    measure_code = SelectField(_l("Outcome measure"), validators=[Optional()])
    measure_comparison = SelectField(_l("Target"), validators=[Optional()])
    measure_value = BoundedIntegerField(
        _l("Score"), validators=[Optional(), NumberRange(min=0, max=100)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.init_goal_choices()
        self.status.choices = choices(STATUS_LABELS)
        self.measure_code.choices = [
            SelectChoice("", _("— no outcome-measure target —")),
            *[
                SelectChoice(code, _(ITEM_INSTRUMENTS[code].short_name))
                for code in TARGET_INSTRUMENTS
            ],
        ]
        self.measure_comparison.choices = [
            SelectChoice(key, _(label)) for key, label in COMPARISON_LABELS.items()
        ]

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends an empty field's own validation before any inline
        # validate_<field> runs, so "a measure needs a comparison and a score" lives here.
        if not self.measure_code.data:
            return valid
        if not self.measure_comparison.data:
            self.measure_comparison.errors.append(_("Choose how the score should change."))
            valid = False
        if self.measure_value.data is None:
            if not self.measure_value.errors:
                self.measure_value.errors.append(_("Enter the target score."))
            valid = False
        return valid

    def validate_measure_value(self, field) -> None:
        if self.measure_code.data and field.data is not None:
            low, high = TOTAL_RANGE[self.measure_code.data]
            if not low <= field.data <= high:
                raise ValidationError(
                    _("Between %(low)s and %(high)s for this measure.", low=low, high=high)
                )


class RatingForm(Form):
    value = SelectField(
        _l("Progress today (0–10)"), coerce=optional_int, validators=[InputRequired()]
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    session_id = SelectField(_l("From the session"), coerce=optional_int, validators=[Optional()])

    def __init__(self, *args, sessions: Iterable[RatingSession] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.value.choices = rating_choices(_("Choose…"))
        self.session_id.choices = [
            SelectChoice("", _("— not tied to a session —")),
            *[
                SelectChoice(
                    str(session.id),
                    session.day.isoformat() + " · " + session.phase.replace("_", " "),
                )
                for session in sessions
            ],
        ]

    def rating(self) -> dict:
        """The rating as the goals service takes it."""
        return {
            "value": self.value.data,
            "comment": self.comment.data,
            "session_id": self.session_id.data,
        }
