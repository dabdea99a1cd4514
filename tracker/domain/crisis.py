"""The crisis box: the numbers a client can call now, on every portal page.

A practice types its own lines, one per line as "label: number" (``crisis_problem``
checks them when the admin saves; ``crisis_box`` reads them leniently, so text stored
before the format existed still shows). Without its own lines, a practice shows the
defaults of the country it chose for them; elsewhere a neutral wording ("your local
emergency number") with no number, because a wrong number is worse than none.

Defaults and their sources:
- Germany: 112, the emergency number for the ambulance and the fire service (the single
  European emergency number, Council Decision 91/396/EEC); TelefonSeelsorge, free and
  anonymous, day and night: 0800 111 0 111, 0800 111 0 222 and 116 123
  (https://www.telefonseelsorge.de); 116 117, the medical on-call service of the
  statutory health insurance for when the doctor's practice is closed
  (https://www.116117.de, Kassenärztliche Bundesvereinigung).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.domain.messages import N_, Problem

NEUTRAL = ""
GERMANY = "DE"

# The countries whose defaults we know, for the practice setting ("" = elsewhere).
COUNTRY_LABELS = {
    NEUTRAL: N_("Elsewhere (no numbers)"),
    GERMANY: N_("Germany"),
}

MAX_LINES = 12
MAX_LABEL_LENGTH = 120
MIN_DIGITS = 3
MAX_DIGITS = 20
# "label: number": the label is everything before the last colon; the number digits
# with the usual separators, optionally starting with "+".
_LINE = re.compile(r"^(?P<label>.+):\s*(?P<number>\+?[0-9][0-9 ()/.\-]*)$")


@dataclass(frozen=True)
class CrisisLine:
    """One number to call, or (``number`` None) a line of text kept as it was typed."""

    label: str
    number: str | None = None
    # Our own default labels are translated for the reader; a practice's text is not.
    translatable: bool = False

    @property
    def tel(self) -> str | None:
        """The ``tel:`` URI of the number (digits and a leading "+" only)."""
        if self.number is None:
            return None
        international = self.number.startswith("+")
        # "+49 (0)30 …": the bracketed trunk zero is not dialled from abroad.
        number = self.number.replace("(0)", "") if international else self.number
        digits = re.sub(r"\D", "", number)
        return f"tel:+{digits}" if international else f"tel:{digits}"


@dataclass(frozen=True)
class CrisisGroup:
    """Consecutive lines with the same label, shown as one label with its numbers."""

    label: str
    lines: tuple[CrisisLine, ...]
    translatable: bool = False


@dataclass(frozen=True)
class CrisisBox:
    groups: tuple[CrisisGroup, ...]
    from_defaults: bool

    @property
    def has_numbers(self) -> bool:
        return any(line.number for group in self.groups for line in group.lines)


def _default(label: str, *numbers: str) -> tuple[CrisisLine, ...]:
    return tuple(CrisisLine(label, number, translatable=True) for number in numbers)


DEFAULTS: dict[str, tuple[CrisisLine, ...]] = {
    NEUTRAL: (),
    GERMANY: (
        *_default(N_("Emergency (ambulance and fire service)"), "112"),
        *_default(
            N_("TelefonSeelsorge, free and anonymous, day and night"),
            "0800 111 0 111",
            "0800 111 0 222",
            "116 123",
        ),
        *_default(N_("Medical on-call service, when your doctor's practice is closed"), "116 117"),
    ),
}


def _parse_line(line: str) -> CrisisLine | None:
    match = _LINE.match(line)
    if match is None:
        return None
    label, number = match["label"].strip(), match["number"].strip()
    digits = sum(character.isdigit() for character in number)
    if not label or not MIN_DIGITS <= digits <= MAX_DIGITS:
        return None
    return CrisisLine(label, number)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def crisis_problem(text: str | None) -> Problem | None:
    """What is wrong with a practice's crisis lines as typed, or None (empty is fine)."""
    lines = _lines(text)
    if len(lines) > MAX_LINES:
        return Problem(N_("At most %(max)s lines."), {"max": MAX_LINES})
    for number, line in enumerate(lines, start=1):
        parsed = _parse_line(line)
        if parsed is None:
            return Problem(
                N_(
                    "Line %(line)s is not “label: number”. Write one number per line, "
                    "for example “Crisis line, free, day and night: 0800 111 0 111”."
                ),
                {"line": number},
            )
        if len(parsed.label) > MAX_LABEL_LENGTH:
            return Problem(
                N_("Line %(line)s: keep the label under %(max)s characters."),
                {"line": number, "max": MAX_LABEL_LENGTH},
            )
    return None


def _grouped(lines: tuple[CrisisLine, ...]) -> tuple[CrisisGroup, ...]:
    groups: list[CrisisGroup] = []
    for line in lines:
        previous = groups[-1] if groups else None
        if previous and line.number and previous.lines[-1].number and previous.label == line.label:
            groups[-1] = CrisisGroup(previous.label, (*previous.lines, line), line.translatable)
        else:
            groups.append(CrisisGroup(line.label, (line,), line.translatable))
    return tuple(groups)


def crisis_box(text: str | None, country: str | None) -> CrisisBox:
    """The practice's own lines when it typed any, else its country's defaults."""
    typed = _lines(text)
    if typed:
        lines = tuple(_parse_line(line) or CrisisLine(line) for line in typed)
        return CrisisBox(_grouped(lines), from_defaults=False)
    defaults = DEFAULTS.get(country or NEUTRAL, DEFAULTS[NEUTRAL])
    return CrisisBox(_grouped(defaults), from_defaults=True)
