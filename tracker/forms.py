"""Form pieces shared by the blueprints: validators that apply domain rules."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, PasswordField, SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, ValidationError

from tracker.domain.messages import Problem
from tracker.domain.passwords import password_problem


def choices(labels: dict, *, blank: str | None = None) -> list[SelectChoice]:
    """Options for a select from a domain label table, translated; optional blank first."""
    options = [SelectChoice(str(value), _(label)) for value, label in labels.items()]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


def valid_email() -> Email:
    """E-mail syntax check with our own message."""
    return Email(message=_l("Enter a valid e-mail address."))


def problem_text(problem: Problem) -> str:
    """Translate a domain message with its parameters."""
    return _(problem.message, **problem.params)


class AcceptablePassword:
    """Applies the domain password rules; ``email_field`` names the account's e-mail field."""

    def __init__(self, email: str | None = None) -> None:
        self.email = email or ""

    def __call__(self, form: Form, field: Field) -> None:
        email = getattr(form, "account_email", None) or self.email
        problem = password_problem(field.data or "", email=email)
        if problem:
            raise ValidationError(problem_text(problem))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, for any form that sets one."""
    return (
        PasswordField(
            _l("New password"),
            validators=[DataRequired(), AcceptablePassword()],
            description=_l("At least 12 characters. A few unrelated words work well."),
            render_kw={"autocomplete": "new-password"},
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )
