"""A case's status: ``draft``, ``withdrawn``, or a state within its current stage.

The status column holds ``<stage id>_<state>`` (``visa_in_review``); the case's
``stage`` column holds the stage. ``state_of`` is the one place that takes a
status apart again.
"""

from __future__ import annotations

import enum
from typing import Protocol

DRAFT = "draft"
WITHDRAWN = "withdrawn"


class StageState(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    GRANTED = "granted"
    REFUSED = "refused"
    EXPIRED = "expired"


# The states in which a case waits for its authority's decision.
AWAITING_DECISION: tuple[StageState, ...] = (
    StageState.SUBMITTED,
    StageState.IN_REVIEW,
    StageState.INFO_REQUESTED,
)


class HasStatus(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def status(self) -> str: ...


def status_of(stage: str, state: str) -> str:
    return WITHDRAWN if state == WITHDRAWN else f"{stage}_{state}"


def state_in(stage: str, status: str) -> str | None:
    """The state part of ``status`` when it belongs to ``stage``, else None."""
    prefix = f"{stage}_"
    return status[len(prefix) :] if status.startswith(prefix) else None


def state_of(case: HasStatus) -> str | None:
    """The case's state within its current stage; None for a draft or a withdrawn case."""
    return state_in(case.stage, case.status)


def state_or_withdrawn(case: HasStatus) -> str:
    """The state within the stage, ``withdrawn`` for a withdrawn case (never for a draft)."""
    if case.status == WITHDRAWN:
        return WITHDRAWN
    return state_of(case) or case.status
