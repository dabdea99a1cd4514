"""The caseload: search, status filter, sorts, pagination, who sees which clients,
and a fixed number of SQL statements per page however many clients there are."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from tests import factories
from tests.web.pages import audit_actions, caseload_names, text
from tracker.domain.policy import CareTeamRole, Role
from tracker.extensions import db
from tracker.models import AuditEvent, CareTeamMember, Client, MedicalScreening, User


@pytest.fixture
def app_config(request) -> dict:
    """Per-test overrides through ``parametrize(..., indirect=True)``."""
    return getattr(request, "param", {})


def add_client(
    therapist: User,
    preferred_name: str,
    legal_name: str,
    *,
    status: str = "active",
    course_start: date | None = None,
    updated_at: datetime | None = None,
) -> Client:
    client = Client(
        practice_id=therapist.practice_id,
        primary_therapist_id=therapist.id,
        preferred_name=preferred_name,
        legal_name=legal_name,
        status=status,
        course_start_date=course_start,
        updated_at=updated_at or datetime.now(UTC),
    )
    db.session.add(client)
    db.session.flush()
    return client


def join_team(client: Client, user: User, role: str = CareTeamRole.CO_THERAPIST) -> None:
    db.session.add(CareTeamMember(client_id=client.id, user_id=user.id, role=role))
    db.session.flush()


@pytest.fixture
def caseload(world):
    """Therapist A's caseload: Cora (from the world) and four more, all different."""
    now = datetime.now(UTC)
    therapist = world.therapist_a
    world.client_a.updated_at = now - timedelta(days=3)
    clients = {
        "Cora": world.client_a,  # active, no course start date
        "Bea": add_client(
            therapist,
            "Bea",
            "Beatrix Amsel",
            status="paused",
            course_start=date(2026, 3, 1),
            updated_at=now - timedelta(days=1),
        ),
        "dario": add_client(
            therapist,
            "dario",
            "Dario Rossi",
            status="discharged",
            course_start=date(2026, 5, 1),
            updated_at=now - timedelta(days=9),
        ),
        "Ezra": add_client(
            therapist,
            "Ezra",
            "Ezra Nadel",
            course_start=date(2026, 1, 15),
            updated_at=now,
        ),
        "Finn": add_client(
            therapist,
            "Finn",
            "Finnegan Ward",
            course_start=date(2025, 11, 2),
            updated_at=now - timedelta(days=5),
        ),
    }
    db.session.commit()
    return clients


def _names(client, **params) -> list[str]:
    response = client.get("/clients", query_string=params)
    assert response.status_code == 200
    return caseload_names(text(response))


@pytest.fixture
def therapist_a(client, world, login):
    assert login(client, world.therapist_a).status_code == 302
    return client


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("bea", ["Bea"]),  # preferred name, any case
        ("AMSEL", ["Bea"]),  # legal name only
        ("rossi", ["dario"]),
        ("  ezra  ", ["Ezra"]),  # surrounding spaces ignored
        ("r", ["Bea", "Cora", "dario", "Ezra", "Finn"]),  # every legal name has an r
        ("Cora Legal", ["Cora"]),
    ],
)
def test_search_by_preferred_or_legal_name(therapist_a, caseload, search, expected):
    assert _names(therapist_a, q=search) == expected


def test_search_without_match_says_so(therapist_a, caseload):
    page = text(therapist_a.get("/clients", query_string={"q": "zzz"}))
    assert caseload_names(page) == []
    assert "No clients match." in page
    assert "0 clients" in page


def test_search_keeps_what_was_typed(therapist_a, caseload):
    page = text(therapist_a.get("/clients", query_string={"q": "Amsel", "status": "paused"}))
    assert 'value="Amsel"' in page
    assert re.search(r'<option selected value="paused">', page)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", ["Cora", "Ezra", "Finn"]),
        ("paused", ["Bea"]),
        ("discharged", ["dario"]),
        ("", ["Bea", "Cora", "dario", "Ezra", "Finn"]),
    ],
)
def test_filter_by_status(therapist_a, caseload, status, expected):
    assert _names(therapist_a, status=status) == expected


def test_search_and_status_combine(therapist_a, caseload):
    assert _names(therapist_a, q="a", status="active") == ["Cora", "Ezra", "Finn"]
    assert _names(therapist_a, q="amsel", status="active") == []


def test_unknown_filter_values_show_the_whole_caseload(therapist_a, caseload):
    assert _names(therapist_a, status="bogus", sort="bogus") == [
        "Bea",
        "Cora",
        "dario",
        "Ezra",
        "Finn",
    ]


