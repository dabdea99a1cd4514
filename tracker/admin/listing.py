"""The admin area's read-only lists (audit trail, outbox): filtered, one page at a time."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select

from tracker.extensions import db
from tracker.web import filter_args, requested_page


class RowPagination(Pagination):
    """``db.paginate`` for a select of columns: its items are the rows as they are (the
    lists read plain values; no ORM object is built for a row shown once)."""

    def _query_items(self) -> list[Any]:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(query))

    def _query_count(self) -> int:
        rows = self._query_args["select"].order_by(None).subquery()
        return db.session.execute(select(func.count()).select_from(rows)).scalar_one()


def list_page(
    template: str, query: Select, *, page_size: str, filters: FlaskForm, valid: bool, **context: Any
) -> ResponseReturnValue:
    """One page of the rows of ``query`` (``page_size`` names the setting) under its
    filter form; a malformed filter answers 400, the service having listed without it."""
    page = RowPagination(
        select=query,
        page=requested_page(),
        per_page=current_app.config[page_size],
        max_per_page=None,
        error_out=False,
        count=True,
    )
    return render_template(
        template,
        page=page,
        filters=filters,
        # The chosen filters again, for the pager's links.
        query_args=filter_args(),
        **context,
    ), (200 if valid else 400)
