"""The batch evaluator gives exactly the per-case evaluator's answers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from haven.rules.amendments import parse_amend_option
from haven.rules.batch import OUTCOMES, compile_batch
from haven.rules.evaluate import Facts, evaluate
from haven.rules.loader import load_programmes
from haven.rules.simulation import amended, simulate, synthetic_applicants

CASES = [
    ("shared-values", date(2024, 8, 31), "visa", False),
    ("shared-values", date(2024, 9, 10), "visa", False),
    ("shared-values", date(2024, 10, 1), "visa", False),
    ("shared-values", date(2025, 10, 1), "trp", False),
    ("people-in-spirit", date(2026, 1, 1), None, False),
    ("people-in-spirit", date(2026, 1, 1), None, True),
    ("persons-of-interest", date(2026, 4, 14), "operator_check", False),
    ("persons-of-interest", date(2026, 5, 1), "commission", False),
]


@pytest.mark.parametrize(("programme_id", "on_date", "stage", "assume"), CASES)
def test_batch_agrees_with_evaluate_on_a_sample(programme_id, on_date, stage, assume) -> None:
    programme = load_programmes()[programme_id]
    batch = compile_batch(programme, on_date, stage, assume_in_force=assume)
    listed = load_programmes()["shared-values"].value("designated_states", date(2025, 1, 1))
    assert listed is not None
    applicants = synthetic_applicants(3000, batch, listed.value, seed=7)
    outcomes = batch.evaluate(applicants.first, applicants.second, applicants.residence)
    reasons = batch.reasons_of(applicants.first, applicants.second, applicants.residence)
    for i in range(len(applicants)):
        nationalities = [batch.codes[applicants.first[i]]]
        if applicants.second[i] >= 0:
            nationalities.append(batch.codes[applicants.second[i]])
        residence = (
            batch.residence_codes[applicants.residence[i]] if applicants.residence[i] >= 0 else None
        )
        expected = evaluate(
            programme,
            Facts.from_codes(nationalities, residence),
            on_date,
            stage,
            assume_in_force=assume,
        )
        assert OUTCOMES[outcomes[i]] == expected.outcome, (nationalities, residence)
        assert batch.reason_table[reasons[i]] == expected.reason_codes, (nationalities, residence)


def test_every_code_as_sole_nationality_agrees() -> None:
    programme = load_programmes()["shared-values"]
    batch = compile_batch(programme, date(2025, 3, 1), "trp")
    first = np.arange(len(batch.codes))
    none = np.full(len(first), -1)
    outcomes = batch.evaluate(first, none, none)
    for index, code in enumerate(batch.codes):
        expected = evaluate(programme, Facts.from_codes([code]), date(2025, 3, 1), "trp")
        assert OUTCOMES[outcomes[index]] == expected.outcome, code


def test_a_simulated_amendment_changes_exactly_the_affected_applicants() -> None:
    programme = load_programmes()["shared-values"]
    on_date = date(2026, 6, 1)
    proposed = amended(programme, [parse_amend_option("add:HU@2026-01-01")])
    batch = compile_batch(programme, on_date, "visa")
    listed = programme.value("designated_states", on_date)
    assert listed is not None
    applicants = synthetic_applicants(20_000, batch, listed.value, seed=3)
    report = simulate(programme, proposed, applicants, on_date, "visa")
    assert report.total == 20_000
    assert report.changed > 0
    for (held, was, now), _count in report.by_nationality.items():
        assert "HU" in held.split(" + ")
        assert (was, now) == ("ineligible", "eligible")
    # Before the amendment's date nothing changes.
    earlier = simulate(programme, proposed, applicants, date(2025, 12, 31), "visa")
    assert earlier.changed == 0
