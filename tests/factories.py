"""Small helpers that build records for tests."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from flask.testing import FlaskClient

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, Practice, User
from tracker.services import accounts

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_practice(name: str = "Test Practice") -> Practice:
    practice = Practice(name=name)
    db.session.add(practice)
    db.session.flush()
    return practice


def make_user(
    practice: Practice,
    role: Role | str = Role.THERAPIST,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
) -> User:
    number = next(_counter)
    return accounts.create_user(
        practice_id=practice.id,
        email=email or f"{Role(role).value}{number}@example.test",
        name=name or f"{Role(role).value.title()} {number}",
        role=role,
        password=password,
    )


def make_client(
    therapist: User,
    *,
    preferred_name: str | None = None,
    portal_user: User | None = None,
    status: str = "active",
    presenting_concerns: str | None = None,
) -> Client:
    number = next(_counter)
    client = Client(
        practice_id=therapist.practice_id,
        primary_therapist_id=therapist.id,
        portal_user_id=portal_user.id if portal_user else None,
        preferred_name=preferred_name or f"Client{number}",
        legal_name=f"{preferred_name or 'Client'} Legal {number}",
        date_of_birth=date(1985, 5, 5),
        status=status,
        presenting_concerns=presenting_concerns,
    )
    db.session.add(client)
    db.session.flush()
    return client


@dataclass
class World:
    practice: Practice
    admin: User
    therapist_a: User
    therapist_b: User
    client_user_a: User
    client_user_b: User
    client_a: Client
    client_b: Client


def build_world() -> World:
    practice = make_practice()
    admin = make_user(practice, Role.ADMIN, email="admin@example.test", name="Ada Admin")
    therapist_a = make_user(practice, Role.THERAPIST, email="ta@example.test", name="Tara A")
    therapist_b = make_user(practice, Role.THERAPIST, email="tb@example.test", name="Theo B")
    client_user_a = make_user(practice, Role.CLIENT, email="ca@example.test", name="Cora A")
    client_user_b = make_user(practice, Role.CLIENT, email="cb@example.test", name="Cole B")
    client_a = make_client(therapist_a, preferred_name="Cora", portal_user=client_user_a)
    client_b = make_client(therapist_b, preferred_name="Cole", portal_user=client_user_b)
    db.session.commit()
    return World(
        practice, admin, therapist_a, therapist_b, client_user_a, client_user_b, client_a, client_b
    )


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Fetch a page and read the CSRF token from its form."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD):
    email = user if isinstance(user, str) else user.email
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client: FlaskClient, path: str, data: dict, *, form_page: str | None = None):
    """POST with a valid CSRF token taken from ``form_page`` (default: the same path)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})


# --- integration: goals, homework, journal (appended for the portal feature) --------


def today_utc() -> date:
    """Today in the test practice's zone (UTC), as the app computes it."""
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


def make_goal(client: Client, author: User | None = None, **fields):
    """An active integration goal (baseline 3, target 8 unless told otherwise)."""
    from tracker.models import IntegrationGoal

    today = today_utc()
    values = {
        "title": f"Goal {next(_counter)}",
        "domain": "relationships",
        "baseline": 3,
        "target": 8,
        "status": "active",
        "started_on": today,
        "status_since": today,
        **fields,
    }
    goal = IntegrationGoal(
        client_id=client.id,
        created_by_id=(author.id if author else client.primary_therapist_id),
        **values,
    )
    db.session.add(goal)
    db.session.flush()
    return goal


def rate(goal, by: User, value: int, *, on: date | None = None, **fields):
    from tracker.models import GoalRating

    rating = GoalRating(
        goal_id=goal.id,
        value=value,
        rated_on=on or today_utc(),
        rated_by_id=by.id,
        by_client=by.role == Role.CLIENT,
        **fields,
    )
    db.session.add(rating)
    db.session.flush()
    return rating


