"""Roles are groups with an explicit, complete list of permissions.

The table below is the single source of truth: ``sync_roles`` makes the
database match it after every migration, adding and removing permissions.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    MIGRATION_OFFICER = "migration_officer", _("Migration officer")
    COMMISSION_MEMBER = "commission_member", _("Commission member")
    COMMISSION_SECRETARY = "commission_secretary", _("Commission secretary")
    POLICY_ADMIN = "policy_admin", _("Policy administrator")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")


ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.APPLICANT: ("accounts.apply_to_programmes",),
    Role.CONSULAR_OFFICER: ("accounts.work_consular_queue",),
    Role.MIGRATION_OFFICER: ("accounts.work_migration_queue",),
    Role.COMMISSION_MEMBER: ("accounts.review_commission_cases",),
    Role.COMMISSION_SECRETARY: (
        "accounts.review_commission_cases",
        "accounts.manage_commission_sessions",
    ),
    Role.POLICY_ADMIN: ("accounts.manage_programmes",),
    Role.ANALYST: ("accounts.view_statistics",),
    Role.AUDITOR: ("audit.view_auditevent",),
}

STAFF_ROLES: frozenset[Role] = frozenset(role for role in Role if role != Role.APPLICANT)


def sync_roles() -> None:
    """Create each role's group and give it exactly the permissions in ROLE_PERMISSIONS."""

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with transaction.atomic():
        for role, codenames in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.get_or_create(name=role.value)
            wanted = []
            for dotted in codenames:
                app_label, codename = dotted.split(".", 1)
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            group.permissions.set(wanted)


def sync_after_migrate(**kwargs: Any) -> None:
    sync_roles()


def roles_of(user: Any) -> list[Role]:
    """The user's roles in the order of the Role enum (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Role] | None = getattr(user, "_haven_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [role for role in Role if role.value in names]
        user._haven_roles = cached
    return cached


def is_staff_member(user: Any) -> bool:
    return any(role in STAFF_ROLES for role in roles_of(user))
