"""Database work per area. Services flush, never commit, and never read ``request``."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.domain.messages import Problem

FORM = ""  # the key of a problem that belongs to the whole form, not to one field


class NotFound(LookupError):
    """The record does not exist or the actor may not know it exists (answered as 404)."""


class Forbidden(PermissionError):
    """The actor may see the record but not do this to it (answered as 403)."""


class Rejected(ValueError):
    """Input that breaks a rule. ``problems`` maps form field names to messages
    (``FORM`` for a problem of the whole form); the web layer shows each beside its
    field with ``tracker.web.show_problems``."""

    def __init__(self, problems: Mapping[str, Problem] | Problem, field: str = FORM) -> None:
        if isinstance(problems, Problem):
            problems = {field: problems}
        self.problems: dict[str, Problem] = dict(problems)
        super().__init__(", ".join(name or "form" for name in self.problems))

    @property
    def problem(self) -> Problem:
        """The first problem (for rules that only ever find one)."""
        return next(iter(self.problems.values()))
