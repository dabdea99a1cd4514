"""The outbox's rules: back-off between attempts, giving up, and masked addresses."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.outbox import (
    FAILED,
    KINDS,
    MAX_ATTEMPTS,
    PENDING,
    after_failure,
    mask_address,
    retry_delay,
)

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (8, 60), (40, 60), (500, 60)],
)
def test_the_delay_doubles_up_to_an_hour(attempts, minutes):
    assert retry_delay(attempts) == timedelta(minutes=minutes)


def test_the_delay_follows_its_base_and_cap():
    assert retry_delay(3, base=timedelta(seconds=10), cap=timedelta(seconds=30)) == timedelta(
        seconds=30
    )
    assert retry_delay(2, base=timedelta(seconds=10), cap=timedelta(minutes=5)) == timedelta(
        seconds=20
    )


def test_there_is_no_delay_before_a_first_attempt():
    with pytest.raises(ValueError):
        retry_delay(0)


def test_a_failed_attempt_is_tried_again_after_the_delay():
    outcome = after_failure(1, NOW)
    assert (outcome.status, outcome.next_attempt_at) == (PENDING, NOW + timedelta(minutes=1))
    outcome = after_failure(3, NOW)
    assert (outcome.status, outcome.next_attempt_at) == (PENDING, NOW + timedelta(minutes=4))


def test_the_last_allowed_attempt_fails_the_message():
    outcome = after_failure(MAX_ATTEMPTS - 1, NOW)
    assert outcome.status == PENDING
    outcome = after_failure(MAX_ATTEMPTS, NOW)
    assert (outcome.status, outcome.next_attempt_at) == (FAILED, None)
    assert after_failure(2, NOW, max_attempts=2).status == FAILED


def test_a_permanent_refusal_fails_at_once():
    outcome = after_failure(1, NOW, permanent=True)
    assert (outcome.status, outcome.next_attempt_at) == (FAILED, None)


def test_about_four_hours_pass_before_a_message_is_given_up():
    waited = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=3) < waited < timedelta(hours=5)


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("tara@example.org", "t…@example.org"),
        ("m.o@praxis.de", "m…@praxis.de"),
        ("a@b", "a…@b"),
        ('odd"@quoted"@example.org', "o…@example.org"),
        ("no-at-sign", "…"),
        ("@example.org", "…"),
    ],
)
def test_addresses_are_masked(address, shown):
    assert mask_address(address) == shown


def test_message_texts_carry_only_the_link_the_practice_and_a_lifetime():
    """No kind can say more than its fixed text: the only placeholders are the link,
    the practice's name and a link's lifetime (and the portal's address, in a message
    whose link unsubscribes)."""
    for kind in KINDS.values():
        placeholders = set(re.findall(r"%\((\w+)\)s", kind.subject + kind.body))
        assert placeholders <= {"link", "practice", "hours"} | (
            {"portal"} if kind.unsubscribe else set()
        )
        assert "%(link)s" in kind.body
        assert ("%(hours)s" in kind.body) == (kind.lifetime_setting is not None)
