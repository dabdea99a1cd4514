"""The admin area's read-only lists (audit trail, outbox): filtered, one page at a time."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import Select

from tracker.extensions import db
from tracker.web import filter_args, requested_page


def list_page(
    template: str, query: Select, *, page_size: str, filters: FlaskForm, valid: bool, **context: Any
) -> ResponseReturnValue:
    """One page of ``query`` (``page_size`` names the setting) under its filter form; a
    malformed filter answers 400, the service having listed without it."""
    page = db.paginate(
        query,
        page=requested_page(),
        per_page=current_app.config[page_size],
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
