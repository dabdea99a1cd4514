"""Forms of the client pages: details, screening, consent, care team, caseload filter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tracker.domain.clients import (
    CARE_TEAM_ROLE_LABELS,
    CASELOAD_SORTS,
    CLIENT_STATUS_LABELS,
    CONSENT_KIND_LABELS,
    CONTRAINDICATIONS,
    MAX_WEIGHT_KG,
    MIN_WEIGHT_KG,
    SCREENING_DECISION_LABELS,
)
from tracker.forms.fields import BoundedIntegerField, FiniteDecimalField, choices, not_in_future
from tracker.forms.widgets import Form


class _Values:
    """``values()``: what was entered, by field name, as the service takes it."""

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.data.items() if name != "csrf_token"}


def plausible_birth_date(form, field) -> None:
    if field.data and (field.data > date.today() or field.data.year < 1900):
        raise ValidationError(_("Enter a real date of birth."))


class ClientForm(Form):
    preferred_name = StringField(_l("Preferred name"), validators=[DataRequired(), Length(max=120)])
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional(), plausible_birth_date])
    pronouns = StringField(_l("Pronouns"), validators=[Optional(), Length(max=40)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    emergency_contact_name = StringField(
        _l("Emergency contact"), validators=[Optional(), Length(max=200)]
    )
    emergency_contact_phone = StringField(
        _l("Emergency contact phone"), validators=[Optional(), Length(max=40)]
    )
    status = SelectField(_l("Status"), validators=[DataRequired()])
    course_start_date = DateField(_l("Course start date"), validators=[Optional()])
    referral_source = StringField(_l("Referral source"), validators=[Optional(), Length(max=200)])
    presenting_concerns = TextAreaField(
        _l("Presenting concerns"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Stored encrypted. Visible to the care team only."),
        render_kw={"rows": 5},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = choices(CLIENT_STATUS_LABELS)


class ScreeningForm(_Values, Form):
    screened_on = DateField(_l("Screening date"), validators=[InputRequired(), not_in_future])
    weight_kg = FiniteDecimalField(
        _l("Weight (kg)"),
        places=1,
        digits=5,
        validators=[
            Optional(),
            NumberRange(
                min=MIN_WEIGHT_KG,
                max=MAX_WEIGHT_KG,
                message=_l("Enter a weight between %(min)s and %(max)s kg."),
            ),
        ],
    )
    medications = TextAreaField(
        _l("Current medications"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3}
    )
    allergies = TextAreaField(
        _l("Allergies"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    notes = TextAreaField(
        _l("Clinical notes on the screening"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 4},
    )
    bp_systolic = BoundedIntegerField(
        _l("Blood pressure at review: systolic"),
        validators=[Optional(), NumberRange(min=60, max=260, message=_l("Between 60 and 260."))],
    )
    bp_diastolic = BoundedIntegerField(
        _l("Diastolic"),
        validators=[Optional(), NumberRange(min=30, max=180, message=_l("Between 30 and 180."))],
    )
    medications_reviewed = BooleanField(_l("Current medications and interactions reviewed"))
    contraindications_reviewed = BooleanField(_l("Contraindications reviewed"))
    decision = SelectField(_l("Decision"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = choices(SCREENING_DECISION_LABELS)

    def contraindication_fields(self) -> list:
        return [getattr(self, key) for key in CONTRAINDICATIONS]

    def fill(self, values: Mapping[str, Any]) -> None:
        """Start the form from ``values`` (field name: value)."""
        for name, value in values.items():
            self[name].data = value


for _key, _label in CONTRAINDICATIONS.items():
    setattr(ScreeningForm, _key, BooleanField(_l(_label)))


class ConsentForm(_Values, FlaskForm):
    kind = SelectField(_l("Consent"), validators=[DataRequired()])
    version = StringField(
        _l("Form version"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example 2026-01 or v3."),
    )
    given_on = DateField(_l("Signed on"), validators=[InputRequired(), not_in_future])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(CONSENT_KIND_LABELS)


class RevokeConsentForm(FlaskForm):
    revoked_on = DateField(_l("Revoked on"), validators=[InputRequired(), not_in_future])


class CareTeamForm(FlaskForm):
    user_id = SelectField(_l("Colleague"), coerce=int, validators=[DataRequired()])
    role = SelectField(_l("Role on the care team"), validators=[DataRequired()])

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(user.id, user.name) for user in candidates]
        self.role.choices = choices(CARE_TEAM_ROLE_LABELS)


CASELOAD_SEARCH_LENGTH = 100


def caseload_filters(args: Mapping[str, str]) -> dict[str, str | None]:
    """The caseload's filters as typed (``None`` when absent), read as
    a form would (``Optional``; ``Length``, a choice) but without building one: when one
    is not valid, none applies. The page draws them from these plain values."""
    values = {name: args.get(name) for name in ("q", "status", "sort")}
    q, status, sort = values.values()
    valid = (
        (not (q or "").strip() or len(q or "") <= CASELOAD_SEARCH_LENGTH)
        and (not (status or "").strip() or status in CLIENT_STATUS_LABELS)
        and (not (sort or "").strip() or sort in CASELOAD_SORTS)
    )
    return values if valid else dict.fromkeys(values)


def caseload_criteria(filters: Mapping[str, str | None]) -> dict[str, str]:
    """The filters as ``clients.caseload_page`` takes them."""
    return {
        "search": filters["q"] or "",
        "status": filters["status"] or "",
        "sort": filters["sort"] or "name",
    }
