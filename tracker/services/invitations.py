"""Portal invitations: a client account and a 72-hour, single-use link to set a password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from tracker.domain import outbox as message_kinds
from tracker.domain.messages import N_, Problem
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Client, OutboxMessage, User
from tracker.services import accounts, outbox


class InvitationRejected(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Invitation:
    user: User
    token: str


def portal_state(client: Client) -> str:
    """``none``, ``invited`` (no password yet) or ``active``."""
    user = client.portal_user
    if user is None:
        return "none"
    if user.password_hash is None:
        return "invited"
    return "active" if user.active else "deactivated"


def invite(client: Client, actor: User, email: str, lifetime: timedelta) -> Invitation:
    """Create (or reuse, while unused) the client's portal account and issue a link.

    A new link voids the earlier ones. A client who has already set a password is not
    invited again: the admin's reset link is the way back in.
    """
    email = accounts.normalise_email(email)
    user = client.portal_user
    if user is not None and user.password_hash is not None:
        raise InvitationRejected(
            Problem(
                N_("This client already uses the portal. A practice admin can send a reset link.")
            )
        )
    if user is None:
        if accounts.email_taken(email):
            raise InvitationRejected(
                Problem(N_("Another account already uses this e-mail address."))
            )
        user = accounts.create_user(
            practice_id=client.practice_id,
            email=email,
            name=client.preferred_name,
            role=Role.CLIENT,
        )
        client.portal_user_id = user.id
        client.portal_user = user
    elif user.email != email:
        if accounts.email_taken(email):
            raise InvitationRejected(
                Problem(N_("Another account already uses this e-mail address."))
            )
        user.email = email
    token = accounts.issue_one_time_token(
        user, purpose=accounts.PURPOSE_INVITATION, lifetime=lifetime, created_by=actor
    )
    db.session.flush()
    return Invitation(user=user, token=token)


def _email_key_prefix(user_id: int) -> str:
    return f"portal-invitation:{user_id}:"


def email_invitation(invitation: Invitation, link: str, locale: str) -> OutboxMessage | None:
    """Put the invitation e-mail in the outbox (flushes). A new link voids the earlier
    ones, so their e-mails still waiting are cancelled."""
    prefix = _email_key_prefix(invitation.user.id)
    outbox.cancel(prefix)
    return outbox.enqueue(
        practice_id=invitation.user.practice_id,
        to=invitation.user.email,
        kind=message_kinds.PORTAL_INVITATION,
        locale=locale,
        link=link,
        key=prefix + secrets.token_hex(8),
    )


def last_invitation_email(client: Client) -> OutboxMessage | None:
    """The latest invitation e-mail of the client's portal account, if any."""
    if client.portal_user_id is None:
        return None
    return outbox.latest(_email_key_prefix(client.portal_user_id))
