"""Local wall-clock time (as staff type and read it) to UTC (as stored) and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; UTC when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of ``day`` ``at`` in the practice's zone."""
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))
