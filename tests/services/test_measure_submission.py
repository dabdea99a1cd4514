"""The one questionnaire submission both audiences use (services.measures.submit): the
choice of instrument checked before anything is looked up, answers and scores refused
beside their fields, the therapist's entry closing the questionnaire due today, and the
audit events written as the submitter's; an acknowledgement audited by its service."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import answers_totalling, assign_measure, today_utc
from tracker.domain.messages import Problem
from tracker.extensions import db
from tracker.models import AuditEvent, MeasureResponse, SafetyAlert
from tracker.services import NotFound, Rejected
from tracker.services import alerts as alert_service
from tracker.services import measures as service

IP = "203.0.113.7"
UNANSWERED = Problem("Please choose an answer for this question.")


def submit(world, *, by_client=False, **fields):
    """Submitted by Cora in the portal, or by Tara, her therapist."""
    actor = world.client_user_a if by_client else world.therapist_a
    return service.submit(world.client_a, actor, ip_address=IP, **fields)


def refused(world, **fields) -> dict[str, Problem]:
    with pytest.raises(Rejected) as caught:
        submit(world, **fields)
    assert db.session.scalars(sa.select(MeasureResponse)).all() == []
    return caught.value.problems


def actions() -> list[tuple[str, int | None, str | None, str]]:
    return [
        (e.action, e.actor_id, e.ip_address, e.detail)
        for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"instrument": "bdi2", "answers": [0] * 21},
        {"instrument": "", "answers": []},
        {"instrument": "phq9", "scores": {"total": 3.0}},  # an item instrument as scores
        {"instrument": "suds", "answers": [3]},  # a scores-only instrument as answers
        {"instrument": "suds", "scores": {"total": 3.0}, "by_client": True},  # not in the portal
    ],
)
def test_the_choice_of_instrument_is_checked_before_anything_is_looked_up(
    world, count_queries, fields
):
    assert world.client_a.id and world.therapist_a.id and world.client_user_a.id  # loaded
    with count_queries() as statements, pytest.raises(NotFound):
        submit(world, **fields)
    assert statements == []
    assert db.session.scalars(sa.select(MeasureResponse)).all() == []


def test_answers_missing_or_off_the_scale_are_refused_beside_their_items(world):
    answers = [1, 4, 1, -1, 1, 1, 1, 1]  # a PHQ-9 short of item 9
    problems = refused(world, instrument="phq9", answers=answers, extra_answer=7)
    assert problems == {
        "item_2": UNANSWERED,
        "item_4": UNANSWERED,
        "item_9": UNANSWERED,
        "extra": UNANSWERED,
    }


def test_a_follow_up_after_a_no_is_refused_beside_it(world):
    # C-SSRS: question 3 is asked only after a yes to question 2.
    problems = refused(world, instrument="cssrs", answers=[1, 0, 1, 0, 0, 0, 0])
    assert list(problems) == ["item_3"]
    assert problems["item_3"].params == {"lead": 2}
    assert problems["item_3"].message.startswith("This question follows a yes to question")


def test_scores_outside_their_range_are_refused_beside_the_field(world):
    problems = refused(
        world,
        instrument="meq30",
        scores={"mystical": 3.0, "positive_mood": 5.5, "transcendence": 3.0},
    )
    limits = {"min": 0, "max": 5}
    assert problems == {
        "positive_mood": Problem("Between %(min)s and %(max)s.", limits),
        "ineffability": Problem("Between %(min)s and %(max)s.", limits),
    }


def test_the_problems_are_keyed_by_the_answer_forms_fields(app, world):
    from tracker.forms.measures import answer_form_class

    problems = refused(world, instrument="phq9", answers=[1, 1, 1], extra_answer=9)
    assert list(problems) == [*(f"item_{n}" for n in range(4, 10)), "extra"]
    with app.test_request_context():
        form = answer_form_class("phq9")(formdata=None)
        assert all(name in form for name in problems)  # so each is shown beside its field


def test_the_therapists_entry_closes_the_questionnaire_due_today_and_is_audited(world):
    due = assign_measure(world.client_a, "phq9")
    other = assign_measure(world.client_a, "gad7")
    db.session.commit()
    submitted = submit(
        world,
        instrument="phq9",
        answers=answers_totalling("phq9", 6, item9=1),
        extra_answer=1,
    )
    db.session.commit()
    response, alert = submitted.response, submitted.alert
    assert (response.assignment_id, response.by_client, response.entered_by_id) == (
        due.id,
        False,
        world.therapist_a.id,
    )
    assert response.completed_on == today_utc()
    assert [a.id for a in service.due_assignments(world.client_a, world.practice, today_utc())] == [
        other.id
    ]
    assert alert is not None and db.session.get(SafetyAlert, alert.id).response_id == response.id
    mine = [row for row in actions() if row[1] == world.therapist_a.id]
    assert mine == [
        ("measure.response", world.therapist_a.id, IP, "instrument=phq9"),
        ("safety_alert.create", world.therapist_a.id, IP, ""),
    ]
    # The delivery's own audit (who was told) comes first, as it is written on raising.
    assert actions()[0][0] == "safety_alert.notify"


def test_the_clients_answers_are_stored_against_their_assignment(world):
    assignment = assign_measure(world.client_a, "gad7")
    db.session.commit()
    submitted = submit(
        world, by_client=True, instrument="gad7", answers=[1] * 7, assignment=assignment
    )
    db.session.commit()
    assert (submitted.response.assignment_id, submitted.response.by_client) == (
        assignment.id,
        True,
    )
    assert submitted.alert is None
    assert actions() == [("measure.response", world.client_user_a.id, IP, "instrument=gad7")]


def test_scores_are_stored_with_their_flags_and_audited(world):
    submitted = submit(world, instrument="des2", scores={"total": 31.5})
    db.session.commit()
    stored = db.session.get(MeasureResponse, submitted.response.id)
    assert (float(stored.total), stored.flags, stored.assignment_id) == (
        31.5,
        "high_dissociation",
        None,
    )
    assert submitted.alert is None
    assert actions() == [("measure.response", world.therapist_a.id, IP, "instrument=des2")]


def test_an_acknowledgement_is_audited_as_the_actors_with_what_it_stopped(world):
    alert = submit(world, instrument="phq9", answers=answers_totalling("phq9", 3, item9=1)).alert
    db.session.commit()
    before = len(actions())
    stopped = alert_service.acknowledge(alert, world.therapist_a, "  Called.  ", ip_address=IP)
    db.session.commit()
    assert stopped == "before_due"
    assert actions()[before:] == [
        ("safety_alert.acknowledge", world.therapist_a.id, IP, ""),
        ("safety_alert.escalation_cancel", world.therapist_a.id, IP, "before_due"),
    ]
    assert db.session.get(SafetyAlert, alert.id).acknowledgement_note == "Called."


def test_the_therapist_gives_the_day_and_the_clients_answers_are_todays(world):
    given = today_utc() - timedelta(days=3)
    dated = submit(world, instrument="who5", answers=[3] * 5, completed_on=given)
    undated = submit(world, instrument="who5", answers=[3] * 5)
    by_client = submit(
        world, by_client=True, instrument="who5", answers=[3] * 5, completed_on=given
    )
    responses = [submitted.response for submitted in (dated, undated, by_client)]
    assert [r.completed_on for r in responses] == [given, today_utc(), today_utc()]
    assert [r.by_client for r in responses] == [False, False, True]
