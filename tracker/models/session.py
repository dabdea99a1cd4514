"""Session documentation: the session and its note, dosing, vitals, brainspots, addenda.

A signed session never changes: the service refuses, and database triggers (see
migration 0002) refuse UPDATE/DELETE of a signed session and any change to the
administrations, vitals and brainspots of a signed session. Addenda are append-only.
A signed session "entered in error" gets a ``SessionVoid`` row (append-only, migration
0010): the session row itself stays as it was signed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.client import Client
from tracker.models.user import User


class TherapySession(Base):
    __tablename__ = "therapy_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    modality: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    setting: Mapped[str] = mapped_column(String(30))
    intention: Mapped[str | None] = mapped_column(EncryptedText)
    note_format: Mapped[str] = mapped_column(String(10))
    # JSON object {section key: text}, encrypted as a whole.
    note_body: Mapped[str | None] = mapped_column(EncryptedText)
    summary: Mapped[str | None] = mapped_column(EncryptedText)
    suicide_screen: Mapped[str] = mapped_column(String(20))
    risk_follow_up: Mapped[str | None] = mapped_column(EncryptedText)
    # active_history: the guard in models/__init__.py needs the value before a change
    # even when the attribute was expired (e.g. after a commit) when it was set.
    status: Mapped[str] = mapped_column(
        String(10), default="draft", server_default="draft", active_history=True
    )
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Keys of the practice's pre-dose checklist ticked for this session (JSON list).
    checklist_done: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()
    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    administrations: Mapped[list[KetamineAdministration]] = relationship(
        back_populates="session", order_by="KetamineAdministration.given_at"
    )
    vitals: Mapped[list[VitalSign]] = relationship(
        back_populates="session", order_by="VitalSign.taken_at"
    )
    brainspots: Mapped[list[BrainspotRecord]] = relationship(
        back_populates="session",
        order_by="BrainspotRecord.id",
        foreign_keys="BrainspotRecord.session_id",
    )
    addenda: Mapped[list[Addendum]] = relationship(
        back_populates="session", order_by="Addendum.created_at"
    )
    discharge: Mapped[SessionDischarge | None] = relationship(back_populates="session")
    # Joined with every load of a session (one small outer join): the timeline and the
    # page show "entered in error" without a query per row. Read-only from this side:
    # a void is added by its session_id, never by changing the (signed) session.
    void: Mapped[SessionVoid | None] = relationship(lazy="joined", uselist=False, viewonly=True)

    # Optimistic locking: every UPDATE checks and bumps the version.
    __mapper_args__ = {"version_id_col": version}

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"

    @property
    def is_voided(self) -> bool:
        return self.void is not None

    @property
    def note_sections_text(self) -> dict[str, str]:
        return json.loads(self.note_body) if self.note_body else {}

    @property
    def checklist_ticked(self) -> list[str]:
        return json.loads(self.checklist_done) if self.checklist_done else []

    def __repr__(self) -> str:
        return f"<TherapySession {self.id} {self.status}>"


class KetamineAdministration(Base):
    __tablename__ = "ketamine_administration"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    route: Mapped[str] = mapped_column(String(20))
    dose_mg: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    mg_per_kg: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lot_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    prescriber: Mapped[str] = mapped_column(String(200), default="", server_default="")
    adjuncts: Mapped[str | None] = mapped_column(EncryptedText)
    sitter: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Outside the route's usual range: the clinician confirmed, and why.
    unusual_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unusual_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # Given although the last pre-dose blood pressure was above the hold threshold
    # (before issue 11; newer doses record every blocking finding as an override).
    hold_override_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # The prescriber who ordered the dose (a care-team member).
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Readiness (issue 11): the blocking findings overridden when the dose was saved,
    # by whom, when and why; and findings that appeared later (vitals added after the
    # dose), explained retrospectively before signing.
    override_findings: Mapped[str] = mapped_column(String(300), default="", server_default="")
    override_reason: Mapped[str | None] = mapped_column(EncryptedText)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retro_findings: Mapped[str] = mapped_column(String(300), default="", server_default="")
    retro_reason: Mapped[str | None] = mapped_column(EncryptedText)
    retro_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    retro_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TherapySession] = relationship(back_populates="administrations")
    prescribed_by: Mapped[User | None] = relationship(foreign_keys=[prescriber_id])
    override_by: Mapped[User | None] = relationship(foreign_keys=[override_by_id])
    retro_by: Mapped[User | None] = relationship(foreign_keys=[retro_by_id])

    @property
    def explained_codes(self) -> set[str]:
        """Blocking findings someone has given a reason for (at the time or later)."""
        return {
            code
            for code in (*self.override_findings.split(","), *self.retro_findings.split(","))
            if code
        }


class VitalSign(Base):
    __tablename__ = "vital_sign"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    heart_rate: Mapped[int | None] = mapped_column(Integer)
    spo2: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TherapySession] = relationship(back_populates="vitals")


class BrainspotRecord(Base):
    __tablename__ = "brainspot_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    issue: Mapped[str | None] = mapped_column(EncryptedText)
    spot_type: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    eye: Mapped[str] = mapped_column(String(10))
    x: Mapped[int] = mapped_column(Integer)
    y: Mapped[int] = mapped_column(Integer)
    z: Mapped[str | None] = mapped_column(String(10))
    reflexes: Mapped[str | None] = mapped_column(EncryptedText)
    suds_start: Mapped[int | None] = mapped_column(Integer)
    suds_end: Mapped[int | None] = mapped_column(Integer)
    body_location: Mapped[str | None] = mapped_column(EncryptedText)
    biolateral_sound: Mapped[str] = mapped_column(String(120), default="", server_default="")
    minutes_since_dose: Mapped[int | None] = mapped_column(Integer)
    earlier_spot_id: Mapped[int | None] = mapped_column(ForeignKey("brainspot_record.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TherapySession] = relationship(
        back_populates="brainspots", foreign_keys=[session_id]
    )
    earlier_spot: Mapped[BrainspotRecord | None] = relationship(remote_side=[id])


class SessionDischarge(Base):
    """How a medicine session ended: the client went home (with whom, when, against
    the practice's criteria), or did not, with the reason (e.g. transfer to emergency care).
    """

    __tablename__ = "session_discharge"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))  # home / transfer / other
    discharged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    oriented_and_steady: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    escort_or_transport: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    left_with: Mapped[str | None] = mapped_column(EncryptedText)
    # Criteria not met when it was recorded (codes), and why the client left anyway.
    unmet_findings: Mapped[str] = mapped_column(String(300), default="", server_default="")
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TherapySession] = relationship(back_populates="discharge")
    recorded_by: Mapped[User] = relationship()


class Addendum(Base):
    __tablename__ = "addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TherapySession] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()


class SessionVoid(Base):
    """A signed session marked "entered in error": who, when and why. Append-only."""

    __tablename__ = "session_void"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id"), unique=True)
    reason: Mapped[str] = mapped_column(EncryptedText)
    voided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    voided_by: Mapped[User] = relationship()
