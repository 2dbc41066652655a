"""docs/architecture.md holds the policy table as the code has it, and the command writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

import haven
from haven.cases.policy import POLICY, POLICY_TABLE_END, POLICY_TABLE_START, policy_markdown
from tests.cli import run_haven

ARCHITECTURE = Path(haven.__file__).parents[2] / "docs" / "architecture.md"


def test_the_architecture_page_holds_the_policy_table_as_the_code_has_it() -> None:
    assert policy_markdown() in ARCHITECTURE.read_text(encoding="utf-8"), (
        "docs/architecture.md is out of date: run `haven cases policy --write docs/architecture.md`"
    )


def test_the_table_has_a_row_per_action() -> None:
    rows = [line for line in policy_markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [action.value for action in POLICY]


@pytest.mark.django_db(transaction=True)
def test_the_command_replaces_the_table_between_its_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"# Before\n\n{POLICY_TABLE_START}\nstale\n{POLICY_TABLE_END}\n\nAfter\n")
    result = run_haven("cases", "policy", "--write", str(page))
    assert result.returncode == 0, result.stderr
    text = page.read_text()
    assert text == f"# Before\n\n{policy_markdown()}\n\nAfter\n"


@pytest.mark.django_db(transaction=True)
def test_a_page_without_the_markers_is_left_alone_and_named(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("no table here\n")
    result = run_haven("cases", "policy", "--write", str(page))
    assert result.returncode == 2
    assert str(page) in result.stderr
    assert page.read_text() == "no table here\n"
