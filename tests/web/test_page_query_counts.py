"""Pages that list a client's records send the same statements for a few records as for
many, and no more than they need (the caps below: tighten them, never loosen them)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import (
    bulk_integration,
    complete,
    login,
    make_assignment,
    make_family_event,
    make_goal,
    make_member,
    rate,
    today_utc,
)
from tests.session_factories import days_ago, make_session
from tracker.extensions import db
from tracker.models import GoalFamilyLink

FEW, MANY = 2, 30


def statements_for(app, count_queries, user, path: str, shown: list[str]) -> list[str]:
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    assert browser.get(path).status_code == 200  # warm-up: first-request work is not counted
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in shown:
        assert text in page
    return list(statements)


def _family_goal(client, size: int):
    """A family-patterns goal rated ``size`` times (each tied to a session), served by
    ``size`` practices done twice each, linked to ``size`` people and events."""
    goal = make_goal(client, domain="family_patterns", title=f"Family goal {size}")
    for n in range(size):
        session = make_session(client, starts_at=days_ago(n + 1), phase="integration")
        rate(goal, client.primary_therapist, n % 11, session_id=session.id, comment=f"Note {n}")
        practice = make_assignment(client, goal_id=goal.id, title=f"Goal practice {n}")
        complete(practice, today_utc() - timedelta(days=1), "Reflection")
        complete(practice, today_utc() - timedelta(days=2))
        member = make_member(client, f"relative {n}", name=f"Name {n}")
        event = make_family_event(client, "war", member=member, start_year=1900 + n)
        db.session.add(GoalFamilyLink(goal_id=goal.id, member_id=member.id))
        db.session.add(GoalFamilyLink(goal_id=goal.id, event_id=event.id))
    db.session.flush()
    return goal


@pytest.fixture
def goals(world):
    few = _family_goal(world.client_a, FEW)
    many = _family_goal(world.client_b, MANY)
    db.session.commit()
    return few, many


def test_the_goal_page_query_count_does_not_grow(app, world, goals, count_queries):
    few_goal, many_goal = goals
    few = statements_for(
        app,
        count_queries,
        world.therapist_a,
        f"/clients/{world.client_a.id}/goals/{few_goal.id}",
        [f"Goal practice {FEW - 1}", f"relative {FEW - 1}", "Name 1"],
    )
    many = statements_for(
        app,
        count_queries,
        world.therapist_b,
        f"/clients/{world.client_b.id}/goals/{many_goal.id}",
        [f"Goal practice {MANY - 1}", f"relative {MANY - 1}", f"Name {MANY - 1}"],
    )
    assert len(few) == len(many), "\n".join(many)
    assert len(many) <= 15, "\n".join(many)


@pytest.mark.parametrize(
    ("page", "shown", "cap"),
    [
        ("/clients/{id}/goals", "Bulk goal {last}", 6),
        ("/clients/{id}/homework/new", "Bulk goal {last}", 6),
    ],
)
def test_goal_lists_query_count_does_not_grow(app, world, count_queries, page, shown, cap):
    bulk_integration(world.client_a, FEW)
    bulk_integration(world.client_b, MANY)
    db.session.commit()
    few = statements_for(
        app,
        count_queries,
        world.therapist_a,
        page.format(id=world.client_a.id),
        [shown.format(last=FEW - 1)],
    )
    many = statements_for(
        app,
        count_queries,
        world.therapist_b,
        page.format(id=world.client_b.id),
        [shown.format(last=MANY - 1)],
    )
    assert len(few) == len(many), "\n".join(many)
    assert len(many) <= cap, "\n".join(many)


def test_a_supervisor_reads_the_goal_page_without_its_forms(app, world, goals, count_queries):
    """A supervisor on the care team sees the goal, its ratings and its family links, but
    no rating or link form: neither is built, nor the sessions a rating could be tied to
    read."""
    from tests.factories import make_user
    from tests.session_factories import add_to_care_team
    from tracker.domain.policy import Role

    few_goal, _many_goal = goals
    supervisor = make_user(world.practice, Role.THERAPIST, name="Sue Supervisor")
    add_to_care_team(world.client_a, supervisor, "supervisor")
    db.session.commit()
    path = f"/clients/{world.client_a.id}/goals/{few_goal.id}"
    shown = ["In the family history", f"relative {FEW - 1}", "Note 1"]
    therapist = statements_for(app, count_queries, world.therapist_a, path, [*shown, "Link"])
    browser = app.test_client()
    login(browser, supervisor)
    page = browser.get(path).get_data(as_text=True)
    for text in shown:
        assert text in page
    for form_text in ("Add a rating", "Save rating", ">Link<", "Name 1"):
        assert form_text not in page
    supervised = statements_for(app, count_queries, supervisor, path, shown)
    sessions_to_rate = [s for s in therapist if "therapy_session.phase" in s]
    assert len(sessions_to_rate) == 1
    assert sessions_to_rate[0] not in supervised
    assert len(supervised) < len(therapist)
