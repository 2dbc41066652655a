"""Which officials handle which stage: a stage names its authority, a role works its queue."""

from __future__ import annotations

from typing import Any

from haven.rules.programme import Programme

# The permission that lets an official work the cases of an authority.
AUTHORITY_PERMISSIONS: dict[str, str] = {
    "consulate": "accounts.work_consular_queue",
    "migration": "accounts.work_migration_queue",
}


def officer_authorities(user: Any) -> frozenset[str]:
    """The authorities whose cases the user works (none for applicants and other staff)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        authority
        for authority, permission in AUTHORITY_PERMISSIONS.items()
        if user.has_perm(permission)
    )


def stage_authority(programme: Programme, stage_id: str) -> str:
    return programme.stage(stage_id).authority


def can_work_stage(user: Any, programme: Programme, stage_id: str) -> bool:
    return stage_authority(programme, stage_id) in officer_authorities(user)
