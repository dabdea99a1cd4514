"""The demo practice: a realistic, small practice for trying the app, and a large
generated one for benchmarks. Everything here is invented."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from tracker.domain import readiness
from tracker.domain.clients import ConsentKind, ScreeningDecision
from tracker.domain.dosing import mg_per_kg as dosing_mg_per_kg
from tracker.domain.genogram import RESILIENCE_EVENT_LABELS
from tracker.domain.policy import CareTeamRole, Role
from tracker.extensions import db
from tracker.models import CareTeamMember, Client, Consent, MedicalScreening, Practice, User
from tracker.models.base import utcnow
from tracker.services import accounts

DEMO_PRACTICE = "Demo Practice"
DEMO_PASSWORD = "demo-password-123"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    credentials: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.test", "Alex Admin", Role.ADMIN),
    DemoAccount("therapist@demo.test", "Dr. Maya Rivera", Role.THERAPIST, "PsyD, LMFT"),
    DemoAccount("therapist2@demo.test", "Jonah Weiss", Role.THERAPIST, "LCSW"),
    DemoAccount("prescriber@demo.test", "Dr. Priya Nair", Role.THERAPIST, "MD, Psychiatrist"),
    DemoAccount("client@demo.test", "Sam Okafor", Role.CLIENT),
    DemoAccount("client2@demo.test", "Lena Hoffmann", Role.CLIENT),
)


@dataclass(frozen=True)
class DemoClient:
    preferred_name: str
    legal_name: str
    birth: date
    pronouns: str
    therapist: str
    portal: str | None
    status: str
    course_start: date | None
    referral: str
    concerns: str
    weight: str
    decision: ScreeningDecision
    flags: tuple[str, ...] = ()


DEMO_CLIENTS = (
    DemoClient(
        "Sam",
        "Samuel Okafor",
        date(1987, 4, 12),
        "he/him",
        "therapist@demo.test",
        "client@demo.test",
        "active",
        date(2026, 9, 1),
        "Self-referred",
        "Treatment-resistant depression since his twenties; grief after his father's death; "
        "wants to understand the silence about the civil war in his family.",
        "82.0",
        ScreeningDecision.CLEARED,
    ),
    DemoClient(
        "Lena",
        "Magdalena Hoffmann",
        date(1979, 11, 3),
        "she/her",
        "therapist2@demo.test",
        "client2@demo.test",
        "active",
        date(2026, 10, 6),
        "Dr. Baum, psychiatrist",
        "PTSD after a car accident; anxiety; inherited fear of scarcity from grandparents "
        "who were displaced after 1945.",
        "64.5",
        ScreeningDecision.CLEARED,
    ),
    DemoClient(
        "Rosa",
        "Rosa María Delgado",
        date(1992, 7, 21),
        "she/her",
        "therapist@demo.test",
        None,
        "active",
        date(2026, 10, 20),
        "Community clinic",
        "Chronic anxiety and body tension; intergenerational pattern of migration and separation.",
        "58.0",
        ScreeningDecision.PENDING,
        ("uncontrolled_hypertension",),
    ),
    DemoClient(
        "Kai",
        "Kai Nakamura",
        date(1995, 2, 8),
        "they/them",
        "therapist@demo.test",
        None,
        "paused",
        date(2026, 6, 15),
        "Former client's recommendation",
        "Depression with dissociative episodes; paused during a move.",
        "70.0",
        ScreeningDecision.CLEARED,
    ),
    DemoClient(
        "David",
        "David Levi",
        date(1968, 9, 30),
        "he/him",
        "therapist@demo.test",
        None,
        "discharged",
        date(2025, 11, 1),
        "Self-referred",
        "Alcohol use in remission; shame carried from his parents' survivor stories.",
        "91.0",
        ScreeningDecision.CLEARED,
    ),
    DemoClient(
        "Amina",
        "Amina Haddad",
        date(1990, 1, 17),
        "she/her",
        "therapist2@demo.test",
        None,
        "active",
        None,
        "Primary care physician",
        "Panic attacks since forced relocation; screening found a history of psychosis "
        "in the family to review.",
        "61.0",
        ScreeningDecision.NOT_CLEARED,
        ("psychosis_history",),
    ),
)


class SeedRefused(RuntimeError):
    """Seeding was refused (production configuration)."""


def demo_practice() -> Practice | None:
    return db.session.scalar(select(Practice).where(Practice.name == DEMO_PRACTICE))


def seed_demo(*, env_name: str) -> tuple[Practice, bool]:
    """Create the demo practice if absent; returns it and whether anything was created."""
    if env_name == "production":
        raise SeedRefused("refusing to seed demo data into a production configuration")
    practice = demo_practice()
    if practice is not None:
        return practice, False
    practice = Practice(
        name=DEMO_PRACTICE,
        timezone="Europe/Berlin",
        address="12 Linden Street\nSpringfield",
        letterhead_text="Demo Practice · Ketamine-assisted psychotherapy and brainspotting",
        report_footer="Confidential. Prepared for the named recipient only.",
        # No text of its own: clients read the German defaults in their language.
        crisis_country="DE",
    )
    db.session.add(practice)
    db.session.flush()
    users = {
        account.email: accounts.create_user(
            practice_id=practice.id,
            email=account.email,
            name=account.name,
            role=account.role,
            credentials=account.credentials,
            password=DEMO_PASSWORD,
        )
        for account in DEMO_ACCOUNTS
    }
    # Unanswered safety alerts escalate to a colleague: Jonah covers for the practice.
    accounts.set_backup_clinician(users["therapist2@demo.test"], True)
    for spec in DEMO_CLIENTS:
        _add_demo_client(practice, spec, users)
    sam = db.session.scalar(select(Client).where(Client.legal_name == "Samuel Okafor"))
    sam.care_team.append(
        CareTeamMember(
            user_id=users["prescriber@demo.test"].id,
            role=CareTeamRole.PRESCRIBER,
            added_by_id=users["therapist@demo.test"].id,
        )
    )
    db.session.flush()
    _add_demo_courses(users)
    from tracker.services import homework as homework_service

    homework_service.seed_library(practice)
    _add_demo_integration(practice, users)
    _add_demo_measures()
    _add_demo_family()
    _add_demo_today(practice, users)
    return practice, True


def _add_demo_client(practice: Practice, spec: DemoClient, users: dict[str, User]) -> Client:
    therapist = users[spec.therapist]
    client = Client(
        practice_id=practice.id,
        primary_therapist_id=therapist.id,
        portal_user_id=users[spec.portal].id if spec.portal else None,
        preferred_name=spec.preferred_name,
        legal_name=spec.legal_name,
        date_of_birth=spec.birth,
        pronouns=spec.pronouns,
        email=f"{spec.preferred_name.lower()}@example.org",
        status=spec.status,
        course_start_date=spec.course_start,
        referral_source=spec.referral,
        presenting_concerns=spec.concerns,
        emergency_contact_name="Next of kin on file",
        emergency_contact_phone="+1 555 0100",
    )
    db.session.add(client)
    db.session.flush()
    screened = (spec.course_start or date(2026, 11, 1)) - timedelta(days=14)
    decided = spec.decision != ScreeningDecision.PENDING
    prescriber = users["prescriber@demo.test"]
    db.session.add(
        MedicalScreening(
            client_id=client.id,
            screened_on=screened,
            weight_kg=spec.weight,
            medications="Sertraline 100 mg daily"
            if spec.preferred_name in {"Sam", "Lena"}
            else None,
            allergies=None,
            notes="Blood pressure 148/95 at intake; recheck after GP review."
            if spec.flags
            else None,
            decision=spec.decision,
            decided_by_id=prescriber.id if decided else None,
            # decided when screened: a clearance holds for the practice's period (12 months)
            decided_at=datetime.combine(screened, time(12, 0), tzinfo=UTC) if decided else None,
            bp_systolic=124 if decided else None,
            bp_diastolic=78 if decided else None,
            medications_reviewed=decided,
            contraindications_reviewed=decided,
            clearance_requested_by_id=None if decided else therapist.id,
            clearance_requested_at=None if decided else utcnow(),
            recorded_by_id=therapist.id,
            **dict.fromkeys(spec.flags, True),
        )
    )
    if decided and readiness.add_months(screened, 11) <= date.today():
        # The demo's dates are fixed: once a clearance would lapse within a month, the
        # prescriber's yearly review is recorded on the day the demo is seeded.
        db.session.add(
            MedicalScreening(
                client_id=client.id,
                screened_on=date.today(),
                weight_kg=spec.weight,
                decision=spec.decision,
                decided_by_id=prescriber.id,
                decided_at=utcnow(),
                bp_systolic=122,
                bp_diastolic=76,
                medications_reviewed=True,
                contraindications_reviewed=True,
                notes="Yearly review: nothing new.",
                recorded_by_id=prescriber.id,
                **dict.fromkeys(spec.flags, True),
            )
        )
    if spec.decision == ScreeningDecision.CLEARED:
        for kind in (ConsentKind.KAP_INFORMED, ConsentKind.DATA_PROCESSING, ConsentKind.PORTAL):
            db.session.add(
                Consent(
                    client_id=client.id,
                    kind=kind,
                    version="2026-01",
                    given_on=screened,
                    recorded_by_id=therapist.id,
                )
            )
    return client


FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Dmitri",
    "Esra",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lior",
    "Mara",
    "Nico",
    "Olu",
    "Paz",
    "Quinn",
    "Rahel",
    "Sora",
    "Tomas",
)
LAST_NAMES = (
    "Abebe",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fujita",
    "Gallo",
    "Horvat",
    "Ibrahim",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Osei",
    "Petrov",
)


def seed_bulk_clients(practice: Practice, count: int, *, seed: int = 7) -> int:
    """Add ``count`` generated clients spread over the practice's therapists (bulk insert).

    Deterministic for a given seed and starting state, so ids are stable run to run.
    """
    rng = random.Random(seed)
    therapists = list(
        db.session.scalars(
            select(User.id)
            .where(User.practice_id == practice.id, User.role == Role.THERAPIST)
            .order_by(User.id)
        )
    )
    start = db.session.scalar(select(func.count(Client.id))) or 0
    rows = []
    for index in range(count):
        first = FIRST_NAMES[(start + index) % len(FIRST_NAMES)]
        last = LAST_NAMES[(start + index) // len(FIRST_NAMES) % len(LAST_NAMES)]
        rows.append(
            {
                "practice_id": practice.id,
                "primary_therapist_id": therapists[index % len(therapists)],
                "preferred_name": first,
                "legal_name": f"{first} {last} {start + index + 1}",
                "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50)),
                "status": rng.choice(("active", "active", "active", "paused", "discharged")),
                "course_start_date": date(2025, 1, 1) + timedelta(days=rng.randrange(650)),
                "referral_source": rng.choice(("Self-referred", "Psychiatrist", "GP")),
                "presenting_concerns": "Generated demo client: depression and anxiety.",
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    if rows:
        db.session.execute(insert(Client), rows)
    return len(rows)


# --- sessions -------------------------------------------------------------------------

SOAP_NOTES = {
    "intake": {
        "subjective": "Describes a long, grey depression and a family in which nobody speaks "
        "about the war. Sleeps poorly; works; isolates at weekends.",
        "objective": "Soft-spoken, good eye contact, constricted affect, oriented.",
        "assessment": "Recurrent major depression, moderate; intergenerational trauma themes; "
        "suitable for KAP pending medical clearance.",
        "plan": "Medical screening with the prescriber; two preparation sessions.",
    },
    "preparation": {
        "subjective": "Nervous about losing control under the medicine; curious too.",
        "objective": "Engaged, asked good questions about the experience.",
        "assessment": "Ready for a first medicine session; resources in place.",
        "plan": "Practise the grounding breath daily; set an intention.",
    },
    "medicine": {
        "subjective": "Arrived calm; intention read aloud.",
        "objective": "Eyes shades on, music; quiet for most of the session; wept at minute 40.",
        "assessment": "Deep, safe session; material about the father surfaced.",
        "plan": "Integration session within three days; journal tonight.",
    },
    "integration": {
        "subjective": "Remembers an image of the father as a boy; feels tender rather than angry.",
        "objective": "Brighter affect; spoke freely.",
        "assessment": "Meaning-making under way; no adverse effects.",
        "plan": "Letter to an ancestor as homework; next medicine session in a week.",
    },
}


@dataclass(frozen=True)
class DemoSession:
    day_offset: int  # days after the course start
    phase: str
    modality: str
    minutes: int = 60
    dose_mg: str | None = None
    route: str = "im"
    vitals: tuple[tuple[int, int, int, int, int], ...] = ()  # minute, sys, dia, hr, spo2
    spots: tuple[tuple[str, int, int, int, int], ...] = ()  # type, x, y, suds start, end
    signed: bool = True
    adverse_event: bool = False  # nausea after the dose, treated and resolved


SAM_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(5, "preparation", "kap"),
    DemoSession(12, "preparation", "kap"),
    DemoSession(
        19,
        "medicine",
        "kap",
        150,
        "60",
        "im",
        ((0, 128, 82, 72, 98), (30, 136, 86, 84, 97), (90, 124, 80, 70, 98)),
    ),
    DemoSession(21, "integration", "kap"),
    DemoSession(
        26,
        "medicine",
        "kap",
        150,
        "70",
        "im",
        ((0, 138, 86, 80, 98), (10, 146, 92, 84, 98), (45, 134, 84, 78, 97)),
    ),
    DemoSession(29, "integration", "kap"),
    DemoSession(  # fully monitored: every 15 minutes, the 40-minute re-check, discharge
        40,
        "medicine",
        "kap",
        165,
        "80",
        "im",
        (
            (5, 126, 80, 70, 99),
            (30, 134, 84, 82, 98),
            (45, 138, 86, 84, 97),
            (55, 132, 84, 80, 98),
            (70, 128, 82, 76, 98),
            (85, 126, 80, 74, 98),
            (100, 124, 80, 72, 99),
            (115, 122, 78, 70, 99),
            (130, 120, 78, 68, 99),
            (145, 120, 76, 68, 99),
        ),
        signed=True,
        adverse_event=True,
    ),
    DemoSession(55, "integration", "kap", signed=False),
)

LENA_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(7, "preparation", "kabsp", spots=(("resource", 1, 0, 2, 1),)),
    DemoSession(
        14,
        "medicine",
        "kabsp",
        120,
        "200",
        "sublingual",
        ((0, 118, 76, 66, 99), (30, 126, 80, 74, 98)),
        (("activation", -2, 1, 8, 4), ("resource", 1, 0, 3, 1)),
    ),
    DemoSession(16, "integration", "kabsp", spots=(("activation", -2, 1, 6, 3),)),
    DemoSession(
        28,
        "medicine",
        "kabsp",
        120,
        "250",
        "sublingual",
        ((0, 120, 78, 70, 99),),
        (("activation", -2, 1, 7, 2),),
        signed=False,
    ),
)

KAI_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(10, "preparation", "kap"),
    DemoSession(
        17, "medicine", "kap", 150, "55", "im", ((0, 122, 78, 68, 98), (100, 120, 76, 66, 98))
    ),
)


def _add_demo_dose(session, spec: DemoSession, client: Client, weight: Decimal, users) -> None:
    """The dose 15 minutes in, after the checklist; the prescriber's override where the
    last pre-dose reading was above the hold line; the discharge; Sam's nausea."""
    from tracker.models import AdverseEvent, KetamineAdministration, SessionDischarge

    prescriber = users["prescriber@demo.test"]
    on_team = prescriber.id in client.care_team_roles
    starts_at = session.starts_at
    dose = Decimal(spec.dose_mg)
    pre_dose = [v for v in spec.vitals if v[0] <= 15]
    held = bool(pre_dose) and (pre_dose[-1][1] > 140 or pre_dose[-1][2] > 90)
    session.checklist_done = json.dumps(list(readiness.DEFAULT_CHECKLIST))
    db.session.add(
        KetamineAdministration(
            session_id=session.id,
            route=spec.route,
            dose_mg=dose,
            weight_kg=weight,
            mg_per_kg=dosing_mg_per_kg(dose, weight),
            given_at=starts_at + timedelta(minutes=15),
            lot_number="KX-2291",
            prescriber_id=prescriber.id if on_team else None,
            prescriber="" if on_team else "Dr. Priya Nair",
            sitter="R. Ortega, RN",
            override_findings="bp_hold" if held else "",
            override_reason="146/92 at ten minutes while anxious, 138/86 on arrival; "
            "reviewed in person and agreed to dose."
            if held
            else None,
            override_by_id=prescriber.id if held else None,
            override_at=starts_at + timedelta(minutes=14) if held else None,
            recorded_by_id=prescriber.id if held else client.primary_therapist_id,
        )
    )
    if spec.signed:
        db.session.add(
            SessionDischarge(
                session_id=session.id,
                outcome="home",
                discharged_at=starts_at + timedelta(minutes=spec.minutes - 5),
                oriented_and_steady=True,
                escort_or_transport=True,
                left_with="Partner, by car",
                recorded_by_id=client.primary_therapist_id,
            )
        )
    if spec.adverse_event:
        db.session.add(
            AdverseEvent(
                client_id=client.id,
                session_id=session.id,
                event_type="nausea_vomiting",
                severity="mild",
                onset_at=starts_at + timedelta(minutes=50),
                action_taken="Ondansetron 4 mg orally disintegrating, by the prescriber's "
                "standing order; sips of water; eyeshade off for a few minutes.",
                outcome="resolved",
                outcome_note="Settled within 20 minutes; the journey continued.",
                prescriber_informed=True,
                description="Nausea about 35 minutes after the dose, no vomiting.",
                recorded_by_id=client.primary_therapist_id,
            )
        )


