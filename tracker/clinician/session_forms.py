"""Forms of session documentation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

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
from tracker.domain.clock import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    fold_options,
    local_to_utc_checked,
    utc_to_local,
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
from tracker.domain.vitals import Reading
from tracker.forms.fields import (
    BoundedIntegerField,
    ClockTimeField,
    FiniteDecimalField,
    choices,
    optional_int,
    problem_text,
)

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

    def fill_note(self, session: Any) -> None:
        """Show the saved note: the sections of its format, and its version."""
        for key, text in session.note_sections_text.items():
            field_name = note_field_name(session.note_format, key)
            if field_name in self:
                self[field_name].data = text
        self.version.data = str(session.version)


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


FOLD_LABELS = {
    (0, True): _l("first %(time)s (summer time, %(zone)s)"),
    (0, False): _l("first %(time)s (winter time, %(zone)s)"),
    (1, True): _l("second %(time)s (summer time, %(zone)s)"),
    (1, False): _l("second %(time)s (winter time, %(zone)s)"),
}


class SessionSlotForm(FlaskForm):
    """When a session is (or is planned to be), how long, and its kind: shared by the
    session form and the plan form, so a start is read (and the autumn's twice-happening
    hour asked about) by the same code.

    ``zone_name`` is the practice's time zone, in which the start is typed; once the
    form validates, ``starts_at`` is that start as UTC.
    """

    session_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = ClockTimeField(_l("Start time"), validators=[InputRequired()])
    # Shown only when the start time happens twice (the night the clocks go back):
    # which of the two is meant. Labels are set by ``offers_fold``.
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

    def __init__(self, *args, zone_name: str = "UTC", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        self.starts_at: datetime | None = None
        self.modality.choices = choices(MODALITY_LABELS)
        self.phase.choices = choices(PHASE_LABELS)
        self.setting.choices = choices(SETTING_LABELS)

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the form's own checks, then the start as one instant."""
        return super().validate(extra_validators) and self.check_entries() and self._read_start()

    def check_entries(self) -> bool:
        """Checks across fields, with the messages beside them (none here)."""
        return True

    def _read_start(self) -> bool:
        """The start as UTC; refused, with the message beside the field, when that local
        time does not exist (clocks forward) or happens twice and the form has not said
        which."""
        fold = int(self.start_fold.data) if self.start_fold.data in ("0", "1") else None
        try:
            self.starts_at = local_to_utc_checked(
                self.session_date.data, self.start_time.data, self.zone_name, fold
            )
        except NonexistentLocalTime as gap:
            self.start_time.errors.append(problem_text(gap.problem))
        except AmbiguousLocalTime as ambiguous:
            self.start_fold.errors.append(problem_text(ambiguous.problem))
        return self.starts_at is not None

    def offers_fold(self) -> bool:
        """Whether the typed start happens twice; if so, label the choice between the
        two (the form then shows it)."""
        if self.session_date.data is None or self.start_time.data is None:
            return False
        options = fold_options(self.session_date.data, self.start_time.data, self.zone_name)
        if options is None:
            return False
        at = self.start_time.data.strftime("%H:%M")
        self.start_fold.choices = [
            SelectChoice(
                str(o.fold),
                str(FOLD_LABELS[o.fold, o.summer_time]) % {"time": at, "zone": o.abbreviation},
            )
            for o in options
        ]
        return True

    def values(self, names: Iterable[str]) -> dict[str, Any]:
        """The typed values of ``names`` (a service's fields), ``starts_at`` as UTC."""
        return {name: self.starts_at if name == "starts_at" else self[name].data for name in names}

    def fill_from(self, record: Any, names: Iterable[str]) -> None:
        """Show a saved ``record``: its start in the practice's zone (and which one, if
        that time happens twice), the rest of ``names`` as they are."""
        local = utc_to_local(record.starts_at, self.zone_name)
        self.session_date.data = local.date()
        self.start_time.data = local.time().replace(second=0, microsecond=0)
        self.start_fold.data = str(local.fold)
        for name in names:
            if name != "starts_at":
                self[name].data = getattr(record, name)


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

    def check_entries(self) -> bool:
        """Refuse a save that would drop text typed under another note format."""
        stray = self.stray_note_formats()
        if stray:
            names = ", ".join(_(NOTE_FORMAT_LABELS[fmt]) for fmt in stray)
            self.note_format.errors.append(
                _(
                    "Text was written under another note format (%(formats)s). Move it into "
                    "this format's sections, or switch back, so nothing is lost.",
                    formats=names,
                )
            )
        return not stray

    def fill_from(self, record: Any, names: Iterable[str]) -> None:
        """Show a saved session: its fields, its note and its version."""
        super().fill_from(record, names)
        self.fill_note(record)


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


