"""Answering a request for information through the API, and what the application shows of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case, InformationRequest
from tests.cases.applicant_helpers import (
    approve,
    refuse,
    reload,
    request_information,
    submitted_case,
)
from tests.cases_api.conftest import call, detail_of
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def consul(make_user: Callable[..., User]) -> User:
    return make_user(Role.CONSULAR_OFFICER)


def test_the_application_lists_the_open_request_and_the_answer_closes_it(
    applicant: tuple[Client, User], consul: User
) -> None:
    client, user = applicant
    case = submitted_case(user)
    request = request_information(case, consul, message="Send a clearer scan.")
    body = call(client, "GET", f"/{case.public_id}").json()
    assert body["status"]["code"] == "visa_info_requested"
    (listed,) = body["requests"]
    assert listed == {
        "public_id": str(request.public_id),
        "stage": "visa",
        "message": "Send a clearer scan.",
        "due_on": request.due_on.isoformat(),
        "requested_at": listed["requested_at"],
        "open": True,
        "answer": "",
        "answered_at": None,
    }
    assert body["timeline"][0]["type"] == "INFORMATION_REQUESTED"
    assert body["timeline"][0]["detail"].startswith("Answer due by ")

    response = call(client, "POST", f"/{case.public_id}/answer", {"answer": " Done. "})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"]["code"] == "visa_in_review"
    (answered,) = body["requests"]
    assert (answered["open"], answered["answer"]) == (False, "Done.")
    assert answered["answered_at"] is not None


def test_an_empty_answer_is_a_422_naming_the_field(
    applicant: tuple[Client, User], consul: User
) -> None:
    client, user = applicant
    case = submitted_case(user)
    request_information(case, consul)
    response = call(client, "POST", f"/{case.public_id}/answer", {"answer": "  "})
    assert response.status_code == 422
    (item,) = detail_of(response)
    assert (item["type"], item["loc"]) == ("required", ["body", "answer"])
    assert reload(case).status == "visa_info_requested"


def test_without_an_open_request_it_is_a_409(applicant: tuple[Client, User]) -> None:
    client, user = applicant
    case = submitted_case(user)
    response = call(client, "POST", f"/{case.public_id}/answer", {"answer": "Hello."})
    assert response.status_code == 409
    assert [item["type"] for item in detail_of(response)] == ["no_open_request"]
    assert reload(case).status == "visa_submitted"


def test_a_body_of_the_wrong_shape_is_a_422(applicant: tuple[Client, User], consul: User) -> None:
    client, user = applicant
    case = submitted_case(user)
    request_information(case, consul)
    response = call(client, "POST", f"/{case.public_id}/answer", {"text": "Hello."})
    assert response.status_code == 422
    assert reload(case).status == "visa_info_requested"


@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.CONSULAR_OFFICER])
def test_nobody_else_answers_and_nothing_changes(
    make_user: Callable[..., User], consul: User, role: Role | None
) -> None:
    owner = make_user(Role.APPLICANT)
    case = submitted_case(owner)
    request_information(case, consul)
    client = Client()
    if role is not None:
        sign_in(client, make_user(role))
    response = call(client, "POST", f"/{case.public_id}/answer", {"answer": "Not mine."})
    assert (
        response.status_code == {None: 401, Role.APPLICANT: 404, Role.CONSULAR_OFFICER: 403}[role]
    )
    assert reload(case).status == "visa_info_requested"
    assert InformationRequest.objects.get(case=case).answered_at is None


def test_the_expected_decision_is_in_the_application_while_it_waits(
    applicant: tuple[Client, User], consul: User, make_user: Callable[..., User]
) -> None:
    client, user = applicant
    case = submitted_case(user)
    body = call(client, "GET", f"/{case.public_id}").json()
    assert body["expected_decision"] == {
        "position": 1,
        "decisions_last_28_days": 0,
        "expected_on": None,
        "after_deadline": False,
        "explanation": "We cannot estimate yet: no decisions in the last four weeks.",
    }
    approve(submitted_case(make_user(Role.APPLICANT)), consul)
    expected = call(client, "GET", f"/{case.public_id}").json()["expected_decision"]
    assert (expected["position"], expected["decisions_last_28_days"]) == (1, 1)
    assert expected["expected_on"] is not None
    assert expected["after_deadline"] is True  # 28 days, past the visa's 20


def test_a_decided_application_lists_its_letter(
    applicant: tuple[Client, User], consul: User
) -> None:
    client, user = applicant
    case: Case = submitted_case(user)
    decision = refuse(case, consul)
    body = call(client, "GET", f"/{case.public_id}").json()
    assert body["expected_decision"] is None
    (letter,) = body["letters"]
    url = f"/applications/{case.public_id}/decisions/{decision.public_id}/letter.pdf"
    assert letter["letter_url"] == url
    assert (letter["outcome"], letter["stage"]) == ("refused", "visa")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
