"""Forms of the family history."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.domain import genogram as rules
from tracker.forms.fields import BoundedIntegerField, MultiCheckboxField, choices, optional_int
from tracker.forms.widgets import Form, SubForm

YEAR = [Optional(), NumberRange(min=1800, max=2100, message=_l("Enter a year such as 1948."))]


def _death_after_birth(form, field) -> None:
    if field.data and form.birth_year.data and field.data < form.birth_year.data:
        raise ValidationError(_("The year of death is before the year of birth."))


class PersonFields(SubForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    birth_year = BoundedIntegerField(_l("Born (year)"), validators=YEAR)
    death_year = BoundedIntegerField(_l("Died (year)"), validators=[*YEAR, _death_after_birth])
    deceased = BooleanField(_l("Deceased"))


class QuickFamilyForm(Form):
    mother = FormField(PersonFields, label=_l("Mother"))
    father = FormField(PersonFields, label=_l("Father"))
    maternal_grandmother = FormField(PersonFields, label=_l("Maternal grandmother"))
    maternal_grandfather = FormField(PersonFields, label=_l("Maternal grandfather"))
    paternal_grandmother = FormField(PersonFields, label=_l("Paternal grandmother"))
    paternal_grandfather = FormField(PersonFields, label=_l("Paternal grandfather"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.csrf_token.id = "quick-csrf_token"

    ROLES = (
        "mother",
        "father",
        "maternal_grandmother",
        "maternal_grandfather",
        "paternal_grandmother",
        "paternal_grandfather",
    )


def distinct_ids(form: Form, prefix: str) -> None:
    """Several forms share the family page: give this one's controls their own ids, so
    labels and error messages belong to the right control (the names stay as they are)."""
    for field in form:
        field.id = f"{prefix}-{field.name}"


def member_choices(members, blank: str | None = None) -> list[SelectChoice]:
    """The people of the family as a picker's options (``members`` may already be such
    options: the family page builds them once for all its forms)."""
    options = [
        m
        if isinstance(m, SelectChoice)
        else SelectChoice(str(m.id), f"{m.relationship_label}{' · ' + m.name if m.name else ''}")
        for m in members
    ]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


RELATIONS = {
    "child_of": _l("a child of"),
    "parent_of": _l("a parent of"),
    "partner_of": _l("a partner of"),
}


class MemberForm(Form):
    relationship_label = StringField(
        _l("Relationship to the client"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("For example: maternal aunt, half-brother, great-grandmother."),
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    sex = SelectField(_l("Symbol"), validators=[DataRequired()])
    birth_year = BoundedIntegerField(_l("Born (year)"), validators=YEAR)
    birth_approximate = BooleanField(_l("approximately"))
    death_year = BoundedIntegerField(_l("Died (year)"), validators=[*YEAR, _death_after_birth])
    death_approximate = BooleanField(_l("approximately"))
    deceased = BooleanField(_l("Deceased (year unknown)"))
    twin_group = BoundedIntegerField(
        _l("Twin group"),
        validators=[Optional(), NumberRange(min=1, max=99)],
        description=_l("Give twins the same number."),
    )
    conditions = MultiCheckboxField(_l("Conditions"), validators=[Optional()])
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )
    relation = SelectField(_l("This person is"), validators=[Optional()])
    anchor_id = SelectField(_l("of"), coerce=optional_int, validators=[Optional()])
    link_kind = SelectField(_l("Kind of parenthood"), validators=[Optional()])

    def __init__(self, *args, members=(), editing=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sex.choices = choices(rules.SEX_LABELS)
        self.conditions.choices = choices(rules.CONDITION_LABELS)
        self.relation.choices = [SelectChoice(k, str(v)) for k, v in RELATIONS.items()]
        self.anchor_id.choices = member_choices(members, blank=_("— choose —"))
        self.link_kind.choices = choices(rules.PARENT_LINK_LABELS)
        if editing:
            del self.relation, self.anchor_id, self.link_kind


class ParentLinkForm(Form):
    """One person already in the family is a parent of another (a second parent, a
    step-parent who adopted, a grandparent who fostered)."""

    parent_id = SelectField(_l("Parent"), coerce=optional_int, validators=[DataRequired()])
    child_id = SelectField(_l("of"), coerce=optional_int, validators=[DataRequired()])
    kind = SelectField(_l("Kind of parenthood"), validators=[DataRequired()])

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parent_id.choices = member_choices(members)
        self.child_id.choices = member_choices(members)
        self.kind.choices = choices(rules.PARENT_LINK_LABELS)
        distinct_ids(self, "parent-link")


class PartnershipForm(Form):
    a_id = SelectField(_l("Partner"), coerce=optional_int, validators=[DataRequired()])
    b_id = SelectField(_l("and"), coerce=optional_int, validators=[DataRequired()])
    kind = SelectField(_l("Partnership"), validators=[DataRequired()])
    start_year = BoundedIntegerField(_l("From (year)"), validators=YEAR)
    end_year = BoundedIntegerField(_l("Until (year)"), validators=YEAR)

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.a_id.choices = member_choices(members)
        self.b_id.choices = member_choices(members)
        self.kind.choices = choices(rules.PARTNERSHIP_LABELS)
        distinct_ids(self, "partnership")


class RelationshipForm(Form):
    a_id = SelectField(_l("Between"), coerce=optional_int, validators=[DataRequired()])
    b_id = SelectField(_l("and"), coerce=optional_int, validators=[DataRequired()])
    quality = SelectField(_l("Relationship"), validators=[DataRequired()])

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.a_id.choices = member_choices(members)
        self.b_id.choices = member_choices(members)
        self.quality.choices = choices(rules.QUALITY_LABELS)
        distinct_ids(self, "relationship")


class EventForm(Form):
    kind = SelectField(_l("What happened"), validators=[DataRequired()])
    member_id = SelectField(_l("Happened to"), coerce=optional_int, validators=[Optional()])
    branch = SelectField(_l("Or to a whole branch"), validators=[Optional()])
    start_year = BoundedIntegerField(_l("From (year)"), validators=YEAR)
    end_year = BoundedIntegerField(_l("Until (year)"), validators=YEAR)
    description = TextAreaField(
        _l("Short description"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 2}
    )
    spoken_of = SelectField(_l("Spoken of in the family?"), validators=[DataRequired()])

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        trauma_group, resilience_group = _("Trauma"), _("Resilience")
        trauma = [
            SelectChoice(k, _(v), optgroup=trauma_group)
            for k, v in rules.TRAUMA_EVENT_LABELS.items()
        ]
        resilience = [
            SelectChoice(k, _(v), optgroup=resilience_group)
            for k, v in rules.RESILIENCE_EVENT_LABELS.items()
        ]
        self.kind.choices = [*trauma, *resilience]
        self.member_id.choices = member_choices(members, blank=_("— a whole branch —"))
        self.branch.choices = [
            SelectChoice("", _("—")),
            SelectChoice("maternal", _("Maternal side")),
            SelectChoice("paternal", _("Paternal side")),
            SelectChoice("whole", _("The whole family")),
        ]
        self.spoken_of.choices = choices(rules.SPOKEN_LABELS)
        distinct_ids(self, "event")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # not an inline validator: Optional() would stop the chain before it ran
        if self.member_id.data is None and not self.branch.data:
            self.member_id.errors.append(_("Choose a person or a branch of the family."))
            return False
        return valid


class GoalLinkForm(Form):
    member_id = SelectField(_l("Person"), coerce=optional_int, validators=[Optional()])
    event_id = SelectField(_l("Or event"), coerce=optional_int, validators=[Optional()])

    def __init__(self, *args, members=(), events=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member_id.choices = member_choices(members, blank=_("—"))
        self.event_id.choices = [SelectChoice("", _("—"))] + [
            SelectChoice(str(e.id), f"{e.kind.replace('_', ' ')} {e.start_year or ''}".strip())
            for e in events
        ]

    def link(self) -> dict:
        """The person or event as the family service takes them."""
        return {"member_id": self.member_id.data, "event_id": self.event_id.data}
