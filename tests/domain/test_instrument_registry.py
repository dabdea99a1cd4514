"""The instrument registry, the C-SSRS screen version and WHO-5's likely-depression flag."""

from __future__ import annotations

import pytest

from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.scoring import (
    FLAG_LABELS,
    INSTRUMENT_SCORING,
    RELIABLE_CHANGE,
    classify_change,
    score,
)

# --- the registry --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["phq8", "", "PHQ9", "CSSRS", "cadss", "meq30", "unknown"])
def test_score_refuses_a_code_not_in_the_registry(code):
    with pytest.raises(ValueError):
        score(code, [0] * 10)


@pytest.mark.parametrize("code", ["phq8", "", "PHQ9", "cadss", "suds", "unknown"])
def test_classify_change_refuses_a_code_not_in_the_registry(code):
    with pytest.raises(ValueError):
        classify_change(code, 10, 0)


def test_an_unknown_code_is_not_scored_as_ace():
    with pytest.raises(ValueError, match="unknown instrument"):
        score("xyz", [0] * 10)


def test_every_item_instrument_is_registered_with_its_item_count_and_answers():
    for code, instrument in ITEM_INSTRUMENTS.items():
        entry = INSTRUMENT_SCORING[code]
        assert entry.item_count == len(instrument.items)
        assert entry.answer_values == {option.value for option in instrument.options}


def test_reliable_change_rules_are_unchanged():
    assert {code: rule.threshold for code, rule in RELIABLE_CHANGE.items()} == {
        "phq9": 6,
        "gad7": 4,
        "pcl5": 10,
        "who5": 10,
    }


def test_every_flag_an_instrument_raises_has_a_label():
    for entry in INSTRUMENT_SCORING.values():
        assert entry.flags <= FLAG_LABELS.keys(), entry.code


# --- WHO-5 likely depression ---------------------------------------------------------


def who5(raw: int) -> list[int]:
    answers = [0] * 5
    for index in range(5):
        answers[index] = min(5, raw)
        raw -= answers[index]
    return answers


@pytest.mark.parametrize(
    ("raw", "percent", "flags"),
    [
        (0, 0, {"poor_wellbeing", "likely_depression"}),
        (7, 28, {"poor_wellbeing", "likely_depression"}),
        (8, 32, {"poor_wellbeing"}),
        (12, 48, {"poor_wellbeing"}),
        (13, 52, set()),
        (25, 100, set()),
    ],
)
def test_who5_flags_at_28_and_52(raw, percent, flags):
    result = score("who5", who5(raw))
    assert (result.total, result.severity, result.flags) == (percent, None, flags)


def test_who5_reliable_change_is_unchanged():
    assert classify_change("who5", 28, 38) == "improved"
    assert classify_change("who5", 28, 37) == "unchanged"
    assert classify_change("who5", 38, 28) == "deteriorated"


# --- C-SSRS screen version -----------------------------------------------------------


def cssrs(*yes: int, recent: bool = False) -> list[int]:
    """C-SSRS answers with the given items (1-6, 6 = ever) yes; ``recent``: item 6 past 3 months."""
    answers = [1 if number in yes else 0 for number in range(1, 7)]
    return [*answers, 1 if recent else 0]


@pytest.mark.parametrize(
    ("answers", "severity", "flags"),
    [
        (cssrs(), "none", set()),
        (cssrs(1), "low", {"suicidal_ideation"}),
        (cssrs(2), "low", {"suicidal_ideation"}),
        (cssrs(1, 2), "low", {"suicidal_ideation"}),
        (cssrs(2, 3), "moderate", {"suicidal_ideation"}),
        (cssrs(6), "moderate", {"suicidal_behavior"}),
        (cssrs(1, 6), "moderate", {"suicidal_ideation", "suicidal_behavior"}),
        (cssrs(2, 4), "high", {"suicidal_ideation"}),
        (cssrs(2, 5), "high", {"suicidal_ideation"}),
        (cssrs(2, 3, 4, 5), "high", {"suicidal_ideation"}),
        (cssrs(6, recent=True), "high", {"suicidal_behavior"}),
        (cssrs(1, 2, 3, 4, 5, 6, recent=True), "high", {"suicidal_ideation", "suicidal_behavior"}),
    ],
)
def test_cssrs_severity_and_flags(answers, severity, flags):
    result = score("cssrs", answers)
    assert result.severity == severity
    assert result.flags == flags
    assert result.total == sum(answers)


@pytest.mark.parametrize(
    ("answers", "total"),
    [(cssrs(), 0), (cssrs(1), 1), (cssrs(2, 3), 2), (cssrs(1, 2, 3, 4, 5, 6, recent=True), 7)],
)
def test_cssrs_total_counts_the_yes_answers(answers, total):
    assert score("cssrs", answers).total == total


@pytest.mark.parametrize("count", [0, 6, 8])
def test_cssrs_wants_exactly_seven_answers(count):
    with pytest.raises(ValueError):
        score("cssrs", [0] * count)


@pytest.mark.parametrize("bad", [2, -1, True, 1.0, None])
@pytest.mark.parametrize("position", range(7))
def test_cssrs_answers_are_0_or_1(position, bad):
    answers: list = [0] * 7
    answers[position] = bad
    with pytest.raises(ValueError):
        score("cssrs", answers)


@pytest.mark.parametrize("item", [3, 4, 5])
def test_cssrs_items_3_to_5_need_a_yes_to_item_2(item):
    with pytest.raises(ValueError, match=rf"\bitem {item}\b"):
        score("cssrs", cssrs(item))
    with pytest.raises(ValueError):
        score("cssrs", cssrs(1, item))
    assert score("cssrs", cssrs(2, item)).severity in ("moderate", "high")


def test_cssrs_past_3_months_needs_ever():
    with pytest.raises(ValueError, match="past 3 months"):
        score("cssrs", cssrs(recent=True))
    with pytest.raises(ValueError):
        score("cssrs", cssrs(1, 2, recent=True))


@pytest.mark.parametrize(("before", "after"), [(0, 0), (1, 3), (5, 0)])
def test_cssrs_has_no_reliable_change(before, after):
    with pytest.raises(ValueError):
        classify_change("cssrs", before, after)
    assert "cssrs" not in RELIABLE_CHANGE


def test_cssrs_is_not_offered_on_any_page():
    assert "cssrs" not in ITEM_INSTRUMENTS
