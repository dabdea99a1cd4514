"""Forms of the safety alerts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    TextAreaField,
)
from wtforms.validators import DataRequired, Length


class AcknowledgeAlertForm(FlaskForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("For example: called the client, safety plan reviewed, next contact."),
        render_kw={"rows": 3},
    )
