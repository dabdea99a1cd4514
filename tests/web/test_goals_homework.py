"""Integration goals, the homework library and assignments, from the therapist's side."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    complete,
    make_assignment,
    make_goal,
    make_practice,
    make_user,
    rate,
    today_utc,
    write_journal,
)
from tests.session_factories import (
    add_to_care_team,
    days_ago,
    field_error,
    input_value,
    make_session,
    post,
    selected,
    textarea,
)
from tracker.domain.homework_library import STARTER_LIBRARY
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    GoalRating,
    HomeworkAssignment,
    HomeworkEntry,
    HomeworkTemplate,
    IntegrationGoal,
)
from tracker.services import homework as homework_service


@pytest.fixture
def therapist(client, world, login):
    """The test client, signed in as Cora's primary therapist."""
    assert login(client, world.therapist_a).status_code == 302
    return client


@pytest.fixture
def library(world) -> list[HomeworkTemplate]:
    homework_service.seed_library(world.practice)
    db.session.commit()
    return homework_service.templates(world.practice.id)


def goal_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Call my sister without bracing",
        "domain": "family_patterns",
        "why_it_matters": "The silence in our family goes back three generations.",
        "baseline": "2",
        "target": "7",
        "status": "active",
    }
    data.update(overrides)
    return data


def assignment_form(**overrides) -> dict:
    data = {
        "template_id": "",
        "title": "Morning breath",
        "instructions": "Five slow breaths before getting up.",
        "goal_id": "",
        "recurrence": "daily",
        "start_date": today_utc().isoformat(),
        "due_date": "",
    }
    data.update(overrides)
    return data


def new_id(response, pattern: str) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(pattern, response.headers["Location"]).group(1))


# --- goals ---------------------------------------------------------------------------


def test_therapist_creates_a_goal(therapist, world):
    cid = world.client_a.id
    assert therapist.get(f"/clients/{cid}/goals/new").status_code == 200
    response = post(therapist, f"/clients/{cid}/goals/new", goal_form())
    goal_id = new_id(response, rf"/clients/{cid}/goals/(\d+)$")

    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal_id)
    assert goal.client_id == cid
    assert goal.title == "Call my sister without bracing"
    assert (goal.domain, goal.baseline, goal.target, goal.status) == (
        "family_patterns",
        2,
        7,
        "active",
    )
    assert goal.started_on == goal.status_since == today_utc()
    assert goal.created_by_id == world.therapist_a.id

    page = therapist.get(f"/clients/{cid}/goals").get_data(as_text=True)
    assert "Call my sister without bracing" in page
    assert "baseline 2" in page and "target 7" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 301}, "title", "Field cannot be longer than 300 characters."),
        ({"domain": "astrology"}, "domain", "Not a valid choice."),
        ({"baseline": "11"}, "baseline", "Not a valid choice."),
        ({"target": "-1"}, "target", "Not a valid choice."),
        ({"status": "abandoned"}, "status", "Not a valid choice."),
    ],
)
def test_goal_form_errors_are_shown_next_to_the_field(therapist, world, overrides, field, message):
    response = post(therapist, f"/clients/{world.client_a.id}/goals/new", goal_form(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert db.session.scalar(sa.select(sa.func.count(IntegrationGoal.id))) == 0


def test_a_goal_may_have_no_baseline_or_target(therapist, world):
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/goals/new",
        goal_form(baseline="", target="", why_it_matters=""),
    )
    goal_id = new_id(response, r"/goals/(\d+)$")
    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal_id)
    assert (goal.baseline, goal.target, goal.why_it_matters) == (None, None, None)


def test_changing_the_status_dates_it(therapist, world):
    goal = make_goal(world.client_a, started_on=today_utc() - timedelta(days=30))
    goal.status_since = today_utc() - timedelta(days=30)
    db.session.commit()
    path = f"/clients/{world.client_a.id}/goals/{goal.id}/edit"
    assert selected(therapist.get(path).get_data(as_text=True), "status") == ["active"]
    response = post(therapist, path, goal_form(title=goal.title, status="achieved"))
    assert response.status_code == 302
    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal.id)
    assert goal.status == "achieved" and goal.status_since == today_utc()
    assert goal.started_on == today_utc() - timedelta(days=30)
    page = therapist.get(f"/clients/{world.client_a.id}/goals/{goal.id}").get_data(as_text=True)
    assert "Achieved" in page


