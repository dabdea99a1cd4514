"""Questionnaire answer forms, built from each instrument's definition (both audiences)."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY, Instrument
from tracker.forms.fields import FiniteDecimalField, not_in_future
from tracker.i18n import instrument_text


def _item_field_name(index: int) -> str:
    return f"item_{index + 1}"


class AnswerForm(FlaskForm):
    """Base of the per-instrument answer forms: fills the options from the definition.

    Item text and options are set per request: in the user's language where the
    instrument has a published version in it, else in the English original.
    """

    instrument: Instrument
    contradicted = False  # a follow-up answered yes after a no to its lead item

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instrument = self.instrument
        options = [
            SelectChoice(str(o.value), instrument_text(instrument, o.label))
            for o in instrument.options
        ]
        for field, text in zip(item_fields(self, instrument), instrument.items, strict=True):
            field.label.text = instrument_text(instrument, text)
            field.choices = options
        if instrument.extra_question:
            self["extra"].label.text = instrument_text(instrument, instrument.extra_question)
            self["extra"].choices = [
                SelectChoice(str(o.value), instrument_text(instrument, o.label))
                for o in instrument.extra_options
            ]

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Every item answered, except follow-ups (unasked they count as "no"); a
        follow-up answered after a "no" to its lead item is refused next to it."""
        valid = super().validate(extra_validators)
        instrument = self.instrument
        fields = item_fields(self, instrument)
        self.contradicted = False
        for follow_up, lead in instrument.contradictions([field.data for field in fields]):
            self.contradicted = True
            fields[follow_up - 1].errors.append(
                _(
                    "This question follows a yes to question %(lead)s. Answer it only if "
                    "you answered yes there, or change your answer to question %(lead)s.",
                    lead=lead,
                )
            )
            valid = False
        return valid


@cache
def answer_form_class(code: str) -> type[AnswerForm]:
    """A form with one radio group per item (and PHQ-9's difficulty question): required,
    except follow-up items, which are asked only after a yes to their lead item."""
    instrument = ITEM_INSTRUMENTS[code]
    attrs: dict = {"instrument": instrument}
    for index, text in enumerate(instrument.items):
        required = not instrument.is_follow_up(index + 1)
        attrs[_item_field_name(index)] = RadioField(
            text,
            coerce=int,
            validators=[
                InputRequired(message=_l("Please choose an answer for this question."))
                if required
                else Optional()
            ],
        )
    if instrument.extra_question:
        attrs["extra"] = RadioField(instrument.extra_question, coerce=int, validators=[Optional()])
    attrs["completed_on"] = DateField(_l("Answered on"), validators=[Optional(), not_in_future])
    return type(f"AnswerForm_{code}", (AnswerForm,), attrs)


def item_fields(form, instrument: Instrument) -> list:
    return [form[_item_field_name(i)] for i in range(len(instrument.items))]


def answers_from(form, instrument: Instrument) -> list[int]:
    """The answers in item order; a follow-up left unanswered counts as the lowest ("no")."""
    return [
        instrument.min_answer if field.data is None else field.data
        for field in item_fields(form, instrument)
    ]


@cache
def scores_form_class(code: str) -> type[FlaskForm]:
    spec = SCORES_ONLY[code]
    attrs = {
        score.key: FiniteDecimalField(
            _l(score.label),
            places=score.decimals,
            digits=7,  # MeasureResponse.total is Numeric(7, 2)
            validators=[
                InputRequired(),
                NumberRange(
                    min=score.minimum,
                    max=score.maximum,
                    message=_l("Between %(min)s and %(max)s."),
                ),
            ],
        )
        for score in spec.fields
    }
    attrs["completed_on"] = DateField(
        _l("Measured on"), validators=[InputRequired(), not_in_future]
    )
    return type(f"ScoresForm_{code}", (FlaskForm,), attrs)