@pytest.mark.parametrize(
    ("query", "names", "search_value", "selected"),
    [
        # one filter not valid: none applies, and the form shows none of them
        ({"q": "bea", "status": "bogus"}, ["Bea", "Cora", "dario", "Ezra", "Finn"], "", []),
        ({"q": "b" * 101, "sort": "status"}, ["Bea", "Cora", "dario", "Ezra", "Finn"], "", []),
        # a blank choice is no filter, and stays chosen
        ({"q": "bea", "status": ""}, ["Bea"], "bea", [""]),
        ({"q": "%", "sort": "status"}, [], "%", ["status"]),  # wildcards match themselves
        ({"q": "_"}, [], "_", []),
    ],
)
def test_filters_are_applied_and_shown_as_typed(
    therapist_a, caseload, query, names, search_value, selected
):
    page = text(therapist_a.get("/clients", query_string=query))
    assert caseload_names(page) == names
    assert f'name="q" type="text" value="{search_value}"' in page
    assert re.findall(r'<option selected value="([^"]*)">', page) == selected


def test_sort_by_name_ignores_case(therapist_a, caseload):
    assert _names(therapist_a, sort="name") == ["Bea", "Cora", "dario", "Ezra", "Finn"]
    assert _names(therapist_a) == _names(therapist_a, sort="name")


def test_sort_by_status_groups_statuses_names_within(therapist_a, caseload):
    names = _names(therapist_a, sort="status")
    statuses = [{c.preferred_name: c.status for c in caseload.values()}[name] for name in names]
    assert statuses[:3] == ["active"] * 3
    assert names[:3] == ["Cora", "Ezra", "Finn"]
    assert sorted(names[3:]) == ["Bea", "dario"]
    # Each status forms one block.
    assert len([s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]) == 3


def test_sort_by_course_start_newest_first_undated_last(therapist_a, caseload):
    assert _names(therapist_a, sort="course_start") == ["dario", "Bea", "Ezra", "Finn", "Cora"]


def test_sort_by_recently_updated(therapist_a, caseload):
    assert _names(therapist_a, sort="recent") == ["Ezra", "Bea", "Cora", "Finn", "dario"]


@pytest.mark.parametrize("app_config", [{"CASELOAD_PAGE_SIZE": 2}], indirect=True)
def test_pagination(therapist_a, caseload):
    first = text(therapist_a.get("/clients"))
    assert caseload_names(first) == ["Bea", "Cora"]
    assert "5 clients" in first
    assert "Page 1 of 3" in first
    assert 'rel="prev"' not in first
    assert re.search(r'href="/clients\?page=2" rel="next"', first)

    assert _names(therapist_a, page=2) == ["dario", "Ezra"]
    last = text(therapist_a.get("/clients", query_string={"page": 3}))
    assert caseload_names(last) == ["Finn"]
    assert "Page 3 of 3" in last
    assert 'rel="next"' not in last
    assert re.search(r'href="/clients\?page=2" rel="prev"', last)


@pytest.mark.parametrize("app_config", [{"CASELOAD_PAGE_SIZE": 2}], indirect=True)
def test_pagination_keeps_search_filter_and_sort(therapist_a, caseload):
    params = {"status": "active", "sort": "course_start"}
    first = text(therapist_a.get("/clients", query_string=params))
    assert caseload_names(first) == ["Ezra", "Finn"]
    assert "3 clients" in first
    link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert "status=active" in href
    assert "sort=course_start" in href
    assert caseload_names(text(therapist_a.get(href))) == ["Cora"]


@pytest.mark.parametrize("app_config", [{"CASELOAD_PAGE_SIZE": 2}], indirect=True)
@pytest.mark.parametrize("page", ["99", "0", "-1", "two"])
def test_out_of_range_page_numbers_do_not_fail(therapist_a, caseload, page):
    response = therapist_a.get("/clients", query_string={"page": page})
    assert response.status_code == 200


def test_therapist_sees_own_and_care_team_clients_only(therapist_a, world):
    other_practice = factories.make_practice("Elsewhere")
    stranger = factories.make_user(other_practice, Role.THERAPIST)
    elsewhere = add_client(stranger, "Elsa", "Elsa Far")
    # Even a stray care-team row across practices must not show the client.
    join_team(elsewhere, world.therapist_a)
    unshared = add_client(world.therapist_b, "Uma", "Uma Unshared")
    db.session.commit()
    assert _names(therapist_a) == ["Cora"]

    join_team(world.client_b, world.therapist_a, CareTeamRole.SUPERVISOR)
    db.session.commit()
    page = text(therapist_a.get("/clients"))
    assert caseload_names(page) == ["Cole", "Cora"]
    assert "(you are on the care team)" in page
    assert unshared.preferred_name not in page
    assert "Elsa" not in page


def test_admin_caseload_holds_only_care_team_clients(client, world, login):
    login(client, world.admin)
    page = text(client.get("/clients"))
    assert caseload_names(page) == []
    assert "No clients match." in page
    assert "Add a client" not in page  # admins do not create clients

    join_team(world.client_b, world.admin, CareTeamRole.SUPERVISOR)
    db.session.commit()
    assert caseload_names(text(client.get("/clients"))) == ["Cole"]


# --- query counts -------------------------------------------------------------------


