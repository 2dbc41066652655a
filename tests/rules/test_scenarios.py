"""Scenarios a policy officer can review (``scenarios/*.yaml``), and the 47 listed states.

Each YAML scenario is one person on one date at one stage; the test evaluates it with the
shipped programmes and compares the outcome and the ordered reason codes. A scenario with
``xfail`` documents a known defect: the test fails until the software is fixed, then the
marker must go (strict).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml

from haven.rules.evaluate import Facts, RulesInputError, evaluate
from haven.rules.loader import load_programmes
from haven.rules.nationality import UnknownNationalityCode
from haven.rules.outcome import Outcome

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
SCENARIO_FILES = ("shared_values.yaml", "people_in_spirit.yaml", "persons_of_interest.yaml")
ERRORS: dict[str, type[Exception]] = {
    "UnknownNationalityCode": UnknownNationalityCode,
    "RulesInputError": RulesInputError,
}
SCENARIO_KEYS = {
    "name",
    "programme",
    "stage",
    "date",
    "nationalities",
    "residence",
    "facts",
    "assume_in_force",
    "expect",
    "xfail",
}

# Government Order No. 2560-r of 17 September 2024, as DOMAIN.md lists it: an independent
# copy, so that a mistake in the programme's parameters.yaml fails these tests.
ORDER_2560R_STATES = {
    "AU": "Australia",
    "AT": "Austria",
    "AL": "Albania",
    "AD": "Andorra",
    "BS": "Bahamas",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "GB": "United Kingdom (including Crown Dependencies and Overseas Territories)",
    "DE": "Germany",
    "GR": "Greece",
    "DK": "Denmark",
    "IE": "Ireland",
    "IS": "Iceland",
    "ES": "Spain",
    "IT": "Italy",
    "CA": "Canada",
    "CY": "Cyprus",
    "LV": "Latvia",
    "LT": "Lithuania",
    "LI": "Liechtenstein",
    "LU": "Luxembourg",
    "MT": "Malta",
    "FM": "Micronesia",
    "MC": "Monaco",
    "NL": "Netherlands",
    "NZ": "New Zealand",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "KR": "Republic of Korea",
    "RO": "Romania",
    "SM": "San Marino",
    "MK": "North Macedonia",
    "SG": "Singapore",
    "SI": "Slovenia",
    "US": "United States",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "FI": "Finland",
    "FR": "France",
    "HR": "Croatia",
    "ME": "Montenegro",
    "CZ": "Czech Republic",
    "CH": "Switzerland",
    "SE": "Sweden",
    "EE": "Estonia",
    "JP": "Japan",
}
# ICAO 9303 codes that differ from ISO alpha-3 for the listed states.
ICAO_CODES = {"DE": "D"}


def _load_scenarios() -> list[tuple[str, dict[str, Any]]]:
    scenarios = []
    for filename in SCENARIO_FILES:
        data = yaml.safe_load((SCENARIOS_DIR / filename).read_text(encoding="utf-8"))
        assert isinstance(data, list), filename
        scenarios += [(filename, scenario) for scenario in data]
    return scenarios


SCENARIOS = _load_scenarios()


def _params() -> Iterator[Any]:
    for _filename, scenario in SCENARIOS:
        marks = []
        if scenario.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=scenario["xfail"]))
        yield pytest.param(scenario, id=scenario["name"], marks=marks)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def test_scenario_files_are_well_formed() -> None:
    names = [scenario["name"] for _f, scenario in SCENARIOS]
    assert len(names) == len(set(names)), "scenario names must be unique (they are test ids)"
    assert len(names) >= 60
    programmes = load_programmes()
    for filename, scenario in SCENARIOS:
        where = f"{filename}: {scenario.get('name')!r}"
        assert set(scenario) <= SCENARIO_KEYS, where
        assert {"name", "programme", "date", "nationalities", "expect"} <= set(scenario), where
        assert scenario["programme"] in programmes, where
        expect = scenario["expect"]
        if "error" in expect:
            assert set(expect) == {"error"}, where
            assert expect["error"] in ERRORS, where
        else:
            assert set(expect) == {"outcome", "reasons"}, where
            assert expect["outcome"] in {o.value for o in Outcome}, where
            assert isinstance(expect["reasons"], list), where
            assert expect["reasons"], where


def _run(scenario: dict[str, Any]) -> Any:
    programme = load_programmes()[scenario["programme"]]
    facts = Facts.from_codes(
        scenario["nationalities"], scenario.get("residence"), **(scenario.get("facts") or {})
    )
    return evaluate(
        programme,
        facts,
        _as_date(scenario["date"]),
        scenario.get("stage"),
        assume_in_force=bool(scenario.get("assume_in_force", False)),
    )


@pytest.mark.parametrize("scenario", list(_params()))
def test_scenario(scenario: dict[str, Any]) -> None:
    expect = scenario["expect"]
    if "error" in expect:
        with pytest.raises(ERRORS[expect["error"]]):
            _run(scenario)
        return
    result = _run(scenario)
    got = {"outcome": result.outcome.value, "reasons": list(result.reason_codes)}
    assert got == {"outcome": expect["outcome"], "reasons": expect["reasons"]}
    programme = load_programmes()[scenario["programme"]]
    assert result.stage == programme.stage(scenario.get("stage")).id
    assert result.on_date == _as_date(scenario["date"])
    # Every reason can be shown to a person, and every parameter used cites its act.
    for reason in result.reasons:
        assert reason.message("en")
    assert all(use.reference.act for use in result.parameters)


# --- The 47 states of Order 2560-r, generated rather than written out as scenarios.


def test_the_list_in_the_programme_is_order_2560r_exactly() -> None:
    assert len(ORDER_2560R_STATES) == 47
    listed = load_programmes()["shared-values"].parameter("designated_states")
    assert [v.valid_from for v in listed.values] == [date(2024, 9, 20)]
    assert set(listed.values[0].value) == set(ORDER_2560R_STATES)
    assert len(listed.values[0].value) == 47
    assert "2560-r" in listed.values[0].reference.act


def _code_forms() -> Iterator[Any]:
    for alpha_2 in ORDER_2560R_STATES:
        country = pycountry.countries.get(alpha_2=alpha_2)
        assert country is not None, alpha_2
        forms = {
            "alpha-2": alpha_2,
            "alpha-3": country.alpha_3,
            "lower alpha-2": alpha_2.lower(),
            "lower alpha-3": country.alpha_3.lower(),
        }
        if alpha_2 in ICAO_CODES:
            forms["ICAO"] = ICAO_CODES[alpha_2]
            forms["ICAO with fillers"] = ICAO_CODES[alpha_2] + "<<"
        for form, code in forms.items():
            yield pytest.param(alpha_2, code, id=f"{alpha_2}-{form}-{code}")


CODE_FORMS = list(_code_forms())


@pytest.mark.parametrize(("alpha_2", "code"), CODE_FORMS)
def test_a_listed_state_is_eligible_after_the_list_took_effect(alpha_2: str, code: str) -> None:
    programme = load_programmes()["shared-values"]
    facts = Facts.from_codes([code])
    assert [n.country for n in facts.nationalities] == [alpha_2]
    result = evaluate(programme, facts, date(2024, 10, 1), "visa")
    assert result.outcome == Outcome.ELIGIBLE
    assert result.reason_codes == ("NATIONALITY_LISTED",)
    assert result.reasons[0].params == {"countries": [alpha_2]}


@pytest.mark.parametrize(("alpha_2", "code"), CODE_FORMS)
def test_a_listed_state_is_not_eligible_before_the_programme(alpha_2: str, code: str) -> None:
    programme = load_programmes()["shared-values"]
    result = evaluate(programme, Facts.from_codes([code]), date(2024, 8, 31), "visa")
    assert result.outcome == Outcome.INELIGIBLE
    assert result.reason_codes == ("PROGRAMME_NOT_IN_FORCE",)


def test_the_reported_non_listed_states_are_not_on_the_list() -> None:
    listed = load_programmes()["shared-values"].value("designated_states", date(2024, 10, 1))
    assert listed is not None
    for code in ("HU", "SK", "TR", "GE", "MD", "XK", "RU"):
        assert code not in listed.value
