"""The C-SSRS screener in the app (issue 12, section 3): assigned and answered in the
portal, entered by the therapist, its follow-up questions without JavaScript, the safety
alert and crisis box it raises, its results on the measures page, the report, and the
overdue questionnaires the Today worklist reads."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    answer_measure,
    assign_measure,
    login,
    make_client,
    post_form,
    today_utc,
)
from tests.session_factories import at, make_session, post, selected
from tests.session_factories import field_error as loose_field_error
from tracker.extensions import db
from tracker.models import MeasureResponse, Practice, SafetyAlert
from tracker.services import measures as measure_service

CRISIS = "Crisis line (24 h, free): 0800 111 0 111"
FOLLOWS_2 = "Answer only if you answered yes to question 2; left empty, it counts as no."
FOLLOWS_6 = "Answer only if you answered yes to question 6; left empty, it counts as no."
CONTRADICTION = "This question follows a yes to question {lead}."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def days_ago(days: int):
    return today_utc() - timedelta(days=days)


@pytest.fixture
def therapist(client, world):
    assert login(client, world.therapist_a).status_code == 302
    return client


@pytest.fixture
def cora(app, world):
    browser = app.test_client()
    assert login(browser, world.client_user_a).headers["Location"] == "/portal/"
    return browser


def answers(*values: int | None) -> dict[str, str]:
    """Form data; ``None`` leaves the item unanswered (as a hidden follow-up is)."""
    return {f"item_{n}": str(value) for n, value in enumerate(values, 1) if value is not None}


def portal_post(browser, path: str, data: dict[str, str]):
    return post_form(browser, path, data, form_page="/portal/journal")


def stored() -> list[MeasureResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(MeasureResponse).order_by(MeasureResponse.id)))


def alerts() -> list[SafetyAlert]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SafetyAlert).order_by(SafetyAlert.id)))


def assigned_cssrs(world):
    assignment = assign_measure(world.client_a, "cssrs")
    db.session.commit()
    return assignment, f"/portal/measures/{assignment.id}"


# --- assigning and the portal page ---------------------------------------------------


def test_the_therapist_assigns_the_cssrs_and_the_client_sees_it(therapist, cora, world):
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    assert '<option value="cssrs">' in page
    assert "gentle introduction, and may be skipped: ACE, C-SSRS." in page
    response = post(
        therapist,
        f"/clients/{world.client_a.id}/measures/assign",
        {
            "instrument": "cssrs",
            "schedule_kind": "every_n_days",
            "every_days": "14",
            "start_date": today_utc().isoformat(),
        },
    )
    assert response.status_code == 302
    home = text(cora.get("/portal/"))
    assert "Columbia Suicide Severity Rating Scale, screen version (C-SSRS)" in home
    assert "7 questions" in home


def test_the_portal_page_introduces_the_screen_and_marks_the_follow_ups(cora, world):
    _, path = assigned_cssrs(world)
    page = text(cora.get(path))
    intro = page.index("The next questions ask about thoughts of death")
    assert intro < page.index("<fieldset")
    assert page.index("Not now: go back without answering") < page.index("<fieldset")
    assert page.count("<fieldset") == 7
    assert "1. Have you wished you were dead or wished you could go to sleep" in page
    assert "7. Was this within the past 3 months?" in page
    assert page.count(FOLLOWS_2) == 3 and page.count(FOLLOWS_6) == 1
    # the hint sits in the follow-up's own group, which points at it
    item_3 = re.search(r"<fieldset[^>]*>\s*<legend>3\.", page).group(0)
    assert 'aria-describedby="item_3-hint"' in item_3
    assert 'data-asked-after="item_2"' in item_3
    assert re.search(r'<script src="/static/js/questionnaire\.js[^"]*" defer>', page)
    # the progressive enhancement is a file, not an inline script (CSP)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    # other questionnaires load no script
    phq9 = assign_measure(world.client_a, "phq9")
    db.session.commit()
    assert "questionnaire.js" not in text(cora.get(f"/portal/measures/{phq9.id}"))


def test_the_questionnaire_script_is_served(cora):
    with cora.get("/static/js/questionnaire.js") as response:
        assert response.status_code == 200
        assert "fieldset[data-asked-after]" in response.get_data(as_text=True)


# --- answering without JavaScript ----------------------------------------------------


def test_unanswered_follow_ups_count_as_no(cora, world):
    assignment, path = assigned_cssrs(world)
    response = portal_post(cora, path, answers(0, 0, None, None, None, 0, None))
    assert response.status_code == 200
    assert "Thank you" in text(response)
    (response_row,) = stored()
    assert response_row.answer_values == [0] * 7
    assert (response_row.severity, response_row.flags) == ("none", "")
    assert response_row.assignment_id == assignment.id
    assert alerts() == []


def test_a_question_that_is_not_a_follow_up_is_still_required(cora, world):
    _, path = assigned_cssrs(world)
    response = portal_post(cora, path, answers(0, None, None, None, None, None, None))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert loose_field_error(page, "item_2") == "Please choose an answer for this question."
    assert loose_field_error(page, "item_6") == "Please choose an answer for this question."
    assert loose_field_error(page, "item_3") == ""
    assert stored() == []


@pytest.mark.parametrize(
    ("given", "field", "lead"),
    [
        ((0, 0, 1, None, None, 0, None), "item_3", 2),
        ((1, 0, 0, 0, 1, 0, 0), "item_5", 2),
        ((0, 0, None, None, None, 0, 1), "item_7", 6),
    ],
)
def test_a_contradiction_is_refused_next_to_the_field_keeping_the_answers(
    cora, world, given, field, lead
):
    _, path = assigned_cssrs(world)
    response = portal_post(cora, path, answers(*given))
    assert response.status_code == 400
    page = text(response)
    assert "Some answers do not fit together; please look at the marked questions." in page
    assert loose_field_error(page, field).startswith(CONTRADICTION.format(lead=lead))
    for number, value in enumerate(given, 1):
        assert selected(page, f"item_{number}") == ([] if value is None else [str(value)])
    assert stored() == [] and alerts() == []


# --- results, alerts and the crisis box ----------------------------------------------


def test_a_yes_to_thoughts_raises_an_urgent_alert_and_shows_the_crisis_box(
    cora, world, smtp_server
):
    practice = db.session.get(Practice, world.practice.id)
    practice.crisis_resources = CRISIS
    db.session.commit()
    _, path = assigned_cssrs(world)
    response = portal_post(cora, path, answers(1, 1, 0, 1, 0, 0, None))
    assert response.status_code == 200
    page = text(response)
    assert "Thank you" in page
    assert 'class="crisis-box crisis-urgent"' in page
    assert "the practice's backup clinicians are being told at once" in page
    for line in CRISIS.splitlines():
        assert line.split(":")[-1].strip() in page
    (row,) = stored()
    assert (row.severity, row.flag_set) == ("high", {"suicidal_ideation"})
    (alert,) = alerts()
    assert (alert.kind, alert.urgent, alert.response_id) == ("suicidal_ideation", True, row.id)


def test_behaviour_ever_raises_a_behaviour_alert_that_is_not_urgent(cora, world, smtp_server):
    _, path = assigned_cssrs(world)
    response = portal_post(cora, path, answers(0, 0, None, None, None, 1, 0))
    assert response.status_code == 200
    page = text(response)
    assert 'class="crisis-box crisis-urgent"' in page
    assert "If nobody on your care team has confirmed they have seen it within" in page
    (alert,) = alerts()
    assert (alert.kind, alert.urgent) == ("suicidal_behavior", False)
    assert stored()[0].severity == "moderate"


def test_the_therapist_enters_the_screen_and_reads_it_on_the_measures_page(therapist, world):
    path = f"/clients/{world.client_a.id}/measures/enter/cssrs"
    form = text(therapist.get(path))
    assert form.count("<fieldset") == 7
    assert FOLLOWS_2 in form
    assert "Source: C-SSRS Screen Version" in form

    refused = post(therapist, path, answers(0, 0, 1, None, None, 0, None))
    assert refused.status_code == 400
    assert loose_field_error(text(refused), "item_3").startswith(CONTRADICTION.format(lead=2))

    saved = post(
        therapist,
        path,
        {**answers(1, 1, 1, None, None, 1, 1), "completed_on": today_utc().isoformat()},
    )
    assert saved.status_code == 302
    (row,) = stored()
    assert row.answer_values == [1, 1, 1, 0, 0, 1, 1]
    assert (row.severity, row.by_client) == ("high", False)

    page = text(therapist.get(f"/clients/{world.client_a.id}/measures"))
    section = page[page.index('id="m-cssrs"') :]
    section = section[: section.index("</section>")]
    # the severity, and which questions were answered yes
    assert (
        "<td>high<br><small>Yes: wish to be dead; thoughts of killing themself; thinking "
        "about how; suicidal behaviour, ever; behaviour within the past 3 months</small></td>"
    ) in section
    assert "suicidal ideation" in section and "suicidal behaviour" in section
    assert "<td>—</td>" in section  # no total: the count of yes answers is not a score
    assert "<svg" not in section  # no chart for a yes/no screen
    assert "reliably" not in section and "no reliable change" not in section
    # the alert says what the screen found, and that it is urgent
    assert "reported suicidal behaviour in the C-SSRS screen" in page
    assert "High risk: act at once." in page


def test_the_german_page_keeps_the_screen_in_english_and_says_why(therapist, world):
    world.therapist_a.locale = "de"
    db.session.commit()
    page = text(therapist.get(f"/clients/{world.client_a.id}/measures/enter/cssrs"))
    assert "Dieser Fragebogen wird auf Englisch angezeigt" in page
    assert '<legend lang="en">2. Have you actually had any thoughts of killing yourself?' in page


# --- schedules and the overdue list for Today ----------------------------------------


def test_overdue_measures_lists_each_clients_overdue_questionnaires(world):
    make_session(world.client_a, starts_at=at(days_ago(20)))
    make_session(world.client_a, starts_at=at(days_ago(13)))
    make_session(world.client_a, starts_at=at(days_ago(6)))
    weekly = assign_measure(
        world.client_a, "phq9", kind="after_medicine", every_days=2, start=days_ago(30)
    )
    answer_measure(world.client_a, "phq9", 5, on=days_ago(17), assignment=weekly)
    once = assign_measure(world.client_a, "cssrs", start=days_ago(3))
    assign_measure(world.client_a, "gad7")  # due today: not overdue
    assign_measure(world.client_a, "who5", start=days_ago(9), active=False)  # stopped
    other = assign_measure(world.client_b, "gad7", kind="every_n_days", every_days=7)
    answer_measure(world.client_b, "gad7", 3, assignment=other)
    db.session.commit()

    practice = db.session.get(Practice, world.practice.id)
    overdue = measure_service.overdue_measures(
        [world.client_a.id, world.client_b.id], practice, today_utc()
    )
    assert list(overdue) == [world.client_a.id]
    rows = [(o.instrument, o.due, o.days_overdue, o.missed) for o in overdue[world.client_a.id]]
    # PHQ-9: due 18, 11 and 4 days ago; the first answered, the second replaced unanswered
    assert rows == [("phq9", days_ago(4), 4, 1), ("cssrs", days_ago(3), 3, 0)]
    assert overdue[world.client_a.id][1].assignment_id == once.id


def test_overdue_measures_ignores_clients_of_another_practice(world):
    assign_measure(world.client_a, "phq9", start=days_ago(5))
    db.session.commit()
    practice = db.session.get(Practice, world.practice.id)
    elsewhere = Practice(name="Elsewhere", timezone=practice.timezone)
    db.session.add(elsewhere)
    db.session.flush()
    assert measure_service.overdue_measures([world.client_a.id], elsewhere, today_utc()) == {}
    assert measure_service.overdue_measures([], practice, today_utc()) == {}


@pytest.mark.parametrize("clients", [3, 30])
def test_overdue_measures_takes_three_queries_for_any_number_of_clients(
    app, world, count_queries, clients
):
    ids = []
    for n in range(clients):
        client = make_client(world.therapist_a, preferred_name=f"C{n}")
        make_session(client, starts_at=at(days_ago(10)))
        assign_measure(client, "phq9", kind="after_medicine", every_days=2, start=days_ago(30))
        assign_measure(client, "gad7", kind="every_n_days", every_days=7, start=days_ago(30))
        ids.append(client.id)
    db.session.commit()
    practice = db.session.get(Practice, world.practice.id)
    with count_queries() as statements:
        overdue = measure_service.overdue_measures(ids, practice, today_utc())
    assert len(overdue) == clients
    assert all(len(rows) == 2 for rows in overdue.values())
    assert len(statements) == 3, "\n".join(statements)
