"""Test fixtures: a migrated database per worker, a fresh copy per test, and a small
world of two therapists, two clients, an admin and their records.

Set ``TEST_DATABASE_URL`` (a PostgreSQL URL) to run the database tests on PostgreSQL;
each xdist worker then migrates its own schema and empties it between tests
(``TEST_SCHEMA_PREFIX`` prefixes the schema names, default ``tracker_test_``).
"""

from __future__ import annotations

import contextvars
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

os.environ["TRACKER_ENV"] = "testing"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tests import factories
from tracker import create_app
from tracker.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogues() -> None:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older (``.mo`` files are
    not in git), so ``pytest`` alone renders the translated pages.

    Written to a temporary file and renamed: parallel workers never read half a file.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)


def pytest_sessionstart(session) -> None:
    compile_catalogues()


def pytest_collection_modifyitems(config, items) -> None:
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="checks the embedded SQLite set-up")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


@dataclass(frozen=True)
class DatabaseTemplate:
    kind: str  # "sqlite" or "postgresql"
    location: str  # template file path, or the schema-scoped URL


def _schema_url(url: str, schema: str) -> str:
    parsed = sa.engine.make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["TRACKER_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def database_template(
    tmp_path_factory, instance_dir, worker_id, testrun_uid
) -> Iterator[DatabaseTemplate]:
    if ON_POSTGRES:
        # Unique per run and worker: parallel runs on one server never share a schema.
        schema = f"tracker_test_{testrun_uid[:8]}_{worker_id}"
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = _schema_url(TEST_DATABASE_URL, schema)
        _migrate(url)
        yield DatabaseTemplate("postgresql", url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "tracker.sqlite3"
        _migrate(f"sqlite:///{path}")
        yield DatabaseTemplate("sqlite", str(path))


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()


_cleanup_engines: dict[str, sa.Engine] = {}


def _empty_postgres(url: str) -> None:
    """Delete every row (DELETE is much faster than TRUNCATE on small tables)."""
    engine = _cleanup_engines.get(url) or _cleanup_engines.setdefault(url, sa.create_engine(url))
    with engine.begin() as conn:
        # Triggers (append-only tables, signed notes) are bypassed for the clean-up only.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(db.metadata.sorted_tables):
            conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
        # Fresh ids per test, as on a new database.
        for table in db.metadata.sorted_tables:
            conn.exec_driver_sql(f'ALTER SEQUENCE IF EXISTS "{table.name}_id_seq" RESTART WITH 1')


@pytest.fixture
def database_url(database_template, tmp_path) -> Iterator[str]:
    if database_template.kind == "sqlite":
        target = tmp_path / "tracker.sqlite3"
        shutil.copyfile(database_template.location, target)
        yield f"sqlite:///{target}"
    else:
        yield database_template.location
        _empty_postgres(database_template.location)


@pytest.fixture
def app_config() -> dict:
    """Per-test config overrides; a test may override this fixture."""
    return {}


class IsolatedClient(FlaskClient):
    """Runs each request in an empty ``contextvars`` context.

    The ``app`` fixture keeps an app context pushed for the test body; without this,
    Flask would reuse it for every request, sharing ``g`` (and the signed-in user)
    and the database session between requests and between test clients.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, app_config) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **app_config})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(app) -> factories.World:
    """Two therapists each with one client (who has a portal account), and an admin."""
    return factories.build_world()


@pytest.fixture
def login(app):
    """``login(client, user_or_email, password=...)`` signs a test client in."""
    return factories.login


@contextmanager
def _counting(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:`` records every SQL statement sent."""
    return lambda: _counting(db.engine)


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) the app sends to: its ``Inbox`` (tests/mailbox.py)."""
    from tests.mailbox import running_inbox

    with running_inbox() as (inbox, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        yield inbox
