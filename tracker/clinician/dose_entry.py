"""Form ↔ request helpers of the medicine-session page: sensible defaults for a dose,
readings typed with or without a time, and the messages a refused dose shows."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import format_date
from flask_babel import gettext as _
from wtforms import SelectChoice

from tracker.clinician.session_forms import AdministrationForm, NoteForm, VitalsForm
from tracker.domain import readiness
from tracker.domain import sessions as rules
from tracker.domain.clock import utc_to_local
from tracker.domain.vitals import Reading
from tracker.forms.fields import problem_text
from tracker.models import Client, Practice, TherapySession
from tracker.models.base import utcnow
from tracker.services import sessions as session_service


def local_moment(session: TherapySession, practice: Practice, at: time | None) -> datetime | None:
    """``at``, typed on the session page, as UTC: on the session's day, or the next day
    after midnight (``domain.sessions.session_moment``, which may raise
    ``NonexistentLocalTime``)."""
    if at is None:
        return None
    return rules.session_moment(at, session.starts_at, session.ends_at, practice.timezone)


def now_in_session(session: TherapySession) -> bool:
    """Whether the session is happening now (an hour either side counts)."""
    return rules.within_session(utcnow(), session.starts_at, session.ends_at)


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
    """A dose form with what can be known (``session_service.dose_defaults``), and now
    as the time of a session happening now."""
    form = AdministrationForm(formdata=None, prescribers=prescriber_choices(client))
    defaults = session_service.dose_defaults(session, practice)
    form.route.data = defaults.route
    form.prescriber_id.data = defaults.prescriber_id
    form.weight_kg.data = defaults.weight_kg
    if defaults.stale_weight_day is not None:
        form.weight_kg.description = _(
            "The last weight on record is from %(day)s: weigh the client today.",
            day=format_date(defaults.stale_weight_day),
        )
    if now_in_session(session):
        form.given_at.data = local_now(practice)
    return form


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


def typed_readings(
    form: VitalsForm, session: TherapySession, practice: Practice
) -> list[tuple[time | None, Reading, str]]:
    """The filled rows as ``add_vitals`` takes them: a single filled row without a time
    is taken now (the "now" of a session happening now)."""
    filled = form.filled_rows()
    now = local_now(practice) if len(filled) == 1 and now_in_session(session) else None
    return [(row.taken_at.data or now, row.reading(), row.note.data or "") for row in filled]


def show_reading_problems(form: VitalsForm, rejected: session_service.ReadingsRejected) -> None:
    """Put the problems of each refused reading beside the fields of its row."""
    filled = form.filled_rows()
    for n, problems in rejected.rows.items():
        for name, problem in problems.items():
            filled[n][name].errors.append(problem_text(problem))


def filled_note_form(session: TherapySession) -> NoteForm:
    form = NoteForm(formdata=None)
    form.suicide_screen.data = session.suicide_screen
    form.risk_follow_up.data = session.risk_follow_up
    form.fill_note(session)
    return form
