"""Engine settings that the database URL alone cannot express."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from tracker.extensions import db

# WAL lets readers and one writer work at once; FULL makes every commit durable
# across power loss even in WAL mode (NORMAL may lose the last transactions).
SQLITE_PRAGMAS = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("synchronous", "FULL"),
    ("busy_timeout", "5000"),
)


def _apply_sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    for name, value in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def configure_engines(app: Flask) -> None:
    """Install per-connection settings on the app's engine."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _apply_sqlite_pragmas)
