"""Medical-screening and consent rules of ``tracker.domain.clients``."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.clients import (
    CONTRAINDICATIONS,
    ScreeningDecision,
    clearance_problem,
    flagged_contraindications,
    revocation_problem,
)


def test_nothing_checked_flags_nothing():
    assert flagged_contraindications({}) == []
    assert flagged_contraindications(dict.fromkeys(CONTRAINDICATIONS, False)) == []


def test_flags_come_in_checklist_order_whatever_the_answer_order():
    answers = {
        "raised_intracranial_pressure": True,
        "pregnancy": True,
        "uncontrolled_hypertension": True,
        "bipolar_disorder": False,
    }
    assert flagged_contraindications(answers) == [
        "uncontrolled_hypertension",
        "pregnancy",
        "raised_intracranial_pressure",
    ]


def test_every_item_can_be_flagged_and_other_answers_are_ignored():
    answers = {
        **dict.fromkeys(CONTRAINDICATIONS, True),
        "notes": "free text",
        "weight_kg": 70,
        "decision": "cleared",
    }
    assert flagged_contraindications(answers) == list(CONTRAINDICATIONS)


NEEDS_NOTES = (
    "A flagged item is checked: explain in the notes why the client is cleared despite it."
)


@pytest.mark.parametrize("notes", [None, "", "   \n\t "], ids=["none", "empty", "blank"])
def test_clearing_despite_a_flag_needs_notes(notes):
    problem = clearance_problem(["psychosis_history"], ScreeningDecision.CLEARED, notes)
    assert problem is not None
    assert problem.message == NEEDS_NOTES


@pytest.mark.parametrize(
    ("flagged", "decision", "notes"),
    [
        (["psychosis_history"], "cleared", "Reviewed with psychiatrist; remote episode."),
        ([], "cleared", None),
        (["pregnancy"], "not_cleared", None),
        (["pregnancy"], "pending", ""),
        ([], "pending", None),
    ],
    ids=[
        "cleared with notes",
        "cleared, nothing flagged",
        "not cleared",
        "pending",
        "pending, nothing flagged",
    ],
)
def test_no_problem(flagged, decision, notes):
    assert clearance_problem(flagged, decision, notes) is None


def test_clearance_accepts_any_iterable_of_flags():
    flags = (key for key in ["bipolar_disorder"])
    assert clearance_problem(flags, "cleared", None) is not None


@pytest.mark.parametrize(
    ("given", "revoked", "refused"),
    [
        (date(2026, 3, 10), date(2026, 3, 9), True),
        (date(2026, 3, 10), date(2025, 12, 31), True),
        (date(2026, 3, 10), date(2026, 3, 10), False),
        (date(2026, 3, 10), date(2026, 3, 11), False),
    ],
    ids=["day before", "year before", "same day", "day after"],
)
def test_revocation_date(given, revoked, refused):
    problem = revocation_problem(given, revoked)
    if refused:
        assert problem is not None
        assert problem.message == "A consent cannot be revoked before the date it was given."
    else:
        assert problem is None
