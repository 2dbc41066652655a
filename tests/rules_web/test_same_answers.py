"""The CLI, the API and the pre-check page give the same answer to the same question."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from tests.rules_web.helpers import check_page, page_answer

pytestmark = pytest.mark.django_db

# (programme, stage or None for the first, nationalities, residence, date)
CASES = [
    ("shared-values", None, ["DE"], None, "2024-10-01"),
    ("shared-values", "trp", ["XXA"], "FR", "2024-10-01"),
    ("shared-values", None, ["HU"], None, "2024-10-01"),
    ("shared-values", None, ["DE"], None, "2024-09-10"),
    ("shared-values", "visa", ["XXB"], "DE", "2024-10-01"),
    ("shared-values", None, ["HU", "DE"], None, "2025-01-15"),
    ("people-in-spirit", None, ["DE"], None, "2024-10-01"),
    ("persons-of-interest", None, ["US"], None, "2026-05-01"),
]


def cli_answer(programme, stage, nationalities, residence, on_date, language="en") -> dict:
    arguments = ["--programme", programme, "--date", on_date, "--format", "json"]
    arguments += ["--language", language]
    if stage:
        arguments += ["--stage", stage]
    for code in nationalities:
        arguments += ["--nationality", code]
    if residence:
        arguments += ["--residence", residence]
    out = StringIO()
    call_command("eligibility", *arguments, stdout=out)
    return json.loads(out.getvalue())


CASE_IDS = ["-".join(filter(None, [c[0], c[1], *c[2], c[3], c[4]])) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_cli_api_and_page_agree(case, language: str) -> None:
    programme, stage, nationalities, residence, on_date = case
    cli = cli_answer(programme, stage, nationalities, residence, on_date, language)

    body = {"programme": programme, "nationalities": nationalities, "date": on_date}
    body |= {"language": language}
    if stage:
        body["stage"] = stage
    if residence:
        body["residence"] = residence
    response = Client().post(
        "/api/v1/eligibility", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == cli

    fields = {"stage": cli["stage"], "date": on_date, "residence": residence or ""}
    for name, code in zip(
        ("nationality", "nationality_2", "nationality_3"), nationalities, strict=False
    ):
        fields[name] = code
    html = check_page(Client(HTTP_ACCEPT_LANGUAGE=language), programme, **fields)
    assert page_answer(html) == (cli["outcome"], [reason["code"] for reason in cli["reasons"]])
    for reason in cli["reasons"]:
        assert escape(reason["message"]) in html
