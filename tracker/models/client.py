"""Clients, their care team, ketamine medical screening and consents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.clients import CONTRAINDICATIONS, flagged_contraindications
from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.user import User


class Client(Base):
    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    primary_therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    portal_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    preferred_name: Mapped[str] = mapped_column(String(120))
    legal_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    pronouns: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    emergency_contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    course_start_date: Mapped[date | None] = mapped_column(Date)
    referral_source: Mapped[str] = mapped_column(String(200), default="", server_default="")
    presenting_concerns: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    primary_therapist: Mapped[User] = relationship(foreign_keys=[primary_therapist_id])
    portal_user: Mapped[User | None] = relationship(foreign_keys=[portal_user_id])
    care_team: Mapped[list[CareTeamMember]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="CareTeamMember.id"
    )

    @property
    def care_team_roles(self) -> dict[int, str]:
        """``{user_id: care-team role}`` (not the primary therapist), for the policy."""
        return {member.user_id: member.role for member in self.care_team}

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    def __repr__(self) -> str:
        return f"<Client {self.id}>"


class CareTeamMember(Base):
    __tablename__ = "care_team_member"
    __table_args__ = (UniqueConstraint("client_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    client: Mapped[Client] = relationship(back_populates="care_team")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MedicalScreening(Base):
    """A ketamine medical screening. The newest one is the client's current state."""

    __tablename__ = "medical_screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    screened_on: Mapped[date] = mapped_column(Date)
    uncontrolled_hypertension: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    cardiovascular_disease: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    psychosis_history: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    bipolar_disorder: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pregnancy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active_substance_use: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    severe_dissociative_disorder: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    raised_intracranial_pressure: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    medications: Mapped[str | None] = mapped_column(EncryptedText)
    allergies: Mapped[str | None] = mapped_column(EncryptedText)
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    decision: Mapped[str] = mapped_column(String(20))  # cleared / not_cleared / pending
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the prescriber's decision rested on (issue 11): blood pressure at review, and
    # that the medications and the contraindications were reviewed.
    bp_systolic: Mapped[int | None] = mapped_column(Integer)
    bp_diastolic: Mapped[int | None] = mapped_column(Integer)
    medications_reviewed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    contraindications_reviewed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    clearance_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clearance_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    clearance_requested_by: Mapped[User | None] = relationship(
        foreign_keys=[clearance_requested_by_id]
    )

    @property
    def flagged_items(self) -> list[str]:
        """Contraindication keys checked on this screening, in checklist order."""
        return flagged_contraindications({key: getattr(self, key) for key in CONTRAINDICATIONS})


class Consent(Base):
    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    version: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None
