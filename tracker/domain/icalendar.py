"""A small iCalendar (RFC 5545) writer for the planned-sessions feed.

Written here rather than taken from a library: the feed needs one component (VEVENT)
with five properties, all in UTC, and the three rules that matter fit in a few lines
(CRLF line ends, folding at 75 octets without splitting a character, escaping of
TEXT values). What the events say is decided by the caller; this module only writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
MAX_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, CRLF excluded


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    stamp: datetime  # when the information was last revised (aware)
    start: datetime  # aware
    end: datetime  # aware
    summary: str


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line
    breaks written as ``\\n``."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form (``19970714T173000Z``)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in a calendar")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, each continuation
    starting with one space (RFC 5545 3.1); a UTF-8 character is never split."""
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1  # the space of the continuation line counts
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def write_calendar(events: Iterable[CalendarEvent], *, name: str, product: str) -> str:
    """The whole VCALENDAR object, CRLF line ends included."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(product)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        # Ask subscribing calendars to look again every hour (RFC 7986 and the
        # older Microsoft name for it).
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{utc_stamp(event.stamp)}",
            f"DTSTART:{utc_stamp(event.start)}",
            f"DTEND:{utc_stamp(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
            "CLASS:PRIVATE",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
