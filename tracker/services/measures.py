"""Outcome measures: assigning, answering, scoring, safety alerts and the trends."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from tracker.domain import scoring
from tracker.domain.alerts import alert_needed
from tracker.domain.charts import BandSpec, TrendChart, trend_chart
from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY
from tracker.domain.sessions import Phase
from tracker.extensions import db
from tracker.models import (
    CareTeamMember,
    Client,
    MeasureAssignment,
    MeasureResponse,
    Practice,
    SafetyAlert,
    TherapySession,
    User,
)
from tracker.models.base import utcnow
from tracker.services import Forbidden, NotFound, alerts
from tracker.services.sessions import not_voided

# --- assignments ---------------------------------------------------------------------


def assign(
    client: Client,
    actor: User,
    *,
    instrument: str,
    kind: str,
    every_days: int | None,
    start: date,
) -> MeasureAssignment:
    if instrument not in ITEM_INSTRUMENTS:
        raise ValueError(instrument)
    assignment = MeasureAssignment(
        client_id=client.id,
        instrument=instrument,
        schedule_kind=kind,
        every_days=every_days if kind != scoring.ONCE else None,
        start_date=start,
        assigned_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def assignments(client: Client) -> list[MeasureAssignment]:
    return list(
        db.session.scalars(
            select(MeasureAssignment)
            .where(MeasureAssignment.client_id == client.id)
            .order_by(MeasureAssignment.active.desc(), MeasureAssignment.id)
        )
    )


def get_assignment(client: Client, assignment_id: int) -> MeasureAssignment:
    assignment = db.session.get(MeasureAssignment, assignment_id)
    if assignment is None or assignment.client_id != client.id:
        raise NotFound(assignment_id)
    return assignment


def stop(assignment: MeasureAssignment, today: date) -> None:
    assignment.active = False
    assignment.stopped_on = today


def medicine_days(client: Client, practice: Practice) -> list[date]:
    """Local dates of the client's medicine sessions, not those entered in error (one
    narrow query)."""
    starts = db.session.scalars(
        select(TherapySession.starts_at).where(
            TherapySession.client_id == client.id,
            TherapySession.phase == Phase.MEDICINE,
            not_voided(),
        )
    )
    return sorted(utc_to_local(moment, practice.timezone).date() for moment in starts)


def due_assignments(client: Client, practice: Practice, today: date) -> list[MeasureAssignment]:
    """Active assignments whose current occurrence is open (three queries)."""
    return due_for_clients([client], {practice.id: practice.timezone}, {client.id: today})[
        client.id
    ]


def due_for_clients(
    clients: Sequence[Client],
    practice_zones: Mapping[int, str],
    today: Mapping[int, date],
) -> dict[int, list[MeasureAssignment]]:
    """``due_assignments`` for many clients at once, each on its own ``today``: three
    queries however many clients (``practice_zones``: practice id -> its time zone)."""
    due: dict[int, list[MeasureAssignment]] = {client.id: [] for client in clients}
    active = list(
        db.session.scalars(
            select(MeasureAssignment)
            .where(MeasureAssignment.client_id.in_(due), MeasureAssignment.active.is_(True))
            .order_by(MeasureAssignment.id)
        )
    )
    if not active:
        return due
    zone_of = {client.id: practice_zones[client.practice_id] for client in clients}
    sessions: dict[int, list[date]] = defaultdict(list)
    for client_id, starts_at in db.session.execute(
        select(TherapySession.client_id, TherapySession.starts_at).where(
            TherapySession.client_id.in_({a.client_id for a in active}),
            TherapySession.phase == Phase.MEDICINE,
            not_voided(),
        )
    ):
        sessions[client_id].append(utc_to_local(starts_at, zone_of[client_id]).date())
    answered: dict[int, list[date]] = defaultdict(list)
    for assignment_id, day in db.session.execute(
        select(MeasureResponse.assignment_id, MeasureResponse.completed_on).where(
            MeasureResponse.assignment_id.in_([a.id for a in active])
        )
    ):
        answered[assignment_id].append(day)
    for assignment in active:
        medicine = sorted(sessions[assignment.client_id])
        day = today[assignment.client_id]
        if scoring.is_due(assignment.schedule, medicine, answered[assignment.id], day):
            due[assignment.client_id].append(assignment)
    return due


# --- responses -----------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    response: MeasureResponse
    alert: SafetyAlert | None


def submit_answers(
    client: Client,
    actor: User,
    *,
    instrument: str,
    answers: list[int],
    extra_answer: int | None,
    completed_on: date,
    by_client: bool,
    assignment: MeasureAssignment | None = None,
) -> Submitted:
    """Score and store a questionnaire; a safety flag raises an alert for the care team."""
    if assignment is not None and (
        assignment.client_id != client.id or assignment.instrument != instrument
    ):
        raise Forbidden(assignment.id)
    result = scoring.score(instrument, answers)
    response = MeasureResponse(
        client_id=client.id,
        instrument=instrument,
        assignment_id=assignment.id if assignment else None,
        answers=json.dumps(answers),
        extra_answer=extra_answer,
        total=Decimal(result.total),
        severity=result.severity,
        flags=",".join(sorted(result.flags)),
        completed_on=completed_on,
        by_client=by_client,
        entered_by_id=actor.id,
    )
    db.session.add(response)
    db.session.flush()
    need = alert_needed(result.flags, result.severity)
    alert = alerts.raise_alert(client, response, need) if need else None
    return Submitted(response, alert)


def enter_scores(
    client: Client, actor: User, *, instrument: str, values: dict[str, float], completed_on: date
) -> MeasureResponse:
    """Store a scores-only instrument entered by the therapist (ranges already checked)."""
    spec = SCORES_ONLY[instrument]
    flags = set()
    if instrument == "meq30" and scoring.meq30_complete(values):
        flags.add("complete_mystical_experience")
    if instrument == "des2" and values["total"] >= 30:
        flags.add("high_dissociation")
    response = MeasureResponse(
        client_id=client.id,
        instrument=instrument,
        answers=json.dumps(values),
        total=Decimal(str(values[spec.total_key])),
        severity=None,
        flags=",".join(sorted(flags)),
        completed_on=completed_on,
        by_client=False,
        entered_by_id=actor.id,
    )
    db.session.add(response)
    db.session.flush()
    return response


def responses(client: Client) -> list[MeasureResponse]:
    return list(
        db.session.scalars(
            select(MeasureResponse)
            .where(MeasureResponse.client_id == client.id)
            .options(joinedload(MeasureResponse.entered_by))
            .order_by(MeasureResponse.completed_on, MeasureResponse.id)
        )
    )


@dataclass(frozen=True)
class ResponseRow:
    response: MeasureResponse
    from_baseline: str | None  # classify_change label, None when not applicable
    from_previous: str | None


@dataclass(frozen=True)
class InstrumentTrend:
    code: str
    rows: list[ResponseRow]
    chart: TrendChart | None
    summary: str | None  # "improved" / "deteriorated" / "unchanged" from baseline to latest


def trends(client: Client, practice: Practice) -> list[InstrumentTrend]:
    """Every instrument the client has answered, with change labels and a chart."""
    by_code: dict[str, list[MeasureResponse]] = defaultdict(list)
    for response in responses(client):
        by_code[response.instrument].append(response)
    markers = medicine_days(client, practice)
    result = []
    for code in sorted(by_code, key=_instrument_order):
        items = by_code[code]
        changes = code in scoring.RELIABLE_CHANGE
        rows = []
        for index, response in enumerate(items):
            baseline = items[0]
            previous = items[index - 1] if index else None
            rows.append(
                ResponseRow(
                    response,
                    scoring.classify_change(code, int(baseline.total), int(response.total))
                    if changes and index
                    else None,
                    scoring.classify_change(code, int(previous.total), int(response.total))
                    if changes and previous is not None
                    else None,
                )
            )
        chart = None
        value_range = scoring.TOTAL_RANGE.get(code) or _scores_only_range(code)
        if value_range:
            low, high = value_range
            chart = trend_chart(
                [(r.completed_on, float(r.total)) for r in items],
                y_min=low,
                y_max=high,
                bands=tuple(BandSpec(*band) for band in scoring.CHART_BANDS.get(code, ())),
                markers=markers,
            )
        result.append(
            InstrumentTrend(
                code=code,
                rows=list(reversed(rows)),
                chart=chart,
                summary=rows[-1].from_baseline if len(rows) > 1 else None,
            )
        )
    return result


def _scores_only_range(code: str) -> tuple[float, float] | None:
    spec = SCORES_ONLY.get(code)
    if spec is None:
        return None
    field = next(f for f in spec.fields if f.key == spec.total_key)
    return field.minimum, field.maximum


def _instrument_order(code: str) -> int:
    order = ["phq9", "gad7", "pcl5", "who5", "ace", "cadss", "ebi", "meq30", "des2", "suds"]
    return order.index(code) if code in order else len(order)


def first_and_latest(client_id: int, instrument: str) -> tuple[float, float] | None:
    """The first and the latest total of one instrument (for outcome targets)."""
    totals = db.session.scalars(
        select(MeasureResponse.total)
        .where(MeasureResponse.client_id == client_id, MeasureResponse.instrument == instrument)
        .order_by(MeasureResponse.completed_on, MeasureResponse.id)
    ).all()
    if not totals:
        return None
    return float(totals[0]), float(totals[-1])


# --- safety alerts -------------------------------------------------------------------


def open_alerts_for(actor: User) -> list[SafetyAlert]:
    """Unacknowledged alerts of the clients the actor cares for (one query)."""
    on_team = exists().where(
        CareTeamMember.client_id == Client.id, CareTeamMember.user_id == actor.id
    )
    return list(
        db.session.scalars(
            select(SafetyAlert)
            .join(Client, SafetyAlert.client_id == Client.id)
            .where(
                SafetyAlert.acknowledged_at.is_(None),
                and_(
                    Client.practice_id == actor.practice_id,
                    or_(Client.primary_therapist_id == actor.id, on_team),
                ),
            )
            .options(joinedload(SafetyAlert.response), joinedload(SafetyAlert.client))
            .order_by(SafetyAlert.created_at)
        )
    )


def alerts_for_client(client: Client) -> list[SafetyAlert]:
    return list(
        db.session.scalars(
            select(SafetyAlert)
            .where(SafetyAlert.client_id == client.id)
            .options(joinedload(SafetyAlert.acknowledged_by), joinedload(SafetyAlert.response))
            .order_by(SafetyAlert.created_at.desc())
        )
    )


def acknowledge(alert: SafetyAlert, actor: User, note: str) -> None:
    if alert.acknowledged_at is not None:
        raise Forbidden(alert.id)
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = actor.id
    alert.acknowledgement_note = note.strip()
