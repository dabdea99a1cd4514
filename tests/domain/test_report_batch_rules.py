"""Pure rules behind report batches and the page footer: the default period, the ZIP's
name, and the translated "Page X of Y" as CSS."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.policy import Role, can_read_report_batch
from tracker.domain.reports import (
    Period,
    batch_download_name,
    css_string,
    last_calendar_month,
    page_counter_content,
)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2026, 11, 26), Period(date(2026, 10, 1), date(2026, 10, 31))),
        (date(2026, 3, 1), Period(date(2026, 2, 1), date(2026, 2, 28))),
        (date(2028, 3, 31), Period(date(2028, 2, 1), date(2028, 2, 29))),  # leap year
        (date(2027, 1, 15), Period(date(2026, 12, 1), date(2026, 12, 31))),  # year back
    ],
)
def test_the_last_calendar_month(today, period):
    assert last_calendar_month(today) == period


def test_the_zip_is_named_by_month_only():
    assert batch_download_name(date(2026, 10, 31)) == "progress-reports-2026-10.pdf.zip"


@pytest.mark.parametrize(
    ("label", "content"),
    [
        ("Page %(page)s of %(pages)s", '"Page " counter(page) " of " counter(pages)'),
        ("Seite %(page)s von %(pages)s", '"Seite " counter(page) " von " counter(pages)'),
        ("%(pages)s: %(page)s", 'counter(pages) ": " counter(page)'),
    ],
)
def test_the_page_footer_follows_the_translation(label, content):
    assert page_counter_content(label) == content


def test_css_strings_cannot_leave_the_style_element():
    quoted = css_string('a "quote" \\ </style><script>')
    assert quoted == '"a \\"quote\\" \\\\ \\3c /style>\\3c script>"'
    assert "<" not in quoted


def test_css_strings_are_one_line_without_ampersands():
    quoted = css_string("Seite & Teil\r\n1\f2\r3")

    assert quoted == '"Seite \\26  Teil 1 2 3"'


class Person:
    def __init__(self, user_id: int, role: Role, active: bool = True) -> None:
        self.id, self.role, self.practice_id, self._active = user_id, role, 1, active

    @property
    def is_active(self) -> bool:
        return self._active


class Batch:
    requested_by_id = 7


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        (Person(7, Role.THERAPIST), True),
        (Person(7, Role.THERAPIST, active=False), False),
        (Person(8, Role.THERAPIST), False),
        (Person(9, Role.ADMIN), False),
        (Person(7, Role.CLIENT), False),
    ],
)
def test_a_batch_is_its_requesters_alone(person, allowed):
    assert can_read_report_batch(person, Batch()) is allowed
