"""The client portal: this week's homework, goals and ratings, the journal."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from tests.factories import (
    complete,
    login,
    make_assignment,
    make_goal,
    make_user,
    rate,
    today_utc,
    write_journal,
)
from tests.session_factories import field_error, selected
from tracker.domain.homework import week_of
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import GoalRating, HomeworkEntry, IntegrationGoal, JournalEntry


@pytest.fixture
def cora(client, world):
    """The test client, signed in as Cora (client A) in the portal."""
    assert login(client, world.client_user_a).headers["Location"] == "/portal/"
    return client


@pytest.fixture
def therapist(app, world):
    staff = app.test_client()
    login(staff, world.therapist_a)
    return staff


def token(browser) -> str:
    page = browser.get("/portal/journal").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def send(browser, path: str, data: dict):
    return browser.post(path, data={**data, "csrf_token": token(browser)})


def feed_of(therapist, client_id: int) -> str:
    page = therapist.get(f"/clients/{client_id}").get_data(as_text=True)
    match = re.search(r'<ul class="feed">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


# --- home ----------------------------------------------------------------------------


def test_home_shows_this_weeks_homework_and_today(cora, world):
    today = today_utc()
    monday, sunday = week_of(today)
    daily = make_assignment(world.client_a, title="Morning breath", start_date=monday)
    if today != monday:
        complete(daily, monday)
    letter = make_assignment(
        world.client_a,
        title="Letter to my grandmother",
        recurrence="once",
        start_date=monday,
        due_date=sunday,
    )
    make_assignment(
        world.client_a,
        title="Practice of last week",
        recurrence="once",
        start_date=monday - timedelta(days=7),
        due_date=monday - timedelta(days=1),
    )
    make_assignment(world.client_a, title="Next month", start_date=sunday + timedelta(days=20))
    make_assignment(world.client_b, title="Practice of Cole", start_date=monday)
    db.session.commit()

    page = cora.get("/portal/").get_data(as_text=True)
    assert "Welcome, Cora" in page
    assert "Your therapist: Tara A" in page
    week = re.search(r'id="week-heading">.*?</section>', page, re.S).group(0)
    # the daily practice gives every day of the week a heading, in order
    days = re.findall(r"<h3>(.*?)</h3>", week, re.S)
    assert len(days) == 7
    assert days[0].startswith("Monday") and days[6].startswith("Sunday")
    assert week.count("today-badge") == 1
    today_block = re.search(
        r"<h3>[^<]*<span class=\"badge today-badge\">today</span></h3>(.*?)(?=<h3>|$)", week, re.S
    ).group(1)
    assert "Morning breath" in today_block
    assert week.count(">Morning breath</a>") == 7
    assert ("✓ done" in week) is (today != monday)  # Monday's was done
    assert f'value="{today.isoformat()}"' in today_block  # 'Mark done' for today
    assert "Letter to my grandmother" in week
    if today != sunday:
        assert "later this week" in week
    assert f"/portal/homework/{letter.id}" in week
    assert "Practice of last week" not in page
    assert "Next month" not in page
    assert "Practice of Cole" not in page


def test_home_lists_goals_with_their_latest_rating(cora, world):
    goal = make_goal(world.client_a, title="Sleep through the night")
    rate(goal, world.therapist_a, 3, on=today_utc() - timedelta(days=9))
    rate(goal, world.client_user_a, 6, on=today_utc() - timedelta(days=2))
    make_goal(world.client_a, title="Unrated goal")
    make_goal(world.client_a, title="An old achieved goal", status="achieved")
    make_goal(world.client_b, title="Goal of Cole")
    db.session.commit()
    page = cora.get("/portal/").get_data(as_text=True)
    assert "Sleep through the night" in page and "latest: 6 of 10" in page
    assert "Unrated goal" in page and "not rated yet" in page
    assert "An old achieved goal" not in page
    assert "Goal of Cole" not in page


def test_home_is_calm_when_nothing_is_planned(cora):
    page = cora.get("/portal/").get_data(as_text=True)
    assert "Nothing planned this week." in page
    assert "No goals yet." in page
    assert "If you are in crisis" in page


# --- homework ------------------------------------------------------------------------


def test_homework_page_shows_instructions_and_progress(cora, world):
    today = today_utc()
    assignment = make_assignment(
        world.client_a,
        title="Body scan",
        instructions="Lie down.\nStart at the feet.",
        start_date=today - timedelta(days=2),
    )
    complete(assignment, today - timedelta(days=1))
    db.session.commit()
    page = cora.get(f"/portal/homework/{assignment.id}").get_data(as_text=True)
    assert "Lie down.\nStart at the feet." in page
    assert "You have done it 1 of 3 times so far." in page
    assert f'value="{today.isoformat()}"' in page


@pytest.mark.parametrize("shared", [True, False])
def test_marking_done_with_a_reflection(cora, therapist, world, shared):
    today = today_utc()
    assignment = make_assignment(world.client_a, title="Evening walk", start_date=today)
    db.session.commit()
    data = {"occurrence": today.isoformat(), "reflection": "Saw the heron again."}
    if shared:
        data["shared"] = "y"
    response = send(cora, f"/portal/homework/{assignment.id}/done", data)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    db.session.expire_all()
    entry = db.session.scalar(sa.select(HomeworkEntry))
    assert (entry.assignment_id, entry.occurrence_date) == (assignment.id, today)
    assert entry.reflection == "Saw the heron again."
    assert entry.reflection_shared is shared

    home = cora.get("/portal/").get_data(as_text=True)
    assert "Well done. It is marked as done." in home and "✓ done" in home
    feed = feed_of(therapist, world.client_a.id)
    assert "Done: Evening walk" in feed
    assert ("Saw the heron again." in feed) is shared
    homework_tab = therapist.get(f"/clients/{world.client_a.id}/homework").get_data(as_text=True)
    assert ("Saw the heron again." in homework_tab) is shared
    assert "100% (1 of 1 done)" in homework_tab


def test_the_quick_mark_done_on_home(cora, world):
    today = today_utc()
    assignment = make_assignment(world.client_a, start_date=today)
    db.session.commit()
    home = cora.get("/portal/").get_data(as_text=True)
    form = re.search(
        rf'<form method="post" action="/portal/homework/{assignment.id}/done".*?</form>', home, re.S
    ).group(0)
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert fields["occurrence"] == today.isoformat()
    assert "shared" not in fields  # nothing is shared unless the client chooses to
    assert cora.post(f"/portal/homework/{assignment.id}/done", data=fields).status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(sa.select(HomeworkEntry))
    assert entry.occurrence_date == today and entry.reflection is None
    assert entry.reflection_shared is False


def test_marking_done_again_updates_the_reflection(cora, world):
    today = today_utc()
    assignment = make_assignment(world.client_a, start_date=today)
    db.session.commit()
    path = f"/portal/homework/{assignment.id}/done"
    send(cora, path, {"occurrence": today.isoformat(), "reflection": "First", "shared": "y"})
    send(cora, path, {"occurrence": today.isoformat(), "reflection": "Second thoughts"})
    db.session.expire_all()
    (entry,) = db.session.scalars(sa.select(HomeworkEntry)).all()
    assert (entry.reflection, entry.reflection_shared) == ("Second thoughts", False)


@pytest.mark.parametrize(
    ("recurrence", "days_from_today", "ok"),
    [
        ("daily", 0, True),
        ("daily", -3, True),
        ("daily", 1, False),  # a future day of a recurring practice
        ("daily", -20, False),  # before the start
        ("once", 5, True),  # a one-off can be done ahead of its day
        ("once", 4, False),  # not its day
        ("weekly", 0, None),  # decided by the weekday below
    ],
)
def test_only_planned_days_can_be_marked_done(cora, world, recurrence, days_from_today, ok):
    today = today_utc()
    fields = {"start_date": today - timedelta(days=7)}
    if recurrence == "once":
        fields["due_date"] = today + timedelta(days=5)
    if recurrence == "weekly":
        fields["weekdays"] = str((today.weekday() + 1) % 7)  # tomorrow's weekday only
        ok = False
    assignment = make_assignment(world.client_a, recurrence=recurrence, **fields)
    db.session.commit()
    day = today + timedelta(days=days_from_today)
    response = send(cora, f"/portal/homework/{assignment.id}/done", {"occurrence": day.isoformat()})
    db.session.expire_all()
    stored = db.session.scalar(sa.select(sa.func.count(HomeworkEntry.id)))
    if ok:
        assert response.status_code == 302 and stored == 1
    else:
        assert response.status_code == 400 and stored == 0
        message = field_error(response.get_data(as_text=True), "occurrence")
        assert message == "This practice is not planned for that day."


def test_a_stopped_practice_cannot_be_marked_done_after_it_stopped(cora, world):
    today = today_utc()
    assignment = make_assignment(
        world.client_a,
        start_date=today - timedelta(days=5),
        status="stopped",
        stopped_on=today - timedelta(days=2),
    )
    db.session.commit()
    path = f"/portal/homework/{assignment.id}/done"
    assert send(cora, path, {"occurrence": today.isoformat()}).status_code == 400
    late = (today - timedelta(days=3)).isoformat()
    assert send(cora, path, {"occurrence": late}).status_code == 302


# --- goals ---------------------------------------------------------------------------


def test_client_rates_a_goal(cora, therapist, world):
    goal = make_goal(world.client_a, title="Speak up at work", baseline=2, target=7)
    rate(goal, world.therapist_a, 3, on=today_utc() - timedelta(days=7))
    db.session.commit()
    page = cora.get(f"/portal/goals/{goal.id}").get_data(as_text=True)
    assert "Speak up at work" in page and "aiming for 7 of 10" in page
    assert page.count("<circle ") == 1

    response = send(cora, f"/portal/goals/{goal.id}", {"value": "6", "comment": "Said no twice."})
    assert response.status_code == 302
    db.session.expire_all()
    rating = db.session.scalar(sa.select(GoalRating).where(GoalRating.value == 6))
    assert rating.by_client is True and rating.rated_by_id == world.client_user_a.id
    assert rating.session_id is None and rating.rated_on == today_utc()
    page = cora.get(f"/portal/goals/{goal.id}").get_data(as_text=True)
    assert "Thank you. Your rating is saved." in page
    assert page.count("<circle ") == 2 and "chart-point-client" in page

    staff_page = therapist.get(f"/clients/{world.client_a.id}/goals/{goal.id}").get_data(
        as_text=True
    )
    assert "Said no twice." in staff_page
    assert re.search(r"<td>6</td><td>Client</td>", staff_page)


@pytest.mark.parametrize("value", ["", "11", "ten"])
def test_an_invalid_rating_is_refused(cora, world, value):
    goal = make_goal(world.client_a)
    db.session.commit()
    response = send(cora, f"/portal/goals/{goal.id}", {"value": value})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "value")
    assert db.session.scalar(sa.select(sa.func.count(GoalRating.id))) == 0


def test_client_adds_a_goal(cora, therapist, world):
    page = cora.get("/portal/goals/new").get_data(as_text=True)
    assert 'name="status"' not in page  # clients do not set the status
    response = send(
        cora,
        "/portal/goals/new",
        {
            "title": "Visit my father's village",
            "domain": "family_patterns",
            "why_it_matters": "To see where the silence started.",
            "baseline": "1",
            "target": "6",
            "status": "achieved",  # ignored
        },
    )
    goal_id = int(re.search(r"/portal/goals/(\d+)$", response.headers["Location"]).group(1))
    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal_id)
    assert (goal.client_id, goal.status, goal.created_by_id) == (
        world.client_a.id,
        "active",
        world.client_user_a.id,
    )
    assert (goal.baseline, goal.target) == (1, 6)
    assert "Visit my father&#39;s village" in therapist.get(
        f"/clients/{world.client_a.id}/goals"
    ).get_data(as_text=True)


def test_client_goal_form_errors(cora):
    response = send(cora, "/portal/goals/new", {"title": "", "domain": "nope"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "title") == "This field is required."
    assert field_error(page, "domain") == "Not a valid choice."
    assert db.session.scalar(sa.select(sa.func.count(IntegrationGoal.id))) == 0


# --- journal -------------------------------------------------------------------------


def test_journal_private_and_shared_entries(cora, therapist, world):
    page = cora.get("/portal/journal").get_data(as_text=True)
    assert selected(page, "visibility") == ["private"]  # private unless the client chooses
    # what the page promises is what the app does, and it says what it cannot promise
    text = " ".join(unescape(page).split())
    assert "your therapist, your care team and the practice's staff cannot open them" in text
    assert "no report includes them" in text
    assert "handed over only where the law requires it" in text
    assert "ever reads them" not in text

    send(
        cora,
        "/portal/journal",
        {"title": "Just mine", "body": "PRIVATE-WORDS", "visibility": "private"},
    )
    send(
        cora,
        "/portal/journal",
        {"title": "For Tara", "body": "SHARED-WORDS", "visibility": "shared"},
    )
    db.session.expire_all()
    private, shared = db.session.scalars(sa.select(JournalEntry).order_by(JournalEntry.id)).all()
    assert (private.visibility, private.shared_at, private.author_id) == (
        "private",
        None,
        world.client_user_a.id,
    )
    assert shared.visibility == "shared" and shared.shared_at is not None

    journal = cora.get("/portal/journal").get_data(as_text=True)
    assert "Just mine" in journal and "For Tara" in journal
    assert "PRIVATE-WORDS" in cora.get(f"/portal/journal/{private.id}").get_data(as_text=True)

    feed = feed_of(therapist, world.client_a.id)
    assert "SHARED-WORDS" in feed and "For Tara" in feed
    assert "PRIVATE-WORDS" not in feed and "Just mine" not in feed


def test_switching_an_entry_between_private_and_shared(cora, therapist, world):
    entry = write_journal(world.client_a, "CHANGING-MIND", title="Unsure")
    db.session.commit()
    path = f"/portal/journal/{entry.id}"
    assert selected(cora.get(path).get_data(as_text=True), "visibility") == ["private"]
    assert "CHANGING-MIND" not in feed_of(therapist, world.client_a.id)

    response = send(
        cora, path, {"title": "Unsure", "body": "CHANGING-MIND", "visibility": "shared"}
    )
    assert response.status_code == 302
    assert "CHANGING-MIND" in feed_of(therapist, world.client_a.id)
    db.session.expire_all()
    assert db.session.get(JournalEntry, entry.id).shared_at is not None

    send(cora, path, {"title": "Unsure", "body": "CHANGING-MIND, edited", "visibility": "private"})
    assert "CHANGING-MIND" not in feed_of(therapist, world.client_a.id)
    db.session.expire_all()
    entry = db.session.get(JournalEntry, entry.id)
    assert (entry.visibility, entry.shared_at, entry.body) == (
        "private",
        None,
        "CHANGING-MIND, edited",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "", "visibility": "private"}, "body"),
        ({"body": "text", "visibility": "everyone"}, "visibility"),
    ],
)
def test_journal_form_errors(cora, data, field):
    response = send(cora, "/portal/journal", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please correct the marked fields below." in page
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == 0
    if field == "body":
        assert field_error(page, "body") == "This field is required."


# --- who gets in ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for path in ("/portal/", "/portal/journal", "/portal/goals/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["therapist_a", "admin"])
def test_staff_do_not_get_into_the_portal(client, world, who):
    entry = write_journal(world.client_a, "x")
    goal = make_goal(world.client_a)
    db.session.commit()
    login(client, getattr(world, who))
    for path in (
        "/portal/",
        "/portal/journal",
        f"/portal/journal/{entry.id}",
        f"/portal/goals/{goal.id}",
    ):
        assert client.get(path).status_code == 404, path


def test_a_client_account_without_a_record_sees_an_empty_portal(client, world):
    loose = make_user(world.practice, Role.CLIENT)
    goal = make_goal(world.client_a)
    db.session.commit()
    login(client, loose)
    assert "will appear here as your therapist sets them up" in client.get("/portal/").get_data(
        as_text=True
    )
    assert client.get("/portal/journal").status_code == 404
    assert client.get("/portal/goals/new").status_code == 404
    assert client.get(f"/portal/goals/{goal.id}").status_code == 404
