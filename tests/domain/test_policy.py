"""Authorization predicates of ``tracker.domain.policy`` over plain stand-ins."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tracker.domain.policy import (
    can_acknowledge_alert,
    can_administer_practice,
    can_be_backup_clinician,
    can_be_on_care_team,
    can_clear_for_ketamine,
    can_create_client,
    can_deactivate_account,
    can_edit_client,
    can_edit_safety_plan,
    can_manage_account,
    can_manage_care_team,
    can_manage_consents,
    can_override_readiness,
    can_record_screening,
    can_use_clinician_area,
    can_use_portal,
    can_view_alert,
    can_view_client,
    can_void_session,
)

PRACTICE = 1
OTHER_PRACTICE = 2
PRIMARY_ID = 10
PORTAL_USER_ID = 20


@dataclass(frozen=True)
class Person:
    id: int
    role: str
    practice_id: int = PRACTICE
    active: bool = True

    @property
    def is_active(self) -> bool:
        return self.active


@dataclass(frozen=True)
class Record:
    care_team_roles: dict[int, str] = field(default_factory=dict)
    practice_id: int = PRACTICE
    primary_therapist_id: int = PRIMARY_ID
    portal_user_id: int | None = PORTAL_USER_ID


# The record most rows look at: a member of each care-team role (11 co-therapist,
# 12 prescriber, 13 supervisor, 14 an inactive co-therapist). 30 (an admin) and 40
# are on no team here; the admin joins in the two variants below.
CLIENT = Record(
    care_team_roles={11: "co_therapist", 12: "prescriber", 13: "supervisor", 14: "co_therapist"}
)
CLIENT_WITH_ADMIN = Record(care_team_roles={**CLIENT.care_team_roles, 30: "co_therapist"})
CLIENT_WITH_ADMIN_SUPERVISING = Record(care_team_roles={**CLIENT.care_team_roles, 30: "supervisor"})

# actor, record, then expected: view, edit, screening, consents, care team
CASES = {
    "primary therapist": (Person(PRIMARY_ID, "therapist"), CLIENT, (1, 1, 1, 1, 1)),
    "co-therapist": (Person(11, "therapist"), CLIENT, (1, 1, 1, 1, 0)),
    "prescriber": (Person(12, "therapist"), CLIENT, (1, 0, 1, 0, 0)),
    "supervisor": (Person(13, "therapist"), CLIENT, (1, 0, 0, 0, 0)),
    "therapist not on the team": (Person(40, "therapist"), CLIENT, (0, 0, 0, 0, 0)),
    "admin off the care team": (Person(30, "admin"), CLIENT, (0, 0, 0, 0, 0)),
    "admin on the team as co-therapist": (
        Person(30, "admin"),
        CLIENT_WITH_ADMIN,
        (1, 1, 1, 1, 0),
    ),
    "admin on the team as supervisor": (
        Person(30, "admin"),
        CLIENT_WITH_ADMIN_SUPERVISING,
        (1, 0, 0, 0, 0),
    ),
    # Same ids as the primary and a co-therapist, but employed by another practice.
    "primary's id in another practice": (
        Person(PRIMARY_ID, "therapist", practice_id=OTHER_PRACTICE),
        CLIENT,
        (0, 0, 0, 0, 0),
    ),
    "co-therapist's id in another practice": (
        Person(11, "therapist", practice_id=OTHER_PRACTICE),
        CLIENT,
        (0, 0, 0, 0, 0),
    ),
    "inactive primary therapist": (
        Person(PRIMARY_ID, "therapist", active=False),
        CLIENT,
        (0, 0, 0, 0, 0),
    ),
    "inactive co-therapist": (Person(14, "therapist", active=False), CLIENT, (0, 0, 0, 0, 0)),
    "the client (portal user)": (Person(PORTAL_USER_ID, "client"), CLIENT, (0, 0, 0, 0, 0)),
    # A client account whose id is somehow on the team still gets nothing.
    "client account listed on the team": (
        Person(50, "client"),
        Record(care_team_roles={50: "co_therapist"}),
        (0, 0, 0, 0, 0),
    ),
}

PREDICATES = (
    can_view_client,
    can_edit_client,
    can_record_screening,
    can_manage_consents,
    can_manage_care_team,
)


@pytest.mark.parametrize(("actor", "record", "expected"), CASES.values(), ids=list(CASES))
@pytest.mark.parametrize("index", range(len(PREDICATES)), ids=[p.__name__ for p in PREDICATES])
def test_client_record_predicates(actor, record, expected, index):
    assert PREDICATES[index](actor, record) is bool(expected[index])


@pytest.mark.parametrize(("actor", "record", "expected"), CASES.values(), ids=list(CASES))
def test_the_safety_plan_is_written_by_primary_and_co_therapists(actor, record, expected):
    """Exactly those who edit the record's details (column 2); the whole team reads it."""
    assert can_edit_safety_plan(actor, record) is bool(expected[1])


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (Person(1, "therapist"), True),
        (Person(1, "therapist", active=False), False),
        (Person(1, "admin"), False),
        (Person(1, "client"), False),
    ],
    ids=["therapist", "inactive therapist", "admin", "client"],
)
def test_can_create_client(actor, expected):
    assert can_create_client(actor) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (Person(40, "therapist"), True),
        (Person(30, "admin"), True),
        (Person(11, "therapist"), True),  # already a member: the service refuses duplicates
        (Person(PRIMARY_ID, "therapist"), False),
        (Person(40, "therapist", practice_id=OTHER_PRACTICE), False),
        (Person(40, "therapist", active=False), False),
        (Person(30, "admin", active=False), False),
        (Person(PORTAL_USER_ID, "client"), False),
        (Person(60, "client"), False),
    ],
    ids=[
        "therapist",
        "admin",
        "existing member",
        "primary therapist",
        "other practice",
        "inactive therapist",
        "inactive admin",
        "the client",
        "another client",
    ],
)
def test_can_be_on_care_team(candidate, expected):
    assert can_be_on_care_team(candidate, CLIENT) is expected


