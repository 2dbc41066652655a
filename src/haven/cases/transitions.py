"""Which action is allowed from which status: data, not code.

A programme's stages each have a kind (``decision``, ``event``, ``commission``,
``external_check``). Each kind has a table of its states and, for each state,
the actions allowed and where they lead. A case's status is the stage id and
the state (``visa_in_review``); ``draft`` and ``withdrawn`` belong to no stage.
Only the action functions of ``haven.casework`` change a status, each through
``apply_transition`` below, which looks its move up here first.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils import timezone

from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.states import DRAFT, WITHDRAWN, StageState, status_of
from haven.rules.programme import Programme, StageKind

__all__ = ["DRAFT", "WITHDRAWN", "Action", "StageState", "status_of", "transition"]


class Action(enum.StrEnum):
    """Every action on a case. Who may take each: ``haven.cases.policy``."""

    # Moves between statuses, allowed by the tables below.
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    REQUEST_INFORMATION = "request_information"
    ANSWER_INFORMATION = "answer_information"
    APPROVE = "approve"
    REFUSE = "refuse"
    RECORD_ENTRY = "record_entry"
    EXPIRE = "expire"
    # Actions that leave the status as it is (when they are allowed: ``policy.WHEN``).
    EDIT_DRAFT = "edit_draft"
    VIEW = "view"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    ADD_NOTE = "add_note"
    CHECK_DOCUMENT = "check_document"
    MARK_DEADLINE_MISSED = "mark_deadline_missed"
    RECORD_NOTIFICATION = "record_notification"


@dataclass(frozen=True)
class Move:
    action: Action
    to_state: str  # a state of the same stage (or of the next one), or WITHDRAWN
    next_stage: bool = False


# The decision kind: an authority reviews, may ask for information, then decides.
DECISION: dict[str, tuple[Move, ...]] = {
    StageState.SUBMITTED: (
        Move(Action.START_REVIEW, StageState.IN_REVIEW),
        Move(Action.WITHDRAW, WITHDRAWN),
    ),
    StageState.IN_REVIEW: (
        Move(Action.REQUEST_INFORMATION, StageState.INFO_REQUESTED),
        Move(Action.APPROVE, StageState.GRANTED),
        Move(Action.REFUSE, StageState.REFUSED),
        Move(Action.WITHDRAW, WITHDRAWN),
    ),
    StageState.INFO_REQUESTED: (
        Move(Action.ANSWER_INFORMATION, StageState.IN_REVIEW),
        Move(Action.WITHDRAW, WITHDRAWN),
    ),
    StageState.GRANTED: (),
    StageState.REFUSED: (),
}

# The stage kinds whose casework Haven runs (``haven.rules.stages`` says what each needs).
STAGE_KINDS: dict[StageKind, dict[str, tuple[Move, ...]]] = {StageKind.DECISION: DECISION}

# A stage whose grant issues a document used to enter the country (``IssuedKind.used_to_enter``,
# a visa):
# the grant waits for the entry, which opens the next stage, or for the
# document to expire unused. Replaces the decision kind's final "granted".
ENTRY_DOCUMENT: dict[str, tuple[Move, ...]] = {
    StageState.GRANTED: (
        Move(Action.RECORD_ENTRY, StageState.SUBMITTED, next_stage=True),
        Move(Action.EXPIRE, StageState.EXPIRED),
        Move(Action.WITHDRAW, WITHDRAWN),
    ),
    StageState.EXPIRED: (),
}
# The actions only a stage whose document is used to enter allows.
ENTRY_DOCUMENT_ACTIONS = frozenset(
    move.action for moves in ENTRY_DOCUMENT.values() for move in moves
) - frozenset(move.action for moves in DECISION.values() for move in moves)

# Statuses outside any stage.
DRAFT_MOVES: tuple[Move, ...] = (Move(Action.SUBMIT, StageState.SUBMITTED),)


def states_allowing(action: Action) -> tuple[str, ...]:
    """The states (of any stage kind) and statuses from which ``action`` moves a case."""
    found = [DRAFT] if any(move.action == action for move in DRAFT_MOVES) else []
    for table in (*STAGE_KINDS.values(), ENTRY_DOCUMENT):
        for state, moves in table.items():
            if any(move.action == action for move in moves) and state not in found:
                found.append(state)
    return tuple(found)


@dataclass(frozen=True)
class Transition:
    action: Action
    from_status: str
    to_status: str
    to_stage: str
    to_state: str


def programme_table(programme: Programme) -> dict[str, dict[Action, Transition]]:
    """Every status of the programme with the actions allowed from it and where they lead."""
    first = programme.stages[0].id
    table: dict[str, dict[Action, Transition]] = {
        DRAFT: {
            move.action: Transition(
                move.action, DRAFT, status_of(first, move.to_state), first, move.to_state
            )
            for move in DRAFT_MOVES
        },
        WITHDRAWN: {},
    }
    for index, stage in enumerate(programme.stages):
        kind = STAGE_KINDS.get(stage.kind)
        if kind is None:
            continue  # stage kinds whose casework is not built yet have no statuses
        following = programme.stages[index + 1] if index + 1 < len(programme.stages) else None
        states = dict(kind)
        if stage.issues.used_to_enter and following is not None:
            states.update(ENTRY_DOCUMENT)
        for state, moves in states.items():
            status = status_of(stage.id, state)
            table[status] = {}
            for move in moves:
                target = following if move.next_stage and following is not None else stage
                table[status][move.action] = Transition(
                    move.action,
                    status,
                    status_of(target.id, move.to_state),
                    target.id,
                    move.to_state,
                )
    return table


def allowed_actions(programme: Programme, status: str) -> tuple[Action, ...]:
    return tuple(programme_table(programme).get(status, {}))


def transition(programme: Programme, status: str, action: Action) -> Transition | None:
    return programme_table(programme).get(status, {}).get(action)


def apply_transition(case: Case, programme: Programme, action: Action) -> str:
    """Move a locked case by one allowed action; the one place a status is written.

    Returns the status it left. Raises ``CaseError(ACTION_NOT_ALLOWED)`` when
    the case's status does not allow the action. The caller holds the row
    lock and the transaction, and saves the case.
    """
    move = transition(programme, case.status, action)
    if move is None:  # the caller's ``policy.require`` has checked it: a bug if it happens
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    previous = case.status
    if move.to_stage != case.stage:
        case.stage = move.to_stage
        case.stage_started_on = timezone.localdate()
        case.deadline_missed_on = None
    case.status = move.to_status
    case.state = move.to_state
    case.version += 1
    return previous
