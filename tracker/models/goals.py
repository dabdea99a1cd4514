"""Integration goals and their ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.user import User


class IntegrationGoal(Base):
    __tablename__ = "integration_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    title: Mapped[str] = mapped_column(EncryptedText)
    domain: Mapped[str] = mapped_column(String(30))
    why_it_matters: Mapped[str | None] = mapped_column(EncryptedText)
    baseline: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[int | None] = mapped_column(Integer)
    # Filled by the outcome-measures feature, e.g. instrument "pcl5", "at_most", 33.
    measure_code: Mapped[str | None] = mapped_column(String(20))
    measure_comparison: Mapped[str | None] = mapped_column(String(20))
    measure_value: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    started_on: Mapped[date] = mapped_column(Date)
    status_since: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    ratings: Mapped[list[GoalRating]] = relationship(
        back_populates="goal", order_by="(GoalRating.rated_on, GoalRating.id)"
    )
    created_by: Mapped[User] = relationship()


class GoalRating(Base):
    __tablename__ = "goal_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("integration_goal.id"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(EncryptedText)
    rated_on: Mapped[date] = mapped_column(Date)
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    by_client: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[IntegrationGoal] = relationship(back_populates="ratings")
    rated_by: Mapped[User] = relationship()
