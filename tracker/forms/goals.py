"""The goal fields both audiences fill in: the therapist's goal form and the client's."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
)

from tracker.domain.goals import DOMAIN_LABELS, RATING_SCALE
from tracker.forms.fields import choices, optional_int


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
