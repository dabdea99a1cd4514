"""``forms.rendering.render_field`` draws, to the byte, what the Jinja ``field`` macro
of ``_macros/forms.html`` drew before it called the function."""

from __future__ import annotations

from pathlib import Path

import pytest
from wtforms import BooleanField, Form, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired

from tests.forms.test_widgets import buildable_forms
from tracker.forms.rendering import render_field
from tracker.forms.widgets import FastRadioField, FastWidgetsMeta

# The macro as it was, kept here as the reference.
MACRO = Path(__file__).with_name("field_macro_reference.html").read_text().rstrip("\n")


def _macro(app):
    return app.jinja_env.from_string(MACRO + "{{ field(f, label, hint) }}")


def _both(app, field, label=None, hint=True) -> tuple[str, str]:
    reference = _macro(app).render(f=field, label=label, hint=hint)
    return str(render_field(field, label, hint)), reference


class Awkward(Form):
    name = StringField('Name <b>"quoted"</b> & more', description="A hint & <i>more</i>")
    needed = StringField("Needed", validators=[DataRequired()])
    agree = BooleanField("I agree <b>", description="Tick it")
    level = RadioField(
        "Level",
        choices=[SelectChoice("0", "None <0>"), SelectChoice("1", 'One "1"')],
        validators=[DataRequired()],
    )
    plain = SelectField("Plain", choices=[SelectChoice("a", "A"), SelectChoice("b", "B & b")])


class FastRadios(Form):
    class Meta(FastWidgetsMeta):
        pass

    answer = FastRadioField(
        "Answer", choices=[SelectChoice("0", "Never"), SelectChoice("3", "<Always>")]
    )


@pytest.mark.parametrize("label", [None, "Given <label>"])
@pytest.mark.parametrize("hint", [True, False])
@pytest.mark.parametrize("with_errors", [False, True])
def test_awkward_fields_draw_as_the_macro_did(app, label, hint, with_errors) -> None:
    with app.test_request_context("/"):
        for form in (Awkward(), FastRadios()):
            for field in form:
                if with_errors:
                    field.errors = ["Wrong <here>", "and & there"]
                fast, reference = _both(app, field, label, hint)
                assert fast == reference, field.name


def test_every_app_form_draws_as_the_macro_did(app) -> None:
    """Each form of the app that can be built without arguments, empty and with an
    error on every field."""
    compared = 0
    with app.test_request_context("/"):
        for cls, form in buildable_forms():
            for field in form:
                if field.type in ("CSRFTokenField", "HiddenField", "SubmitField", "FormField"):
                    continue
                fast, reference = _both(app, field)
                assert fast == reference, f"{cls.__qualname__}.{field.name}"
                field.errors = ["Not this."]
                fast, reference = _both(app, field)
                assert fast == reference, f"{cls.__qualname__}.{field.name} with an error"
                compared += 1
    assert compared > 50
