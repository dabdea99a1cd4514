"""Session rules: the risk follow-up, note formats, dosing sessions, start-from-last,
and local time to UTC around daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tracker.domain.clock import local_to_utc, utc_to_local, zone
from tracker.domain.sessions import (
    CARRIED_FROM_LAST,
    NOTE_FORMATS,
    is_dosing_session,
    note_sections,
    risk_problem,
)


@pytest.mark.parametrize("follow_up", [None, "", "   ", "\n\t"])
def test_positive_screen_without_follow_up_is_a_problem(follow_up):
    problem = risk_problem("positive", follow_up)
    assert problem is not None
    assert problem.message.startswith("The screen is positive: write the follow-up")


def test_positive_screen_with_follow_up_is_fine():
    assert risk_problem("positive", "Passive ideation; safety plan reviewed.") is None


@pytest.mark.parametrize("screen", ["negative", "not_assessed"])
@pytest.mark.parametrize("follow_up", [None, "", "Something"])
def test_other_screens_need_no_follow_up(screen, follow_up):
    assert risk_problem(screen, follow_up) is None


@pytest.mark.parametrize(
    ("note_format", "headings"),
    [
        ("soap", ["Subjective", "Objective", "Assessment", "Plan"]),
        ("dap", ["Data", "Assessment", "Plan"]),
        ("birp", ["Behaviour", "Intervention", "Response", "Plan"]),
        ("free", ["Note"]),
    ],
)
def test_each_format_has_its_headings_in_order(note_format, headings):
    sections = note_sections(note_format, {})
    assert [section.heading for section, _ in sections] == headings
    assert all(text == "" for _, text in sections)
    assert all(section.prompt for section, _ in sections)


def test_note_sections_pair_each_heading_with_its_text():
    body = {"data": "D text", "plan": "P text", "subjective": "belongs to SOAP"}
    sections = note_sections("dap", body)
    assert [(s.key, text) for s, text in sections] == [
        ("data", "D text"),
        ("assessment", ""),
        ("plan", "P text"),
    ]


def test_section_keys_are_unique_within_a_format():
    for sections in NOTE_FORMATS.values():
        keys = [s.key for s in sections]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("modality", "phase", "dosing"),
    [
        ("kap", "medicine", True),
        ("kabsp", "medicine", True),
        ("kap", "booster", True),
        ("kap", "integration", False),
        ("kap", "preparation", False),
        ("kabsp", "intake", False),
        ("brainspotting", "medicine", False),
        ("psychotherapy", "medicine", False),
    ],
)
def test_ketamine_is_recorded_on_kap_and_kabsp_medicine_and_booster_sessions(
    modality, phase, dosing
):
    assert is_dosing_session(modality, phase) is dosing


def test_start_from_last_carries_no_clinical_narrative():
    assert set(CARRIED_FROM_LAST) == {
        "modality",
        "setting",
        "intention",
        "note_format",
        "duration_minutes",
    }
    for narrative in ("note_body", "summary", "risk_follow_up", "suicide_screen", "phase"):
        assert narrative not in CARRIED_FROM_LAST


# Europe/Berlin springs forward on 2026-03-29 at 02:00 (CET +1 -> CEST +2) and falls
# back on 2026-10-25 at 03:00 (CEST +2 -> CET +1).
BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("day", "local", "utc"),
    [
        (date(2026, 3, 28), time(9, 0), datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        (date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        (date(2026, 3, 29), time(3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (date(2026, 3, 29), time(9, 0), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        (date(2026, 3, 30), time(9, 0), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        (date(2026, 10, 24), time(9, 0), datetime(2026, 10, 24, 7, 0, tzinfo=UTC)),
        (date(2026, 10, 25), time(9, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        # 02:30 happens twice on 2026-10-25: the first (summer time) is taken.
        (date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_local_to_utc_around_daylight_saving_changes(day, local, utc):
    moment = local_to_utc(day, local, BERLIN)
    assert moment == utc
    assert moment.tzinfo is UTC


def test_a_session_over_the_spring_change_is_an_hour_shorter_in_wall_time():
    start = local_to_utc(date(2026, 3, 29), time(1, 0), BERLIN)
    end = local_to_utc(date(2026, 3, 29), time(4, 0), BERLIN)
    assert (end - start).total_seconds() == 2 * 3600


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 59)),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, 0)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30)),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30)),
        (datetime(2026, 10, 25, 2, 0, tzinfo=UTC), datetime(2026, 10, 25, 3, 0)),
    ],
)
def test_utc_to_local_around_daylight_saving_changes(utc, local):
    result = utc_to_local(utc, BERLIN)
    assert result.replace(tzinfo=None) == local
    # The same instant (compared in UTC: Python never equates an instant in the
    # repeated autumn hour with one of another zone).
    assert result.astimezone(UTC) == utc


def test_utc_to_local_offsets_either_side_of_the_changes():
    before = utc_to_local(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), BERLIN)
    after = utc_to_local(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), BERLIN)
    assert before.utcoffset().total_seconds() == 3600
    assert after.utcoffset().total_seconds() == 7200
    first = utc_to_local(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN)
    second = utc_to_local(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), BERLIN)
    assert (first.hour, first.minute) == (second.hour, second.minute) == (2, 30)
    assert first.utcoffset().total_seconds() == 7200
    assert second.utcoffset().total_seconds() == 3600


def test_round_trip_through_local_time():
    for hour in range(24):
        moment = datetime(2026, 3, 29, hour, 15, tzinfo=UTC)
        local = utc_to_local(moment, BERLIN)
        assert local_to_utc(local.date(), local.time(), BERLIN) == moment


@pytest.mark.parametrize("name", ["Not/A_Zone", "", "../etc/passwd"])
def test_an_unknown_zone_falls_back_to_utc(name):
    assert zone(name).key == "UTC"
    assert local_to_utc(date(2026, 3, 29), time(9, 0), name) == datetime(
        2026, 3, 29, 9, 0, tzinfo=UTC
    )
