"""Outcome measures: assigning, answering, scoring, safety alerts and the trends."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from tracker.domain import schedules, scoring
from tracker.domain.alerts import alert_needed
from tracker.domain.charts import TrendChart
from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import (
    ITEM_INSTRUMENTS,
    SCORES_ONLY,
    Instrument,
    ScoresOnlyInstrument,
    instrument_for,
)
from tracker.domain.messages import N_, Problem
from tracker.domain.policy import Role
from tracker.domain.sessions import Phase
from tracker.domain.trends import instrument_order, instrument_trend
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
from tracker.services import Forbidden, NotFound, Rejected, alerts
from tracker.services import audit as audit_service
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


_ASSIGNMENTS = (
    select(MeasureAssignment)
    .where(MeasureAssignment.client_id == bindparam("client_id"))
    .order_by(MeasureAssignment.active.desc(), MeasureAssignment.id)
)


def assignments(client: Client) -> list[MeasureAssignment]:
    return list(db.session.scalars(_ASSIGNMENTS, {"client_id": client.id}))


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


_MEDICINE_STARTS = select(TherapySession.client_id, TherapySession.starts_at).where(
    TherapySession.client_id.in_(bindparam("client_ids", expanding=True)),
    TherapySession.phase == Phase.MEDICINE,
    not_voided(),
)
_ANSWER_DAYS = select(MeasureResponse.assignment_id, MeasureResponse.completed_on).where(
    MeasureResponse.assignment_id.in_(bindparam("assignment_ids", expanding=True))
)
_ACTIVE_OF_PRACTICE_CLIENTS = (
    select(MeasureAssignment)
    .join(Client, MeasureAssignment.client_id == Client.id)
    .where(
        MeasureAssignment.client_id.in_(bindparam("client_ids", expanding=True)),
        MeasureAssignment.active.is_(True),
        Client.practice_id == bindparam("practice_id"),
    )
    .order_by(MeasureAssignment.id)
)


def _medicine_days_by_client(zones: Mapping[int, str]) -> dict[int, list[date]]:
    """Local dates (each client in its practice's zone, ``zones``: client id -> zone) of
    the medicine sessions of each client, not those entered in error (one query)."""
    days: dict[int, list[date]] = defaultdict(list)
    if not zones:
        return days
    for client_id, starts_at in db.session.execute(_MEDICINE_STARTS, {"client_ids": list(zones)}):
        days[client_id].append(utc_to_local(starts_at, zones[client_id]).date())
    for dates in days.values():
        dates.sort()
    return days


def _answer_days_by_assignment(assignment_ids: list[int]) -> dict[int, list[date]]:
    """The dates each assignment was answered on (one query)."""
    answered: dict[int, list[date]] = defaultdict(list)
    if not assignment_ids:
        return answered
    for assignment_id, day in db.session.execute(_ANSWER_DAYS, {"assignment_ids": assignment_ids}):
        answered[assignment_id].append(day)
    return answered


def _states(
    active: list[MeasureAssignment],
    practice: Practice,
    today: date,
    medicine: Mapping[int, list[date]] | None = None,
) -> dict[int, schedules.DueState]:
    """Where each active assignment stands today (two queries, for any number of clients;
    one when the clients' ``medicine`` days are given)."""
    sessions = (
        medicine
        if medicine is not None
        else _medicine_days_by_client({a.client_id: practice.timezone for a in active})
    )
    answered = _answer_days_by_assignment([a.id for a in active])
    return {
        a.id: schedules.schedule_state(a.schedule, sessions[a.client_id], answered[a.id], today)
        for a in active
    }


def assignment_states(
    client: Client, practice: Practice, today: date, medicine: list[date] | None = None
) -> list[tuple[MeasureAssignment, schedules.DueState | None]]:
    """Every assignment of the client with where it stands today (``None`` when stopped;
    three queries, two when the client's ``medicine_days`` are given)."""
    every = assignments(client)
    known = None if medicine is None else {client.id: medicine}
    states = _states([a for a in every if a.active], practice, today, known)
    return [(a, states.get(a.id)) for a in every]


def due_assignments(client: Client, practice: Practice, today: date) -> list[MeasureAssignment]:
    """Active assignments with an occurrence waiting for an answer (three queries)."""
    return [a for a, state in assignment_states(client, practice, today) if state and state.is_due]


def assignment_to_answer(
    client: Client, assignment_id: int, today: date, *, sending: bool
) -> MeasureAssignment | None:
    """The client's assignment if it may be answered now, else ``None`` (``NotFound``
    when it is not theirs): one that is due; while answers are being sent, any still
    active, so a form sent from a second tab after the first was saved is still
    accepted (answers are never lost)."""
    assignment = get_assignment(client, assignment_id)
    if sending and assignment.active:
        return assignment
    practice = db.session.get(Practice, client.practice_id)
    return assignment if assignment in due_assignments(client, practice, today) else None


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
    params = {"client_ids": list(client_ids), "practice_id": practice.id}
    active = list(db.session.scalars(_ACTIVE_OF_PRACTICE_CLIENTS, params))
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


def answer_field(number: int) -> str:
    """The answer forms' field of item ``number`` (1-based), and so the key of its
    problems."""
    return f"item_{number}"


def follow_up_problems(instrument: Instrument, answers: Sequence[int | None]) -> dict[str, Problem]:
    """A problem beside each follow-up answered after a "no" to the item it follows."""
    return {
        answer_field(follow_up): Problem(
            N_(
                "This question follows a yes to question %(lead)s. Answer it only if "
                "you answered yes there, or change your answer to question %(lead)s."
            ),
            {"lead": lead},
        )
        for follow_up, lead in instrument.contradictions(answers)
    }


def submit(
    client: Client,
    actor: User,
    *,
    instrument: str,
    answers: Sequence[int] | None = None,
    extra_answer: int | None = None,
    scores: Mapping[str, float] | None = None,
    completed_on: date | None = None,
    assignment: MeasureAssignment | None = None,
    ip_address: str | None = None,
) -> Submitted:
    """The whole submission of a questionnaire, by the client in the portal or entered
    for them by the therapist: check it, score it, store it, raise the safety alert it
    calls for, audit it as the actor's (flushes).

    Item instruments take ``answers`` (and ``extra_answer``); scores-only instruments,
    which only the therapist enters, take ``scores``; any other choice is ``NotFound``,
    before anything is looked up. ``Rejected`` beside the form's fields for answers or
    scores that do not fit the instrument. ``completed_on`` is the day the therapist
    says the answers were given (today when not given); the portal asks no date, so a
    client's answers are dated the day they send them. The therapist's answers close
    the questionnaire of that instrument that is due today.
    """
    by_client = actor.role == Role.CLIENT
    problems = _submission_problems(instrument, answers, extra_answer, scores, by_client)
    if problems:
        raise Rejected(problems)
    practice = db.session.get(Practice, client.practice_id)
    today = utc_to_local(utcnow(), practice.timezone).date()
    day = today if by_client or completed_on is None else completed_on
    if scores is not None:
        values = {field.key: float(scores[field.key]) for field in SCORES_ONLY[instrument].fields}
        stored = enter_scores(client, actor, instrument=instrument, values=values, completed_on=day)
        submitted = Submitted(stored, None)
    else:
        if assignment is None and not by_client:
            due = due_assignments(client, practice, today)
            assignment = next((a for a in due if a.instrument == instrument), None)
        submitted = submit_answers(
            client,
            actor,
            instrument=instrument,
            answers=list(answers or ()),
            extra_answer=extra_answer,
            completed_on=day,
            by_client=by_client,
            assignment=assignment,
        )
    _audit_submission(submitted, actor, ip_address)
    return submitted


def _submission_problems(
    instrument: str,
    answers: Sequence[int] | None,
    extra_answer: int | None,
    scores: Mapping[str, float] | None,
    by_client: bool,
) -> dict[str, Problem]:
    """What does not fit the instrument, checked first: ``NotFound`` (answered as 404,
    like an unknown code in the entry page's address) for a code that is no instrument
    submitted this way by this submitter."""
    if instrument in ITEM_INSTRUMENTS and scores is None:
        return _answer_problems(ITEM_INSTRUMENTS[instrument], answers or (), extra_answer)
    if instrument in SCORES_ONLY and answers is None and scores is not None and not by_client:
        return _score_problems(SCORES_ONLY[instrument], scores)
    raise NotFound(instrument)


def _answer_problems(
    instrument: Instrument, answers: Sequence[int], extra_answer: int | None
) -> dict[str, Problem]:
    """Items unanswered or answered with no option of theirs; then follow-ups answered
    after a "no". More answers than items is the caller's error (``ValueError``)."""
    unanswered = Problem(N_("Please choose an answer for this question."))
    given: list[int | None] = [*answers, *[None] * (instrument.item_count - len(answers))]
    problems = {
        answer_field(number): unanswered
        for number, answer in enumerate(given, 1)
        if isinstance(answer, bool) or answer not in instrument.answer_values
    }
    if extra_answer is not None and extra_answer not in {
        option.value for option in instrument.extra_options
    }:
        problems["extra"] = unanswered
    return problems or follow_up_problems(instrument, given)


def _score_problems(spec: ScoresOnlyInstrument, scores: Mapping[str, float]) -> dict[str, Problem]:
    """Each score missing or outside its range."""
    wrong = scoring.check_scores(
        spec.code, {field.key: scores.get(field.key) for field in spec.fields}
    )
    return {
        field.key: Problem(
            N_("Between %(min)s and %(max)s."), {"min": field.minimum, "max": field.maximum}
        )
        for field in spec.fields
        if field.key in wrong
    }


def _audit_submission(submitted: Submitted, actor: User, ip_address: str | None) -> None:
    """The response, and the alert it raised, as the submitter's audit events."""
    response, alert = submitted.response, submitted.alert
    instrument = response.instrument
    events = [("measure.response", "measure_response", response.id, f"instrument={instrument}")]
    if alert is not None:
        events.append(("safety_alert.create", "safety_alert", alert.id, ""))
    for action, record_type, record_id, detail in events:
        audit_service.record(
            action,
            actor=actor,
            ip_address=ip_address,
            record_type=record_type,
            record_id=record_id,
            client_id=response.client_id,
            detail=detail,
        )


_RESPONSES = (
    select(MeasureResponse)
    .where(MeasureResponse.client_id == bindparam("client_id"))
    .options(joinedload(MeasureResponse.entered_by))
    .order_by(MeasureResponse.completed_on, MeasureResponse.id)
)


def responses(client: Client) -> list[MeasureResponse]:
    return list(db.session.scalars(_RESPONSES, {"client_id": client.id}))


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


def trends(
    client: Client, practice: Practice, medicine: list[date] | None = None
) -> list[InstrumentTrend]:
    """Every instrument the client has answered, with change labels and a chart
    (``medicine``: the client's ``medicine_days``, when the caller has them)."""
    by_code: dict[str, list[MeasureResponse]] = defaultdict(list)
    for response in responses(client):
        by_code[response.instrument].append(response)
    markers = medicine if medicine is not None else medicine_days(client, practice)
    result = []
    for code in sorted(by_code, key=instrument_order):
        items = by_code[code]
        trend = instrument_trend(
            code, [(r.completed_on, float(r.total)) for r in items], medicine_days=markers
        )
        rows = [
            ResponseRow(response, point.from_baseline, point.from_previous)
            for response, point in zip(items, trend.points, strict=True)
        ]
        result.append(
            InstrumentTrend(
                code=code, rows=list(reversed(rows)), chart=trend.chart, summary=trend.change
            )
        )
    return result


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


_OPEN_ALERTS_FOR_ACTOR = (
    select(SafetyAlert)
    .join(Client, SafetyAlert.client_id == Client.id)
    .where(
        SafetyAlert.acknowledged_at.is_(None),
        Client.practice_id == bindparam("practice_id"),
        or_(
            Client.primary_therapist_id == bindparam("actor_id"),
            exists().where(
                CareTeamMember.client_id == Client.id,
                CareTeamMember.user_id == bindparam("actor_id"),
            ),
        ),
    )
    .options(joinedload(SafetyAlert.response), joinedload(SafetyAlert.client))
    .order_by(SafetyAlert.created_at)
)


def open_alerts_for(actor: User) -> list[SafetyAlert]:
    """Unacknowledged alerts of the clients the actor cares for (one query, built once)."""
    params = {"practice_id": actor.practice_id, "actor_id": actor.id}
    return list(db.session.scalars(_OPEN_ALERTS_FOR_ACTOR, params))


_ALERTS_OF_CLIENT = (
    select(SafetyAlert)
    .where(SafetyAlert.client_id == bindparam("client_id"))
    .options(joinedload(SafetyAlert.acknowledged_by), joinedload(SafetyAlert.response))
    .order_by(SafetyAlert.created_at.desc())
)


def alerts_for_client(client: Client) -> list[SafetyAlert]:
    return list(db.session.scalars(_ALERTS_OF_CLIENT, {"client_id": client.id}))
