"""``haven rules simulate``: outcomes as they stand and as amended, by nationality and reason."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.casework import applicant_actions

pytestmark = pytest.mark.django_db


def simulate(*args: str) -> str:
    out = io.StringIO()
    call_command("rules", "simulate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_adding_and_removing_states_reports_who_changes() -> None:
    report = json.loads(
        simulate(
            "--programme", "shared-values",
            "--amend", "add:HU@2026-01-01",
            "--amend", "remove:US@2026-01-01",
            "--synthetic", "50000", "--date", "2026-06-01", "--format", "json",
        )
    )  # fmt: skip
    assert report["applicants"] == 50_000
    assert report["changed"] == sum(row["count"] for row in report["changes_by_nationality"])
    assert report["changed"] == sum(row["count"] for row in report["changes_by_reason"])
    for row in report["changes_by_nationality"]:
        held = row["citizenships"].split(" + ")
        if "US" in held and "HU" not in held:
            assert (row["from"], row["to"]) == ("eligible", "ineligible")
        if "HU" in held and "US" not in held:
            assert (row["from"], row["to"]) == ("ineligible", "eligible")
    assert sum(report["outcomes_before"].values()) == 50_000


def test_the_draft_bill_can_be_simulated_as_if_in_force() -> None:
    text = simulate("--programme", "people-in-spirit", "--assume-in-force", "--synthetic", "500")
    assert "programme assumed in force" in text
    assert "500 synthetic applicants" in text


@pytest.mark.parametrize(
    ("programme", "extra", "message"),
    [
        ("nope", [], "Unknown programme"),
        ("shared-values", ["--synthetic", "0"], "between 1 and"),
        ("shared-values", ["--amend", "add:ZZ@2026-01-01"], "not a state code"),
        ("shared-values", ["--amend", "add:US@2026-01-01"], "already on the list"),
        ("shared-values", ["--amend", "plus:HU"], "must look like"),
        ("persons-of-interest", ["--amend", "add:HU@2026-05-01"], "no list"),
    ],
)
def test_bad_input_is_refused_with_exit_code_2(
    programme: str, extra: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        simulate("--programme", programme, "--synthetic", "5", *extra)
    assert raised.value.returncode == 2


def test_applications_in_the_database_are_simulated_on_their_own_dates(make_user) -> None:
    from haven.accounts.roles import Role
    from tests.cases.helpers import complete_draft

    submitted = []
    for citizenship in ("US", "HU", "DE"):
        applicant = make_user(Role.APPLICANT)
        case = complete_draft(applicant)
        applicant_actions.case_update_person(
            actor=applicant, case=case, data={"citizenships": [citizenship]}
        )
        submitted.append(applicant_actions.case_submit(actor=applicant, case=case))
    report = json.loads(
        simulate(
            "--programme", "shared-values",
            "--amend", "add:HU@2024-10-01",
            "--amend", "remove:US@2024-10-01",
            "--format", "json",
        )
    )  # fmt: skip
    assert report["source"] == "applications"
    assert report["applicants"] == 3
    assert report["changed"] == 2
    changes = {
        row["citizenships"]: (row["from"], row["to"]) for row in report["changes_by_nationality"]
    }
    assert changes == {"US": ("eligible", "ineligible"), "HU": ("ineligible", "eligible")}
    # The stored evaluations of the submitted applications are untouched by a simulation.
    for case in submitted:
        before = case.evaluation
        case.refresh_from_db()
        assert case.evaluation == before


def test_an_empty_database_gives_an_empty_report() -> None:
    text = simulate("--programme", "shared-values")
    assert "0 applications in the database" in text
