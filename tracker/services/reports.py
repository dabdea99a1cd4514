"""Progress reports: gather the data as plain values, record what was printed, and
fingerprint the stored rows a report is built from (the data part of the cache key).

Turning the data into HTML and PDF (translation, number formatting, templates, the
encrypted PDF cache) is ``tracker.printing.reports``; the whole cache key is
``tracker.printing.report_cache.cache_key``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import Row, Select, bindparam, func, or_, select, type_coerce
from sqlalchemy.orm import defer, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.sqltypes import NullType

from tracker.domain import reports as rules
from tracker.domain import scoring
from tracker.domain import vitals as vital_rules
from tracker.domain.clock import utc_to_local
from tracker.domain.goals import RatingPoint, trajectory_chart
from tracker.domain.homework import adherence
from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY, short_name
from tracker.domain.sessions import MODALITY_LABELS, PHASE_LABELS
from tracker.domain.trends import instrument_trend
from tracker.extensions import db
from tracker.models import (
    Addendum,
    AdverseEvent,
    CareTeamMember,
    Client,
    FamilyEvent,
    FamilyMember,
    FamilyParentLink,
    FamilyPartnership,
    FamilyRelationship,
    GoalRating,
    HomeworkAssignment,
    HomeworkEntry,
    IntegrationGoal,
    JournalEntry,
    KetamineAdministration,
    MeasureResponse,
    Practice,
    Report,
    SessionDischarge,
    SessionVoid,
    TherapySession,
    User,
    VitalSign,
)
from tracker.services.medicine import with_override_record
from tracker.services.sessions import not_voided


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    period: rules.Period
    narrative: str = ""
    include_measures: bool = False  # client report only
    include_family: bool = False  # clinical report only: the family history section


@dataclass(frozen=True)
class SessionParts:
    doses: dict[int, list[Row]]
    vitals: dict[int, list[Row]]
    addenda: dict[int, int]
    discharges: dict[int, Row]


def default_period(client: Client, today: date) -> rules.Period:
    """Course to date: from the earliest of the course start, the first session and the
    first questionnaire (baselines are often taken before the course starts) to today."""
    first_session = db.session.scalar(
        select(TherapySession.starts_at)
        .where(TherapySession.client_id == client.id, not_voided())
        .order_by(TherapySession.starts_at)
        .limit(1)
    )
    first_response = db.session.scalar(
        select(MeasureResponse.completed_on)
        .where(MeasureResponse.client_id == client.id)
        .order_by(MeasureResponse.completed_on)
        .limit(1)
    )
    candidates = [
        day
        for day in (
            client.course_start_date,
            first_session.date() if first_session else None,
            first_response,
        )
        if day is not None
    ]
    return rules.Period(min([*candidates, today]), today)


def _header(client: Client, practice: Practice, period: rules.Period, today: date) -> rules.Header:
    team = db.session.scalars(
        select(CareTeamMember)
        .where(CareTeamMember.client_id == client.id)
        .options(joinedload(CareTeamMember.user))
    )
    therapist = db.session.get(User, client.primary_therapist_id)
    return rules.Header(
        practice_name=practice.name,
        practice_address=practice.address,
        letterhead=practice.letterhead_text,
        footer=practice.report_footer,
        client_name=client.legal_name,
        preferred_name=client.preferred_name,
        client_number=rules.client_number(client.id),
        date_of_birth=client.date_of_birth,
        period=period,
        therapist=therapist.name,
        therapist_credentials=therapist.credentials,
        care_team=[(member.user.name, member.role) for member in team],
        generated_on=today,
    )


def _local_day(moment: datetime, practice: Practice) -> date:
    return utc_to_local(moment, practice.timezone).date()


def _period_bounds(period: rules.Period, practice: Practice) -> tuple[datetime, datetime]:
    from tracker.domain.clock import local_to_utc

    return (
        local_to_utc(period.start, time(0, 0), practice.timezone),
        local_to_utc(period.end, time(23, 59, 59), practice.timezone),
    )


def _sessions(client: Client, practice: Practice, period: rules.Period) -> list[TherapySession]:
    """The period's sessions; those entered in error are left out of the report."""
    start, end = _period_bounds(period, practice)
    sessions = list(
        db.session.scalars(
            select(TherapySession)
            .where(
                TherapySession.client_id == client.id,
                TherapySession.starts_at >= start,
                TherapySession.starts_at <= end,
                not_voided(),
            )
            .options(
                # Only what the report prints: every column loaded costs (encrypted
                # ones are decrypted), and a reprint served from the cache still gathers.
                load_only(
                    TherapySession.starts_at,
                    TherapySession.modality,
                    TherapySession.phase,
                    TherapySession.summary,
                    TherapySession.status,
                ),
            )
            .order_by(TherapySession.starts_at)
        )
    )
    # The note is read only where no summary was written: the log prints the summary,
    # and decrypting a year of notes would double the work of a cached reprint.
    without_summary = [s.id for s in sessions if not (s.summary or "").strip()]
    if without_summary:
        by_id = {s.id: s for s in sessions}
        for session_id, note_body in db.session.execute(
            select(TherapySession.id, TherapySession.note_body).where(
                TherapySession.id.in_(without_summary)
            )
        ):
            set_committed_value(by_id[session_id], "note_body", note_body)
    return sessions


