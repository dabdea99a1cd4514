"""The iCalendar writer: RFC 5545 line ends, folding, escaping and UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tracker.domain.icalendar import CalendarEvent, escape_text, fold, write_calendar

START = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def test_a_calendar_with_one_event():
    berlin_winter = timezone(timedelta(hours=1))
    event = CalendarEvent(
        uid="planned-session-7@tracker.example",
        stamp=datetime(2026, 12, 1, 8, 30, 15, tzinfo=UTC),
        start=datetime(2026, 12, 3, 16, 0, tzinfo=berlin_winter),
        end=datetime(2026, 12, 3, 17, 0, tzinfo=berlin_winter),
        summary="Client no. 12 · KAP",
    )
    text = write_calendar([event], name="Planned sessions", product="-//Test//EN")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF, no bare LF
    lines = text.split("\r\n")[:-1]
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//Test//EN" in lines
    start = lines.index("BEGIN:VEVENT")
    assert lines[start : start + 6] == [
        "BEGIN:VEVENT",
        "UID:planned-session-7@tracker.example",
        "DTSTAMP:20261201T083015Z",
        "DTSTART:20261203T150000Z",  # converted to UTC
        "DTEND:20261203T160000Z",
        "SUMMARY:Client no. 12 · KAP",
    ]
    assert lines.count("END:VEVENT") == 1


def test_an_empty_calendar_is_still_a_calendar():
    text = write_calendar([], name="x", product="-//Test//EN")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "VEVENT" not in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("line one\nline two", "line one\\nline two"),
        ("crlf\r\nend", "crlf\\nend"),
        ("plain · text", "plain · text"),
    ],
)
def test_text_values_are_escaped(raw, escaped):
    assert escape_text(raw) == escaped


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "ä" * 100  # two octets each
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == line
    assert fold("SHORT:line") == "SHORT:line"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        write_calendar(
            [CalendarEvent("u", START, datetime(2026, 12, 3, 15, 0), START, "s")],
            name="x",
            product="p",
        )
