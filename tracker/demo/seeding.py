"""The demo practice, recorded through the same services the app's pages use, so the
demo can never hold what the app would refuse (a refusal stops the seeding loudly).

Services flush and never commit: ``seed_demo`` commits once, at the end, so a refusal
leaves no half-seeded practice behind. Moments in the past (a decision, a signature,
a completed practice) are given to the services that take a ``now``.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tracker import settings
from tracker.demo import data
from tracker.domain import readiness
from tracker.domain.clients import ScreeningDecision
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.domain.homework import occurrences
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.policy import CareTeamRole, Role
from tracker.domain.vitals import Reading
from tracker.extensions import db
from tracker.models import (
    Client,
    HomeworkAssignment,
    IntegrationGoal,
    Practice,
    TherapySession,
    User,
)
from tracker.models.base import utcnow
from tracker.services import accounts, invitations
from tracker.services import adverse_events as adverse_event_service
from tracker.services import clients as client_service
from tracker.services import family as family_service
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.services import journal as journal_service
from tracker.services import measures as measure_service
from tracker.services import medicine as medicine_service
from tracker.services import planning as planning_service
from tracker.services import practice as practice_service
from tracker.services import sessions as session_service


class SeedRefused(RuntimeError):
    """Seeding was refused (production configuration)."""


def demo_practice() -> Practice | None:
    """The demo practice, if it has been seeded."""
    return db.session.scalar(select(Practice).where(Practice.name == data.DEMO_PRACTICE))


@dataclass
class _Demo:
    """What the seeding steps share: the practice, its people and the moment of seeding."""

    practice: Practice
    now: datetime
    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    clients: dict[str, Client] = field(default_factory=dict)  # by legal name

    @property
    def today(self) -> date:
        """The practice's day on which the demo is seeded."""
        return utc_to_local(self.now, self.practice.timezone).date()


def seed_demo(*, env_name: str) -> tuple[Practice, bool]:
    """Create the demo practice if absent (and commit); returns it and whether anything
    was created."""
    if env_name == "production":
        raise SeedRefused("refusing to seed demo data into a production configuration")
    practice = demo_practice()
    if practice is not None:
        return practice, False
    demo = _Demo(_add_practice(), utcnow())
    _add_staff(demo)
    for spec in data.DEMO_CLIENTS:
        _add_client(demo, spec)
    for legal_name, course in data.DEMO_COURSES.items():
        _add_course(demo, demo.clients[legal_name], course)
    homework_service.seed_library(demo.practice)
    _add_integration(demo)
    _add_measures(demo)
    _add_family(demo.clients[data.SAM])
    _add_today(demo)
    db.session.commit()
    return demo.practice, True


# --- the practice and its people ------------------------------------------------------

SETTING_NAMES = (
    *practice_service.TEXT_FIELDS,
    *practice_service.THRESHOLD_FIELDS,
    *practice_service.MEDICINE_FIELDS,
    *practice_service.ALERT_FIELDS,
)


def _add_practice() -> Practice:
    # No service creates a practice (the create-user command writes its row, too); its
    # settings then go through the service of the practice settings page.
    practice = Practice(name=data.DEMO_PRACTICE, timezone=data.PRACTICE_TIMEZONE)
    db.session.add(practice)
    db.session.flush()
    current = {name: getattr(practice, name) for name in SETTING_NAMES}
    checklist = practice_service.checklist_text(practice)
    practice_service.update_settings(
        practice, {**current, "checklist_text": checklist, **data.PRACTICE_SETTINGS}
    )
    return practice


def _add_staff(demo: _Demo) -> None:
    for account in data.DEMO_ACCOUNTS:
        if account.role == Role.CLIENT:
            continue  # made by the client's portal invitation
        demo.users[account.email] = accounts.create_user(
            practice_id=demo.practice.id, password=data.DEMO_PASSWORD, **asdict(account)
        )
    accounts.set_backup_clinician(demo.users[data.BACKUP_CLINICIAN], True)


