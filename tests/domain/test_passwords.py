"""Password rules: length over composition (NIST SP 800-63B)."""

from __future__ import annotations

import pytest

from tracker.domain.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    password_problem,
)


@pytest.mark.parametrize(
    "password",
    [
        "a" * 3 + "bcd" + "e" * 6,  # exactly the minimum, four distinct characters
        "correct horse battery",
        "abcd" * (MAX_PASSWORD_LENGTH // 4),  # exactly the maximum
        "Ünïcödé pässwörd ✓",
    ],
    ids=["minimum length", "passphrase", "maximum length", "unicode"],
)
def test_acceptable_passwords(password):
    assert password_problem(password, email="sam@example.test") is None


def test_too_short_names_the_minimum():
    problem = password_problem("x1y2z3w4v5u")  # 11 characters
    assert problem is not None
    assert problem.message % problem.params == "Use at least 12 characters."
    assert problem.params == {"count": MIN_PASSWORD_LENGTH}


def test_empty_password_is_too_short():
    problem = password_problem("")
    assert problem is not None
    assert problem.params == {"count": MIN_PASSWORD_LENGTH}


def test_too_long_names_the_maximum():
    problem = password_problem("abcd" * 64 + "e")  # 257 characters
    assert problem is not None
    assert problem.message % problem.params == "Use at most 256 characters."


@pytest.mark.parametrize(
    "password",
    ["sam.long@example.test", "SAM.LONG@EXAMPLE.TEST", "  sam.long@example.test  "],
    ids=["same", "other case", "surrounding spaces"],
)
def test_password_may_not_be_the_email(password):
    problem = password_problem(password, email="Sam.Long@example.test")
    assert problem is not None
    assert "e-mail" in problem.message


def test_email_rule_only_applies_when_an_email_is_given():
    assert password_problem("sam.long@example.test") is None
    assert password_problem("sam.long@example.test", email="other@example.test") is None


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc"], ids=["1", "2", "3"]
)
def test_fewer_than_four_distinct_characters_is_too_easy(password):
    problem = password_problem(password)
    assert problem is not None
    assert problem.message == "This password is too easy to guess."


def test_length_is_checked_before_guessability():
    problem = password_problem("aaaa")
    assert problem is not None
    assert problem.params == {"count": MIN_PASSWORD_LENGTH}
