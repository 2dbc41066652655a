"""Submission through the API: exactly once, whatever the retries and their Idempotency-Keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent, CaseEventType, ReferenceCounter
from tests.cases.helpers import complete_draft
from tests.cases_api.conftest import call, detail_of

pytestmark = pytest.mark.django_db


def submit(client: Any, case: Case, key: str | None = None):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return call(client, "post", f"/{case.public_id}/submit", **headers)


def test_the_same_key_twice_gives_one_reference(
    applicant, django_capture_on_commit_callbacks
) -> None:
    client, user = applicant
    case = complete_draft(user)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, case, "retry-me_1")
        second = submit(client, case, "retry-me_1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    case.refresh_from_db()
    assert first.json()["reference"] == case.reference
    assert case.submission_key is not None
    assert ReferenceCounter.objects.get().last == 1
    assert CaseEvent.objects.filter(case=case, type=CaseEventType.SUBMITTED).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.CASE_SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_once_submitted_any_call_returns_the_same_application(applicant) -> None:
    client, user = applicant
    case = complete_draft(user)
    first = submit(client, case, "key-a").json()
    case.refresh_from_db()
    stored = case.submission_key
    # Another key, or none: the application as submitted, and the first key stays.
    assert submit(client, case, "key-b").json() == first
    assert submit(client, case).json() == first
    case.refresh_from_db()
    assert case.submission_key == stored
    assert ReferenceCounter.objects.get().last == 1


def test_submitting_without_a_key(applicant) -> None:
    client, user = applicant
    case = complete_draft(user)
    response = submit(client, case)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.submission_key is None
    assert response.json()["reference"] == case.reference


@pytest.mark.parametrize(
    "key", ["", "with space", "k" * 65, "ключ", "a/b", "a.b", "ends-with-newline\n"]
)
def test_a_bad_key_is_a_400_and_nothing_is_submitted(applicant, key: str) -> None:
    client, user = applicant
    case = complete_draft(user)
    response = submit(client, case, key)
    assert response.status_code == 400
    assert [(i["type"], i["loc"]) for i in detail_of(response)] == [
        ("invalid_idempotency_key", ["header", "Idempotency-Key"])
    ]
    case.refresh_from_db()
    assert (case.status, case.reference) == ("draft", None)


def test_the_longest_key_is_accepted(applicant) -> None:
    client, user = applicant
    assert submit(client, complete_draft(user), "K" * 64).status_code == 200


def test_a_key_names_one_submission_only(applicant) -> None:
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, "only-once").status_code == 200
    response = submit(client, second, "only-once")
    assert response.status_code == 422
    assert [(i["type"], i["loc"]) for i in detail_of(response)] == [
        ("idempotency_key_reused", ["header", "Idempotency-Key"])
    ]
    second.refresh_from_db()
    assert second.status == "draft"


def test_two_applicants_may_send_the_same_key(signed_in) -> None:
    for _ in range(2):
        client, user = signed_in(Role.APPLICANT)
        assert submit(client, complete_draft(user), "submit").status_code == 200
    assert ReferenceCounter.objects.get().last == 2


def test_an_incomplete_draft_is_a_409_listing_what_is_missing(applicant) -> None:
    client, user = applicant
    case = complete_draft(user, upload=False)
    response = submit(client, case, "early")
    assert response.status_code == 409
    assert detail_of(response) == [
        {
            "type": "incomplete",
            "loc": ["application", "documents", "passport_scan"],
            "msg": "Upload: Passport: the page with your photo",
        },
        {
            "type": "incomplete",
            "loc": ["application", "documents", "photo"],
            "msg": "Upload: Photo of your face",
        },
    ]
    case.refresh_from_db()
    assert (case.status, case.reference, case.submission_key) == ("draft", None, None)
    missing = call(client, "get", f"/{case.public_id}").json()["missing"]
    assert [(m["section"], m["field"]) for m in missing] == [
        ("documents", "passport_scan"),
        ("documents", "photo"),
    ]
