"""Outcome measures through the web (issue 5): assigning, the portal questionnaire,
therapist entry and scores-only instruments, safety alerts with acknowledgement, the
measures page with its change labels and trend charts, goal outcome targets, query
counts and the demo courses."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from tests.factories import (
    answer_measure,
    answers_totalling,
    assign_measure,
    bulk_measure_assignments,
    bulk_measures,
    login,
    make_goal,
    make_user,
    post_form,
    today_utc,
)
from tests.session_factories import (
    add_to_care_team,
    at,
    create_via_web,
    make_session,
    post,
    selected,
)
from tests.session_factories import field_error as loose_field_error
from tests.web.pages import field_error
from tracker.domain.clock import utc_to_local
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Client,
    IntegrationGoal,
    MeasureAssignment,
    MeasureResponse,
    Practice,
    SafetyAlert,
    User,
)

CRISIS = "Crisis line (24 h, free): 0800 111 0 111\nPractice urgent number: +1 555 0199"
DAYS_NEEDED = "Enter the number of days."
ACK_NOTE = "Phoned her at 14:10; safety plan reviewed; sister staying over tonight."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def days_ago(days: int):
    return today_utc() - timedelta(days=days)


@pytest.fixture
def therapist(client, world):
    """The test client, signed in as Cora's primary therapist (Tara A)."""
    assert login(client, world.therapist_a).status_code == 302
    return client


@pytest.fixture
def cora(app, world):
    """A test client signed in as Cora (client A) in the portal."""
    browser = app.test_client()
    assert login(browser, world.client_user_a).headers["Location"] == "/portal/"
    return browser


@pytest.fixture
def co_therapist(world) -> User:
    """A second therapist on Cora's care team."""
    user = make_user(world.practice, Role.THERAPIST, email="co@example.test", name="Cleo Co")
    add_to_care_team(world.client_a, user, "co_therapist")
    db.session.commit()
    return user


def signed_in(app, user: User):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def answer_form(answers: list[int | None], **extra: str) -> dict[str, str]:
    """Form data for a questionnaire; ``None`` leaves an item unanswered."""
    data = {f"item_{n}": str(value) for n, value in enumerate(answers, 1) if value is not None}
    data.update(extra)
    return data


def portal_post(browser, path: str, data: dict[str, str]):
    return post_form(browser, path, data, form_page="/portal/journal")


def due_links(browser) -> list[int]:
    """The assignment ids the portal home offers to fill in."""
    page = browser.get("/portal/").get_data(as_text=True)
    return [int(n) for n in re.findall(r'href="/portal/measures/(\d+)"', page)]


def assign_via_web(browser, client_id: int, **overrides: str):
    data = {
        "instrument": "phq9",
        "schedule_kind": "once",
        "every_days": "",
        "start_date": today_utc().isoformat(),
        **overrides,
    }
    return post(browser, f"/clients/{client_id}/measures/assign", data)


def only_assignment() -> MeasureAssignment:
    db.session.expire_all()
    (assignment,) = db.session.scalars(sa.select(MeasureAssignment))
    return assignment


def responses() -> list[MeasureResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(MeasureResponse).order_by(MeasureResponse.id)))


def alerts() -> list[SafetyAlert]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SafetyAlert).order_by(SafetyAlert.id)))


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# --- assigning -----------------------------------------------------------------------


def test_therapist_assigns_a_questionnaire(therapist, world):
    cid = world.client_a.id
    start = days_ago(2)
    response = assign_via_web(
        therapist,
        cid,
        instrument="gad7",
        schedule_kind="every_n_days",
        every_days="14",
        start_date=start.isoformat(),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{cid}/measures"

    assignment = only_assignment()
    assert (assignment.client_id, assignment.instrument) == (cid, "gad7")
    assert (assignment.schedule_kind, assignment.every_days) == ("every_n_days", 14)
    assert (assignment.start_date, assignment.active) == (start, True)
    assert assignment.assigned_by_id == world.therapist_a.id
    page = text(therapist.get(f"/clients/{cid}/measures"))
    assert "Questionnaire assigned." in page
    assert "GAD-7 — every 14 days" in page
    (event,) = events("measure.assign")
    assert (event.record_id, event.client_id, event.detail) == (
        assignment.id,
        cid,
        "instrument=gad7",
    )


def test_a_once_assignment_keeps_no_interval(therapist, world):
    response = assign_via_web(therapist, world.client_a.id, every_days="5")
    assert response.status_code == 302
    assert only_assignment().every_days is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"schedule_kind": "every_n_days", "every_days": ""}, "every_days", DAYS_NEEDED),
        ({"schedule_kind": "after_medicine", "every_days": ""}, "every_days", DAYS_NEEDED),
        (
            {"schedule_kind": "every_n_days", "every_days": "0"},
            "every_days",
            "Number must be between 1 and 365.",
        ),
        (
            {"schedule_kind": "every_n_days", "every_days": "seven"},
            "every_days",
            "Not a valid integer value.",
        ),
        ({"schedule_kind": "weekly"}, "schedule_kind", "Not a valid choice."),
        ({"instrument": "cadss"}, "instrument", "Not a valid choice."),
        ({"start_date": ""}, "start_date", "This field is required."),
    ],
)
def test_assign_errors_are_shown_next_to_the_field(therapist, world, overrides, field, message):
    response = assign_via_web(therapist, world.client_a.id, **overrides)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    if field == "schedule_kind":  # a radio group: the error follows the group
        assert message in loose_field_error(page, field)
    else:
        assert message in field_error(page, field)
    assert "<details open>" in page  # the assign form stays open
    assert db.session.scalar(sa.select(sa.func.count(MeasureAssignment.id))) == 0


