"""The demo practice is recorded through the services, at the moments it describes: the
prescriber decides on the care team, notes are signed after their sessions, and
nothing is dated the day of seeding that happened weeks before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tracker.demo import seed_demo
from tracker.domain.policy import CareTeamRole
from tracker.extensions import db
from tracker.models import (
    Client,
    HomeworkEntry,
    KetamineAdministration,
    MedicalScreening,
    TherapySession,
)
from tracker.models.base import utcnow


@pytest.fixture
def seeded(app):
    before = utcnow()
    practice, created = seed_demo(env_name="testing")
    assert created
    db.session.expire_all()
    return practice, before


def test_the_prescriber_decides_clearance_on_the_care_team_when_the_client_was_screened(seeded):
    for screening in db.session.scalars(
        select(MedicalScreening).where(MedicalScreening.decided_by_id.is_not(None))
    ):
        client = db.session.get(Client, screening.client_id)
        roles = {member.user_id: member.role for member in client.care_team}
        assert roles.get(screening.decided_by_id) == CareTeamRole.PRESCRIBER
        assert screening.decided_at.date() == screening.screened_on


def test_notes_are_signed_after_their_sessions_not_on_the_day_of_seeding(seeded):
    _, before = seeded
    signed = db.session.scalars(select(TherapySession).where(TherapySession.status == "signed"))
    for session in signed:
        assert session.signed_at == session.ends_at + timedelta(minutes=30)
        assert session.signed_at < before


def test_doses_name_a_prescriber_of_the_care_team_and_overrides_their_moment(seeded):
    doses = db.session.scalars(select(KetamineAdministration)).all()
    assert doses and all(dose.prescriber_id is not None for dose in doses)
    (held,) = [dose for dose in doses if dose.override_findings]
    assert held.override_at == held.given_at - timedelta(minutes=1)


def test_homework_was_done_on_its_own_evenings(seeded):
    entries = db.session.scalars(select(HomeworkEntry)).all()
    assert entries
    for entry in entries:
        assert entry.completed_at.date() == entry.occurrence_date
