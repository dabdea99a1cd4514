"""Form ↔ request helpers of the medicine-session page: sensible defaults for a dose,
readings typed with or without a time, and the messages a refused dose shows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from wtforms import SelectChoice

from tracker.clinician.session_forms import (
    AdministrationForm,
    NoteForm,
    VitalsForm,
    note_field_name,
)
from tracker.domain import readiness
from tracker.domain import vitals as vital_rules
from tracker.domain.clock import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    local_to_utc_checked,
    utc_to_local,
)
from tracker.forms.fields import problem_text
from tracker.models import Client, Practice, TherapySession
from tracker.models.base import utcnow
from tracker.services import medicine as medicine_service
from tracker.services import sessions as session_service

# A screening weight older than this is not used for dosing: today's weight is asked.
WEIGHT_FRESH_DAYS = 90


def local_moment(session: TherapySession, practice: Practice, at: time | None) -> datetime | None:
    """``at`` on the session's local day, as UTC; a time after midnight of a session
    running past midnight is taken on the next day.

    A time in the spring-forward gap raises ``NonexistentLocalTime`` (its ``problem``
    goes next to the field). A time that happens twice (autumn) is the occurrence that
    falls within the session, give or take an hour; the first if both do.
    """
    if at is None:
        return None
    first_day = utc_to_local(session.starts_at, practice.timezone).date()
    moment = _session_instant(session, first_day, at, practice.timezone)
    if moment < session.starts_at - timedelta(hours=2):
        moment = _session_instant(session, first_day + timedelta(days=1), at, practice.timezone)
    return moment


def _session_instant(session: TherapySession, day: date, at: time, zone_name: str) -> datetime:
    try:
        return local_to_utc_checked(day, at, zone_name)
    except AmbiguousLocalTime as ambiguous:
        inside = [
            option.utc
            for option in ambiguous.options
            if medicine_service.within_session(session, option.utc)
        ]
        return (inside or [ambiguous.options[0].utc])[0]


def now_in_session(session: TherapySession) -> bool:
    """Whether the session is happening now (an hour either side counts)."""
    return medicine_service.within_session(session, utcnow())


def local_now(practice: Practice) -> time:
    return utc_to_local(utcnow(), practice.timezone).time().replace(second=0, microsecond=0)


def prescriber_choices(client: Client) -> list[SelectChoice]:
    return [
        SelectChoice(str(member.user_id), member.user.name)
        for member in session_service.prescribers_of(client)
    ]


def prefilled_dose_form(
    client: Client, session: TherapySession, practice: Practice
) -> AdministrationForm:
    """A dose form with what can be known: the route and prescriber of the last dose
    (or the team's only prescriber), a recent weight, and now as the time."""
    form = AdministrationForm(formdata=None, prescribers=prescriber_choices(client))
    previous = session.administrations[-1] if session.administrations else None
    previous = previous or medicine_service.previous_dose(session)
    prescribers = session_service.prescribers_of(client)
    if previous is not None:
        form.route.data = previous.route
        form.prescriber_id.data = previous.prescriber_id
    else:
        form.route.data = "im"
    if form.prescriber_id.data is None and len(prescribers) == 1:
        form.prescriber_id.data = prescribers[0].user_id
    if session.administrations:
        form.weight_kg.data = session.administrations[-1].weight_kg
    else:
        weight = session_service.latest_weight(client)
        if weight is not None:
            weight_kg, weighed_on = weight
            local_day = utc_to_local(session.starts_at, practice.timezone).date()
            if (local_day - weighed_on).days <= WEIGHT_FRESH_DAYS:
                form.weight_kg.data = weight_kg
            else:
                form.weight_kg.description = _(
                    "The last weight on record is from %(day)s: weigh the client today.",
                    day=format_date(weighed_on),
                )
    if now_in_session(session):
        form.given_time.data = local_now(practice)
    return form


def dose_request(
    form: AdministrationForm, session: TherapySession, practice: Practice
) -> session_service.DoseRequest:
    return session_service.DoseRequest(
        route=form.route.data,
        dose_mg=form.dose_mg.data,
        weight_kg=form.weight_kg.data,
        given_at=local_moment(session, practice, form.given_time.data),
        lot_number=form.lot_number.data or "",
        prescriber_id=form.prescriber_id.data,
        adjuncts=form.adjuncts.data or "",
        sitter=form.sitter.data or "",
        unusual_confirmed=form.unusual_confirmed.data,
        unusual_reason=form.unusual_reason.data or "",
        override_reason=form.override_reason.data or "",
    )


def finding_text(finding: readiness.Finding, labels: dict[str, str] | None = None) -> str:
    """A finding in words, in the reader's language."""
    params = dict(finding.params)
    if "items" in params:
        names = labels or {}
        params["items"] = ", ".join(_(names.get(key, key)) for key in params["items"])
    return _(readiness.FINDING_LABELS[finding.code], **params)


def codes_text(codes: str) -> str:
    """Stored finding codes ("bp_hold,no_consent") as words in the reader's language."""
    return ", ".join(_(readiness.SHORT_LABELS.get(code, code)) for code in codes.split(",") if code)


def explain_confirmation(
    form: AdministrationForm, needed: session_service.DoseNeedsConfirmation, practice: Practice
) -> None:
    """Put what the dose needs next to the fields that give it."""
    for problem in needed.unusual:
        form.unusual_reason.errors.append(
            problem_text(problem)
            + " "
            + _("Tick the confirmation and give the reason to record it.")
        )
    if needed.blocking:
        found = " ".join(finding_text(f, practice.checklist_items) for f in needed.blocking)
        if needed.may_override:
            form.override_reason.errors.append(
                _(
                    "Not ready to dose: %(found)s As the prescriber, give the reason to "
                    "dose anyway.",
                    found=found,
                )
            )
        else:
            form.override_reason.errors.append(
                _(
                    "Not ready to dose: %(found)s Only the prescriber on the care team can "
                    "record the dose anyway, with a reason.",
                    found=found,
                )
            )


def vitals_rows(form: VitalsForm, session: TherapySession, practice: Practice):
    """The filled rows as ``(taken_at, reading, note)``, or None with the errors on the form.

    A single filled row without a time is taken now (the "now" of a live session).
    """
    earliest = session.starts_at - timedelta(hours=1)
    latest = session.ends_at + timedelta(hours=1)
    filled = [entry.form for entry in form.rows if not entry.form.is_empty()]
    if not filled:
        form.rows[0].form.systolic.errors.append(_("Enter at least one reading."))
        return None
    rows = []
    for row in filled:
        reading = vital_rules.Reading(
            row.systolic.data, row.diastolic.data, row.heart_rate.data, row.spo2.data
        )
        for name, problem in vital_rules.reading_problems(reading).items():
            row[name].errors.append(problem_text(problem))
        at = row.taken_time.data
        if at is None and len(filled) == 1 and now_in_session(session):
            at = local_now(practice)
        try:
            taken_at = local_moment(session, practice, at)
        except NonexistentLocalTime as gap:
            row.taken_time.errors.append(problem_text(gap.problem))
            continue
        if taken_at is None:
            row.taken_time.errors.append(_("Enter the time of the reading."))
        elif not earliest <= taken_at <= latest:
            row.taken_time.errors.append(_("The time must be within an hour of the session."))
        if not row.errors:
            rows.append((taken_at, reading, row.note.data or ""))
    return rows if len(rows) == len(filled) else None


def filled_note_form(session: TherapySession) -> NoteForm:
    form = NoteForm(formdata=None)
    form.version.data = str(session.version)
    form.suicide_screen.data = session.suicide_screen
    form.risk_follow_up.data = session.risk_follow_up
    for key, text in session.note_sections_text.items():
        name = note_field_name(session.note_format, key)
        if name in form:
            form[name].data = text
    return form