def test_rating_tied_to_a_session_and_the_goal_page(therapist, world):
    cid = world.client_a.id
    goal = make_goal(world.client_a, title="Rest in my body", baseline=2, target=8)
    session = make_session(world.client_a, starts_at=days_ago(3), phase="integration")
    other_session = make_session(world.client_a, starts_at=days_ago(10))
    rate(goal, world.client_user_a, 4, on=today_utc() - timedelta(days=6))
    homework = make_assignment(world.client_a, title="Body scan at night", goal_id=goal.id)
    complete(homework, today_utc())
    make_assignment(world.client_a, title="Unrelated practice")
    db.session.commit()
    base = f"/clients/{cid}/goals/{goal.id}"

    page = therapist.get(base).get_data(as_text=True)
    assert f'<option value="{session.id}">' in page  # the client's sessions to tie to
    assert f'href="/clients/{cid}/sessions/{other_session.id}"' not in page  # not linked yet

    response = post(
        therapist,
        f"{base}/ratings",
        {"value": "6", "comment": "Sleeps through most nights.", "session_id": str(session.id)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(base)
    db.session.expire_all()
    rating = db.session.scalar(sa.select(GoalRating).where(GoalRating.value == 6))
    assert rating.session_id == session.id
    assert rating.by_client is False and rating.rated_by_id == world.therapist_a.id
    assert rating.rated_on == today_utc()

    page = therapist.get(base).get_data(as_text=True)
    svg = re.search(r"<svg[^>]*class=\"trajectory\".*?</svg>", page, re.S)
    assert svg, "no trajectory chart"
    assert len(re.findall(r"<circle ", svg.group(0))) == 2
    assert "<polyline" in svg.group(0)
    assert "chart-point-client" in svg.group(0)  # the client's own rating is marked
    assert "Sleeps through most nights." in page
    # linked session and linked homework
    assert f'href="/clients/{cid}/sessions/{session.id}"' in page
    assert f'href="/clients/{cid}/sessions/{other_session.id}"' not in page
    assert "Body scan at night" in page
    assert "Unrelated practice" not in page


def test_a_goal_without_ratings_has_no_chart(therapist, world):
    goal = make_goal(world.client_a)
    db.session.commit()
    page = therapist.get(f"/clients/{world.client_a.id}/goals/{goal.id}").get_data(as_text=True)
    assert "<svg" not in page and "No ratings yet." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": ""}, "value", "This field is required."),
        ({"value": "11"}, "value", "Not a valid choice."),
        ({"value": "5", "session_id": "OTHER"}, "session_id", "Not a valid choice."),
    ],
)
def test_invalid_rating_is_refused_on_the_goal_page(therapist, world, data, field, message):
    goal = make_goal(world.client_a)
    foreign = make_session(world.client_b)
    db.session.commit()
    data = {k: (str(foreign.id) if v == "OTHER" else v) for k, v in data.items()}
    response = post(therapist, f"/clients/{world.client_a.id}/goals/{goal.id}/ratings", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert "<details open>" in page  # the rating form stays open with the message
    assert db.session.scalar(sa.select(sa.func.count(GoalRating.id))) == 0


def test_goals_of_another_client_are_not_found(therapist, world):
    theirs = make_goal(world.client_b)
    db.session.commit()
    cid = world.client_a.id
    assert therapist.get(f"/clients/{cid}/goals/{theirs.id}").status_code == 404
    assert therapist.get(f"/clients/{cid}/goals/{theirs.id}/edit").status_code == 404
    assert (
        post(therapist, f"/clients/{cid}/goals/{theirs.id}/ratings", {"value": "5"}).status_code
        == 404
    )
    assert therapist.get(f"/clients/{world.client_b.id}/goals").status_code == 404
    assert therapist.get(f"/clients/{world.client_b.id}/goals/{theirs.id}").status_code == 404


def test_a_prescriber_on_the_team_reads_goals_but_cannot_set_them(client, world, login):
    prescriber = make_user(world.practice, Role.THERAPIST)
    add_to_care_team(world.client_a, prescriber, "prescriber")
    goal = make_goal(world.client_a, title="Sleep without the TV on")
    db.session.commit()
    login(client, prescriber)
    cid = world.client_a.id
    page = client.get(f"/clients/{cid}/goals/{goal.id}").get_data(as_text=True)
    assert "Sleep without the TV on" in page
    assert "Add a rating" not in page and "Edit goal" not in page
    assert client.get(f"/clients/{cid}/goals/new").status_code == 403
    assert (
        post(client, f"/clients/{cid}/goals/{goal.id}/ratings", {"value": "5"}).status_code == 403
    )
    assert client.get(f"/clients/{cid}/homework/new").status_code == 403


# --- the library ---------------------------------------------------------------------


def test_every_practice_starts_with_the_library(therapist, world, library):
    assert len(STARTER_LIBRARY) >= 12
    assert len(library) == len(STARTER_LIBRARY)
    page = therapist.get("/homework").get_data(as_text=True)
    for item in STARTER_LIBRARY:
        assert item.title in page
    # seeding again adds nothing
    assert homework_service.seed_library(world.practice) == 0


def test_therapist_adds_and_edits_a_template(therapist, world, library):
    form = {
        "title": "Letter to my grandmother",
        "category": "ancestry",
        "summary": "Words that were never said.",
        "instructions": "Write to her as if she could read it today.",
        "suggested_recurrence": "once",
        "active": "y",
    }
    assert therapist.get("/homework/new").status_code == 200
    response = post(therapist, "/homework/new", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/homework")
    db.session.expire_all()
    template = db.session.scalar(
        sa.select(HomeworkTemplate).where(HomeworkTemplate.title == "Letter to my grandmother")
    )
    assert template.practice_id == world.practice.id
    assert template.created_by_id == world.therapist_a.id
    assert "Words that were never said." in therapist.get("/homework").get_data(as_text=True)

    path = f"/homework/{template.id}/edit"
    page = therapist.get(path).get_data(as_text=True)
    assert input_value(page, "title") == "Letter to my grandmother"
    assert textarea(page, "instructions") == "Write to her as if she could read it today."
    changed = {**form, "suggested_recurrence": "weekly", "summary": "Weekly letters."}
    changed.pop("active")  # unticked: hidden from the assignment picker
    assert post(therapist, path, changed).status_code == 302
    db.session.expire_all()
    template = db.session.get(HomeworkTemplate, template.id)
    assert (template.suggested_recurrence, template.summary, template.active) == (
        "weekly",
        "Weekly letters.",
        False,
    )
    library_page = therapist.get("/homework").get_data(as_text=True)
    assert "Hidden" in library_page
    assign_page = therapist.get(f"/clients/{world.client_a.id}/homework/new").get_data(as_text=True)
    assert "Letter to my grandmother" not in assign_page
    assert library[0].title in assign_page


def test_template_form_errors(therapist, library):
    response = post(
        therapist,
        "/homework/new",
        {"title": "", "category": "tarot", "instructions": "", "suggested_recurrence": "once"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This field is required." in field_error(page, "title")
    assert "This field is required." in field_error(page, "instructions")
    assert "Not a valid choice." in field_error(page, "category")


def test_admin_reads_the_library_but_cannot_change_it(client, world, login, library):
    login(client, world.admin)
    assert client.get("/homework").status_code == 200
    assert "Add a practice" not in client.get("/homework").get_data(as_text=True)
    assert client.get("/homework/new").status_code == 403
    assert client.get(f"/homework/{library[0].id}/edit").status_code == 403
    response = post(
        client,
        f"/homework/{library[0].id}/edit",
        {
            "title": "Changed",
            "category": "body",
            "instructions": "x",
            "suggested_recurrence": "once",
        },
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(HomeworkTemplate, library[0].id).title == library[0].title


def test_another_practices_template_is_not_found(therapist, world, library):
    elsewhere = make_practice("Elsewhere")
    homework_service.seed_library(elsewhere)
    db.session.commit()
    foreign = homework_service.templates(elsewhere.id)[0]
    assert therapist.get(f"/homework/{foreign.id}/edit").status_code == 404
    assert therapist.get(f"/homework/{foreign.id + 10_000}/edit").status_code == 404
    cid = world.client_a.id
    assert therapist.get(f"/clients/{cid}/homework/new?template={foreign.id}").status_code == 404
    response = post(
        therapist,
        f"/clients/{cid}/homework/new",
        assignment_form(template_id=str(foreign.id)),
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(HomeworkAssignment.id))) == 0
    # the library page lists this practice's templates only
    page = therapist.get("/homework").get_data(as_text=True)
    assert page.count(f'href="/homework/{foreign.id}/edit"') == 0


def test_client_cannot_use_the_library(client, world, login, library):
    login(client, world.client_user_a)
    assert client.get("/homework").status_code == 404
    assert client.get("/homework/new").status_code == 404
    assert client.get(f"/homework/{library[0].id}/edit").status_code == 404


# --- assignments ---------------------------------------------------------------------


def test_assign_from_a_template(therapist, world, library):
    template = next(t for t in library if t.suggested_recurrence == "daily")
    goal = make_goal(world.client_a, title="Settle my nervous system")
    db.session.commit()
    cid = world.client_a.id
    path = f"/clients/{cid}/homework/new"
    page = therapist.get(f"{path}?template={template.id}&goal={goal.id}").get_data(as_text=True)
    assert input_value(page, "title") == template.title
    assert html.unescape(textarea(page, "instructions")) == template.instructions
    assert selected(page, "recurrence") == ["daily"]
    assert selected(page, "goal_id") == [str(goal.id)]
    assert input_value(page, "template_id") == str(template.id)
    assert input_value(page, "start_date") == today_utc().isoformat()

    due = today_utc() + timedelta(days=13)
    response = post(
        therapist,
        path,
        assignment_form(
            template_id=str(template.id),
            title=template.title,
            instructions="Adapted: three minutes only, in bed.",
            goal_id=str(goal.id),
            due_date=due.isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{cid}/homework")
    db.session.expire_all()
    assignment = db.session.scalar(sa.select(HomeworkAssignment))
    assert (assignment.template_id, assignment.goal_id, assignment.client_id) == (
        template.id,
        goal.id,
        cid,
    )
    assert assignment.instructions == "Adapted: three minutes only, in bed."
    assert (assignment.recurrence, assignment.weekdays) == ("daily", "")
    assert (assignment.start_date, assignment.due_date) == (today_utc(), due)
    assert assignment.assigned_by_id == world.therapist_a.id
    # the library text itself is unchanged
    assert db.session.get(HomeworkTemplate, template.id).instructions == template.instructions


def test_assign_from_scratch_weekly_on_chosen_days(therapist, world):
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/homework/new",
        assignment_form(title="Walk in the woods", recurrence="weekly", weekdays=["5", "1"]),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assignment = db.session.scalar(sa.select(HomeworkAssignment))
    assert (assignment.template_id, assignment.recurrence, assignment.weekdays) == (
        None,
        "weekly",
        "1,5",
    )
    page = therapist.get(f"/clients/{world.client_a.id}/homework").get_data(as_text=True)
    assert "Walk in the woods" in page and "Tuesday, Saturday" in page


def test_daily_homework_ignores_ticked_weekdays(therapist, world):
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/homework/new",
        assignment_form(recurrence="daily", weekdays=["2"]),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(HomeworkAssignment.weekdays)) == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"recurrence": "weekly"}, "weekdays", "Choose at least one day of the week."),
        (
            {"due_date": "2020-01-01"},
            "due_date",
            "The due date cannot be before the start date.",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"recurrence": "hourly"}, "recurrence", "Not a valid choice."),
        # a date the browser did not send as a date (the date input prevents it)
        ({"start_date": "31/02/2026"}, "start_date", ""),
        ({"recurrence": "weekly", "weekdays": ["7"]}, "weekdays", "is not a valid choice"),
    ],
)
def test_assignment_problems_are_shown_next_to_the_field(
    therapist, world, overrides, field, message
):
    response = post(
        therapist, f"/clients/{world.client_a.id}/homework/new", assignment_form(**overrides)
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, field)
    assert message in field_error(page, field)
    assert db.session.scalar(sa.select(sa.func.count(HomeworkAssignment.id))) == 0


