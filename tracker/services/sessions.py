"""Session documentation: timeline, notes, signing, addenda, dosing, vitals, brainspots."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.domain import dosing
from tracker.domain import sessions as rules
from tracker.domain import vitals as vital_rules
from tracker.domain.brainspots import SpotObservation
from tracker.domain.clock import utc_to_local
from tracker.domain.messages import N_, Problem
from tracker.extensions import db
from tracker.models import (
    Addendum,
    BrainspotRecord,
    Client,
    KetamineAdministration,
    MedicalScreening,
    Practice,
    TherapySession,
    User,
    VitalSign,
)
from tracker.models.base import utcnow
from tracker.services import NotFound


class SessionRejected(ValueError):
    """Input that breaks a rule; ``problems`` maps form fields to messages."""

    def __init__(self, problems: dict[str, Problem]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


class SignedSessionError(RuntimeError):
    """The session is signed: it can no longer change (corrections are addenda)."""


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


def timeline_query(client: Client, *, modality: str = "", phase: str = "") -> Select:
    """The client's sessions newest first, therapist and addenda loaded with the page."""
    query = (
        select(TherapySession)
        .where(TherapySession.client_id == client.id)
        .options(
            joinedload(TherapySession.therapist),
            selectinload(TherapySession.addenda).load_only(Addendum.id, Addendum.session_id),
        )
        .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
    )
    if modality:
        query = query.where(TherapySession.modality == modality)
    if phase:
        query = query.where(TherapySession.phase == phase)
    return query


def course_view(client: Client, practice: Practice, today: date) -> rules.CourseView:
    """The course summary over all the client's sessions (one narrow query)."""
    rows = db.session.execute(
        select(
            TherapySession.id,
            TherapySession.starts_at,
            TherapySession.phase,
            TherapySession.modality,
        ).where(TherapySession.client_id == client.id)
    )
    sessions = [
        rules.CourseSession(
            id=row.id,
            day=utc_to_local(row.starts_at, practice.timezone).date(),
            phase=row.phase,
            modality=row.modality,
        )
        for row in rows
    ]
    return rules.build_course_view(sessions, today)


def get_session(client: Client, session_id: int) -> TherapySession:
    """One session of the client with everything its page shows, else NotFound."""
    session = db.session.scalar(
        select(TherapySession)
        .where(TherapySession.id == session_id, TherapySession.client_id == client.id)
        .options(
            joinedload(TherapySession.therapist),
            joinedload(TherapySession.signed_by),
            selectinload(TherapySession.administrations),
            selectinload(TherapySession.vitals),
            selectinload(TherapySession.brainspots).joinedload(BrainspotRecord.earlier_spot),
            selectinload(TherapySession.addenda).joinedload(Addendum.author),
        )
    )
    if session is None:
        raise NotFound(session_id)
    return session


def last_session(client: Client) -> TherapySession | None:
    return db.session.scalar(
        select(TherapySession)
        .where(TherapySession.client_id == client.id)
        .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
        .limit(1)
    )


def carried_from_last(client: Client) -> dict[str, Any]:
    """What "start from the last note" pre-fills: never the clinical narrative."""
    last = last_session(client)
    if last is None:
        return {}
    return {name: getattr(last, name) for name in rules.CARRIED_FROM_LAST}


def latest_weight(client: Client) -> Decimal | None:
    """The weight from the newest screening that has one (pre-fills dosing)."""
    return db.session.scalar(
        select(MedicalScreening.weight_kg)
        .where(MedicalScreening.client_id == client.id, MedicalScreening.weight_kg.is_not(None))
        .order_by(MedicalScreening.screened_on.desc(), MedicalScreening.id.desc())
        .limit(1)
    )


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


def sign_session(session: TherapySession, actor: User, expected_version: int) -> None:
    """Lock the note for good."""
    _require_draft(session)
    if session.version != expected_version:
        raise StaleEditError(session)
    session.signed_at = utcnow()
    session.signed_by_id = actor.id
    # Status last: an autoflush between these lines would otherwise sign first, and
    # the immutability guard would then (rightly) refuse the rest.
    session.status = "signed"
    db.session.flush()


def add_addendum(session: TherapySession, actor: User, body: str) -> Addendum:
    addendum = Addendum(session_id=session.id, author_id=actor.id, body=body.strip())
    db.session.add(addendum)
    db.session.flush()
    return addendum


