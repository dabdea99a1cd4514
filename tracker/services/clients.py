"""Clients: the caseload, records, care team, screening and consents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import defer, joinedload

from tracker.domain.clients import (
    CONTRAINDICATIONS,
    ClientStatus,
    ScreeningDecision,
    clearance_problem,
    decision_problems,
    flagged_contraindications,
    revocation_problem,
)
from tracker.domain.policy import (
    can_be_on_care_team,
    can_clear_for_ketamine,
    can_view_client,
)
from tracker.extensions import db
from tracker.models import CareTeamMember, Client, Consent, MedicalScreening, User
from tracker.models.base import utcnow
from tracker.services import Forbidden, NotFound, Rejected
from tracker.services.paging import ListPage, window_total
from tracker.settings import setting

CLIENT_FIELDS = (
    "preferred_name",
    "legal_name",
    "date_of_birth",
    "pronouns",
    "email",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "status",
    "course_start_date",
    "referral_source",
    "presenting_concerns",
)


def _visible_to(actor: User):
    """SQL condition: the actor is the primary therapist or on the care team."""
    on_team = exists().where(
        CareTeamMember.client_id == Client.id, CareTeamMember.user_id == actor.id
    )
    return and_(
        Client.practice_id == actor.practice_id,
        or_(Client.primary_therapist_id == actor.id, on_team),
    )


def visible_client_ids(actor: User) -> Select:
    """``SELECT client.id`` of the clients the actor cares for: the caseload's rule, for
    practice-wide lists of other records (admins see only their care-team clients)."""
    return select(Client.id).where(_visible_to(actor))


@dataclass(frozen=True)
class CaseloadPage(ListPage):
    decisions: dict[int, str]  # client id -> decision of the newest screening


# The caseload rule of ``_visible_to`` with the actor as parameters (``practice_id``,
# ``actor_id``), for statements built once.
VISIBLE_TO_ACTOR = and_(
    Client.practice_id == bindparam("practice_id"),
    or_(
        Client.primary_therapist_id == bindparam("actor_id"),
        exists()
        .where(
            CareTeamMember.client_id == Client.id, CareTeamMember.user_id == bindparam("actor_id")
        )
        .correlate(Client),  # only the client: a statement may join the care team too
    ),
)
_NAME_MATCHES = or_(
    func.lower(Client.preferred_name).contains(bindparam("term"), escape="/"),
    func.lower(Client.legal_name).contains(bindparam("term"), escape="/"),
)
_CASELOAD_ORDER = {
    "name": (func.lower(Client.preferred_name), Client.id),
    "status": (Client.status, func.lower(Client.preferred_name), Client.id),
    # Undated clients last on every database (PostgreSQL sorts NULL first in DESC).
    "course_start": (Client.course_start_date.desc().nulls_last(), Client.id),
    "recent": (Client.updated_at.desc(), Client.id),
}
_NEWEST_DECISION = (
    select(MedicalScreening.decision)
    .where(MedicalScreening.client_id == Client.id)
    .order_by(MedicalScreening.screened_on.desc(), MedicalScreening.id.desc())
    .limit(1)
    .correlate(Client)
    .scalar_subquery()
)
_caseload_statements: dict[tuple[str, bool, bool], Select] = {}


def _caseload_statement(sort: str, search: bool, status: bool) -> Select:
    """The page query for one sort and set of filters: the clients with their primary
    therapist, newest screening decision and the number of matching clients (a window
    count, so no second statement). At most 16 of them, each built once."""
    key = (sort, search, status)
    statement = _caseload_statements.get(key)
    if statement is None:
        statement = _caseload_statements[key] = (
            select(Client, _NEWEST_DECISION.label("decision"), func.count().over().label("total"))
            .where(*_caseload_conditions(search, status))
            # The list never shows presenting concerns: do not load (or decrypt) them.
            .options(joinedload(Client.primary_therapist), defer(Client.presenting_concerns))
            .order_by(*_CASELOAD_ORDER[sort])
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
    return statement


def _caseload_conditions(search: bool, status: bool) -> list[ColumnElement[bool]]:
    conditions = [VISIBLE_TO_ACTOR]
    if search:
        conditions.append(_NAME_MATCHES)
    if status:
        conditions.append(Client.status == bindparam("status"))
    return conditions


def _like_term(search: str) -> str:
    """The search term for ``LIKE … ESCAPE '/'``: its wildcards match themselves."""
    term = search.strip().lower()
    return term.replace("/", "//").replace("%", "/%").replace("_", "/_")


def caseload_page(
    actor: User, page: int, *, search: str = "", status: str = "", sort: str = "name"
) -> CaseloadPage:
    """One page of the actor's caseload (searched by name, filtered by status, sorted),
    with the number of clients and their newest screening decisions: one statement (two
    past the last page)."""
    per_page = setting("CASELOAD_PAGE_SIZE")
    sort = sort if sort in _CASELOAD_ORDER else "name"
    params: dict[str, Any] = {
        "practice_id": actor.practice_id,
        "actor_id": actor.id,
        "limit": per_page,
        "offset": (page - 1) * per_page,
        "term": _like_term(search),
        "status": status,
    }
    filters = (bool(search.strip()), bool(status))
    rows = db.session.execute(_caseload_statement(sort, *filters), params).all()
    total = window_total(
        rows,
        page,
        lambda: select(func.count(Client.id)).where(*_caseload_conditions(*filters)),
        params,
    )
    return CaseloadPage(
        items=[row.Client for row in rows],
        page=page,
        per_page=per_page,
        total=total,
        decisions={row.Client.id: row.decision for row in rows if row.decision},
    )


def active_caseload_ids(actor: User) -> list[int]:
    """Ids of the active clients the actor cares for (primary or care team), in order."""
    return list(
        db.session.scalars(
            select(Client.id)
            .where(_visible_to(actor), Client.status == ClientStatus.ACTIVE)
            .order_by(Client.id)
        )
    )


# The client with what every page of the record reads (care team and its people, the
# primary therapist) in one statement. Built once: SQLAlchemy memoizes a statement's
# cache key on the statement, so a request reuses it instead of rebuilding options.
_CLIENT_BY_ID = (
    select(Client)
    .where(Client.id == bindparam("client_id"))
    .options(
        joinedload(Client.care_team).joinedload(CareTeamMember.user),
        joinedload(Client.primary_therapist),
    )
)
# The record page also says whether the client uses the portal.
_CLIENT_RECORD_BY_ID = _CLIENT_BY_ID.options(joinedload(Client.portal_user))


def get_client(
    actor: User,
    client_id: int,
    allowed: Callable[[User, Client], bool] = can_view_client,
    *,
    with_portal_user: bool = False,
) -> Client:
    """Load a client for ``actor``: 404 unless they may see it, 403 if not ``allowed``
    (one query; ``with_portal_user`` loads the portal account in it too)."""
    statement = _CLIENT_RECORD_BY_ID if with_portal_user else _CLIENT_BY_ID
    client = db.session.execute(statement, {"client_id": client_id}).unique().scalar_one_or_none()
    if client is None or not can_view_client(actor, client):
        raise NotFound(client_id)
    if not allowed(actor, client):
        raise Forbidden(client_id)
    return client


def create_client(actor: User, data: dict[str, Any]) -> Client:
    """A new client on the actor's caseload."""
    client = Client(practice_id=actor.practice_id, primary_therapist_id=actor.id)
    apply_client_fields(client, data)
    db.session.add(client)
    db.session.flush()
    return client


