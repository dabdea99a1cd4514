"""The outbox: every message the app sends, written in the same transaction as its
cause and delivered later (``tracker/delivery.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain.outbox import PENDING
from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One message to one address. It holds no text of its own: ``kind`` picks a fixed
    subject and body, rendered at delivery in ``locale`` around ``link``."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # What a delivery run looks for: pending messages whose time has come.
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        # The admin's outbox page: a practice's messages newest first, in one index walk
        # (it also serves every other lookup by practice).
        Index("ix_outbox_message_practice_id_created_at", "practice_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    # Encrypted: an invitation or reset link is a credential until it is used. Emptied
    # once the message is sent, failed or cancelled.
    link: Mapped[str] = mapped_column(EncryptedText)
    # Same key twice: the second message is not written (see services/outbox.enqueue).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, server_default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The exception's class name (and SMTP code) only: a server's message can quote
    # the address.
    last_error: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:  # ids only: addresses stay out of logs
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
