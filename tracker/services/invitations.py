"""Portal invitations: a client account and a 72-hour, single-use link to set a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tracker.domain import outbox as message_kinds
from tracker.domain.clients import ConsentKind
from tracker.domain.messages import N_, Problem
from tracker.domain.policy import Role
from tracker.models import Client, OutboxMessage, User
from tracker.services import Rejected, accounts
from tracker.services import clients as client_service


class InvitationRejected(Rejected):
    """An invitation that cannot be sent; the reason concerns the e-mail address."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem, "email")


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


def has_portal_consent(client: Client) -> bool:
    """Whether the client's consent to use the portal is on file and in force."""
    return any(
        consent.kind == ConsentKind.PORTAL and consent.is_active
        for consent in client_service.consents(client)
    )


def send_invitation(client: Client, actor: User, email: str, locale: str) -> accounts.SentLink:
    """Invite the client (see ``invite``) in ``locale``, the language of the e-mail and,
    later, of their portal; the link is e-mailed when mail is set up (flushes)."""
    user = _portal_account(client, email)
    user.locale = locale
    return accounts.send_link(
        user,
        accounts.INVITATION_LINK,
        created_by=actor,
        message_kind=message_kinds.PORTAL_INVITATION,
        locale=locale,
    )


def invite(client: Client, actor: User, email: str, lifetime: timedelta) -> Invitation:
    """Create (or reuse, while unused) the client's portal account and issue a link,
    without e-mailing it.

    A new link voids the earlier ones. A client who has already set a password is not
    invited again: the admin's reset link is the way back in.
    """
    user = _portal_account(client, email)
    token = accounts.issue_one_time_token(
        user, purpose=accounts.PURPOSE_INVITATION, lifetime=lifetime, created_by=actor
    )
    return Invitation(user=user, token=token)


def _portal_account(client: Client, email: str) -> User:
    """The client's portal account at ``email``, created or readdressed while no password
    is set; ``InvitationRejected`` once they use the portal or when the address is taken."""
    email = accounts.normalise_email(email)
    user = client.portal_user
    if user is not None and user.password_hash is not None:
        raise InvitationRejected(
            Problem(
                N_("This client already uses the portal. A practice admin can send a reset link.")
            )
        )
    if (user is None or user.email != email) and accounts.email_taken(email):
        raise InvitationRejected(Problem(N_("Another account already uses this e-mail address.")))
    if user is None:
        user = accounts.create_user(
            practice_id=client.practice_id,
            email=email,
            name=client.preferred_name,
            role=Role.CLIENT,
        )
        client.portal_user_id = user.id
        client.portal_user = user
    else:
        user.email = email
    return user


def last_invitation_email(client: Client) -> OutboxMessage | None:
    """The latest invitation e-mail of the client's portal account, if any."""
    if client.portal_user_id is None:
        return None
    return accounts.last_link_email(accounts.INVITATION_LINK, client.portal_user_id)
