"""Medicine sessions: clearance and consent as of a day, readiness before a dose (judged
again whenever vitals or doses change), the pre-dose checklist, monitoring and discharge.

The rules are the pure functions of ``tracker.domain.readiness``; this module gathers
their inputs from the database and stores what the clinicians decide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select

from tracker.domain import readiness
from tracker.domain import sessions as session_rules
from tracker.domain.clients import ConsentKind
from tracker.domain.clock import utc_to_local
from tracker.domain.messages import N_, Problem
from tracker.domain.policy import can_override_readiness
from tracker.domain.vitals import Reading
from tracker.extensions import db
from tracker.models import (
    Client,
    Consent,
    KetamineAdministration,
    MedicalScreening,
    Practice,
    SessionDischarge,
    TherapySession,
    User,
)
from tracker.models.base import utcnow
from tracker.services import Forbidden, NotFound, Rejected


class MedicineRejected(Rejected):
    """A discharge or a reason that breaks a rule; ``problems`` maps fields to messages,
    ``findings`` are the unmet discharge criteria behind them."""

    def __init__(
        self, problems: dict[str, Problem], findings: list[readiness.Finding] | None = None
    ) -> None:
        super().__init__(problems)
        self.findings = findings or []


def newest_screening(client: Client, on: date | None = None) -> MedicalScreening | None:
    """The client's newest screening (as of day ``on``, when given)."""
    query = select(MedicalScreening).where(MedicalScreening.client_id == client.id)
    if on is not None:
        query = query.where(MedicalScreening.screened_on <= on)
    return db.session.scalar(
        query.order_by(MedicalScreening.screened_on.desc(), MedicalScreening.id.desc()).limit(1)
    )


def clearance(client: Client, practice: Practice, on: date) -> readiness.Clearance:
    """The client's medical clearance on day ``on``: the decision of the newest screening
    made by then (a dose is judged by the clearance in force when it was given)."""
    return clearance_from(newest_screening(client, on), practice, on)


def clearance_from(
    screening: MedicalScreening | None, practice: Practice, on: date
) -> readiness.Clearance:
    """The clearance that the newest screening ``screening`` gives on day ``on``."""
    if screening is None:
        return readiness.clearance_on(decision=None, decided_on=None, on=on)
    decided_on = (
        utc_to_local(screening.decided_at, practice.timezone).date()
        if screening.decided_at
        else None
    )
    return readiness.clearance_on(
        decision=screening.decision,
        decided_on=decided_on,
        on=on,
        valid_months=practice.clearance_valid_months,
    )


def ketamine_consent_active(client: Client, on: date) -> bool:
    """Whether a KAP informed consent was given by ``on`` and not revoked by then."""
    return bool(
        db.session.scalar(
            select(func.count(Consent.id)).where(
                Consent.client_id == client.id,
                Consent.kind == ConsentKind.KAP_INFORMED,
                Consent.given_on <= on,
                or_(Consent.revoked_on.is_(None), Consent.revoked_on > on),
            )
        )
    )


def last_dose_before(session: TherapySession) -> datetime | None:
    """The latest dose the client was given in an earlier session."""
    return db.session.scalar(
        select(func.max(KetamineAdministration.given_at))
        .join(TherapySession, KetamineAdministration.session_id == TherapySession.id)
        .where(
            TherapySession.client_id == session.client_id,
            TherapySession.id != session.id,
            KetamineAdministration.given_at < session.starts_at,
        )
    )


def readings_of(session: TherapySession) -> list[tuple[datetime, Reading]]:
    return [
        (v.taken_at, Reading(v.systolic, v.diastolic, v.heart_rate, v.spo2)) for v in session.vitals
    ]


@dataclass(frozen=True)
class ReadinessInputs:
    """What the rules need that does not change with the time of the dose."""

    clearance: readiness.Clearance
    consent_active: bool
    last_dose_before: datetime | None
    checklist: dict[str, bool]


def readiness_inputs(session: TherapySession, practice: Practice, on: date) -> ReadinessInputs:
    items = practice.checklist_items
    return ReadinessInputs(
        clearance=clearance(session.client, practice, on),
        consent_active=ketamine_consent_active(session.client, on),
        last_dose_before=last_dose_before(session),
        checklist=readiness.checklist_state(items, session.checklist_ticked),
    )


