"""Signing up with an address that has an account looks, and costs, the same as with a new one.

The answer must not tell whoever signs up which addresses have accounts: not
by its page, not by its email count, not by its time. Timings are not
asserted here (``bench/signup_timing.py`` measures them); the work that makes
them is: one password hashed, one email sent, the same page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "copper lantern meadow fifteen"
CSRF_TOKEN = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords hashed with the configured hasher, in order."""
    hasher = type(get_hasher())
    encode = hasher.encode
    passwords: list[str] = []

    def counting_encode(self: Any, password: str, salt: str, *args: Any, **kwargs: Any) -> Any:
        passwords.append(password)
        return encode(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting_encode)
    return passwords


def sign_up(email: str, hashed: list[str]) -> dict[str, Any]:
    """Sign up as ``email``: what was hashed, what was sent, and the pages shown."""
    hashed.clear()
    sent = len(mail.outbox)
    client = Client()
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    page = client.get(response["Location"])
    return {
        "status": response.status_code,
        "location": response["Location"],
        "hashed": list(hashed),
        "emails": [(message.to, message.from_email) for message in mail.outbox[sent:]],
        "page": (
            page.status_code,
            CSRF_TOKEN.sub("TOKEN", page.content.decode()).replace(email, "EMAIL"),
        ),
    }


def test_an_existing_address_does_the_same_work_and_shows_the_same_page(
    make_user, hashed: list[str]
) -> None:
    owner = make_user(Role.APPLICANT, email="taken@example.org")
    password_before = owner.password

    existing = sign_up("taken@example.org", hashed)
    new = sign_up("fresh@example.org", hashed)

    assert existing["hashed"] == new["hashed"] == [NEW_PASSWORD]
    assert existing["emails"] == [(["taken@example.org"], new["emails"][0][1])]
    assert new["emails"] == [(["fresh@example.org"], existing["emails"][0][1])]
    assert existing["status"] == new["status"] == 302
    assert existing["location"] == new["location"] == "/accounts/confirm-email/"
    assert existing["page"] == new["page"]
    assert "Confirmation email sent to EMAIL." in existing["page"][1]

    # Nothing of the owner's account changed; the attempt is in the audit trail.
    owner.refresh_from_db()
    assert owner.password == password_before
    assert User.objects.filter(email__in=["taken@example.org", "fresh@example.org"]).count() == 2
    attempt = AuditEvent.objects.get(event_type=EventType.SIGN_UP_WITH_EXISTING_EMAIL)
    assert attempt.subject_id == str(owner.pk)
    assert attempt.actor_id is None
    assert AuditEvent.objects.filter(
        event_type=EventType.ACCOUNT_CREATED,
        subject_id=str(User.objects.get(email="fresh@example.org").pk),
    ).exists()


def test_the_owner_is_told_someone_tried_to_sign_up_with_their_address(make_user) -> None:
    make_user(Role.APPLICANT, email="taken@example.org")
    Client().post(
        "/accounts/signup/",
        {"email": "Taken@Example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mail.outbox
    assert message.to == ["taken@example.org"]
    assert "already" in str(message.body)
    assert PASSWORD not in str(message.body)
    assert NEW_PASSWORD not in str(message.body)


def test_a_new_account_is_written_in_one_transaction_with_its_audit_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sign-up that fails half-way leaves no account without its role, address or event."""
    from allauth.account import utils as allauth_utils

    def failing_setup_user_email(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the email address could not be stored")

    monkeypatch.setattr("allauth.account.forms.setup_user_email", failing_setup_user_email)
    assert allauth_utils.setup_user_email is not failing_setup_user_email
    with pytest.raises(RuntimeError):
        Client().post(
            "/accounts/signup/",
            {"email": "half@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert not User.objects.filter(email="half@example.org").exists()
    assert not AuditEvent.objects.filter(event_type=EventType.ACCOUNT_CREATED).exists()
