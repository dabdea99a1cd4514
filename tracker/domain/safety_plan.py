"""The client's safety plan: its seven steps, what changed between versions, and how
the printed card fits on one page.

The steps follow the Safety Planning Intervention (Stanley & Brown 2012, Cogn Behav
Pract 19:256-264): recognise one's warning signs; use one's own coping strategies;
go to people and social settings that distract; ask people for help; contact
professionals and crisis services; make the surroundings safe; and, as in the
published form, the reasons for living. The plan is written with the client in
session; each save is a new version and earlier versions stay.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from tracker.domain.messages import N_
from tracker.domain.reports import client_number

MAX_SECTION_LENGTH = 2000


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # in the client's words: the portal and the card show these
    hint: str  # the Stanley-Brown prompt, for the form


STEPS: tuple[Step, ...] = (
    Step(
        "warning_signs",
        N_("My warning signs"),
        N_("Thoughts, images, moods, situations or behaviour that tell me a crisis may be coming."),
    ),
    Step(
        "internal_coping",
        N_("Things I can do on my own"),
        N_("To take my mind off my problems without contacting anyone: relaxing, moving, …"),
    ),
    Step(
        "distractions",
        N_("People and places that distract me"),
        N_("People and social settings that take my mind off things (names, places)."),
    ),
    Step(
        "help_contacts",
        N_("People I can ask for help"),
        N_("Names and phone numbers of people I can tell that I am struggling."),
    ),
    Step(
        "professionals",
        N_("Professionals and crisis lines"),
        N_(
            "Therapists, doctors and services to contact in a crisis, with their numbers. "
            "The practice's crisis numbers are printed with this step on the card."
        ),
    ),
    Step(
        "safe_environment",
        N_("Making my surroundings safe"),
        N_("How to keep means of harm (medicines, weapons, …) away or locked, and who helps."),
    ),
    Step(
        "reasons_for_living",
        N_("My reasons for living"),
        N_("What is most important to me and worth living for."),
    ),
)
STEP_KEYS = tuple(step.key for step in STEPS)


@dataclass(frozen=True)
class PlanStep:
    key: str
    number: int
    title: str
    text: str


@dataclass(frozen=True)
class PlanView:
    """One version of a plan as plain data for the pages and the card."""

    version: int
    saved_at: datetime
    saved_by: str
    steps: tuple[PlanStep, ...]


def cleaned(texts: Mapping[str, str | None]) -> dict[str, str]:
    """Every step's text, stripped of surrounding space ("" when empty)."""
    return {key: (texts.get(key) or "").strip() for key in STEP_KEYS}


def changed_steps(
    before: Mapping[str, str | None] | None, after: Mapping[str, str | None]
) -> list[str]:
    """Keys of the steps whose text differs (all non-empty ones for a first version)."""
    old = cleaned(before or {})
    new = cleaned(after)
    return [key for key in STEP_KEYS if old[key] != new[key]]


def is_blank(texts: Mapping[str, str | None]) -> bool:
    return not any(cleaned(texts).values())


def plan_view(
    version: int, saved_at: datetime, saved_by: str, texts: Mapping[str, str | None]
) -> PlanView:
    text = cleaned(texts)
    return PlanView(
        version=version,
        saved_at=saved_at,
        saved_by=saved_by,
        steps=tuple(
            PlanStep(step.key, number, step.title, text[step.key])
            for number, step in enumerate(STEPS, start=1)
        ),
    )


def download_name(client_id: int, version: int, saved_on: date) -> str:
    """The card's file name: the client number and version only, no name or text."""
    return f"safety-plan-{client_number(client_id)}-v{version}-{saved_on.isoformat()}.pdf"


# --- the printed card ---------------------------------------------------------------


@dataclass(frozen=True)
class CardSize:
    """A type size of the card and roughly how much text it holds on one A4 page."""

    name: str  # the CSS class on the card
    chars_per_line: int
    lines: int  # lines of step text that fit beside the headings and the crisis lines


# Measured on the bundled DejaVu Sans with the card stylesheet (css/safety_plan.css)
# and Germany's default crisis numbers: at 10 pt about 90 characters to a line and 28
# lines of step text fit on the page, at 8.5 pt 110 and 42, at 7 pt 130 and 56.
CARD_SIZES: tuple[CardSize, ...] = (
    CardSize("size-normal", chars_per_line=90, lines=28),
    CardSize("size-small", chars_per_line=110, lines=42),
    CardSize("size-smallest", chars_per_line=130, lines=56),
)


def text_lines(text: str, chars_per_line: int) -> int:
    """How many printed lines a step's text takes at a line length (wrapped paragraphs)."""
    return sum(max(1, math.ceil(len(line) / chars_per_line)) for line in text.splitlines() or [""])


def card_sizes(texts: Mapping[str, str | None]) -> tuple[CardSize, ...]:
    """The sizes to try, largest first, skipping those the text clearly overfills.

    The rendering decides (it counts the pages); this only saves renderings that
    would certainly run over. The smallest size is always tried.
    """
    text = cleaned(texts)
    fitting = [
        size
        for size in CARD_SIZES
        if sum(text_lines(value, size.chars_per_line) for value in text.values()) <= size.lines
    ]
    first = CARD_SIZES.index(fitting[0]) if fitting else len(CARD_SIZES) - 1
    return CARD_SIZES[first:]
