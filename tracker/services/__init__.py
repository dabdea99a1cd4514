"""Database work per area. Services flush, never commit, and never read ``request``."""

from __future__ import annotations


class NotFound(LookupError):
    """The record does not exist or the actor may not know it exists (answered as 404)."""


class Forbidden(PermissionError):
    """The actor may see the record but not do this to it (answered as 403)."""
