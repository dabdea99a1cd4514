"""The audit trail filter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from tracker.forms.fields import BoundedIntegerField
from tracker.forms.widgets import Form
from tracker.models import User
from tracker.services.audit import ACTION_GROUPS


class AuditFilterForm(Form):
    """Filters from the query string; ``people`` are those the trail may be filtered by."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor_id = SelectField(_l("Who"), validators=[Optional()])
    client_id = BoundedIntegerField(_l("Client no."), validators=[Optional()])

    def __init__(self, *args: Any, people: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            SelectChoice("", _("All actions")),
            *[SelectChoice(group) for group in ACTION_GROUPS],
        ]
        self.actor_id.choices = [
            SelectChoice("", _("Anyone")),
            *[SelectChoice(str(person.id), person.name) for person in people],
        ]
