"""A page of a list, counted in the statement that loads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select

from tracker.extensions import db


@dataclass(frozen=True)
class ListPage:
    """One page of a list with the number of rows in the whole list (what
    ``flask_sqlalchemy``'s ``Pagination`` offers the pagination macro)."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def window_total(rows: list[Any], page: int, count: Callable[[], Select], params: dict) -> int:
    """The number of rows in the whole list, for a page read with a window count (a
    ``total`` column on every row): from its first row, or counted apart when a page
    past the end came back empty (``count`` builds that statement)."""
    if rows:
        return rows[0].total
    if page > 1:
        return db.session.scalar(count(), params)
    return 0
