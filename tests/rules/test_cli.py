"""``haven eligibility``: the command-line contract, through the real ``haven`` executable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_haven

pytestmark = pytest.mark.django_db(transaction=True)


def test_json_output_is_one_object_with_the_stable_keys() -> None:
    result = run_haven(
        "eligibility", "--programme", "shared-values", "--nationality", "D<<",
        "--date", "2024-10-01", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # one JSON document, nothing else
    assert isinstance(data, dict)
    assert set(data) == {"programme", "stage", "date", "outcome", "reasons", "parameters"}
    assert data["programme"] == "shared-values"
    assert data["stage"] == "visa"  # the default: the programme's first stage
    assert data["date"] == "2024-10-01"
    assert data["outcome"] == "eligible"
    assert [reason["code"] for reason in data["reasons"]] == ["NATIONALITY_LISTED"]
    for reason in data["reasons"]:
        assert set(reason) == {"code", "message", "legal_reference"}
        assert "Germany" in reason["message"]
        assert "2560-r" in reason["legal_reference"]
    assert isinstance(data["parameters"], dict)
    assert data["parameters"]
    for name, use in data["parameters"].items():
        assert name == name.lower()
        assert set(use) == {"value", "valid_from", "legal_reference"}
        assert use["legal_reference"]
    assert data["parameters"]["designated_states"]["valid_from"] == "2024-09-20"
    assert "DE" in data["parameters"]["designated_states"]["value"]


@pytest.mark.parametrize(
    ("args", "outcome", "codes"),
    [
        (
            ["--nationality", "HU", "--date", "2024-10-01", "--stage", "trp"],
            "ineligible",
            ["NATIONALITY_NOT_LISTED"],
        ),
        (
            ["--nationality", "DE", "--date", "2024-09-10"],
            "undetermined",
            ["COUNTRY_LIST_NOT_IN_FORCE"],
        ),
    ],
    ids=["ineligible", "undetermined"],
)
def test_every_outcome_exits_0(args: list[str], outcome: str, codes: list[str]) -> None:
    result = run_haven("eligibility", "--programme", "shared-values", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == outcome
    assert [reason["code"] for reason in data["reasons"]] == codes


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--programme", "no-such-programme", "--nationality", "DE", "--date", "2024-10-01"],
            "no-such-programme",
        ),
        (
            ["--programme", "shared-values", "--stage", "embassy", "--nationality", "DE",
             "--date", "2024-10-01"],
            "embassy",
        ),
        (
            ["--programme", "shared-values", "--nationality", "ZZ", "--date", "2024-10-01"],
            "'ZZ'",
        ),
        (
            ["--programme", "shared-values", "--nationality", "DE", "--date", "2024-02-30"],
            "2024-02-30",
        ),
    ],
    ids=["unknown programme", "unknown stage", "unknown code", "impossible date"],
)  # fmt: skip
def test_invalid_input_exits_2_with_the_error_on_stderr(args: list[str], words: str) -> None:
    result = run_haven("eligibility", *args, "--format", "json")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_text_output_explains_the_outcome_to_a_person() -> None:
    result = run_haven(
        "eligibility", "--programme", "shared-values", "--stage", "trp", "--nationality", "XXA",
        "--residence", "LV", "--date", "2024-10-01",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Outcome: ELIGIBLE" in text
    assert "Stage: trp" in text
    assert "RESIDENCE_LISTED" in text
    assert "Latvia" in text  # the reason's message, with the state's name
    assert "Presidential Decree No. 702" in text  # the law the reason rests on
    assert result.stderr == ""


def test_before_the_first_migrate_it_answers_from_the_shipped_rules(tmp_path: Path) -> None:
    """Outside checks may call the contract on a fresh checkout whose database is empty."""
    result = run_haven(
        "eligibility", "--programme", "shared-values", "--nationality", "GBD",
        "--date", "2024-10-01", "--format", "json",
        env={
            "HAVEN_ENV": "demo",
            "HAVEN_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        },
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "eligible"
    assert "not migrated" in result.stderr
