"""Supervisors: officials who also receive their authority's daily report of missed deadlines.

The permission is given to the person, not to a role: roles' permissions are
re-synchronised from ``haven.accounts.roles`` after every migration, and a
supervisor is one official of the queue, not every one. Which authority's
report a supervisor gets follows from their role (a consular officer gets the
consulate's, a migration officer the migration authority's).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.authorities import officer_authorities
from haven.cases.errors import CaseError, CaseErrorCode

DEADLINE_REPORTS = "cases.receive_deadline_reports"


def _permission() -> Permission:
    app_label, codename = DEADLINE_REPORTS.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _holds(user: User, permission: Permission) -> bool:
    return user.user_permissions.filter(pk=permission.pk).exists()


def supervisor_add(*, user: User, actor: User | None = None) -> bool:
    """Send the user their authority's daily report (operators: ``haven users supervise``).

    Only an official who works an authority's queue can supervise it: raises
    ``CaseError(NOT_AN_OFFICER)`` otherwise. Returns False, changing nothing,
    for a user who is a supervisor already. Audited.
    """
    if not officer_authorities(user):
        raise CaseError(CaseErrorCode.NOT_AN_OFFICER)
    permission = _permission()
    with transaction.atomic():
        if _holds(user, permission):
            return False
        user.user_permissions.add(permission)
        audit_record(
            event_type=EventType.PERMISSION_GRANTED,
            actor=actor,
            subject=user,
            details={"permission": DEADLINE_REPORTS},
        )
    return True


def supervisor_remove(*, user: User, actor: User | None = None) -> bool:
    """Stop the daily report for the user (``haven users unsupervise``); audited."""
    permission = _permission()
    with transaction.atomic():
        if not _holds(user, permission):
            return False
        user.user_permissions.remove(permission)
        audit_record(
            event_type=EventType.PERMISSION_REVOKED,
            actor=actor,
            subject=user,
            details={"permission": DEADLINE_REPORTS},
        )
    return True


def supervisors_for(authority: str) -> list[User]:
    """Active supervisors whose role works the authority's queue, by email."""
    candidates = (
        User.objects.filter(is_active=True, user_permissions=_permission())
        .distinct()
        .order_by("email")
    )
    return [user for user in candidates if authority in officer_authorities(user)]