def findings_at(
    session: TherapySession,
    practice: Practice,
    dose_at: datetime,
    inputs: ReadinessInputs | None = None,
) -> list[readiness.Finding]:
    """Everything that blocks a dose at ``dose_at`` in this session, as of now."""
    inputs = inputs or readiness_inputs(
        session, practice, utc_to_local(dose_at, practice.timezone).date()
    )
    return readiness.predose_findings(
        dose_at=dose_at,
        screening_cleared=inputs.clearance.cleared,
        consent_active=inputs.consent_active,
        readings=readings_of(session),
        last_dose_before_session=inputs.last_dose_before,
        checklist=inputs.checklist,
        thresholds=practice.vitals_thresholds,
        min_interval_hours=practice.min_dose_interval_hours,
    )


def unexplained_findings(
    session: TherapySession,
    practice: Practice,
    known: dict[date, ReadinessInputs] | None = None,
) -> dict[int, list[readiness.Finding]]:
    """Doses that, judged again on what is recorded now, have blocking findings nobody
    gave a reason for (e.g. a high reading entered after the dose, timed before it).
    ``known``: readiness inputs the caller has already gathered, by day."""
    result: dict[int, list[readiness.Finding]] = {}
    inputs_by_day: dict[date, ReadinessInputs] = dict(known or {})
    for dose in session.administrations:
        day = utc_to_local(dose.given_at, practice.timezone).date()
        if day not in inputs_by_day:
            inputs_by_day[day] = readiness_inputs(session, practice, day)
        findings = readiness.blocking(
            findings_at(session, practice, dose.given_at, inputs_by_day[day])
        )
        missing = [f for f in findings if f.code not in dose.explained_codes]
        if missing:
            result[dose.id] = missing
    return result


def explain_retrospectively(
    session: TherapySession, practice: Practice, actor: User, dose_id: int, reason: str
) -> KetamineAdministration:
    """The prescriber's reason for a dose whose readiness changed after it was saved."""
    dose = next((d for d in session.administrations if d.id == dose_id), None)
    if dose is None:
        raise NotFound(dose_id)
    if not can_override_readiness(actor, session.client):
        raise Forbidden("only the prescriber explains an override")
    missing = unexplained_findings(session, practice).get(dose.id, [])
    text = reason.strip()
    if not text:
        raise MedicineRejected({"reason": Problem(N_("Give the reason."))})
    codes = {*filter(None, dose.retro_findings.split(",")), *(f.code for f in missing)}
    dose.retro_findings = ",".join(sorted(codes))
    dose.retro_reason = f"{dose.retro_reason}\n\n{text}" if dose.retro_reason else text
    dose.retro_by_id = actor.id
    dose.retro_at = utcnow()
    db.session.flush()
    return dose


def set_checklist(
    session: TherapySession, practice: Practice, ticked: list[str], *, all_done: bool = False
) -> list[str]:
    """Store which of the practice's checklist items are done (unknown keys are dropped;
    ``all_done`` ticks every item)."""
    items = practice.checklist_items
    wanted = set(items) if all_done else set(ticked)
    keep = [key for key in items if key in wanted]
    session.checklist_done = json.dumps(keep)
    db.session.flush()
    return keep


def update_note(
    session: TherapySession, data: dict[str, Any], note: dict[str, str], expected_version: int
) -> list[str]:
    """Save the note edited on the medicine-session page: its sections and, of ``data``,
    the risk screen; the session's other details stay as they are. Refused as
    ``sessions.update_session`` refuses; returns the names of what changed."""
    from tracker.services import sessions as session_service  # which imports this module

    fields = {name: getattr(session, name) for name in session_service.SESSION_FIELDS}
    fields.update(suicide_screen=data["suicide_screen"], risk_follow_up=data["risk_follow_up"])
    return session_service.update_session(session, fields, note, expected_version)


# --- discharge ----------------------------------------------------------------------

DISCHARGE_OUTCOMES = {
    "home": N_("Went home"),
    "transfer": N_("Transferred to emergency care"),
    "other": N_("Other (explain)"),
}


