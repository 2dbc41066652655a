"""``haven cases summary``: the figures' contract, through the real ``haven`` executable."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.management import call_command

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.cases.selectors import case_summary
from haven.casework import applicant_actions, official_actions
from tests.cases.helpers import complete_draft
from tests.cli import run_haven


def _submitted(applicant: User, citizenships: list[str]) -> Case:
    case = complete_draft(applicant)
    applicant_actions.case_update_person(
        actor=applicant, case=case, data={"citizenships": citizenships}
    )
    return applicant_actions.case_submit(actor=applicant, case=case)


@pytest.fixture
def cases(make_user: Callable[..., User]) -> dict[str, Case]:
    """Five cases made by the real actions, in four statuses and both stages' kinds."""
    consul = make_user(Role.CONSULAR_OFFICER)
    german = _submitted(make_user(Role.APPLICANT), ["DE"])
    in_review = official_actions.case_start_review(
        officer=consul, case=_submitted(make_user(Role.APPLICANT), ["HU", "AT"])
    )
    stateless_applicant = make_user(Role.APPLICANT)
    withdrawn = applicant_actions.case_withdraw(
        actor=stateless_applicant, case=_submitted(stateless_applicant, ["XXA"])
    )
    empty_draft = applicant_actions.case_start(
        applicant=make_user(Role.APPLICANT), programme_id="shared-values"
    )
    french_draft = complete_draft(make_user(Role.APPLICANT), upload=False)
    applicant_actions.case_update_person(
        actor=french_draft.applicant, case=french_draft, data={"citizenships": ["FR", "DE"]}
    )
    return {
        "german": german,
        "in_review": in_review,
        "withdrawn": withdrawn,
        "empty_draft": empty_draft,
        "french_draft": french_draft,
    }


EXPECTED = {
    "total": 5,
    "by_status": {"draft": 2, "visa_in_review": 1, "visa_submitted": 1, "withdrawn": 1},
    "by_stage": {"visa": 5},
    "by_programme": {"shared-values": 5},
    # Each case once, under its applicant's first citizenship; no citizenship yet: XXX.
    "by_nationality": {"DE": 1, "FR": 1, "HU": 1, "XXA": 1, "XXX": 1},
}


@pytest.mark.django_db(transaction=True)
def test_json_is_one_object_with_every_case_counted_once(cases: dict[str, Case]) -> None:
    result = run_haven("cases", "summary", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # one JSON document, nothing else
    assert data == EXPECTED
    assert list(data) == ["total", "by_status", "by_stage", "by_programme", "by_nationality"]
    for counts in (data["by_status"], data["by_stage"], data["by_nationality"]):
        assert sum(counts.values()) == data["total"]


@pytest.mark.django_db(transaction=True)
def test_the_figures_follow_the_actions(
    cases: dict[str, Case], make_user: Callable[..., User]
) -> None:
    consul = make_user(Role.CONSULAR_OFFICER)
    case = official_actions.case_start_review(officer=consul, case=cases["german"])
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    case = Case.objects.get(pk=case.pk)
    official_actions.case_record_entry(
        actor=consul, case=case, entered_on=case.issued_documents.get().valid_from, source="t"
    )
    data = json.loads(run_haven("cases", "summary", "--format", "json").stdout)
    assert data["by_status"] == {
        "draft": 2,
        "trp_submitted": 1,
        "visa_in_review": 1,
        "withdrawn": 1,
    }
    assert data["by_stage"] == {"trp": 1, "visa": 4}
    assert data["total"] == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--format", "xml"),
        ("summary", "--programme", "no-such-programme"),
        ("summary", "--colour"),
        ("count",),
        (),
    ],
)
def test_bad_input_exits_2_with_the_error_on_stderr(args: tuple[str, ...]) -> None:
    result = run_haven("cases", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip()


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gives_zeros() -> None:
    result = run_haven("cases", "summary", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "total": 0,
        "by_status": {},
        "by_stage": {},
        "by_programme": {},
        "by_nationality": {},
    }


@pytest.mark.django_db
def test_one_programme_only(cases: dict[str, Case]) -> None:
    assert case_summary("shared-values").as_dict() == EXPECTED
    assert case_summary("persons-of-interest").total == 0


@pytest.mark.django_db
def test_the_summary_takes_four_queries_however_many_cases(
    cases: dict[str, Case], django_assert_num_queries
) -> None:
    with django_assert_num_queries(4):
        case_summary()


@pytest.mark.django_db
def test_the_table_lists_each_count_largest_first(
    cases: dict[str, Case], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("cases", "summary")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Cases: 5"
    status = lines[lines.index("By status") + 1 : lines.index("By stage") - 1]
    assert status == [
        "  draft           2",
        "  visa_in_review  1",
        "  visa_submitted  1",
        "  withdrawn       1",
    ]
    assert "By first citizenship" in lines
    assert "  XXA  1" in lines
