"""A signed note never changes: the service refuses, the ORM guard refuses, and the
database triggers refuse raw SQL (SQLite and PostgreSQL). Drafts use optimistic locking."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from tests.session_factories import (
    make_addendum,
    make_administration,
    make_brainspot,
    make_discharge,
    make_ready,
    make_session,
    make_vital,
    sign,
)
from tracker.domain.vitals import Reading
from tracker.extensions import db
from tracker.models import (
    Addendum,
    BrainspotRecord,
    ImmutableRecordError,
    KetamineAdministration,
    TherapySession,
    VitalSign,
)
from tracker.services import sessions as service


@pytest.fixture
def documented(world):
    """A KABSP medicine draft (in the past, with a note: it may be signed) with one
    dose (ready to be given: clearance, consent, the checklist and a reading before it),
    one brainspot and the discharge."""
    session = make_session(
        world.client_a, world.therapist_a, modality="kabsp", note={"subjective": "Calm."}
    )
    make_ready(session, reading_minutes=5)
    make_administration(session)
    make_brainspot(session)
    make_discharge(session)
    db.session.commit()
    return session


@pytest.fixture
def signed(documented, world):
    sign(documented, world.therapist_a)
    make_addendum(documented, world.therapist_a, "First correction.")
    db.session.commit()
    return documented


def raw(statement: str, **params):
    return db.session.execute(sa.text(statement), params)


def refused(statement: str, **params) -> None:
    """The statement fails in the database; the transaction is rolled back."""
    with pytest.raises(sa.exc.DatabaseError) as caught:
        raw(statement, **params)
    db.session.rollback()
    assert (
        "signed session" in str(caught.value)
        or "append-only" in str(caught.value)
        or ("cannot" in str(caught.value))
    )


def child_insert(model: type, session_id: int, user_id: int):
    """An INSERT that bypasses the ORM (Core, with the columns' own types)."""
    base = {"session_id": session_id, "recorded_by_id": user_id}
    rows = {
        VitalSign: {"taken_at": db.func.now(), "heart_rate": 70},
        KetamineAdministration: {
            "route": "im",
            "dose_mg": Decimal("60"),
            "weight_kg": Decimal("80"),
            "mg_per_kg": Decimal("0.75"),
            "given_at": db.func.now(),
        },
        BrainspotRecord: {
            "spot_type": "resource",
            "method": "rolling",
            "eye": "left",
            "x": 0,
            "y": 0,
        },
    }
    return sa.insert(model.__table__).values(**base, **rows[model], created_at=db.func.now())


CHILD_UPDATES = {
    "vital_sign": "heart_rate = 200",
    "ketamine_administration": "dose_mg = 999",
    "brainspot_record": "suds_end = 0",
}
CHILDREN = {
    "vital_sign": VitalSign,
    "ketamine_administration": KetamineAdministration,
    "brainspot_record": BrainspotRecord,
}


def count(model: type, session_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.session_id == session_id)
    )


# --- raw SQL on a signed session fails ------------------------------------------------


@pytest.mark.parametrize(
    "assignment",
    ["duration_minutes = 10", "status = 'draft'", "note_body = NULL", "version = version + 1"],
)
def test_raw_update_of_a_signed_session_fails(signed, assignment):
    refused(f"UPDATE therapy_session SET {assignment} WHERE id = :id", id=signed.id)
    db.session.expire_all()
    row = db.session.get(TherapySession, signed.id)
    assert row.status == "signed" and row.duration_minutes == 180


def test_raw_update_of_a_draft_succeeds(documented):
    result = raw(
        "UPDATE therapy_session SET duration_minutes = 10 WHERE id = :id", id=documented.id
    )
    assert result.rowcount == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(TherapySession, documented.id).duration_minutes == 10


def test_raw_delete_of_a_signed_session_fails(world):
    session = make_session(world.client_a, world.therapist_a)
    sign(session, world.therapist_a)
    db.session.commit()
    refused("DELETE FROM therapy_session WHERE id = :id", id=session.id)
    assert db.session.get(TherapySession, session.id) is not None


def test_raw_delete_of_a_draft_succeeds(world):
    session = make_session(world.client_a, world.therapist_a)
    db.session.commit()
    assert raw("DELETE FROM therapy_session WHERE id = :id", id=session.id).rowcount == 1
    db.session.commit()


@pytest.mark.parametrize("table", sorted(CHILDREN))
def test_raw_update_of_a_signed_sessions_part_fails(signed, table):
    assert count(CHILDREN[table], signed.id) == 1
    refused(f"UPDATE {table} SET {CHILD_UPDATES[table]} WHERE session_id = :id", id=signed.id)


@pytest.mark.parametrize("table", sorted(CHILDREN))
def test_raw_delete_of_a_signed_sessions_part_fails(signed, table):
    refused(f"DELETE FROM {table} WHERE session_id = :id", id=signed.id)
    assert count(CHILDREN[table], signed.id) == 1