DEMO_COURSES = {
    "Samuel Okafor": SAM_COURSE,
    "Magdalena Hoffmann": LENA_COURSE,
    "Kai Nakamura": KAI_COURSE,
}


def _add_demo_courses(
    users: dict[str, User], courses: dict[str, tuple[DemoSession, ...]] = DEMO_COURSES
) -> None:
    from tracker.models import (
        BrainspotRecord,
        TherapySession,
        VitalSign,
    )

    for legal_name, course in courses.items():
        client = db.session.scalar(select(Client).where(Client.legal_name == legal_name))
        start = datetime.combine(client.course_start_date, time(8, 0), tzinfo=UTC)
        weight = Decimal(
            db.session.scalar(
                select(MedicalScreening.weight_kg).where(MedicalScreening.client_id == client.id)
            )
        )
        for spec in course:
            starts_at = start + timedelta(days=spec.day_offset)
            note = SOAP_NOTES.get(spec.phase, SOAP_NOTES["integration"])
            session = TherapySession(
                client_id=client.id,
                therapist_id=client.primary_therapist_id,
                starts_at=starts_at,
                duration_minutes=spec.minutes,
                modality=spec.modality,
                phase=spec.phase,
                setting="in_person",
                intention="To meet what my family could not speak about, with kindness."
                if spec.phase == "medicine"
                else None,
                note_format="soap",
                note_body=json.dumps(note, sort_keys=True),
                summary=f"{spec.phase.replace('_', ' ').capitalize()} session.",
                suicide_screen="negative",
                status="draft",
            )
            db.session.add(session)
            db.session.flush()
            for minute, sys_, dia, hr, spo2 in spec.vitals:
                db.session.add(
                    VitalSign(
                        session_id=session.id,
                        taken_at=starts_at + timedelta(minutes=minute),
                        systolic=sys_,
                        diastolic=dia,
                        heart_rate=hr,
                        spo2=spo2,
                        recorded_by_id=client.primary_therapist_id,
                    )
                )
            if spec.dose_mg:
                _add_demo_dose(session, spec, client, weight, users)
            previous: BrainspotRecord | None = None
            for spot_type, x, y, suds_start, suds_end in spec.spots:
                earlier = db.session.scalar(
                    select(BrainspotRecord)
                    .join(TherapySession, BrainspotRecord.session_id == TherapySession.id)
                    .where(
                        TherapySession.client_id == client.id,
                        BrainspotRecord.x == x,
                        BrainspotRecord.y == y,
                        TherapySession.id != session.id,
                    )
                    .order_by(BrainspotRecord.id.desc())
                    .limit(1)
                )
                previous = BrainspotRecord(
                    session_id=session.id,
                    issue="Fear of scarcity held in the chest",
                    spot_type=spot_type,
                    method="inside_window",
                    eye="both",
                    x=x,
                    y=y,
                    z="mid",
                    reflexes="blink, swallow",
                    suds_start=suds_start,
                    suds_end=suds_end,
                    body_location="chest",
                    biolateral_sound="nature sounds",
                    minutes_since_dose=30 if spec.dose_mg else None,
                    earlier_spot_id=earlier.id if earlier else None,
                    recorded_by_id=client.primary_therapist_id,
                )
                db.session.add(previous)
            db.session.flush()
            if spec.signed:
                session.status = "signed"
                session.signed_at = starts_at + timedelta(minutes=spec.minutes + 30)
                session.signed_by_id = client.primary_therapist_id
        db.session.flush()