@pytest.mark.parametrize(
    ("actor", "clinician_area", "portal", "administer"),
    [
        (Person(1, "therapist"), True, False, False),
        (Person(1, "admin"), True, False, True),
        (Person(1, "client"), False, True, False),
        (Person(1, "therapist", active=False), False, False, False),
        (Person(1, "admin", active=False), False, False, False),
        (Person(1, "client", active=False), False, False, False),
    ],
    ids=[
        "therapist",
        "admin",
        "client",
        "inactive therapist",
        "inactive admin",
        "inactive client",
    ],
)
def test_audience_predicates(actor, clinician_area, portal, administer):
    assert can_use_clinician_area(actor) is clinician_area
    assert can_use_portal(actor) is portal
    assert can_administer_practice(actor) is administer


# can_void_session: (actor, record, author id, expected). The author is 11 (a co-therapist)
# unless the row says otherwise.
VOID_CASES = {
    "the author (co-therapist)": (Person(11, "therapist"), CLIENT, 11, True),
    "the primary therapist, not the author": (Person(PRIMARY_ID, "therapist"), CLIENT, 11, True),
    "a supervisor on the team": (Person(13, "therapist"), CLIENT, 11, True),
    "an admin supervising": (Person(30, "admin"), CLIENT_WITH_ADMIN_SUPERVISING, 11, True),
    "another co-therapist": (Person(11, "therapist"), CLIENT, PRIMARY_ID, False),
    "the prescriber, not the author": (Person(12, "therapist"), CLIENT, 11, False),
    "the prescriber who wrote it": (Person(12, "therapist"), CLIENT, 12, True),
    "the author, no longer on the team": (Person(40, "therapist"), CLIENT, 40, False),
    "the author, inactive": (Person(14, "therapist", active=False), CLIENT, 14, False),
    "the author's id in another practice": (
        Person(11, "therapist", practice_id=OTHER_PRACTICE),
        CLIENT,
        11,
        False,
    ),
    "an admin off the team": (Person(30, "admin"), CLIENT, 11, False),
    "the client": (Person(PORTAL_USER_ID, "client"), CLIENT, 11, False),
}


@pytest.mark.parametrize(
    ("actor", "record", "author_id", "expected"), VOID_CASES.values(), ids=list(VOID_CASES)
)
def test_can_void_session(actor, record, author_id, expected):
    assert can_void_session(actor, record, author_id) is expected