def discharge_findings(
    session: TherapySession, practice: Practice, at: datetime, data: dict[str, Any]
) -> list[readiness.Finding]:
    return readiness.discharge_findings(
        discharge_at=at,
        dose_times=[d.given_at for d in session.administrations],
        readings=readings_of(session),
        oriented_and_steady=bool(data.get("oriented_and_steady")),
        escort_or_transport=bool(data.get("escort_or_transport")),
        thresholds=practice.vitals_thresholds,
        min_observation_minutes=practice.min_observation_minutes,
    )


def record_discharge(
    session: TherapySession, practice: Practice, actor: User, data: dict[str, Any]
) -> SessionDischarge:
    """Record how the session ended. Going home against a criterion needs the reason;
    not going home (transfer, other) always does."""
    at: datetime = data["discharged_at"]
    outcome = data["outcome"]
    reason = (data.get("reason") or "").strip()
    problems: dict[str, Problem] = {}
    findings: list[readiness.Finding] = []
    if outcome not in DISCHARGE_OUTCOMES:
        problems["outcome"] = Problem(N_("Choose how the session ended."))
    elif outcome == "home":
        findings = [
            f for f in discharge_findings(session, practice, at, data) if f.code != "no_dose"
        ]
        if findings and not reason:
            problems["reason"] = Problem(
                N_("Not every discharge criterion is met: give the reason to discharge anyway.")
            )
        if not (data.get("left_with") or "").strip():
            problems["left_with"] = Problem(N_("Say who the client left with (or how)."))
    elif not reason:
        problems["reason"] = Problem(N_("Say what happened instead of going home."))
    if at < session.starts_at:
        problems["discharged_time"] = Problem(N_("The discharge cannot be before the session."))
    if problems:
        raise MedicineRejected(problems, findings)
    discharge = session.discharge or SessionDischarge(session_id=session.id)
    discharge.outcome = outcome
    discharge.discharged_at = at
    discharge.oriented_and_steady = bool(data.get("oriented_and_steady"))
    discharge.escort_or_transport = bool(data.get("escort_or_transport"))
    discharge.left_with = (data.get("left_with") or "").strip() or None
    discharge.unmet_findings = readiness.finding_codes(findings)
    discharge.reason = reason or None
    discharge.recorded_by_id = actor.id
    db.session.add(discharge)
    db.session.flush()
    return discharge


# --- what the medicine-session page shows ------------------------------------------


@dataclass(frozen=True)
class MedicinePanel:
    """Everything the live medicine-session page shows beside the records themselves."""

    clearance: readiness.Clearance
    consent_active: bool
    checklist: dict[str, bool]
    checklist_labels: dict[str, str]
    judged_at: datetime
    findings: list[readiness.Finding]  # blocking a dose at ``judged_at``
    route_totals: list[readiness.RouteTotal]
    total_mg: object
    monitoring: readiness.Monitoring
    unexplained: dict[int, list[readiness.Finding]]
    discharge_findings: list[readiness.Finding]
    last_dose_before: datetime | None
    live: bool  # the session is happening now: the monitoring rhythm and "overdue" apply


def within_session(session: TherapySession, moment: datetime) -> bool:
    """Whether ``moment`` falls within the session, give or take an hour (the session
    is happening now: ``domain.sessions.within_session``)."""
    return session_rules.within_session(moment, session.starts_at, session.ends_at)


def medicine_panel(session: TherapySession, practice: Practice, now: datetime) -> MedicinePanel:
    """Readiness now (or at the session's time, for a session documented afterwards),
    totals, the monitoring rhythm, doses needing a reason and discharge readiness."""
    judged_at = min(max(now, session.starts_at), session.ends_at)
    judged_day = utc_to_local(judged_at, practice.timezone).date()
    inputs = readiness_inputs(session, practice, judged_day)
    totals, total_mg = readiness.dose_totals(
        (d.route, d.dose_mg, d.mg_per_kg) for d in session.administrations
    )
    readings = readings_of(session)
    dose_times = [d.given_at for d in session.administrations]
    return MedicinePanel(
        clearance=inputs.clearance,
        consent_active=inputs.consent_active,
        checklist=inputs.checklist,
        checklist_labels=practice.checklist_items,
        judged_at=judged_at,
        findings=findings_at(session, practice, judged_at, inputs),
        route_totals=totals,
        total_mg=total_mg,
        monitoring=readiness.monitoring_status(
            dose_times=dose_times,
            readings=readings,
            now=now,
            interval_minutes=practice.monitoring_interval_minutes,
        ),
        unexplained=(
            unexplained_findings(session, practice, {judged_day: inputs}) if dose_times else {}
        ),
        discharge_findings=readiness.discharge_findings(
            discharge_at=now,
            dose_times=dose_times,
            readings=readings,
            oriented_and_steady=True,
            escort_or_transport=True,
            thresholds=practice.vitals_thresholds,
            min_observation_minutes=practice.min_observation_minutes,
        ),
        last_dose_before=inputs.last_dose_before,
        live=within_session(session, now),
    )


