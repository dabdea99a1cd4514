"""Forms for integration goals, homework and portal invitations (staff side)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
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
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.domain.goals import DOMAIN_LABELS, RATING_SCALE, STATUS_LABELS
from tracker.domain.homework import CATEGORY_LABELS, RECURRENCE_LABELS, WEEKDAY_LABELS
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.scoring import TOTAL_RANGE
from tracker.forms import BoundedIntegerField, choices, valid_email


def optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


def rating_choices(blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice(str(v), str(v)) for v in RATING_SCALE]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


class GoalFields:
    """Fields shared by the therapist's and the client's goal forms."""

    title = StringField(_l("Goal"), validators=[DataRequired(), Length(max=300)])
    domain = SelectField(_l("Area of life"), validators=[DataRequired()])
    why_it_matters = TextAreaField(
        _l("Why it matters"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 3}
    )
    baseline = SelectField(
        _l("Where it is now (0–10)"), coerce=optional_int, validators=[Optional()]
    )
    target = SelectField(
        _l("Where you want it (0–10)"), coerce=optional_int, validators=[Optional()]
    )

    def init_goal_choices(self) -> None:
        self.domain.choices = choices(DOMAIN_LABELS)
        self.baseline.choices = rating_choices(_("—"))
        self.target.choices = rating_choices(_("—"))


TARGET_INSTRUMENTS = ("phq9", "gad7", "pcl5", "who5")
COMPARISON_LABELS = {
    "at_most": _l("at or below"),
    "at_least": _l("at or above"),
    "drop_by": _l("down by at least"),
    "rise_by": _l("up by at least"),
}


class GoalForm(GoalFields, FlaskForm):
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
            SelectChoice(key, str(label)) for key, label in COMPARISON_LABELS.items()
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


class RatingForm(FlaskForm):
    value = SelectField(
        _l("Progress today (0–10)"), coerce=optional_int, validators=[InputRequired()]
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    session_id = SelectField(_l("From the session"), coerce=optional_int, validators=[Optional()])

    def __init__(self, *args, sessions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.value.choices = rating_choices(_("Choose…"))
        self.session_id.choices = [SelectChoice("", _("— not tied to a session —")), *sessions]


class TemplateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    summary = StringField(_l("One-line summary"), validators=[Optional(), Length(max=300)])
    instructions = TextAreaField(
        _l("Instructions"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l(
            "Written to the client. Do not put anything about a particular person here."
        ),
        render_kw={"rows": 10},
    )
    suggested_recurrence = SelectField(_l("Usually"), validators=[DataRequired()])
    active = BooleanField(_l("Offer this practice when assigning homework"), default=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = choices(CATEGORY_LABELS)
        self.suggested_recurrence.choices = choices(RECURRENCE_LABELS)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignmentForm(FlaskForm):
    template_id = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    instructions = TextAreaField(
        _l("Instructions for the client"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 8},
    )
    goal_id = SelectField(_l("Serves the goal"), coerce=optional_int, validators=[Optional()])
    recurrence = SelectField(_l("How often"), validators=[DataRequired()])
    weekdays = MultiCheckboxField(_l("On these days (weekly)"), coerce=int, validators=[Optional()])
    start_date = DateField(_l("Start"), validators=[InputRequired()])
    due_date = DateField(
        _l("Due (once) or last day (daily, weekly)"),
        validators=[Optional()],
        description=_l("Leave empty for an open-ended daily or weekly practice."),
    )

    def __init__(self, *args, goals=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.goal_id.choices = [
            SelectChoice("", _("— no particular goal —")),
            *[SelectChoice(str(goal.id), goal.title) for goal in goals],
        ]
        self.recurrence.choices = choices(RECURRENCE_LABELS)
        self.weekdays.choices = [
            SelectChoice(str(day), _(label)) for day, label in WEEKDAY_LABELS.items()
        ]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Client's e-mail"), validators=[DataRequired(), valid_email(), Length(max=254)]
    )
    language = SelectField(
        _l("The client's language"),
        validators=[Optional()],
        description=_l("Used for the invitation e-mail and, later, the client's portal."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("en", "English"), SelectChoice("de", "Deutsch")]
