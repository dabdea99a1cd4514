"""The cheap widgets draw, to the byte, what WTForms' own widgets draw."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FileField,
    Form,
    HiddenField,
    IntegerField,
    IntegerRangeField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

import tracker
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.forms.fields import MultiCheckboxField
from tracker.forms.measures import answer_form_class
from tracker.forms.widgets import FastRadioField, FastWidgetsMeta, html_params
from tracker.services.measures import answer_field

AWKWARD = "a \"quoted\" <b>bold</b> & 'single'"

RENDER_KW = [
    {},
    {"class_": "wide", "data_role_name": AWKWARD, "aria_describedby": "x-hint y-error"},
    {"autofocus": True, "disabled": False, "rows": 3, "placeholder": Markup('say "hi"')},
    {"required": False, "value": AWKWARD},
]


def _choices(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


GROUPED = [
    SelectChoice("war", "War", optgroup="Trauma"),
    SelectChoice("loss", 'Loss "of"', optgroup="Trauma"),
    SelectChoice("craft", "<Craft>", optgroup=None),
    SelectChoice("care", "Care", optgroup="Resilience", render_kw={"data_kind": "good"}),
]


class Everything(Form):
    text = StringField("Text", validators=[DataRequired(), Length(min=2, max=80)])
    plain = StringField("Plain", render_kw={"autocomplete": "off", "class": "x"})
    email = EmailField("Mail", validators=[InputRequired()])
    password = PasswordField("Password", validators=[Length(max=40)])
    hidden = HiddenField("Hidden")
    number = IntegerField("Number", validators=[Optional(), NumberRange(min=0, max=10)])
    decimal = DecimalField("Decimal", places=2)
    range_ = IntegerRangeField("Range", validators=[NumberRange(min=1, max=5)])
    day = DateField("Day")
    time = TimeField("Time")
    moment = DateTimeLocalField("Moment")
    search = SearchField("Search")
    phone = TelField("Phone")
    url = URLField("Url")
    upload = FileField("File", validators=[DataRequired()])
    submit = SubmitField('Go "now"')
    flag = BooleanField("Flag")
    other_flag = BooleanField("Other", validators=[DataRequired()])
    notes = TextAreaField("Notes", validators=[Length(max=500)], render_kw={"rows": 2})
    pick = SelectField(
        "Pick", choices=_choices(("", "—"), ("a", "A & B"), ('q"', AWKWARD), (3, "Three"))
    )
    coerced = SelectField("Coerced", coerce=int, choices=_choices((1, "One"), (2, "Two")))
    grouped = SelectField("Grouped", choices=GROUPED, validators=[DataRequired()])
    booleans = SelectField("Yes or no", coerce=bool, choices=_choices((True, "Yes"), (False, "No")))
    many = SelectMultipleField("Many", choices=_choices(("x", "X"), ("y", "Y"), ("z", "Z")))
    radio = RadioField(
        "Radio", choices=_choices(("1", "One"), ("2", '"Two"')), validators=[InputRequired()]
    )
    boxes = MultiCheckboxField("Boxes", choices=_choices(("p", "P"), ("q", "Q <")))


class FastEverything(Everything):
    class Meta(FastWidgetsMeta):
        pass


DATA = [
    {},
    {
        "text": AWKWARD,
        "plain": Markup('already "safe" <i>x</i>'),
        "hidden": "7",
        "number": 4,
        "flag": True,
        "notes": AWKWARD + "\n\nline",
        "pick": 'q"',
        "coerced": 2,
        "grouped": "care",
        "booleans": True,
        "many": ["x", "z"],
        "radio": "2",
        "boxes": ["q"],
    },
]


def _drawn(form, stock: bool) -> list[str]:
    drawn = []
    for field in form:
        for render_kw in RENDER_KW:
            if stock:
                drawn.append(str(DefaultMeta.render_field(form.meta, field, dict(render_kw))))
            else:
                drawn.append(str(field(**render_kw)))
        if hasattr(field, "iter_choices") and field.type != "SelectField":
            for option in field:
                if stock:
                    drawn.append(str(DefaultMeta.render_field(option.meta, option, {})))
                else:
                    drawn.append(str(option()))
        drawn.append(str(field.label()))
    return drawn


@pytest.mark.parametrize("data", DATA)
def test_every_field_type_draws_the_same(data) -> None:
    stock = _drawn(Everything(data=data), stock=True)
    fast = _drawn(FastEverything(data=data), stock=False)
    assert fast == stock
    assert len(stock) > 100


def test_select_options_iterated_one_by_one_draw_the_same() -> None:
    stock_form, fast_form = Everything(data=DATA[1]), FastEverything(data=DATA[1])
    stock = [str(DefaultMeta.render_field(o.meta, o, {})) for o in stock_form.pick]
    assert [str(o()) for o in fast_form.pick] == stock
    assert '<option selected value="q&#34;">' in stock[2]


@pytest.mark.parametrize(
    "params",
    [
        {"name": "x", "id": "y", "class_": "a b"},
        {"checked": True, "readonly": False, "value": None},
        {"data_x_y": AWKWARD, "aria_label": Markup('"quoted" &amp;'), "for_": 3},
        {"value": 0, "min": 1.5, "step": "any"},
    ],
)
def test_html_params_match_wtforms(params) -> None:
    from wtforms.widgets import html_params as wtforms_html_params

    assert html_params(**params) == wtforms_html_params(**params)


def _form_classes():
    from flask_wtf import FlaskForm

    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if module.name.endswith("_forms") or module.name.startswith("tracker.forms."):
            importlib.import_module(module.name)
    seen, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tracker.") and cls not in seen:
            seen.append(cls)
    return sorted(seen, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def buildable_forms():
    """``(class, empty form)`` for each form of the app built without arguments of its
    own (inside a request context)."""
    for cls in _form_classes():
        try:
            yield cls, cls(formdata=None)
        except (TypeError, AttributeError):  # needs arguments of its own
            continue


def test_the_app_forms_that_use_them_draw_the_same(app) -> None:
    """Each form of the app that can be built without arguments draws each of its fields
    with the cheap widgets as WTForms would."""
    compared = 0
    with app.test_request_context("/"):
        for cls, form in buildable_forms():
            for field in form:
                stock = DefaultMeta.render_field(field.meta, field, {"class_": "c"})
                fast = FastWidgetsMeta.render_field(field.meta, field, {"class_": "c"})
                assert str(fast) == str(stock), f"{cls.__qualname__}.{field.name}"
                compared += 1
    assert compared > 50


class Radios(Form):
    class Meta(FastWidgetsMeta):
        pass

    plain = FastRadioField("Plain", choices=_choices(("0", "No"), ("1", 'Yes "really"')))
    required = FastRadioField(
        "Required",
        coerce=int,
        choices=_choices(("0", "Never"), ("3", "<Always>")),
        validators=[InputRequired()],
        render_kw={"class_": "answer", "data_item": 2},
    )


def _buttons_both_ways(field) -> tuple[list, list]:
    """Each choice of ``field`` as the cheap iteration draws it and as WTForms' own
    option subfields do."""
    fast = [(b.id, str(b.label), b.label.text, b.checked, str(b())) for b in field]
    stock = [
        (o.id, str(o.label), o.label.text, o.checked, str(DefaultMeta.render_field(o.meta, o, {})))
        for o in RadioField.__iter__(field)
    ]
    return fast, stock


@pytest.mark.parametrize("data", [{}, {"plain": "1", "required": 3}])
def test_radio_buttons_draw_as_wtforms_option_subfields(data) -> None:
    form = Radios(data=data)
    for field in form:
        fast, stock = _buttons_both_ways(field)
        assert fast == stock
        assert str(field()) == str(DefaultMeta.render_field(form.meta, field, {}))
        assert field.type == "RadioField"  # the form macros draw it as one
    assert fast[1][:2] == ("required-1", '<label for="required-1">&lt;Always&gt;</label>')


@pytest.mark.parametrize("code", sorted(ITEM_INSTRUMENTS))
def test_every_questionnaire_draws_its_answers_as_before(app, code) -> None:
    instrument = ITEM_INSTRUMENTS[code]
    first = answer_field(1)
    answers = MultiDict({first: str(instrument.options[-1].value)})
    with app.test_request_context("/", method="POST", data=answers):
        form = answer_form_class(code)()
        form.validate()  # errors beside the unanswered items
        for field in form:
            if isinstance(field, FastRadioField):
                fast, stock = _buttons_both_ways(field)
                assert fast == stock, field.name
        assert any(button.checked for button in form[first])
