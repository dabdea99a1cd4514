"""A large generated practice for benchmarks: thousands of clients and sessions.

Unlike the hand-written demo these rows are written with bulk inserts, around the
services: going through them one session at a time would take minutes, and the
benchmarks measure pages over the data, not how it was entered. The rows are of the
same kinds the services write (signed notes, encrypted like real ones).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from tracker.demo.data import DEMO_CLIENTS, ELIF_CLIENT, SOAP_NOTES
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, Practice, TherapySession, User
from tracker.models.base import utcnow

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
HAND_WRITTEN = [spec.legal_name for spec in (*DEMO_CLIENTS, ELIF_CLIENT)]
INSERT_CHUNK = 5000


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
    now = utcnow()
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
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        db.session.execute(insert(Client), rows)
    return len(rows)


def seed_bulk_sessions(practice: Practice, per_client: int, *, seed: int = 11) -> int:
    """Give every generated client ``per_client`` sessions following a KAP course.

    Bulk inserts; notes are encrypted like real ones so the data set is realistic.
    Only generated clients without sessions get some (the hand-written demo clients
    keep their own courses), so running it twice adds nothing.
    """
    rng = random.Random(seed)
    with_sessions = select(TherapySession.client_id).distinct()
    clients = db.session.execute(
        select(Client.id, Client.primary_therapist_id, Client.course_start_date)
        .where(
            Client.practice_id == practice.id,
            Client.id.not_in(with_sessions),
            Client.legal_name.not_in(HAND_WRITTEN),
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
    for offset in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(insert(TherapySession), rows[offset : offset + INSERT_CHUNK])
    return len(rows)
