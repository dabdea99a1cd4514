"""Every generated report is recorded: who, when, for which client, period and kind,
and the content hash that names its cached (encrypted) PDF."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.user import User


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    narrative: Mapped[str | None] = mapped_column(EncryptedText)
    include_measures: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    from_cache: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()


class ReportBatch(Base):
    """Clinical reports of all of a therapist's active clients, printed together as one
    ZIP, with progress (``done`` of ``total``; ``failed`` counts clients that could not
    be rendered, listed by client number in the ZIP's README.txt).

    ``status`` goes queued → running → done (or failed, when the run itself broke).
    With ``whole_course`` each client's period is their course to date, ending on
    ``period_end``; otherwise every report covers ``period_start`` to ``period_end``.
    ``file_key`` (random) names the encrypted ZIP under ``instance/report-batches/``.
    """

    __tablename__ = "report_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    whole_course: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default="queued", server_default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    backend: Mapped[str] = mapped_column(String(10), default="thread", server_default="thread")
    file_key: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