def _add_client(demo: _Demo, spec: data.DemoClient, course_start: date | None = None) -> Client:
    """The client on the therapist's caseload, the care team, the portal account, the
    medical screening and the consents."""
    therapist = demo.users[spec.therapist]
    intake = data.INTAKES[spec.legal_name]
    client = client_service.create_client(
        therapist,
        {
            "preferred_name": spec.preferred_name,
            "legal_name": spec.legal_name,
            "date_of_birth": spec.birth,
            "pronouns": spec.pronouns,
            "email": f"{spec.preferred_name.lower()}@example.org",
            "status": intake.status,
            "course_start_date": course_start or intake.course_start,
            "referral_source": intake.referral,
            "presenting_concerns": data.CONCERNS[spec.legal_name],
            **data.CLIENT_CONTACT,
        },
    )
    demo.clients[spec.legal_name] = client
    screening = data.SCREENINGS[spec.legal_name]
    if screening.prescriber:
        prescriber = demo.users[screening.prescriber]
        client_service.add_care_team_member(
            client, prescriber.id, CareTeamRole.PRESCRIBER, therapist
        )
    if spec.portal:
        _open_portal(demo, client, spec.portal, therapist)
    _screen(demo, client, screening, therapist)
    return client


def _open_portal(demo: _Demo, client: Client, email: str, therapist: User) -> None:
    """Invite the client to the portal, and follow the link to set the password."""
    lifetime = settings.setting("INVITATION_LIFETIME")
    invitation = invitations.invite(client, therapist, email, lifetime)
    link = accounts.find_valid_token(invitation.token, purpose=accounts.PURPOSE_INVITATION)
    demo.users[email] = accounts.redeem_token(link, data.DEMO_PASSWORD)


def _reviewed(blood_pressure: tuple[int, int]) -> dict[str, object]:
    """What a clearance rests on besides the weight: blood pressure and the reviews."""
    systolic, diastolic = blood_pressure
    return {
        "bp_systolic": systolic,
        "bp_diastolic": diastolic,
        "medications_reviewed": True,
        "contraindications_reviewed": True,
    }


def _screen(demo: _Demo, client: Client, spec: data.DemoScreening, therapist: User) -> None:
    """Screened two weeks before the course: the prescriber decided then, or the
    therapist asked her to review; consent given the same day by those cleared."""
    course_start = client.course_start_date or data.UNPLANNED_COURSE_START
    screened = course_start - data.SCREENING_BEFORE_COURSE
    flags = dict.fromkeys(spec.flags, True)
    answers = {
        "screened_on": screened,
        "weight_kg": Decimal(spec.weight),
        "medications": spec.medications,
        "allergies": None,
        "notes": spec.notes,
        "decision": spec.decision,
        **flags,
    }
    if spec.decision == ScreeningDecision.PENDING:
        client_service.record_screening(client, therapist, answers, now=demo.now)
    else:
        prescriber = demo.users[spec.prescriber]
        decided_at = datetime.combine(screened, data.DECIDED_AT, tzinfo=UTC)
        answers |= _reviewed(data.SCREENING_BP)
        client_service.record_screening(client, prescriber, answers, now=decided_at)
        if readiness.add_months(screened, data.YEARLY_REVIEW_AFTER_MONTHS) <= demo.today:
            review = {
                "screened_on": demo.today,
                "weight_kg": Decimal(spec.weight),
                "decision": spec.decision,
                "notes": data.YEARLY_REVIEW_NOTES,
                **_reviewed(data.YEARLY_REVIEW_BP),
                **flags,
            }
            client_service.record_screening(client, prescriber, review, now=demo.now)
    if spec.decision == ScreeningDecision.CLEARED:
        for kind in data.CONSENTS:
            client_service.record_consent(
                client, therapist, kind=kind, version=data.CONSENT_VERSION, given_on=screened
            )


# --- sessions -------------------------------------------------------------------------


def _add_course(demo: _Demo, client: Client, course: tuple[data.DemoSession, ...]) -> None:
    start = datetime.combine(client.course_start_date, data.COURSE_DAY_STARTS, tzinfo=UTC)
    weight, _ = session_service.latest_weight(client)
    for spec in course:
        _add_session(demo, client, spec, start + timedelta(days=spec.day_offset), weight)


