"""The audit trail filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from tracker.forms.fields import BoundedIntegerField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor_id = SelectField(_l("Who"), validators=[Optional()])
    client_id = BoundedIntegerField(_l("Client no."), validators=[Optional()])