def test_weekday_message_sits_inside_the_weekday_fieldset(therapist, world):
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/homework/new",
        assignment_form(recurrence="weekly"),
    )
    page = response.get_data(as_text=True)
    fieldset = re.search(r'<fieldset aria-invalid="true">(.*?)</fieldset>', page, re.S)
    assert fieldset, "the weekday fieldset is not marked invalid"
    assert "Monday" in fieldset.group(1)
    assert "Choose at least one day of the week." in fieldset.group(1)
    # what was typed is kept
    assert input_value(page, "title") == "Morning breath"


@pytest.mark.parametrize("whose", ["other_client", "achieved"])
def test_a_goal_that_is_not_one_of_this_clients_is_refused(therapist, world, whose):
    if whose == "other_client":
        goal = make_goal(world.client_b)
    else:
        goal = make_goal(world.client_a, status="achieved")
    db.session.commit()
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/homework/new",
        assignment_form(goal_id=str(goal.id)),
    )
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "goal_id")
    assert db.session.scalar(sa.select(sa.func.count(HomeworkAssignment.id))) == 0


def test_the_service_refuses_another_clients_goal(world):
    goal = make_goal(world.client_b)
    with pytest.raises(homework_service.HomeworkRejected) as rejected:
        homework_service.assign(
            world.client_a,
            world.therapist_a,
            {"recurrence": "once", "start_date": today_utc(), "title": "x", "goal_id": goal.id},
        )
    assert set(rejected.value.problems) == {"goal_id"}


