"""The scoring contract of issue 5, pinned exactly: totals, severity bands, flags,
reliable change, outcome targets, MEQ-30 completeness and the schedule of measures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.scoring import (
    AFTER_MEDICINE,
    EVERY_N_DAYS,
    ONCE,
    MeasureSchedule,
    classify_change,
    current_due_date,
    is_due,
    meq30_complete,
    score,
    target_progress,
)

ITEMS = {"phq9": 9, "gad7": 7, "pcl5": 20, "who5": 5, "ace": 10}
TOP = {"phq9": 3, "gad7": 3, "pcl5": 4, "who5": 5, "ace": 1}


def answers_summing_to(code: str, total: int, *, keep_last_at_zero: bool = False) -> list[int]:
    """Item answers adding up to ``total``, filled from the first item."""
    count = ITEMS[code] - (1 if keep_last_at_zero else 0)
    answers = [0] * ITEMS[code]
    remaining = total
    for index in range(count):
        answers[index] = min(TOP[code], remaining)
        remaining -= answers[index]
    assert remaining == 0, f"{code} cannot reach {total}"
    return answers


# --- totals and severity bands -------------------------------------------------------

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately severe"),
    (19, "moderately severe"),
    (20, "severe"),
    (27, "severe"),
]

GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "severity"), PHQ9_BANDS)
def test_phq9_total_and_severity_at_every_band_boundary(total, severity):
    # item 9 stays at 0 up to 24 so that the flag does not interfere
    result = score("phq9", answers_summing_to("phq9", total, keep_last_at_zero=total <= 24))
    assert result.total == total
    assert result.severity == severity


@pytest.mark.parametrize(("total", "severity"), GAD7_BANDS)
def test_gad7_total_and_severity_at_every_band_boundary(total, severity):
    result = score("gad7", answers_summing_to("gad7", total))
    assert (result.total, result.severity, result.flags) == (total, severity, set())


@pytest.mark.parametrize("total", [0, 1, 32, 33, 79, 80])
def test_pcl5_total_has_no_severity_label(total):
    result = score("pcl5", answers_summing_to("pcl5", total))
    assert result.total == total
    assert result.severity is None


@pytest.mark.parametrize(
    ("raw", "percent"), [(0, 0), (1, 4), (12, 48), (13, 52), (24, 96), (25, 100)]
)
def test_who5_total_is_the_percentage(raw, percent):
    result = score("who5", answers_summing_to("who5", raw))
    assert result.total == percent
    assert result.severity is None


@pytest.mark.parametrize("total", range(11))
def test_ace_total_counts_the_yes_answers(total):
    result = score("ace", answers_summing_to("ace", total))
    assert result.total == total
    assert result.severity is None


# --- flags at their boundaries -------------------------------------------------------


@pytest.mark.parametrize(
    ("item9", "flags"),
    [
        (0, set()),
        (1, {"suicidal_ideation"}),
        (2, {"suicidal_ideation"}),
        (3, {"suicidal_ideation"}),
    ],
)
def test_phq9_item_9_raises_the_suicidal_ideation_flag(item9, flags):
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert result.flags == flags
    assert result.total == item9
    assert result.severity == "minimal"


def test_phq9_a_high_total_without_item_9_has_no_flag():
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (result.total, result.severity, result.flags) == (24, "severe", set())


@pytest.mark.parametrize(("total", "flagged"), [(0, False), (32, False), (33, True), (80, True)])
def test_pcl5_probable_ptsd_from_33(total, flagged):
    result = score("pcl5", answers_summing_to("pcl5", total))
    assert ("probable_ptsd" in result.flags) is flagged


@pytest.mark.parametrize(("raw", "flagged"), [(0, True), (12, True), (13, False), (25, False)])
def test_who5_poor_wellbeing_below_52_percent(raw, flagged):
    result = score("who5", answers_summing_to("who5", raw))
    # poor_wellbeing only: likely_depression is pinned in test_instrument_registry
    assert ("poor_wellbeing" in result.flags) is flagged


@pytest.mark.parametrize(("total", "flagged"), [(0, False), (3, False), (4, True), (10, True)])
def test_ace_high_exposure_from_4(total, flagged):
    result = score("ace", answers_summing_to("ace", total))
    assert result.flags == ({"high_ace"} if flagged else set())


# --- PCL-5 DSM-5 pattern -------------------------------------------------------------

# The smallest pattern: one of B (1-5), one of C (6-7), two of D (8-14), two of E (15-20).
PATTERN = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}


def pcl5(ratings: dict[int, int]) -> list[int]:
    """PCL-5 answers with the given item numbers (1-based) rated, the rest 0."""
    return [ratings.get(number, 0) for number in range(1, 21)]


def test_the_smallest_dsm5_pattern_is_flagged():
    result = score("pcl5", pcl5(PATTERN))
    assert result.flags == {"dsm5_pattern"}  # total 12: no probable PTSD
    assert result.total == 12


@pytest.mark.parametrize(
    "ratings",
    [
        {5: 4, 7: 3, 13: 2, 14: 2, 19: 2, 20: 2},  # the last item of each cluster
        dict.fromkeys(range(1, 21), 2),
    ],
    ids=["last-items", "all"],
)
def test_other_dsm5_patterns_are_flagged(ratings):
    assert "dsm5_pattern" in score("pcl5", pcl5(ratings)).flags


@pytest.mark.parametrize(
    "missing",
    [
        {1: 0},  # B: none of items 1-5
        {6: 0},  # C: none of items 6-7
        {9: 0},  # D: only one of items 8-14
        {16: 0},  # E: only one of items 15-20
    ],
    ids=["B", "C", "D", "E"],
)
def test_each_cluster_one_short_is_no_pattern(missing):
    result = score("pcl5", pcl5({**PATTERN, **missing}))
    assert "dsm5_pattern" not in result.flags


@pytest.mark.parametrize("item", sorted(PATTERN))
def test_a_rating_of_1_does_not_count_towards_the_pattern(item):
    assert "dsm5_pattern" not in score("pcl5", pcl5({**PATTERN, item: 1})).flags


def test_items_in_the_wrong_cluster_do_not_make_a_pattern():
    # D and E are over-endorsed but C (items 6-7) is empty
    ratings = {1: 4, **dict.fromkeys(range(8, 21), 4)}
    result = score("pcl5", pcl5(ratings))
    assert result.total == 56
    assert result.flags == {"probable_ptsd"}


# --- bad answers ---------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ITEMS))
def test_a_missing_answer_names_the_item(code):
    answers = [0] * (ITEMS[code] - 1)
    with pytest.raises(ValueError, match=rf"\bitem {ITEMS[code]}\b"):
        score(code, answers)


@pytest.mark.parametrize("code", sorted(ITEMS))
def test_no_answers_at_all_names_item_1(code):
    with pytest.raises(ValueError, match=r"\bitem 1\b"):
        score(code, [])


@pytest.mark.parametrize("code", sorted(ITEMS))
def test_an_extra_answer_names_the_item(code):
    answers = [0] * (ITEMS[code] + 1)
    with pytest.raises(ValueError, match=rf"\bitem {ITEMS[code] + 1}\b"):
        score(code, answers)


@pytest.mark.parametrize(
    ("code", "item", "bad"),
    [
        ("phq9", 9, 4),
        ("phq9", 1, -1),
        ("gad7", 7, 4),
        ("pcl5", 20, 5),
        ("pcl5", 3, -1),
        ("who5", 5, 6),
        ("who5", 2, -1),
        ("ace", 10, 2),
        ("ace", 4, -1),
    ],
)
def test_an_out_of_range_answer_names_the_item(code, item, bad):
    answers = [0] * ITEMS[code]
    answers[item - 1] = bad
    with pytest.raises(ValueError, match=rf"\bitem {item}\b"):
        score(code, answers)


@pytest.mark.parametrize("bad", ["1", 1.0, None, True, False], ids=repr)
def test_a_non_integer_or_boolean_answer_names_the_item(bad):
    answers: list = [0] * 9
    answers[3] = bad
    with pytest.raises(ValueError, match=r"\bitem 4\b"):
        score("phq9", answers)


@pytest.mark.parametrize("code", ["phq8", "", "PHQ9", "cadss", "suds"])
def test_an_unknown_code_is_refused(code):
    with pytest.raises(ValueError):
        score(code, [0] * 9)


def test_answers_may_be_any_sequence():
    assert score("gad7", (1, 1, 1, 1, 1, 0, 0)).total == 5


# --- reliable change -----------------------------------------------------------------

# (code, threshold, lower_is_better, a starting total that leaves room both ways)
CHANGE_RULES = [
    ("phq9", 6, True, 12),
    ("gad7", 4, True, 10),
    ("pcl5", 10, True, 40),
    ("who5", 10, False, 48),
]


@pytest.mark.parametrize(("code", "threshold", "lower_is_better", "start"), CHANGE_RULES)
def test_classify_change_at_the_threshold(code, threshold, lower_is_better, start):
    better = -1 if lower_is_better else 1
    assert classify_change(code, start, start) == "unchanged"
    assert classify_change(code, start, start + better * (threshold - 1)) == "unchanged"
    assert classify_change(code, start, start + better * threshold) == "improved"
    assert classify_change(code, start, start + better * (threshold + 1)) == "improved"
    assert classify_change(code, start, start - better * (threshold - 1)) == "unchanged"
    assert classify_change(code, start, start - better * threshold) == "deteriorated"
    assert classify_change(code, start, start - better * (threshold + 1)) == "deteriorated"


@pytest.mark.parametrize(
    ("code", "before", "after", "label"),
    [
        ("phq9", 17, 7, "improved"),
        ("phq9", 12, 13, "unchanged"),
        ("gad7", 0, 21, "deteriorated"),
        ("pcl5", 48, 31, "improved"),
        ("who5", 28, 52, "improved"),
        ("who5", 52, 28, "deteriorated"),
        ("who5", 40, 48, "unchanged"),
    ],
)
def test_classify_change_examples(code, before, after, label):
    assert classify_change(code, before, after) == label


@pytest.mark.parametrize(("before", "after"), [(0, 0), (2, 6), (6, 2)])
def test_classify_change_refuses_ace(before, after):
    with pytest.raises(ValueError):
        classify_change("ace", before, after)


@pytest.mark.parametrize("code", ["phq8", "cadss"])
def test_classify_change_refuses_codes_without_a_threshold(code):
    with pytest.raises(ValueError):
        classify_change(code, 10, 0)


# --- outcome targets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "value", "baseline", "latest", "met", "remaining"),
    [
        # PCL-5 at most 33
        ("at_most", 33, 48, 40, False, 7),
        ("at_most", 33, 48, 34, False, 1),
        ("at_most", 33, 48, 33, True, 0),
        ("at_most", 33, 48, 20, True, 0),
        # WHO-5 at least 52
        ("at_least", 52, 28, 40, False, 12),
        ("at_least", 52, 28, 48, False, 4),
        ("at_least", 52, 28, 52, True, 0),
        ("at_least", 52, 28, 76, True, 0),
        # PHQ-9 drop by 6
        ("drop_by", 6, 17, 17, False, 6),
        ("drop_by", 6, 17, 12, False, 1),
        ("drop_by", 6, 17, 11, True, 0),
        ("drop_by", 6, 17, 3, True, 0),
        ("drop_by", 6, 17, 20, False, 9),  # worse than baseline
        # WHO-5 rise by 10
        ("rise_by", 10, 40, 44, False, 6),
        ("rise_by", 10, 40, 49, False, 1),
        ("rise_by", 10, 40, 50, True, 0),
        ("rise_by", 10, 40, 36, False, 14),
    ],
)
def test_target_progress(comparison, value, baseline, latest, met, remaining):
    progress = target_progress(comparison, value, baseline, latest)
    assert progress.met is met
    assert progress.remaining == remaining
    assert (progress.baseline, progress.latest) == (baseline, latest)


@pytest.mark.parametrize("comparison", ["at_most", "at_least", "drop_by", "rise_by"])
def test_target_progress_without_a_response(comparison):
    progress = target_progress(comparison, 10, None, None)
    assert (progress.met, progress.latest, progress.remaining) == (False, None, None)


@pytest.mark.parametrize("comparison", ["drop_by", "rise_by"])
def test_a_change_target_without_a_baseline_is_not_met(comparison):
    progress = target_progress(comparison, 6, None, 3)
    assert (progress.met, progress.remaining) == (False, None)


def test_target_progress_refuses_an_unknown_comparison():
    with pytest.raises(ValueError):
        target_progress("about", 10, 20, 15)


# --- MEQ-30 --------------------------------------------------------------------------

COMPLETE = {"mystical": 3.0, "positive_mood": 3.0, "transcendence": 3.0, "ineffability": 3.0}


def test_meq30_complete_at_60_percent_of_every_subscale():
    assert meq30_complete(COMPLETE) is True
    assert meq30_complete(dict.fromkeys(COMPLETE, 5.0)) is True


@pytest.mark.parametrize("subscale", sorted(COMPLETE))
def test_meq30_one_subscale_below_60_percent_is_not_complete(subscale):
    assert meq30_complete({**COMPLETE, subscale: 2.99}) is False


@pytest.mark.parametrize("subscale", sorted(COMPLETE))
def test_meq30_a_missing_subscale_is_not_complete(subscale):
    partial = {key: value for key, value in COMPLETE.items() if key != subscale}
    assert meq30_complete(partial) is False


# --- schedules -----------------------------------------------------------------------

START = date(2026, 3, 2)


def day(offset: int) -> date:
    return START + timedelta(days=offset)


def test_once_is_due_from_the_start_date_until_answered():
    schedule = MeasureSchedule(ONCE, START)
    assert current_due_date(schedule, [], day(-1)) is None
    assert is_due(schedule, [], [], day(-1)) is False
    assert current_due_date(schedule, [], START) == START
    assert is_due(schedule, [], [], START) is True
    assert current_due_date(schedule, [], day(40)) == START
    assert is_due(schedule, [], [], day(40)) is True
    assert is_due(schedule, [], [day(3)], day(40)) is False
    assert is_due(schedule, [], [START], START) is False


def test_once_an_answer_before_the_start_does_not_count():
    schedule = MeasureSchedule(ONCE, START)
    assert is_due(schedule, [], [day(-3)], day(1)) is True


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (0, 0),
        (6, 0),
        (7, 7),
        (13, 7),
        (14, 14),
        (15, 14),
        (70, 70),
    ],
)
def test_every_n_days_period_boundaries(today, due):
    schedule = MeasureSchedule(EVERY_N_DAYS, START, 7)
    assert current_due_date(schedule, [], day(today)) == day(due)


def test_every_n_days_each_period_needs_its_own_answer():
    schedule = MeasureSchedule(EVERY_N_DAYS, START, 7)
    assert is_due(schedule, [], [], day(0)) is True
    assert is_due(schedule, [], [day(0)], day(6)) is False
    assert is_due(schedule, [], [day(0)], day(7)) is True  # a new period begins
    assert is_due(schedule, [], [day(0), day(9)], day(13)) is False
    assert is_due(schedule, [], [day(0), day(9)], day(14)) is True
    # an answer in an earlier period does not close the current one
    assert is_due(schedule, [], [day(6)], day(8)) is True


def test_every_n_days_before_the_start_is_not_due():
    schedule = MeasureSchedule(EVERY_N_DAYS, START, 7)
    assert current_due_date(schedule, [], day(-1)) is None
    assert is_due(schedule, [], [], day(-1)) is False


def test_every_1_day_is_due_daily():
    schedule = MeasureSchedule(EVERY_N_DAYS, START, 1)
    assert [current_due_date(schedule, [], day(n)) for n in range(3)] == [day(0), day(1), day(2)]
    assert is_due(schedule, [], [day(1)], day(1)) is False
    assert is_due(schedule, [], [day(1)], day(2)) is True


def test_after_medicine_nothing_is_due_before_the_first_medicine_session():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 2)
    for today in (0, 5, 30):
        assert current_due_date(schedule, [], day(today)) is None
        assert is_due(schedule, [], [], day(today)) is False


def test_after_medicine_due_only_when_n_days_have_passed():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 2)
    medicine = [day(10)]
    assert current_due_date(schedule, medicine, day(10)) is None
    assert current_due_date(schedule, medicine, day(11)) is None
    assert current_due_date(schedule, medicine, day(12)) == day(12)
    assert is_due(schedule, medicine, [], day(11)) is False
    assert is_due(schedule, medicine, [], day(12)) is True
    assert is_due(schedule, medicine, [], day(20)) is True  # stays open until answered


def test_after_medicine_a_medicine_session_in_the_future_does_not_count():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 0)
    assert current_due_date(schedule, [day(5)], day(4)) is None
    assert current_due_date(schedule, [day(5)], day(5)) == day(5)


def test_after_medicine_a_response_on_or_after_the_due_date_closes_it():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 2)
    medicine = [day(10)]
    assert is_due(schedule, medicine, [day(12)], day(12)) is False
    assert is_due(schedule, medicine, [day(15)], day(20)) is False
    # answering between the session and the due date does not count for this occurrence
    assert is_due(schedule, medicine, [day(11)], day(12)) is True
    assert is_due(schedule, medicine, [day(9)], day(12)) is True


def test_after_medicine_each_medicine_session_makes_its_own_occurrence():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 3)
    first, second = day(10), day(20)
    # the first occurrence was answered
    assert is_due(schedule, [first], [day(13)], day(19)) is False
    # a new medicine session: nothing new due until 3 days after it (issue 12, section 6:
    # the answered occurrence stays the current one until then)
    assert current_due_date(schedule, [first, second], day(22)) == day(13)
    assert is_due(schedule, [first, second], [day(13)], day(22)) is False
    assert current_due_date(schedule, [first, second], day(23)) == day(23)
    assert is_due(schedule, [first, second], [day(13)], day(23)) is True
    assert is_due(schedule, [first, second], [day(13), day(23)], day(30)) is False


def test_after_medicine_an_unfilled_occurrence_is_replaced_when_the_next_comes_due():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 3)
    first, second = day(10), day(20)
    assert is_due(schedule, [first], [], day(19)) is True
    # the next medicine session does not end the open occurrence (issue 12, section 6):
    # it stays due until the next occurrence comes due, 3 days after that session
    assert is_due(schedule, [first, second], [], day(21)) is True
    assert current_due_date(schedule, [first, second], day(22)) == day(13)
    assert is_due(schedule, [first, second], [], day(23)) is True
    assert current_due_date(schedule, [first, second], day(23)) == day(23)


def test_after_medicine_the_order_of_the_medicine_days_does_not_matter():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 3)
    assert current_due_date(schedule, [day(20), day(10)], day(25)) == day(23)


def test_after_medicine_sessions_before_the_start_date_are_ignored():
    schedule = MeasureSchedule(AFTER_MEDICINE, START, 2)
    assert current_due_date(schedule, [day(-5)], day(3)) is None


@pytest.mark.parametrize(
    "schedule",
    [
        MeasureSchedule(ONCE, date(2030, 1, 1)),
        MeasureSchedule(EVERY_N_DAYS, date(2030, 1, 1), 7),
        MeasureSchedule(AFTER_MEDICINE, date(2030, 1, 1), 2),
    ],
    ids=lambda s: s.kind,
)
def test_a_start_date_in_the_future_is_not_due(schedule):
    today = date(2029, 12, 31)
    medicine = [date(2029, 12, 1), date(2029, 12, 20)]
    assert current_due_date(schedule, medicine, today) is None
    assert is_due(schedule, medicine, [], today) is False
    assert is_due(schedule, medicine, [], date(2030, 1, 1)) is (schedule.kind != AFTER_MEDICINE)


def test_an_unknown_schedule_kind_is_refused():
    with pytest.raises(ValueError):
        current_due_date(MeasureSchedule("weekly", START, 7), [], day(3))
