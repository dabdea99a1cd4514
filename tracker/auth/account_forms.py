"""Forms of signing in, passwords and language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms.fields import new_password_fields


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(FlaskForm):
    """Used by one-time links: password reset and (later) portal invitations."""

    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice("", _("As my browser prefers")),
            SelectChoice("en", "English"),
            SelectChoice("de", "Deutsch"),
        ]
