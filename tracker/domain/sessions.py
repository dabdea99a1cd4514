"""Session vocabularies, note formats, the risk rule, the signing rules, the course view,
and where a clock time typed during a session falls."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from tracker.domain.clock import AmbiguousLocalTime, local_to_utc_checked, utc_to_local
from tracker.domain.messages import N_, Problem


class Modality(StrEnum):
    KAP = "kap"
    KABSP = "kabsp"
    BRAINSPOTTING = "brainspotting"
    PSYCHOTHERAPY = "psychotherapy"


MODALITY_LABELS = {
    Modality.KAP: N_("KAP (ketamine-assisted psychotherapy)"),
    Modality.KABSP: N_("KABSP (ketamine-assisted brainspotting)"),
    Modality.BRAINSPOTTING: N_("Brainspotting"),
    Modality.PSYCHOTHERAPY: N_("Psychotherapy"),
}

MODALITY_SHORT_LABELS = {
    Modality.KAP: N_("KAP"),
    Modality.KABSP: N_("KABSP"),
    Modality.BRAINSPOTTING: N_("Brainspotting"),
    Modality.PSYCHOTHERAPY: N_("Psychotherapy"),
}

# Modalities in which ketamine may be given, and in which brainspots are recorded.
KETAMINE_MODALITIES = frozenset({Modality.KAP, Modality.KABSP})
BRAINSPOT_MODALITIES = frozenset({Modality.KABSP, Modality.BRAINSPOTTING})


class Phase(StrEnum):
    INTAKE = "intake"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    BOOSTER = "booster"
    FOLLOW_UP = "follow_up"


PHASE_LABELS = {
    Phase.INTAKE: N_("Intake"),
    Phase.PREPARATION: N_("Preparation"),
    Phase.MEDICINE: N_("Medicine session"),
    Phase.INTEGRATION: N_("Integration"),
    Phase.BOOSTER: N_("Booster"),
    Phase.FOLLOW_UP: N_("Follow-up"),
}

# Phases in which ketamine is given: a medicine session, and a booster dose.
DOSING_PHASES = frozenset({Phase.MEDICINE, Phase.BOOSTER})


def is_dosing_session(modality: str, phase: str) -> bool:
    """Ketamine is recorded on KAP/KABSP medicine and booster sessions."""
    return modality in KETAMINE_MODALITIES and phase in DOSING_PHASES


class Setting(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"
    SUPERVISED_AT_HOME = "supervised_at_home"


SETTING_LABELS = {
    Setting.IN_PERSON: N_("In person"),
    Setting.TELEHEALTH: N_("Telehealth"),
    Setting.SUPERVISED_AT_HOME: N_("Supervised at home"),
}


@dataclass(frozen=True)
class NoteSection:
    key: str
    heading: str
    prompt: str


# Each format's sections, in order. SOAP, DAP and BIRP are the standard progress-note
# structures; "free" is a single body.
NOTE_FORMATS: dict[str, tuple[NoteSection, ...]] = {
    "soap": (
        NoteSection("subjective", N_("Subjective"), N_("What the client reports, in their words.")),
        NoteSection("objective", N_("Objective"), N_("What you observed: affect, presentation.")),
        NoteSection("assessment", N_("Assessment"), N_("Your clinical understanding.")),
        NoteSection("plan", N_("Plan"), N_("Next steps, integration practices, next session.")),
    ),
    "dap": (
        NoteSection("data", N_("Data"), N_("What was said and observed.")),
        NoteSection("assessment", N_("Assessment"), N_("Your clinical understanding.")),
        NoteSection("plan", N_("Plan"), N_("Next steps.")),
    ),
    "birp": (
        NoteSection("behavior", N_("Behaviour"), N_("The client's presentation and concerns.")),
        NoteSection("intervention", N_("Intervention"), N_("What you did.")),
        NoteSection("response", N_("Response"), N_("How the client responded.")),
        NoteSection("plan", N_("Plan"), N_("Next steps.")),
    ),
    "free": (NoteSection("body", N_("Note"), N_("The session note.")),),
}

NOTE_FORMAT_SHORT_LABELS = {
    "soap": N_("SOAP"),
    "dap": N_("DAP"),
    "birp": N_("BIRP"),
    "free": N_("Free text"),
}

NOTE_FORMAT_LABELS = {
    "soap": N_("SOAP (subjective, objective, assessment, plan)"),
    "dap": N_("DAP (data, assessment, plan)"),
    "birp": N_("BIRP (behaviour, intervention, response, plan)"),
    "free": N_("Free text"),
}

ALL_NOTE_SECTION_KEYS = tuple(
    dict.fromkeys(section.key for sections in NOTE_FORMATS.values() for section in sections)
)


def note_sections(note_format: str, body: dict[str, str]) -> list[tuple[NoteSection, str]]:
    """The sections of ``note_format`` with their text (empty where none was written)."""
    return [(section, body.get(section.key, "")) for section in NOTE_FORMATS[note_format]]


class SuicideScreen(StrEnum):
    NOT_ASSESSED = "not_assessed"
    NEGATIVE = "negative"
    POSITIVE = "positive"


SUICIDE_SCREEN_LABELS = {
    SuicideScreen.NOT_ASSESSED: N_("Not assessed this session"),
    SuicideScreen.NEGATIVE: N_("Negative: no suicidal ideation"),
    SuicideScreen.POSITIVE: N_("Positive: suicidal ideation present"),
}


def risk_problem(screen: str, follow_up: str | None) -> Problem | None:
    """A positive suicidal-ideation screen needs a written follow-up (plan, safety steps)."""
    if screen == SuicideScreen.POSITIVE and not (follow_up or "").strip():
        return Problem(
            N_(
                "The screen is positive: write the follow-up (risk level, safety plan, "
                "who was informed)."
            )
        )
    return None


# Fields that "start from the last note" carries into a new session. Clinical
# narrative (note body, risk notes, summary) is deliberately not among them.
CARRIED_FROM_LAST = ("modality", "setting", "intention", "note_format", "duration_minutes")


@dataclass(frozen=True)
class CourseSession:
    """What the course view needs of one session."""

    id: int
    day: date
    phase: str
    modality: str


@dataclass(frozen=True)
class CourseEntry:
    session: CourseSession
    medicine_number: int | None  # n of the course for medicine sessions
    missing_integration: bool  # a medicine session with no integration within 7 days


@dataclass(frozen=True)
class CourseView:
    entries: list[CourseEntry]
    medicine_count: int
    last_dose_day: date | None
    days_since_last_dose: int | None
    warnings: int


INTEGRATION_WINDOW_DAYS = 7


def integration_window_end(medicine_day: date) -> date:
    """The last day on which the integration session of a medicine session is in time."""
    return medicine_day + timedelta(days=INTEGRATION_WINDOW_DAYS)


def _integrated(medicine_day: date, integration_days: Iterable[date]) -> bool:
    end = integration_window_end(medicine_day)
    return any(medicine_day <= day <= end for day in integration_days)


@dataclass(frozen=True)
class IntegrationDue:
    """A medicine session whose integration session is still to come, in time."""

    medicine_day: date
    last_day: date
    days_left: int  # 0: today is the last day


def integration_due(
    medicine_days: Iterable[date], integration_days: Iterable[date], today: date
) -> list[IntegrationDue]:
    """Medicine sessions held by ``today`` with no integration session yet, while their
    7 days last (the course view's rule before the window has passed; after it, the
    course view counts the session as missing its integration). Oldest first."""
    integration = list(integration_days)
    due = []
    for day in sorted(set(medicine_days)):
        last_day = integration_window_end(day)
        if day <= today <= last_day and not _integrated(day, integration):
            due.append(IntegrationDue(day, last_day, (last_day - today).days))
    return due


def build_course_view(
    sessions: list[CourseSession], today: date, *, dose_days: Iterable[date]
) -> CourseView:
    """Number the medicine sessions and flag those without integration within 7 days.

    A medicine session is "missing integration" when no integration session falls on
    days 0..7 after it and the 7 days have passed (before that it is merely due).

    The last dose is the latest of ``dose_days``, the local days of recorded ketamine
    administrations, never a phase label: a planned medicine session gives no dose,
    and a day after ``today`` is ignored, so "days since" is never negative.
    """
    ordered = sorted(sessions, key=lambda s: (s.day, s.id))
    integration_days = [s.day for s in ordered if s.phase == Phase.INTEGRATION]
    entries: list[CourseEntry] = []
    number = 0
    warnings = 0
    for session in ordered:
        if session.phase == Phase.MEDICINE:
            number += 1
            window_end = integration_window_end(session.day)
            missing = not _integrated(session.day, integration_days) and today > window_end
            warnings += missing
            entries.append(CourseEntry(session, number, missing))
        else:
            entries.append(CourseEntry(session, None, False))
    last_dose = max((day for day in dose_days if day <= today), default=None)
    return CourseView(
        entries=entries,
        medicine_count=number,
        last_dose_day=last_dose,
        days_since_last_dose=(today - last_dose).days if last_dose else None,
        warnings=warnings,
    )


# --- times typed during a session ----------------------------------------------------------

# A session's readings, doses and discharge belong to it from an hour before it starts
# (the pre-dose baseline) to an hour after it ends (observation until the client leaves).
SESSION_SLACK = timedelta(hours=1)

# A clock time that would fall further than this before the start, on the session's first
# day, is taken on the next day: the session runs past midnight.
NEXT_DAY_BEFORE_START = timedelta(hours=2)


def within_session(moment: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether ``moment`` falls within the session, give or take ``SESSION_SLACK``.

    Blood pressure is taken before a dose and again after it until the client is
    stable (SPRAVATO prescribing information, Janssen, "Increases in Blood Pressure":
    assess before dosing, reassess at about 40 minutes and then as clinically
    warranted; the REMS asks for at least two hours of observation after a dose), so
    the readings of a session reach a little beyond its start and end. The hour is
    this record's tolerance, not a published figure: a time further off is a typing
    slip or another day's reading, not this session's.
    """
    return starts_at - SESSION_SLACK <= moment <= ends_at + SESSION_SLACK


