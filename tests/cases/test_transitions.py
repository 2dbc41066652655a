"""The table of statuses is complete, and only the action functions write a status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import haven
from haven.cases.transitions import (
    DRAFT,
    ENTRY_DOCUMENT,
    STAGE_KINDS,
    WITHDRAWN,
    Action,
    allowed_actions,
    programme_table,
    transition,
)
from haven.rules.loader import load_programmes
from haven.rules.programme import StageKind

WRITING_METHODS = {"update", "create", "update_or_create", "get_or_create", "bulk_update"}
ACTIONS_MODULE = Path(haven.__file__).parent / "cases" / "transitions.py"


def test_every_state_of_every_kind_lists_its_actions_and_leads_somewhere_known() -> None:
    for kind, table in STAGE_KINDS.items():
        for state, moves in table.items():
            for move in moves:
                assert move.to_state in table or move.to_state == WITHDRAWN, (kind, state, move)


def test_the_entry_document_states_lead_to_known_states() -> None:
    decision_states = set(STAGE_KINDS[StageKind.DECISION])
    for state, moves in ENTRY_DOCUMENT.items():
        for move in moves:
            assert move.to_state in decision_states | set(ENTRY_DOCUMENT) | {WITHDRAWN}, (
                state,
                move,
            )


@pytest.mark.parametrize("programme_id", ["shared-values", "people-in-spirit"])
def test_every_status_has_its_allowed_actions_listed(programme_id: str) -> None:
    """Each status is a key of the table, final ones with an empty tuple, none forgotten."""
    programme = load_programmes()[programme_id]
    table = programme_table(programme)
    for stage in programme.stages:
        if stage.kind not in STAGE_KINDS:
            continue
        for state in STAGE_KINDS[stage.kind]:
            assert f"{stage.id}_{state}" in table


def test_the_whole_life_of_a_shared_values_case() -> None:
    programme = load_programmes()["shared-values"]
    path = [
        (DRAFT, Action.SUBMIT, "visa_submitted"),
        ("visa_submitted", Action.START_REVIEW, "visa_in_review"),
        ("visa_in_review", Action.REQUEST_INFORMATION, "visa_info_requested"),
        ("visa_info_requested", Action.ANSWER_INFORMATION, "visa_in_review"),
        ("visa_in_review", Action.APPROVE, "visa_granted"),
        ("visa_granted", Action.RECORD_ENTRY, "trp_submitted"),
        ("trp_submitted", Action.START_REVIEW, "trp_in_review"),
        ("trp_in_review", Action.APPROVE, "trp_granted"),
    ]
    for status, action, target in path:
        move = transition(programme, status, action)
        assert move is not None, (status, action)
        assert move.to_status == target
    assert transition(programme, "visa_granted", Action.EXPIRE).to_status == "visa_expired"  # type: ignore[union-attr]
    assert allowed_actions(programme, "visa_expired") == ()
    assert allowed_actions(programme, "trp_granted") == ()
    assert transition(programme, "trp_granted", Action.RECORD_ENTRY) is None


@pytest.mark.parametrize("programme_id", ["shared-values"])
def test_every_status_of_a_programme_is_in_its_table(programme_id: str) -> None:
    table = programme_table(load_programmes()[programme_id])
    targets = {t.to_status for moves in table.values() for t in moves.values()}
    assert targets <= set(table), targets - set(table)
    assert DRAFT in table
    assert WITHDRAWN in table


def test_the_visa_stage_reads_as_the_law_describes() -> None:
    programme = load_programmes()["shared-values"]
    assert allowed_actions(programme, DRAFT) == (Action.SUBMIT,)
    assert transition(programme, DRAFT, Action.SUBMIT).to_status == "visa_submitted"  # type: ignore[union-attr]
    assert set(allowed_actions(programme, "visa_in_review")) == {
        Action.REQUEST_INFORMATION,
        Action.APPROVE,
        Action.REFUSE,
        Action.WITHDRAW,
    }
    assert allowed_actions(programme, "visa_refused") == ()
    assert transition(programme, "visa_refused", Action.APPROVE) is None
    assert allowed_actions(programme, WITHDRAWN) == ()


# A case's status and its state within the stage are written together, by the actions only.
STATUS_FIELDS = ("status", "state")


def _writes_status(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr in STATUS_FIELDS for t in targets):
                lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITING_METHODS
            and any(k.arg in STATUS_FIELDS for k in node.keywords)
        ):
            lines.append(node.lineno)
    return lines


def test_no_code_outside_the_actions_writes_a_status() -> None:
    offenders = {}
    for path in Path(haven.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts or path == ACTIONS_MODULE:
            continue
        lines = _writes_status(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            offenders[str(path)] = lines
    assert not offenders


def test_the_scan_would_notice_a_status_written_elsewhere() -> None:
    assert sorted(
        _writes_status(
            ast.parse(
                "case.status = 'x'\nCase.objects.filter().update(status='y')\ncase.state = 'z'"
            )
        )
    ) == [1, 2, 3]
