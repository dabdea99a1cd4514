"""The client's journal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow


class JournalEntry(Base):
    """Written by the client. Private: the author alone, ever. Shared: the care team too."""

    __tablename__ = "journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str | None] = mapped_column(EncryptedText)
    body: Mapped[str] = mapped_column(EncryptedText)
    visibility: Mapped[str] = mapped_column(String(10), default="private", server_default="private")
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
