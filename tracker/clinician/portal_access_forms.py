"""The portal invitation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
)

from tracker.forms.fields import valid_email
from tracker.forms.widgets import Form


class InviteForm(Form):
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
