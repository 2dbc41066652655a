"""How allauth creates accounts and manages authenticators in Haven."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils import translation

from haven.accounts.roles import Role, is_staff_member


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Everyone who signs up is an applicant; officials are created by `haven users`."""
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "en"
        user.preferred_language = language.split("-")[0]
        if commit:
            user.save()

            user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
        return user


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Officials cannot switch their second factor off; applicants may."""
        return not (authenticator.type == "totp" and is_staff_member(authenticator.user))
