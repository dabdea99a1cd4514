"""Forms of session documentation."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from tracker.domain.brainspots import (
    DEPTH_LABELS,
    EYE_LABELS,
    GRID,
    METHOD_LABELS,
    SPOT_TYPE_LABELS,
)
from tracker.domain.dosing import ROUTE_LABELS
from tracker.domain.sessions import (
    MODALITY_LABELS,
    NOTE_FORMAT_LABELS,
    NOTE_FORMATS,
    PHASE_LABELS,
    SETTING_LABELS,
    SUICIDE_SCREEN_LABELS,
)
from tracker.forms.fields import BoundedIntegerField, ClockTimeField, FiniteDecimalField, choices

NOTE_TEXT_MAX = 50_000

# The hidden optimistic-locking version: digits only, so a tampered value is a 400.
VERSION = Regexp(r"^\d{1,9}$")


def note_field_name(note_format: str, key: str) -> str:
    return f"note_{note_format}_{key}"


class NoteSections:
    """The note's section fields, one per section of every format (added below)."""

    def note_text(self, note_format: str) -> dict[str, str]:
        return {
            s.key: (self[note_field_name(note_format, s.key)].data or "")
            for s in NOTE_FORMATS[note_format]
        }


def add_note_fields(form_class: type, rows: int | None = None) -> None:
    """One text area per section of every note format (rows: a fixed height, else by
    format: the free note is taller)."""
    for note_format, sections in NOTE_FORMATS.items():
        for section in sections:
            setattr(
                form_class,
                note_field_name(note_format, section.key),
                TextAreaField(
                    _l(section.heading),
                    validators=[Optional(), Length(max=NOTE_TEXT_MAX)],
                    description=_l(section.prompt),
                    render_kw={"rows": rows or (6 if note_format == "free" else 4)},
                ),
            )


