"""Field types, validators and choice helpers that forms of every audience share."""

from __future__ import annotations

import decimal
from datetime import date

from markupsafe import Markup, escape
from wtforms import (
    DecimalField,
    Field,
    Form,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.widgets import core as widgets_core

from tracker.domain.messages import Problem
from tracker.domain.passwords import password_problem
from tracker.i18n import format_number
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l


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


INT32_MAX = 2**31 - 1  # the range of an SQL INTEGER column (PostgreSQL and our SQLite use)


def _too_large(limit) -> str:
    return _("Enter a number no larger than %(max)s.", max=format_number(limit, "#,##0.##"))


class _StopsOnUnreadableNumber:
    """A value that could not be read gets that one message, not also the range
    validators' (which would only see ``None``). An empty value is left to
    ``Optional``/``InputRequired``, as before."""

    def pre_validate(self, form: Form) -> None:
        typed = bool(self.raw_data and str(self.raw_data[0]).strip())
        if self.process_errors and typed:
            raise StopValidation()
        super().pre_validate(form)


class FiniteDecimalField(_StopsOnUnreadableNumber, DecimalField):
    """A decimal that is finite and fits ``Numeric(digits, places)``.

    ``digits`` is the column's precision (default 12); ``places`` its scale, as for
    ``DecimalField``. The value is rounded to ``places``, as the database would store
    it, before the size check (so 0.001 mg is 0.00 mg, and 99999.995 does not fit 7,2).
    """

    def __init__(self, label=None, validators=None, *, digits: int = 12, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        scale = self.places if isinstance(self.places, int) else 0
        self.exponent = decimal.Decimal(10) ** -scale if isinstance(self.places, int) else None
        self.limit = decimal.Decimal(10) ** (digits - scale) - decimal.Decimal(10) ** -scale

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_("Enter a number."))
        # Compared before rounding first: quantizing 1E+400 would itself overflow.
        if abs(self.data) > self.limit + 1:
            self.data = None
            raise ValueError(_too_large(self.limit))
        if self.exponent is not None:
            self.data = self.data.quantize(self.exponent, rounding=decimal.ROUND_HALF_EVEN)
        if abs(self.data) > self.limit:
            self.data = None
            raise ValueError(_too_large(self.limit))


class BoundedIntegerField(_StopsOnUnreadableNumber, IntegerField):
    """A whole number that fits an SQL INTEGER column (±2,147,483,647)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not -INT32_MAX <= self.data <= INT32_MAX:
            self.data = None
            raise ValueError(_too_large(INT32_MAX))


class ClockTimeField(TimeField):
    """A time of day (HH:MM) whose refusal is in the reader's language: WTForms' own
    German catalogue has no text for "Not a valid time value."."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter a time as hours and minutes, e.g. 09:30.")) from None


def not_in_future(form, field) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_("This date is in the future."))


def optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# -- attribute rendering ------------------------------------------------------------------
# WTForms renders every field's attributes (and every <option> of a select) through
# widgets.core.html_params, which builds each attribute with Markup.format: Python's
# string.Formatter, ~20 us an attribute. A select with 30 options cost a millisecond.

_WTFORMS_HTML_PARAMS = widgets_core.html_params
_QUOTE, _QUOTE_ENTITY, _SPACE = Markup('"'), Markup("&quot;"), Markup(" ")


def html_params(**kwargs) -> Markup:
    """WTForms' ``html_params`` (same output: sorted attributes, ``class_`` and
    ``data_``/``aria_`` names cleaned, ``True`` bare, ``False`` left out, values escaped
    with quotes as ``&quot;``), joined without string.Formatter."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets_core.clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:
            value = escape(value).replace(_QUOTE, _QUOTE_ENTITY)
            # Markup.format escaped the name and left the (escaped) value as it is.
            params.append(Markup(f'{escape(key)}="{value}"'))  # noqa: S704 - escaped
    return _SPACE.join(params)


def install_html_params() -> None:
    """Make WTForms' widgets render attributes with ``html_params`` (idempotent)."""
    widgets_core.html_params = html_params
    widgets_core.Input.html_params = staticmethod(html_params)
    widgets_core.Button.html_params = staticmethod(html_params)