@pytest.mark.parametrize("table", sorted(CHILDREN))
def test_raw_insert_into_a_signed_session_fails(signed, world, table):
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(child_insert(CHILDREN[table], signed.id, world.therapist_a.id))
    db.session.rollback()
    assert count(CHILDREN[table], signed.id) == 1


@pytest.mark.parametrize("table", sorted(CHILDREN))
def test_raw_changes_to_a_drafts_parts_succeed(documented, world, table):
    model = CHILDREN[table]
    result = raw(
        f"UPDATE {table} SET {CHILD_UPDATES[table]} WHERE session_id = :id", id=documented.id
    )
    assert result.rowcount == 1
    db.session.execute(child_insert(model, documented.id, world.therapist_a.id))
    assert count(model, documented.id) == 2
    if table == "brainspot_record":  # no spot links here, but keep the FK order safe
        raw(
            "UPDATE brainspot_record SET earlier_spot_id = NULL WHERE session_id = :id",
            id=documented.id,
        )
    assert raw(f"DELETE FROM {table} WHERE session_id = :id", id=documented.id).rowcount == 2
    db.session.commit()
    assert count(model, documented.id) == 0


@pytest.mark.parametrize("table", sorted(CHILDREN))
def test_a_part_cannot_be_moved_into_a_signed_session(signed, world, table):
    draft = make_session(world.client_a, world.therapist_a, modality="kabsp")
    {
        "vital_sign": make_vital,
        "ketamine_administration": make_administration,
        "brainspot_record": make_brainspot,
    }[table](draft)
    db.session.commit()
    refused(
        f"UPDATE {table} SET session_id = :signed WHERE session_id = :draft",
        signed=signed.id,
        draft=draft.id,
    )
    assert count(CHILDREN[table], draft.id) == 1


def test_addenda_are_append_only_in_the_database(signed, world):
    addendum_id = signed.addenda[0].id
    refused("UPDATE addendum SET body = 'rewritten' WHERE id = :id", id=addendum_id)
    refused("DELETE FROM addendum WHERE id = :id", id=addendum_id)
    # Appending is what addenda are for.
    db.session.execute(
        sa.insert(Addendum.__table__).values(
            session_id=signed.id, author_id=world.therapist_a.id, body="x", created_at=db.func.now()
        )
    )
    db.session.commit()
    assert count(Addendum, signed.id) == 2
    db.session.expire_all()
    assert db.session.get(Addendum, addendum_id).body == "First correction."


def test_addenda_of_a_draft_are_append_only_too(documented, world):
    addendum = make_addendum(documented, world.therapist_a)
    db.session.commit()
    refused("DELETE FROM addendum WHERE id = :id", id=addendum.id)


# --- the ORM guard ----------------------------------------------------------------------


def guarded(action) -> None:
    with pytest.raises(ImmutableRecordError):
        action()
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_changing_a_signed_session(signed):
    def change():
        signed.duration_minutes = 10

    guarded(change)


def test_orm_refuses_unsigning(signed):
    def unsign():
        signed.status = "draft"

    guarded(unsign)


def test_orm_refuses_deleting_a_signed_session(signed):
    guarded(lambda: db.session.delete(signed))


@pytest.mark.parametrize("part", ["vitals", "administrations", "brainspots"])
def test_orm_refuses_changing_or_deleting_parts_of_a_signed_session(signed, part):
    item = getattr(signed, part)[0]
    attribute = {"vitals": "heart_rate", "administrations": "lot_number", "brainspots": "suds_end"}

    def change():
        setattr(
            item, attribute[part], {"vitals": 99, "administrations": "L2", "brainspots": 0}[part]
        )

    guarded(change)
    item = getattr(signed, part)[0]
    guarded(lambda: db.session.delete(item))


def test_orm_refuses_adding_parts_to_a_signed_session(signed, world):
    guarded(
        lambda: db.session.add(
            VitalSign(
                session=signed,
                taken_at=signed.starts_at,
                heart_rate=70,
                recorded_by_id=world.therapist_a.id,
            )
        )
    )
    # Given only the session's id, as the services build rows.
    guarded(
        lambda: db.session.add(
            VitalSign(
                session_id=signed.id,
                taken_at=signed.starts_at,
                heart_rate=70,
                recorded_by_id=world.therapist_a.id,
            )
        )
    )
    assert count(VitalSign, signed.id) == 1


def test_orm_refuses_moving_a_part_out_of_a_signed_session(signed, world):
    draft = make_session(world.client_a, world.therapist_a)
    db.session.commit()
    vital = signed.vitals[0]

    def move():
        vital.session_id = draft.id

    guarded(move)
    assert count(VitalSign, signed.id) == 1


