"""Family history: people across generations, their links, and what they lived through.

Names and notes of relatives are about third parties and are encrypted like clinical text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow


class FamilyMember(Base):
    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    relationship_label: Mapped[str] = mapped_column(String(80))  # e.g. "maternal grandmother"
    sex: Mapped[str] = mapped_column(String(10), default="unknown", server_default="unknown")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_approximate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    death_year: Mapped[int | None] = mapped_column(Integer)
    death_approximate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deceased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_client: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    twin_group: Mapped[int | None] = mapped_column(Integer)
    conditions: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def condition_keys(self) -> list[str]:
        return [key for key in self.conditions.split(",") if key]


class FamilyParentLink(Base):
    __tablename__ = "family_parent_link"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    kind: Mapped[str] = mapped_column(String(12), default="biological", server_default="biological")


class FamilyPartnership(Base):
    __tablename__ = "family_partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    b_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    kind: Mapped[str] = mapped_column(String(12), default="married", server_default="married")
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)


class FamilyRelationship(Base):
    """The quality of the bond between two people (close, conflict, cut-off …)."""

    __tablename__ = "family_relationship"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    b_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    quality: Mapped[str] = mapped_column(String(12))


class FamilyEvent(Base):
    """Trauma or resilience in a person's life or a whole branch of the family."""

    __tablename__ = "family_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("family_member.id"))
    branch: Mapped[str | None] = mapped_column(String(12))  # maternal / paternal / whole
    kind: Mapped[str] = mapped_column(String(30))
    resilience: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(EncryptedText)
    spoken_of: Mapped[str] = mapped_column(String(10), default="no", server_default="no")


class GoalFamilyLink(Base):
    """A 'family patterns' goal linked to a person or an event of the genogram."""

    __tablename__ = "goal_family_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("integration_goal.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("family_member.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("family_event.id"))
