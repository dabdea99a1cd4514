"""Forms of the homework pages: the library and assignments."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

from tracker.domain.homework import CATEGORY_LABELS, RECURRENCE_LABELS, WEEKDAY_LABELS
from tracker.forms.fields import MultiCheckboxField, choices, optional_int
from tracker.forms.widgets import Form
from tracker.models import HomeworkTemplate


class TemplateForm(Form):
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


class AssignmentForm(Form):
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

    def start_from(
        self, today: date, template: HomeworkTemplate | None = None, goal_id: int | None = None
    ) -> None:
        """A fresh form: starting today, filled from a library practice and serving a
        goal when the page was opened from them."""
        self.start_date.data = today
        if template is not None:
            self.template_id.data = str(template.id)
            self.title.data = template.title
            self.instructions.data = template.instructions
            self.recurrence.data = template.suggested_recurrence
        if goal_id:
            self.goal_id.data = goal_id

    def assignment(self) -> dict:
        """The assignment as the homework service takes it."""
        template_id = int(self.template_id.data) if self.template_id.data else None
        return {**self.data, "template_id": template_id}