def _session_parts(client: Client, practice: Practice, period: rules.Period) -> SessionParts:
    """Doses, vitals and addendum counts of the period's sessions as plain rows keyed by
    session id: three statements, and no ORM objects for a year of readings."""
    start, end = _period_bounds(period, practice)
    in_period = (
        select(TherapySession.id)
        .where(
            TherapySession.client_id == client.id,
            TherapySession.starts_at >= start,
            TherapySession.starts_at <= end,
            not_voided(),
        )
        .scalar_subquery()
    )
    dose, vital = KetamineAdministration, VitalSign
    parts = SessionParts({}, {}, {}, {})
    for row in db.session.execute(
        with_override_record(
            dose.session_id, dose.route, dose.dose_mg, dose.mg_per_kg, dose.hold_override_reason
        )
        .where(dose.session_id.in_(in_period))
        .order_by(dose.given_at, dose.id)
    ):
        parts.doses.setdefault(row.session_id, []).append(row)
    for row in db.session.execute(
        select(SessionDischarge).where(SessionDischarge.session_id.in_(in_period))
    ).scalars():
        parts.discharges[row.session_id] = row
    for row in db.session.execute(
        select(
            vital.session_id,
            vital.taken_at,
            vital.systolic,
            vital.diastolic,
            vital.heart_rate,
            vital.spo2,
        )
        .where(vital.session_id.in_(in_period))
        .order_by(vital.taken_at, vital.id)
    ):
        parts.vitals.setdefault(row.session_id, []).append(row)
    parts.addenda.update(
        db.session.execute(
            select(Addendum.session_id, func.count(Addendum.id))
            .where(Addendum.session_id.in_(in_period))
            .group_by(Addendum.session_id)
        )
        .tuples()
        .all()
    )
    return parts


def _adverse_events(
    client: Client, practice: Practice, period: rules.Period
) -> list[rules.AdverseEventLine]:
    """The events whose onset falls in the period, oldest first (one statement)."""
    start, end = _period_bounds(period, practice)
    event = AdverseEvent
    rows = db.session.execute(
        select(
            event.onset_at,
            event.event_type,
            event.severity,
            event.outcome,
            event.prescriber_informed,
            event.action_taken,
        )
        .where(event.client_id == client.id, event.onset_at >= start, event.onset_at <= end)
        .order_by(event.onset_at, event.id)
    )
    return [
        rules.AdverseEventLine(
            day=_local_day(row.onset_at, practice),
            event_type=row.event_type,
            severity=row.severity,
            outcome=row.outcome,
            prescriber_informed=row.prescriber_informed,
            action_taken=row.action_taken,
        )
        for row in rows
    ]


