"""Outcome measures: assigning, answering, scoring, safety alerts and the trends."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from tracker.domain import schedules, scoring
from tracker.domain.alerts import alert_needed
from tracker.domain.charts import BandSpec, TrendChart, trend_chart
from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import ALL_CODES, ITEM_INSTRUMENTS, SCORES_ONLY, instrument_for
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
    instrument_for(instrument)  # ValueError for a code that is not an item instrument
    assignment = MeasureAssignment(
        client_id=client.id,
        instrument=instrument,
        schedule_kind=kind,
        every_days=every_days if kind != schedules.ONCE else None,
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
    return _medicine_days_by_client({client.id: practice.timezone})[client.id]


def _medicine_days_by_client(zones: Mapping[int, str]) -> dict[int, list[date]]:
    """Local dates (each client in its practice's zone, ``zones``: client id -> zone) of
    the medicine sessions of each client, not those entered in error (one query)."""
    days: dict[int, list[date]] = defaultdict(list)
    if not zones:
        return days
    for client_id, starts_at in db.session.execute(
        select(TherapySession.client_id, TherapySession.starts_at).where(
            TherapySession.client_id.in_(list(zones)),
            TherapySession.phase == Phase.MEDICINE,
            not_voided(),
        )
    ):
        days[client_id].append(utc_to_local(starts_at, zones[client_id]).date())
    for dates in days.values():
        dates.sort()
    return days


def _answer_days_by_assignment(assignment_ids: list[int]) -> dict[int, list[date]]:
    """The dates each assignment was answered on (one query)."""
    answered: dict[int, list[date]] = defaultdict(list)
    if not assignment_ids:
        return answered
    for assignment_id, day in db.session.execute(
        select(MeasureResponse.assignment_id, MeasureResponse.completed_on).where(
            MeasureResponse.assignment_id.in_(assignment_ids)
        )
    ):
        answered[assignment_id].append(day)
    return answered


def _states(
    active: list[MeasureAssignment], practice: Practice, today: date
) -> dict[int, schedules.DueState]:
    """Where each active assignment stands today (two queries, for any number of clients)."""
    sessions = _medicine_days_by_client({a.client_id: practice.timezone for a in active})
    answered = _answer_days_by_assignment([a.id for a in active])
    return {
        a.id: schedules.schedule_state(a.schedule, sessions[a.client_id], answered[a.id], today)
        for a in active
    }


def assignment_states(
    client: Client, practice: Practice, today: date
) -> list[tuple[MeasureAssignment, schedules.DueState | None]]:
    """Every assignment of the client with where it stands today (``None`` when stopped;
    three queries)."""
    every = assignments(client)
    states = _states([a for a in every if a.active], practice, today)
    return [(a, states.get(a.id)) for a in every]


def due_assignments(client: Client, practice: Practice, today: date) -> list[MeasureAssignment]:
    """Active assignments with an occurrence waiting for an answer (three queries)."""
    return [a for a, state in assignment_states(client, practice, today) if state and state.is_due]


def due_for_clients(
    clients: Sequence[Client],
    practice_zones: Mapping[int, str],
    today: Mapping[int, date],
) -> dict[int, list[MeasureAssignment]]:
    """``due_assignments`` for many clients at once, each on its own ``today`` (its local
    day): three queries however many clients (``practice_zones``: practice id -> zone)."""
    due: dict[int, list[MeasureAssignment]] = {client.id: [] for client in clients}
    active = list(
        db.session.scalars(
            select(MeasureAssignment)
            .where(MeasureAssignment.client_id.in_(list(due)), MeasureAssignment.active.is_(True))
            .order_by(MeasureAssignment.id)
        )
    )
    if not active:
        return due
    zones = {client.id: practice_zones[client.practice_id] for client in clients}
    sessions = _medicine_days_by_client({a.client_id: zones[a.client_id] for a in active})
    answered = _answer_days_by_assignment([a.id for a in active])
    for a in active:
        state = schedules.schedule_state(
            a.schedule, sessions[a.client_id], answered[a.id], today[a.client_id]
        )
        if state.is_due:
            due[a.client_id].append(a)
    return due


@dataclass(frozen=True)
class OverdueMeasure:
    """An assigned questionnaire waiting for an answer since before today."""

    client_id: int
    assignment_id: int
    instrument: str
    due: date  # the due date of the open occurrence
    days_overdue: int
    missed: int  # earlier occurrences replaced without an answer


def overdue_measures(
    client_ids: list[int], practice: Practice, today: date
) -> dict[int, list[OverdueMeasure]]:
    """Overdue questionnaires of the given clients of ``practice``, by client id, oldest
    due first; clients with none are left out (three queries, however many clients)."""
    if not client_ids:
        return {}
    active = list(
        db.session.scalars(
            select(MeasureAssignment)
            .join(Client, MeasureAssignment.client_id == Client.id)
            .where(
                MeasureAssignment.client_id.in_(client_ids),
                MeasureAssignment.active.is_(True),
                Client.practice_id == practice.id,
            )
            .order_by(MeasureAssignment.id)
        )
    )
    states = _states(active, practice, today)
    result: dict[int, list[OverdueMeasure]] = defaultdict(list)
    for assignment in active:
        state = states[assignment.id]
        if state.overdue and state.due_date is not None:
            result[assignment.client_id].append(
                OverdueMeasure(
                    client_id=assignment.client_id,
                    assignment_id=assignment.id,
                    instrument=assignment.instrument,
                    due=state.due_date,
                    days_overdue=state.days_overdue,
                    missed=state.missed,
                )
            )
    return {
        client_id: sorted(rows, key=lambda row: (row.due, row.assignment_id))
        for client_id, rows in result.items()
    }


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
    now: datetime | None = None,
) -> Submitted:
    """Score and store a questionnaire; a safety flag raises an alert for the care team
    (at ``now``)."""
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
    alert = alerts.raise_alert(client, response, need, now) if need else None
    return Submitted(response, alert)


def enter_scores(
    client: Client, actor: User, *, instrument: str, values: dict[str, float], completed_on: date
) -> MeasureResponse:
    """Store a scores-only instrument entered by the therapist (ranges already checked)."""
    spec = SCORES_ONLY[instrument]
    flags = spec.rate_flags(values)
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
        value_range = _chart_range(code)
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


def _chart_range(code: str) -> tuple[float, float] | None:
    """The y range of the instrument's trend chart; ``None`` when it has none."""
    if code in ITEM_INSTRUMENTS:
        instrument = ITEM_INSTRUMENTS[code]
        return instrument.total_range if instrument.scale_total else None
    if code in SCORES_ONLY:
        return SCORES_ONLY[code].total_range
    return None


def _instrument_order(code: str) -> int:
    return ALL_CODES.index(code) if code in ALL_CODES else len(ALL_CODES)


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
