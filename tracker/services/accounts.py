"""Accounts: creation, passwords (argon2id), sign-in checks and one-time links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from tracker import settings
from tracker.domain import outbox as message_kinds
from tracker.domain.passwords import password_problem
from tracker.domain.policy import Role, can_be_backup_clinician
from tracker.extensions import db
from tracker.models import OneTimeToken, User
from tracker.models.base import utcnow
from tracker.services import auth_sessions, outbox

PURPOSE_PASSWORD_RESET = "password_reset"  # noqa: S105 - a label
PURPOSE_INVITATION = "invitation"


class AccountError(ValueError):
    """A request about an account that cannot be carried out, with a user-facing reason."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hasher() -> PasswordHasher:
    cfg = settings.config()
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Argon2id hash (argon2-cffi's default type)."""
    return _hasher().hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(select(func.count(User.id)).where(User.email == normalise_email(email)))
        > 0
    )


def create_user(
    *,
    practice_id: int,
    email: str,
    name: str,
    role: Role | str,
    password: str | None = None,
    credentials: str = "",
) -> User:
    """Create an account; ``password=None`` leaves it to be set through a one-time link."""
    if email_taken(email):
        raise AccountError("An account with this e-mail address already exists.")
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            raise AccountError(problem.message % problem.params)
    user = User(
        practice_id=practice_id,
        email=normalise_email(email),
        name=name.strip(),
        role=str(Role(role)),
        credentials=credentials.strip(),
        password_hash=hash_password(password) if password is not None else None,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


# A hash of a random string, verified when the e-mail is unknown so that the
# response takes as long as for a wrong password (no account enumeration by timing).
_DUMMY_HASH: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    cfg = settings.config()
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH[key]


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or ``None`` (same cost either way)."""
    user = find_user_by_email(email)
    hasher = _hasher()
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        hasher.verify(stored, password)
        verified = user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        verified = False
    if user is None:
        return None
    if not verified or not user.active:
        user.failed_login_count += 1
        user.last_failed_login_at = utcnow()
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.failed_login_count = 0
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password and end every signed-in session of the user."""
    problem = password_problem(password, email=user.email)
    if problem:
        raise AccountError(problem.message % problem.params)
    user.password_hash = hash_password(password)
    user.failed_login_count = 0
    auth_sessions.revoke_all(user, reason="password_changed")


def set_backup_clinician(user: User, backup: bool) -> None:
    """Designate a backup clinician (an active therapist), or stop designating one."""
    if backup and not can_be_backup_clinician(user):
        raise AccountError("Only active therapists can be backup clinicians.")
    user.backup_clinician = backup


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending all sessions) or reactivate an account."""
    user.active = active
    if not active:
        auth_sessions.revoke_all(user, reason="deactivated")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_one_time_token(
    user: User, *, purpose: str, lifetime: timedelta, created_by: User | None
) -> str:
    """Create a single-use link token (returned once; only its hash is stored).

    Issuing a new token voids the user's earlier unused tokens of the same purpose.
    """
    now = utcnow()
    for old in db.session.scalars(
        select(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(token),
            expires_at=now + lifetime,
            created_by_id=created_by.id if created_by else None,
        )
    )
    db.session.flush()
    return token


def find_valid_token(
    token: str, *, purpose: str, now: datetime | None = None
) -> OneTimeToken | None:
    """The unused, unexpired token row for ``token``, or ``None``."""
    row = db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == _token_hash(token), OneTimeToken.purpose == purpose
        )
    )
    now = now or utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def redeem_token(row: OneTimeToken, password: str) -> User:
    """Use a one-time token to set the user's password; the token is then spent."""
    set_password(row.user, password)
    row.used_at = utcnow()
    return row.user


def staff_of_practice(practice_id: int) -> list[User]:
    """Active therapists and admins of the practice, by name (for pickers)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.practice_id == practice_id,
                User.active.is_(True),
                User.role.in_([Role.THERAPIST, Role.ADMIN]),
            )
            .order_by(User.name)
        )
    )


def email_password_link(user: User, link: str, *, new_account: bool, locale: str) -> None:
    """Put a password link in the outbox for the account's own address (flushes). A new
    link voids the earlier ones, so their e-mails still waiting are cancelled."""
    prefix = f"password-link:{user.id}:"
    outbox.cancel(prefix)
    outbox.enqueue(
        practice_id=user.practice_id,
        to=user.email,
        kind=message_kinds.ACCOUNT_CREATED if new_account else message_kinds.PASSWORD_RESET,
        locale=locale,
        link=link,
        key=prefix + secrets.token_hex(8),
    )