def apply_client_fields(client: Client, data: dict[str, Any]) -> list[str]:
    """Copy the editable fields; returns the names that changed (for the audit trail)."""
    changed = []
    for name in CLIENT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        if name == "presenting_concerns" and value == "":
            value = None
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    return changed


_ACTIVE_STAFF = (
    select(User)
    .where(User.practice_id == bindparam("practice_id"), User.active.is_(True))
    .order_by(User.name)
)


def care_team_candidates(client: Client) -> list[User]:
    """Staff of the practice who could join this client's care team."""
    members = {m.user_id for m in client.care_team}
    users = db.session.scalars(_ACTIVE_STAFF, {"practice_id": client.practice_id})
    return [u for u in users if can_be_on_care_team(u, client) and u.id not in members]


def add_care_team_member(client: Client, user_id: int, role: str, actor: User) -> CareTeamMember:
    candidate = db.session.get(User, user_id)
    if candidate is None or not can_be_on_care_team(candidate, client):
        raise NotFound(user_id)
    if any(member.user_id == user_id for member in client.care_team):
        raise Forbidden(user_id)
    member = CareTeamMember(user_id=user_id, role=role, added_by_id=actor.id)
    client.care_team.append(member)
    db.session.flush()
    return member


def remove_care_team_member(client: Client, member_id: int) -> CareTeamMember:
    member = next((m for m in client.care_team if m.id == member_id), None)
    if member is None:
        raise NotFound(member_id)
    client.care_team.remove(member)
    db.session.flush()
    return member


