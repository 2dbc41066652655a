"""The applicant's whole journey through the API, as a client with a session and a CSRF token."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from haven.applicant_web.presentation import status_label
from haven.cases.models import Case
from haven.documents.models import Document
from haven.rules.selectors import programme_get
from tests.cases.helpers import image_upload
from tests.cases_api.conftest import (
    BASE,
    DECLARATION,
    about_you_body,
    call,
    detail_of,
    passport_body,
)

pytestmark = pytest.mark.django_db


def csrf_client(signed_in_client: Client) -> tuple[Client, str]:
    """The same session in a client that enforces CSRF, and the token a page handed out."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in_client.cookies
    assert client.get("/applications/start/shared-values/").status_code == 200
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_from_start_to_withdrawn_in_german(
    applicant, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    client, _user = csrf_client(applicant[0])
    german = {"HTTP_ACCEPT_LANGUAGE": "de"}
    headers: dict[str, Any] = {
        "HTTP_X_CSRFTOKEN": client.cookies[settings.CSRF_COOKIE_NAME].value,
        **german,
    }

    # Without the token nothing is started.
    refused = call(client, "post", "", {"programme": "shared-values"}, **german)
    assert refused.status_code == 403
    assert [item["type"] for item in detail_of(refused)] == ["csrf_failed"]
    assert not Case.objects.exists()

    started = call(client, "post", "", {"programme": "shared-values"}, **headers)
    assert started.status_code == 201
    body = started.json()
    case = Case.objects.get()
    assert body["public_id"] == str(case.public_id)
    assert (body["programme"], body["stage"], body["reference"]) == ("shared-values", "visa", None)
    assert body["status"] == {"code": "draft", "label": "Entwurf: nicht eingereicht"}
    assert [(s["section"], s["state"]) for s in body["sections"]] == [
        ("about-you", "not_started"),
        ("passport", "not_started"),
        ("declaration", "not_started"),
        ("documents", "not_started"),
    ]
    assert "Ich erkläre" in body["declaration"]["text"]
    path = f"/{case.public_id}"

    response = call(client, "put", path + "/about-you", about_you_body(), **headers)
    assert response.status_code == 200, response.json()
    assert response.json()["about_you"]["citizenships"] == ["DE"]
    assert response.json()["sections"][0]["state"] == "completed"
    response = call(client, "put", path + "/passport", passport_body(), **headers)
    assert response.status_code == 200, response.json()
    assert response.json()["passport"]["expiry_date"] == "2033-05-31"
    response = call(client, "put", path + "/declaration", DECLARATION, **headers)
    assert response.status_code == 200, response.json()
    assert response.json()["declaration"]["full_name"] == "Anna Maria Schmidt"

    receipts = []
    for kind in ("passport_scan", "photo"):
        response = client.post(
            f"{BASE}{path}/documents",
            {"kind": kind, "file": image_upload(f"{kind}.png")},
            **headers,
        )
        assert response.status_code == 201, response.json()
        receipts.append(response.json())
    document = Document.objects.get(public_id=receipts[0]["public_id"])
    assert document.storage_name is not None
    stored = (media_root / document.storage_name).read_bytes()
    assert receipts[0]["sha256"] == hashlib.sha256(stored).hexdigest()
    assert receipts[0]["size"] == len(stored)
    assert (receipts[0]["kind"], receipts[0]["original_name"]) == (
        "passport_scan",
        "passport_scan.png",
    )

    draft = call(client, "get", path, **german).json()
    assert draft["missing"] == []
    assert {s["state"] for s in draft["sections"]} == {"completed"}
    assert [d["public_id"] for d in draft["documents"]] == [r["public_id"] for r in receipts]

    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client, "post", path + "/submit", HTTP_IDEMPOTENCY_KEY="first-try", **headers
        )
    assert response.status_code == 200, response.json()
    submitted = response.json()
    case.refresh_from_db()
    assert submitted["reference"] == case.reference is not None
    assert submitted["status"]["code"] == "visa_submitted"
    with translation.override("de"):
        expected_label = status_label(programme_get("shared-values"), case, "de")
    assert submitted["status"]["label"] == expected_label
    assert submitted["deadline"] == (case.deadline.isoformat() if case.deadline else None)
    assert submitted["evaluation"]["outcome"] == "eligible"
    assert submitted["sections"] is None
    assert submitted["missing"] is None
    assert submitted["can_withdraw"] is True
    assert [event["type"] for event in submitted["timeline"]] == ["SUBMITTED", "DRAFT_STARTED"]
    (email,) = mail.outbox
    assert str(case.reference) in str(email.subject)

    # Submitted: the sections can no longer be changed.
    late = call(client, "put", path + "/about-you", about_you_body(), **headers)
    assert late.status_code == 409
    assert [item["type"] for item in detail_of(late)] == ["not_a_draft"]

    listed = call(client, "get", "", **german).json()
    assert [(a["public_id"], a["reference"]) for a in listed] == [
        (str(case.public_id), case.reference)
    ]

    withdrawn = call(client, "post", path + "/withdraw", **headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == {"code": "withdrawn", "label": "Zurückgezogen"}
    assert withdrawn.json()["can_withdraw"] is False
    assert withdrawn.json()["timeline"][0]["type"] == "WITHDRAWN"
    again = call(client, "post", path + "/withdraw", **headers)
    assert again.status_code == 409
    assert [item["type"] for item in detail_of(again)] == ["action_not_allowed"]


def test_a_draft_cannot_be_withdrawn(applicant) -> None:
    client, _user = applicant
    public_id = call(client, "post", "", {"programme": "shared-values"}).json()["public_id"]
    response = call(client, "post", f"/{public_id}/withdraw")
    assert response.status_code == 409
    assert [item["type"] for item in detail_of(response)] == ["action_not_allowed"]
    assert Case.objects.get().status == "draft"


def test_an_unknown_programme_is_a_422_on_the_field(applicant) -> None:
    client, _user = applicant
    response = call(client, "post", "", {"programme": "no-such"})
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "unknown_programme",
            "loc": ["body", "programme"],
            "msg": "There is no such programme.",
        }
    ]
    assert not Case.objects.exists()


