"""Gathering a report's data: a fixed number of SQL statements however long the course
(a reprint served from the cache still gathers, so this is its cost), and the note read
only where a session has no summary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from tests import factories
from tests.session_factories import at, make_administration, make_session, make_vital
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.services import reports as report_service

PERIOD = rules.Period(date(2026, 1, 1), date(2026, 12, 31))


def a_course(world: factories.World, sessions: int) -> None:
    """``sessions`` sessions with doses and vitals, goals rated monthly, daily homework
    done, and questionnaires: everything the clinical report lists."""
    client = world.client_a
    for number in range(sessions):
        session = make_session(
            client,
            starts_at=at(date(2026, 1, 5) + timedelta(days=3 * number)),
            phase="medicine" if number % 4 == 0 else "integration",
            summary=f"Summary {number}.",
        )
        if session.phase == "medicine":
            make_administration(session)
            make_vital(session, systolic=150, diastolic=95)
    for number in range(sessions // 5 + 1):
        goal = factories.make_goal(client, title=f"Goal {number}", started_on=date(2026, 1, 1))
        for month in range(1, 4):
            factories.rate(goal, world.therapist_a, month + 2, on=date(2026, month, 10))
    practice = factories.make_assignment(
        client, start_date=date(2026, 1, 1), title="Breathe each morning"
    )
    for day in range(0, sessions, 2):
        factories.complete(practice, date(2026, 1, 1) + timedelta(days=day))
    from tracker.services import measures as measure_service

    for step in range(sessions // 5 + 1):
        measure_service.submit_answers(
            client,
            world.therapist_a,
            instrument="gad7",
            answers=[2, 2, 2, 2, 1, 1, 1],
            extra_answer=None,
            completed_on=date(2026, 1, 2) + timedelta(days=10 * step),
            by_client=True,
        )
    db.session.commit()


def statements_to_gather(world, count_queries, kind: str) -> int:
    request = report_service.ReportRequest(kind=kind, period=PERIOD)
    db.session.expire_all()
    with count_queries() as statements, force_locale("en"):
        report_service.gather(world.client_a, request, world.therapist_a, date(2026, 12, 31))
    return len(statements)


@pytest.mark.parametrize("kind", [rules.CLINICAL, rules.CLIENT])
def test_gathering_takes_a_fixed_number_of_statements(app, world, count_queries, kind):
    a_course(world, 5)
    few = statements_to_gather(world, count_queries, kind)
    a_course(world, 40)

    many = statements_to_gather(world, count_queries, kind)

    assert many == few


def test_the_log_falls_back_to_the_note_only_without_a_summary(app, world, count_queries):
    for number in range(6):
        make_session(
            world.client_a,
            starts_at=at(date(2026, 2, 1) + timedelta(days=number)),
            phase="integration",
            summary=None if number % 2 else f"Written summary {number}.",
            note={"assessment": f"Assessment from the note {number}."},
        )
    db.session.commit()
    request = report_service.ReportRequest(kind=rules.CLINICAL, period=PERIOD)
    db.session.expire_all()

    with count_queries() as statements, force_locale("en"):
        data = report_service.gather(world.client_a, request, world.therapist_a, date(2026, 12, 31))

    assert [line.summary for line in data.session_log] == [
        "Written summary 0.",
        "Assessment from the note 1.",
        "Written summary 2.",
        "Assessment from the note 3.",
        "Written summary 4.",
        "Assessment from the note 5.",
    ]
    notes_read = [s for s in statements if "therapy_session.note_body" in s]
    assert len(notes_read) == 1  # one statement for the three notes, none per session


def test_goals_with_outcome_targets_take_no_statement_each(app, world, count_queries):
    """A goal's outcome target is judged on the client's first and latest totals: one
    statement for all the goals, however many have a target."""
    a_course(world, 5)
    for number in range(2):
        factories.make_goal(
            world.client_a,
            title=f"Target {number}",
            measure_code="gad7",
            measure_comparison="at_most",
            measure_value=5,
        )
    db.session.commit()
    few = statements_to_gather(world, count_queries, rules.CLINICAL)
    for number in range(8):
        factories.make_goal(
            world.client_a,
            title=f"More {number}",
            measure_code="gad7" if number % 2 else "phq9",
            measure_comparison="drop_by",
            measure_value=3,
        )
    db.session.commit()

    many = statements_to_gather(world, count_queries, rules.CLINICAL)
    request = report_service.ReportRequest(kind=rules.CLINICAL, period=PERIOD)
    with force_locale("en"):
        data = report_service.gather(world.client_a, request, world.therapist_a, date(2026, 12, 31))

    assert many == few
    outcomes = {goal.title: goal.outcome for goal in data.goals if goal.outcome}
    # Every GAD-7 of the course totals 11 (a_course), above the target of at most 5.
    code, comparison, value, progress = outcomes["Target 0"]
    assert (code, comparison, value) == ("gad7", "at_most", 5)
    assert (progress.latest, progress.met) == (11.0, False)
    code, comparison, value, progress = outcomes["More 0"]  # no PHQ-9 answered
    assert (code, progress.latest) == ("phq9", None)
