"""Today: where staff land. What it lists, for whom, the practice's numbers for admins,
and a fixed number of SQL statements at 5 and at 500 clients."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from tests import factories
from tests.factories import answer_measure, assign_measure, complete, login, make_assignment
from tests.session_factories import add_to_care_team, make_session
from tests.web.pages import section_text, text
from tracker.domain.clock import local_to_utc, utc_to_local
from tracker.extensions import db
from tracker.models import (
    Client,
    HomeworkAssignment,
    MeasureAssignment,
    MeasureResponse,
    PlannedSession,
    SafetyAlert,
    TherapySession,
)
from tracker.models.base import utcnow

SECTIONS = ("alerts", "planned", "drafts", "integration", "questionnaires", "homework")


def today() -> date:
    return datetime.now(UTC).date()  # the test practice's zone is UTC


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def plan(client: Client, starts_at: datetime, *, phase: str = "integration", therapist=None):
    row = PlannedSession(
        client_id=client.id,
        therapist_id=therapist.id if therapist else client.primary_therapist_id,
        starts_at=starts_at,
        duration_minutes=60,
        modality="kap",
        phase=phase,
        setting="in_person",
    )
    db.session.add(row)
    db.session.flush()
    return row


def fill(client: Client) -> dict[str, int]:
    """One of every kind of work for ``client``, and records that must not show."""
    now = utcnow()
    day = today()
    old = answer_measure(client, "phq9", 10, item9=1, on=day - timedelta(days=2))
    old.alert.created_at = now - timedelta(hours=5)
    new = answer_measure(client, "phq9", 10, item9=1, on=day)
    acknowledged = answer_measure(client, "phq9", 10, item9=1, on=day)
    acknowledged.alert.acknowledged_at = now
    acknowledged.alert.acknowledged_by_id = client.primary_therapist_id
    acknowledged.alert.acknowledgement_note = "called"
    planned = plan(client, at(day, 15))
    plan(client, at(day + timedelta(days=1), 15))  # tomorrow: not on today's list
    recent = make_session(
        client, starts_at=now - timedelta(hours=3), duration_minutes=60, phase="follow_up"
    )
    flagged = make_session(client, starts_at=now - timedelta(days=3), phase="preparation")
    urgent = make_session(client, starts_at=now - timedelta(days=10), phase="intake")
    make_session(client, starts_at=now + timedelta(days=2))  # a future draft: not listed
    signed = make_session(client, starts_at=now - timedelta(days=4), phase="booster")
    signed.status = "signed"
    signed.signed_at = now
    signed.signed_by_id = client.primary_therapist_id
    # A medicine session two days ago without its integration session: 5 days left.
    medicine = make_session(client, starts_at=at(day - timedelta(days=2), 9))
    medicine.status = "signed"
    medicine.signed_at = now
    medicine.signed_by_id = client.primary_therapist_id
    overdue = assign_measure(client, "gad7", start=day - timedelta(days=3))
    assign_measure(client, "pcl5", start=day)  # due today: not overdue yet
    answered = assign_measure(client, "who5", start=day - timedelta(days=3))
    answer_measure(client, "who5", 15, on=day - timedelta(days=1), assignment=answered)
    homework = make_assignment(client, start_date=day - timedelta(days=13))
    complete(homework, day - timedelta(days=5))
    complete(homework, day - timedelta(days=2))
    db.session.commit()
    return {
        "old_alert": old.alert.id,
        "new_alert": new.alert.id,
        "plan": planned.id,
        "recent": recent.id,
        "flagged": flagged.id,
        "urgent": urgent.id,
        "overdue": overdue.id,
    }


def signed_in(app, user):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def test_an_urgent_alert_comes_before_older_ones(app, world):
    ids = fill(world.client_a)
    db.session.get(SafetyAlert, ids["new_alert"]).urgent = True
    db.session.commit()
    page = text(signed_in(app, world.therapist_a).get("/today"))
    assert page.index(f'/alerts/{ids["new_alert"]}"') < page.index(f'/alerts/{ids["old_alert"]}"')


def test_today_lists_each_kind_of_work_linking_to_where_to_act(app, world):
    ids = fill(world.client_a)
    cora = world.client_a.id
    page = text(signed_in(app, world.therapist_a).get("/today"))

    alerts = section_text(page, "alerts")
    assert "Safety alerts 2" in alerts
    assert alerts.count("Cora") == 2
    # Oldest first, with the time elapsed.
    assert "Cora suicidal ideation raised 5 hours ago Cora suicidal ideation raised" in alerts
    assert f'href="/alerts/{ids["old_alert"]}"' in page  # the alert's page, to act
    assert page.index(f'/alerts/{ids["old_alert"]}"') < page.index(f'/alerts/{ids["new_alert"]}"')

    planned = section_text(page, "planned")
    assert "Planned for today 1" in planned and "3:00 PM" in planned
    assert f'action="/clients/{cora}/plans/{ids["plan"]}/start"' in page

    drafts = section_text(page, "drafts")
    assert "Notes to sign 3" in drafts
    assert re.search(
        r"Intake .* Over 7 days .* Preparation .* Over 24 hours .* Within a day", drafts
    )
    assert "Booster" not in drafts  # signed
    for key in ("recent", "flagged", "urgent"):
        assert f'href="/clients/{cora}/sessions/{ids[key]}"' in page

    integration = section_text(page, "integration")
    assert "Integration due 1" in integration and "5 days left" in integration
    assert f"planned for {today().strftime('%b')}" in integration  # the plan of today

    questionnaires = section_text(page, "questionnaires")
    assert "Questionnaires overdue 1" in questionnaires and "GAD-7" in questionnaires
    assert "PCL-5" not in questionnaires and "WHO-5" not in questionnaires
    assert f"due since {(today() - timedelta(days=3)).strftime('%b')}" in questionnaires

    homework = section_text(page, "homework")
    assert "Cora 14% (2 of 14 done)" in homework
    assert f'href="/clients/{cora}/homework"' in page
    assert "All clear: nothing is waiting" not in page


def test_nothing_waiting_says_all_clear(app, world):
    page = text(signed_in(app, world.therapist_b).get("/today"))
    assert "All clear: nothing is waiting for you today." in page
    for name in SECTIONS:
        assert "Nothing waiting: all clear." in section_text(page, name), name


def test_only_the_clients_one_cares_for_and_only_what_one_may_act_on(app, world):
    fill(world.client_a)
    # Therapist B sees none of client A's work, and gets their own client's.
    answer_measure(world.client_b, "phq9", 10, item9=1)
    db.session.commit()
    page = text(signed_in(app, world.therapist_b).get("/today"))
    assert "Cora" not in page
    assert "Cole" in section_text(page, "alerts")

    # As client A's prescriber, B sees the alerts and the planned session, but not the
    # notes to sign, the integration, the questionnaires or the homework of A.
    add_to_care_team(world.client_a, world.therapist_b, "prescriber")
    db.session.commit()
    page = text(signed_in(app, world.therapist_b).get("/today"))
    assert section_text(page, "alerts").count("Cora") == 2
    assert "Cora" in section_text(page, "planned")
    assert "Start the session" not in section_text(page, "planned")  # may not document
    for name in ("drafts", "integration", "questionnaires", "homework"):
        assert "Cora" not in section_text(page, name), name


def test_follow_up_is_for_active_clients_only(app, world):
    fill(world.client_a)
    world.client_a.status = "paused"
    db.session.commit()
    page = text(signed_in(app, world.therapist_a).get("/today"))
    assert "Cora" in section_text(page, "alerts")
    assert "Cora" in section_text(page, "drafts")
    for name in ("integration", "questionnaires", "homework"):
        assert "Cora" not in section_text(page, name), name


def test_today_is_the_practice_s_day(app, world):
    """The day runs midnight to midnight where the practice is, not in UTC."""
    zone = world.practice.timezone = "Pacific/Auckland"  # UTC+12 or +13
    zone_today = utc_to_local(utcnow(), zone).date()
    early = plan(world.client_a, local_to_utc(zone_today, time(0, 30), zone))
    plan(world.client_a, local_to_utc(zone_today + timedelta(days=1), time(0, 30), zone))
    plan(world.client_a, local_to_utc(zone_today - timedelta(days=1), time(23, 30), zone))
    db.session.commit()
    page = text(signed_in(app, world.therapist_a).get("/today"))
    planned = section_text(page, "planned")
    assert "Planned for today 1" in planned and "12:30 AM" in planned
    assert f"/plans/{early.id}/start" in page


def test_admins_see_the_practice_s_numbers_and_no_names(app, world):
    fill(world.client_a)
    answer_measure(world.client_b, "phq9", 10, item9=1)
    db.session.commit()
    page = text(signed_in(app, world.admin).get("/today"))
    assert "Today in the practice" in page
    numbers = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)', page))
    assert numbers == {
        "Safety alerts not yet acknowledged": "3",
        "Sessions planned for today": "1",
        "Unsigned notes": "3",
        "Integration sessions due": "1",
        "Questionnaires overdue": "1",
        "Clients with homework below 50% over 14 days": "1",
    }
    assert "1 over 24 hours, 1 over 7 days" in page
    for word in ("Cora", "Cole", "GAD-7", "suicidal", "/clients/"):
        assert word not in page


@pytest.mark.parametrize(
    ("user", "expected"),
    [("therapist_a", "/today"), ("admin", "/today"), ("client_user_a", "/portal/")],
)
def test_staff_land_on_today_and_clients_in_the_portal(app, world, user, expected):
    browser = app.test_client()
    assert login(browser, getattr(world, user)).headers["Location"] == expected
    assert browser.get("/").headers["Location"] == expected


def test_clients_do_not_reach_today(app, world):
    assert signed_in(app, world.client_user_a).get("/today").status_code == 404


def test_the_caseload_stays_one_click_away(app, world):
    page = text(signed_in(app, world.therapist_a).get("/today"))
    assert re.search(r'<a href="/today" aria-current="page">Today</a>', page)
    assert '<a href="/clients" >Caseload</a>' in page or re.search(
        r'<a href="/clients"\s*>Caseload</a>', page
    )


# --- query counts ------------------------------------------------------------------


def bulk_today(world, count: int, *, start: int) -> None:
    """``count`` more clients of therapist A, each with one of every kind of work."""
    now = utcnow()
    day = today()
    therapist = world.therapist_a.id
    client_ids = db.session.scalars(
        insert(Client).returning(Client.id, sort_by_parameter_order=True),
        [
            {
                "practice_id": world.practice.id,
                "primary_therapist_id": therapist,
                "preferred_name": f"Bulk{number:04d}",
                "legal_name": f"Bulk Client {number}",
                "status": "active",
            }
            for number in range(start, start + count)
        ],
    ).all()
    note = json.dumps({"subjective": "bulk"})
    session = {
        "therapist_id": therapist,
        "duration_minutes": 60,
        "modality": "kap",
        "setting": "in_person",
        "note_format": "soap",
        "note_body": note,
        "suicide_screen": "negative",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    db.session.execute(
        insert(TherapySession),
        [
            {**session, "client_id": c, "starts_at": now - timedelta(days=3), "phase": "intake"}
            | {"status": "draft"}
            for c in client_ids
        ]
        + [
            {**session, "client_id": c, "starts_at": at(day - timedelta(days=2), 9)}
            | {"phase": "medicine", "status": "signed", "signed_at": now, "signed_by_id": therapist}
            for c in client_ids
        ],
    )
    response_ids = db.session.scalars(
        insert(MeasureResponse).returning(MeasureResponse.id, sort_by_parameter_order=True),
        [
            {
                "client_id": c,
                "instrument": "phq9",
                "answers": json.dumps([1, 1, 1, 1, 1, 1, 1, 1, 1]),
                "total": Decimal(9),
                "severity": "mild",
                "flags": "suicidal_ideation",
                "completed_on": day,
                "entered_by_id": therapist,
            }
            for c in client_ids
        ],
    ).all()
    db.session.execute(
        insert(SafetyAlert),
        [
            {"client_id": c, "response_id": r, "kind": "suicidal_ideation"}
            for c, r in zip(client_ids, response_ids, strict=True)
        ],
    )
    db.session.execute(
        insert(PlannedSession),
        [
            {
                "client_id": c,
                "therapist_id": therapist,
                "starts_at": at(day, 15),
                "duration_minutes": 60,
                "modality": "kap",
                "phase": "preparation",
                "setting": "in_person",
            }
            for c in client_ids
        ],
    )
    db.session.execute(
        insert(MeasureAssignment),
        [
            {
                "client_id": c,
                "instrument": "gad7",
                "schedule_kind": "after_medicine",
                "every_days": 1,
                "start_date": day - timedelta(days=30),
                "assigned_by_id": therapist,
            }
            for c in client_ids
        ],
    )
    db.session.execute(
        insert(HomeworkAssignment),
        [
            {
                "client_id": c,
                "title": "Breathe",
                "recurrence": "daily",
                "start_date": day - timedelta(days=20),
                "assigned_by_id": therapist,
            }
            for c in client_ids
        ],
    )
    db.session.commit()


def test_today_query_count_does_not_grow_with_clients(app, world, count_queries):
    # Clients of therapist B, invisible to A, have work too.
    factories.bulk_measures(world.client_b, 5, alerts=2)
    bulk_today(world, 4, start=0)
    browser = signed_in(app, world.therapist_a)
    browser.get("/today")  # warm-up: first-request work is not the page's

    with count_queries() as few:
        page = text(browser.get("/today"))
    assert "Safety alerts 4" in section_text(page, "alerts")

    bulk_today(world, 496, start=4)
    with count_queries() as many:
        page = text(browser.get("/today"))
    for name, title in (
        ("alerts", "Safety alerts"),
        ("planned", "Planned for today"),
        ("drafts", "Notes to sign"),
        ("integration", "Integration due"),
        ("questionnaires", "Questionnaires overdue"),
        ("homework", "Homework below 50%"),
    ):
        assert f"{title} 500" in section_text(page, name), name
    assert "Cole" not in page
    # No integration session planned: each entry offers to plan it.
    assert page.count("/plans/new?phase=integration") == 500
    assert len(many) == len(few), "\n\n".join(many)
    # the sign-in session, the practice, the clients cared for, alerts, planned, drafts,
    # integration (sessions and plans), questionnaires (assignments, medicine days,
    # answers), homework (counted in one statement)
    assert len(many) <= 12, "\n\n".join(many)


def test_admin_counts_query_count_does_not_grow_with_clients(app, world, count_queries):
    bulk_today(world, 5, start=0)
    browser = signed_in(app, world.admin)
    browser.get("/today")
    with count_queries() as few:
        browser.get("/today")
    bulk_today(world, 495, start=5)
    with count_queries() as many:
        page = text(browser.get("/today"))
    assert re.search(r"Safety alerts not yet acknowledged</th><td>500<", page)
    assert len(many) == len(few), "\n\n".join(many)
