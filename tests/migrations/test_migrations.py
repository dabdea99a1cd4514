"""The migrations build exactly the schema the models describe, and go down and up."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.scratch_db import app_on, scratch_database_url
from tracker import PROJECT_ROOT
from tracker.extensions import db

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def _plain(default: str | None) -> str | None:
    """A server default without the quoting and parentheses SQLite reflects it with."""
    if default is None:
        return None
    text = default.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return re.sub(r"^'(.*)'$", r"\1", text)


def _same_server_default(
    context, inspected_column, metadata_column, inspected_default, metadata_default, rendered
):
    """``False`` (no difference) when only the quoting differs; else Alembic decides."""
    if _plain(inspected_default) == _plain(rendered):
        return False
    return None


def schema_differences(connection: sa.Connection) -> list:
    """What ``flask db migrate`` would generate against this database: types (a
    TypeDecorator is compared by its ``impl``), server defaults, indexes, constraints."""
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": _same_server_default},
    )
    return compare_metadata(context, db.metadata)


def _head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()


def _current_revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        assert _current_revision(connection) == _head()
        assert schema_differences(connection) == []


def test_the_comparison_notices_a_difference(database_template, tmp_path):
    """Guard against a comparison that can never fail: drop an index, see it reported."""
    with scratch_database_url(database_template, tmp_path) as url, app_on(url):
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP INDEX ix_consent_client_id"))
        with db.engine.connect() as connection:
            differences = schema_differences(connection)
    assert [d[0] for d in differences] == ["add_index"]
    assert differences[0][1].name == "ix_consent_client_id"


def _application_objects(connection: sa.Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    found = {"tables": set(inspector.get_table_names()) - {"alembic_version"}}
    if connection.dialect.name == "postgresql":
        found["functions"] = set(
            connection.execute(
                sa.text(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
                    "ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
                )
            ).scalars()
        )
    else:
        found["triggers"] = set(
            connection.execute(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
        )
    return found


def _audit_trail_is_append_only(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_event (occurred_at, action, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'test.event', '')"
            )
        )
    for statement in ("UPDATE audit_event SET detail = 'changed'", "DELETE FROM audit_event"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text(statement))


def test_downgrade_to_base_and_upgrade_to_head_again(database_template, tmp_path):
    with scratch_database_url(database_template, tmp_path) as url, app_on(url):
        downgrade(directory=MIGRATIONS, revision="base")
        with db.engine.connect() as connection:
            assert _current_revision(connection) is None
            leftovers = _application_objects(connection)
        assert all(not names for names in leftovers.values()), leftovers

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert _current_revision(connection) == _head()
            assert schema_differences(connection) == []
            assert set(_application_objects(connection)["tables"]) == set(db.metadata.tables)
        _audit_trail_is_append_only(db.engine)
