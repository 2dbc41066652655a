"""Changes to accounts made by operators (the `haven users` command) and the demo loader."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.actions import audit_record
from haven.audit.models import EventType


def user_create(
    *,
    email: str,
    password: str,
    roles: list[Role],
    full_name: str = "",
    preferred_language: str = "en",
    email_verified: bool = True,
    actor: User | None = None,
) -> User:
    """Create an account with its roles and a verified email address.

    Operators call it for officials; the password must pass the same rules as
    everyone's (raises ``ValidationError``). Each role granted is audited.
    """

    email = email.strip().lower()
    candidate = User(email=email, full_name=full_name)
    # Officials must use a second factor, so the shorter multi-factor minimum applies.
    candidate._haven_roles = roles  # type: ignore[attr-defined]
    validate_password(password, candidate)
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, full_name=full_name, preferred_language=preferred_language
        )
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
        audit_record(event_type=EventType.ACCOUNT_CREATED, actor=actor, subject=user)
        for role in roles:
            user_grant_role(user=user, role=role, actor=actor)
    return user


def user_grant_role(*, user: User, role: Role, actor: User | None = None) -> None:
    """Give a user a role (audited). Granting a role already held changes nothing."""
    group = Group.objects.get(name=role.value)
    with transaction.atomic():
        if user.groups.filter(pk=group.pk).exists():
            return
        user.groups.add(group)
        user.__dict__.pop("_haven_roles", None)
        audit_record(
            event_type=EventType.ROLE_GRANTED,
            actor=actor,
            subject=user,
            details={"role": role.value},
        )


def user_revoke_role(*, user: User, role: Role, actor: User | None = None) -> None:
    """Take a role away (audited). Revoking a role not held changes nothing."""
    group = Group.objects.get(name=role.value)
    with transaction.atomic():
        if not user.groups.filter(pk=group.pk).exists():
            return
        user.groups.remove(group)
        user.__dict__.pop("_haven_roles", None)
        audit_record(
            event_type=EventType.ROLE_REVOKED,
            actor=actor,
            subject=user,
            details={"role": role.value},
        )
