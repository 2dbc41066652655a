"""Evaluations stored with an application can be shown again later, in any language."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from haven.rules.amendments import AmendmentSpec, Operation, apply_amendments
from haven.rules.evaluate import Facts, evaluate
from haven.rules.loader import load_programmes
from haven.rules.messages import MESSAGES, render
from haven.rules.outcome import Evaluation, Outcome
from haven.rules.parameters import Parameter
from haven.rules.programme import LANGUAGES
from haven.rules.references import LegalReference
from tests.rules.test_scenarios import SCENARIOS, _run


def _evaluations() -> list[tuple[str, Evaluation]]:
    """An evaluation for every YAML scenario that has one, and the bill with states set."""
    found = [
        (scenario["name"], _run(scenario))
        for _file, scenario in SCENARIOS
        if "error" not in scenario["expect"] and not scenario.get("xfail")
    ]
    bill = apply_amendments(
        load_programmes()["people-in-spirit"],
        [
            AmendmentSpec(
                parameter="qualifying_states",
                operation=Operation.ADD_COUNTRY,
                effective_from=date(2026, 1, 1),
                reference=LegalReference(act="Proposed act (test)"),
                country="US",
            )
        ],
    )
    for state in ("US", "HU"):
        facts = Facts.from_codes(["DE"], prosecuted=True, prosecuting_state=state)
        evaluation = evaluate(bill, facts, date(2026, 2, 1), assume_in_force=True)
        found.append((f"bill simulated with US listed, prosecuted in {state}", evaluation))
    strict = apply_amendments(
        load_programmes()["shared-values"],
        [
            AmendmentSpec(
                parameter="dual_nationality_qualifies",
                operation=Operation.SET_VALUE,
                effective_from=date(2026, 1, 1),
                reference=LegalReference(act="Proposed reading (test)"),
                value=False,
            )
        ],
    )
    evaluation = evaluate(strict, Facts.from_codes(["DE", "HU"]), date(2026, 2, 1))
    found.append(("dual nationals no longer accepted, German and Hungarian", evaluation))
    return found


EVALUATIONS = _evaluations()


def _reference(stored: dict[str, Any] | None) -> LegalReference | None:
    if stored is None:
        return None
    when = stored["date"]
    return LegalReference(**{**stored, "date": date.fromisoformat(when) if when else None})


def test_the_evaluations_cover_every_reason_code() -> None:
    produced = {code for _name, evaluation in EVALUATIONS for code in evaluation.reason_codes}
    assert produced == set(MESSAGES)


@pytest.mark.parametrize(
    "evaluation", [e for _n, e in EVALUATIONS], ids=[n for n, _e in EVALUATIONS]
)
def test_a_stored_record_renders_the_same_messages_later(evaluation: Evaluation) -> None:
    record = json.loads(json.dumps(evaluation.to_record(), ensure_ascii=False))
    assert record["programme"] == evaluation.programme
    assert record["stage"] == evaluation.stage
    assert record["date"] == evaluation.on_date.isoformat()
    assert record["outcome"] == evaluation.outcome.value
    assert record["simulated"] == evaluation.simulated
    assert [r["code"] for r in record["reasons"]] == list(evaluation.reason_codes)
    for stored, reason in zip(record["reasons"], evaluation.reasons, strict=True):
        assert _reference(stored["reference"]) == reason.reference
        for language in LANGUAGES:
            assert render(stored["code"], stored["params"], language) == reason.message(language)
    assert set(record["parameters"]) == {use.name for use in evaluation.parameters}
    for use in evaluation.parameters:
        stored_use = record["parameters"][use.name]
        assert stored_use["valid_from"] == use.valid_from.isoformat()
        assert _reference(stored_use["reference"]) == use.reference


def test_messages_are_translated_and_name_states_in_the_readers_language() -> None:
    programme = load_programmes()["shared-values"]
    result = evaluate(programme, Facts.from_codes(["DE", "HU"]), date(2024, 10, 1))
    record = result.to_record()
    listed, dual = record["reasons"]
    assert render(listed["code"], listed["params"], "ru") == (
        "Гражданство государства из утверждённого перечня: Германия."
    )
    assert "Ungarn" in render(dual["code"], dual["params"], "de")
    assert "Hungary" in render(dual["code"], dual["params"], "en")


def test_a_stored_date_is_shown_as_a_date() -> None:
    programme = load_programmes()["shared-values"]
    result = evaluate(programme, Facts.from_codes(["DE"]), date(2024, 9, 10))
    stored = result.to_record()["reasons"][0]
    assert stored["params"] == {"date": "2024-09-10", "first_date": "2024-09-20"}
    assert "2024-09-10" not in render(stored["code"], stored["params"], "en")
    assert "20" in render(stored["code"], stored["params"], "ru")


def test_the_stage_title_is_shown_in_the_readers_language() -> None:
    programme = load_programmes()["shared-values"]
    result = evaluate(programme, Facts.from_codes(["XXA"]), date(2024, 10, 1), "visa")
    stored = result.to_record()["reasons"][0]
    assert "Въездная виза" in render(stored["code"], stored["params"], "ru")
    assert "Einreisevisum" in render(stored["code"], stored["params"], "de")


def test_the_json_contract() -> None:
    programme = load_programmes()["shared-values"]
    result = evaluate(programme, Facts.from_codes(["D<<"]), date(2024, 10, 1))
    data = json.loads(json.dumps(result.as_dict("en")))
    assert set(data) == {"programme", "stage", "date", "outcome", "reasons", "parameters"}
    assert data["outcome"] == "eligible"
    for reason in data["reasons"]:
        assert set(reason) == {"code", "message", "legal_reference"}
    for use in data["parameters"].values():
        assert set(use) == {"value", "valid_from", "legal_reference"}
    listed = data["parameters"]["designated_states"]["value"]
    assert listed == sorted(listed)
    assert len(listed) == 47
    assert data["parameters"]["designated_states"]["valid_from"] == "2024-09-20"
    assert "2560-r" in data["parameters"]["designated_states"]["legal_reference"]


def test_every_message_has_a_russian_translation() -> None:
    params = {
        "date": "2024-09-10",
        "first_date": "2024-09-20",
        "countries": ["DE"],
        "country": "DE",
        "stage": {"en": "Entry visa", "ru": "Въездная виза"},
    }
    for code in MESSAGES:
        assert render(code, params, "ru") != render(code, params, "en"), code


def test_a_list_with_no_values_yet_still_gives_a_message() -> None:
    programme = load_programmes()["shared-values"]
    listed = programme.parameter("designated_states")
    empty = Parameter(listed.name, listed.type, listed.description, ())
    programme = replace(programme, parameters={**programme.parameters, listed.name: empty})
    result = evaluate(programme, Facts.from_codes(["DE"]), date(2024, 10, 1))
    assert result.outcome == Outcome.UNDETERMINED
    assert result.reason_codes == ("COUNTRY_LIST_NOT_IN_FORCE",)
    assert result.reasons[0].message("en")