def _measures(
    client: Client, practice: Practice, period: rules.Period, medicine_days: list[date], plain: bool
) -> list[rules.MeasureSection]:
    responses = db.session.scalars(
        select(MeasureResponse)
        .options(defer(MeasureResponse.answers))
        .where(
            MeasureResponse.client_id == client.id,
            MeasureResponse.completed_on >= period.start,
            MeasureResponse.completed_on <= period.end,
        )
        .order_by(MeasureResponse.completed_on, MeasureResponse.id)
    ).all()
    by_code: dict[str, list[MeasureResponse]] = {}
    for response in responses:
        by_code.setdefault(response.instrument, []).append(response)
    sections = []
    for code in [c for c in (*ITEM_INSTRUMENTS, *SCORES_ONLY) if c in by_code]:
        if plain and code not in scoring.RELIABLE_CHANGE:
            continue  # the client report explains symptom measures only
        items = by_code[code]
        # The questionnaire trend of the measures page, drawn smaller for print.
        trend = instrument_trend(
            code,
            [(r.completed_on, float(r.total)) for r in items],
            medicine_days=medicine_days,
            width=480,
            height=160,
        )
        label = trend.change
        sections.append(
            rules.MeasureSection(
                code=code,
                name=short_name(code),
                baseline=trend.baseline,
                latest=trend.latest,
                change_label=label,
                severity=items[-1].severity,
                chart=trend.chart,
                rows=[(r.completed_on, float(r.total), r.severity) for r in items],
                plain_words=rules.PLAIN_WORDS.get(label, "") if plain and label else "",
                scale_total=code not in ITEM_INSTRUMENTS or ITEM_INSTRUMENTS[code].scale_total,
            )
        )
    return sections


def _goals(client: Client, period: rules.Period) -> list[rules.GoalSection]:
    goals = db.session.scalars(
        select(IntegrationGoal)
        .where(IntegrationGoal.client_id == client.id)
        .options(defer(IntegrationGoal.why_it_matters))
        .order_by(IntegrationGoal.started_on, IntegrationGoal.id)
    ).all()
    # Plain rows, not ORM objects: a year of monthly ratings of ten goals is the bulk of
    # the work when a reprint is served from the cache.
    in_period = db.session.execute(
        select(GoalRating.goal_id, GoalRating.rated_on, GoalRating.value, GoalRating.by_client)
        .join(IntegrationGoal, GoalRating.goal_id == IntegrationGoal.id)
        .where(
            IntegrationGoal.client_id == client.id,
            GoalRating.rated_on >= period.start,
            GoalRating.rated_on <= period.end,
        )
        .order_by(GoalRating.rated_on, GoalRating.id)
    )
    ratings_of: dict[int, list[RatingPoint]] = {}
    for goal_id, day, value, by_client in in_period:
        ratings_of.setdefault(goal_id, []).append(RatingPoint(day, value, by_client))
    totals = _first_and_latest_totals(client, {g.measure_code for g in goals if g.measure_code})
    sections = []
    for goal in goals:
        ratings = ratings_of.get(goal.id, [])
        outcome = None
        if goal.measure_code and goal.measure_value is not None and goal.measure_comparison:
            first, latest = totals.get(goal.measure_code, (None, None))
            progress = scoring.target_progress(
                goal.measure_comparison, goal.measure_value, first, latest
            )
            outcome = (goal.measure_code, goal.measure_comparison, goal.measure_value, progress)
        sections.append(
            rules.GoalSection(
                title=goal.title,
                domain=goal.domain,
                status=goal.status,
                baseline=goal.baseline,
                target=goal.target,
                latest=ratings[-1].value if ratings else None,
                chart=trajectory_chart(
                    ratings,
                    baseline=goal.baseline,
                    target=goal.target,
                    # A sparkline beside the goal's two lines (cheaper than a chart below).
                    width=200,
                    height=34,
                    padding=4,
                )
                if len(ratings) > 1
                else None,
                outcome=outcome,
                ratings=[(r.day, r.value, r.by_client) for r in ratings],
            )
        )
    return sections


def _first_and_latest_totals(
    client: Client, instruments: set[str]
) -> dict[str, tuple[float, float]]:
    """The first and the latest total of each of ``instruments`` over all the client's
    responses (what a goal's outcome target is judged on, as on the goal's page), in one
    statement for all the goals."""
    totals: dict[str, tuple[float, float]] = {}
    if not instruments:
        return totals
    for code, total in db.session.execute(
        select(MeasureResponse.instrument, MeasureResponse.total)
        .where(MeasureResponse.client_id == client.id, MeasureResponse.instrument.in_(instruments))
        .order_by(MeasureResponse.completed_on, MeasureResponse.id)
    ):
        first = totals[code][0] if code in totals else float(total)
        totals[code] = (first, float(total))
    return totals