def _add_session(
    demo: _Demo, client: Client, spec: data.DemoSession, starts_at: datetime, weight: Decimal
) -> None:
    """The note, the readings, the dose and the brainspots; signed half an hour after
    the end unless the spec leaves it a draft."""
    therapist = client.primary_therapist
    fields = {
        "starts_at": starts_at,
        "duration_minutes": spec.minutes,
        "modality": spec.modality,
        "phase": spec.phase,
        "setting": "in_person",
        "intention": data.INTENTION if spec.phase == "medicine" else None,
        "note_format": "soap",
        "summary": f"{spec.phase.replace('_', ' ').capitalize()} session.",
        "suicide_screen": "negative",
    }
    note = data.SOAP_NOTES.get(spec.phase, data.SOAP_NOTES["integration"])
    session = session_service.create_session(client, therapist, fields, note)
    if spec.vitals:
        session_service.add_vitals(session, therapist, _readings(spec.vitals, starts_at))
    if spec.dose_mg:
        _give_dose(demo, client, session, spec, weight)
    for spot in spec.spots:
        _add_spot(session, therapist, spot, dosed=spec.dose_mg is not None)
    if spec.signed:
        db.session.expire(session)  # read the parts afresh, as the request that signs would
        signed_at = session.ends_at + data.SIGNED_AFTER_END
        session_service.sign_session(
            session, therapist, session.version, now=signed_at, practice=demo.practice
        )


def _readings(chart: str, starts_at: datetime) -> list[tuple[datetime, Reading, str]]:
    """``"0: 128/82 72 98, 30: …"`` (minutes after the start) as ``add_vitals`` takes them."""
    readings = []
    for entry in chart.split(","):
        minute, values = entry.split(":")
        pressure, heart_rate, spo2 = values.split()
        systolic, diastolic = pressure.split("/")
        reading = Reading(int(systolic), int(diastolic), int(heart_rate), int(spo2))
        readings.append((starts_at + timedelta(minutes=int(minute)), reading, ""))
    return readings


def _give_dose(
    demo: _Demo, client: Client, session: TherapySession, spec: data.DemoSession, weight: Decimal
) -> None:
    """The checklist, then the dose; the discharge of a session that is signed; Sam's
    nausea."""
    practice = demo.practice
    therapist = client.primary_therapist
    medicine_service.set_checklist(session, practice, list(practice.checklist_items))
    given_at = session.starts_at + data.DOSE_AFTER
    prescribers = session_service.prescribers_of(client)
    request = session_service.DoseRequest(
        route=spec.route,
        dose_mg=Decimal(spec.dose_mg),
        weight_kg=weight,
        given_at=given_at,
        lot_number=data.LOT_NUMBER,
        prescriber_id=prescribers[0].user_id if prescribers else None,
        adjuncts="",
        sitter=data.SITTER,
        unusual_confirmed=False,
        unusual_reason="",
        override_reason=spec.override_reason,
    )
    # Only the prescriber may dose despite a finding: she records that dose herself.
    actor = demo.users[data.PRESCRIBER] if spec.override_reason else therapist
    recorded_at = given_at - timedelta(minutes=1)
    session_service.add_administration(session, practice, actor, request, now=recorded_at)
    if spec.signed:
        discharge = {
            "discharged_at": session.ends_at - data.DISCHARGE_BEFORE_END,
            "outcome": "home",
            "oriented_and_steady": True,
            "escort_or_transport": True,
            "left_with": data.LEFT_WITH,
        }
        medicine_service.record_discharge(session, practice, therapist, discharge)
    if spec.adverse_event:
        nausea = adverse_event_service.EventData(
            **data.NAUSEA,
            onset_at=session.starts_at + data.NAUSEA_AFTER_START,
            session_id=session.id,
        )
        adverse_event_service.record(client, therapist, practice, nausea, demo.now)


def _add_spot(
    session: TherapySession, therapist: User, spot: data.DemoSpot, *, dosed: bool
) -> None:
    """A brainspot, linked to the same spot in the client's earlier sessions."""
    earlier = next(
        (
            record.id
            for record in session_service.earlier_spots(session)
            if (record.x, record.y) == (spot.x, spot.y)
        ),
        None,
    )
    session_service.add_brainspot(
        session,
        therapist,
        {
            **data.BRAINSPOT,
            **asdict(spot),
            "minutes_since_dose": data.SPOT_MINUTES_AFTER_DOSE if dosed else None,
            "earlier_spot_id": earlier,
        },
    )


# --- goals, homework, journal ---------------------------------------------------------


