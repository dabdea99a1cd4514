"""Client reminders: when, in UTC, the reminder for one of the client's local days goes
out, and whether anything is waiting for them.

A client chooses a local time (say 18:00), a time zone and quiet hours (say 21:00 to
08:00, which may run across midnight). The reminder *for* a local day is always sent
*on* that day, never in quiet hours:

- a chosen time inside the quiet hours moves to the moment they end that day (for
  quiet hours across midnight, a chosen 22:00 therefore becomes 08:00 the same morning:
  the reminder belongs to its own day, not to the next one);
- the reminder may still go out late (the sending command runs every few minutes, or
  was down for a while), but only until the next quiet hours begin or the day ends,
  whichever comes first; after that the day's reminder is skipped, not sent at night;
- a time that does not exist that day (the spring-forward gap: Europe/Berlin
  2026-03-29 02:30) is sent at the first moment after the gap (03:00 CEST);
- a time that happens twice (the autumn overlap) is sent at its first occurrence, and
  once: the outbox key is per client and local day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tracker.domain.homework import Schedule, occurrences
from tracker.domain.messages import N_, Problem

DEFAULT_TIME = time(18, 0)
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)

# Offered as suggestions on the settings page; any IANA name is accepted.
COMMON_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def canonical_zone(name: str) -> str:
    """The IANA spelling of a zone typed in any case ("europe/berlin" -> "Europe/Berlin");
    the name unchanged (stripped) when it names no zone."""
    name = name.strip()
    by_lower = {zone.lower(): zone for zone in _known_zones()}
    return by_lower.get(name.lower(), name)


def zone_problem(name: str) -> Problem | None:
    """Why ``name`` is not a time zone we can use (an IANA name such as Europe/Berlin)."""
    name = name.strip()
    if name in _known_zones():
        return None
    return Problem(
        N_("Enter a time zone by its name, for example %(example)s."),
        {"example": "Europe/Berlin"},
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class QuietHours:
    """Local wall-clock times without messages, ``start`` inclusive, ``end`` exclusive.

    ``start`` after ``end`` runs across midnight (21:00-08:00); equal times mean none.
    """

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.start > self.end

    def contains(self, at: time) -> bool:
        if self.start == self.end:
            return False
        if self.crosses_midnight:
            return at >= self.start or at < self.end
        return self.start <= at < self.end


def quiet_hours_problem(quiet: QuietHours) -> Problem | None:
    if quiet.start == quiet.end:
        return Problem(N_("Quiet hours need different start and end times."))
    return None


@dataclass(frozen=True)
class ReminderSettings:
    """What the client chose: the local time, their zone and their quiet hours."""

    at: time
    zone_name: str
    quiet: QuietHours


@dataclass(frozen=True)
class ReminderWindow:
    """When the reminder for ``day`` may go out: from ``opens`` until before ``closes``
    (both UTC)."""

    day: date
    opens: datetime
    closes: datetime

    def contains(self, moment: datetime) -> bool:
        return self.opens <= moment < self.closes


def local_day(now: datetime, zone_name: str) -> date:
    """The client's local date at the instant ``now``."""
    return now.astimezone(_zone(zone_name)).date()


def first_valid_moment(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of ``day`` ``at`` in the zone: the first occurrence of a time
    that happens twice, the end of the gap for a time that does not exist."""
    local = datetime.combine(day, at.replace(fold=0), tzinfo=_zone(zone_name))
    moment = local.astimezone(UTC)
    if moment.astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None):
        return moment  # exists; fold=0 is the first of two occurrences
    return _end_of_gap(local)


def _end_of_gap(local: datetime) -> datetime:
    """The transition that skipped ``local``: the first instant after the gap.

    The two readings of a skipped wall-clock time (with the offset before and after
    the change) lie on either side of the transition; halve the interval to the second.
    """
    readings = sorted((local.astimezone(UTC), local.replace(fold=1).astimezone(UTC)))
    low, high = readings
    before = low.astimezone(local.tzinfo).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(local.tzinfo).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def send_time(settings: ReminderSettings) -> time:
    """The local wall-clock time the reminder goes out: the chosen one, or the end of
    the quiet hours when it falls inside them."""
    if settings.quiet.contains(settings.at):
        return settings.quiet.end
    return settings.at


def reminder_window(day: date, settings: ReminderSettings) -> ReminderWindow:
    """When the reminder for local ``day`` goes out, and until when it still may."""
    wall = send_time(settings)
    opens = first_valid_moment(day, wall, settings.zone_name)
    end_of_day = first_valid_moment(day + timedelta(days=1), time(0, 0), settings.zone_name)
    quiet = settings.quiet
    if quiet.start != quiet.end and quiet.start > wall:
        closes = min(end_of_day, first_valid_moment(day, quiet.start, settings.zone_name))
    else:
        closes = end_of_day
    return ReminderWindow(day=day, opens=opens, closes=closes)


def open_window(now: datetime, settings: ReminderSettings) -> ReminderWindow | None:
    """Today's window (in the client's zone) when ``now`` falls inside it."""
    window = reminder_window(local_day(now, settings.zone_name), settings)
    return window if window.contains(now) else None


# --- what is waiting ----------------------------------------------------------------


def homework_waiting(
    schedule: Schedule, active: bool, done_days: Iterable[date], today: date
) -> bool:
    """Whether an active assignment has an occurrence today that is not yet done."""
    if not active:
        return False
    return today in occurrences(schedule, today) and today not in set(done_days)
