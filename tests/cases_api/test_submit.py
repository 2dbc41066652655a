"""Submission through the API: exactly once, whatever the retries and their Idempotency-Keys."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent, CaseEventType, IdempotencyKey, ReferenceCounter
from haven.casework import idempotency
from tests.cases.helpers import complete_draft
from tests.cases_api.conftest import call, detail_of

pytestmark = pytest.mark.django_db

KEY_LOC = ["header", "Idempotency-Key"]


def submit(client: Any, case: Case, key: str | None = None, **headers: Any):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return call(client, "post", f"/{case.public_id}/submit", **headers)


def state(case: Case) -> tuple[str, str | None]:
    case.refresh_from_db()
    return case.status, case.reference


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
    assert first.json()["reference"] == state(case)[1]
    stored = IdempotencyKey.objects.get()
    assert (stored.applicant_id, stored.case_id) == (user.pk, case.pk)
    assert stored.completed_at is not None
    assert "retry-me_1" not in stored.key  # only a digest is kept
    assert ReferenceCounter.objects.get().last == 1
    assert CaseEvent.objects.filter(case=case, type=CaseEventType.SUBMITTED).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.CASE_SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_once_submitted_any_call_returns_the_same_application(applicant) -> None:
    client, user = applicant
    case = complete_draft(user)
    first = submit(client, case, "key-a").json()
    # Another key, or none: the application as submitted.
    assert submit(client, case, "key-b").json() == first
    assert submit(client, case).json() == first
    assert submit(client, case, "key-a").json() == first
    assert ReferenceCounter.objects.get().last == 1
    assert set(IdempotencyKey.objects.values_list("case_id", flat=True)) == {case.pk}


def test_submitting_without_a_key(applicant) -> None:
    client, user = applicant
    case = complete_draft(user)
    response = submit(client, case)
    assert response.status_code == 200
    assert response.json()["reference"] == state(case)[1]
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    "key",
    [
        "",
        "with space",
        "k" * 65,
        '"' + "k" * 65 + '"',
        "ключ",
        'a"b',
        "back\\slash",
        '"unclosed',
        '""',
        "ends-with-newline\n",
    ],
)
def test_a_malformed_key_is_a_422_and_nothing_is_submitted(applicant, key: str) -> None:
    client, user = applicant
    case = complete_draft(user)
    response = submit(client, case, key)
    assert response.status_code == 422
    assert [(i["type"], i["loc"]) for i in detail_of(response)] == [
        ("invalid_idempotency_key", KEY_LOC)
    ]
    assert state(case) == ("draft", None)
    assert not IdempotencyKey.objects.exists()


def test_the_malformed_key_is_explained_in_the_requests_language(applicant) -> None:
    client, user = applicant
    response = submit(client, complete_draft(user), "with space", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 422
    assert detail_of(response)[0]["msg"] == (
        "Der Idempotency-Key muss aus 1 bis 64 sichtbaren ASCII-Zeichen bestehen, "
        "ohne Anführungszeichen oder Backslashes darin."
    )


@pytest.mark.parametrize(
    "key", ["K" * 64, '"' + "K" * 64 + '"', "8e03978e-40d5-43e8-bc93-6894a57f9324", "a/b.c:d+e="]
)
def test_keys_of_visible_ascii_are_accepted(applicant, key: str) -> None:
    client, user = applicant
    assert submit(client, complete_draft(user), key).status_code == 200


def test_a_quoted_key_and_the_bare_key_are_one_key(applicant) -> None:
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, '"8e03978e"').status_code == 200
    assert submit(client, first, "8e03978e").json() == submit(client, first, '"8e03978e"').json()
    response = submit(client, second, "8e03978e")
    assert response.status_code == 422
    assert detail_of(response)[0]["type"] == "idempotency_key_reused"


def test_a_key_reused_for_another_draft_is_a_422_and_changes_nothing(applicant) -> None:
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, "only-once").status_code == 200
    audit_count = AuditEvent.objects.count()
    response = submit(client, second, "only-once")
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "idempotency_key_reused",
            "loc": KEY_LOC,
            "msg": "This Idempotency-Key was used for another application.",
        }
    ]
    assert state(second) == ("draft", None)
    assert ReferenceCounter.objects.get().last == 1
    assert AuditEvent.objects.count() == audit_count
    assert IdempotencyKey.objects.get().case_id == first.pk
    # The first application still answers to its key.
    assert submit(client, first, "only-once").status_code == 200


def test_two_applicants_may_send_the_same_key(signed_in) -> None:
    for _ in range(2):
        client, user = signed_in(Role.APPLICANT)
        case = complete_draft(user)
        assert submit(client, case, "submit").status_code == 200
        assert submit(client, case, "submit").status_code == 200
    assert ReferenceCounter.objects.get().last == 2
    assert IdempotencyKey.objects.count() == 2


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
    assert state(case) == ("draft", None)
    assert not IdempotencyKey.objects.exists()  # the key is left unused
    missing = call(client, "get", f"/{case.public_id}").json()["missing"]
    assert [(m["section"], m["field"]) for m in missing] == [
        ("documents", "passport_scan"),
        ("documents", "photo"),
    ]


def test_a_refused_submission_leaves_the_key_for_another_draft(applicant) -> None:
    client, user = applicant
    incomplete, complete = complete_draft(user, upload=False), complete_draft(user)
    assert submit(client, incomplete, "mine").status_code == 409
    assert submit(client, complete, "mine").status_code == 200


def later(monkeypatch, delta: timedelta) -> None:
    """From now on, the keys' clock reads ``delta`` later (the session's keeps the time)."""
    moment = timezone.now() + delta
    monkeypatch.setattr(idempotency, "timezone", SimpleNamespace(now=lambda: moment))


def test_a_key_names_its_submission_for_24_hours(applicant, monkeypatch) -> None:
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, "daily").status_code == 200
    later(monkeypatch, timedelta(hours=23, minutes=59))
    assert submit(client, second, "daily").status_code == 422
    assert submit(client, first, "daily").status_code == 200
    assert state(second) == ("draft", None)


def test_after_24_hours_the_key_may_name_another_submission(applicant, monkeypatch) -> None:
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, "daily").status_code == 200
    later(monkeypatch, timedelta(hours=24))
    response = submit(client, second, "daily")
    assert response.status_code == 200
    assert response.json()["reference"] == state(second)[1] is not None
    assert IdempotencyKey.objects.get().case_id == second.pk
    # And now the key names the second submission: the first is another request.
    assert submit(client, first, "daily").status_code == 422


def test_the_keys_lifetime_is_a_setting(applicant, monkeypatch, settings) -> None:
    settings.HAVEN_IDEMPOTENCY_KEY_HOURS = 2
    client, user = applicant
    first, second = complete_draft(user), complete_draft(user)
    assert submit(client, first, "short").status_code == 200
    later(monkeypatch, timedelta(hours=2))
    assert submit(client, second, "short").status_code == 200


def test_the_schema_documents_the_keys_pattern_and_answers(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/applications/{public_id}/submit"]["post"]
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False
    assert header["schema"]["anyOf"][0] == {
        "type": "string",
        "pattern": r'^(?:[!#-\[\]-~]{1,64}|"[!#-\[\]-~]{1,64}")$',
        "minLength": 1,
        "maxLength": 66,
    }
    assert "24 hours" in header["description"]
    assert {"409", "422"} <= set(operation["responses"])