class SessionSlotForm(FlaskForm):
    """When a session is (or is planned to be), how long, and its kind: shared by the
    session form and the plan form, so a start is read (and the autumn's twice-happening
    hour asked about) by the same code."""

    session_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = ClockTimeField(_l("Start time"), validators=[InputRequired()])
    # Shown only when the start time happens twice (the night the clocks go back):
    # which of the two is meant. Labels are set by the view (set_fold_options).
    start_fold = RadioField(
        _l("Which start time is meant?"),
        choices=[SelectChoice("0", "0"), SelectChoice("1", "1")],
        validators=[Optional()],
    )
    duration_minutes = BoundedIntegerField(
        _l("Duration (minutes)"),
        validators=[
            InputRequired(),
            NumberRange(min=5, max=720, message=_l("Between 5 and 720 minutes.")),
        ],
    )
    modality = SelectField(_l("Modality"), validators=[DataRequired()])
    phase = SelectField(_l("Phase"), validators=[DataRequired()])
    setting = SelectField(_l("Setting"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.modality.choices = choices(MODALITY_LABELS)
        self.phase.choices = choices(PHASE_LABELS)
        self.setting.choices = choices(SETTING_LABELS)


class SessionForm(NoteSections, SessionSlotForm):
    intention = TextAreaField(
        _l("Intention"),
        validators=[Optional(), Length(max=5000)],
        description=_l("The client's intention for this session, in their words."),
        render_kw={"rows": 2},
    )
    note_format = SelectField(_l("Note format"), validators=[DataRequired()])
    summary = TextAreaField(
        _l("Short summary for progress reports"),
        validators=[Optional(), Length(max=1000)],
        description=_l("One or two sentences; printed in the session log of reports."),
        render_kw={"rows": 2},
    )
    suicide_screen = RadioField(_l("Suicidal ideation screen"), validators=[DataRequired()])
    risk_follow_up = TextAreaField(
        _l("Risk follow-up"),
        validators=[Optional(), Length(max=10000)],
        description=_l(
            "Required when the screen is positive: risk level, safety plan, who was informed."
        ),
        render_kw={"rows": 3},
    )
    version = HiddenField(validators=[Optional(), VERSION])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.note_format.choices = choices(NOTE_FORMAT_LABELS)
        self.suicide_screen.choices = choices(SUICIDE_SCREEN_LABELS)

    def note_fields(self, note_format: str) -> list:
        return [self[note_field_name(note_format, s.key)] for s in NOTE_FORMATS[note_format]]

    def stray_note_formats(self) -> list[str]:
        """Other formats whose sections hold text (typed before switching format)."""
        chosen = self.note_format.data
        return [
            fmt
            for fmt in NOTE_FORMATS
            if fmt != chosen and any((f.data or "").strip() for f in self.note_fields(fmt))
        ]


add_note_fields(SessionForm)


class SignForm(FlaskForm):
    version = HiddenField(validators=[DataRequired(), VERSION])
    # "1" is posted by the confirmation panel's "Sign and lock" only (no default: a
    # POST without it signs nothing).
    confirm = HiddenField()


class VoidForm(FlaskForm):
    reason = TextAreaField(
        _l("Why was this note entered in error?"),
        validators=[
            DataRequired(message=_l("Write why the note was entered in error.")),
            Length(max=5000),
        ],
        description=_l(
            "For example: written under the wrong client. The note stays visible, struck "
            "through, with your name, the time and this reason."
        ),
        render_kw={"rows": 3},
    )


class AddendumForm(FlaskForm):
    body = TextAreaField(
        _l("Addendum"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("A correction or later observation. It is dated and signed with your name."),
        render_kw={"rows": 3},
    )


def _optional_int(value: object) -> int | None:
    """A select's value as an id; blank (or not a number) is no choice."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AdministrationForm(FlaskForm):
    route = SelectField(_l("Route"), validators=[DataRequired()])
    dose_mg = FiniteDecimalField(_l("Dose (mg)"), places=2, digits=7, validators=[InputRequired()])
    weight_kg = FiniteDecimalField(
        _l("Client weight (kg)"),
        places=1,
        digits=5,
        validators=[InputRequired()],
        description=_l("Pre-filled from the latest medical screening."),
    )
    given_time = ClockTimeField(_l("Time given"), validators=[InputRequired()])
    lot_number = StringField(_l("Lot number"), validators=[Optional(), Length(max=60)])
    prescriber_id = SelectField(
        _l("Prescriber"), coerce=_optional_int, validate_choice=False, validators=[Optional()]
    )
    adjuncts = TextAreaField(
        _l("Adjunct medications"),
        validators=[Optional(), Length(max=2000)],
        description=_l("For example ondansetron 4 mg for nausea."),
        render_kw={"rows": 2},
    )
    sitter = StringField(_l("Chaperone or sitter"), validators=[Optional(), Length(max=200)])
    unusual_confirmed = BooleanField(_l("I confirm this dose is intended"))
    unusual_reason = TextAreaField(
        _l("Reason for a dose outside the usual range"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    override_reason = TextAreaField(
        _l("Prescriber's reason for dosing despite the findings"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def __init__(self, *args, prescribers: list[SelectChoice] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.route.choices = choices(ROUTE_LABELS)
        self.prescriber_id.choices = [SelectChoice("", _("— not recorded —")), *prescribers]


class ChecklistForm(FlaskForm):
    """The practice's pre-dose checklist; its items are added per request."""

    all_done = HiddenField()


class NoteForm(NoteSections, FlaskForm):
    """The note of a draft, edited on the session page (its format stays as chosen)."""

    version = HiddenField(validators=[DataRequired()])
    suicide_screen = RadioField(_l("Suicidal ideation screen"), validators=[DataRequired()])
    risk_follow_up = TextAreaField(
        _l("Risk follow-up"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 2}
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suicide_screen.choices = choices(SUICIDE_SCREEN_LABELS)


class DischargeForm(FlaskForm):
    outcome = RadioField(_l("How the session ended"), validators=[DataRequired()], default="home")
    discharged_time = ClockTimeField(
        _l("Time"), validators=[Optional()], description=_l("Leave empty for now.")
    )
    oriented_and_steady = BooleanField(_l("Oriented and walking steadily"))
    escort_or_transport = BooleanField(_l("Escort present or transport arranged"))
    left_with = StringField(
        _l("Left with"),
        validators=[Optional(), Length(max=200)],
        description=_l("Who took the client home, or how they travelled."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Needed when a criterion is not met, or when the client did not go home."),
        render_kw={"rows": 2},
    )


class RetroReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Prescriber's reason, given afterwards"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class VitalRowForm(Form):
    """One row of the quick vitals entry; an entirely empty row is ignored. A single
    filled row without a time is taken now."""

    taken_time = ClockTimeField(_l("Time"), validators=[Optional()])
    systolic = BoundedIntegerField(_l("Systolic"), validators=[Optional()])
    diastolic = BoundedIntegerField(_l("Diastolic"), validators=[Optional()])
    heart_rate = BoundedIntegerField(_l("Heart rate"), validators=[Optional()])
    spo2 = BoundedIntegerField(_l("SpO₂ %"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def is_empty(self) -> bool:
        return all(field.data in (None, "") for field in self)


VITAL_ROWS = 3


class VitalsForm(FlaskForm):
    rows = FieldList(FormField(VitalRowForm), min_entries=VITAL_ROWS, max_entries=20)


def _grid_choices() -> list[SelectChoice]:
    return [SelectChoice(str(value), f"{value:+d}" if value else "0") for value in GRID]


def _suds_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("—")), *[SelectChoice(str(v), str(v)) for v in range(11)]]


def _optional_int(value: str | int | None) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class BrainspotForm(FlaskForm):
    issue = TextAreaField(
        _l("Issue worked on"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    spot_type = SelectField(_l("Spot type"), validators=[DataRequired()])
    method = SelectField(_l("Method"), validators=[DataRequired()])
    eye = SelectField(_l("Eye"), validators=[DataRequired()])
    x = SelectField(_l("Horizontal position (x)"), coerce=int, validators=[InputRequired()])
    y = SelectField(_l("Vertical position (y)"), coerce=int, validators=[InputRequired()])
    z = SelectField(_l("Depth (z)"), validators=[Optional()])
    reflexes = TextAreaField(
        _l("Reflexes observed"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    suds_start = SelectField(_l("SUDS at start"), coerce=_optional_int, validators=[Optional()])
    suds_end = SelectField(_l("SUDS at end"), coerce=_optional_int, validators=[Optional()])
    body_location = StringField(_l("Body location"), validators=[Optional(), Length(max=300)])
    biolateral_sound = StringField(_l("BioLateral sound"), validators=[Optional(), Length(max=120)])
    minutes_since_dose = BoundedIntegerField(
        _l("Minutes since the ketamine dose"),
        validators=[Optional(), NumberRange(min=0, max=720)],
    )
    earlier_spot_id = SelectField(
        _l("Same spot as in an earlier session"), coerce=_optional_int, validators=[Optional()]
    )

    def __init__(self, *args, earlier=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spot_type.choices = choices(SPOT_TYPE_LABELS)
        self.method.choices = choices(METHOD_LABELS)
        self.eye.choices = choices(EYE_LABELS)
        self.x.choices = _grid_choices()
        self.y.choices = _grid_choices()
        self.z.choices = choices(DEPTH_LABELS, blank=_("—"))
        self.suds_start.choices = _suds_choices()
        self.suds_end.choices = _suds_choices()
        self.earlier_spot_id.choices = [SelectChoice("", _("— none —")), *earlier]


class TimelineFilterForm(FlaskForm):
    class Meta:
        csrf = False

    modality = SelectField(_l("Modality"), validators=[Optional()])
    phase = SelectField(_l("Phase"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.modality.choices = choices(MODALITY_LABELS, blank=_("All modalities"))
        self.phase.choices = choices(PHASE_LABELS, blank=_("All phases"))


add_note_fields(NoteForm, rows=3)
