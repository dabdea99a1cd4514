"""The course view: medicine-session numbering, days since the last dose (from recorded
doses, never from a phase label), and the missing-integration warning (integration
within 7 days after each medicine session)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.sessions import CourseSession, build_course_view

D0 = date(2026, 3, 2)


def session(id_: int, offset: int, phase: str, modality: str = "kap") -> CourseSession:
    return CourseSession(id=id_, day=D0 + timedelta(days=offset), phase=phase, modality=modality)


def entries_by_id(view):
    return {entry.session.id: entry for entry in view.entries}


def build(sessions, today, dose_days=()):
    return build_course_view(sessions, today, dose_days=dose_days)


def day(offset: int) -> date:
    return D0 + timedelta(days=offset)


def test_medicine_sessions_are_numbered_in_date_order_whatever_the_input_order():
    sessions = [
        session(5, 30, "medicine"),
        session(1, 0, "intake"),
        session(4, 14, "medicine"),
        session(2, 3, "preparation"),
        session(3, 7, "medicine"),
        session(6, 31, "integration"),
    ]
    view = build(sessions, today=D0 + timedelta(days=60))
    assert [entry.session.id for entry in view.entries] == [1, 2, 3, 4, 5, 6]
    assert [entry.medicine_number for entry in view.entries] == [None, None, 1, 2, 3, None]
    assert view.medicine_count == 3


def test_two_medicine_sessions_on_one_day_are_numbered_by_id():
    view = build(
        [session(9, 0, "medicine"), session(8, 0, "medicine")], today=D0 + timedelta(days=1)
    )
    numbers = {e.session.id: e.medicine_number for e in view.entries}
    assert numbers == {8: 1, 9: 2}


def test_days_since_last_dose_counts_from_the_latest_recorded_dose():
    view = build(
        [session(1, 0, "medicine"), session(2, 10, "medicine"), session(3, 12, "integration")],
        today=day(15),
        dose_days=[day(0), day(10)],
    )
    assert view.last_dose_day == day(10)
    assert view.days_since_last_dose == 5


def test_the_order_of_the_dose_days_does_not_matter():
    view = build([], today=day(15), dose_days=[day(10), day(0), day(3)])
    assert view.last_dose_day == day(10)


def test_a_booster_is_not_a_numbered_medicine_session_and_its_dose_counts():
    view = build(
        [session(1, 0, "medicine"), session(2, 1, "integration"), session(3, 40, "booster")],
        today=day(42),
        dose_days=[day(0), day(40)],
    )
    assert view.days_since_last_dose == 2
    assert view.medicine_count == 1
    assert entries_by_id(view)[3].medicine_number is None


def test_a_medicine_session_without_a_recorded_dose_is_no_dose():
    """The phase label says a dose was planned, not that one was given."""
    view = build([session(1, 0, "medicine"), session(2, 20, "booster")], today=day(30))
    assert view.last_dose_day is None
    assert view.days_since_last_dose is None
    assert view.medicine_count == 1


@pytest.mark.parametrize("future", [1, 30])
def test_a_planned_future_medicine_session_never_gives_negative_days(future):
    view = build(
        [session(1, 0, "medicine"), session(2, 10 + future, "medicine")],
        today=day(10),
        dose_days=[day(0), day(10 + future)],  # even a future dose day is ignored
    )
    assert view.last_dose_day == day(0)
    assert view.days_since_last_dose == 10
    assert view.medicine_count == 2


def test_only_future_doses_is_no_dose_yet():
    view = build([session(1, 5, "medicine")], today=day(4), dose_days=[day(5)])
    assert view.last_dose_day is None and view.days_since_last_dose is None


def test_dose_on_the_day_itself_is_zero_days_ago():
    view = build([session(1, 0, "medicine")], today=D0, dose_days=[D0])
    assert view.days_since_last_dose == 0


def test_no_dose_yet():
    view = build([session(1, 0, "intake")], today=D0)
    assert view.last_dose_day is None
    assert view.days_since_last_dose is None
    assert view.medicine_count == 0
    assert view.warnings == 0


def test_empty_course():
    view = build([], today=D0)
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
    view = build(sessions, today=D0 + timedelta(days=30))
    assert entries_by_id(view)[1].missing_integration is missing
    assert view.warnings == int(missing)


@pytest.mark.parametrize(("today_offset", "missing"), [(0, False), (7, False), (8, True)])
def test_a_window_still_open_is_not_a_warning(today_offset, missing):
    view = build([session(1, 0, "medicine")], today=D0 + timedelta(days=today_offset))
    assert entries_by_id(view)[1].missing_integration is missing
    assert view.warnings == int(missing)


def test_only_integration_sessions_close_the_window():
    sessions = [
        session(1, 0, "medicine"),
        session(2, 2, "preparation"),
        session(3, 3, "follow_up"),
        session(4, 4, "booster"),
    ]
    view = build(sessions, today=D0 + timedelta(days=30))
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
    view = build(sessions, today=day(53), dose_days=[day(0), day(14), day(28), day(50)])
    by_id = entries_by_id(view)
    assert [by_id[i].missing_integration for i in (1, 3, 4, 6)] == [False, True, False, False]
    assert [by_id[i].medicine_number for i in (1, 3, 4, 6)] == [1, 2, 3, 4]
    assert view.warnings == 1
    assert view.days_since_last_dose == 3