def session_moment(at: time, starts_at: datetime, ends_at: datetime, zone_name: str) -> datetime:
    """``at``, a clock time typed for the session in ``zone_name``, as a UTC instant.

    Staff type the time as the clock showed it, without a date, and a session (an
    evening medicine session with its two hours of observation) may run past
    midnight: the time is taken on the day the session starts, or on the next day when
    that would put it more than ``NEXT_DAY_BEFORE_START`` before the start (00:30 in a
    session from 22:00 is the night after, not the morning before).

    A time in the spring-forward gap raises ``NonexistentLocalTime`` (its ``problem``
    says why). A time that happens twice (autumn) is the occurrence within the session,
    give or take ``SESSION_SLACK``; the first if both are, or neither.
    """
    first_day = utc_to_local(starts_at, zone_name).date()
    moment = _occurrence(first_day, at, starts_at, ends_at, zone_name)
    if moment < starts_at - NEXT_DAY_BEFORE_START:
        moment = _occurrence(first_day + timedelta(days=1), at, starts_at, ends_at, zone_name)
    return moment


def _occurrence(
    day: date, at: time, starts_at: datetime, ends_at: datetime, zone_name: str
) -> datetime:
    try:
        return local_to_utc_checked(day, at, zone_name)
    except AmbiguousLocalTime as ambiguous:
        inside = [
            option.utc
            for option in ambiguous.options
            if within_session(option.utc, starts_at, ends_at)
        ]
        return (inside or [ambiguous.options[0].utc])[0]