def _readings(session: TherapySession) -> list[tuple[datetime, vital_rules.Reading]]:
    return [
        (
            v.taken_at,
            vital_rules.Reading(v.systolic, v.diastolic, v.heart_rate, v.spo2),
        )
        for v in session.vitals
    ]


def hold_in_effect(session: TherapySession, practice: Practice, at: datetime) -> bool:
    """Whether the last pre-dose blood pressure before ``at`` is above the hold line."""
    return vital_rules.hold_before_dose(_readings(session), at, practice.vitals_thresholds)


@dataclass(frozen=True)
class DoseRequest:
    route: str
    dose_mg: Decimal | None
    weight_kg: Decimal | None
    given_at: datetime | None
    lot_number: str
    prescriber: str
    adjuncts: str
    sitter: str
    unusual_confirmed: bool
    unusual_reason: str
    hold_override_reason: str


class DoseNeedsConfirmation(ValueError):
    """The dose is possible but unusual, or given during a hold: a stored reason is needed."""

    def __init__(self, unusual: list[Problem], hold: bool) -> None:
        super().__init__("confirmation needed")
        self.unusual = unusual
        self.hold = hold


def add_administration(
    session: TherapySession, practice: Practice, actor: User, request: DoseRequest
) -> KetamineAdministration:
    """Record a dose after the hard checks, the usual-range and the hold rules."""
    _require_draft(session)
    if (
        session.modality not in rules.KETAMINE_MODALITIES
        or session.phase not in rules.DOSING_PHASES
    ):
        raise SessionRejected(
            {
                "route": Problem(
                    N_("Ketamine is recorded on KAP or KABSP medicine and booster sessions.")
                )
            }
        )
    check = dosing.check_dose(
        route=request.route,
        dose_mg=request.dose_mg,
        weight_kg=request.weight_kg,
        given_at=request.given_at,
        session_start=session.starts_at,
        session_end=session.ends_at,
        zone_name=practice.timezone,
    )
    if check.errors:
        raise SessionRejected(check.errors)
    unusual = check.needs_confirmation
    unusual_unconfirmed = bool(unusual) and not (
        request.unusual_confirmed and request.unusual_reason.strip()
    )
    hold = hold_in_effect(session, practice, request.given_at)
    hold_unexplained = hold and not request.hold_override_reason.strip()
    if unusual_unconfirmed or hold_unexplained:
        raise DoseNeedsConfirmation(unusual if unusual_unconfirmed else [], hold_unexplained)
    administration = KetamineAdministration(
        session_id=session.id,
        route=request.route,
        dose_mg=request.dose_mg,
        weight_kg=request.weight_kg,
        mg_per_kg=check.mg_per_kg,
        given_at=request.given_at,
        lot_number=request.lot_number.strip(),
        prescriber=request.prescriber.strip(),
        adjuncts=request.adjuncts.strip() or None,
        sitter=request.sitter.strip(),
        unusual_confirmed=bool(unusual),
        unusual_reason=request.unusual_reason.strip() or None if unusual else None,
        hold_override_reason=request.hold_override_reason.strip() or None if hold else None,
        recorded_by_id=actor.id,
    )
    db.session.add(administration)
    db.session.flush()
    return administration


def add_vitals(
    session: TherapySession, actor: User, rows: list[tuple[datetime, vital_rules.Reading, str]]
) -> list[VitalSign]:
    _require_draft(session)
    created = []
    for taken_at, reading, note in rows:
        vital = VitalSign(
            session_id=session.id,
            taken_at=taken_at,
            systolic=reading.systolic,
            diastolic=reading.diastolic,
            heart_rate=reading.heart_rate,
            spo2=reading.spo2,
            note=note.strip() or None,
            recorded_by_id=actor.id,
        )
        db.session.add(vital)
        created.append(vital)
    db.session.flush()
    return created


def add_brainspot(session: TherapySession, actor: User, data: dict[str, Any]) -> BrainspotRecord:
    _require_draft(session)
    earlier_id = data.get("earlier_spot_id")
    if earlier_id is not None and earlier_id not in {spot.id for spot in earlier_spots(session)}:
        raise SessionRejected(
            {"earlier_spot_id": Problem(N_("Choose a spot from an earlier session."))}
        )
    record = BrainspotRecord(session_id=session.id, recorded_by_id=actor.id)
    for name, value in data.items():
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
        .where(TherapySession.client_id == client.id)
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
    return db.session.scalar(
        select(func.count(TherapySession.id)).where(TherapySession.client_id == client.id)
    )