def _add_integration(demo: _Demo) -> None:
    """Goals with ratings, homework with a history of completions, journal entries."""
    library = {t.title: t for t in homework_service.templates(demo.practice.id)}
    rng = random.Random(5)
    for legal_name, goal_specs in data.DEMO_GOALS.items():
        client = demo.clients[legal_name]
        goals = [_add_goal(client, spec, demo.today) for spec in goal_specs]
        for spec in data.DEMO_HOMEWORK[legal_name]:
            title, goal_index, recurrence, weekdays, start, due = spec
            template = library[title]
            assignment = homework_service.assign(
                client,
                client.primary_therapist,
                {
                    "template_id": template.id,
                    "goal_id": goals[goal_index].id,
                    "title": template.title,
                    "instructions": template.instructions,
                    "recurrence": recurrence,
                    "weekdays": weekdays,
                    "start_date": demo.today + timedelta(days=start),
                    "due_date": demo.today + timedelta(days=due) if due is not None else None,
                },
            )
            _practise(assignment, demo.today, rng, hard=legal_name in data.HARD_FORTNIGHT)
        for title, body, visibility, days_ago in data.DEMO_JOURNAL:
            journal_service.write(
                client,
                client.portal_user,
                title=title,
                body=body,
                visibility=visibility,
                now=demo.now - timedelta(days=days_ago),
            )


def _add_goal(client: Client, spec: data.DemoGoal, today: date) -> IntegrationGoal:
    """A goal begun a few weeks ago, rated weekly by the therapist and the client in turn."""
    title, domain, why, baseline, target, ratings = spec
    started = today - timedelta(days=7 * len(ratings) + 3)
    therapist = client.primary_therapist
    goal = goal_service.create_goal(
        client,
        therapist,
        {
            "title": title,
            "domain": domain,
            "why_it_matters": why,
            "baseline": baseline,
            "target": target,
            "status": "active",
        },
        started,
    )
    for week, value in enumerate(ratings):
        by_client = week % 2 == 1
        goal_service.add_rating(
            goal,
            client.portal_user if by_client else therapist,
            value=value,
            comment=data.CLIENT_RATING_COMMENT if by_client else None,
            rated_on=started + timedelta(days=7 * week + 3),
            by_client=by_client,
        )
    return goal


def _practise(
    assignment: HomeworkAssignment, today: date, rng: random.Random, *, hard: bool
) -> None:
    """The client marks about seven practices in ten done, each in the evening, until
    yesterday; after a hard fortnight (``hard``) only one in five of the last two weeks."""
    for day in occurrences(assignment.schedule, today - timedelta(days=1)):
        done = rng.random() < 0.7
        if hard and day >= today - timedelta(days=13):
            done = (today - day).days % 5 == 0  # Today shows the dip
        if done:
            homework_service.complete(
                assignment,
                day,
                reflection=rng.choice(data.DEMO_REFLECTIONS),
                shared=rng.random() < 0.8,
                today=today,
                now=datetime.combine(day, data.HOMEWORK_DONE_AT, tzinfo=UTC),
            )


# --- outcome measures -----------------------------------------------------------------


def answers_for(code: str, total: int) -> list[int]:
    """Item answers that add up to ``total`` (spread evenly; PHQ-9 item 9 kept at 0)."""
    instrument = ITEM_INSTRUMENTS[code]
    count = len(instrument.items) - (1 if code == "phq9" else 0)
    top = instrument.max_answer
    answers = [0] * len(instrument.items)
    for index in range(total):
        slot = index % count
        while answers[slot] >= top:
            slot = (slot + 1) % count
        answers[slot] += 1
    return answers


def _add_measures(demo: _Demo) -> None:
    """Questionnaires answered in the portal over the course, and the schedules ahead."""
    for legal_name, rows in data.DEMO_MEASURES.items():
        client = demo.clients[legal_name]
        start = client.course_start_date
        for code, day, total in rows:
            measure_service.submit_answers(
                client,
                client.portal_user,
                instrument=code,
                answers=answers_for(code, total),
                extra_answer=data.PHQ9_DIFFICULTY if code == "phq9" else None,
                completed_on=start + timedelta(days=day),
                by_client=True,
            )
        for instrument, kind, every_days in data.DEMO_MEASURE_SCHEDULES:
            measure_service.assign(
                client,
                client.primary_therapist,
                instrument=instrument,
                kind=kind,
                every_days=every_days,
                start=start,
            )


# --- family history -------------------------------------------------------------------


