"""Clinical free text is encrypted at rest; the key ring can be rotated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import func, select, text

from tests import factories
from tests.factories import login, post_form
from tracker import create_app
from tracker.crypto import DataKeyError
from tracker.extensions import db
from tracker.models import Client, MedicalScreening, PendingSubmission
from tracker.services import pending


def _canary(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex}"


def _add_client_through_the_form(client, world, concerns: str, name: str) -> int:
    login(client, world.therapist_a)
    response = post_form(
        client,
        "/clients/new",
        {
            "preferred_name": name,
            "legal_name": f"{name} Legal",
            "status": "active",
            "presenting_concerns": concerns,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _raw(sql: str, **params) -> str | None:
    """Read a column as the database holds it, bypassing the ORM's decryption."""
    db.session.expire_all()
    return db.session.execute(text(sql), params).scalar_one()


@pytest.mark.sqlite_only
def test_the_database_file_never_holds_presenting_concerns(client, world):
    concerns = _canary("intergenerational-grief")
    name = _canary("Zebulon")
    client_id = _add_client_through_the_form(client, world, concerns, name)

    page = client.get(f"/clients/{client_id}").get_data(as_text=True)
    assert concerns in page  # the care team sees it …

    database = Path(db.engine.url.database)
    files = [database, *(database.with_name(database.name + s) for s in ("-wal", "-journal"))]
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    assert name.encode() in stored  # … the row is on disk (a plain field, as a control) …
    assert concerns.encode() not in stored  # … but the concerns are not, in any file


def test_raw_sql_reads_only_ciphertext(client, world):
    concerns = _canary("fear of abandonment")
    client_id = _add_client_through_the_form(client, world, concerns, "Ines")

    stored = _raw("SELECT presenting_concerns FROM client WHERE id = :id", id=client_id)
    assert stored
    assert concerns not in stored
    assert "abandonment" not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    matches = db.session.scalar(
        select(func.count()).select_from(Client).where(text("presenting_concerns LIKE :p")),
        {"p": f"%{concerns[-32:]}%"},
    )
    assert matches == 0
    assert db.session.get(Client, client_id).presenting_concerns == concerns


def test_the_same_text_encrypts_differently_each_time(world):
    text_ = _canary("same words")
    first = factories.make_client(world.therapist_a, presenting_concerns=text_)
    second = factories.make_client(world.therapist_a, presenting_concerns=text_)
    db.session.commit()
    sql = "SELECT presenting_concerns FROM client WHERE id = :id"
    assert _raw(sql, id=first.id) != _raw(sql, id=second.id)


def test_screening_notes_medications_and_allergies_are_encrypted(client, world):
    login(client, world.therapist_a)
    secrets_ = {name: _canary(name) for name in ("medications", "allergies", "notes")}
    response = post_form(
        client,
        f"/clients/{world.client_a.id}/screening",
        {"screened_on": date.today().isoformat(), "decision": "pending", **secrets_},
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    page = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    for column, value in secrets_.items():
        stored = _raw(
            f"SELECT {column} FROM medical_screening WHERE client_id = :id", id=world.client_a.id
        )
        assert value not in stored, column
        assert stored.startswith("gAAAAA"), column
        assert value in page, column  # while the care team reads it as typed


# --- key ring rotation ------------------------------------------------------------------


def _app(database_url: str, keys: list[str]) -> Flask:
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TRACKER_DATA_KEYS": ",".join(keys)}
    )


@contextmanager
def _running(app: Flask) -> Iterator[None]:
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def _read_everything(ids: dict[str, int]) -> tuple[str | None, ...]:
    db.session.expire_all()
    return (
        db.session.get(Client, ids["client"]).presenting_concerns,
        db.session.get(MedicalScreening, ids["screening"]).notes,
        db.session.get(PendingSubmission, ids["pending"]).payload,
    )


def test_rotating_the_data_key(instance_dir, database_url):
    key1, key2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    concerns, notes, typed = _canary("concerns"), _canary("notes"), _canary("typed")

    with _running(_app(database_url, [key1])):
        world = factories.build_world()
        record = factories.make_client(world.therapist_a, presenting_concerns=concerns)
        screening = MedicalScreening(
            client_id=record.id,
            screened_on=date.today(),
            decision="pending",
            notes=notes,
            recorded_by_id=world.therapist_a.id,
        )
        db.session.add(screening)
        db.session.flush()
        kept = pending.keep(world.therapist_a.id, "/x", [("presenting_concerns", typed)])
        db.session.commit()
        ids = {"client": record.id, "screening": screening.id, "pending": kept}
        before = _raw("SELECT presenting_concerns FROM client WHERE id = :id", id=record.id)

    # Before rotation, a ring without the old key cannot read the data.
    with _running(_app(database_url, [key2])), pytest.raises(DataKeyError):
        _read_everything(ids)

    both = _app(database_url, [key2, key1])
    with _running(both):
        assert _read_everything(ids)[:2] == (concerns, notes)
        assert typed in _read_everything(ids)[2]
        result = both.test_cli_runner().invoke(args=["rotate-data-key"])
        assert result.exit_code == 0, result.output
        assert "Re-encrypted" in result.output
        after = _raw("SELECT presenting_concerns FROM client WHERE id = :id", id=ids["client"])
        assert after != before
        assert concerns not in after

    with _running(_app(database_url, [key2])):
        values = _read_everything(ids)
        assert values[:2] == (concerns, notes)
        assert typed in values[2]

    # The old key alone no longer reads anything: it can be retired.
    with _running(_app(database_url, [key1])), pytest.raises(DataKeyError):
        _read_everything(ids)


def test_a_malformed_data_key_stops_the_app_from_starting(instance_dir, database_url):
    with pytest.raises(DataKeyError):
        _app(database_url, ["not-a-fernet-key"])
