"""Password rules (NIST SP 800-63B: length over composition rules)."""

from __future__ import annotations

from tracker.domain.messages import N_, Problem

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def password_problem(password: str, *, email: str = "") -> Problem | None:
    """Why ``password`` is not acceptable, or ``None`` when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Problem(N_("Use at least %(count)s characters."), {"count": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        return Problem(N_("Use at most %(count)s characters."), {"count": MAX_PASSWORD_LENGTH})
    if email and password.strip().lower() == email.strip().lower():
        return Problem(N_("Your password must not be your e-mail address."))
    if len(set(password)) < 4:
        return Problem(N_("This password is too easy to guess."))
    return None