def previous_dose(session: TherapySession) -> KetamineAdministration | None:
    """The client's latest dose in an earlier session (route and prescriber carry over)."""
    return db.session.scalar(
        select(KetamineAdministration)
        .join(TherapySession, KetamineAdministration.session_id == TherapySession.id)
        .where(
            TherapySession.client_id == session.client_id,
            TherapySession.starts_at < session.starts_at,
        )
        .order_by(KetamineAdministration.given_at.desc())
        .limit(1)
    )


# --- the course view: overrides and discharges ---------------------------------------


@dataclass(frozen=True)
class OverrideLine:
    session_id: int
    given_at: datetime
    codes: str  # blocking findings overridden when the dose was saved
    reason: str | None
    by: str
    retro_codes: str  # findings explained afterwards
    retro_reason: str | None


@dataclass(frozen=True)
class DischargeState:
    session_id: int
    starts_at: datetime
    outcome: str | None  # None: no discharge recorded yet
    discharged_at: datetime | None
    unmet: str


def with_override_record(*columns: Any) -> Select:
    """A select of a dose's ``columns`` and its override record: the findings overridden
    when it was saved and those explained afterwards, both reasons, and the name of who
    overrode (``override_by``; None when no one did). The course view and the report
    show the same record."""
    dose = KetamineAdministration
    return select(
        *columns,
        dose.override_findings,
        dose.override_reason,
        dose.retro_findings,
        dose.retro_reason,
        User.name.label("override_by"),
    ).outerjoin(User, User.id == dose.override_by_id)


_course_safety_statements: list[Select] = []


def _course_safety_queries() -> list[Select]:
    """``course_safety``'s two statements, built on first use (``not_voided`` lives in
    the sessions service, which imports this one) and then kept: their cache keys are
    memoized."""
    if not _course_safety_statements:
        from tracker.services.sessions import not_voided

        dose = KetamineAdministration
        dosed = select(dose.session_id).where(dose.session_id == TherapySession.id).exists()
        _course_safety_statements.extend(
            (
                with_override_record(dose.session_id, dose.given_at)
                .join(TherapySession, dose.session_id == TherapySession.id)
                .where(
                    TherapySession.client_id == bindparam("client_id"),
                    not_voided(),
                    or_(dose.override_findings != "", dose.retro_findings != ""),
                )
                .order_by(dose.given_at.desc()),
                select(
                    TherapySession.id,
                    TherapySession.starts_at,
                    SessionDischarge.outcome,
                    SessionDischarge.discharged_at,
                    SessionDischarge.unmet_findings.label("unmet"),
                )
                .outerjoin(SessionDischarge, SessionDischarge.session_id == TherapySession.id)
                .where(TherapySession.client_id == bindparam("client_id"), not_voided(), dosed)
                .order_by(TherapySession.starts_at.desc()),
            )
        )
    return _course_safety_statements


def course_safety(client: Client) -> tuple[list[OverrideLine], list[DischargeState]]:
    """Every dose given despite a finding (with who and why), and how each session with
    a dose ended, over the client's sessions not entered in error (two queries)."""
    overrides_query, discharges_query = _course_safety_queries()
    params = {"client_id": client.id}
    overrides = [
        OverrideLine(
            row.session_id,
            row.given_at,
            row.override_findings,
            row.override_reason,
            row.override_by or "",
            row.retro_findings,
            row.retro_reason,
        )
        for row in db.session.execute(overrides_query, params)
    ]
    discharges = [
        DischargeState(row.id, row.starts_at, row.outcome, row.discharged_at, row.unmet or "")
        for row in db.session.execute(discharges_query, params)
    ]
    return overrides, discharges
