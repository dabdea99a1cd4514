"""Forms of the client's portal: homework, goal ratings, own goals, journal."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.domain.journal import VISIBILITY_LABELS
from tracker.forms.fields import choices, optional_int
from tracker.forms.goals import GoalFields, rating_choices
from tracker.forms.widgets import Form


class CompleteForm(Form):
    occurrence = DateField(validators=[InputRequired()])
    reflection = TextAreaField(
        _l("A few words on how it went (optional)"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    # Private unless the client chooses to share: it is their reflection.
    shared = BooleanField(_l("Share this reflection with my therapist"), default=False)

    def completion(self) -> dict:
        """The completion as the homework service takes it."""
        return {
            "occurrence": self.occurrence.data,
            "reflection": self.reflection.data,
            "shared": self.shared.data,
        }


class ClientRatingForm(Form):
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

    def rating(self) -> dict:
        """The rating as the goals service takes it."""
        return {"value": self.value.data, "comment": self.comment.data}


class ClientGoalForm(GoalFields, Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.init_goal_choices()


class JournalForm(Form):
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(
        _l("Your entry"), validators=[DataRequired(), Length(max=50000)], render_kw={"rows": 8}
    )
    visibility = RadioField(_l("Who can read it"), validators=[DataRequired()], default="private")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visibility.choices = choices(VISIBILITY_LABELS)

    def entry(self) -> dict:
        """The entry as the journal service takes it."""
        return {
            "title": self.title.data,
            "body": self.body.data,
            "visibility": self.visibility.data,
        }
