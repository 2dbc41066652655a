"""``haven issued list``: the command-line contract outside checks rely on."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from haven.issuance.models import IssuedDocument
from tests.cli import run_haven


def issued(*args: str) -> str:
    out = io.StringIO()
    call_command("issued", "list", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_lists_visas_with_exactly_the_contract_keys(permit: IssuedDocument) -> None:
    visa = IssuedDocument.objects.get(case=permit.case, kind="visa")
    data = json.loads(issued("--kind", "visa", "--format", "json"))
    assert data == [
        {
            "number": visa.number,
            "kind": "visa",
            "case": visa.case.reference,
            "issued_on": visa.issued_on.isoformat(),
            "valid_from": visa.valid_from.isoformat(),
            "valid_until": visa.valid_until.isoformat(),
            "entries": 1,
            "mrz": [visa.mrz_line1, visa.mrz_line2],
        }
    ]
    assert all(len(line) == 44 for line in data[0]["mrz"])


@pytest.mark.django_db
def test_json_lists_permits_without_entries_or_zone(permit: IssuedDocument) -> None:
    data = json.loads(issued("--kind", "trp", "--format", "json"))
    assert data == [
        {
            "number": permit.number,
            "kind": "trp",
            "case": permit.case.reference,
            "issued_on": permit.issued_on.isoformat(),
            "valid_from": permit.valid_from.isoformat(),
            "valid_until": permit.valid_until.isoformat(),
            "entries": None,
        }
    ]


@pytest.mark.django_db
def test_without_a_kind_every_document_by_issue_date_then_number(
    permit: IssuedDocument,
) -> None:
    data = json.loads(issued("--format", "json"))
    numbers = [row["number"] for row in data]
    visa = IssuedDocument.objects.get(case=permit.case, kind="visa")
    assert numbers == sorted([visa.number, permit.number])  # same day: by number
    assert json.loads(issued("--kind", "residence_permit", "--format", "json")) == []


@pytest.mark.django_db
def test_the_text_table_has_a_row_per_document(permit: IssuedDocument) -> None:
    lines = issued("--kind", "trp").splitlines()
    assert lines[0].split() == [
        "number",
        "kind",
        "case",
        "issued_on",
        "valid_from",
        "valid_until",
        "entries",
    ]
    assert lines[1].split() == [
        permit.number,
        "trp",
        permit.case.reference,
        permit.issued_on.isoformat(),
        permit.valid_from.isoformat(),
        permit.valid_until.isoformat(),
    ]
    assert lines[-1] == "1 document"


@pytest.mark.django_db(transaction=True)
def test_the_real_command_prints_json_only(permit: IssuedDocument) -> None:
    result = run_haven("issued", "list", "--kind", "visa", "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["kind"] == "visa"
    assert row["case"] == permit.case.reference


@pytest.mark.django_db(transaction=True)
def test_an_unknown_kind_exits_2_with_a_message_on_stderr() -> None:
    result = run_haven("issued", "list", "--kind", "passport", "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "invalid choice: 'passport'" in result.stderr
