"""Outcome-measure instruments: one module per instrument, and the registry by code.

Each item-scored instrument is one module holding one ``Instrument``: its items and
answer options, the range of its total, its scoring function, severity bands, flags with
their labels, reliable-change rule, chart bands and the published sources of the text and
of the rules (``phq9``, ``gad7``, ``pcl5``, ``who5``, ``ace``, ``cssrs``). The instruments
entered as scores by the therapist share one shape and live together in ``scores_only``.
``tracker.domain.scoring`` scores and judges change by looking the code up here; an
unknown code raises ``ValueError`` in every lookup (``UnknownInstrument`` is also a
``KeyError``, so ``Mapping.get`` and ``in`` behave as usual).

Adding an instrument is one module, its catalogue strings and its tests:
1. write ``tracker/domain/instruments/<code>.py`` with the ``Instrument`` (mark every
   text the respondent or the clinician reads with ``N_``; cite the sources in the module
   docstring and in ``source`` / ``scoring_source``; only item text that may be
   reproduced freely);
2. list its ``Instrument`` in ``ITEM_INSTRUMENTS`` below (that order is the order on
   every page);
3. run ``make translations``: translate our own texts (name, introduction, labels); the
   instrument's own text only where a published version may be reproduced, listed in
   ``translated_locales``, else it stays English (``msgstr`` equal to ``msgid``) and the
   page says why (``tests/i18n`` knows which stay English);
4. test its scoring at every band and flag boundary in ``tests/domain``.
Forms, the portal, the clinician pages, trends, charts, reports and safety alerts all
read the instrument from the registry: nothing else needs to change.

Translations of item text are never our own: an instrument is shown in another language
only where a published, validated version may be reproduced freely. German: PHQ-9
(PHQ-D), GAD-7 and WHO-5. PCL-5, ACE and C-SSRS stay in English in every language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from tracker.domain.instruments import ace, cssrs, gad7, pcl5, phq9, who5
from tracker.domain.instruments.base import (
    FREQUENCY_2_WEEKS,
    NO_YES,
    AnswerOption,
    Band,
    ChartBand,
    Instrument,
    ReliableChange,
    Score,
    ScoreField,
    ScoresOnlyInstrument,
    band_of,
)
from tracker.domain.instruments.scores_only import SCORES_ONLY_INSTRUMENTS

__all__ = [
    "ACE",
    "ALL_CODES",
    "CSSRS",
    "FREQUENCY_2_WEEKS",
    "GAD7",
    "ITEM_INSTRUMENTS",
    "NO_YES",
    "PCL5",
    "PHQ9",
    "SCORES_ONLY",
    "WHO5",
    "AnswerOption",
    "Band",
    "ChartBand",
    "Instrument",
    "Registry",
    "ReliableChange",
    "Score",
    "ScoreField",
    "ScoresOnlyInstrument",
    "UnknownInstrument",
    "band_of",
    "flag_labels",
    "instrument_for",
    "scores_only_for",
    "short_name",
]

PHQ9 = phq9.PHQ9
GAD7 = gad7.GAD7
PCL5 = pcl5.PCL5
WHO5 = who5.WHO5
ACE = ace.ACE
CSSRS = cssrs.CSSRS


class UnknownInstrument(KeyError, ValueError):
    """A code that is not in the registry (a ``ValueError``, and a ``KeyError`` for
    ``Mapping`` semantics)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """A read-only mapping of instruments by code, in page order."""

    def __init__(self, kind: str, entries: tuple[T, ...]) -> None:
        self._kind = kind
        self._entries: dict[str, T] = {}
        for entry in entries:
            code = entry.code  # type: ignore[attr-defined]
            if code in self._entries:
                raise ValueError(f"instrument {code!r} registered twice")
            self._entries[code] = entry

    def __getitem__(self, code: str) -> T:
        try:
            return self._entries[code]
        except (KeyError, TypeError):
            raise UnknownInstrument(f"unknown {self._kind} instrument {code!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._entries

    def __repr__(self) -> str:
        return f"Registry({self._kind}: {', '.join(self._entries)})"


ITEM_INSTRUMENTS: Registry[Instrument] = Registry(
    "item-scored", (PHQ9, GAD7, PCL5, WHO5, ACE, CSSRS)
)
SCORES_ONLY: Registry[ScoresOnlyInstrument] = Registry("scores-only", SCORES_ONLY_INSTRUMENTS)

ALL_CODES = (*ITEM_INSTRUMENTS, *SCORES_ONLY)


def instrument_for(code: str) -> Instrument:
    """The item-scored instrument ``code``; ``ValueError`` for any other code."""
    if code in SCORES_ONLY:
        raise UnknownInstrument(f"{code}: entered as scores, not scored from item answers")
    if code not in ITEM_INSTRUMENTS:
        raise UnknownInstrument(f"unknown instrument {code!r}")
    return ITEM_INSTRUMENTS[code]


def scores_only_for(code: str) -> ScoresOnlyInstrument:
    """The scores-only instrument ``code``; ``ValueError`` for any other code."""
    return SCORES_ONLY[code]


def short_name(code: str) -> str:
    """The display name of any instrument code; ``ValueError`` for an unknown one."""
    if code in ITEM_INSTRUMENTS:
        return ITEM_INSTRUMENTS[code].short_name
    if code in SCORES_ONLY:
        return SCORES_ONLY[code].short_name
    raise UnknownInstrument(f"unknown instrument {code!r}")


def flag_labels() -> dict[str, str]:
    """Every flag any instrument raises, with its label (one label per flag)."""
    labels: dict[str, str] = {}
    for instrument in (*ITEM_INSTRUMENTS.values(), *SCORES_ONLY.values()):
        for flag, label in instrument.flag_labels.items():
            if labels.setdefault(flag, label) != label:
                raise ValueError(f"flag {flag!r} has two labels")
    return labels