GENERATED_COURSE = (
    ("intake", "psychotherapy"),
    ("preparation", "kap"),
    ("medicine", "kap"),
    ("integration", "kap"),
    ("medicine", "kabsp"),
    ("integration", "kabsp"),
    ("medicine", "kap"),
    ("integration", "kap"),
    ("booster", "kap"),
    ("follow_up", "psychotherapy"),
)


def seed_bulk_sessions(practice: Practice, per_client: int, *, seed: int = 11) -> int:
    """Give every generated client ``per_client`` sessions following a KAP course.

    Bulk inserts; notes are encrypted like real ones so the data set is realistic.
    Only generated clients without sessions get some (the hand-written demo clients
    keep their own courses), so running it twice adds nothing.
    """
    from tracker.models import TherapySession

    rng = random.Random(seed)
    with_sessions = select(TherapySession.client_id).distinct()
    clients = db.session.execute(
        select(Client.id, Client.primary_therapist_id, Client.course_start_date)
        .where(
            Client.practice_id == practice.id,
            Client.id.not_in(with_sessions),
            Client.legal_name.not_in([spec.legal_name for spec in DEMO_CLIENTS]),
        )
        .order_by(Client.id)
    ).all()
    note = json.dumps(SOAP_NOTES["integration"], sort_keys=True)
    rows = []
    now = utcnow()
    for client_id, therapist_id, course_start in clients:
        start = datetime.combine(course_start or date(2025, 6, 1), time(9, 0), tzinfo=UTC)
        day = 0
        for index in range(per_client):
            phase, modality = GENERATED_COURSE[index % len(GENERATED_COURSE)]
            day += rng.choice((2, 3, 4, 7))
            rows.append(
                {
                    "client_id": client_id,
                    "therapist_id": therapist_id,
                    "starts_at": start + timedelta(days=day),
                    "duration_minutes": 150 if phase == "medicine" else 60,
                    "modality": modality,
                    "phase": phase,
                    "setting": "in_person",
                    "intention": None,
                    "note_format": "soap",
                    "note_body": note,
                    "summary": "Generated session.",
                    "suicide_screen": "negative",
                    "status": "signed",
                    "signed_at": start + timedelta(days=day, hours=4),
                    "signed_by_id": therapist_id,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for offset in range(0, len(rows), 5000):
        db.session.execute(insert(TherapySession), rows[offset : offset + 5000])
    return len(rows)


# --- goals, homework, journal ---------------------------------------------------------

DEMO_GOALS = {
    "Samuel Okafor": (
        (
            "Speak with my mother about my father's war years",
            "family_patterns",
            "The silence in our family feels heavy; I want my children to grow up without it.",
            2,
            7,
            (3, 3, 4, 5, 6),
        ),
        (
            "Feel at home in my body in the evenings",
            "body",
            "Evenings are when the tightness in my chest gets worse.",
            3,
            8,
            (3, 4, 4, 6),
        ),
    ),
    "Magdalena Hoffmann": (
        (
            "Drive on the motorway again",
            "behaviour_change",
            "Since the accident I take side roads everywhere.",
            1,
            7,
            (1, 2, 4),
        ),
        (
            "Loosen the fear of never having enough",
            "family_patterns",
            "My grandmother's hunger years still decide my shopping.",
            3,
            7,
            (3, 4),
        ),
    ),
}

DEMO_HOMEWORK = {
    "Samuel Okafor": (
        ("A letter to an ancestor", 0, "once", "", -20, 6),
        ("Slow breath: longer out than in", 1, "daily", "", -21, None),
        ("Noticing inherited beliefs", 0, "weekly", "0,3", -28, None),
    ),
    "Magdalena Hoffmann": (
        ("Grounding with the five senses", 0, "daily", "", -14, None),
        ("Family-pattern map", 1, "once", "", -10, -3),
    ),
}

# Clients whose homework thinned out over the last two weeks (below 50 %).
HARD_FORTNIGHT = frozenset({"Samuel Okafor"})

DEMO_REFLECTIONS = (
    "Easier than yesterday. I noticed my shoulders drop at the end.",
    "Hard to start, but I stayed with it for the whole five minutes.",
    "Thought of my grandfather while doing it.",
    None,
)


def _add_demo_integration(practice: Practice, users: dict[str, User]) -> None:
    """Goals with ratings, homework with a history of completions, journal entries."""
    from tracker.domain.homework import occurrences
    from tracker.models import (
        GoalRating,
        HomeworkAssignment,
        HomeworkEntry,
        HomeworkTemplate,
        IntegrationGoal,
        JournalEntry,
    )

    today = datetime.now(UTC).date()
    templates = {
        t.title: t
        for t in db.session.scalars(
            select(HomeworkTemplate).where(HomeworkTemplate.practice_id == practice.id)
        )
    }
    rng = random.Random(5)
    for legal_name, goal_specs in DEMO_GOALS.items():
        client = db.session.scalar(select(Client).where(Client.legal_name == legal_name))
        goals = []
        for title, domain, why, baseline, target, ratings in goal_specs:
            started = today - timedelta(days=7 * len(ratings) + 3)
            goal = IntegrationGoal(
                client_id=client.id,
                title=title,
                domain=domain,
                why_it_matters=why,
                baseline=baseline,
                target=target,
                status="active",
                started_on=started,
                status_since=started,
                created_by_id=client.primary_therapist_id,
            )
            db.session.add(goal)
            db.session.flush()
            for week, value in enumerate(ratings):
                by_client = week % 2 == 1
                db.session.add(
                    GoalRating(
                        goal_id=goal.id,
                        value=value,
                        rated_on=started + timedelta(days=7 * week + 3),
                        rated_by_id=client.portal_user_id
                        if by_client
                        else client.primary_therapist_id,
                        by_client=by_client,
                        comment="A little lighter this week." if by_client else None,
                    )
                )
            goals.append(goal)
        for title, goal_index, recurrence, weekdays, start, due in DEMO_HOMEWORK[legal_name]:
            template = templates[title]
            assignment = HomeworkAssignment(
                client_id=client.id,
                template_id=template.id,
                goal_id=goals[goal_index].id,
                title=template.title,
                instructions=template.instructions,
                recurrence=recurrence,
                weekdays=weekdays,
                start_date=today + timedelta(days=start),
                due_date=today + timedelta(days=due) if due is not None else None,
                assigned_by_id=client.primary_therapist_id,
            )
            db.session.add(assignment)
            db.session.flush()
            for day in occurrences(assignment.schedule, today - timedelta(days=1)):
                done = rng.random() < 0.7
                if legal_name in HARD_FORTNIGHT and day >= today - timedelta(days=13):
                    # A hard fortnight: one practice in five (Today shows the dip).
                    done = (today - day).days % 5 == 0
                if done:
                    reflection = rng.choice(DEMO_REFLECTIONS)
                    db.session.add(
                        HomeworkEntry(
                            assignment_id=assignment.id,
                            occurrence_date=day,
                            completed_at=datetime.combine(day, time(20, 0), tzinfo=UTC),
                            reflection=reflection,
                            reflection_shared=rng.random() < 0.8,
                        )
                    )
        author = client.portal_user_id
        db.session.add_all(
            [
                JournalEntry(
                    client_id=client.id,
                    author_id=author,
                    title="After the session",
                    body="I keep seeing the image of the boy by the river. I think it is my "
                    "father. I want to talk about it next time.",
                    visibility="shared",
                    shared_at=datetime.now(UTC) - timedelta(days=2),
                    created_at=datetime.now(UTC) - timedelta(days=2),
                ),
                JournalEntry(
                    client_id=client.id,
                    author_id=author,
                    title="Just for me",
                    body="Some things I am not ready to say out loud yet. Writing them here "
                    "is enough for now.",
                    visibility="private",
                    created_at=datetime.now(UTC) - timedelta(days=1),
                ),
            ]
        )
    db.session.flush()


# --- outcome measures -----------------------------------------------------------------

# (instrument, day after course start, total): Sam improves reliably on every measure;
# Lena's scores move within the measurement error (no reliable change).
DEMO_MEASURES = {
    "Samuel Okafor": (
        ("phq9", -7, 17),
        ("phq9", 21, 14),
        ("phq9", 28, 10),
        ("phq9", 42, 7),
        ("gad7", -7, 13),
        ("gad7", 28, 9),
        ("gad7", 42, 7),
        ("pcl5", -7, 48),
        ("pcl5", 28, 40),
        ("pcl5", 42, 31),
    ),
    "Magdalena Hoffmann": (
        ("phq9", -5, 12),
        ("phq9", 16, 11),
        ("phq9", 30, 13),
        ("gad7", -5, 15),
        ("gad7", 30, 14),
        ("pcl5", -5, 45),
        ("pcl5", 30, 41),
    ),
}


# PHQ-9 two days after each medicine session; GAD-7 fortnightly; PCL-5 every four weeks.
DEMO_MEASURE_SCHEDULES = (
    ("phq9", "after_medicine", 2),
    ("gad7", "every_n_days", 14),
    ("pcl5", "every_n_days", 28),
)


def answers_for(code: str, total: int) -> list[int]:
    """Item answers that add up to ``total`` (spread evenly; PHQ-9 item 9 kept at 0)."""
    from tracker.domain.instruments import ITEM_INSTRUMENTS

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


def _add_demo_measures() -> None:
    from tracker.models import MeasureAssignment
    from tracker.services import measures as measure_service

    for legal_name, rows in DEMO_MEASURES.items():
        client = db.session.scalar(select(Client).where(Client.legal_name == legal_name))
        therapist = db.session.get(User, client.primary_therapist_id)
        for code, day, total in rows:
            measure_service.submit_answers(
                client,
                therapist,
                instrument=code,
                answers=answers_for(code, total),
                extra_answer=1 if code == "phq9" else None,
                completed_on=client.course_start_date + timedelta(days=day),
                by_client=True,
            )
        start = client.course_start_date
        db.session.add_all(
            MeasureAssignment(
                client_id=client.id,
                instrument=instrument,
                schedule_kind=kind,
                every_days=days,
                start_date=start,
                assigned_by_id=therapist.id,
            )
            for instrument, kind, days in DEMO_MEASURE_SCHEDULES
        )
    db.session.flush()


# --- family history ------------------------------------------------------------------

# Sam's family: the Nigerian civil war (1967-1970) took his paternal grandfather and
# drove the family from their town; his parents later emigrated. Nobody spoke of it.
SAM_FAMILY = (
    # key, label, sex, born, died, conditions, name
    ("pgf", "paternal grandfather", "male", 1925, 1968, "", "Chukwuma"),
    ("pgm", "paternal grandmother", "female", 1930, 2005, "depression", "Adaeze"),
    ("mgf", "maternal grandfather", "male", 1928, 1994, "addiction", "Obinna"),
    ("mgm", "maternal grandmother", "female", 1932, None, "", "Chioma"),
    ("aunt", "paternal aunt", "female", 1952, None, "anxiety", "Ifeoma"),
    ("father", "father", "male", 1955, 2019, "depression,trauma", "Emeka"),
    ("mother", "mother", "female", 1958, None, "", "Ngozi"),
    ("brother", "brother", "male", 1984, None, "", "Chidi"),
    ("partner", "partner", "female", 1989, None, "", "Amara"),
    ("daughter", "daughter", "female", 2016, None, "", "Zara"),
)
SAM_PARENTS = (
    ("pgf", "father"),
    ("pgm", "father"),
    ("pgf", "aunt"),
    ("pgm", "aunt"),
    ("mgf", "mother"),
    ("mgm", "mother"),
    ("father", "client"),
    ("mother", "client"),
    ("father", "brother"),
    ("mother", "brother"),
    ("client", "daughter"),
    ("partner", "daughter"),
)
SAM_EVENTS = (
    # kind, person key (or branch), start, end, spoken, description
    ("war", "pgf", 1967, 1970, "no", "Conscripted; killed in 1968."),
    ("displacement", "pgm", 1968, 1970, "no", "Fled with the children to her sister's village."),
    ("early_parent_loss", "father", 1968, None, "no", "Lost his father at thirteen."),
    ("poverty", "paternal", 1968, 1972, "partly", "Hunger during and after the blockade."),
    ("migration", "father", 1986, None, "yes", "Emigrated with Ngozi for work."),
    ("faith", "pgm", None, None, "yes", "Her church community carried the family."),
    ("protective_relationship", "client", 1995, None, "yes", "Close to his maternal grandmother."),
)


def _add_demo_family() -> None:
    from tracker.models import (
        FamilyEvent,
        FamilyMember,
        FamilyParentLink,
        FamilyPartnership,
        FamilyRelationship,
        GoalFamilyLink,
        IntegrationGoal,
    )

    client = db.session.scalar(select(Client).where(Client.legal_name == "Samuel Okafor"))
    people = {
        "client": FamilyMember(
            client_id=client.id,
            relationship_label="client",
            sex="male",
            birth_year=1987,
            is_client=True,
            name="Sam",
        )
    }
    for key, label, sex, born, died, conditions, name in SAM_FAMILY:
        people[key] = FamilyMember(
            client_id=client.id,
            relationship_label=label,
            sex=sex,
            birth_year=born,
            death_year=died,
            deceased=died is not None,
            conditions=conditions,
            name=name,
        )
    db.session.add_all(people.values())
    db.session.flush()
    for parent, child in SAM_PARENTS:
        db.session.add(
            FamilyParentLink(
                client_id=client.id, parent_id=people[parent].id, child_id=people[child].id
            )
        )
    for a, b, kind, start, end in (
        ("pgf", "pgm", "married", 1950, None),
        ("mgf", "mgm", "married", 1955, None),
        ("father", "mother", "divorced", 1982, 2001),
        ("client", "partner", "cohabiting", 2014, None),
    ):
        db.session.add(
            FamilyPartnership(
                client_id=client.id,
                a_id=people[a].id,
                b_id=people[b].id,
                kind=kind,
                start_year=start,
                end_year=end,
            )
        )
    for a, b, quality in (
        ("father", "client", "distant"),
        ("mgm", "client", "close"),
        ("father", "mother", "conflict"),
        ("pgm", "father", "fused"),
    ):
        db.session.add(
            FamilyRelationship(
                client_id=client.id, a_id=people[a].id, b_id=people[b].id, quality=quality
            )
        )
    war = None
    for kind, who, start, end, spoken, description in SAM_EVENTS:
        event = FamilyEvent(
            client_id=client.id,
            member_id=people[who].id if who in people else None,
            branch=who if who not in people else None,
            kind=kind,
            resilience=kind in RESILIENCE_EVENT_LABELS,
            start_year=start,
            end_year=end,
            spoken_of=spoken,
            description=description,
        )
        db.session.add(event)
        if kind == "war":
            war = event
    db.session.flush()
    goal = db.session.scalar(
        select(IntegrationGoal).where(
            IntegrationGoal.client_id == client.id, IntegrationGoal.domain == "family_patterns"
        )
    )
    if goal is not None and war is not None:
        db.session.add(GoalFamilyLink(goal_id=goal.id, event_id=war.id))
        db.session.add(GoalFamilyLink(goal_id=goal.id, member_id=people["father"].id))
    db.session.flush()


# --- Today: the therapist's day, relative to the real date ---------------------------

# Elif's course started four weeks ago: her first medicine session was three days ago,
# so its integration session is due (planned for today, not yet held).
ELIF_COURSE_DAYS = 28
ELIF_COURSE = (
    DemoSession(0, "intake", "psychotherapy", 75),
    DemoSession(10, "preparation", "kap"),
    DemoSession(
        ELIF_COURSE_DAYS - 3,
        "medicine",
        "kap",
        150,
        "50",
        "im",
        (
            (0, 124, 80, 74, 98),
            (30, 130, 84, 80, 97),
            (45, 128, 82, 78, 98),
            (60, 126, 80, 72, 98),
            (90, 122, 78, 70, 98),
            (120, 120, 78, 68, 99),
            (140, 118, 76, 66, 99),
        ),
    ),
)


def _elif(course_start: date) -> DemoClient:
    return DemoClient(
        "Elif",
        "Elif Demir",
        date(1991, 3, 14),
        "she/her",
        "therapist@demo.test",
        None,
        "active",
        course_start,
        "Dr. Baum, psychiatrist",
        "Depression since her mother's death; the family never speaks of the years "
        "in exile after 1980.",
        "63.0",
        ScreeningDecision.CLEARED,
    )


def _add_demo_today(practice: Practice, users: dict[str, User]) -> None:
    """A full Today for therapist@demo.test, whenever the demo is seeded: an alert not
    yet acknowledged, a session planned for today, notes unsigned for over 24 hours and
    over 7 days (Sam's integration note of October), an overdue questionnaire, a
    medicine session waiting for its integration session, and Sam's homework below 50 %
    over the last two weeks (``HARD_FORTNIGHT``)."""
    from tracker.domain.clock import local_to_utc, utc_to_local
    from tracker.models import MeasureAssignment, PlannedSession, TherapySession
    from tracker.services import measures as measure_service

    now = utcnow()
    today = utc_to_local(now, practice.timezone).date()
    therapist = users["therapist@demo.test"]
    elif_ = _add_demo_client(practice, _elif(today - timedelta(days=ELIF_COURSE_DAYS)), users)
    db.session.flush()
    _add_demo_courses(users, {"Elif Demir": ELIF_COURSE})
    # GAD-7 two days after each medicine session: the one after her first is overdue.
    db.session.add(
        MeasureAssignment(
            client_id=elif_.id,
            instrument="gad7",
            schedule_kind="after_medicine",
            every_days=2,
            start_date=elif_.course_start_date,
            assigned_by_id=therapist.id,
        )
    )
    # On the phone yesterday she answered the PHQ-9 with the therapist, item 9 at 1:
    # the alert waits for someone on her care team.
    answers = answers_for("phq9", 11)
    answers[8] = 1
    flagged = measure_service.submit_answers(
        elif_,
        therapist,
        instrument="phq9",
        answers=answers,
        extra_answer=1,
        completed_on=today - timedelta(days=1),
        by_client=False,
    )
    if flagged.alert is not None:
        flagged.alert.created_at = now - timedelta(hours=3)
    rosa = db.session.scalar(select(Client).where(Client.legal_name == "Rosa María Delgado"))
    # Rosa's preparation session two days ago: its note is still a draft.
    db.session.add(
        TherapySession(
            client_id=rosa.id,
            therapist_id=therapist.id,
            starts_at=local_to_utc(today - timedelta(days=2), time(10, 0), practice.timezone),
            duration_minutes=60,
            modality="kap",
            phase="preparation",
            setting="in_person",
            note_format="soap",
            note_body=json.dumps(
                {"subjective": SOAP_NOTES["preparation"]["subjective"]}, sort_keys=True
            ),
            suicide_screen="negative",
            status="draft",
        )
    )
    sam = db.session.scalar(select(Client).where(Client.legal_name == "Samuel Okafor"))
    for client, days, at, minutes, phase in (
        (elif_, 0, time(16, 0), 60, "integration"),
        (rosa, 2, time(11, 0), 60, "preparation"),
        (sam, 6, time(9, 0), 165, "medicine"),
    ):
        db.session.add(
            PlannedSession(
                client_id=client.id,
                therapist_id=therapist.id,
                starts_at=local_to_utc(today + timedelta(days=days), at, practice.timezone),
                duration_minutes=minutes,
                modality="kap",
                phase=phase,
                setting="in_person",
            )
        )
    db.session.flush()
