"""``haven mrz check``: the command-line contract (exit 0 valid, 1 invalid, 2 not an MRZ)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.cli import run_haven
from tests.people.test_mrz import MRVB, TD3

FIELDS = {
    "document_number",
    "issuing_state",
    "nationality",
    "surname",
    "given_names",
    "birth_date",
    "sex",
    "expiry_date",
}
CORRUPT_TD3 = (TD3[0], TD3[1][:-1] + "1")  # composite check digit off by one


def mrz(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("mrz", "check", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_valid_mrz_prints_the_contract_and_exits_0() -> None:
    out, _ = mrz(*TD3, "--format", "json")
    data = json.loads(out)  # one JSON document, nothing else
    assert set(data) == {"valid", "type", "errors", "fields"}
    assert set(data["fields"]) == FIELDS
    assert data == {
        "valid": True,
        "type": "TD3",
        "errors": [],
        "fields": {
            "document_number": "L898902C3",
            "issuing_state": "UTO",
            "nationality": "UTO",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "birth_date": "1974-08-12",
            "sex": "F",
            "expiry_date": "2012-04-15",
        },
    }


def test_an_invalid_mrz_prints_the_contract_and_exits_1() -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("mrz", "check", *CORRUPT_TD3, "--format", "json", stdout=out)
    assert raised.value.returncode == 1
    assert "COMPOSITE_CHECK_DIGIT" in str(raised.value)
    data = json.loads(out.getvalue())
    assert data["valid"] is False
    assert data["type"] == "TD3"
    assert data["errors"] == [{"field": "composite", "code": "COMPOSITE_CHECK_DIGIT"}]
    assert data["fields"]["document_number"] == "L898902C3"


def test_unreadable_fields_are_null() -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("mrz", "check", TD3[0][:40], TD3[1], "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["type"] is None
    assert data["errors"] == [{"field": "line1", "code": "LINE_LENGTH"}]
    assert set(data["fields"]) == FIELDS
    assert data["fields"]["surname"] is None
    assert data["fields"]["issuing_state"] is None
    assert data["fields"]["document_number"] == "L898902C3"


@pytest.mark.parametrize(
    "lines",
    [("hello", "world"), ("hello world", "hello world"), ("", "")],
    ids=["hello", "words", "empty"],
)
def test_input_that_is_not_an_mrz_exits_2_and_prints_nothing(lines: tuple[str, str]) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("mrz", "check", *lines, "--format", "json", stdout=out)
    assert raised.value.returncode == 2
    assert "not a machine-readable zone" in str(raised.value)
    assert out.getvalue() == ""


def test_the_date_option_resolves_two_digit_years() -> None:
    out, _ = mrz(*MRVB, "--format", "json", "--date", "1990-01-01")
    fields = json.loads(out)["fields"]
    # Read in 1990, the visa's "96" is six years ahead, its holder's "40" long past.
    assert (fields["birth_date"], fields["expiry_date"]) == ("1940-09-07", "1996-12-10")


def test_the_text_format_is_a_summary_for_people() -> None:
    out, _ = mrz(*TD3)
    assert out.splitlines()[0] == "MRZ: TD3, valid"
    assert "Surname          ERIKSSON" in out
    assert "Birth date       1974-08-12" in out
    assert "Optional data    ZE184226B" in out
    assert "Errors" not in out


def test_the_text_format_lists_the_errors() -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("mrz", "check", *CORRUPT_TD3, stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0] == "MRZ: TD3, INVALID"
    assert "Errors:\n  composite: COMPOSITE_CHECK_DIGIT" in text


@pytest.mark.parametrize(
    ("lines", "returncode"),
    [(TD3, 0), (CORRUPT_TD3, 1), (("hello", "world"), 2)],
    ids=["valid", "invalid", "not an MRZ"],
)
def test_the_haven_executable_keeps_the_contract(lines: tuple[str, str], returncode: int) -> None:
    # Needs no database: the check is pure computation.
    result = run_haven("mrz", "check", *lines, "--format", "json", env={"HAVEN_ENV": "test"})
    assert result.returncode == returncode, result.stderr
    if returncode == 2:
        assert result.stdout == ""
        assert "not a machine-readable zone" in result.stderr
    else:
        data = json.loads(result.stdout)
        assert data["valid"] is (returncode == 0)
        assert set(data["fields"]) == FIELDS