def _homework(
    client: Client, period: rules.Period, today: date, shared_reflections: bool
) -> list[rules.HomeworkLine]:
    items = db.session.scalars(
        select(HomeworkAssignment)
        .where(HomeworkAssignment.client_id == client.id)
        .options(defer(HomeworkAssignment.instructions))
        .order_by(HomeworkAssignment.start_date, HomeworkAssignment.id)
    ).all()
    # Completion dates as plain rows (a daily practice has hundreds in a year); the
    # reflections, encrypted, only for the client's summary and only the shared ones.
    entry = HomeworkEntry
    own = entry.assignment.has(HomeworkAssignment.client_id == client.id)
    done_on: dict[int, list[date]] = {}
    for assignment_id, day in db.session.execute(
        select(entry.assignment_id, entry.occurrence_date).where(
            own, entry.occurrence_date <= period.end
        )
    ):
        done_on.setdefault(assignment_id, []).append(day)
    shared: dict[int, list[tuple[date, str]]] = {}
    if shared_reflections:
        for assignment_id, day, text in db.session.execute(
            select(entry.assignment_id, entry.occurrence_date, entry.reflection)
            .where(
                own,
                entry.reflection_shared.is_(True),
                entry.reflection.is_not(None),
                entry.occurrence_date >= period.start,
                entry.occurrence_date <= period.end,
            )
            .order_by(entry.occurrence_date, entry.id)
        ):
            if text:
                shared.setdefault(assignment_id, []).append((day, text))
    # Adherence to date: a period that ends in the future expects nothing after today
    # (an occurrence done early still counts, see ``adherence``).
    until = min(period.end, today)
    lines = []
    for item in items:
        score = adherence(item.schedule, done_on.get(item.id, []), until)
        reflections = shared.get(item.id, [])
        lines.append(
            rules.HomeworkLine(
                title=item.title,
                schedule=item.recurrence,
                completed=score.completed,
                expected=score.expected,
                percent=score.percent,
                reflections=reflections,
            )
        )
    return lines


def gather(client: Client, request: ReportRequest, signer: User, today: date):
    """The report's data, as plain values (no ORM objects reach the template)."""
    practice = db.session.get(Practice, client.practice_id)
    header = _header(client, practice, request.period, today)
    sessions = _sessions(client, practice, request.period)
    medicine_days = [_local_day(s.starts_at, practice) for s in sessions if s.phase == "medicine"]
    if request.kind == rules.CLIENT:
        shared = db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.client_id == client.id, JournalEntry.visibility == "shared")
            .order_by(JournalEntry.created_at)
        ).all()
        return rules.ClientReport(
            header=header,
            goals=_goals(client, request.period),
            homework=_homework(client, request.period, today, shared_reflections=True),
            shared_journal=[
                (_local_day(e.created_at, practice), e.title or "", e.body)
                for e in shared
                if request.period.contains(_local_day(e.created_at, practice))
            ],
            measures=_measures(client, practice, request.period, medicine_days, plain=True)
            if request.include_measures
            else [],
            narrative=request.narrative,
        )
    thresholds = practice.vitals_thresholds
    parts = _session_parts(client, practice, request.period)
    doses, out_of_range, log, discharges = [], [], [], []
    for session in sessions:
        day = _local_day(session.starts_at, practice)
        for dose in parts.doses.get(session.id, []):
            doses.append(
                rules.DoseLine(
                    day,
                    dose.route,
                    dose.dose_mg,
                    dose.mg_per_kg,
                    dose.hold_override_reason,
                    readiness_codes=_codes(dose.override_findings),
                    readiness_reason=dose.override_reason,
                    readiness_by=dose.override_by or "",
                    retro_codes=_codes(dose.retro_findings),
                    retro_reason=dose.retro_reason,
                )
            )
        discharge = parts.discharges.get(session.id)
        if discharge is not None:
            discharges.append(
                rules.DischargeLine(
                    day=day,
                    outcome=discharge.outcome,
                    moment=utc_to_local(discharge.discharged_at, practice.timezone),
                    left_with=discharge.left_with or "",
                    unmet_codes=_codes(discharge.unmet_findings),
                    reason=discharge.reason or "",
                )
            )
        for vital in parts.vitals.get(session.id, []):
            flags = vital_rules.assess_reading(
                vital_rules.Reading(vital.systolic, vital.diastolic, vital.heart_rate, vital.spo2),
                thresholds,
            )
            if flags.out_of_range:
                reading = " · ".join(
                    part
                    for part in (
                        f"{vital.systolic}/{vital.diastolic}" if vital.systolic else "",
                        f"HR {vital.heart_rate}" if vital.heart_rate else "",
                        f"SpO₂ {vital.spo2}%" if vital.spo2 else "",
                    )
                    if part
                )
                out_of_range.append(
                    rules.VitalLine(
                        utc_to_local(vital.taken_at, practice.timezone),
                        reading,
                        (("hold",) if flags.hold else ()) + flags.alerts,
                    )
                )
        log.append(
            rules.SessionLine(
                day=day,
                modality=session.modality,
                phase=session.phase,
                summary=rules.summary_line(
                    session.summary,
                    {} if (session.summary or "").strip() else session.note_sections_text,
                ),
                addenda=parts.addenda.get(session.id, 0),
                signed=session.is_signed,
            )
        )
    return rules.ClinicalReport(
        header=header,
        sessions_by_phase=rules.count_by([s.phase for s in sessions], list(PHASE_LABELS)),
        sessions_by_modality=rules.count_by([s.modality for s in sessions], list(MODALITY_LABELS)),
        doses=doses,
        vitals_out_of_range=out_of_range,
        measures=_measures(client, practice, request.period, medicine_days, plain=False),
        goals=_goals(client, request.period),
        homework=_homework(client, request.period, today, shared_reflections=False),
        session_log=log,
        narrative=request.narrative,
        signer=signer.name,
        signer_credentials=signer.credentials,
        family=_family(client) if request.include_family else None,
        adverse_events=_adverse_events(client, practice, request.period),
        discharges=discharges,
    )


