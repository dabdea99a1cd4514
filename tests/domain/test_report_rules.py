"""Report rules: the session-log line, file names, report ids, counts and periods."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain import reports as rules
from tracker.domain.scoring import CHANGE_WORDS
from tracker.domain.sessions import PHASE_LABELS

NOVEMBER = rules.Period(date(2026, 9, 1), date(2026, 11, 20))


# --- summary_line --------------------------------------------------------------------


def test_the_summary_is_preferred_to_the_note():
    line = rules.summary_line("Steadier sleep.", {"assessment": "Grief is accessible."})

    assert line == "Steadier sleep."


@pytest.mark.parametrize("summary", [None, "", "   \n "])
def test_without_a_summary_the_assessment_is_used(summary):
    note = {"subjective": "Tired.", "assessment": "Grief is accessible.", "plan": "Rest."}

    assert rules.summary_line(summary, note) == "Grief is accessible."


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ({"subjective": "S", "assessment": "A"}, "A"),  # SOAP: assessment first
        ({"data": "D", "plan": "P"}, "D"),  # DAP
        ({"behavior": "B", "response": "R"}, "R"),  # BIRP: the response
        ({"body": "Free text."}, "Free text."),  # free form
        ({"subjective": "Only subjective."}, "Only subjective."),
        ({"assessment": "  ", "subjective": "S"}, "S"),  # a blank assessment is skipped
        ({"plan": "Plan only."}, ""),  # nothing that describes the session
        ({}, ""),
    ],
)
def test_the_fallback_order_of_note_sections(note, expected):
    assert rules.summary_line(None, note) == expected


def test_the_first_lines_are_joined_into_one():
    line = rules.summary_line(None, {"assessment": "Grief is accessible.\n\n  Ready   to dose."})

    assert line == "Grief is accessible. Ready to dose."


def test_a_long_text_is_cut_with_an_ellipsis_at_the_limit():
    text = "word " * 100

    line = rules.summary_line(text, {})

    assert len(line) <= 240
    assert line.endswith("word…")  # the space before the cut is dropped
    assert line[:-1] == ("word " * 48).strip()


def test_a_text_of_exactly_the_limit_is_kept_whole():
    text = "x" * 240

    assert rules.summary_line(text, {}) == text
    assert rules.summary_line(text + "y", {}) == "x" * 239 + "…"
    assert rules.summary_line("abcdef", {}, limit=4) == "abc…"


# --- names and ids -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "client_id", "expected"),
    [
        (rules.CLINICAL, 1, "progress-C0001-2026-11.pdf"),
        (rules.CLIENT, 42, "summary-C0042-2026-11.pdf"),
        (rules.CLINICAL, 123456, "progress-C123456-2026-11.pdf"),
    ],
)
def test_download_names_carry_the_client_number_and_month_only(kind, client_id, expected):
    assert rules.download_name(kind, client_id, NOVEMBER) == expected


def test_the_download_name_follows_the_end_of_the_period():
    period = rules.Period(date(2025, 12, 15), date(2026, 1, 3))

    assert rules.download_name(rules.CLINICAL, 7, period) == "progress-C0007-2026-01.pdf"


def test_the_report_id_is_derived_from_the_content():
    digest = rules.content_hash(rules.CLINICAL, "<html>report</html>")

    assert rules.report_id(digest) == "R-" + digest[:10].upper()
    assert rules.report_id(digest) == rules.report_id(
        rules.content_hash(rules.CLINICAL, "<html>report</html>")
    )
    assert len(digest) == 64


def test_the_hash_changes_with_the_content_and_the_kind():
    clinical = rules.content_hash(rules.CLINICAL, "<p>same</p>")

    assert clinical != rules.content_hash(rules.CLIENT, "<p>same</p>")
    assert clinical != rules.content_hash(rules.CLINICAL, "<p>same.</p>")


# --- counts, periods, words ----------------------------------------------------------


def test_count_by_keeps_the_given_order_and_leaves_out_zeros():
    phases = ["medicine", "intake", "integration", "medicine", "booster"]

    counts = rules.count_by(phases, list(PHASE_LABELS))

    assert counts == [("intake", 1), ("medicine", 2), ("integration", 1), ("booster", 1)]


def test_count_by_ignores_values_outside_the_order():
    assert rules.count_by(["kap", "unknown", "kap"], ["kabsp", "kap"]) == [("kap", 2)]
    assert rules.count_by([], ["kap"]) == []


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), True),
        (date(2026, 10, 15), True),
        (date(2026, 11, 20), True),
        (date(2026, 11, 21), False),
    ],
)
def test_a_period_includes_both_ends(day, inside):
    assert NOVEMBER.contains(day) is inside


def test_every_change_label_has_plain_words_for_the_client():
    assert set(rules.PLAIN_WORDS) == set(CHANGE_WORDS)
    assert all("reliabl" not in str(words) for words in rules.PLAIN_WORDS.values())