def make_assignment(client: Client, *, recurrence: str = "daily", **fields):
    """Homework for ``client`` (daily from a week ago unless told otherwise)."""
    from datetime import timedelta

    from tracker.models import HomeworkAssignment

    values = {
        "title": f"Practice {next(_counter)}",
        "start_date": today_utc() - timedelta(days=7),
        "assigned_by_id": client.primary_therapist_id,
        **fields,
    }
    assignment = HomeworkAssignment(client_id=client.id, recurrence=recurrence, **values)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def complete(assignment, day: date, reflection: str | None = None, *, shared: bool = True):
    from tracker.models import HomeworkEntry

    entry = HomeworkEntry(
        assignment_id=assignment.id,
        occurrence_date=day,
        reflection=reflection,
        reflection_shared=shared,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def write_journal(client: Client, body: str, *, shared: bool = False, title: str | None = None):
    """A journal entry by the client's portal account."""
    from tracker.models import JournalEntry
    from tracker.models.base import utcnow

    entry = JournalEntry(
        client_id=client.id,
        author_id=client.portal_user_id,
        title=title,
        body=body,
        visibility="shared" if shared else "private",
        shared_at=utcnow() if shared else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def bulk_integration(client: Client, count: int) -> None:
    """``count`` each of daily assignments (with two completions each), goals (with two
    ratings each) and shared journal entries, in a few statements."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from tracker.models import (
        GoalRating,
        HomeworkAssignment,
        HomeworkEntry,
        IntegrationGoal,
        JournalEntry,
    )

    today = today_utc()
    now = datetime.now(UTC)
    therapist_id = client.primary_therapist_id
    db.session.execute(
        sa.insert(IntegrationGoal),
        [
            {
                "client_id": client.id,
                "title": f"Bulk goal {n}",
                "domain": "body",
                "baseline": 2,
                "target": 7,
                "status": "active",
                "started_on": today - timedelta(days=10),
                "status_since": today - timedelta(days=10),
                "created_by_id": therapist_id,
            }
            for n in range(count)
        ],
    )
    goal_ids = db.session.scalars(
        sa.select(IntegrationGoal.id).where(IntegrationGoal.client_id == client.id)
    ).all()
    db.session.execute(
        sa.insert(GoalRating),
        [
            {
                "goal_id": goal_id,
                "value": 3 + k,
                "rated_on": today - timedelta(days=5 - k),
                "rated_by_id": therapist_id if k else client.portal_user_id or therapist_id,
                "by_client": not k and client.portal_user_id is not None,
            }
            for goal_id in goal_ids
            for k in (0, 1)
        ],
    )
    db.session.execute(
        sa.insert(HomeworkAssignment),
        [
            {
                "client_id": client.id,
                "goal_id": goal_ids[n % len(goal_ids)],
                "title": f"Bulk practice {n}",
                "instructions": "Breathe.",
                "recurrence": ("daily", "weekly", "once")[n % 3],
                "weekdays": "0,3" if n % 3 == 1 else "",
                "start_date": today - timedelta(days=14),
                "due_date": today + timedelta(days=3) if n % 3 == 2 else None,
                "assigned_by_id": therapist_id,
            }
            for n in range(count)
        ],
    )
    assignment_ids = db.session.scalars(
        sa.select(HomeworkAssignment.id).where(HomeworkAssignment.client_id == client.id)
    ).all()
    db.session.execute(
        sa.insert(HomeworkEntry),
        [
            {
                "assignment_id": assignment_id,
                "occurrence_date": today - timedelta(days=k),
                "reflection": f"Bulk reflection {assignment_id}-{k}",
                "reflection_shared": k == 0,
                "completed_at": now - timedelta(minutes=k),
            }
            for assignment_id in assignment_ids
            for k in (0, 7)
        ],
    )
    if client.portal_user_id is not None:
        db.session.execute(
            sa.insert(JournalEntry),
            [
                {
                    "client_id": client.id,
                    "author_id": client.portal_user_id,
                    "title": f"Bulk entry {n}",
                    "body": "Shared thoughts.",
                    "visibility": "shared",
                    "shared_at": now - timedelta(hours=n),
                }
                for n in range(count)
            ],
        )


# --- outcome measures (appended for issue 5) ------------------------------------------


def answers_totalling(code: str, total: int, *, item9: int = 0) -> list[int]:
    """Item answers of ``code`` adding up to ``total``, filled from the first item.

    For the PHQ-9 the last item (thoughts of self-harm) is set to ``item9`` and counts
    towards the total; the other items are filled first.
    """
    from tracker.domain.instruments import ITEM_INSTRUMENTS

    instrument = ITEM_INSTRUMENTS[code]
    top = instrument.max_answer
    answers = [0] * len(instrument.items)
    remaining = total
    if code == "phq9":
        answers[8] = item9
        remaining -= item9
    fillable = len(answers) - (1 if code == "phq9" else 0)
    for index in range(fillable):
        answers[index] = min(top, remaining)
        remaining -= answers[index]
    assert remaining == 0, f"{code} cannot reach {total}"
    return answers


def assign_measure(
    client: Client,
    instrument: str = "phq9",
    *,
    kind: str = "once",
    every_days: int | None = None,
    start: date | None = None,
    active: bool = True,
):
    """A questionnaire assignment (once, from today, unless told otherwise)."""
    from tracker.models import MeasureAssignment

    assignment = MeasureAssignment(
        client_id=client.id,
        instrument=instrument,
        schedule_kind=kind,
        every_days=every_days,
        start_date=start or today_utc(),
        active=active,
        assigned_by_id=client.primary_therapist_id,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def answer_measure(
    client: Client,
    instrument: str,
    total: int,
    *,
    on: date | None = None,
    by: User | None = None,
    item9: int = 0,
    assignment=None,
):
    """A scored response through the service (a positive PHQ-9 item 9 raises an alert).

    By the client's portal account unless ``by`` says otherwise.
    """
    from tracker.services import measures as measure_service

    actor = by or db.session.get(User, client.portal_user_id or client.primary_therapist_id)
    return measure_service.submit_answers(
        client,
        actor,
        instrument=instrument,
        answers=answers_totalling(instrument, total, item9=item9),
        extra_answer=None,
        completed_on=on or today_utc(),
        by_client=actor.role == "client",
        assignment=assignment,
    )


def bulk_measures(
    client: Client,
    count: int,
    *,
    alerts: int = 1,
    staff: list[User] | None = None,
    acknowledgers: list[User] | None = None,
) -> None:
    """``count`` responses a day apart ending today, in a few statements: PHQ-9, GAD-7,
    PCL-5, WHO-5 and CADSS in turn, entered by the client and by staff in turn (``staff``
    take turns; default: the primary therapist); the first ``alerts`` PHQ-9 responses
    raise a safety alert, every other one acknowledged (``acknowledgers`` take turns;
    default: ``staff``)."""
    import json
    from datetime import timedelta
    from decimal import Decimal

    import sqlalchemy as sa

    from tracker.domain import scoring
    from tracker.models import MeasureResponse, SafetyAlert
    from tracker.models.base import utcnow

    today = today_utc()
    codes = ("phq9", "gad7", "pcl5", "who5", "cadss")
    staff_ids = [user.id for user in staff] if staff else [client.primary_therapist_id]
    ack_ids = [user.id for user in acknowledgers] if acknowledgers else staff_ids
    rows = []
    for n in range(count):
        code = codes[n % len(codes)]
        by_client = n % 2 == 0 and client.portal_user_id is not None
        if code == "cadss":
            answers: object = {"total": 10 + n % 20}
            total, severity, flags = Decimal(10 + n % 20), None, ""
        else:
            item9 = 1 if code == "phq9" and n // len(codes) < alerts else 0
            values = answers_totalling(code, 5 + n % 9, item9=item9)
            result = scoring.score(code, values)
            answers = values
            total, severity = Decimal(result.total), result.severity
            flags = ",".join(sorted(result.flags))
        rows.append(
            {
                "client_id": client.id,
                "instrument": code,
                "answers": json.dumps(answers),
                "total": total,
                "severity": severity,
                "flags": flags,
                "completed_on": today - timedelta(days=count - 1 - n),
                "by_client": by_client,
                "entered_by_id": client.portal_user_id
                if by_client
                else staff_ids[n // 2 % len(staff_ids)],
            }
        )
    db.session.execute(sa.insert(MeasureResponse), rows)
    flagged = db.session.scalars(
        sa.select(MeasureResponse.id)
        .where(
            MeasureResponse.client_id == client.id,
            MeasureResponse.flags.contains("suicidal_ideation"),
        )
        .order_by(MeasureResponse.id)
    ).all()
    if flagged:
        db.session.execute(
            sa.insert(SafetyAlert),
            [
                {
                    "client_id": client.id,
                    "response_id": response_id,
                    "kind": "suicidal_ideation",
                    "acknowledged_at": utcnow() if k % 2 else None,
                    "acknowledged_by_id": ack_ids[k // 2 % len(ack_ids)] if k % 2 else None,
                    "acknowledgement_note": f"Called, safe {k}" if k % 2 else None,
                }
                for k, response_id in enumerate(flagged)
            ],
        )


def bulk_measure_assignments(client: Client, count: int) -> None:
    """``count`` active assignments started a week ago, of every instrument and kind."""
    from datetime import timedelta

    import sqlalchemy as sa

    from tracker.models import MeasureAssignment

    codes = ("phq9", "gad7", "pcl5", "who5", "ace")
    kinds = (("once", None), ("every_n_days", 7), ("after_medicine", 2), ("every_n_days", 3))
    db.session.execute(
        sa.insert(MeasureAssignment),
        [
            {
                "client_id": client.id,
                "instrument": codes[n % len(codes)],
                "schedule_kind": kinds[n % len(kinds)][0],
                "every_days": kinds[n % len(kinds)][1],
                "start_date": today_utc() - timedelta(days=7),
                "assigned_by_id": client.primary_therapist_id,
            }
            for n in range(count)
        ],
    )


# --- family history (appended for the genogram feature) -----------------------------


def make_member(client: Client, label: str = "relative", **fields):
    """A person of the client's family history (``is_client=True`` for the client)."""
    from tracker.models import FamilyMember

    member = FamilyMember(client_id=client.id, relationship_label=label, **fields)
    db.session.add(member)
    db.session.flush()
    return member


def make_parent_link(client: Client, parent, child, kind: str = "biological"):
    from tracker.models import FamilyParentLink

    link = FamilyParentLink(client_id=client.id, parent_id=parent.id, child_id=child.id, kind=kind)
    db.session.add(link)
    db.session.flush()
    return link


def make_partnership(client: Client, a, b, kind: str = "married", **fields):
    from tracker.models import FamilyPartnership

    partnership = FamilyPartnership(client_id=client.id, a_id=a.id, b_id=b.id, kind=kind, **fields)
    db.session.add(partnership)
    db.session.flush()
    return partnership


def make_bond(client: Client, a, b, quality: str):
    """A relationship quality (close, conflict, cut-off …) between two people."""
    from tracker.models import FamilyRelationship

    bond = FamilyRelationship(client_id=client.id, a_id=a.id, b_id=b.id, quality=quality)
    db.session.add(bond)
    db.session.flush()
    return bond


def make_family_event(client: Client, kind: str = "war", *, member=None, **fields):
    """A trauma (or, for a resilience kind, resilience) event of a person or a branch."""
    from tracker.domain.genogram import RESILIENCE_EVENT_LABELS
    from tracker.models import FamilyEvent

    values = {"start_year": 1943, "spoken_of": "no", **fields}
    if member is None:
        values.setdefault("branch", "whole")
    event = FamilyEvent(
        client_id=client.id,
        member_id=member.id if member is not None else None,
        kind=kind,
        resilience=kind in RESILIENCE_EVENT_LABELS,
        **values,
    )
    db.session.add(event)
    db.session.flush()
    return event


def add_family(client: Client, people, links, partnerships) -> dict:
    """Store a family given as genogram values (``tracker.domain.genogram`` Person,
    ParentLink, Partnership); returns the stored members by the values' ids."""
    from tracker.models import FamilyMember, FamilyParentLink, FamilyPartnership

    members = {
        person.id: FamilyMember(
            client_id=client.id,
            relationship_label=person.label or f"relative {person.id}",
            name=f"Name {person.id}",
            sex=person.sex,
            birth_year=person.birth_year,
            death_year=person.death_year,
            deceased=person.deceased,
            is_client=person.is_client,
            twin_group=person.twin_group,
        )
        for person in people
    }
    db.session.add_all(members.values())
    db.session.flush()
    db.session.add_all(
        FamilyParentLink(
            client_id=client.id,
            parent_id=members[link.parent_id].id,
            child_id=members[link.child_id].id,
            kind=link.kind,
        )
        for link in links
    )
    db.session.add_all(
        FamilyPartnership(
            client_id=client.id,
            a_id=members[p.a_id].id,
            b_id=members[p.b_id].id,
            kind=p.kind,
            start_year=p.start_year,
            end_year=p.end_year,
        )
        for p in partnerships
    )
    db.session.flush()
    return members
