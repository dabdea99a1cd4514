"""Translatable messages produced by pure domain code.

The domain may not import Flask-Babel, so it marks its messages with ``N_`` (picked
up by ``pybabel extract``) and returns them untranslated with their parameters; the
web layer translates them with ``gettext(problem.message, **problem.params)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it."""
    return message


@dataclass(frozen=True)
class Problem:
    message: str
    params: dict[str, object] = field(default_factory=dict)