MEDICAL_DECISIONS = {
    # actor: may clear for ketamine / may dose despite a blocking finding
    "prescriber on the team": (Person(12, "therapist"), True),
    "primary therapist": (Person(PRIMARY_ID, "therapist"), False),
    "co-therapist": (Person(11, "therapist"), False),
    "supervisor": (Person(13, "therapist"), False),
    "therapist not on the team": (Person(40, "therapist"), False),
    "prescriber's id in another practice": (
        Person(12, "therapist", practice_id=OTHER_PRACTICE),
        False,
    ),
    "inactive prescriber": (Person(12, "therapist", active=False), False),
    "the client": (Person(PORTAL_USER_ID, "client"), False),
}


@pytest.mark.parametrize(
    ("actor", "expected"), MEDICAL_DECISIONS.values(), ids=list(MEDICAL_DECISIONS)
)
@pytest.mark.parametrize("predicate", [can_clear_for_ketamine, can_override_readiness])
def test_only_the_prescriber_clears_and_overrides(actor, expected, predicate):
    assert predicate(actor, CLIENT) is expected


# --- safety alerts: the care team, and backup clinicians once escalated to ------------


@pytest.mark.parametrize(
    ("actor", "escalated_to_actor", "expected"),
    [
        (Person(PRIMARY_ID, "therapist"), False, True),
        (Person(12, "therapist"), False, True),  # the prescriber on the team
        (Person(14, "therapist", active=False), False, False),
        (Person(40, "therapist"), False, False),  # a colleague, not (yet) escalated to
        (Person(40, "therapist"), True, True),  # a backup clinician it escalated to
        (Person(40, "therapist", practice_id=OTHER_PRACTICE), True, False),
        (Person(40, "therapist", active=False), True, False),
        (Person(30, "admin"), True, False),  # admins are not backup clinicians
        (Person(PORTAL_USER_ID, "client"), True, False),
    ],
)
def test_who_may_see_and_acknowledge_an_alert(actor, escalated_to_actor, expected):
    assert can_view_alert(actor, CLIENT, escalated_to_actor=escalated_to_actor) is expected
    assert can_acknowledge_alert(actor, CLIENT, escalated_to_actor=escalated_to_actor) is expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (Person(40, "therapist"), True),
        (Person(40, "therapist", active=False), False),
        (Person(30, "admin"), False),
        (Person(PORTAL_USER_ID, "client"), False),
    ],
)
def test_backup_clinicians_are_active_therapists(actor, expected):
    assert can_be_backup_clinician(actor) is expected


# --- accounts: the practice's admins manage them, never their own deactivation -------

ADMIN = Person(30, "admin")


@pytest.mark.parametrize(
    ("actor", "account", "manage", "deactivate"),
    [
        (ADMIN, Person(40, "therapist"), True, True),
        (ADMIN, Person(31, "admin"), True, True),
        (ADMIN, Person(PORTAL_USER_ID, "client"), True, True),
        (ADMIN, Person(40, "therapist", active=False), True, True),  # to reactivate it
        (ADMIN, ADMIN, True, False),  # their own account
        (ADMIN, Person(40, "therapist", practice_id=OTHER_PRACTICE), False, False),
        (Person(30, "admin", practice_id=OTHER_PRACTICE), ADMIN, False, False),
        (Person(30, "admin", active=False), Person(40, "therapist"), False, False),
        (Person(PRIMARY_ID, "therapist"), Person(40, "therapist"), False, False),
        (Person(PORTAL_USER_ID, "client"), Person(PORTAL_USER_ID, "client"), False, False),
    ],
    ids=[
        "a therapist",
        "another admin",
        "a client's portal account",
        "a deactivated account",
        "the admin's own account",
        "an account of another practice",
        "the admin's id in another practice",
        "an inactive admin",
        "a therapist, not an admin",
        "a client, not an admin",
    ],
)
def test_admins_manage_their_practice_s_accounts(actor, account, manage, deactivate):
    assert can_manage_account(actor, account) is manage
    assert can_deactivate_account(actor, account) is deactivate
