"""The safety plan's steps, what changed between versions, the card's file name and
the type sizes worth trying for the one-page card."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.domain import safety_plan as rules


def test_the_seven_stanley_brown_steps_in_order():
    assert rules.STEP_KEYS == (
        "warning_signs",
        "internal_coping",
        "distractions",
        "help_contacts",
        "professionals",
        "safe_environment",
        "reasons_for_living",
    )


def test_a_first_version_changes_every_step_written():
    assert rules.changed_steps(None, {"warning_signs": "Racing thoughts", "distractions": " "}) == [
        "warning_signs"
    ]


def test_only_real_changes_count():
    before = {"warning_signs": "Racing thoughts", "reasons_for_living": "My daughter"}
    after = {**before, "warning_signs": "  Racing thoughts \n", "help_contacts": "Jo 0151 234"}
    assert rules.changed_steps(before, after) == ["help_contacts"]
    assert rules.changed_steps(before, dict(before)) == []


def test_blank():
    assert rules.is_blank({"warning_signs": "  "})
    assert not rules.is_blank({"reasons_for_living": "My dog"})


def test_plan_view_numbers_the_steps_and_keeps_empty_ones():
    view = rules.plan_view(3, datetime(2026, 12, 1, tzinfo=UTC), "Tara", {"distractions": "Café"})
    assert [step.number for step in view.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [step.text for step in view.steps][2] == "Café"
    assert view.steps[0].text == ""


def test_the_file_name_carries_no_name():
    assert rules.download_name(42, 3, date(2026, 12, 4)) == "safety-plan-C0042-v3-2026-12-04.pdf"


def test_text_lines_wraps_long_paragraphs():
    assert rules.text_lines("", 90) == 1
    assert rules.text_lines("a" * 90, 90) == 1
    assert rules.text_lines("a" * 91 + "\nshort", 90) == 3


def plan_of(lines_per_step: int, width: int) -> dict[str, str]:
    return {key: "\n".join(["x" * width] * lines_per_step) for key in rules.STEP_KEYS}


@pytest.mark.parametrize(
    ("plan", "first"),
    [
        (plan_of(3, 60), "size-normal"),
        (plan_of(4, 88), "size-normal"),
        (plan_of(5, 88), "size-small"),
        (plan_of(7, 88), "size-smallest"),
        (plan_of(30, 130), "size-smallest"),  # too long for any size: the smallest is tried
    ],
)
def test_sizes_clearly_too_small_are_skipped(plan, first):
    sizes = rules.card_sizes(plan)
    assert sizes[0].name == first
    assert sizes[-1] == rules.CARD_SIZES[-1]