def test_stopping_an_assignment_takes_it_off_the_portal(therapist, cora, world):
    assignment = assign_measure(world.client_a, "gad7")
    db.session.commit()
    assert due_links(cora) == [assignment.id]
    path = f"/clients/{world.client_a.id}/measures/assignments/{assignment.id}/stop"
    assert post(therapist, path, {}).status_code == 302
    assert only_assignment().active is False
    assert only_assignment().stopped_on == today_utc()
    assert due_links(cora) == []
    assert cora.get(f"/portal/measures/{assignment.id}").status_code == 404


# --- the portal questionnaire --------------------------------------------------------


def test_the_client_fills_a_due_questionnaire(cora, world):
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    home = text(cora.get("/portal/"))
    assert "Questionnaires for you" in home
    assert "Patient Health Questionnaire (PHQ-9)" in home
    assert "9 questions" in home
    assert due_links(cora) == [assignment.id]

    path = f"/portal/measures/{assignment.id}"
    page = cora.get(path).get_data(as_text=True)
    assert page.count("<fieldset") == 10  # one radio group per item, and the difficulty one
    assert page.count("<legend>") == 10
    assert "<legend>9. Thoughts that you would be better off dead" in page
    assert (
        len(re.findall(r'type="radio"[^>]*name="item_1"|name="item_1"[^>]*type="radio"', page)) == 4
    )

    response = portal_post(cora, path, answer_form([2, 2, 1, 1, 1, 1, 1, 1, 0], extra="1"))
    assert response.status_code == 200
    done = text(response)
    assert "Thank you" in done
    assert "You are not alone with this" not in done

    (stored,) = responses()
    assert (stored.instrument, stored.total, stored.severity, stored.flags) == (
        "phq9",
        10,
        "moderate",
        "",
    )
    assert stored.answer_values == [2, 2, 1, 1, 1, 1, 1, 1, 0]
    assert stored.extra_answer == 1
    assert (stored.by_client, stored.entered_by_id) == (True, world.client_user_a.id)
    assert (stored.assignment_id, stored.completed_on) == (assignment.id, today_utc())
    assert alerts() == []

    # no longer due
    assert due_links(cora) == []
    assert "Questionnaires for you" not in text(cora.get("/portal/"))
    not_due = cora.get(path)
    assert not_due.status_code == 404
    assert "Nothing to fill in right now" in text(not_due)
    # answers sent from a second tab after the first was saved are kept, not lost
    again = portal_post(cora, path, answer_form([0] * 9))
    assert again.status_code == 200
    assert "Thank you" in text(again)
    assert len(responses()) == 2