def reading_time_problem(
    taken_at: datetime | None, starts_at: datetime, ends_at: datetime
) -> Problem | None:
    """A vitals reading documents its session: it needs a time, and one within an hour
    of the session (``within_session``)."""
    if taken_at is None:
        return Problem(N_("Enter the time of the reading."))
    if not within_session(taken_at, starts_at, ends_at):
        return Problem(N_("The time must be within an hour of the session."))
    return None


# --- planning ------------------------------------------------------------------------


def plan_day_problem(day: date, today: date) -> Problem | None:
    """A session is planned for today or later: one that has taken place is recorded."""
    if day < today:
        return Problem(
            N_("Plan a session for today or a later day; record a past session instead.")
        )
    return None


# --- signing -------------------------------------------------------------------------


def sign_problems(
    *,
    starts_at: datetime,
    now: datetime,
    is_dosing_session: bool,
    note_empty: bool,
    dose_count: int,
    discharge_recorded: bool,
    no_discharge_reason: str = "",
) -> list[Problem]:
    """Why a draft may not be signed yet (empty: it may).

    Signing attests that the note records what happened (the signature makes the
    entry the authenticated record: CMS Medicare Program Integrity Manual, ch. 3,
    3.3.2.4 "Signature requirements"), so:

    - a session that has not started cannot be signed: nothing has happened yet;
    - a medicine (dosing) session needs a written note: the record of a ketamine
      administration must say how the session went, not only the dose;
    - a session in which ketamine was given needs a discharge record (stable, who the
      client left with), or a documented reason why there is none: clients are
      observed until clinically ready to leave (Spravato/esketamine REMS, FDA 2019,
      the protocol most KAP practices follow for racemic ketamine too).

    ``starts_at`` and ``now`` are aware datetimes (compared as instants).
    """
    problems: list[Problem] = []
    if starts_at > now:
        problems.append(
            Problem(
                N_("The session has not started yet: it can be signed once it has taken place.")
            )
        )
    if is_dosing_session and note_empty:
        problems.append(
            Problem(N_("A medicine session cannot be signed with an empty note: write the note."))
        )
    if dose_count and not discharge_recorded and not no_discharge_reason.strip():
        problems.append(
            Problem(
                N_(
                    "Ketamine was given: record the discharge, or document why there is "
                    "none, before signing."
                )
            )
        )
    return problems
