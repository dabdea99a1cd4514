"""Who may do what: every authorization rule of the app, as pure predicates.

Views never decide access themselves; they call a ``can_<verb>_<noun>`` here (usually
through a service that turns a "no" on someone else's record into a 404).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    ADMIN = "admin"
    THERAPIST = "therapist"
    CLIENT = "client"


class CareTeamRole(StrEnum):
    CO_THERAPIST = "co_therapist"
    PRESCRIBER = "prescriber"
    SUPERVISOR = "supervisor"


STAFF_ROLES = frozenset({Role.ADMIN, Role.THERAPIST})


class Actor(Protocol):
    id: int
    role: str
    practice_id: int

    @property
    def is_active(self) -> bool: ...


class ClientRecord(Protocol):
    practice_id: int
    primary_therapist_id: int
    portal_user_id: int | None

    @property
    def care_team_roles(self) -> Mapping[int, str]: ...


def _is_staff(actor: Actor) -> bool:
    return actor.is_active and actor.role in STAFF_ROLES


def _relation(actor: Actor, client: ClientRecord) -> str | None:
    """``"primary"``, a care-team role, or ``None`` when the actor has no part in the care."""
    if not _is_staff(actor) or actor.practice_id != client.practice_id:
        return None
    if actor.id == client.primary_therapist_id:
        return "primary"
    return client.care_team_roles.get(actor.id)


def can_view_client(actor: Actor, client: ClientRecord) -> bool:
    """Primary therapist and care team see the record; admins only if on the team."""
    return _relation(actor, client) is not None


def can_edit_client(actor: Actor, client: ClientRecord) -> bool:
    """Demographics and presenting concerns: primary therapist and co-therapists."""
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_record_screening(actor: Actor, client: ClientRecord) -> bool:
    """Medical screening: the therapists and the prescriber, who often clears it."""
    return _relation(actor, client) in {
        "primary",
        CareTeamRole.CO_THERAPIST,
        CareTeamRole.PRESCRIBER,
    }


def can_manage_consents(actor: Actor, client: ClientRecord) -> bool:
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_manage_care_team(actor: Actor, client: ClientRecord) -> bool:
    """Only the primary therapist decides who else sees the record."""
    return _relation(actor, client) == "primary"


def can_document_sessions(actor: Actor, client: ClientRecord) -> bool:
    """Record, edit and sign session notes: primary therapist and co-therapists."""
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_record_dosing(actor: Actor, client: ClientRecord) -> bool:
    """Ketamine administrations and vitals: the therapists and the prescriber."""
    return _relation(actor, client) in {
        "primary",
        CareTeamRole.CO_THERAPIST,
        CareTeamRole.PRESCRIBER,
    }


def can_clear_for_ketamine(actor: Actor, client: ClientRecord) -> bool:
    """Medical clearance is a medical decision: the prescriber on the care team."""
    return _relation(actor, client) == CareTeamRole.PRESCRIBER


def can_override_readiness(actor: Actor, client: ClientRecord) -> bool:
    """Dosing despite a blocking finding: the prescriber on the care team, with a reason."""
    return _relation(actor, client) == CareTeamRole.PRESCRIBER


def can_record_adverse_event(actor: Actor, client: ClientRecord) -> bool:
    """Adverse events after ketamine: whoever may record dosing (the therapists and the
    prescriber), on a draft or a signed session alike; anyone who can view the client
    may read them."""
    return can_record_dosing(actor, client)


def can_add_addendum(actor: Actor, client: ClientRecord) -> bool:
    """Anyone on the care team may add a correction or comment under a signed note."""
    return _relation(actor, client) is not None


def can_void_session(actor: Actor, client: ClientRecord, session_author_id: int) -> bool:
    """Mark a signed session "entered in error": its author (while on the care team),
    the primary therapist, or a care-team supervisor."""
    relation = _relation(actor, client)
    if relation is None:
        return False
    return actor.id == session_author_id or relation in {"primary", CareTeamRole.SUPERVISOR}


def can_manage_goals_and_homework(actor: Actor, client: ClientRecord) -> bool:
    """Set goals, assign homework, invite to the portal: primary and co-therapists."""
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_manage_measures(actor: Actor, client: ClientRecord) -> bool:
    """Assign questionnaires and enter answers or scores: primary and co-therapists."""
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_edit_safety_plan(actor: Actor, client: ClientRecord) -> bool:
    """The safety plan is written with the client in session: by those who document the
    sessions (primary and co-therapists). The whole care team reads it."""
    return _relation(actor, client) in {"primary", CareTeamRole.CO_THERAPIST}


def can_acknowledge_alert(
    actor: Actor, client: ClientRecord, *, escalated_to_actor: bool = False
) -> bool:
    """Anyone on the care team may act on a safety alert and record what was done; so
    may a backup clinician the alert was escalated to (they may be the one who acts)."""
    return can_view_alert(actor, client, escalated_to_actor=escalated_to_actor)


def can_view_alert(actor: Actor, client: ClientRecord, *, escalated_to_actor: bool) -> bool:
    """A safety alert's page: the care team; and a backup clinician of the practice once
    the alert has been escalated to them (the page shows how to reach the client, not
    the record). ``escalated_to_actor``: the alert has escalated and the actor is a
    designated backup clinician."""
    if _relation(actor, client) is not None:
        return True
    return (
        escalated_to_actor
        and can_be_backup_clinician(actor)
        and actor.practice_id == client.practice_id
    )


def can_be_backup_clinician(actor: Actor) -> bool:
    """Backup clinicians, whom unanswered safety alerts reach, are active therapists."""
    return actor.is_active and actor.role == Role.THERAPIST


def is_portal_owner(actor: Actor, client: ClientRecord) -> bool:
    """The signed-in client whose own record this is."""
    return (
        actor.is_active
        and actor.role == Role.CLIENT
        and client.portal_user_id is not None
        and client.portal_user_id == actor.id
    )


class JournalRecord(Protocol):
    author_id: int
    visibility: str


def can_read_journal_entry(actor: Actor, entry: JournalRecord, client: ClientRecord) -> bool:
    """Private: the author alone, ever. Shared: the author and the care team."""
    if entry.author_id == actor.id:
        return True
    return entry.visibility == "shared" and can_view_client(actor, client)


def can_manage_homework_library(actor: Actor) -> bool:
    """Templates are practice-wide: any active therapist may add and edit them."""
    return actor.is_active and actor.role == Role.THERAPIST


def can_create_client(actor: Actor) -> bool:
    return actor.is_active and actor.role == Role.THERAPIST


def can_use_clinician_area(actor: Actor) -> bool:
    """Caseload pages: therapists, and admins (whose caseload is their care-team clients)."""
    return _is_staff(actor)


def can_use_portal(actor: Actor) -> bool:
    return actor.is_active and actor.role == Role.CLIENT


def can_administer_practice(actor: Actor) -> bool:
    """Accounts, practice settings and the audit trail."""
    return actor.is_active and actor.role == Role.ADMIN


class AccountRecord(Protocol):
    id: int
    practice_id: int


def can_manage_account(actor: Actor, account: AccountRecord) -> bool:
    """Accounts (deactivate, reactivate, reset link, backup designation) are managed by
    an active admin of the same practice; another practice's accounts do not exist for them."""
    return can_administer_practice(actor) and account.practice_id == actor.practice_id


def can_deactivate_account(actor: Actor, account: AccountRecord) -> bool:
    """Any account the admin manages except their own: an admin who deactivated themselves
    could not undo it, and might leave the practice with nobody to manage accounts."""
    return can_manage_account(actor, account) and account.id != actor.id


class BatchRecord(Protocol):
    requested_by_id: int


def can_read_report_batch(actor: Actor, batch: BatchRecord) -> bool:
    """A report batch (its progress and its ZIP) belongs to the person who started it."""
    return _is_staff(actor) and batch.requested_by_id == actor.id


def can_be_on_care_team(candidate: Actor, client: ClientRecord) -> bool:
    """Care-team members are active staff of the same practice, not the primary."""
    return (
        _is_staff(candidate)
        and candidate.practice_id == client.practice_id
        and candidate.id != client.primary_therapist_id
    )
