"""The lock every action on a case takes first, after the policy's and the version's checks."""

from __future__ import annotations

from haven.accounts.models import User
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.policy import allowed_now, may_act_as
from haven.cases.transitions import Action
from haven.rules.programme import Programme
from haven.rules.selectors import programme_get


def lock_case(
    case: Case, actor: User | None, action: Action, version: int | None, *, now: bool = True
) -> tuple[Case, Programme]:
    """The case, locked, once the policy lets ``actor`` take ``action`` and the version matches.

    ``actor`` None is Haven itself (the daily checks, border control's systems).
    With ``now=False`` the caller checks the status itself (``apply_transition``),
    after checks whose refusal says more.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    programme = programme_get(locked.programme)
    if not may_act_as(actor, action, locked, programme):
        raise CaseError(CaseErrorCode.NOT_PERMITTED)
    if version is not None and locked.version != version:
        raise CaseError(CaseErrorCode.CONFLICT)
    if now and not allowed_now(action, locked, programme):
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    return locked, programme
