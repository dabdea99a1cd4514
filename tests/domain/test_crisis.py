"""The crisis box: the practice's own lines or its country's defaults, and the
checks on the lines an admin types."""

from __future__ import annotations

import pytest

from tracker.domain.crisis import (
    COUNTRY_LABELS,
    DEFAULTS,
    GERMANY,
    NEUTRAL,
    CrisisLine,
    crisis_box,
    crisis_problem,
)


def numbers(box) -> list[str]:
    return [line.number for group in box.groups for line in group.lines]


def test_germany_shows_the_emergency_number_telefonseelsorge_and_the_on_call_service():
    box = crisis_box("", GERMANY)
    assert box.from_defaults and box.has_numbers
    assert numbers(box) == ["112", "0800 111 0 111", "0800 111 0 222", "116 123", "116 117"]
    labels = [group.label for group in box.groups]
    assert labels[0].startswith("Emergency")
    assert "TelefonSeelsorge" in labels[1]
    assert [len(group.lines) for group in box.groups] == [1, 3, 1]  # one label, three numbers
    assert all(group.translatable for group in box.groups)


@pytest.mark.parametrize("country", [NEUTRAL, None, "FR", "zz"])
def test_elsewhere_no_number_is_invented(country):
    box = crisis_box("  \n ", country)
    assert box.groups == () and not box.has_numbers and box.from_defaults


def test_every_country_with_defaults_can_be_chosen():
    assert set(DEFAULTS) == set(COUNTRY_LABELS)


def test_the_practices_own_lines_replace_the_defaults():
    box = crisis_box(
        "Crisis line (24 h, free): 0800 111 0 111\nPractice urgent number: +1 555 0199", GERMANY
    )
    assert not box.from_defaults
    assert [(g.label, numbers_of(g)) for g in box.groups] == [
        ("Crisis line (24 h, free)", ["0800 111 0 111"]),
        ("Practice urgent number", ["+1 555 0199"]),
    ]
    assert not any(group.translatable for group in box.groups)


def numbers_of(group) -> list[str]:
    return [line.number for line in group.lines]


def test_lines_with_the_same_label_in_a_row_share_it():
    box = crisis_box("Line A: 111 222\nLine A: 333 444\nLine B: 555 666\nLine A: 777 888", "")
    assert [(g.label, numbers_of(g)) for g in box.groups] == [
        ("Line A", ["111 222", "333 444"]),
        ("Line B", ["555 666"]),
        ("Line A", ["777 888"]),
    ]


def test_text_stored_before_the_format_still_shows_as_text():
    box = crisis_box("Call us any time.\nEmergency: 112", GERMANY)
    assert [(g.label, numbers_of(g)) for g in box.groups] == [
        ("Call us any time.", [None]),
        ("Emergency", ["112"]),
    ]


@pytest.mark.parametrize(
    ("number", "tel"),
    [
        ("112", "tel:112"),
        ("0800 111 0 111", "tel:08001110111"),
        ("+49 (0)30 555-0100", "tel:+49305550100"),
        ("+1 (555) 019.9", "tel:+15550199"),
        ("030/555 01", "tel:03055501"),
    ],
)
def test_numbers_become_tel_links_of_digits(number, tel):
    assert CrisisLine("x", number).tel == tel


def test_a_text_line_has_no_link():
    assert CrisisLine("Call us").tel is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Emergency: 112",
        "Crisis line, free, day and night: 0800 111 0 111\n\n  Practice: +49 30 555 0100  ",
        "Label with: a colon: 116 123",
    ],
)
def test_well_formed_lines_pass(text):
    assert crisis_problem(text) is None


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Samaritans: 116 123 (free, day or night)", 1),
        ("Emergency: 112\nJust a sentence", 2),
        ("Emergency 112", 1),
        (": 112", 1),
        ("Too short: 11", 1),
        ("Too long: " + "1" * 21, 1),
        ("Web: https://example.org", 1),
    ],
)
def test_a_malformed_line_is_named(text, line):
    problem = crisis_problem(text)
    assert problem is not None and problem.params == {"line": line}
    assert "label: number" in problem.message


def test_too_many_lines():
    problem = crisis_problem("\n".join(f"Line {n}: 0800 {n:03d}" for n in range(13)))
    assert problem is not None and problem.params == {"max": 12}


def test_a_label_too_long():
    problem = crisis_problem("x" * 121 + ": 112")
    assert problem is not None and problem.params == {"line": 1, "max": 120}
