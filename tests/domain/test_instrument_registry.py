"""The instrument registry, the C-SSRS screen version and WHO-5's likely-depression flag."""

from __future__ import annotations

import importlib

import pytest

from tracker.domain.instruments import (
    ITEM_INSTRUMENTS,
    SCORES_ONLY,
    instrument_for,
    short_name,
)
from tracker.domain.instruments.scores_only import DES2, MEQ30, MEQ30_SUBSCALES
from tracker.domain.scoring import (
    CHART_BANDS,
    FLAG_LABELS,
    INSTRUMENT_SCORING,
    RELIABLE_CHANGE,
    TOTAL_RANGE,
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


def test_cssrs_is_offered_like_the_other_questionnaires():
    # issue 12: the C-SSRS is assigned and administered like the others (it was scored
    # before it was offered on any page)
    assert "cssrs" in ITEM_INSTRUMENTS
    assert ITEM_INSTRUMENTS["cssrs"].needs_introduction


# --- one module per instrument -------------------------------------------------------


@pytest.mark.parametrize("code", ["xyz", "", "PHQ9", None])
def test_every_lookup_refuses_an_unknown_code_with_value_error(code):
    with pytest.raises(ValueError):
        ITEM_INSTRUMENTS[code]
    with pytest.raises(ValueError):
        SCORES_ONLY[code]
    with pytest.raises(ValueError):
        short_name(code)
    with pytest.raises(ValueError):
        instrument_for(code)
    assert ITEM_INSTRUMENTS.get(code) is None
    assert code not in ITEM_INSTRUMENTS


def test_a_scores_only_code_is_not_an_item_instrument():
    with pytest.raises(ValueError, match="entered as scores"):
        instrument_for("meq30")
    assert short_name("meq30") == "MEQ-30"


@pytest.mark.parametrize("code", sorted(ITEM_INSTRUMENTS))
def test_each_instrument_module_carries_its_facts(code):
    instrument = ITEM_INSTRUMENTS[code]
    module = importlib.import_module(f"tracker.domain.instruments.{code}")
    assert instrument in vars(module).values()
    assert module.__doc__ and instrument.source and instrument.scoring_source
    low, high = instrument.total_range
    lowest = score(code, [instrument.min_answer] * instrument.item_count)
    highest = score(code, [instrument.max_answer] * instrument.item_count)
    assert (lowest.total, highest.total) == (low, high)
    assert (instrument.reliable_change is None) == bool(instrument.no_change_reason)
    for band_low, band_high, _label, _level in instrument.chart_bands:
        assert low <= band_low <= band_high <= high


def test_the_registry_views_are_derived_from_the_modules():
    assert {code: i.total_range for code, i in ITEM_INSTRUMENTS.items()} == TOTAL_RANGE
    assert set(CHART_BANDS) == {"phq9", "gad7", "pcl5", "who5", "ace"}
    assert INSTRUMENT_SCORING["cssrs"] is ITEM_INSTRUMENTS["cssrs"]


def test_every_scores_only_flag_has_a_label():
    for spec in SCORES_ONLY.values():
        assert spec.flag_labels.keys() <= FLAG_LABELS.keys()
    assert MEQ30.rate_flags(dict.fromkeys(MEQ30_SUBSCALES, 3.0)) == {"complete_mystical_experience"}
    assert MEQ30.rate_flags({**dict.fromkeys(MEQ30_SUBSCALES, 3.0), "mystical": 2.9}) == set()
    assert DES2.rate_flags({"total": 30}) == {"high_dissociation"}
    assert DES2.rate_flags({"total": 29.9}) == set()


# --- the C-SSRS follow-up rule, as the forms read it ---------------------------------

CSSRS_INSTRUMENT = ITEM_INSTRUMENTS["cssrs"]


@pytest.mark.parametrize(
    ("answers", "contradictions"),
    [
        ([0, 0, None, None, None, 0, None], []),  # follow-ups not asked
        ([0, 1, 1, 1, 1, 1, 1], []),
        ([0, 0, 1, 0, 0, 0, 0], [(3, 2)]),
        ([1, None, 0, 1, 1, 0, 0], [(4, 2), (5, 2)]),
        ([0, 1, 0, 0, 0, 0, 1], [(7, 6)]),
        ([0, 0, 0, 0, 0, None, 1], [(7, 6)]),
    ],
)
def test_cssrs_contradictions_name_the_follow_up_and_its_lead(answers, contradictions):
    assert CSSRS_INSTRUMENT.contradictions(answers) == contradictions


def test_cssrs_follow_ups_and_their_leads():
    assert dict(CSSRS_INSTRUMENT.asked_after_yes_to) == {3: 2, 4: 2, 5: 2, 7: 6}
    assert not CSSRS_INSTRUMENT.scale_total
    assert CSSRS_INSTRUMENT.has_version_in("en") and not CSSRS_INSTRUMENT.has_version_in("de")
