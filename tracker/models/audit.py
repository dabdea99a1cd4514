"""The audit trail: who did what to which record, when and from where.

Never clinical text. Rows are append-only: the ORM refuses updates and deletes
(see tracker/models/__init__.py) and database triggers refuse them too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    # The admin's audit page: a practice's events newest first, read in one index walk
    # (it also serves every other lookup by practice).
    __table_args__ = (
        Index("ix_audit_event_practice_id_occurred_at", "practice_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # Non-clinical detail only: names of changed fields, a target account id.
    detail: Mapped[str] = mapped_column(String(300), default="", server_default="")

    actor = relationship("User", foreign_keys=[actor_id])
