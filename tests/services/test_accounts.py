"""The account service applies the policy itself: another practice's accounts are not
found, an admin's own account is not deactivated; and the one-time link flow issues,
voids and redeems the same way for a reset link and an invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import factories
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import User
from tracker.services import NotFound, Rejected, accounts, invitations


def test_another_practice_s_accounts_are_not_found(world):
    elsewhere = factories.make_user(factories.make_practice("Elsewhere"), Role.ADMIN)
    for account in (world.therapist_a, world.admin, world.client_user_a):
        with pytest.raises(NotFound):
            accounts.practice_account(elsewhere, account.id)
        with pytest.raises(NotFound):
            accounts.deactivate(elsewhere, account)
    assert accounts.practice_account(world.admin, world.therapist_a.id) == world.therapist_a
    assert elsewhere not in accounts.practice_accounts(world.admin)
    assert accounts.practice_accounts(elsewhere) == [elsewhere]


def test_an_admin_cannot_deactivate_their_own_account(world):
    with pytest.raises(Rejected) as refused:
        accounts.deactivate(world.admin, world.admin)
    assert refused.value.problem.message == "You cannot deactivate your own account."
    assert db.session.get(User, world.admin.id).active is True
    accounts.deactivate(world.admin, world.therapist_a)
    assert world.therapist_a.active is False


def test_account_refusals_name_their_field_and_read_in_english_on_the_command_line(world):
    with pytest.raises(Rejected) as taken:
        accounts.create_user(
            practice_id=world.practice.id, email=world.therapist_a.email, name="X", role="admin"
        )
    assert list(taken.value.problems) == ["email"]
    assert str(taken.value) == "An account with this e-mail address already exists."
    with pytest.raises(Rejected) as weak:
        accounts.set_password(world.therapist_a, "short")
    assert list(weak.value.problems) == ["password"]
    assert str(weak.value) == "Use at least 12 characters."


@pytest.mark.parametrize(
    ("kind", "page"), [(accounts.RESET_LINK, "/reset/"), (accounts.INVITATION_LINK, "/invite/")]
)
def test_one_time_links_of_either_kind_void_the_earlier_ones_and_work_once(world, kind, page):
    user = factories.make_user(world.practice, Role.CLIENT, email="link@example.test")
    first, second = (
        accounts.send_link(
            user, kind, created_by=world.admin, message_kind="password_reset", locale="en"
        )
        for _ in range(2)
    )
    assert not first.emailed  # mail is not set up in the tests
    assert urlsplit(second.url).path.startswith(page)
    spent, token = (link.url.rsplit("/", 1)[1] for link in (first, second))
    assert accounts.find_valid_token(spent, purpose=kind.purpose) is None
    other = accounts.INVITATION_LINK if kind is accounts.RESET_LINK else accounts.RESET_LINK
    assert accounts.find_valid_token(token, purpose=other.purpose) is None
    row = accounts.find_valid_token(token, purpose=kind.purpose)
    assert accounts.redeem_token(row, "a long enough passphrase") == user
    assert accounts.find_valid_token(token, purpose=kind.purpose) is None


def test_an_invitation_refuses_an_address_in_use_on_the_email_field(world):
    client = factories.make_client(world.therapist_a, preferred_name="Ines")
    with pytest.raises(Rejected) as taken:
        invitations.send_invitation(client, world.therapist_a, world.therapist_b.email, "en")
    assert list(taken.value.problems) == ["email"]
    assert client.portal_user_id is None
