"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from tracker.domain.policy import Role
from tracker.forms.widgets import Form


class CreateUserForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.THERAPIST.value, _l("Therapist")),
            SelectChoice(Role.ADMIN.value, _l("Administrator")),
        ],
        validators=[DataRequired()],
    )
    credentials = StringField(
        _l("Credentials"),
        validators=[Optional(), Length(max=120)],
        description=_l("Shown in signature blocks, for example 'LMFT' or 'MD'."),
    )


class BackupClinicianForm(Form):
    backup = SelectField(
        _l("Backup clinician"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired()],
    )
