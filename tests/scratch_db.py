"""Throwaway databases for tests that need more than the per-test copy: a second
fresh database (seeding twice from scratch) or one to migrate down and up again.

SQLite: a copy of the migrated template file. PostgreSQL: a new schema, migrated
from scratch and dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tracker import create_app
from tracker.extensions import db


def _schema_url(url: str, schema: str) -> str:
    parsed = sa.engine.make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@contextmanager
def scratch_database_url(template, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated database of the same kind as ``template``."""
    if template.kind == "sqlite":
        target = tmp_path / f"scratch-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(template.location, target)
        yield f"sqlite:///{target}"
        return
    server = os.environ["TEST_DATABASE_URL"]
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = _schema_url(server, schema)
        with app_on(url):
            upgrade()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def app_on(url: str, **config) -> Iterator[Flask]:
    """An app on ``url`` with its own app context pushed (over the test's own)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **config})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