def test_adherence_on_the_homework_tab(therapist, world):
    today = today_utc()
    daily = make_assignment(
        world.client_a, title="Morning breath", start_date=today - timedelta(days=3)
    )
    for back in (1, 3):
        complete(daily, today - timedelta(days=back), "Calmer.")
    complete(daily, today - timedelta(days=10))  # before the start: not an occurrence
    later = make_assignment(
        world.client_a,
        title="Letter later",
        recurrence="once",
        start_date=today,
        due_date=today + timedelta(days=5),
    )
    db.session.commit()
    page = therapist.get(f"/clients/{world.client_a.id}/homework").get_data(as_text=True)
    rows = dict(re.findall(r"<tr>\s*<td>(.*?)</td>.*?</td>.*?</td>\s*<td>(.*?)</td>", page, re.S))
    assert "50% (2 of 4 done)" in rows["Morning breath"]
    assert "nothing due yet" in rows[later.title]
    assert "Adherence overall:</strong> 50% (2 of 4 done)" in page

    record = therapist.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "Homework adherence:</strong> 50% (2 of 4 done)" in record

    # the client finishes the letter early: it counts at once
    complete(later, today + timedelta(days=5))
    db.session.commit()
    page = therapist.get(f"/clients/{world.client_a.id}/homework").get_data(as_text=True)
    assert "Adherence overall:</strong> 60% (3 of 5 done)" in page


