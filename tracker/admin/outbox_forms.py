"""The outbox filter."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from tracker.domain import outbox as rules
from tracker.forms.widgets import Form


class OutboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [
            SelectChoice("", _("Any status")),
            *[SelectChoice(status, _(rules.STATUS_LABELS[status])) for status in rules.STATUSES],
        ]