def test_missing_answers_are_marked_and_the_others_kept(cora, world):
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    path = f"/portal/measures/{assignment.id}"
    given = [2, None, 1, None, 0, 3, None, 1, None]
    response = portal_post(cora, path, answer_form(given, extra="2"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please answer every question; the ones missing are marked." in page
    for number, value in enumerate(given, 1):
        error = loose_field_error(page, f"item_{number}")
        if value is None:
            assert error == "Please choose an answer for this question.", number
            assert selected(page, f"item_{number}") == []
        else:
            assert error == "", number
            assert selected(page, f"item_{number}") == [str(value)], number
    assert selected(page, "extra") == ["2"]
    assert page.count('aria-invalid="true"') == 4
    assert responses() == []
    assert due_links(cora) == [assignment.id]


@pytest.mark.parametrize("bad", ["4", "-1", "x"])
def test_an_impossible_answer_is_refused_on_the_form(cora, world, bad):
    assignment = assign_measure(world.client_a, "gad7")
    db.session.commit()
    response = portal_post(
        cora, f"/portal/measures/{assignment.id}", answer_form([1, 1, bad, 1, 1, 1, 1])
    )
    assert response.status_code == 400
    assert loose_field_error(response.get_data(as_text=True), "item_3")
    assert responses() == []


def test_a_client_cannot_fill_an_assignment_not_yet_started(cora, world):
    assignment = assign_measure(world.client_a, "gad7", start=today_utc() + timedelta(days=3))
    db.session.commit()
    assert due_links(cora) == []
    assert cora.get(f"/portal/measures/{assignment.id}").status_code == 404


def test_the_ace_introduction_and_not_now_come_before_the_items(cora, world):
    ace = assign_measure(world.client_a, "ace")
    phq9 = assign_measure(world.client_a, "phq9")
    db.session.commit()
    page = text(cora.get(f"/portal/measures/{ace.id}"))
    intro = page.index("The next questions ask about things that may have happened")
    not_now = page.index("Not now: go back without answering")
    first_item = page.index("<fieldset")
    assert intro < first_item and not_now < first_item
    assert re.search(r'<a href="/portal/">Not now: go back without answering</a>', page)
    assert page.count("<fieldset") == 10
    other = text(cora.get(f"/portal/measures/{phq9.id}"))
    assert "Not now" not in other and "The next questions ask" not in other

    # skipping leaves it due; answering scores it
    assert set(due_links(cora)) == {ace.id, phq9.id}
    response = portal_post(
        cora, f"/portal/measures/{ace.id}", answer_form([1, 0, 0, 1, 0, 1, 0, 1, 0, 0])
    )
    assert response.status_code == 200
    (stored,) = responses()
    assert (stored.instrument, stored.total, stored.flags) == ("ace", 4, "high_ace")


def test_every_n_days_comes_back_each_period(cora, world):
    # started 7 days ago, every 7 days: a new period starts today
    assignment = assign_measure(
        world.client_a, "gad7", kind="every_n_days", every_days=7, start=days_ago(7)
    )
    answer_measure(world.client_a, "gad7", 6, on=days_ago(6), assignment=assignment)
    db.session.commit()
    assert due_links(cora) == [assignment.id]  # last period's answer does not count

    response = portal_post(cora, f"/portal/measures/{assignment.id}", answer_form([1] * 7))
    assert response.status_code == 200
    assert due_links(cora) == []


def test_every_n_days_answered_in_this_period_is_not_due(cora, world):
    assignment = assign_measure(
        world.client_a, "gad7", kind="every_n_days", every_days=7, start=days_ago(10)
    )
    answer_measure(world.client_a, "gad7", 6, on=days_ago(3), assignment=assignment)
    db.session.commit()
    assert due_links(cora) == []


def test_after_medicine_is_due_n_days_after_each_medicine_session(therapist, cora, world):
    cid = world.client_a.id
    response = assign_via_web(
        therapist,
        cid,
        schedule_kind="after_medicine",
        every_days="2",
        start_date=days_ago(30).isoformat(),
    )
    assert response.status_code == 302
    assignment = only_assignment()
    assert "PHQ-9 — 2 days after each medicine session" in text(
        therapist.get(f"/clients/{cid}/measures")
    )
    assert due_links(cora) == []  # no medicine session yet

    make_session(world.client_a, starts_at=at(days_ago(20)), phase="integration")
    db.session.commit()
    assert due_links(cora) == []  # only medicine sessions count

    make_session(world.client_a, starts_at=at(days_ago(10)))
    db.session.commit()
    assert due_links(cora) == [assignment.id]  # due since 8 days ago
    # answered on the day it came due
    answer_measure(world.client_a, "phq9", 4, on=days_ago(8), assignment=assignment)
    db.session.commit()
    assert due_links(cora) == []

    # the therapist records the next medicine session, two days ago: due again today
    create_via_web(therapist, cid, session_date=days_ago(2).isoformat())
    assert due_links(cora) == [assignment.id]
    done = portal_post(cora, f"/portal/measures/{assignment.id}", answer_form([0] * 9))
    assert done.status_code == 200
    assert due_links(cora) == []
    assert [r.assignment_id for r in responses()] == [assignment.id, assignment.id]
    assert [r.completed_on for r in responses()] == [days_ago(8), today_utc()]


def test_a_new_medicine_session_does_not_skip_the_open_occurrence(therapist, cora, world):
    """Issue 12, section 6: each medicine session makes its own occurrence; the open one
    stays due until answered or until the next comes due, and a replaced one is counted
    as missed on the therapist's page."""
    assignment = assign_measure(
        world.client_a, "phq9", kind="after_medicine", every_days=3, start=days_ago(30)
    )
    make_session(world.client_a, starts_at=at(days_ago(10)))
    db.session.commit()
    assert due_links(cora) == [assignment.id]  # due since 7 days ago, not yet filled

    create_via_web(therapist, world.client_a.id, session_date=days_ago(1).isoformat())
    # still due: the next occurrence comes due only 3 days after the new session
    assert due_links(cora) == [assignment.id]
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    assert f"overdue since {format_date(days_ago(7), 'medium', locale='en')}" in page
    assert "missed" not in page

    # a medicine session 4 days ago: its occurrence (due yesterday) replaced the old one
    make_session(world.client_a, starts_at=at(days_ago(4)))
    db.session.commit()
    assert due_links(cora) == [assignment.id]
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    assert f"overdue since {format_date(days_ago(1), 'medium', locale='en')}" in page
    assert "1 missed" in page

    done = portal_post(cora, f"/portal/measures/{assignment.id}", answer_form([0] * 9))
    assert done.status_code == 200
    assert due_links(cora) == []
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    assert "overdue since" not in page
    assert "1 missed" in page


def test_a_portal_client_sees_only_their_own_questionnaires(app, cora, world):
    other = assign_measure(world.client_b, "phq9")
    db.session.commit()
    assert due_links(cora) == []
    assert cora.get(f"/portal/measures/{other.id}").status_code == 404
    response = portal_post(cora, f"/portal/measures/{other.id}", answer_form([0] * 9))
    assert response.status_code == 404
    assert responses() == []


# --- the therapist enters answers or scores ------------------------------------------


def test_therapist_enters_answers_on_the_clients_behalf(therapist, world):
    cid = world.client_a.id
    path = f"/clients/{cid}/measures/enter/pcl5"
    form = text(therapist.get(path))
    assert "Entering the client's answers on their behalf." in form
    assert form.count("<fieldset") == 20

    answers = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]
    response = post(therapist, path, answer_form(answers, completed_on=days_ago(3).isoformat()))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{cid}/measures"
    (stored,) = responses()
    assert (stored.instrument, stored.total, stored.severity) == ("pcl5", 12, None)
    assert stored.flag_set == {"dsm5_pattern"}
    assert (stored.by_client, stored.entered_by_id) == (False, world.therapist_a.id)
    assert (stored.completed_on, stored.assignment_id) == (days_ago(3), None)

    page = text(therapist.get(f"/clients/{cid}/measures"))
    assert "Answers saved and scored." in page
    row = table_rows(page, "pcl5")[0]
    assert row[1:4] == ["12", "—", "DSM-5 symptom pattern"]
    assert row[-1] == "Tara A"
    (event,) = events("measure.response")
    assert (event.actor_id, event.record_id, event.detail) == (
        world.therapist_a.id,
        stored.id,
        "instrument=pcl5",
    )


def test_therapist_entry_marks_the_missing_answers(therapist, world):
    path = f"/clients/{world.client_a.id}/measures/enter/who5"
    response = post(therapist, path, answer_form([5, None, 3, None, 1]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert loose_field_error(page, "item_2") == "Please choose an answer for this question."
    assert loose_field_error(page, "item_4") == "Please choose an answer for this question."
    assert loose_field_error(page, "item_1") == ""
    assert selected(page, "item_1") == ["5"] and selected(page, "item_5") == ["1"]
    assert responses() == []


def test_a_therapist_entered_phq9_with_item_9_also_raises_an_alert(therapist, world):
    path = f"/clients/{world.client_a.id}/measures/enter/phq9"
    response = post(therapist, path, answer_form([0, 0, 0, 0, 0, 0, 0, 0, 2]))
    assert response.status_code == 302
    (alert,) = alerts()
    assert (alert.client_id, alert.kind, alert.acknowledged_at) == (
        world.client_a.id,
        "suicidal_ideation",
        None,
    )
    assert [e.record_id for e in events("safety_alert.create")] == [alert.id]


@pytest.mark.parametrize(
    ("code", "data", "total", "flags"),
    [
        ("cadss", {"total": "92"}, 92, ""),
        ("cadss", {"total": "0"}, 0, ""),
        ("ebi", {"total": "72.5"}, 72.5, ""),
        (
            "meq30",
            {"mystical": "3.4", "positive_mood": "3", "transcendence": "4.1", "ineffability": "5"},
            3.4,
            "complete_mystical_experience",
        ),
        (
            "meq30",
            {"mystical": "4.5", "positive_mood": "2.9", "transcendence": "4", "ineffability": "5"},
            4.5,
            "",
        ),
        ("des2", {"total": "30"}, 30, "high_dissociation"),
        ("des2", {"total": "29.9"}, 29.9, ""),
        ("suds", {"total": "10"}, 10, ""),
    ],
)
def test_scores_only_instruments_are_entered_by_the_therapist(
    therapist, world, code, data, total, flags
):
    path = f"/clients/{world.client_a.id}/measures/enter/{code}"
    assert therapist.get(path).status_code == 200
    response = post(therapist, path, {**data, "completed_on": days_ago(1).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (stored,) = responses()
    assert (stored.instrument, float(stored.total), stored.flags) == (code, total, flags)
    assert {key: float(value) for key, value in stored.answer_values.items()} == {
        key: float(value) for key, value in data.items()
    }
    assert (stored.by_client, stored.severity, stored.completed_on) == (False, None, days_ago(1))
    assert "Scores saved." in text(therapist.get(f"/clients/{world.client_a.id}/measures"))


@pytest.mark.parametrize(
    ("code", "data", "field", "message"),
    [
        ("cadss", {"total": "93"}, "total", "Between 0 and 92."),
        ("cadss", {"total": "-1"}, "total", "Between 0 and 92."),
        ("ebi", {"total": "100.5"}, "total", "Between 0 and 100."),
        (
            "meq30",
            {"mystical": "3", "positive_mood": "5.5", "transcendence": "3", "ineffability": "3"},
            "positive_mood",
            "Between 0 and 5.",
        ),
        (
            "meq30",
            {"mystical": "3", "positive_mood": "3", "transcendence": "3", "ineffability": ""},
            "ineffability",
            "This field is required.",
        ),
        ("des2", {"total": "101"}, "total", "Between 0 and 100."),
        ("suds", {"total": "11"}, "total", "Between 0 and 10."),
        ("suds", {"total": "a lot"}, "total", "Not a valid decimal value."),
        ("suds", {"total": "4", "completed_on": ""}, "completed_on", "This field is required."),
    ],
)
def test_scores_out_of_range_are_refused_next_to_the_field(
    therapist, world, code, data, field, message
):
    path = f"/clients/{world.client_a.id}/measures/enter/{code}"
    response = post(therapist, path, {"completed_on": today_utc().isoformat(), **data})
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert responses() == []


def test_an_unknown_instrument_code_is_404(therapist, world):
    assert therapist.get(f"/clients/{world.client_a.id}/measures/enter/bdi2").status_code == 404


# --- safety alerts -------------------------------------------------------------------


def flag_from_portal(cora, world) -> SafetyAlert:
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    response = portal_post(
        cora, f"/portal/measures/{assignment.id}", answer_form([1, 1, 1, 1, 0, 0, 0, 0, 1])
    )
    assert response.status_code == 200
    (alert,) = alerts()
    return alert


def set_crisis_resources(world, value: str = CRISIS) -> None:
    practice = db.session.get(Practice, world.practice.id)
    practice.crisis_resources = value
    db.session.commit()


def test_a_positive_item_9_shows_the_practices_crisis_resources(cora, world, smtp_server):
    set_crisis_resources(world)
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    response = portal_post(
        cora, f"/portal/measures/{assignment.id}", answer_form([1, 1, 1, 1, 0, 0, 0, 0, 1])
    )
    assert response.status_code == 200
    page = text(response)
    assert "Thank you" in page
    assert "You are not alone with this" in page
    assert "Your care team (your therapist, Tara A, and anyone else caring" in page
    assert 'Crisis line (24 h, free): <a href="tel:08001110111">0800 111 0 111</a>' in page
    assert 'Practice urgent number: <a href="tel:+15550199">+1 555 0199</a>' in page
    (stored,) = responses()
    assert stored.flag_set == {"suicidal_ideation"}
    (alert,) = alerts()
    assert (alert.response_id, alert.client_id, alert.kind) == (
        stored.id,
        world.client_a.id,
        "suicidal_ideation",
    )


def test_no_crisis_message_without_the_flag(cora, world):
    set_crisis_resources(world)
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    response = portal_post(
        cora, f"/portal/measures/{assignment.id}", answer_form([3, 3, 3, 3, 3, 3, 3, 3, 0])
    )
    page = text(response)
    assert response.status_code == 200
    # The numbers stand in the crisis box of every portal page, but nothing alarms.
    assert page.count("0800 111 0 111") == 1
    assert "You are not alone with this" not in page
    assert 'role="alert"' not in page
    assert alerts() == []


def test_the_admin_edits_the_crisis_resources_the_client_sees(app, cora, world):
    admin = signed_in(app, world.admin)
    form = {
        "name": world.practice.name,
        "address": "",
        "letterhead_text": "",
        "crisis_resources": "Samaritans (free, day or night): 116 123",
        "report_footer": "",
        "hold_systolic": "140",
        "hold_diastolic": "90",
        "alert_systolic_low": "90",
        "alert_systolic_high": "180",
        "alert_heart_rate_low": "50",
        "alert_heart_rate_high": "150",
        "alert_spo2_low": "92",
        "clearance_valid_months": "12",
        "min_dose_interval_hours": "24",
        "monitoring_interval_minutes": "15",
        "min_observation_minutes": "120",
        "alert_escalation_minutes": "120",
        "alert_response_hours": "24",
    }
    assert post_form(admin, "/admin/practice", form).status_code == 302
    assert "Samaritans (free, day or night): 116 123" in text(admin.get("/admin/practice"))
    (event,) = events("practice.update")
    assert event.detail == "crisis_resources"  # the field's name, never its text

    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    page = text(
        portal_post(
            cora, f"/portal/measures/{assignment.id}", answer_form([0, 0, 0, 0, 0, 0, 0, 0, 3])
        )
    )
    assert 'Samaritans (free, day or night): <a href="tel:116123">116 123</a>' in page


def test_the_alert_shows_on_the_care_teams_caseload_only(app, cora, world, co_therapist):
    alert = flag_from_portal(cora, world)
    prescriber = make_user(world.practice, Role.THERAPIST, email="rx@example.test")
    add_to_care_team(world.client_a, prescriber, "prescriber")
    db.session.commit()
    for user in (world.therapist_a, co_therapist, prescriber):
        page = text(signed_in(app, user).get("/clients"))
        assert "Safety alert" in page, user.email
        assert "Cora answered the PHQ-9 suicide question" in page
        assert f"/alerts/{alert.id}/acknowledge" in page
    for user in (world.therapist_b, world.admin):
        page = text(signed_in(app, user).get("/clients"))
        assert "Safety alert" not in page, user.email
        assert f"/alerts/{alert.id}/acknowledge" not in page
    # the alert also heads the client's measures page
    page = text(signed_in(app, world.therapist_a).get(f"/clients/{world.client_a.id}/measures"))
    assert "Safety alert" in page


def test_acknowledging_needs_a_note(app, cora, world):
    alert = flag_from_portal(cora, world)
    therapist = signed_in(app, world.therapist_a)
    for note in ("", "   "):
        response = post(
            therapist, f"/alerts/{alert.id}/acknowledge", {"note": note, "next_page": "caseload"}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        error = re.search(rf'id="note-error-{alert.id}"[^>]*>([^<]*)</small>', page)
        assert error and "This field is required." in error.group(1)
        assert f'aria-describedby="note-hint-{alert.id} note-error-{alert.id}"' in page
    (still,) = alerts()
    assert (still.acknowledged_at, still.acknowledgement_note) == (None, None)
    assert "Safety alert" in text(therapist.get("/clients"))
    assert events("safety_alert.acknowledge") == []


def test_acknowledging_clears_the_caseload_and_keeps_the_note(app, cora, world, co_therapist):
    alert = flag_from_portal(cora, world)
    co = signed_in(app, co_therapist)
    response = post(
        co, f"/alerts/{alert.id}/acknowledge", {"note": ACK_NOTE, "next_page": "caseload"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/clients"
    caseload = text(co.get("/clients"))
    assert "Alert acknowledged. Your note is kept with it." in caseload
    assert "Safety alert" not in caseload
    assert "Safety alert" not in text(signed_in(app, world.therapist_a).get("/clients"))

    (done,) = alerts()
    assert done.acknowledged_at is not None
    assert (done.acknowledged_by_id, done.acknowledgement_note) == (co_therapist.id, ACK_NOTE)
    page = text(signed_in(app, world.therapist_a).get(f"/clients/{world.client_a.id}/measures"))
    assert "Acknowledged safety alerts" in page
    when = utc_to_local(done.acknowledged_at, world.practice.timezone)
    # The moment it was acknowledged, not the day the answers were given.
    stamp = rf"{when:%b} {when.day}, {when.year}, {when:%-I:%M}\s{when:%p}"
    assert re.search(
        rf"acknowledged by Cleo Co, {stamp}: {re.escape(ACK_NOTE)}", re.sub(r"<[^>]+>", "", page)
    )
    assert f'action="/alerts/{alert.id}/acknowledge"' not in page

    # stored encrypted
    raw = db.session.execute(
        sa.text("SELECT acknowledgement_note FROM safety_alert WHERE id = :id"), {"id": alert.id}
    ).scalar_one()
    assert raw and "safety plan" not in raw


def test_a_second_acknowledgement_is_refused(app, cora, world, co_therapist):
    alert = flag_from_portal(cora, world)
    first = post(
        signed_in(app, world.therapist_a), f"/alerts/{alert.id}/acknowledge", {"note": ACK_NOTE}
    )
    assert first.status_code == 302
    assert first.headers["Location"] == f"/clients/{world.client_a.id}/measures"
    co = signed_in(app, co_therapist)
    second = post(co, f"/alerts/{alert.id}/acknowledge", {"note": "I called her too."})
    assert second.status_code == 302
    page = text(co.get(second.headers["Location"]))
    assert "Someone on the care team has already acknowledged this alert." in page
    (done,) = alerts()
    assert (done.acknowledged_by_id, done.acknowledgement_note) == (world.therapist_a.id, ACK_NOTE)
    assert len(events("safety_alert.acknowledge")) == 1


def test_someone_outside_the_care_team_cannot_acknowledge(app, cora, world):
    alert = flag_from_portal(cora, world)
    for user in (world.therapist_b, world.admin):
        response = post(
            signed_in(app, user), f"/alerts/{alert.id}/acknowledge", {"note": "Not mine to say."}
        )
        assert response.status_code == 404, user.email
    assert alerts()[0].acknowledged_at is None


def test_measures_audit_events_carry_no_clinical_text(app, cora, world):
    alert = flag_from_portal(cora, world)
    response = post(
        signed_in(app, world.therapist_a), f"/alerts/{alert.id}/acknowledge", {"note": ACK_NOTE}
    )
    assert response.status_code == 302
    (stored,) = responses()
    cid = world.client_a.id
    (answered,) = events("measure.response")
    assert (answered.actor_id, answered.record_type, answered.record_id, answered.client_id) == (
        world.client_user_a.id,
        "measure_response",
        stored.id,
        cid,
    )
    (created,) = events("safety_alert.create")
    assert (created.actor_id, created.record_type, created.record_id, created.client_id) == (
        world.client_user_a.id,
        "safety_alert",
        alert.id,
        cid,
    )
    (acknowledged,) = events("safety_alert.acknowledge")
    assert (acknowledged.actor_id, acknowledged.record_id, acknowledged.client_id) == (
        world.therapist_a.id,
        alert.id,
        cid,
    )
    rows = db.session.execute(sa.text("SELECT * FROM audit_event")).all()
    dumped = " ".join(str(value) for row in rows for value in row)
    for secret in ("Phoned", "safety plan", "suicid", "moderate", "mild", "[1, 1"):
        assert secret not in dumped
    for event in (answered, created, acknowledged):
        assert event.detail in ("", "instrument=phq9")
        assert str(stored.total) not in event.detail


# --- the measures page ---------------------------------------------------------------


def section(page: str, code: str) -> str:
    start = page.index(f'aria-labelledby="m-{code}"')
    end = page.find("</section>", start)
    return page[start:end]


def table_rows(page: str, code: str) -> list[list[str]]:
    """The cells of the response table of ``code``, newest first, tags stripped."""
    body = section(page, code).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<td>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        )
    ]


@pytest.fixture
def course(world):
    """Cora's PHQ-9 over six weeks with medicine sessions, a GAD-7 and an ACE."""
    client = world.client_a
    answer_measure(client, "phq9", 17, on=days_ago(40))
    answer_measure(client, "phq9", 14, on=days_ago(30), by=world.therapist_a)
    answer_measure(client, "phq9", 8, on=days_ago(20))
    answer_measure(client, "phq9", 15, on=days_ago(5), item9=1)
    answer_measure(client, "gad7", 12, on=days_ago(10))
    answer_measure(client, "ace", 5, on=days_ago(39))
    make_session(client, starts_at=at(days_ago(60)))  # before the first response
    make_session(client, starts_at=at(days_ago(35)))
    make_session(client, starts_at=at(days_ago(15)))
    make_session(client, starts_at=at(days_ago(25)), phase="integration")
    db.session.commit()
    return client


def test_the_measures_page_labels_every_change_in_words(therapist, course):
    page = text(therapist.get(f"/clients/{course.id}/measures"))
    rows = table_rows(page, "phq9")
    dates = [row[0] for row in rows]
    assert len(rows) == 4
    # newest first: total, severity, flags, from first, from previous, by
    assert [row[1:] for row in rows] == [
        [
            "15",
            "moderately severe",
            "suicidal ideation",
            "no reliable change",
            "reliably worse",
            "client",
        ],
        ["8", "mild", "—", "reliably improved", "reliably improved", "client"],
        ["14", "moderate", "—", "no reliable change", "no reliable change", "Tara A"],
        ["17", "moderately severe", "—", "—", "—", "client"],
    ]
    assert len(set(dates)) == 4
    assert "Since the first response: no reliable change." in re.sub(r"<[^>]+>", "", page)

    (gad7,) = table_rows(page, "gad7")
    assert gad7[1:6] == ["12", "moderate", "—", "—", "—"]
    (ace,) = table_rows(page, "ace")
    assert ace[1:6] == ["5", "—", "high exposure", "—", "—"]
    # instruments in their clinical order
    assert page.index('id="m-phq9"') < page.index('id="m-gad7"') < page.index('id="m-ace"')


def test_the_trend_chart_has_bands_markers_and_a_text_alternative(therapist, course):
    page = section(therapist.get(f"/clients/{course.id}/measures").get_data(as_text=True), "phq9")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-phq9-title chart-phq9-desc"' in svg
    assert '<title id="chart-phq9-title">PHQ-9 over time</title>' in svg
    desc = re.search(r'<desc id="chart-phq9-desc">(.*?)</desc>', svg, re.S).group(1)
    assert "shaded bands show severity" in desc and "medicine sessions" in desc
    bands = re.findall(r'<rect [^>]*class="band band-(\d)"[^>]*>(.*?)</rect>', svg, re.S)
    assert [tone for tone, _ in bands] == ["0", "1", "2", "3", "4"]
    assert "<title>moderately severe</title>" in bands[3][1]
    # two medicine sessions inside the span; the earlier one and the integration session not
    markers = re.findall(r'<line [^>]*class="marker"[^>]*>\s*<title>([^<]*)</title>', svg)
    assert markers == [
        f"Medicine session {format_date(days_ago(35), 'medium', locale='en')}",
        f"Medicine session {format_date(days_ago(15), 'medium', locale='en')}",
    ]
    assert svg.count('class="trend-point"') == 4
    assert 'class="trend-line"' in svg
    # the data table follows the chart
    table = page[page.index("</svg>") :]
    assert "<table>" in table and "<caption" in table and "PHQ-9 responses" in table


def test_a_single_response_draws_a_point_without_a_line(therapist, course):
    gad7 = section(therapist.get(f"/clients/{course.id}/measures").get_data(as_text=True), "gad7")
    assert gad7.count('class="trend-point"') == 1
    assert 'class="trend-line"' not in gad7
    assert gad7.count('class="band band-') == 4


def test_the_measures_page_without_responses(therapist, world):
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    assert "No responses yet." in page
    assert "<svg" not in page
    assert "None assigned." in page


def test_scores_only_responses_are_listed(therapist, world):
    path = f"/clients/{world.client_a.id}/measures/enter/meq30"
    values = {"mystical": "3.4", "positive_mood": "3", "transcendence": "4.1", "ineffability": "5"}
    post(therapist, path, {**values, "completed_on": days_ago(1).isoformat()})
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    (row,) = table_rows(page, "meq30")
    assert row[1:6] == ["3.4", "—", "complete mystical experience", "—", "—"]
    assert row[-1] == "Tara A"


# --- goal outcome targets ------------------------------------------------------------


def goal_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Feel the ground again",
        "domain": "body",
        "why_it_matters": "",
        "baseline": "",
        "target": "",
        "status": "active",
        "measure_code": "phq9",
        "measure_comparison": "drop_by",
        "measure_value": "6",
    }
    data.update(overrides)
    return data


def test_a_goal_carries_an_outcome_target(therapist, world):
    cid = world.client_a.id
    response = post(therapist, f"/clients/{cid}/goals/new", goal_form())
    assert response.status_code == 302
    goal_id = int(re.search(r"/goals/(\d+)$", response.headers["Location"]).group(1))
    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal_id)
    assert (goal.measure_code, goal.measure_comparison, goal.measure_value) == (
        "phq9",
        "drop_by",
        6,
    )
    path = f"/clients/{cid}/goals/{goal_id}"
    assert "PHQ-9 down by at least 6 — no response yet" in flat(therapist.get(path))

    answer_measure(world.client_a, "phq9", 17, on=days_ago(30))
    answer_measure(world.client_a, "phq9", 12, on=days_ago(10))
    db.session.commit()
    assert "PHQ-9 down by at least 6 — latest 12; 1 to go" in flat(therapist.get(path))

    answer_measure(world.client_a, "phq9", 11, on=days_ago(1))
    db.session.commit()
    shown = flat(therapist.get(path))
    assert "PHQ-9 down by at least 6 — reached" in shown
    assert "to go" not in shown


@pytest.mark.parametrize(
    ("code", "comparison", "value", "totals", "shown"),
    [
        ("pcl5", "at_most", "33", (48, 40), "PCL-5 at or below 33 — latest 40; 7 to go"),
        ("pcl5", "at_most", "33", (48, 31), "PCL-5 at or below 33 — reached"),
        ("who5", "at_least", "52", (7, 10), "WHO-5 at or above 52 — latest 40; 12 to go"),
        ("who5", "rise_by", "10", (7, 10), "WHO-5 up by at least 10 — reached"),
        ("gad7", "drop_by", "4", (13, 10), "GAD-7 down by at least 4 — latest 10; 1 to go"),
    ],
)
def test_outcome_progress_on_the_goal_page(
    therapist, world, code, comparison, value, totals, shown
):
    goal = make_goal(
        world.client_a, measure_code=code, measure_comparison=comparison, measure_value=int(value)
    )
    first, latest = totals
    answer_measure(world.client_a, code, first, on=days_ago(20))
    answer_measure(world.client_a, code, latest, on=days_ago(2))
    db.session.commit()
    assert shown in flat(therapist.get(f"/clients/{world.client_a.id}/goals/{goal.id}"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"measure_value": "28"}, "Between 0 and 27 for this measure."),
        ({"measure_code": "gad7", "measure_value": "22"}, "Between 0 and 21 for this measure."),
        ({"measure_code": "pcl5", "measure_value": "81"}, "Between 0 and 80 for this measure."),
        ({"measure_code": "who5", "measure_value": "101"}, "Between 0 and 100 for this measure."),
        ({"measure_value": "-1"}, "Between 0 and 27 for this measure."),
        ({"measure_value": ""}, "Enter the target score."),
    ],
)
def test_outcome_target_range_is_checked_next_to_the_field(therapist, world, overrides, message):
    response = post(therapist, f"/clients/{world.client_a.id}/goals/new", goal_form(**overrides))
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), "measure_value")
    assert db.session.scalar(sa.select(sa.func.count(IntegrationGoal.id))) == 0


