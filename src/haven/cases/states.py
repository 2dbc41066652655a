"""A case's status: ``draft``, ``withdrawn``, or a state within its current stage.

A case keeps three columns: ``stage`` (``visa``), ``state`` (``in_review``,
or ``draft`` / ``withdrawn`` outside any stage) and ``status``, the two
together (``visa_in_review``), which queues count and filter by. Statuses
recorded elsewhere (a timeline entry's ``to_status``) are taken apart by
``state_in``, the one place that does.
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


class HasState(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def state(self) -> str: ...


def status_of(stage: str, state: str) -> str:
    return WITHDRAWN if state == WITHDRAWN else f"{stage}_{state}"


def state_in(stage: str, status: str) -> str | None:
    """The state part of ``status`` when it belongs to ``stage``, else None."""
    prefix = f"{stage}_"
    return status[len(prefix) :] if status.startswith(prefix) else None


def state_of(case: HasState) -> str | None:
    """The case's state within its current stage; None for a draft or a withdrawn case."""
    return None if case.state in (DRAFT, WITHDRAWN) else case.state


def state_or_withdrawn(case: HasState) -> str:
    """The state within the stage, or ``draft`` / ``withdrawn`` outside any stage."""
    return case.state
