"""The client's safety plan: one row per saved version, append-only.

Neither the ORM (``APPEND_ONLY`` in ``tracker.models``) nor the database (triggers of
migration 0015) lets a version change or go: each save adds the next version, so the
plan's history is complete. The newest version is the plan the client sees.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.safety_plan import STEP_KEYS
from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.client import Client
from tracker.models.user import User


class SafetyPlanVersion(Base):
    __tablename__ = "safety_plan_version"
    # Two saves of the same version number: the second is a stale edit (optimistic lock).
    __table_args__ = (UniqueConstraint("client_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    warning_signs: Mapped[str | None] = mapped_column(EncryptedText)
    internal_coping: Mapped[str | None] = mapped_column(EncryptedText)
    distractions: Mapped[str | None] = mapped_column(EncryptedText)
    help_contacts: Mapped[str | None] = mapped_column(EncryptedText)
    professionals: Mapped[str | None] = mapped_column(EncryptedText)
    safe_environment: Mapped[str | None] = mapped_column(EncryptedText)
    reasons_for_living: Mapped[str | None] = mapped_column(EncryptedText)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    client: Mapped[Client] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def texts(self) -> dict[str, str]:
        """``{step key: text}`` of this version ("" for an empty step)."""
        return {key: getattr(self, key) or "" for key in STEP_KEYS}

    def __repr__(self) -> str:
        return f"<SafetyPlanVersion {self.id} client={self.client_id} v{self.version}>"
