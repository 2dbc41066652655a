"""Failed sign-ins: locked out per account *and* address, slowed down per address.

Someone who knows an official's address and types wrong passwords for it
locks only their own address out of that account; the official, signing in
from anywhere else with the password and the second factor, is not locked
out. One address trying many accounts is slowed down whatever the accounts.
These tests run with production's rate limits (the suite otherwise runs
without them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from tests.conftest import PASSWORD, sign_in_through_forms

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
PROXY = "10.0.0.2"
WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def production_rate_limits(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = settings.HAVEN_ACCOUNT_RATE_LIMITS


def client_at(address: str, *, behind_proxy: bool) -> Client:
    """A browser at ``address``: connecting itself, or through Haven's TLS proxy."""
    if not behind_proxy:
        return Client(REMOTE_ADDR=address)
    # Whatever a client writes into X-Forwarded-For comes before what the proxy adds.
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {address}")


def attempt(client: Client, email: str, password: str = WRONG) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def per_address_limit(settings: Any) -> int:
    """The fewest failures any of HAVEN_SIGN_IN_FAILURES_PER_ADDRESS's windows allows."""
    return min(
        int(rate.split("/")[0]) for rate in settings.HAVEN_SIGN_IN_FAILURES_PER_ADDRESS.split(",")
    )


@pytest.mark.parametrize("behind_proxy", [False, True], ids=["direct", "behind_proxy"])
def test_wrong_passwords_from_one_address_do_not_lock_the_official_out_elsewhere(
    make_user, settings, behind_proxy: bool
) -> None:
    settings.HAVEN_BEHIND_PROXY = behind_proxy
    official = make_user(Role.CONSULAR_OFFICER)
    attacker = client_at(ATTACKER, behind_proxy=behind_proxy)
    answers = [attempt(attacker, official.email) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [answer.status_code for answer in answers] == [200] * (
        settings.AXES_FAILURE_LIMIT - 1
    ) + [429]
    assert AuditEvent.objects.filter(event_type=EventType.ACCOUNT_LOCKED_OUT).count() == 1

    # The official, at another address, with the password and the current code.
    owner = client_at(OWNER, behind_proxy=behind_proxy)
    sign_in_through_forms(owner, official)
    assert owner.get("/work/visas/").status_code == 200

    # The attacker's address stays locked out of the account for the cool-off, even
    # with the right password...
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    locked = attempt(attacker, official.email, PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(cool_off)
    assert not signed_in(attacker)
    # ... and no longer once the cool-off has passed.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=cool_off + 1))
    response = attempt(attacker, official.email, PASSWORD)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_one_address_trying_many_accounts_is_slowed_down(make_user, settings) -> None:
    applicant = make_user(Role.APPLICANT)
    limit = per_address_limit(settings)
    sprayer = client_at(ATTACKER, behind_proxy=False)
    for number in range(limit):
        response = attempt(sprayer, f"guess{number}@example.org")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()

    # Even the right password for an account it has not tried yet is refused now...
    refused = attempt(sprayer, applicant.email, PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert not signed_in(sprayer)
    # ... while no account is locked: from another address it signs in.
    sign_in_through_forms(client_at(OWNER, behind_proxy=False), applicant)
    assert not AuditEvent.objects.filter(event_type=EventType.ACCOUNT_LOCKED_OUT).exists()


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_count(
    make_user, settings
) -> None:
    """A second factor accepted wipes allauth's own count of failures; not Haven's per address."""
    own = make_user(Role.APPLICANT, mfa=True)
    limit = per_address_limit(settings)
    sprayer = client_at(ATTACKER, behind_proxy=False)
    for number in range(limit - 1):
        attempt(sprayer, f"guess{number}@example.org")
    sign_in_through_forms(sprayer, own)
    sprayer.post("/accounts/logout/")
    attempt(sprayer, "one.more.guess@example.org")
    refused = attempt(sprayer, own.email, PASSWORD)
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert not signed_in(sprayer)
