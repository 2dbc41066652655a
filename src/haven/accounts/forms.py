"""allauth's forms as Haven uses them."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType


class SignupForm(AllauthSignupForm):  # type: ignore[misc]  # allauth ships no types
    """Sign-up that does the same work whether the address has an account or not.

    For a new address allauth hashes the password (Argon2), writes the account
    and emails a verification link; for an address that has an account it
    creates nothing and emails the owner instead (``ACCOUNT_PREVENT_ENUMERATION``).
    Both answer with the same page, but the second answered in a fraction of the
    time, telling whoever measured it which addresses have accounts. So it hashes
    the submitted password too, with the same hasher, and throws the hash away;
    and it writes its audit event in one transaction, as the new account's rows
    are written in one. ``bench/signup_timing.py`` measures both paths.
    """

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
            owner = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
            audit_record(event_type=EventType.SIGN_UP_WITH_EXISTING_EMAIL, subject=owner)
        user, response = super().try_save(request)
        return user, response

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            return super().save(request)
