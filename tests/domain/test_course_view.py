"""The course view: medicine-session numbering, days since the last dose, and the
missing-integration warning (integration within 7 days after each medicine session)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.sessions import CourseSession, build_course_view

D0 = date(2026, 3, 2)


def session(id_: int, offset: int, phase: str, modality: str = "kap") -> CourseSession:
    return CourseSession(id=id_, day=D0 + timedelta(days=offset), phase=phase, modality=modality)


def entries_by_id(view):
    return {entry.session.id: entry for entry in view.entries}


def test_medicine_sessions_are_numbered_in_date_order_whatever_the_input_order():
    sessions = [
        session(5, 30, "medicine"),
        session(1, 0, "intake"),
        session(4, 14, "medicine"),
        session(2, 3, "preparation"),
        session(3, 7, "medicine"),
        session(6, 31, "integration"),
    ]
    view = build_course_view(sessions, today=D0 + timedelta(days=60))
    assert [entry.session.id for entry in view.entries] == [1, 2, 3, 4, 5, 6]
    assert [entry.medicine_number for entry in view.entries] == [None, None, 1, 2, 3, None]
    assert view.medicine_count == 3


def test_two_medicine_sessions_on_one_day_are_numbered_by_id():
    view = build_course_view(
        [session(9, 0, "medicine"), session(8, 0, "medicine")], today=D0 + timedelta(days=1)
    )
    numbers = {e.session.id: e.medicine_number for e in view.entries}
    assert numbers == {8: 1, 9: 2}


def test_days_since_last_dose_counts_from_the_latest_medicine_session():
    view = build_course_view(
        [session(1, 0, "medicine"), session(2, 10, "medicine"), session(3, 12, "integration")],
        today=D0 + timedelta(days=15),
    )
    assert view.last_dose_day == D0 + timedelta(days=10)
    assert view.days_since_last_dose == 5


def test_a_booster_is_a_dose_but_not_a_numbered_medicine_session():
    view = build_course_view(
        [session(1, 0, "medicine"), session(2, 1, "integration"), session(3, 40, "booster")],
        today=D0 + timedelta(days=42),
    )
    assert view.days_since_last_dose == 2
    assert view.medicine_count == 1
    assert entries_by_id(view)[3].medicine_number is None


def test_dose_on_the_day_itself_is_zero_days_ago():
    view = build_course_view([session(1, 0, "medicine")], today=D0)
    assert view.days_since_last_dose == 0


def test_no_dose_yet():
    view = build_course_view([session(1, 0, "intake")], today=D0)
    assert view.last_dose_day is None
    assert view.days_since_last_dose is None
    assert view.medicine_count == 0
    assert view.warnings == 0


def test_empty_course():
    view = build_course_view([], today=D0)
    assert view.entries == []
    assert view.medicine_count == 0 and view.warnings == 0


@pytest.mark.parametrize(
    ("integration_offset", "missing"),
    [
        (0, False),  # the same day counts
        (1, False),
        (7, False),  # day 7 is still within the window
        (8, True),  # day 8 is too late
        (-1, True),  # integration before the medicine session does not count
        (None, True),
    ],
)
def test_the_seven_day_integration_window(integration_offset, missing):
    sessions = [session(1, 0, "medicine")]
    if integration_offset is not None:
        sessions.append(session(2, integration_offset, "integration"))
    view = build_course_view(sessions, today=D0 + timedelta(days=30))
    assert entries_by_id(view)[1].missing_integration is missing
    assert view.warnings == int(missing)


@pytest.mark.parametrize(("today_offset", "missing"), [(0, False), (7, False), (8, True)])
def test_a_window_still_open_is_not_a_warning(today_offset, missing):
    view = build_course_view([session(1, 0, "medicine")], today=D0 + timedelta(days=today_offset))
    assert entries_by_id(view)[1].missing_integration is missing
    assert view.warnings == int(missing)


def test_only_integration_sessions_close_the_window():
    sessions = [
        session(1, 0, "medicine"),
        session(2, 2, "preparation"),
        session(3, 3, "follow_up"),
        session(4, 4, "booster"),
    ]
    view = build_course_view(sessions, today=D0 + timedelta(days=30))
    assert entries_by_id(view)[1].missing_integration
    assert not any(entries_by_id(view)[i].missing_integration for i in (2, 3, 4))


def test_each_medicine_session_is_judged_on_its_own_window():
    sessions = [
        session(1, 0, "medicine"),
        session(2, 2, "integration"),
        session(3, 14, "medicine"),  # no integration by day 21
        session(4, 28, "medicine"),
        session(5, 35, "integration"),  # day 7 after the third
        session(6, 50, "medicine"),  # window still open on day 53
    ]
    view = build_course_view(sessions, today=D0 + timedelta(days=53))
    by_id = entries_by_id(view)
    assert [by_id[i].missing_integration for i in (1, 3, 4, 6)] == [False, True, False, False]
    assert [by_id[i].medicine_number for i in (1, 3, 4, 6)] == [1, 2, 3, 4]
    assert view.warnings == 1
    assert view.days_since_last_dose == 3