def bulk_caseload(world, count: int, *, start: int) -> None:
    """``count`` more clients therapist A sees: most their own, every tenth through
    the care team of therapist B's client; screenings on some, two on a few."""
    today = date(2026, 6, 1)
    rows = []
    for number in range(start, start + count):
        shared = number % 10 == 0
        rows.append(
            {
                "practice_id": world.practice.id,
                "primary_therapist_id": (world.therapist_b if shared else world.therapist_a).id,
                "preferred_name": f"Bulk{number:04d}",
                "legal_name": f"Bulk Client {number}",
                "status": ("active", "paused", "discharged")[number % 3],
                "course_start_date": today - timedelta(days=number),
            }
        )
    ids = db.session.scalars(
        insert(Client).returning(Client.id, sort_by_parameter_order=True), rows
    ).all()
    members, screenings = [], []
    for number, client_id in zip(range(start, start + count), ids, strict=True):
        if number % 10 == 0:
            members.append(
                {"client_id": client_id, "user_id": world.therapist_a.id, "role": "co_therapist"}
            )
        for extra in range(2 if number % 6 == 0 else 1 if number % 3 == 0 else 0):
            screenings.append(
                {
                    "client_id": client_id,
                    "screened_on": today - timedelta(days=30 * extra),
                    "decision": ("cleared", "pending")[extra],
                    "recorded_by_id": world.therapist_a.id,
                }
            )
    if members:
        db.session.execute(insert(CareTeamMember), members)
    if screenings:
        db.session.execute(insert(MedicalScreening), screenings)
    db.session.commit()


@pytest.mark.parametrize(
    "app_config",
    [{"CASELOAD_PAGE_SIZE": 25}, {"CASELOAD_PAGE_SIZE": 600}],
    indirect=True,
    ids=["page of 25", "page of 600"],
)
def test_caseload_query_count_does_not_grow_with_clients(app, therapist_a, world, count_queries):
    page_size = app.config["CASELOAD_PAGE_SIZE"]
    # Unshared clients of therapist B, invisible to A, are in the database too.
    for number in range(3):
        add_client(world.therapist_b, f"Hidden{number}", f"Hidden Client {number}")
    bulk_caseload(world, 4, start=0)
    therapist_a.get("/clients")  # warm-up: first-request work is not the page's

    with count_queries() as few:
        response = therapist_a.get("/clients", query_string={"sort": "status"})
    assert response.status_code == 200
    assert len(caseload_names(text(response))) == 5

    bulk_caseload(world, 495, start=4)
    with count_queries() as many:
        response = therapist_a.get("/clients", query_string={"sort": "status"})
    page = text(response)
    assert "500 clients" in page
    assert len(caseload_names(page)) == min(500, page_size)
    assert "Cleared for ketamine" in page
    assert len(many) == len(few), "\n\n".join(many)
    # the sign-in session, the page (its rows, their screening decisions and the number
    # of clients in one statement) and open alerts
    assert len(many) <= 3, "\n\n".join(many)


def bulk_audit_events(world, count: int) -> None:
    actors = [world.admin.id, world.therapist_a.id, world.therapist_b.id, None]
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "practice_id": world.practice.id,
                "actor_id": actors[number % len(actors)],
                "action": ("client.view", "client.update", "auth.login")[number % 3],
                "record_type": "client",
                "record_id": world.client_a.id,
                "client_id": world.client_a.id if number % 2 else None,
                "detail": "",
            }
            for number in range(count)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize(
    "app_config",
    [{"AUDIT_PAGE_SIZE": 50}, {"AUDIT_PAGE_SIZE": 600}],
    indirect=True,
    ids=["page of 50", "page of 600"],
)
def test_audit_page_query_count_does_not_grow_with_events(app, client, world, login, count_queries):
    page_size = app.config["AUDIT_PAGE_SIZE"]
    login(client, world.admin)
    bulk_audit_events(world, 5)
    client.get("/admin/audit")

    with count_queries() as few:
        response = client.get("/admin/audit")
    assert response.status_code == 200
    page = text(response)
    total = int(re.search(r"(\d+) events", page).group(1))
    assert len(audit_actions(page)) == total < 10

    bulk_audit_events(world, 495)
    with count_queries() as many:
        response = client.get("/admin/audit")
    page = text(response)
    total = int(re.search(r"(\d+) events", page).group(1))
    assert total >= 500
    assert len(audit_actions(page)) == min(total, page_size)
    assert world.therapist_b.name in page
    assert len(many) == len(few), "\n\n".join(many)
    assert len(many) <= 4, "\n\n".join(many)  # session, people to filter by, page, total


def test_search_treats_wildcards_as_plain_characters(client, world, login):
    """A '%' or '_' typed into the search matches only itself, not every client."""
    from tests.factories import make_client

    make_client(world.therapist_a, preferred_name="Anna_Maria")
    db.session.commit()
    login(client, world.therapist_a)
    page = client.get("/clients?q=_").get_data(as_text=True)
    assert "Anna_Maria" in page
    assert "Cora" not in page
    assert "No clients match." in client.get("/clients?q=%25").get_data(as_text=True)


@pytest.mark.parametrize("page", ["999999999999999999999", "-2", "0"])
def test_any_page_of_the_caseload_is_a_page_not_an_error(therapist_a, page):
    assert therapist_a.get(f"/clients?page={page}").status_code == 200
