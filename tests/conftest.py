"""Shared fixtures: accounts made through Haven's own actions, signed in as a person would."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import STAFF_ROLES, Role

PASSWORD = "violet harbour kettle drum"
_numbers = itertools.count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Create an account with roles; officials get TOTP set up, as operators would require."""

    def make(*roles: Role, email: str | None = None, mfa: bool | None = None) -> User:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        user = user_create(
            email=email or f"person{next(_numbers)}@example.org",
            password=PASSWORD,
            roles=list(roles),
        )
        if mfa if mfa is not None else any(role in STAFF_ROLES for role in roles):
            TOTP.activate(user, generate_totp_secret())
        return user

    return make


def current_code(user: User) -> str:
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real forms: password, then the TOTP code when one is set up."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"].startswith("/accounts/2fa/authenticate/"):
        response = client.post("/accounts/2fa/authenticate/", {"code": current_code(user)})
        assert response.status_code == 302, response.content.decode()[:2000]


def signed_in_client(user: User) -> Client:
    """A client signed in as ``user`` through the real forms."""
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def signed_in(make_user: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    """A client signed in as a new user with the given roles."""

    def make(*roles: Role) -> tuple[Client, User]:
        user = make_user(*roles)
        client = Client()
        sign_in(client, user)
        return client, user

    return make
