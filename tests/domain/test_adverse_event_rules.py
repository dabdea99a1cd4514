"""Adverse events: the vocabularies and the onset rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain import adverse_events as rules

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
SESSION_START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_types_are_those_the_issue_names():
    assert list(rules.TYPE_LABELS) == [
        "nausea_vomiting",
        "hypertension",
        "tachycardia",
        "low_oxygen",
        "agitation_dissociation",
        "headache",
        "dizziness_fall",
        "urinary",
        "suicidal_thoughts",
        "other",
    ]


def test_severity_follows_the_ctcae_grades_in_order():
    assert list(rules.SEVERITY_LABELS) == ["mild", "moderate", "severe", "life_threatening"]
    assert {"severe", "life_threatening"} == rules.SERIOUS
    assert rules.is_serious("severe") and not rules.is_serious("moderate")


def test_outcomes():
    assert list(rules.OUTCOME_LABELS) == [
        "resolved",
        "resolving",
        "ongoing",
        "resolved_with_sequelae",
        "emergency_transfer",
        "unknown",
    ]
    assert rules.OUTCOME_LABELS["resolved_with_sequelae"] == "Resolved with lasting effects"


@pytest.mark.parametrize("labels", [rules.TYPE_LABELS, rules.SEVERITY_LABELS, rules.OUTCOME_LABELS])
def test_every_label_is_distinct_and_written(labels):
    assert all(label.strip() for label in labels.values())
    assert len(set(labels.values())) == len(labels)


@pytest.mark.parametrize(
    ("onset", "session_start", "expected"),
    [
        (NOW, None, None),  # just now
        (NOW - timedelta(days=3), None, None),  # reported days later, no session
        (NOW + timedelta(minutes=1), None, rules.ONSET_IN_FUTURE),
        (SESSION_START, SESSION_START, None),  # at the start of the session
        (SESSION_START + timedelta(hours=2), SESSION_START, None),
        (SESSION_START - timedelta(minutes=1), SESSION_START, rules.ONSET_BEFORE_SESSION),
        (NOW + timedelta(hours=1), SESSION_START, rules.ONSET_IN_FUTURE),
    ],
)
def test_onset_is_neither_in_the_future_nor_before_the_session(onset, session_start, expected):
    problem = rules.onset_problem(onset, NOW, session_start)
    assert (problem.message if problem else None) == expected


def test_the_session_start_is_given_in_the_practice_zone():
    problem = rules.onset_problem(
        SESSION_START - timedelta(hours=1), NOW, SESSION_START, "Europe/Berlin"
    )
    assert problem.params == {"start": "2026-11-20 10:00"}  # 09:00 UTC is 10:00 in Berlin


def test_vocabulary_problems_name_each_unknown_choice():
    assert rules.vocabulary_problems("headache", "mild", "resolved") == {}
    problems = rules.vocabulary_problems("hangover", "grade 5", "")
    assert set(problems) == {"event_type", "severity", "outcome"}
