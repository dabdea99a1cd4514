"""The rules of the Today worklist: how old an unsigned note may get, when a
questionnaire is overdue, and which homework adherence needs a look.

The worklist is built from the same rules as the pages it links to: the course view's
integration window (``domain.sessions``), the questionnaire schedule (``domain.scoring``)
and homework adherence (``domain.homework``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from tracker.domain.homework import Adherence
from tracker.domain.messages import N_

# A note is written within a day of the session (the usual documentation standard);
# after a week an unsigned note is a gap in the record.
DRAFT_FLAGGED_AFTER = timedelta(hours=24)
DRAFT_URGENT_AFTER = timedelta(days=7)


class DraftAge(StrEnum):
    RECENT = "recent"
    FLAGGED = "flagged"
    URGENT = "urgent"


DRAFT_AGE_LABELS = {
    DraftAge.RECENT: N_("Within a day"),
    DraftAge.FLAGGED: N_("Over 24 hours"),
    DraftAge.URGENT: N_("Over 7 days"),
}


def draft_age(ended_at: datetime, now: datetime) -> tuple[DraftAge, timedelta]:
    """How long ago the session of an unsigned note ended (never negative), and what
    that age means: flagged after 24 hours, urgent after 7 days."""
    age = max(now - ended_at, timedelta(0))
    if age > DRAFT_URGENT_AFTER:
        return DraftAge.URGENT, age
    if age > DRAFT_FLAGGED_AFTER:
        return DraftAge.FLAGGED, age
    return DraftAge.RECENT, age


# Homework adherence is judged over the last two weeks (today included), and needs a
# look below one occurrence in two.
ADHERENCE_WINDOW_DAYS = 14
LOW_ADHERENCE_RATIO = 0.5


def adherence_window_start(today: date) -> date:
    """The first day of the adherence window that ends today."""
    return today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1)


def is_low_adherence(adherence: Adherence) -> bool:
    """Below 50 % of what was expected; nothing expected is not low."""
    ratio = adherence.ratio
    return ratio is not None and ratio < LOW_ADHERENCE_RATIO
