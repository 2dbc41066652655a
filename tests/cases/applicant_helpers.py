"""Cases at each point of the applicant's side, made through Haven's own actions."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation

from haven.accounts.models import User
from haven.cases.models import Case, Decision, InformationRequest
from haven.casework import applicant_actions, official_actions
from tests.cases.helpers import complete_draft

REFUSAL_EXPLANATION = "The passport scan does not match the passport data."


def reload(case: Case) -> Case:
    return Case.objects.select_related("applicant").get(pk=case.pk)


def submitted_case(applicant: User, language: str = "en") -> Case:
    """A submitted application, started while the applicant read Haven in ``language``."""
    with translation.override(language):
        draft = complete_draft(applicant)
    return applicant_actions.case_submit(actor=applicant, case=draft)


def in_review(case: Case, officer: User) -> Case:
    return official_actions.case_start_review(officer=officer, case=case)


def request_information(
    case: Case, officer: User, *, days: int = 14, message: str = "Send a clearer passport scan."
) -> InformationRequest:
    case = reload(case)
    if case.status.endswith("_submitted"):
        case = in_review(case, officer)
    return official_actions.case_request_information(
        officer=officer,
        case=case,
        version=case.version,
        message=message,
        due_on=timezone.localdate() + timedelta(days=days),
    )


def refuse(case: Case, officer: User, grounds: tuple[str, ...] = ("documents_false",)) -> Decision:
    case = reload(case)
    if case.status.endswith("_submitted"):
        case = in_review(case, officer)
    return official_actions.case_refuse(
        officer=officer,
        case=case,
        version=case.version,
        grounds=list(grounds),
        explanation=REFUSAL_EXPLANATION,
    )


def approve(case: Case, officer: User) -> Decision:
    case = reload(case)
    if case.status.endswith("_submitted"):
        case = in_review(case, officer)
    return official_actions.case_approve(officer=officer, case=case, version=case.version)
