"""Session documentation: timeline, notes, signing, "entered in error", addenda, dosing,
vitals, brainspots."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, inspect, select
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from tracker.domain import dosing, readiness
from tracker.domain import sessions as rules
from tracker.domain import vitals as vital_rules
from tracker.domain.brainspots import SpotObservation
from tracker.domain.clock import NonexistentLocalTime, utc_to_local
from tracker.domain.messages import N_, Problem
from tracker.domain.policy import CareTeamRole, can_override_readiness, can_void_session
from tracker.domain.readiness import Finding
from tracker.extensions import db
from tracker.models import (
    Addendum,
    BrainspotRecord,
    Client,
    KetamineAdministration,
    MedicalScreening,
    Practice,
    SessionDischarge,
    SessionVoid,
    TherapySession,
    User,
    VitalSign,
)
from tracker.models.base import utcnow
from tracker.services import Forbidden, NotFound, Rejected, medicine
from tracker.services.paging import ListPage, window_total
from tracker.settings import setting


class SessionRejected(Rejected):
    """Input that breaks a session rule; ``problems`` maps form fields to messages."""


class SignedSessionError(RuntimeError):
    """The session is signed: it can no longer change (corrections are addenda)."""


class SignRejected(ValueError):
    """The draft may not be signed yet; ``problems`` is the list of why (no field's: the
    page shows them in its signing panel, from ``sign_preview``)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} sign problem(s)")
        self.problems = problems


class VoidRejected(Rejected):
    """The session cannot be marked "entered in error" (a draft, or already voided)."""


def not_voided() -> ColumnElement[bool]:
    """SQL condition "this ``TherapySession`` was not entered in error".

    Use it in any query over sessions that counts, numbers or reports them (it
    correlates to the ``therapy_session`` of the enclosing SELECT). The timeline and
    the session page still show voided sessions, struck through.
    """
    return ~exists().where(SessionVoid.session_id == TherapySession.id)


class StaleEditError(RuntimeError):
    """Someone saved the session after this edit was opened."""

    def __init__(self, current: TherapySession) -> None:
        super().__init__("stale edit")
        self.current = current


SESSION_FIELDS = (
    "starts_at",
    "duration_minutes",
    "modality",
    "phase",
    "setting",
    "intention",
    "note_format",
    "summary",
    "suicide_screen",
    "risk_follow_up",
)


@dataclass(frozen=True)
class TimelinePage(ListPage):
    addenda: dict[int, int]  # session id -> number of addenda (sessions with any)


@dataclass(frozen=True)
class Timeline:
    """A page of the client's sessions, the course beside it, and its doses given
    despite a finding and how each dosed session ended."""

    page: TimelinePage
    course: rules.CourseView
    overrides: list[medicine.OverrideLine]
    discharges: list[medicine.DischargeState]


_ADDENDA_COUNT = (
    select(func.count(Addendum.id))
    .where(Addendum.session_id == TherapySession.id)
    .correlate(TherapySession)
    .scalar_subquery()
)
# The timeline shows no note text: not read, nor decrypted.
_NOTE_TEXT_DEFERRED = tuple(
    defer(column)
    for column in (
        TherapySession.intention,
        TherapySession.note_body,
        TherapySession.summary,
        TherapySession.risk_follow_up,
    )
)
_timeline_statements: dict[tuple[bool, bool], Select] = {}


def _timeline_conditions(modality: bool, phase: bool) -> list[ColumnElement[bool]]:
    conditions = [TherapySession.client_id == bindparam("client_id")]
    if modality:
        conditions.append(TherapySession.modality == bindparam("modality"))
    if phase:
        conditions.append(TherapySession.phase == bindparam("phase"))
    return conditions