def test_orm_refuses_changing_or_deleting_addenda(signed):
    addendum = signed.addenda[0]

    def rewrite():
        addendum.body = "rewritten"

    guarded(rewrite)
    addendum = signed.addenda[0]
    guarded(lambda: db.session.delete(addendum))


def test_orm_allows_drafts_to_change_and_to_be_signed(documented, world):
    documented.duration_minutes = 120
    documented.vitals[0].heart_rate = 75
    db.session.delete(documented.brainspots[0])
    db.session.flush()
    sign(documented, world.therapist_a)  # draft -> signed in one flush is allowed
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(TherapySession, documented.id)
    assert row.status == "signed" and row.duration_minutes == 120


# --- the service ------------------------------------------------------------------------


def note_data(session: TherapySession, **overrides):
    data = {name: getattr(session, name) for name in service.SESSION_FIELDS}
    data.update(overrides)
    return data


def test_service_refuses_every_change_to_a_signed_session(signed, world):
    with pytest.raises(service.SignedSessionError):
        service.update_session(signed, note_data(signed), {"plan": "x"}, signed.version)
    with pytest.raises(service.SignedSessionError):
        service.sign_session(signed, world.therapist_a, signed.version)
    with pytest.raises(service.SignedSessionError):
        service.add_vitals(signed, world.therapist_a, [(signed.starts_at, Reading(120, 80), "")])
    with pytest.raises(service.SignedSessionError):
        service.add_brainspot(
            signed,
            world.therapist_a,
            {"spot_type": "resource", "method": "rolling", "eye": "left", "x": 0, "y": 0},
        )
    with pytest.raises(service.SignedSessionError):
        service.delete_part(signed, VitalSign, signed.vitals[0].id)
    request = service.DoseRequest(
        route="im",
        dose_mg=Decimal("60"),
        weight_kg=Decimal("80"),
        given_at=signed.starts_at + timedelta(minutes=30),
        lot_number="",
        prescriber_id=None,
        adjuncts="",
        sitter="",
        unusual_confirmed=False,
        unusual_reason="",
        override_reason="",
    )
    with pytest.raises(service.SignedSessionError):
        service.add_administration(signed, world.practice, world.therapist_a, request)


def test_signing_records_who_and_when(documented, world):
    service.sign_session(documented, world.therapist_a, expected_version=1)
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(TherapySession, documented.id)
    assert row.status == "signed"
    assert row.signed_by_id == world.therapist_a.id
    assert row.signed_at is not None


def test_signing_works_when_the_loaded_session_and_signer_are_expired(documented, world):
    """After a commit everything is expired: reading the signer's id autoflushes, and
    the status is set before its old value was loaded. Neither may block signing."""
    db.session.expire_all()
    service.sign_session(documented, world.therapist_a, expected_version=1)
    db.session.commit()
    db.session.expire_all()
    documented.status = "signed"  # no change, old value not loaded
    db.session.flush()
    row = stored_session(documented.id)
    assert row.status == "signed" and row.signed_by_id == world.therapist_a.id


def test_signing_an_expired_draft_directly_is_allowed(documented, world):
    signer_id = world.therapist_a.id
    db.session.expire_all()
    documented.signed_by_id = signer_id
    documented.status = "signed"  # set before the old value was loaded
    db.session.commit()
    assert stored_session(documented.id).status == "signed"


def stored_session(session_id: int) -> TherapySession:
    db.session.expire_all()
    return db.session.get(TherapySession, session_id)


def test_stale_version_is_refused_by_the_service(documented):
    service.update_session(documented, note_data(documented), {"plan": "First save."}, 1)
    db.session.commit()
    assert documented.version == 2
    with pytest.raises(service.StaleEditError) as caught:
        service.update_session(documented, note_data(documented), {"plan": "Second save."}, 1)
    assert caught.value.current.version == 2
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(TherapySession, documented.id).note_sections_text == {
        "plan": "First save."
    }


def test_a_save_racing_another_save_is_refused(documented, app):
    """Two requests both pass the version check; the second UPDATE matches no row."""
    loaded = db.session.get(TherapySession, documented.id)
    assert loaded.version == 1
    with OrmSession(db.engine) as other:
        theirs = other.get(TherapySession, documented.id)
        theirs.note_body = '{"plan": "Theirs."}'
        other.commit()
    with pytest.raises(service.StaleEditError) as caught:
        service.update_session(loaded, note_data(loaded), {"plan": "Mine."}, expected_version=1)
    assert caught.value.current.version == 2
    db.session.expire_all()
    assert db.session.get(TherapySession, documented.id).note_sections_text == {"plan": "Theirs."}


def test_sign_with_a_stale_version_is_refused(documented, world):
    service.update_session(documented, note_data(documented), {"plan": "Changed."}, 1)
    db.session.commit()
    with pytest.raises(service.StaleEditError):
        service.sign_session(documented, world.therapist_a, expected_version=1)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(TherapySession, documented.id).status == "draft"