_SCREENINGS = (
    select(MedicalScreening)
    .where(MedicalScreening.client_id == bindparam("client_id"))
    .options(
        joinedload(MedicalScreening.decided_by),
        joinedload(MedicalScreening.clearance_requested_by),
    )
    .order_by(MedicalScreening.screened_on.desc(), MedicalScreening.id.desc())
)


def screenings(client: Client) -> list[MedicalScreening]:
    """All screenings of the client, newest first, with who decided."""
    return list(db.session.scalars(_SCREENINGS, {"client_id": client.id}))


# What a prescriber's review carries over from the newest screening: the client's
# answers. The review's own items (decision, blood pressure, reviews) start empty.
REVIEWED_ANSWERS = ("weight_kg", "medications", "allergies", "notes", *CONTRAINDICATIONS)


class ScreeningRejected(Rejected):
    """Field problems of a screening: ``problems`` maps form fields to messages."""


def new_screening_values(client: Client, actor: User) -> dict[str, Any]:
    """What a new screening starts with: pending; a prescriber reviewing the newest
    screening starts from its answers."""
    values: dict[str, Any] = {"decision": ScreeningDecision.PENDING}
    newest = screenings(client)[:1]
    if newest and can_clear_for_ketamine(actor, client):
        values.update({name: getattr(newest[0], name) for name in REVIEWED_ANSWERS})
    return values


def record_screening(
    client: Client, actor: User, data: dict[str, Any], now: datetime | None = None
) -> MedicalScreening:
    """Store a screening. Clearing (or not) is the prescriber's decision, resting on the
    weight, blood pressure and reviews; a pending screening by anyone else asks the
    prescriber for review. ``now``: when the decision (or the request) was made."""
    flags = flagged_contraindications(data)
    problems = decision_problems(
        decision=data["decision"],
        by_prescriber=can_clear_for_ketamine(actor, client),
        weight_kg=data.get("weight_kg"),
        bp_systolic=data.get("bp_systolic"),
        bp_diastolic=data.get("bp_diastolic"),
        medications_reviewed=bool(data.get("medications_reviewed")),
        contraindications_reviewed=bool(data.get("contraindications_reviewed")),
    )
    problem = clearance_problem(flags, data["decision"], data.get("notes"))
    if problem:
        problems.setdefault("notes", problem)
    if problems:
        raise ScreeningRejected(problems)
    screening = MedicalScreening(client_id=client.id, recorded_by_id=actor.id)
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip() or None
        setattr(screening, name, value)
    if data["decision"] != ScreeningDecision.PENDING:
        screening.decided_by_id = actor.id
        screening.decided_at = now or utcnow()
    else:
        screening.clearance_requested_by_id = actor.id
        screening.clearance_requested_at = now or utcnow()
    db.session.add(screening)
    db.session.flush()
    return screening


_CONSENTS = (
    select(Consent)
    .where(Consent.client_id == bindparam("client_id"))
    .order_by(Consent.kind, Consent.given_on.desc(), Consent.id.desc())
)


def consents(client: Client) -> list[Consent]:
    return list(db.session.scalars(_CONSENTS, {"client_id": client.id}))


def record_consent(
    client: Client, actor: User, *, kind: str, version: str, given_on: date
) -> Consent:
    consent = Consent(
        client_id=client.id,
        kind=kind,
        version=version.strip(),
        given_on=given_on,
        recorded_by_id=actor.id,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def revoke_consent(client: Client, actor: User, consent_id: int, revoked_on: date) -> Consent:
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.client_id != client.id:
        raise NotFound(consent_id)
    if consent.revoked_on is not None:
        raise Forbidden(consent_id)
    problem = revocation_problem(consent.given_on, revoked_on)
    if problem:
        raise Rejected(problem, "revoked_on")
    consent.revoked_on = revoked_on
    consent.revoked_by_id = actor.id
    return consent