def test_a_draft_over_the_limit_is_a_422_and_nothing_is_started(applicant, settings) -> None:
    client, user = applicant
    limit = settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME
    for _ in range(limit):
        assert call(client, "post", "", {"programme": "shared-values"}).status_code == 201
    response = call(client, "post", "", {"programme": "shared-values"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "too_many_drafts",
            "loc": ["body", "programme"],
            "msg": "Vous avez déjà pour ce programme autant de brouillons qu'une personne "
            "peut en avoir. Reprenez l'un d'eux depuis « Mes demandes ».",
        }
    ]
    assert Case.objects.filter(applicant=user).count() == limit


def test_the_list_holds_only_ones_own_applications_in_a_fixed_number_of_queries(
    signed_in, settings
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.accounts.roles import Role
    from haven.casework.applicant_actions import case_start

    client, user = signed_in(Role.APPLICANT)
    _other, stranger = signed_in(Role.APPLICANT)
    case_start(applicant=stranger, programme_id="shared-values")
    own = case_start(applicant=user, programme_id="shared-values")
    with CaptureQueriesContext(connection) as one:
        assert [a["public_id"] for a in call(client, "get", "").json()] == [str(own.public_id)]
    settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME = 4  # the limit is not the subject here
    newer = [case_start(applicant=user, programme_id="shared-values") for _ in range(3)]
    with CaptureQueriesContext(connection) as four:
        listed = call(client, "get", "").json()
    assert [a["public_id"] for a in listed] == [str(c.public_id) for c in reversed(newer)] + [
        str(own.public_id)
    ]
    assert len(four) == len(one)