def _chosen_id(value: object) -> int | None:
    """A select's value as an id; blank (or not a number) is no choice."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AdministrationForm(FlaskForm):
    """A dose: its fields are ``DoseRequest``'s, which is built from them by name."""

    route = SelectField(_l("Route"), validators=[DataRequired()])
    dose_mg = FiniteDecimalField(_l("Dose (mg)"), places=2, digits=7, validators=[InputRequired()])
    weight_kg = FiniteDecimalField(
        _l("Client weight (kg)"),
        places=1,
        digits=5,
        validators=[InputRequired()],
        description=_l("Pre-filled from the latest medical screening."),
    )
    # A clock time, posted as ``given_time``; the service places it on the session's day.
    given_at = ClockTimeField(_l("Time given"), name="given_time", validators=[InputRequired()])
    lot_number = StringField(_l("Lot number"), validators=[Optional(), Length(max=60)])
    prescriber_id = SelectField(
        _l("Prescriber"), coerce=_chosen_id, validate_choice=False, validators=[Optional()]
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

    # A clock time, posted as ``taken_time``; the service places it on the session's day.
    taken_at = ClockTimeField(_l("Time"), name="taken_time", validators=[Optional()])
    systolic = BoundedIntegerField(_l("Systolic"), validators=[Optional()])
    diastolic = BoundedIntegerField(_l("Diastolic"), validators=[Optional()])
    heart_rate = BoundedIntegerField(_l("Heart rate"), validators=[Optional()])
    spo2 = BoundedIntegerField(_l("SpO₂ %"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def is_empty(self) -> bool:
        return all(field.data in (None, "") for field in self)

    def reading(self) -> Reading:
        return Reading(
            self.systolic.data, self.diastolic.data, self.heart_rate.data, self.spo2.data
        )


VITAL_ROWS = 3


class VitalsForm(FlaskForm):
    rows = FieldList(FormField(VitalRowForm), min_entries=VITAL_ROWS, max_entries=20)

    def filled_rows(self) -> list[VitalRowForm]:
        """The rows with anything typed in them (an empty row is ignored)."""
        return [entry.form for entry in self.rows if not entry.form.is_empty()]

    def validate(self, extra_validators=None) -> bool:
        """The rows, and at least one of them filled."""
        if not super().validate(extra_validators):
            return False
        if not self.filled_rows():
            self.rows[0].form.systolic.errors.append(_("Enter at least one reading."))
            return False
        return True


def _grid_choices() -> list[SelectChoice]:
    return [SelectChoice(str(value), f"{value:+d}" if value else "0") for value in GRID]


def _suds_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("—")), *[SelectChoice(str(v), str(v)) for v in range(11)]]


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
    suds_start = SelectField(_l("SUDS at start"), coerce=optional_int, validators=[Optional()])
    suds_end = SelectField(_l("SUDS at end"), coerce=optional_int, validators=[Optional()])
    body_location = StringField(_l("Body location"), validators=[Optional(), Length(max=300)])
    biolateral_sound = StringField(_l("BioLateral sound"), validators=[Optional(), Length(max=120)])
    minutes_since_dose = BoundedIntegerField(
        _l("Minutes since the ketamine dose"),
        validators=[Optional(), NumberRange(min=0, max=720)],
    )
    earlier_spot_id = SelectField(
        _l("Same spot as in an earlier session"), coerce=optional_int, validators=[Optional()]
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


def timeline_filters(args: Mapping[str, str]) -> dict[str, str | None]:
    """The timeline's filters as typed (``None`` when absent), read as a form with
    optional choices would read them, without building one: when one is not valid,
    none applies. The page draws them from these plain values."""
    values = {"modality": args.get("modality"), "phase": args.get("phase")}
    valid = all(
        not (value or "").strip() or value in labels
        for value, labels in (
            (values["modality"], MODALITY_LABELS),
            (values["phase"], PHASE_LABELS),
        )
    )
    return values if valid else dict.fromkeys(values)


add_note_fields(NoteForm, rows=3)