def test_stopping_keeps_the_history(app, therapist, world, login):
    today = today_utc()
    assignment = make_assignment(
        world.client_a, title="Evening walk", start_date=today - timedelta(days=2)
    )
    complete(assignment, today - timedelta(days=1), "Saw the river.")
    db.session.commit()
    cid = world.client_a.id
    response = post(therapist, f"/clients/{cid}/homework/{assignment.id}/stop", {})
    assert response.status_code == 302
    db.session.expire_all()
    assignment = db.session.get(HomeworkAssignment, assignment.id)
    assert (assignment.status, assignment.stopped_on) == ("stopped", today)
    assert db.session.scalar(sa.select(sa.func.count(HomeworkEntry.id))) == 1

    page = therapist.get(f"/clients/{cid}/homework").get_data(as_text=True)
    assert "Evening walk" in page and "Stopped" in page
    assert "33% (1 of 3 done)" in page
    assert "Saw the river." in page  # the shared reflection stays in the feed
    assert f"/homework/{assignment.id}/stop" not in page  # no second stop button

    # the client no longer sees it in this week's plan
    portal = app.test_client()
    login(portal, world.client_user_a)
    assert "Evening walk" not in portal.get("/portal/").get_data(as_text=True)


def test_homework_of_another_client_cannot_be_stopped(therapist, world):
    theirs = make_assignment(world.client_b)
    db.session.commit()
    response = post(therapist, f"/clients/{world.client_a.id}/homework/{theirs.id}/stop", {})
    assert response.status_code == 404
    response = post(therapist, f"/clients/{world.client_b.id}/homework/{theirs.id}/stop", {})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(HomeworkAssignment, theirs.id).status == "active"


def test_between_sessions_feed_newest_first(therapist, world):
    from tracker.models.base import utcnow

    today = today_utc()
    assignment = make_assignment(
        world.client_a, title="Grounding", start_date=today - timedelta(days=5)
    )
    old = complete(assignment, today - timedelta(days=4), "OLDEST-REFLECTION")
    old.completed_at = utcnow() - timedelta(days=4)
    hidden = complete(assignment, today - timedelta(days=2), "NOT-FOR-THE-TEAM", shared=False)
    hidden.completed_at = utcnow() - timedelta(days=2)
    entry = write_journal(
        world.client_a, "SHARED-JOURNAL-BODY", shared=True, title="After the call"
    )
    entry.shared_at = utcnow() - timedelta(days=1)
    write_journal(world.client_a, "PRIVATE-JOURNAL-BODY")
    newest = complete(assignment, today, "NEWEST-REFLECTION")
    newest.completed_at = utcnow()
    db.session.commit()

    for path in (f"/clients/{world.client_a.id}", f"/clients/{world.client_a.id}/homework"):
        page = therapist.get(path).get_data(as_text=True)
        feed = re.search(r'<ul class="feed">(.*?)</ul>', page, re.S).group(1)
        order = [
            feed.index("NEWEST-REFLECTION"),
            feed.index("SHARED-JOURNAL-BODY"),
            feed.index("Done: Grounding", feed.index("SHARED-JOURNAL-BODY")),
            feed.index("OLDEST-REFLECTION"),
        ]
        assert order == sorted(order), path
        assert "After the call" in feed
        assert "NOT-FOR-THE-TEAM" not in page
        assert "PRIVATE-JOURNAL-BODY" not in page
        assert feed.count("Done: Grounding") == 3  # the unshared one shows as done, no text
