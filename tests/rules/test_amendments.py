"""Amendments as pure functions: a later act changes the list from its date, never before."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from haven.rules.amendments import (
    AmendmentError,
    AmendmentSpec,
    Operation,
    apply_amendments,
    parse_amend_option,
)
from haven.rules.evaluate import Facts, RulesInputError, evaluate
from haven.rules.loader import load_programmes
from haven.rules.nationality import UnknownNationalityCode
from haven.rules.outcome import Evaluation, Outcome
from haven.rules.programme import Programme
from haven.rules.references import LegalReference

AMENDING_ACT = LegalReference(act="Government Order No. 9999-r (test)", date=date(2025, 12, 1))
NEW_YEAR = date(2026, 1, 1)


def shared_values() -> Programme:
    return load_programmes()["shared-values"]


def spec(
    operation: Operation,
    country: str,
    effective_from: date = NEW_YEAR,
    parameter: str = "designated_states",
) -> AmendmentSpec:
    return AmendmentSpec(
        parameter=parameter,
        operation=operation,
        effective_from=effective_from,
        reference=AMENDING_ACT,
        country=country,
    )


def check(programme: Programme, codes: list[str], on: date, stage: str = "visa") -> Evaluation:
    return evaluate(programme, Facts.from_codes(codes), on, stage)


def test_adding_hungary_from_2026() -> None:
    original = shared_values()
    amended = apply_amendments(original, [spec(Operation.ADD_COUNTRY, "HU")])
    on_the_day = check(amended, ["HU"], NEW_YEAR)
    assert on_the_day.outcome == Outcome.ELIGIBLE
    assert on_the_day.reason_codes == ("NATIONALITY_LISTED",)
    assert on_the_day.reasons[0].reference == AMENDING_ACT  # cites the amending act
    the_day_before = check(amended, ["HU"], date(2025, 12, 31))
    assert the_day_before.outcome == Outcome.INELIGIBLE
    assert the_day_before.reason_codes == ("NATIONALITY_NOT_LISTED",)
    assert check(amended, ["DE"], NEW_YEAR).outcome == Outcome.ELIGIBLE
    listed = amended.value("designated_states", NEW_YEAR)
    assert listed is not None
    assert len(listed.value) == 48


@pytest.mark.parametrize("codes", [["HU"], ["DE"], ["DE", "HU"], ["XXA"], ["RU"], ["XXX"]])
@pytest.mark.parametrize("stage", ["visa", "trp"])
def test_an_earlier_evaluation_is_untouched(codes: list[str], stage: str) -> None:
    original = shared_values()
    amended = apply_amendments(original, [spec(Operation.ADD_COUNTRY, "HU")])
    before = check(original, codes, date(2025, 6, 1), stage)
    after = check(amended, codes, date(2025, 6, 1), stage)
    assert before == after
    assert before.to_record() == after.to_record()


def test_applying_leaves_the_original_programme_alone() -> None:
    original = shared_values()
    apply_amendments(original, [spec(Operation.ADD_COUNTRY, "HU")])
    assert check(original, ["HU"], NEW_YEAR).outcome == Outcome.INELIGIBLE
    assert len(original.parameter("designated_states").values) == 1


def test_removing_the_united_states_from_2026() -> None:
    amended = apply_amendments(shared_values(), [spec(Operation.REMOVE_COUNTRY, "US")])
    assert check(amended, ["US"], date(2025, 12, 31)).outcome == Outcome.ELIGIBLE
    removed = check(amended, ["USA"], NEW_YEAR)
    assert removed.outcome == Outcome.INELIGIBLE
    assert removed.reason_codes == ("NATIONALITY_NOT_LISTED",)
    assert removed.reasons[0].reference == AMENDING_ACT
    dual = check(amended, ["US", "DE"], NEW_YEAR)
    assert dual.reason_codes == ("NATIONALITY_LISTED", "DUAL_NATIONALITY_ACCEPTED")
    assert dual.reasons[0].params == {"countries": ["DE"]}


def test_amendments_apply_in_order_of_their_dates() -> None:
    amended = apply_amendments(
        shared_values(),
        [
            spec(Operation.REMOVE_COUNTRY, "HU", date(2026, 6, 1)),
            spec(Operation.ADD_COUNTRY, "HU", NEW_YEAR),
        ],
    )
    assert check(amended, ["HU"], date(2025, 12, 31)).outcome == Outcome.INELIGIBLE
    assert check(amended, ["HU"], date(2026, 3, 1)).outcome == Outcome.ELIGIBLE
    assert check(amended, ["HU"], date(2026, 6, 1)).outcome == Outcome.INELIGIBLE


def test_a_stateless_person_living_in_a_newly_added_state() -> None:
    amended = apply_amendments(shared_values(), [spec(Operation.ADD_COUNTRY, "GE")])
    facts = Facts.from_codes(["XXA"], "GE")
    assert evaluate(amended, facts, NEW_YEAR, "trp").reason_codes == ("RESIDENCE_LISTED",)
    before = evaluate(amended, facts, date(2025, 12, 31), "trp")
    assert before.reason_codes == ("RESIDENCE_NOT_LISTED",)


@pytest.mark.parametrize("code", ["DE", "D", "deu", "GBD", "US"])
def test_adding_an_already_listed_state(code: str) -> None:
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [spec(Operation.ADD_COUNTRY, code)])
    assert error.value.code == "ALREADY_LISTED"


def test_removing_a_state_that_is_not_listed() -> None:
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [spec(Operation.REMOVE_COUNTRY, "HU")])
    assert error.value.code == "NOT_LISTED"


@pytest.mark.parametrize("code", ["ZZ", "", "XXA", "XXX"])
def test_adding_something_that_is_no_state(code: str) -> None:
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [spec(Operation.ADD_COUNTRY, code)])
    assert error.value.code == "UNKNOWN_COUNTRY"


def test_an_unknown_parameter() -> None:
    amendment = spec(Operation.ADD_COUNTRY, "HU", parameter="designated_countries")
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [amendment])
    assert error.value.code == "UNKNOWN_PARAMETER"


def test_a_parameter_that_is_not_a_list_of_states() -> None:
    amendment = spec(Operation.ADD_COUNTRY, "HU", parameter="residence_route_stages")
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [amendment])
    assert error.value.code == "NOT_A_COUNTRY_LIST"


def test_setting_a_value_is_checked_like_the_files() -> None:
    fee = AmendmentSpec(
        parameter="trp_state_fee",
        operation=Operation.SET_VALUE,
        effective_from=NEW_YEAR,
        reference=AMENDING_ACT,
        value={"amount": 2000, "currency": "RUB"},
    )
    amended = apply_amendments(shared_values(), [fee])
    new = amended.value("trp_state_fee", NEW_YEAR)
    assert new is not None
    assert new.value == {"amount": 2000, "currency": "RUB"}
    assert new.reference == AMENDING_ACT
    old = amended.value("trp_state_fee", date(2025, 12, 31))
    assert old is not None
    assert old.value == {"amount": 1600, "currency": "RUB"}
    with pytest.raises(AmendmentError) as error:
        apply_amendments(shared_values(), [replace(fee, value={"amount": 2000})])
    assert error.value.code == "INVALID_VALUE"


def test_a_changed_reading_on_dual_nationality() -> None:
    reading = AmendmentSpec(
        parameter="dual_nationality_qualifies",
        operation=Operation.SET_VALUE,
        effective_from=NEW_YEAR,
        reference=AMENDING_ACT,
        value=False,
    )
    amended = apply_amendments(shared_values(), [reading])
    dual = check(amended, ["DE", "HU"], NEW_YEAR)
    assert dual.outcome == Outcome.INELIGIBLE
    assert dual.reason_codes == ("NATIONALITY_LISTED", "DUAL_NATIONALITY_NOT_ACCEPTED")
    assert dual.reasons[1].reference == AMENDING_ACT
    earlier = check(amended, ["DE", "HU"], date(2025, 12, 31))
    assert earlier.reason_codes == ("NATIONALITY_LISTED", "DUAL_NATIONALITY_ACCEPTED")
    assert check(amended, ["DE", "FR"], NEW_YEAR).outcome == Outcome.ELIGIBLE


# --- The bill's qualifying states, once set (simulation of the draft law).


def people_in_spirit_with_us_listed() -> Programme:
    programme = load_programmes()["people-in-spirit"]
    return apply_amendments(
        programme, [spec(Operation.ADD_COUNTRY, "US", parameter="qualifying_states")]
    )


def simulate(programme: Programme, on: date = NEW_YEAR, **facts: Any) -> Evaluation:
    return evaluate(programme, Facts.from_codes(["DE"], **facts), on, assume_in_force=True)


def test_the_bill_with_qualifying_states_set() -> None:
    programme = people_in_spirit_with_us_listed()
    listed = simulate(programme, prosecuted=True, prosecuting_state="USA")
    assert listed.outcome == Outcome.ELIGIBLE
    assert listed.reason_codes == (
        "SIMULATED_AS_IN_FORCE",
        "PROSECUTION_STATE_LISTED",
        "COMMISSION_REVIEW_REQUIRED",
    )
    not_listed = simulate(programme, prosecuted=True, prosecuting_state="HU")
    assert not_listed.outcome == Outcome.INELIGIBLE
    assert not_listed.reason_codes == ("SIMULATED_AS_IN_FORCE", "PROSECUTION_STATE_NOT_LISTED")
    before = simulate(programme, date(2025, 12, 31), prosecuted=True, prosecuting_state="US")
    assert before.reason_codes == ("SIMULATED_AS_IN_FORCE", "QUALIFYING_STATES_NOT_SET")
    # Still draft law: without the simulation nothing is decided under it.
    as_law = evaluate(
        programme, Facts.from_codes(["DE"], prosecuted=True, prosecuting_state="US"), NEW_YEAR
    )
    assert as_law.reason_codes == ("PROGRAMME_NOT_IN_FORCE",)


def test_an_unknown_prosecuting_state_is_an_error() -> None:
    with pytest.raises(UnknownNationalityCode):
        simulate(people_in_spirit_with_us_listed(), prosecuted=True, prosecuting_state="ZZ")


def test_a_prosecuting_state_that_is_not_a_state_is_an_input_error() -> None:
    with pytest.raises(RulesInputError):
        simulate(people_in_spirit_with_us_listed(), prosecuted=True, prosecuting_state="XXA")


# --- The --amend option of the simulation.


@pytest.mark.parametrize(
    ("text", "operation", "country"),
    [
        ("add:HU@2026-01-01", Operation.ADD_COUNTRY, "HU"),
        ("remove:US@2026-01-01", Operation.REMOVE_COUNTRY, "US"),
    ],
)
def test_parse_amend_option(text: str, operation: Operation, country: str) -> None:
    parsed = parse_amend_option(text)
    assert parsed.operation == operation
    assert parsed.country == country
    assert parsed.effective_from == NEW_YEAR
    assert parsed.reference.act
    assert parsed.reference.interpretation  # a proposal, not law
    amended = apply_amendments(shared_values(), [replace(parsed, parameter="designated_states")])
    expected = Outcome.ELIGIBLE if operation == Operation.ADD_COUNTRY else Outcome.INELIGIBLE
    assert check(amended, [country], NEW_YEAR).outcome == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "HU@2026-01-01",
        "add:HU",
        "add:@2026-01-01",
        "add:HU@",
        "insert:HU@2026-01-01",
        "add HU 2026-01-01",
        "add-HU@2026-01-01",
    ],
)
def test_parse_amend_option_bad_syntax(text: str) -> None:
    with pytest.raises(AmendmentError) as error:
        parse_amend_option(text)
    assert error.value.code == "BAD_SYNTAX"


@pytest.mark.parametrize("text", ["add:HU@2026-13-01", "add:HU@01.01.2026", "add:HU@2026-02-30"])
def test_parse_amend_option_bad_date(text: str) -> None:
    with pytest.raises(AmendmentError) as error:
        parse_amend_option(text)
    assert error.value.code == "BAD_DATE"
