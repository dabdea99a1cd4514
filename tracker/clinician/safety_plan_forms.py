"""The safety-plan form (staff side): one text per step of the plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.clinician.session_forms import VERSION
from tracker.domain import safety_plan as rules
from tracker.forms.widgets import Form


class SafetyPlanForm(Form):
    """One text per step (fields added below from the domain's steps) and the version
    the form was opened on (optimistic locking)."""

    version = HiddenField(validators=[DataRequired(), VERSION])
    STEP_KEYS = rules.STEP_KEYS

    def texts(self) -> dict[str, str]:
        return {key: self[key].data or "" for key in rules.STEP_KEYS}


for _step in rules.STEPS:
    setattr(
        SafetyPlanForm,
        _step.key,
        TextAreaField(
            _l(_step.title),
            validators=[Optional(), Length(max=rules.MAX_SECTION_LENGTH)],
            description=_l(_step.hint),
            render_kw={"rows": 3},
        ),
    )