def _codes(stored: str) -> tuple[str, ...]:
    return tuple(code for code in stored.split(",") if code)


def _family(client: Client) -> rules.FamilySection | None:
    """The genogram and its events, as plain values for the report."""
    from tracker.services import family as family_service

    family = family_service.load(client)
    if not family.members:
        return None
    names = {m.id: m.relationship_label for m in family.members}
    events = []
    for event in sorted(
        family.events, key=lambda e: (e.start_year is None, e.start_year or 0, e.id)
    ):
        years = str(event.start_year or "?")
        if event.end_year:
            years += f"–{event.end_year}"
        who = names.get(event.member_id, event.branch or "")
        events.append((years, event.kind, who, event.spoken_of))
    return rules.FamilySection(
        layout=family_service.layout(family),
        people={
            m.id: rules.FamilyPerson(
                m.relationship_label,
                m.birth_year,
                m.birth_approximate,
                m.death_year,
                m.condition_keys,
            )
            for m in family.members
        },
        event_people={
            e.member_id: "resilience" if e.resilience else "trauma"
            for e in family.events
            if e.member_id
        },
        events=events,
    )


def record_report(
    client: Client,
    request: ReportRequest,
    actor: User,
    *,
    content_hash: str,
    pages: int | None,
    size_bytes: int,
    from_cache: bool | None = None,
) -> Report:
    """Record a printed report; ``pages=None`` for a reprint served from the cache, which
    takes the page count of the earlier printing of the same content (a reprint that
    knows its pages says ``from_cache=True``)."""
    if from_cache is None:
        from_cache = pages is None
    if pages is None:
        previous = db.session.scalar(
            select(Report.pages).where(Report.content_hash == content_hash).limit(1)
        )
        pages = previous or 0
    report = Report(
        client_id=client.id,
        kind=request.kind,
        period_start=request.period.start,
        period_end=request.period.end,
        narrative=request.narrative or None,
        include_measures=request.include_measures,
        content_hash=content_hash,
        pages=pages,
        size_bytes=size_bytes,
        from_cache=from_cache,
        created_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    return report


def reports_for(client: Client, kind: str | None = None) -> list[Report]:
    query = (
        select(Report)
        .where(Report.client_id == client.id)
        .options(joinedload(Report.created_by))
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    if kind:
        query = query.where(Report.kind == kind)
    return list(db.session.scalars(query))


def get_report(client: Client, report_id: int, kind: str | None = None) -> Report:
    from tracker.services import NotFound

    report = db.session.get(Report, report_id)
    if report is None or report.client_id != client.id or (kind and report.kind != kind):
        raise NotFound(report_id)
    return report


# --- The data part of the cache key ----------------------------------------------------
#
# A reprint is found without gathering (``tracker.printing.report_cache``): the key holds
# a digest of every stored row the report is built from, read raw (no decryption, no ORM
# objects, a fixed number of statements). Whole rows, not chosen columns: a column the
# report starts printing later cannot be forgotten here. The rows are the client's, not
# only the period's (a session moved into the period, a goal's outcome target judged on
# every response). Encrypted text is digested as stored: a new value is a new ciphertext
# (an unchanged value saved again may be too, which costs a fresh printing, never a stale
# one). The people are the exception: only their names and credentials are read, so a
# therapist signing in does not change every report.


def _raw(*columns) -> Select:
    """A select of ``columns`` as the database stores them (no decryption or zones)."""
    return select(*(type_coerce(column, NullType()).label(column.key) for column in columns))


def _whole(model) -> Select:
    return _raw(*model.__table__.columns).order_by(model.__table__.c.id)


@cache
def _fingerprint_statements(kind: str, include_family: bool) -> tuple[tuple[str, Select], ...]:
    """(name, statement) of every stored row ``gather`` reads for a request of this kind,
    built once (so SQLAlchemy reuses their compiled form): the parameters are the
    client's id, the practice's id and the ids of the primary therapist and signer."""
    client_id = bindparam("client_id")
    sessions = select(TherapySession.id).where(TherapySession.client_id == client_id)
    goals = select(IntegrationGoal.id).where(IntegrationGoal.client_id == client_id)
    assignments = select(HomeworkAssignment.id).where(HomeworkAssignment.client_id == client_id)
    dose = KetamineAdministration
    people = or_(
        User.id.in_(bindparam("people", expanding=True)),
        User.id.in_(select(CareTeamMember.user_id).where(CareTeamMember.client_id == client_id)),
        User.id.in_(select(dose.override_by_id).where(dose.session_id.in_(sessions))),
    )
    of_client = [
        CareTeamMember,
        TherapySession,
        AdverseEvent,
        MeasureResponse,
        IntegrationGoal,
        HomeworkAssignment,
    ]
    if kind == rules.CLIENT:
        of_client.append(JournalEntry)
    if include_family:
        of_client += [
            FamilyMember,
            FamilyParentLink,
            FamilyPartnership,
            FamilyRelationship,
            FamilyEvent,
        ]
    return (
        ("practice", _whole(Practice).where(Practice.id == bindparam("practice_id"))),
        ("client", _whole(Client).where(Client.id == client_id)),
        ("people", _raw(User.id, User.name, User.credentials).where(people).order_by(User.id)),
        *(
            (model.__tablename__, _whole(model).where(model.__table__.c.client_id == client_id))
            for model in of_client
        ),
        ("voids", _whole(SessionVoid).where(SessionVoid.session_id.in_(sessions))),
        ("doses", _whole(dose).where(dose.session_id.in_(sessions))),
        ("vitals", _whole(VitalSign).where(VitalSign.session_id.in_(sessions))),
        ("discharges", _whole(SessionDischarge).where(SessionDischarge.session_id.in_(sessions))),
        # Append-only: which addenda there are is all that can change.
        (
            "addenda",
            _raw(Addendum.id, Addendum.session_id)
            .where(Addendum.session_id.in_(sessions))
            .order_by(Addendum.id),
        ),
        ("ratings", _whole(GoalRating).where(GoalRating.goal_id.in_(goals))),
        ("entries", _whole(HomeworkEntry).where(HomeworkEntry.assignment_id.in_(assignments))),
    )


def data_fingerprint(client: Client, request: ReportRequest, signer: User) -> str:
    """A digest of every stored row the report for ``request`` is built from: any
    change that could change the printed report changes it."""
    digest = hashlib.sha256()
    parameters = {
        "client_id": client.id,
        "practice_id": client.practice_id,
        "people": [client.primary_therapist_id, signer.id],
    }
    db.session.flush()  # as gathering would: pending changes are part of the data
    connection = db.session.connection()
    for name, statement in _fingerprint_statements(request.kind, request.include_family):
        rows = connection.execute(statement, parameters).fetchall()
        # Plain tuples of str, int, float, date(time), Decimal, bool or None: their
        # repr is complete (a Row's own repr shortens long values) and stable.
        digest.update(f"\x00{name}\x00{[tuple(row) for row in rows]!r}".encode())
    return digest.hexdigest()