def _add_family(client: Client) -> None:
    """Sam's genogram: the people, who is whose parent and partner, how close they are,
    what happened to them, and the links of his family-patterns goal."""
    people = {}
    for key, label, sex, born, died, conditions, name in data.SAM_FAMILY:
        person = {
            "relationship_label": label,
            "sex": sex,
            "birth_year": born,
            "death_year": died,
            "conditions": conditions.split(",") if conditions else (),
            "name": name,
        }
        people[key] = family_service.add_member(
            client, person, relation="none", anchor_id=None, link_kind="biological"
        )
    people["client"] = family_service.ensure_client_node(client, family_service.load(client))
    family_service.update_member(client, people["client"], {"sex": data.SAM_SEX})
    for parent, child in data.SAM_PARENTS:
        family_service.add_parent_link(
            client,
            {"parent_id": people[parent].id, "child_id": people[child].id, "kind": "biological"},
        )
    for a, b, kind, start, end in data.SAM_PARTNERSHIPS:
        family_service.add_partnership(
            client,
            {
                "a_id": people[a].id,
                "b_id": people[b].id,
                "kind": kind,
                "start_year": start,
                "end_year": end,
            },
        )
    for a, b, quality in data.SAM_RELATIONSHIPS:
        family_service.add_relationship(
            client, {"a_id": people[a].id, "b_id": people[b].id, "quality": quality}
        )
    events = {}
    for kind, who, start, end, spoken, description in data.SAM_EVENTS:
        events[kind] = family_service.add_event(
            client,
            {
                "member_id": people[who].id if who in people else None,
                "branch": None if who in people else who,
                "kind": kind,
                "start_year": start,
                "end_year": end,
                "spoken_of": spoken,
                "description": description,
            },
        )
    goal = next(g for g in goal_service.goals_for_client(client) if g.domain == "family_patterns")
    for part, key in data.SAM_GOAL_LINKS:
        family_service.link_goal(
            client,
            goal,
            member_id=people[key].id if part == "member" else None,
            event_id=events[key].id if part == "event" else None,
        )


# --- Today: the therapist's day, relative to the day of seeding -----------------------


def _add_today(demo: _Demo) -> None:
    """A full Today for therapist@demo.test, whenever the demo is seeded: an alert not
    yet acknowledged, a session planned for today, notes unsigned for over 24 hours and
    over 7 days (Sam's integration note of October), an overdue questionnaire, a
    medicine session waiting for its integration session, and Sam's homework below 50 %
    over the last two weeks (``HARD_FORTNIGHT``)."""
    therapist = demo.users[data.THERAPIST]
    _add_elif(demo, therapist)
    zone = demo.practice.timezone
    draft_day = demo.today - timedelta(days=data.ROSA_DRAFT_DAYS_AGO)
    session_service.create_session(
        demo.clients[data.ROSA],
        therapist,
        {
            "starts_at": local_to_utc(draft_day, data.ROSA_DRAFT_AT, zone),
            "duration_minutes": 60,
            "modality": "kap",
            "phase": "preparation",
            "setting": "in_person",
            "note_format": "soap",
            "suicide_screen": "negative",
        },
        {"subjective": data.SOAP_NOTES["preparation"]["subjective"]},
    )
    for legal_name, days, at, minutes, phase in data.DEMO_PLANS:
        plan = {
            "starts_at": local_to_utc(demo.today + timedelta(days=days), at, zone),
            "duration_minutes": minutes,
            "modality": "kap",
            "phase": phase,
            "setting": "in_person",
        }
        planning_service.plan_session(
            demo.clients[legal_name], therapist, demo.practice, plan, demo.now
        )


def _add_elif(demo: _Demo, therapist: User) -> None:
    """Elif, four weeks into her course: a questionnaire schedule and the PHQ-9 she
    answered on the phone yesterday, whose item 9 raised an alert three hours ago."""
    course_start = demo.today - timedelta(days=data.ELIF_COURSE_DAYS)
    elif_ = _add_client(demo, data.ELIF_CLIENT, course_start)
    _add_course(demo, elif_, data.ELIF_COURSE)
    instrument, kind, every_days = data.ELIF_SCHEDULE
    measure_service.assign(
        elif_,
        therapist,
        instrument=instrument,
        kind=kind,
        every_days=every_days,
        start=course_start,
    )
    answers = answers_for("phq9", data.ELIF_PHQ9_TOTAL)
    answers[8] = data.ELIF_PHQ9_ITEM_9
    measure_service.submit_answers(
        elif_,
        therapist,
        instrument="phq9",
        answers=answers,
        extra_answer=data.PHQ9_DIFFICULTY,
        completed_on=demo.today - timedelta(days=1),
        by_client=False,
        now=demo.now - data.ELIF_ALERT_AGE,
    )
