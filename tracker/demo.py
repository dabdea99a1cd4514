"""The demo practice: a realistic, small practice for trying the app, and a large
generated one for benchmarks. Everything here is invented."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from tracker.domain.clients import ConsentKind, ScreeningDecision
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
        address="12 Linden Street\nSpringfield",
        letterhead_text="Demo Practice · Ketamine-assisted psychotherapy and brainspotting",
        report_footer="Confidential. Prepared for the named recipient only.",
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
            decided_at=utcnow() if decided else None,
            recorded_by_id=therapist.id,
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