def test_an_outcome_target_needs_a_comparison(therapist, world):
    data = goal_form()
    del data["measure_comparison"]  # a hand-made request: the select always sends one
    response = post(therapist, f"/clients/{world.client_a.id}/goals/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose how the score should change." in field_error(page, "measure_comparison")
    assert db.session.scalar(sa.select(sa.func.count(IntegrationGoal.id))) == 0


def test_the_outcome_target_is_changed_on_the_edit_form(therapist, world):
    goal = make_goal(
        world.client_a, measure_code="phq9", measure_comparison="drop_by", measure_value=6
    )
    db.session.commit()
    path = f"/clients/{world.client_a.id}/goals/{goal.id}/edit"
    response = post(
        therapist,
        path,
        goal_form(
            title=goal.title, measure_code="pcl5", measure_comparison="at_most", measure_value="33"
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    goal = db.session.get(IntegrationGoal, goal.id)
    assert (goal.measure_code, goal.measure_comparison, goal.measure_value) == (
        "pcl5",
        "at_most",
        33,
    )
    response = post(
        therapist, path, goal_form(title=goal.title, measure_code="pcl5", measure_value="81")
    )
    assert response.status_code == 400
    assert "Between 0 and 80 for this measure." in field_error(
        response.get_data(as_text=True), "measure_value"
    )


def test_a_goal_without_a_measure_keeps_no_target(therapist, world):
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/goals/new",
        goal_form(measure_code="", measure_value="50"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    (goal,) = db.session.scalars(sa.select(IntegrationGoal))
    assert (goal.measure_code, goal.measure_comparison, goal.measure_value) == (None, None, None)


def flat(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


# --- query counts --------------------------------------------------------------------

FEW, MANY = 3, 60


def statements_for(app, count_queries, user, path: str, expected_text: str) -> list[str]:
    browser = signed_in(app, user)
    assert browser.get(path).status_code == 200  # warm-up: first-request work is not counted
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    assert expected_text in response.get_data(as_text=True)
    return list(statements)


def test_measures_page_query_count_does_not_grow(app, world, count_queries):
    for client in (world.client_a, world.client_b):
        make_session(client, starts_at=at(days_ago(1)))
    colleagues = [
        make_user(world.practice, Role.THERAPIST, name=f"Colleague {n}") for n in range(4)
    ]
    bulk_measures(world.client_a, FEW, alerts=1)
    bulk_measures(
        world.client_b,
        MANY,
        alerts=6,
        staff=[world.therapist_b, *colleagues[:2]],
        acknowledgers=colleagues[2:],
    )
    db.session.commit()
    assert len(responses()) == FEW + MANY
    few = statements_for(
        app, count_queries, world.therapist_a, f"/clients/{world.client_a.id}/measures", "PHQ-9"
    )
    many = statements_for(
        app,
        count_queries,
        world.therapist_b,
        f"/clients/{world.client_b.id}/measures",
        "acknowledged by Colleague 3",
    )
    page = text(signed_in(app, world.therapist_b).get(f"/clients/{world.client_b.id}/measures"))
    for colleague in colleagues[:2]:
        assert f"<td>{colleague.name}</td>" in page
    assert "acknowledged by Colleague 2" in page
    assert len(few) == len(many), "\n".join(many)
    # the sign-in session, the client, the practice, alerts, medicine days (once for
    # the charts and the schedules), responses, assignments (none active, so no answers
    # to them), the backup clinicians (an alert is open), the audit
    assert len(many) <= 9, "\n".join(many)


def test_portal_home_query_count_does_not_grow(app, world, count_queries):
    for client in (world.client_a, world.client_b):
        make_session(client, starts_at=at(days_ago(3)))
        answer_measure(client, "gad7", 5, on=days_ago(2))
    bulk_measure_assignments(world.client_a, 1)
    bulk_measure_assignments(world.client_b, 20)
    db.session.commit()
    few = statements_for(
        app, count_queries, world.client_user_a, "/portal/", "Questionnaires for you"
    )
    many = statements_for(
        app, count_queries, world.client_user_b, "/portal/", "Questionnaires for you"
    )
    assert len(few) == len(many), "\n".join(many)


# --- demo data -----------------------------------------------------------------------


def test_the_demo_courses_show_improvement_and_no_change(app):
    from tracker.services import measures as measure_service

    result = app.test_cli_runner().invoke(args=["seed-demo", "--quiet"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    def summaries(email: str) -> dict[str, str | None]:
        portal_user = db.session.scalar(sa.select(User).where(User.email == email))
        client = db.session.scalar(sa.select(Client).where(Client.portal_user_id == portal_user.id))
        practice = db.session.get(Practice, client.practice_id)
        return {t.code: t.summary for t in measure_service.trends(client, practice)}

    sam = summaries("client@demo.test")
    assert sam["phq9"] == "improved"
    assert sam == {"phq9": "improved", "gad7": "improved", "pcl5": "improved"}
    lena = summaries("client2@demo.test")
    assert lena["phq9"] == "unchanged"
    assert lena == {"phq9": "unchanged", "gad7": "unchanged", "pcl5": "unchanged"}


def test_answers_totalling_helper_adds_up():
    for code, total in (("phq9", 24), ("gad7", 0), ("pcl5", 33), ("who5", 13), ("ace", 4)):
        assert sum(answers_totalling(code, total)) == total
    assert answers_totalling("phq9", 5, item9=2) == [3, 0, 0, 0, 0, 0, 0, 0, 2]
    with pytest.raises(AssertionError):
        answers_totalling("phq9", 25)
