"""Helpers that build session documentation for tests: ORM rows, bulk rows, form posts."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.factories import csrf_token, make_user
from tracker.extensions import db
from tracker.models import (
    Addendum,
    BrainspotRecord,
    CareTeamMember,
    Client,
    Consent,
    KetamineAdministration,
    MedicalScreening,
    Practice,
    SessionDischarge,
    TherapySession,
    User,
    VitalSign,
)
from tracker.models.base import utcnow


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` UTC (the test practice's zone is UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def days_ago(days: int, hour: int = 9) -> datetime:
    return at(date.today() - timedelta(days=days), hour)


def make_session(
    client: Client,
    therapist: User | None = None,
    *,
    starts_at: datetime | None = None,
    note: dict[str, str] | None = None,
    **fields: Any,
) -> TherapySession:
    """A draft session (KAP medicine, in person, SOAP, 3 hours unless told otherwise)."""
    values: dict[str, Any] = {
        "duration_minutes": 180,
        "modality": "kap",
        "phase": "medicine",
        "setting": "in_person",
        "note_format": "soap",
        "suicide_screen": "negative",
        "status": "draft",
    }
    values.update(fields)
    session = TherapySession(
        client_id=client.id,
        therapist_id=(therapist.id if therapist else client.primary_therapist_id),
        starts_at=starts_at or at(date(2026, 3, 2)),
        note_body=json.dumps(note) if note is not None else None,
        **values,
    )
    db.session.add(session)
    db.session.flush()
    return session


def make_vital(session: TherapySession, minutes: int = 5, **values: Any) -> VitalSign:
    reading = {"systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98, **values}
    vital = VitalSign(
        session_id=session.id,
        taken_at=session.starts_at + timedelta(minutes=minutes),
        recorded_by_id=session.therapist_id,
        **reading,
    )
    db.session.add(vital)
    db.session.flush()
    return vital


def make_administration(session: TherapySession, minutes: int = 15) -> KetamineAdministration:
    administration = KetamineAdministration(
        session_id=session.id,
        route="im",
        dose_mg=Decimal("60"),
        weight_kg=Decimal("80"),
        mg_per_kg=Decimal("0.75"),
        given_at=session.starts_at + timedelta(minutes=minutes),
        recorded_by_id=session.therapist_id,
    )
    db.session.add(administration)
    db.session.flush()
    return administration


def make_ready(session: TherapySession, *, reading_minutes: int = 15) -> TherapySession:
    """Everything a dose in ``session`` needs: a current clearance by the care team's
    prescriber (added to the team when missing), an active KAP informed consent, a
    complete reading ``reading_minutes`` after the start, and the checklist done."""
    client = db.session.get(Client, session.client_id)
    practice = db.session.get(Practice, client.practice_id)
    prescriber = next((m.user_id for m in client.care_team if m.role == "prescriber"), None)
    if prescriber is None:
        practice_row = db.session.get(Practice, client.practice_id)
        colleague = make_user(practice_row, "therapist", name="Dr. Ready Prescriber")
        prescriber = add_to_care_team(client, colleague, "prescriber").user_id
    day = session.starts_at.date()
    db.session.add(
        MedicalScreening(
            client_id=client.id,
            screened_on=day - timedelta(days=7),
            weight_kg=Decimal("80"),
            bp_systolic=122,
            bp_diastolic=78,
            medications_reviewed=True,
            contraindications_reviewed=True,
            decision="cleared",
            decided_by_id=prescriber,
            decided_at=session.starts_at - timedelta(days=7),
            recorded_by_id=prescriber,
        )
    )
    db.session.add(
        Consent(
            client_id=client.id,
            kind="kap_informed",
            version="test",
            given_on=day - timedelta(days=7),
            recorded_by_id=client.primary_therapist_id,
        )
    )
    make_vital(session, minutes=reading_minutes)
    # Straight to the table: the checklist is not an edit of the note (no version bump).
    db.session.execute(
        sa.update(TherapySession)
        .where(TherapySession.id == session.id)
        .values(checklist_done=json.dumps(list(practice.checklist_items)))
    )
    db.session.expire(session, ["checklist_done"])
    return session


def make_discharge(session: TherapySession, minutes: int = 170) -> SessionDischarge:
    """The client went home ``minutes`` after the start, criteria confirmed."""
    discharge = SessionDischarge(
        session=session,
        outcome="home",
        discharged_at=session.starts_at + timedelta(minutes=minutes),
        oriented_and_steady=True,
        escort_or_transport=True,
        left_with="Partner",
        recorded_by_id=session.therapist_id,
    )
    db.session.add(discharge)
    db.session.flush()
    return discharge


def make_brainspot(session: TherapySession, **values: Any) -> BrainspotRecord:
    spot = {
        "spot_type": "activation",
        "method": "inside_window",
        "eye": "both",
        "x": 1,
        "y": -1,
        "suds_start": 7,
        "suds_end": 3,
        **values,
    }
    record = BrainspotRecord(session_id=session.id, recorded_by_id=session.therapist_id, **spot)
    db.session.add(record)
    db.session.flush()
    return record


def make_addendum(session: TherapySession, author: User, body: str = "Later note.") -> Addendum:
    addendum = Addendum(session_id=session.id, author_id=author.id, body=body)
    db.session.add(addendum)
    db.session.flush()
    return addendum


def sign(session: TherapySession, user: User) -> TherapySession:
    """Sign directly (the service's rule is tested elsewhere); status last, as the
    service does, so that an autoflush cannot sign before the rest is set."""
    session.signed_at = utcnow()
    session.signed_by_id = user.id
    session.status = "signed"
    db.session.flush()
    return session


def add_to_care_team(client: Client, user: User, role: str) -> CareTeamMember:
    member = CareTeamMember(client_id=client.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    return member


# --- bulk rows (for query-count tests) -----------------------------------------------


def bulk_sessions(
    client: Client, count: int, *, first: datetime, therapists: list[User] | None = None
) -> None:
    """``count`` sessions a day apart from ``first``, inserted in one statement; the
    therapists take turns (default: the primary therapist)."""
    therapist_ids = [t.id for t in therapists] if therapists else [client.primary_therapist_id]
    db.session.execute(
        sa.insert(TherapySession),
        [
            {
                "client_id": client.id,
                "therapist_id": therapist_ids[n % len(therapist_ids)],
                "starts_at": first + timedelta(days=n),
                "duration_minutes": 60,
                "modality": ("kap", "kabsp", "brainspotting", "psychotherapy")[n % 4],
                "phase": ("preparation", "medicine", "integration")[n % 3],
                "setting": "in_person",
                "note_format": "soap",
                "suicide_screen": "negative",
                "status": "signed" if n % 2 else "draft",
            }
            for n in range(count)
        ],
    )


def bulk_parts(
    session: TherapySession,
    count: int,
    *,
    earlier: TherapySession,
    authors: list[User] | None = None,
) -> None:
    """``count`` vitals, doses, spots (linked to spots of ``earlier``) and addenda (the
    authors take turns; default: the session's therapist)."""
    author_ids = [a.id for a in authors] if authors else [session.therapist_id]
    base = {"session_id": session.id, "recorded_by_id": session.therapist_id}
    db.session.execute(
        sa.insert(VitalSign),
        [
            {
                **base,
                "taken_at": session.starts_at + timedelta(seconds=n),
                "systolic": 120 + n % 40,
                "diastolic": 80,
                "heart_rate": 70,
                "spo2": 90 + n % 10,
            }
            for n in range(count)
        ],
    )
    db.session.execute(
        sa.insert(KetamineAdministration),
        [
            {
                **base,
                "route": "im",
                "dose_mg": Decimal("60"),
                "weight_kg": Decimal("80"),
                "mg_per_kg": Decimal("0.75"),
                "given_at": session.starts_at + timedelta(seconds=n),
            }
            for n in range(count)
        ],
    )
    spot = {"spot_type": "resource", "method": "outside_window", "eye": "left", "x": 0, "y": 0}
    db.session.execute(
        sa.insert(BrainspotRecord),
        [
            {**spot, "session_id": earlier.id, "recorded_by_id": earlier.therapist_id}
            for _ in range(count)
        ],
    )
    earlier_ids = db.session.scalars(
        sa.select(BrainspotRecord.id).where(BrainspotRecord.session_id == earlier.id)
    ).all()
    db.session.execute(
        sa.insert(BrainspotRecord),
        [{**spot, **base, "earlier_spot_id": spot_id} for spot_id in earlier_ids[:count]],
    )
    db.session.execute(
        sa.insert(Addendum),
        [
            {
                "session_id": session.id,
                "author_id": author_ids[n % len(author_ids)],
                "body": f"A{n}",
            }
            for n in range(count)
        ],
    )


# --- the web forms -------------------------------------------------------------------


def session_form(**overrides: str) -> dict[str, str]:
    """Form data for a new KAP medicine session in SOAP format."""
    data = {
        "session_date": "2026-03-02",
        "start_time": "09:00",
        "duration_minutes": "180",
        "modality": "kap",
        "phase": "medicine",
        "setting": "in_person",
        "intention": "",
        "note_format": "soap",
        "suicide_screen": "negative",
        "risk_follow_up": "",
        "summary": "",
    }
    data.update(overrides)
    return data


def token_for(client: FlaskClient, page: str = "/account/password") -> str:
    """A CSRF token of the signed-in test client (every signed-in page carries one)."""
    return csrf_token(client, page)


def post(client: FlaskClient, path: str, data: dict[str, str], token: str | None = None):
    return client.post(path, data={**data, "csrf_token": token or token_for(client)})


def create_via_web(client: FlaskClient, client_id: int, **overrides: str) -> int:
    """Record a session through the form; returns its id."""
    response = post(client, f"/clients/{client_id}/sessions/new", session_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/sessions/(\d+)$", response.headers["Location"]).group(1))


def field_error(page: str, field_id: str) -> str:
    """The error text shown next to the field with ``field_id`` ('' when none)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</small>', page, re.S)
    return match.group(1).strip() if match else ""


def textarea(page: str, name: str) -> str | None:
    """The content of the textarea called ``name`` as rendered."""
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    return match.group(1).strip() if match else None


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def selected(page: str, name: str) -> list[str]:
    """The selected option values of the select (or checked radios) called ``name``."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        options = re.findall(r"<option[^>]*>", select.group(1))
        return [
            re.search(r'value="([^"]*)"', option).group(1)
            for option in options
            if re.search(r"\sselected\b", option)
        ]
    radios = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return [
        re.search(r'value="([^"]*)"', radio).group(1)
        for radio in radios
        if re.search(r"\schecked\b", radio)
    ]
