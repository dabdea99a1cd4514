"""Forms of the report pages (staff side): one client's report, and a batch of all
one's active clients' reports."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.domain import reports as rules


class ReportForm(FlaskForm):
    kind = RadioField(_l("Report"), validators=[DataRequired()], default=rules.CLINICAL)
    period_start = DateField(_l("From"), validators=[Optional()])
    period_end = DateField(_l("To"), validators=[Optional()])
    narrative = TextAreaField(
        _l("Narrative summary"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Printed near the top of the report."),
        render_kw={"rows": 5},
    )
    include_measures = BooleanField(_l("Client summary: include questionnaire trends, explained"))
    include_family = BooleanField(_l("Clinical summary: include the family history (genogram)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            SelectChoice(rules.CLINICAL, _("Clinical progress summary (care team)")),
            SelectChoice(rules.CLIENT, _("Client summary (for the client)")),
        ]

    def validate_period_end(self, field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The end of the period is before its start."))


LAST_MONTH = "last_month"
COURSE = "course"
CUSTOM = "custom"


class BatchForm(FlaskForm):
    # InputRequired, not DataRequired: a post without a choice is refused rather than
    # silently printing every client's report with the default.
    period = RadioField(_l("Period"), validators=[InputRequired()], default=LAST_MONTH)
    period_start = DateField(_l("From"), validators=[Optional()])
    period_end = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, last_month: rules.Period, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.last_month = last_month
        self.period.choices = [
            SelectChoice(
                LAST_MONTH,
                _(
                    "Last calendar month (%(start)s – %(end)s)",
                    start=last_month.start.isoformat(),
                    end=last_month.end.isoformat(),
                ),
            ),
            SelectChoice(COURSE, _("Each client's course to date")),
            SelectChoice(CUSTOM, _("These dates:")),
        ]

    def validate(self, extra_validators=None) -> bool:
        # Form-level: Optional() on an empty date field stops its own validators.
        if not super().validate(extra_validators) or self.period.data != CUSTOM:
            return not self.errors
        start, end = self.period_start.data, self.period_end.data
        if not start or not end:
            self.period_end.errors.append(_("Give both dates of the period."))
        elif end < start:
            self.period_end.errors.append(_("The end of the period is before its start."))
        return not self.errors

    def chosen_period(self, today: date) -> tuple[rules.Period, bool]:
        """The batch's period and whether it is each client's course to date."""
        if self.period.data == COURSE:
            return rules.Period(today, today), True
        if self.period.data == CUSTOM:
            return rules.Period(self.period_start.data, self.period_end.data), False
        return self.last_month, False
