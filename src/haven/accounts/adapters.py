"""How allauth creates accounts, counts failed sign-ins and manages authenticators in Haven."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from haven.accounts.lockout import client_address
from haven.accounts.roles import Role, is_staff_member
from haven.audit.actions import audit_record
from haven.audit.models import EventType

# Failed sign-ins counted per client address, at settings.HAVEN_SIGN_IN_FAILURES_PER_ADDRESS.
FAILURES_PER_ADDRESS = "login_failed_per_address"


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Everyone who signs up is an applicant; officials are created by `haven users`.

        The account, its role and its audit event are written in one transaction
        (the sign-up form adds the email address to the same one).
        """
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "en"
        user.preferred_language = language.split("-")[0]
        if commit:
            with transaction.atomic():
                user.save()
                user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
                audit_record(event_type=EventType.ACCOUNT_CREATED, actor=user, subject=user)
        return user

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse to check a password from an address that has failed too often lately.

        Counted per address, whatever the accounts tried, so one address cannot
        try a password on many accounts. allauth would also count failures per
        email address, and refuse the account's owner from anywhere once someone
        anywhere had typed five wrong passwords for it; Haven leaves the count per
        account to axes, which counts per account *and* address.
        """
        if not ratelimit.consume(request, action=FAILURES_PER_ADDRESS, dry_run=True):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        ratelimit.consume(request, action=FAILURES_PER_ADDRESS)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count, the one axes counts too."""
        return client_address(request)


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Officials cannot switch their second factor off; applicants may."""
        return not (authenticator.type == "totp" and is_staff_member(authenticator.user))
