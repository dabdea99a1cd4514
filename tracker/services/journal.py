"""The client's journal. Every query here is scoped so that a private entry can only
ever be loaded for its author."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, bindparam, select

from tracker.domain.journal import PRIVATE, SHARED
from tracker.extensions import db
from tracker.models import Client, JournalEntry, User
from tracker.models.base import utcnow
from tracker.services import NotFound

# The journal's list: each entry by title, day and visibility; its text is not read
# (nor decrypted) until the entry is opened. Built once (its cache key is reused).
_OWN_ENTRIES = (
    select(JournalEntry.id, JournalEntry.title, JournalEntry.created_at, JournalEntry.visibility)
    .where(
        JournalEntry.client_id == bindparam("client_id"),
        JournalEntry.author_id == bindparam("author_id"),
    )
    .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
)


def own_entries(client: Client, author: User) -> list[Row]:
    """The author's own entries (id, title, written, visibility), newest first."""
    params = {"client_id": client.id, "author_id": author.id}
    return db.session.execute(_OWN_ENTRIES, params).all()


def get_own_entry(client: Client, author: User, entry_id: int) -> JournalEntry:
    entry = db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.id == entry_id,
            JournalEntry.client_id == client.id,
            JournalEntry.author_id == author.id,
        )
    )
    if entry is None:
        raise NotFound(entry_id)
    return entry


def write(
    client: Client,
    author: User,
    *,
    title: str | None,
    body: str,
    visibility: str,
    now: datetime | None = None,
) -> JournalEntry:
    """A new entry by the client's portal account, private unless shared; written (and
    shared, if so) at ``now``."""
    now = now or utcnow()
    entry = JournalEntry(
        client_id=client.id, author_id=author.id, visibility=PRIVATE, created_at=now
    )
    db.session.add(entry)
    return edit(entry, title=title, body=body, visibility=visibility, now=now)


def edit(
    entry: JournalEntry,
    *,
    title: str | None,
    body: str,
    visibility: str,
    now: datetime | None = None,
) -> JournalEntry:
    """Change the author's own entry: its title, text and who may read it."""
    entry.title = (title or "").strip() or None
    entry.body = body.strip()
    set_visibility(entry, visibility, now)
    db.session.flush()
    return entry


def set_visibility(entry: JournalEntry, visibility: str, now: datetime | None = None) -> None:
    if visibility not in (PRIVATE, SHARED):
        raise ValueError(visibility)
    if visibility == SHARED and entry.visibility != SHARED:
        entry.shared_at = now or utcnow()
    if visibility == PRIVATE:
        entry.shared_at = None
    entry.visibility = visibility
