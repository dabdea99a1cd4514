"""Questionnaire answer forms, built from each instrument's definition (both audiences)."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY, Instrument
from tracker.forms.fields import FiniteDecimalField, not_in_future, problem_text
from tracker.forms.widgets import FastRadioField, Form
from tracker.i18n import instrument_text
from tracker.services.measures import answer_field, follow_up_problems


class AnswerForm(Form):
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
        answers = [field.data for field in item_fields(self, self.instrument)]
        contradictions = follow_up_problems(self.instrument, answers)
        for name, problem in contradictions.items():
            self[name].errors.append(problem_text(problem))
        self.contradicted = bool(contradictions)
        return valid and not contradictions

    def answered(self) -> dict[str, Any]:
        """The answers and their day as the submission service takes them."""
        instrument = self.instrument
        return {
            "answers": answers_from(self, instrument),
            "extra_answer": self["extra"].data if instrument.extra_question else None,
            "completed_on": self["completed_on"].data,
        }


class ScoresForm(Form):
    """Base of the per-instrument forms of scores-only instruments."""

    code: str

    def answered(self) -> dict[str, Any]:
        """The scores and their day as the submission service takes them."""
        spec = SCORES_ONLY[self.code]
        return {
            "scores": {score.key: self[score.key].data for score in spec.fields},
            "completed_on": self["completed_on"].data,
        }


@cache
def answer_form_class(code: str) -> type[AnswerForm]:
    """A form with one radio group per item (and PHQ-9's difficulty question): required,
    except follow-up items, which are asked only after a yes to their lead item."""
    instrument = ITEM_INSTRUMENTS[code]
    attrs: dict = {"instrument": instrument}
    for index, text in enumerate(instrument.items):
        required = not instrument.is_follow_up(index + 1)
        attrs[answer_field(index + 1)] = FastRadioField(
            text,
            coerce=int,
            validators=[
                InputRequired(message=_l("Please choose an answer for this question."))
                if required
                else Optional()
            ],
        )
    if instrument.extra_question:
        attrs["extra"] = FastRadioField(
            instrument.extra_question, coerce=int, validators=[Optional()]
        )
    attrs["completed_on"] = DateField(_l("Answered on"), validators=[Optional(), not_in_future])
    return type(f"AnswerForm_{code}", (AnswerForm,), attrs)


def item_fields(form, instrument: Instrument) -> list:
    return [form[answer_field(number)] for number in range(1, instrument.item_count + 1)]


def answers_from(form, instrument: Instrument) -> list[int]:
    """The answers in item order; a follow-up left unanswered counts as the lowest ("no")."""
    return [
        instrument.min_answer if field.data is None else field.data
        for field in item_fields(form, instrument)
    ]


@cache
def scores_form_class(code: str) -> type[ScoresForm]:
    """A form with one number field per score, each within its range."""
    spec = SCORES_ONLY[code]
    attrs: dict[str, Any] = {
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
    attrs["code"] = code
    return type(f"ScoresForm_{code}", (ScoresForm,), attrs)


def entry_form_class(code: str) -> type[AnswerForm] | type[ScoresForm]:
    """The form the therapist enters instrument ``code`` with: its answers, or its
    scores (``UnknownInstrument``, a ``KeyError``, for any other code)."""
    return scores_form_class(code) if code in SCORES_ONLY else answer_form_class(code)


def questionnaire_page(form: AnswerForm) -> dict[str, Any]:
    """What a page showing an answer form gives its template."""
    return {
        "form": form,
        "instrument": form.instrument,
        "items": item_fields(form, form.instrument),
    }
