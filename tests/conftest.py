"""Shared fixtures: a media directory for each test, accounts, signed-in clients."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import STAFF_ROLES, Role

PASSWORD = "violet harbour kettle drum"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Every test keeps the files it uploads or generates in a directory of its own.

    Not in var/media, which the demo uses; tests that look at the stored files take
    this fixture for the directory.
    """
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def audit_head_file(settings: Any, tmp_path: Path) -> Path:
    """Every test records the audit chain's head (the daily checks do) in a file of its own."""
    path = tmp_path / "audit" / "heads.jsonl"
    settings.HAVEN_AUDIT_HEAD_FILE = path
    return path


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


def sign_in_through_forms(client: Client, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real forms: password, then the TOTP code when one is set up.

    For the tests whose subject is signing in; the others use ``sign_in``.
    """
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"].startswith("/accounts/2fa/authenticate/"):
        response = client.post("/accounts/2fa/authenticate/", {"code": current_code(user)})
        assert response.status_code == 302, response.content.decode()[:2000]


def sign_in(client: Client, user: User) -> None:
    """Sign ``client`` in as ``user`` without the forms, leaving the session they would.

    allauth's records of the password step and, when TOTP is set up, of the TOTP
    step (which Haven's second-factor gate reads), the session ending with the
    browser (ACCOUNT_SESSION_REMEMBER), then Django's login: ``user_logged_in``
    starts Haven's session clocks and records LOGIN_SUCCEEDED, as a sign-in
    through the forms does.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.auth_backends import AuthenticationBackend
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.base.internal.flows import post_authentication
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import SESSION_KEY, get_backends
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session  # saved, its cookie set
    assert SESSION_KEY not in request.session, "sign_in takes a client that is not signed in"
    record_authentication(request, user, method="password", email=user.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        post_authentication(request, totp)  # what allauth does once the code is accepted
    if account_settings.SESSION_REMEMBER:
        request.session.set_expiry(account_settings.SESSION_COOKIE_AGE)
    else:
        request.session.set_expiry(0)
    request.session.save()
    # The backend that authenticates a password sign-in, as allauth's adapter picks it.
    (backend,) = (
        f"{type(b).__module__}.{type(b).__qualname__}"
        for b in get_backends()
        if isinstance(b, AuthenticationBackend)
    )
    client.force_login(user, backend=backend)


def signed_in_client(user: User) -> Client:
    """A client signed in as ``user`` (see ``sign_in``)."""
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def signed_in(make_user: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    """A client signed in as a new user with the given roles (see ``sign_in``)."""

    def make(*roles: Role) -> tuple[Client, User]:
        user = make_user(*roles)
        return signed_in_client(user), user

    return make


@pytest.fixture
def signed_in_through_forms(
    make_user: Callable[..., User],
) -> Callable[..., tuple[Client, User]]:
    """A client signed in through the real forms as a new user with the given roles."""

    def make(*roles: Role) -> tuple[Client, User]:
        user = make_user(*roles)
        client = Client()
        sign_in_through_forms(client, user)
        return client, user

    return make
