"""Local wall-clock time (as staff type and read it) to UTC (as stored) and back.

Twice a year a zone with daylight saving time has wall-clock times that do not exist
(the spring-forward gap: in Europe/Berlin 2026-03-29 02:00-02:59 never happens) and
times that happen twice (autumn: 2026-10-25 02:00-02:59 comes once in summer time,
CEST, and again in winter time, CET). Python marks the two with ``fold`` (PEP 495:
``fold=0`` is the first, earlier occurrence, ``fold=1`` the second).
``local_to_utc_checked`` refuses the first and asks which of the second is meant;
``local_to_utc`` keeps the old silent behaviour for times that cannot be ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.domain.messages import N_, Problem


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; UTC when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of ``day`` ``at`` in the practice's zone (no gap/overlap check:
    use ``local_to_utc_checked`` for times a person typed)."""
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


@dataclass(frozen=True)
class FoldOption:
    """One of the two occurrences of an ambiguous wall-clock time."""

    fold: int  # 0: the first (earlier) occurrence, 1: the second
    abbreviation: str  # "CEST", "CET"
    summer_time: bool  # daylight saving time in effect at that occurrence
    utc: datetime


class LocalTimeError(ValueError):
    """A typed local time that cannot be turned into one instant; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class NonexistentLocalTime(LocalTimeError):
    """The wall-clock time falls in the gap when the clocks go forward."""


class AmbiguousLocalTime(LocalTimeError):
    """The wall-clock time happens twice (clocks go back); ``options`` are both."""

    def __init__(self, problem: Problem, options: tuple[FoldOption, FoldOption]) -> None:
        super().__init__(problem)
        self.options = options


def _option(local: datetime) -> FoldOption:
    return FoldOption(
        fold=local.fold,
        abbreviation=local.tzname() or "",
        summer_time=bool(local.dst()),
        utc=local.astimezone(UTC),
    )


def fold_options(day: date, at: time, zone_name: str) -> tuple[FoldOption, FoldOption] | None:
    """Both occurrences of an ambiguous local time, first then second; ``None`` when
    the time happens once (or never)."""
    first = datetime.combine(day, at.replace(fold=0), tzinfo=zone(zone_name))
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset() or not _exists(first):
        return None
    return _option(first), _option(second)


def _exists(local: datetime) -> bool:
    """Whether the wall-clock time survives a round trip through UTC (a time in the
    spring-forward gap comes back shifted by the gap)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0)


def local_to_utc_checked(day: date, at: time, zone_name: str, fold: int | None = None) -> datetime:
    """The UTC instant of ``day`` ``at`` in ``zone_name``, refusing times that do not
    exist and asking which is meant of a time that happens twice.

    Raises ``NonexistentLocalTime`` for a time in the spring-forward gap, and
    ``AmbiguousLocalTime`` (with both ``options``) for a time in the autumn overlap
    unless ``fold`` (0 for the first, 1 for the second occurrence) says which.
    Any other time gives the same instant as ``local_to_utc``.
    """
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone(zone_name))
    # Both messages name the time as it was typed and the day.
    when = {"time": at.strftime("%H:%M"), "date": day.isoformat()}
    if not _exists(local):
        gap = N_(
            "%(time)s does not exist on %(date)s: the clocks go forward then. "
            "Enter the time as the clock showed it (for example an hour later)."
        )
        raise NonexistentLocalTime(Problem(gap, when))
    options = fold_options(day, at, zone_name)
    if options is None:
        return local.astimezone(UTC)
    if fold in (0, 1):
        return options[fold].utc
    twice = N_(
        "%(time)s happens twice on %(date)s: the clocks go back then. "
        "Choose which %(time)s is meant."
    )
    raise AmbiguousLocalTime(Problem(twice, when), options)
