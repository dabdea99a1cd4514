"""Accounts: creation, passwords (argon2id), sign-in checks, the practice's accounts
as its admins manage them, and the one-time links that let someone set a password."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, func, select

from tracker import mail, settings
from tracker.domain import outbox as message_kinds
from tracker.domain.messages import N_, Problem
from tracker.domain.passwords import password_problem
from tracker.domain.policy import (
    STAFF_ROLES,
    Role,
    can_be_backup_clinician,
    can_deactivate_account,
    can_manage_account,
)
from tracker.extensions import db
from tracker.links import external_url
from tracker.models import OneTimeToken, OutboxMessage, User
from tracker.models.base import utcnow
from tracker.services import NotFound, Rejected, auth_sessions, outbox

PURPOSE_PASSWORD_RESET = "password_reset"  # noqa: S105 - a label
PURPOSE_INVITATION = "invitation"


class AccountError(Rejected):
    """A request about an account that cannot be carried out; ``problems`` say why,
    by form field (``email``, ``password``) or for the whole request."""

    def __str__(self) -> str:
        # The command line shows the reasons as they are (it has no translations).
        return " ".join(problem.message % problem.params for problem in self.problems.values())


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
        raise AccountError(
            Problem(N_("An account with this e-mail address already exists.")), "email"
        )
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            raise AccountError(problem, "password")
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
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.failed_login_count = 0
    auth_sessions.revoke_all(user, reason="password_changed")


def set_backup_clinician(user: User, backup: bool) -> None:
    """Designate a backup clinician (an active therapist), or stop designating one."""
    if backup and not can_be_backup_clinician(user):
        raise AccountError(Problem(N_("Only active therapists can be backup clinicians.")))
    user.backup_clinician = backup


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending all sessions) or reactivate an account."""
    user.active = active
    if not active:
        auth_sessions.revoke_all(user, reason="deactivated")


def set_locale(user: User, locale: str | None) -> None:
    """The language the person chose for the app (``None``: as their browser prefers)."""
    user.locale = locale or None


# --- the practice's accounts, as its admins manage them ----------------------------------


def practice_accounts(actor: User) -> list[User]:
    """Every account of the admin's practice, by role and name."""
    return _accounts_of(actor.practice_id, order_by=(User.role, User.name))


def practice_account(actor: User, user_id: int) -> User:
    """An account the actor may manage; anyone else's is ``NotFound`` (a 404)."""
    user = db.session.get(User, user_id)
    if user is None or not can_manage_account(actor, user):
        raise NotFound(user_id)
    return user


def deactivate(actor: User, user: User) -> None:
    """Deactivate an account the actor manages, ending its sessions; never their own."""
    if not can_manage_account(actor, user):
        raise NotFound(user.id)
    if not can_deactivate_account(actor, user):
        raise AccountError(Problem(N_("You cannot deactivate your own account.")))
    set_active(user, False)


def staff_of_practice(practice_id: int) -> list[User]:
    """Active therapists and admins of the practice, by name (for pickers)."""
    return _accounts_of(
        practice_id, User.active.is_(True), User.role.in_(STAFF_ROLES), order_by=(User.name,)
    )


def _accounts_of(practice_id: int, *conditions: ColumnElement[bool], order_by: tuple) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.practice_id == practice_id, *conditions).order_by(*order_by)
        )
    )


# --- one-time links that let someone set a password --------------------------------------


@dataclass(frozen=True)
class LinkKind:
    """What differs between the one-time links: the admin's reset link (also sent for a
    new account) and the therapist's portal invitation. Issuing, e-mailing, voiding and
    redeeming are the same for both."""

    purpose: str  # stored with the token: a reset link does not open the invitation page
    endpoint: str  # the page that redeems it
    lifetime: str  # the setting of how long it works
    email_key: str  # its e-mails' outbox key prefix: a new link cancels those still waiting


RESET_LINK = LinkKind(
    PURPOSE_PASSWORD_RESET, "auth.reset_password", "PASSWORD_RESET_LIFETIME", "password-link"
)
INVITATION_LINK = LinkKind(
    PURPOSE_INVITATION, "auth.accept_invitation", "INVITATION_LIFETIME", "portal-invitation"
)


@dataclass(frozen=True)
class SentLink:
    """A link just issued: shown once to whoever issued it, e-mailed when mail is set up."""

    user: User
    url: str
    emailed: bool


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


def send_link(
    user: User, kind: LinkKind, *, created_by: User | None, message_kind: str, locale: str
) -> SentLink:
    """Issue a one-time link for ``user`` (voiding the earlier ones of its kind) and, when
    mail is set up, put it in the outbox for the account's own address (flushes). The
    e-mails of the earlier links still waiting are cancelled."""
    token = issue_one_time_token(
        user,
        purpose=kind.purpose,
        lifetime=settings.setting(kind.lifetime),
        created_by=created_by,
    )
    url = external_url(kind.endpoint, token=token)
    emailed = mail.mail_configured()
    if emailed:
        prefix = _email_key_prefix(kind, user.id)
        outbox.cancel(prefix)
        outbox.enqueue(
            practice_id=user.practice_id,
            to=user.email,
            kind=message_kind,
            locale=locale,
            link=url,
            key=prefix + secrets.token_hex(8),
        )
    return SentLink(user=user, url=url, emailed=emailed)


def send_password_link(user: User, created_by: User, *, new_account: bool, locale: str) -> SentLink:
    """The admin's link to set a password: for a new account, or to reset a forgotten one."""
    message_kind = message_kinds.ACCOUNT_CREATED if new_account else message_kinds.PASSWORD_RESET
    return send_link(
        user, RESET_LINK, created_by=created_by, message_kind=message_kind, locale=locale
    )


def last_link_email(kind: LinkKind, user_id: int) -> OutboxMessage | None:
    """The latest e-mail of the account's links of this kind, if any."""
    return outbox.latest(_email_key_prefix(kind, user_id))


def _email_key_prefix(kind: LinkKind, user_id: int) -> str:
    return f"{kind.email_key}:{user_id}:"