def _timeline_statement(modality: bool, phase: bool) -> Select:
    """A page of sessions with their therapist, number of addenda and the number of
    sessions matching (a window count): one statement, built once per filter set."""
    key = (modality, phase)
    statement = _timeline_statements.get(key)
    if statement is None:
        statement = _timeline_statements[key] = (
            select(
                TherapySession,
                _ADDENDA_COUNT.label("addenda"),
                func.count().over().label("total"),
            )
            .where(*_timeline_conditions(modality, phase))
            .options(joinedload(TherapySession.therapist), *_NOTE_TEXT_DEFERRED)
            .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
    return statement


def timeline_page(client: Client, *, modality: str, phase: str, page: int) -> TimelinePage:
    """Page ``page`` of the client's sessions (``TIMELINE_PAGE_SIZE``, a page past the end
    is empty), newest first, filtered by modality and phase (one statement; two past the
    last page)."""
    per_page = setting("TIMELINE_PAGE_SIZE")
    params = {
        "client_id": client.id,
        "modality": modality,
        "phase": phase,
        "limit": per_page,
        "offset": (page - 1) * per_page,
    }
    filters = (bool(modality), bool(phase))
    rows = db.session.execute(_timeline_statement(*filters), params).all()
    total = window_total(
        rows,
        page,
        lambda: select(func.count(TherapySession.id)).where(*_timeline_conditions(*filters)),
        params,
    )
    return TimelinePage(
        items=[row.TherapySession for row in rows],
        page=page,
        per_page=per_page,
        total=total,
        addenda={row.TherapySession.id: row.addenda for row in rows if row.addenda},
    )


def timeline(
    client: Client, practice: Practice, today: date, *, modality: str, phase: str, page: int
) -> Timeline:
    """Page ``page`` of the timeline (``timeline_page``) with the course (four queries)."""
    return Timeline(
        timeline_page(client, modality=modality, phase=phase, page=page),
        course_view(client, practice, today),
        *medicine.course_safety(client),
    )


_LAST_DOSE_GIVEN = (
    select(func.max(KetamineAdministration.given_at))
    .join(TherapySession, KetamineAdministration.session_id == TherapySession.id)
    .where(
        TherapySession.client_id == bindparam("client_id"),
        not_voided(),
        KetamineAdministration.given_at <= bindparam("now"),
    )
    .scalar_subquery()
)
# The course's sessions, each row with the last dose given up to now (the same for
# every row: one statement instead of two).
_COURSE_SESSIONS = select(
    TherapySession.id,
    TherapySession.starts_at,
    TherapySession.phase,
    TherapySession.modality,
    _LAST_DOSE_GIVEN.label("last_given"),
).where(TherapySession.client_id == bindparam("client_id"), not_voided())


def course_view(
    client: Client, practice: Practice, today: date, now: datetime | None = None
) -> rules.CourseView:
    """The course summary over the client's sessions not entered in error, and the last
    dose from the doses recorded up to ``now`` (one narrow query)."""
    params = {"client_id": client.id, "now": now or utcnow()}
    rows = db.session.execute(_COURSE_SESSIONS, params).all()
    sessions = [
        rules.CourseSession(
            id=row.id,
            day=utc_to_local(row.starts_at, practice.timezone).date(),
            phase=row.phase,
            modality=row.modality,
        )
        for row in rows
    ]
    last_given = rows[0].last_given if rows else None
    dose_days = [utc_to_local(last_given, practice.timezone).date()] if last_given else []
    return rules.build_course_view(sessions, today, dose_days=dose_days)


# What a session's page shows beside the session row: each part by its own statement,
# ordered as its relationship is, and asked for only when the row says it has any.
# Built once, so their cache keys are memoized.
_PARTS: dict[str, tuple[Any, Select]] = {
    "administrations": (
        KetamineAdministration,
        select(KetamineAdministration)
        .where(KetamineAdministration.session_id == bindparam("session_id"))
        .order_by(KetamineAdministration.given_at),
    ),
    "vitals": (
        VitalSign,
        select(VitalSign)
        .where(VitalSign.session_id == bindparam("session_id"))
        .order_by(VitalSign.taken_at),
    ),
    "brainspots": (
        BrainspotRecord,
        select(BrainspotRecord)
        .where(BrainspotRecord.session_id == bindparam("session_id"))
        .options(joinedload(BrainspotRecord.earlier_spot))
        .order_by(BrainspotRecord.id),
    ),
    "addenda": (
        Addendum,
        select(Addendum)
        .where(Addendum.session_id == bindparam("session_id"))
        .options(joinedload(Addendum.author))
        .order_by(Addendum.created_at),
    ),
    "discharge": (
        SessionDischarge,
        select(SessionDischarge).where(SessionDischarge.session_id == bindparam("session_id")),
    ),
}
_SESSION_PAGE = (
    select(
        TherapySession,
        *(
            exists().where(model.session_id == TherapySession.id).label(name)
            for name, (model, _statement) in _PARTS.items()
        ),
    )
    .where(
        TherapySession.id == bindparam("session_id"),
        TherapySession.client_id == bindparam("client_id"),
    )
    .options(
        joinedload(TherapySession.therapist),
        joinedload(TherapySession.signed_by),
        joinedload(TherapySession.void).joinedload(SessionVoid.voided_by),
    )
)


def get_session(client: Client, session_id: int) -> TherapySession:
    """One session of the client with everything its page shows, else NotFound: the
    session, and each of its parts (doses, vitals, brainspots, addenda, discharge) that
    it has any of, one statement each."""
    params = {"session_id": session_id, "client_id": client.id}
    row = db.session.execute(_SESSION_PAGE, params).first()
    if row is None:
        raise NotFound(session_id)
    session = row.TherapySession
    for name, (_model, statement) in _PARTS.items():
        if name in inspect(session).unloaded:
            loaded = db.session.scalars(statement, params).all() if row._mapping[name] else []
            many = TherapySession.__mapper__.relationships[name].uselist
            set_committed_value(session, name, loaded if many else next(iter(loaded), None))
    return session


def last_session(client: Client) -> TherapySession | None:
    """The newest session not entered in error (what "start from the last note" uses)."""
    return db.session.scalar(
        select(TherapySession)
        .where(TherapySession.client_id == client.id, not_voided())
        .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
        .limit(1)
    )


def proposed_defaults(client: Client) -> dict[str, Any]:
    """What a new session most likely is: the phase that follows the course so far, the
    last session's modality, setting and note format, and the duration of the last
    session of that phase (a medicine session otherwise takes 150 minutes)."""
    rows = db.session.execute(
        select(
            TherapySession.phase,
            TherapySession.modality,
            TherapySession.setting,
            TherapySession.note_format,
            TherapySession.duration_minutes,
        )
        .where(TherapySession.client_id == client.id)
        .order_by(TherapySession.starts_at, TherapySession.id)
    ).all()
    phase = readiness.propose_phase([row.phase for row in rows])
    same_phase = [row.duration_minutes for row in rows if row.phase == phase]
    defaults: dict[str, Any] = {
        "phase": phase,
        "duration_minutes": same_phase[-1] if same_phase else (150 if phase == "medicine" else 60),
    }
    if rows:
        last = rows[-1]
        defaults.update(modality=last.modality, setting=last.setting, note_format=last.note_format)
    return defaults


def carried_from_last(client: Client) -> dict[str, Any]:
    """What "start from the last note" pre-fills: never the clinical narrative."""
    last = last_session(client)
    if last is None:
        return {}
    return {name: getattr(last, name) for name in rules.CARRIED_FROM_LAST}


def latest_weight(client: Client) -> tuple[Decimal, date] | None:
    """The weight from the newest screening that has one, and the day it was taken."""
    row = db.session.execute(
        select(MedicalScreening.weight_kg, MedicalScreening.screened_on)
        .where(MedicalScreening.client_id == client.id, MedicalScreening.weight_kg.is_not(None))
        .order_by(MedicalScreening.screened_on.desc(), MedicalScreening.id.desc())
        .limit(1)
    ).first()
    return (row.weight_kg, row.screened_on) if row else None


def _check_note(data: dict[str, Any]) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    risk = rules.risk_problem(data["suicide_screen"], data.get("risk_follow_up"))
    if risk:
        problems["risk_follow_up"] = risk
    return problems


def _apply(session: TherapySession, data: dict[str, Any], note: dict[str, str]) -> list[str]:
    changed = []
    for name in SESSION_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(session, name) != value:
            setattr(session, name, value)
            changed.append(name)
    body = json.dumps({key: text for key, text in note.items() if text.strip()}, sort_keys=True)
    if session.note_body != body:
        session.note_body = body
        changed.append("note")
    return changed


def create_session(
    client: Client, actor: User, data: dict[str, Any], note: dict[str, str]
) -> TherapySession:
    problems = _check_note(data)
    if problems:
        raise SessionRejected(problems)
    session = TherapySession(client_id=client.id, therapist_id=actor.id, status="draft")
    _apply(session, data, note)
    db.session.add(session)
    db.session.flush()
    return session


def _require_draft(session: TherapySession) -> None:
    if session.is_signed:
        raise SignedSessionError(session.id)


def update_session(
    session: TherapySession, data: dict[str, Any], note: dict[str, str], expected_version: int
) -> list[str]:
    """Save a draft; refuse if it was saved by someone else since ``expected_version``."""
    _require_draft(session)
    if session.version != expected_version:
        raise StaleEditError(session)
    problems = _check_note(data)
    if problems:
        raise SessionRejected(problems)
    changed = _apply(session, data, note)
    try:
        db.session.flush()
    except StaleDataError:
        # Another request saved between our check and our UPDATE.
        db.session.rollback()
        raise StaleEditError(db.session.get(TherapySession, session.id)) from None
    return changed


@dataclass(frozen=True)
class SignPreview:
    """What signing would lock, and what still stands in the way."""

    sections_filled: list[str]  # headings (untranslated) of the sections with text
    sections_empty: list[str]
    doses: int
    vitals: int
    brainspots: int
    discharge: SessionDischarge | None
    problems: list[Problem]


def _note_is_empty(session: TherapySession) -> bool:
    return not any(text.strip() for text in session.note_sections_text.values())


def sign_preview(
    session: TherapySession,
    practice: Practice,
    now: datetime | None = None,
    unexplained: dict | None = None,
) -> SignPreview:
    """The confirmation panel's contents: what signing locks, and what stands in the way
    (the signing rules, and doses judged unready since with nobody's reason).

    ``unexplained`` is ``medicine.unexplained_findings`` when the caller has it already.
    """
    sections = rules.note_sections(session.note_format, session.note_sections_text)
    doses = len(session.administrations)
    problems = rules.sign_problems(
        starts_at=session.starts_at,
        now=now or utcnow(),
        is_dosing_session=rules.is_dosing_session(session.modality, session.phase),
        note_empty=_note_is_empty(session),
        dose_count=doses,
        discharge_recorded=session.discharge is not None,
    )
    if unexplained is None and doses:
        unexplained = medicine.unexplained_findings(session, practice)
    if doses and unexplained:
        problems.append(
            Problem(
                N_(
                    "A dose is not ready by what is recorded now (for example a reading added "
                    "later): the prescriber gives the reason before the note is signed."
                )
            )
        )
    return SignPreview(
        sections_filled=[section.heading for section, text in sections if text.strip()],
        sections_empty=[section.heading for section, text in sections if not text.strip()],
        doses=doses,
        vitals=len(session.vitals),
        brainspots=len(session.brainspots),
        discharge=session.discharge,
        problems=problems,
    )


def sign_session(
    session: TherapySession,
    actor: User,
    expected_version: int,
    now: datetime | None = None,
    practice: Practice | None = None,
) -> None:
    """Lock the note for good, once the signing rules allow it (else ``SignRejected``);
    ``now``: the moment of signing."""
    _require_draft(session)
    practice = practice or _practice_of(session)
    if session.version != expected_version:
        raise StaleEditError(session)
    now = now or utcnow()
    problems = sign_preview(session, practice, now).problems
    if problems:
        raise SignRejected(problems)
    session.signed_at = now
    session.signed_by_id = actor.id
    # Status last: an autoflush between these lines would otherwise sign first, and
    # the immutability guard would then (rightly) refuse the rest.
    session.status = "signed"
    db.session.flush()


def check_voidable(client: Client, session: TherapySession, actor: User) -> None:
    """Forbidden unless ``can_void_session``; ``VoidRejected`` for a draft or a session
    already entered in error."""
    if not can_void_session(actor, client, session.therapist_id):
        raise Forbidden(session.id)
    if not session.is_signed:
        raise VoidRejected(
            Problem(N_("Only a signed note can be marked as entered in error; edit the draft."))
        )
    if session.void is not None:
        raise VoidRejected(Problem(N_("This note is already marked as entered in error.")))


def void_session(client: Client, session: TherapySession, actor: User, reason: str) -> SessionVoid:
    """Mark a signed session "entered in error" with the reason. The session row stays
    exactly as signed: the void is its own append-only row."""
    check_voidable(client, session, actor)
    if not reason.strip():
        raise SessionRejected({"reason": Problem(N_("Write why the note was entered in error."))})
    void = SessionVoid(session_id=session.id, reason=reason.strip(), voided_by_id=actor.id)
    db.session.add(void)
    db.session.flush()
    return void


def add_addendum(session: TherapySession, actor: User, body: str) -> Addendum:
    addendum = Addendum(session_id=session.id, author_id=actor.id, body=body.strip())
    db.session.add(addendum)
    db.session.flush()
    return addendum


def _detail() -> Any:
    """A detail of a dose that the record keeps as written (trimmed), judged by no rule."""
    return field(default="", metadata={"detail": True})


@dataclass(frozen=True)
class DoseRequest:
    """A dose as it was typed. The fields are the dose form's, so the form builds it by
    name (``from_values``) and the details are stored by name: a new detail is a
    column, a form field and a ``_detail()`` field here.

    ``given_at`` is an instant, or the clock time typed on the session page, which
    ``add_administration`` places on the session's day (``rules.session_moment``).
    """

    route: str
    dose_mg: Decimal | None
    weight_kg: Decimal | None
    given_at: datetime | time | None
    lot_number: str = _detail()
    prescriber_id: int | None = None
    adjuncts: str = _detail()
    sitter: str = _detail()
    unusual_confirmed: bool = False
    unusual_reason: str = ""
    override_reason: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> DoseRequest:
        """The request from values by field name (a form's ``data``); a value left
        empty (``None``) takes the field's default."""
        given = {f.name: values[f.name] for f in fields(cls) if values.get(f.name) is not None}
        return cls(**given)


DOSE_DETAILS = tuple(f.name for f in fields(DoseRequest) if f.metadata.get("detail"))


def _as_written(request: DoseRequest) -> dict[str, str | None]:
    """The dose's details, trimmed; a blank one is stored as none where the record
    allows none (the encrypted texts), else as blank."""
    columns = KetamineAdministration.__table__.columns
    return {
        name: getattr(request, name).strip() or (None if columns[name].nullable else "")
        for name in DOSE_DETAILS
    }


class DoseNeedsConfirmation(ValueError):
    """The dose is possible but unusual, or not ready: a stored reason is needed.

    ``blocking`` are the readiness findings; ``may_override`` says whether the actor
    (the prescriber) may record the dose anyway with a reason. Not a ``Rejected``: the
    findings are worded with the practice's checklist, and the dose is saved once the
    confirmation or reason is given.
    """

    def __init__(self, unusual: list[Problem], blocking: list[Finding], may_override: bool) -> None:
        super().__init__("confirmation needed")
        self.unusual = unusual
        self.blocking = blocking
        self.may_override = may_override


def _practice_of(session: TherapySession) -> Practice:
    return db.session.get(Practice, session.client.practice_id)


def _placed(
    session: TherapySession, at: datetime | time | None, zone_name: str, name: str
) -> datetime | None:
    """``at`` as an instant: a clock time typed for the session is placed on its day
    (or the next, after midnight); one that does not exist is refused on ``name``."""
    if not isinstance(at, time):
        return at
    try:
        return rules.session_moment(at, session.starts_at, session.ends_at, zone_name)
    except NonexistentLocalTime as gap:
        raise SessionRejected({name: gap.problem}) from None


def add_administration(
    session: TherapySession,
    practice: Practice,
    actor: User,
    request: DoseRequest,
    now: datetime | None = None,
) -> KetamineAdministration:
    """Record a dose after the hard checks, the usual range (of this dose and of the
    session's total by route) and the readiness rules; a blocking finding needs the
    prescriber's override with a reason (given at ``now``)."""
    _require_draft(session)
    given_at = _placed(session, request.given_at, practice.timezone, "given_at")
    if not rules.is_dosing_session(session.modality, session.phase):
        raise SessionRejected(
            {
                "route": Problem(
                    N_("Ketamine is recorded on KAP or KABSP medicine and booster sessions.")
                )
            }
        )
    prescribers = {member.user_id for member in prescribers_of(session.client)}
    if request.prescriber_id is not None and request.prescriber_id not in prescribers:
        raise SessionRejected(
            {"prescriber_id": Problem(N_("Choose a prescriber from the care team."))}
        )
    check = dosing.check_dose(
        route=request.route,
        dose_mg=request.dose_mg,
        weight_kg=request.weight_kg,
        given_at=given_at,
        session_start=session.starts_at,
        session_end=session.ends_at,
        zone_name=practice.timezone,
        earlier_mg_per_kg=sum(
            (d.mg_per_kg for d in session.administrations if d.route == request.route),
            Decimal(0),
        ),
    )
    if check.errors:
        raise SessionRejected(check.errors)
    unusual = check.needs_confirmation
    unusual_unconfirmed = bool(unusual) and not (
        request.unusual_confirmed and request.unusual_reason.strip()
    )
    blocking = readiness.blocking(medicine.findings_at(session, practice, given_at))
    may_override = can_override_readiness(actor, session.client)
    unexplained = bool(blocking) and not (may_override and request.override_reason.strip())
    if unusual_unconfirmed or unexplained:
        raise DoseNeedsConfirmation(
            unusual if unusual_unconfirmed else [], blocking if unexplained else [], may_override
        )
    administration = KetamineAdministration(
        session_id=session.id,
        route=request.route,
        dose_mg=request.dose_mg,
        weight_kg=request.weight_kg,
        mg_per_kg=check.mg_per_kg,
        given_at=given_at,
        prescriber_id=request.prescriber_id,
        unusual_confirmed=bool(unusual),
        unusual_reason=request.unusual_reason.strip() or None if unusual else None,
        recorded_by_id=actor.id,
        **_as_written(request),
    )
    if blocking:
        administration.override_findings = readiness.finding_codes(blocking)
        administration.override_reason = request.override_reason.strip()
        administration.override_by_id = actor.id
        administration.override_at = now or utcnow()
    db.session.add(administration)
    db.session.flush()
    session.administrations.append(administration)
    return administration


def prescribers_of(client: Client) -> list:
    """The client's care-team members with the prescriber role."""
    return [member for member in client.care_team if member.role == CareTeamRole.PRESCRIBER]


@dataclass(frozen=True)
class DoseDefaults:
    """What the next dose of a session most likely is."""

    route: str
    prescriber_id: int | None
    weight_kg: Decimal | None
    stale_weight_day: date | None  # the last weight on record, too old to dose by


def dose_defaults(session: TherapySession, practice: Practice) -> DoseDefaults:
    """The route and prescriber of the session's last dose, else of the client's last
    (else IM, and the care team's only prescriber); the weight of the session's last
    dose, else of the newest screening while it is fresh (``dosing.weight_is_fresh``)."""
    previous = session.administrations[-1] if session.administrations else None
    previous = previous or medicine.previous_dose(session)
    prescribers = prescribers_of(session.client)
    prescriber_id = previous.prescriber_id if previous is not None else None
    if prescriber_id is None and len(prescribers) == 1:
        prescriber_id = prescribers[0].user_id
    weight_kg, stale_day = None, None
    if session.administrations:
        weight_kg = session.administrations[-1].weight_kg
    elif (weight := latest_weight(session.client)) is not None:
        day = utc_to_local(session.starts_at, practice.timezone).date()
        if dosing.weight_is_fresh(weight[1], day):
            weight_kg = weight[0]
        else:
            stale_day = weight[1]
    route = previous.route if previous is not None else dosing.Route.IM.value
    return DoseDefaults(route, prescriber_id, weight_kg, stale_day)


class ReadingsRejected(SessionRejected):
    """Readings that break a rule: ``rows`` maps the place of each refused reading in
    the list given to its field problems (``problems`` has them as ``"<n>-<field>"``)."""

    def __init__(self, rows: dict[int, dict[str, Problem]]) -> None:
        super().__init__(
            {f"{n}-{name}": problem for n, found in rows.items() for name, problem in found.items()}
        )
        self.rows = rows


def add_vitals(
    session: TherapySession,
    actor: User,
    rows: Iterable[tuple[datetime | time | None, vital_rules.Reading, str]],
    practice: Practice | None = None,
) -> list[VitalSign]:
    """Record readings ``(taken_at, reading, note)``, all or none: each possible, and
    taken within an hour of the session; a clock time typed for the session is placed
    on its day, or the next after midnight (``rules.session_moment``)."""
    _require_draft(session)
    zone_name = (practice or _practice_of(session)).timezone
    placed, refused = [], {}
    for n, (at, reading, note) in enumerate(rows):
        problems = vital_rules.reading_problems(reading)
        try:
            taken_at = _placed(session, at, zone_name, "taken_at")
        except SessionRejected as gap:
            problems.update(gap.problems)
        else:
            time_problem = rules.reading_time_problem(taken_at, session.starts_at, session.ends_at)
            if time_problem:
                problems["taken_at"] = time_problem
            placed.append((taken_at, reading, note))
        if problems:
            refused[n] = problems
    if refused:
        raise ReadingsRejected(refused)
    created = [
        VitalSign(
            session_id=session.id,
            taken_at=taken_at,
            systolic=reading.systolic,
            diastolic=reading.diastolic,
            heart_rate=reading.heart_rate,
            spo2=reading.spo2,
            note=note.strip() or None,
            recorded_by_id=actor.id,
        )
        for taken_at, reading, note in placed
    ]
    db.session.add_all(created)
    db.session.flush()
    return created


# What a brainspot record takes from its form (the rest it is given by the service).
BRAINSPOT_FIELDS = (
    "issue",
    "spot_type",
    "method",
    "eye",
    "x",
    "y",
    "z",
    "reflexes",
    "suds_start",
    "suds_end",
    "body_location",
    "biolateral_sound",
    "minutes_since_dose",
    "earlier_spot_id",
)


def add_brainspot(session: TherapySession, actor: User, data: dict[str, Any]) -> BrainspotRecord:
    """Record a brainspot from ``data`` (``BRAINSPOT_FIELDS``; texts trimmed); a link to
    an earlier spot must be to one of the client's earlier sessions."""
    _require_draft(session)
    earlier_id = data.get("earlier_spot_id")
    if earlier_id is not None and earlier_id not in {spot.id for spot in earlier_spots(session)}:
        raise SessionRejected(
            {"earlier_spot_id": Problem(N_("Choose a spot from an earlier session."))}
        )
    record = BrainspotRecord(session_id=session.id, recorded_by_id=actor.id)
    for name in BRAINSPOT_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        setattr(record, name, value)
    record.biolateral_sound = record.biolateral_sound or ""
    db.session.add(record)
    db.session.flush()
    return record


def delete_part(session: TherapySession, model: type, part_id: int) -> object:
    """Remove an administration, vital sign or brainspot from a draft."""
    _require_draft(session)
    part = db.session.get(model, part_id)
    if part is None or part.session_id != session.id:
        raise NotFound(part_id)
    db.session.delete(part)
    db.session.flush()
    return part


def earlier_spots(session: TherapySession) -> list[BrainspotRecord]:
    """Spots of the client's earlier sessions, newest first (to link the same spot)."""
    return list(
        db.session.scalars(
            select(BrainspotRecord)
            .join(TherapySession, BrainspotRecord.session_id == TherapySession.id)
            .where(
                TherapySession.client_id == session.client_id,
                TherapySession.starts_at < session.starts_at,
                not_voided(),
            )
            .options(joinedload(BrainspotRecord.session))
            .order_by(TherapySession.starts_at.desc(), BrainspotRecord.id.desc())
        )
    )


def spot_observations(client: Client, practice: Practice) -> list[SpotObservation]:
    """Every brainspot recorded for the client, with its session's local date (one query)."""
    rows = db.session.execute(
        select(BrainspotRecord, TherapySession.starts_at)
        .join(TherapySession, BrainspotRecord.session_id == TherapySession.id)
        .where(TherapySession.client_id == client.id, not_voided())
        .order_by(TherapySession.starts_at, BrainspotRecord.id)
    )
    return [
        SpotObservation(
            record_id=record.id,
            session_id=record.session_id,
            day=utc_to_local(starts_at, practice.timezone).date(),
            x=record.x,
            y=record.y,
            z=record.z,
            eye=record.eye,
            spot_type=record.spot_type,
            suds_start=record.suds_start,
            suds_end=record.suds_end,
        )
        for record, starts_at in rows
    ]


def session_count(client: Client) -> int:
    """The client's sessions, not counting those entered in error."""
    return db.session.scalar(
        select(func.count(TherapySession.id)).where(
            TherapySession.client_id == client.id, not_voided()
        )
    )
