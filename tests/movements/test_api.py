"""POST /api/v1/movements: bearer token, idempotent by event id, one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.issuance.models import IssuedDocument
from haven.movements.actions import integration_client_revoke
from haven.movements.models import IntegrationClient, Movement

pytestmark = pytest.mark.django_db

URL = "/api/v1/movements"


def body(**changes: Any) -> dict[str, Any]:
    return {
        "event_id": "svetogorsk-000001",
        "kind": "entry",
        "occurred_at": timezone.localtime().isoformat(),
        "document_number": "V26999999",
        "border_point": "Svetogorsk",
        **changes,
    }


def post(
    payload: Any,
    token: str | None = None,
    client: Client | None = None,
    authorization: str | None = None,
):
    if token is not None:
        authorization = f"Bearer {token}"
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return (client or Client()).post(URL, text, content_type="application/json", **headers)


def detail_of(response) -> list[dict[str, Any]]:
    data = response.json()
    assert list(data) == ["detail"], data
    for item in data["detail"]:
        assert {"type", "loc", "msg"} <= set(item), item
    return data["detail"]


def test_an_entry_with_the_visa_is_201_and_opens_the_permit_stage(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    _client, token = border
    response = post(body(document_number=visa.number), token)
    assert response.status_code == 201
    case = Case.objects.get(pk=visa.case_id)
    assert response.json() == {
        "event_id": "svetogorsk-000001",
        "status": "recorded",
        "matched": True,
        "case": case.reference,
        "case_status": "trp_submitted",
        "entry_recorded": True,
    }
    assert case.status == "trp_submitted"


def test_the_same_report_again_is_200_duplicate(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    _client, token = border
    payload = body(document_number=visa.number)
    assert post(payload, token).status_code == 201
    audited = AuditEvent.objects.count()
    response = post(payload, token)
    assert response.status_code == 200
    assert response.json()["status"] == "duplicate"
    assert response.json()["entry_recorded"] is True
    assert response.json()["case_status"] == "trp_submitted"
    assert Movement.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_an_event_id_reused_for_another_crossing_is_409(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    _client, token = border
    assert post(body(kind="exit"), token).status_code == 201
    response = post(body(kind="entry", document_number=visa.number), token)
    assert response.status_code == 409
    assert detail_of(response) == [
        {
            "type": "conflict",
            "loc": ["body", "payload", "event_id"],
            "msg": "This event id was already used for a different crossing. Nothing was changed.",
        }
    ]
    assert Movement.objects.count() == 1
    assert Case.objects.get(pk=visa.case_id).status == "visa_granted"


def test_an_unknown_document_is_recorded_unmatched(border: tuple[IntegrationClient, str]) -> None:
    _client, token = border
    response = post(body(), token)
    assert response.status_code == 201
    assert response.json() == {
        "event_id": "svetogorsk-000001",
        "status": "recorded",
        "matched": False,
        "case": None,
        "case_status": None,
        "entry_recorded": False,
    }
    assert Movement.objects.get().case is None


def test_an_exit_is_recorded_against_the_case_without_changing_it(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    _client, token = border
    response = post(body(kind="exit", document_number=visa.number), token)
    assert response.status_code == 201
    assert response.json()["matched"] is True
    assert response.json()["case_status"] == "visa_granted"
    assert response.json()["entry_recorded"] is False
    assert Movement.objects.get().kind == "exit"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer hvn_not-a-token", "Basic dXNlcjpwYXNz", "hvn_raw-token"],
)
def test_without_a_valid_token_the_answer_is_401_and_nothing_is_stored(
    border: tuple[IntegrationClient, str], visa: IssuedDocument, authorization: str | None
) -> None:
    response = post(body(document_number=visa.number), authorization=authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="haven"'
    assert detail_of(response) == [
        {
            "type": "invalid_token",
            "loc": ["header", "Authorization"],
            "msg": "Send an active client's token as 'Authorization: Bearer <token>'.",
        }
    ]
    assert not Movement.objects.exists()
    assert Case.objects.get(pk=visa.case_id).status == "visa_granted"


def test_a_revoked_token_is_401(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, token = border
    integration_client_revoke(name=client.name)
    assert post(body(document_number=visa.number), token).status_code == 401
    assert not Movement.objects.exists()


def test_a_signed_in_session_is_no_substitute_for_the_token(
    signed_in: Callable[..., tuple[Client, User]], visa: IssuedDocument
) -> None:
    for role in (Role.APPLICANT, Role.CONSULAR_OFFICER):
        session, _user = signed_in(role)
        assert post(body(document_number=visa.number), client=session).status_code == 401
    assert not Movement.objects.exists()


def test_no_csrf_token_is_needed(border: tuple[IntegrationClient, str]) -> None:
    _client, token = border
    response = post(body(), token, client=Client(enforce_csrf_checks=True))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("changes", "field", "kind"),
    [
        ({"kind": "transit"}, "kind", "literal_error"),
        ({"occurred_at": "2026-03-02T14:05:00"}, "occurred_at", "timezone_aware"),
        ({"occurred_at": "yesterday"}, "occurred_at", "datetime_from_date_parsing"),
        ({"occurred_at": 1767225600}, "occurred_at", "value_error"),
        # PostgreSQL refuses offsets beyond ±15:59: a 500 before the check (schemathesis).
        ({"occurred_at": "2026-03-02T14:05:00+21:06"}, "occurred_at", "value_error"),
        ({"occurred_at": "2026-03-02T14:05:00-12:01"}, "occurred_at", "value_error"),
        ({"event_id": ""}, "event_id", "string_pattern_mismatch"),
        ({"event_id": "a b"}, "event_id", "string_pattern_mismatch"),
        ({"event_id": "x" * 65}, "event_id", "string_pattern_mismatch"),
        ({"document_number": "V26/000123"}, "document_number", "string_pattern_mismatch"),
        ({"document_number": " - "}, "document_number", "value_error"),
        ({"border_point": "   "}, "border_point", "value_error"),
        ({"border_point": "x" * 65}, "border_point", "string_too_long"),
        ({"border_point": "Svetogorsk\x00"}, "border_point", "value_error"),
        ({"holder": "Anna"}, "holder", "extra_forbidden"),
    ],
)
def test_invalid_input_is_422_with_the_fields_location(
    border: tuple[IntegrationClient, str], changes: dict[str, Any], field: str, kind: str
) -> None:
    _client, token = border
    response = post(body(**changes), token)
    assert response.status_code == 422
    (item,) = detail_of(response)
    assert (item["loc"], item["type"]) == (["body", "payload", field], kind)
    assert not Movement.objects.exists()


@pytest.mark.parametrize("missing", ["event_id", "kind", "occurred_at", "document_number"])
def test_a_missing_field_is_422(border: tuple[IntegrationClient, str], missing: str) -> None:
    _client, token = border
    payload = {key: value for key, value in body().items() if key != missing}
    response = post(payload, token)
    assert response.status_code == 422
    assert detail_of(response)[0]["loc"] == ["body", "payload", missing]


def test_a_crossing_in_the_future_is_422(border: tuple[IntegrationClient, str]) -> None:
    _client, token = border
    later = (timezone.localtime() + timedelta(hours=2)).isoformat()
    response = post(body(occurred_at=later), token)
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "in_the_future",
            "loc": ["body", "payload", "occurred_at"],
            "msg": "The crossing time is in the future.",
        }
    ]


def test_a_body_that_is_not_json_is_400(border: tuple[IntegrationClient, str]) -> None:
    _client, token = border
    response = post("{not json", token)
    assert response.status_code == 400
    assert detail_of(response)[0]["type"] == "invalid_json"


def test_over_the_rate_limit_the_client_gets_429(
    settings, border: tuple[IntegrationClient, str]
) -> None:
    settings.HAVEN_API_MOVEMENTS_RATE = "2/min"
    _client, token = border
    statuses = [post(body(event_id=f"e-{n}"), token).status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert Movement.objects.count() == 2
    # Another client has its own allowance, wherever it calls from.
    from haven.movements.actions import integration_client_create

    _other, other_token = integration_client_create(name="border-pulkovo")
    assert post(body(event_id="e-9"), other_token).status_code == 201


def test_the_operation_is_in_the_openapi_schema() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "movement_record"
    assert set(operation["responses"]) == {
        *("200", "201", "400", "401", "409", "413", "415", "422", "429", "default")
    }
    for status, response in operation["responses"].items():
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/MovementOut" if status.startswith("2") else "/ErrorOut")
    (requirement,) = operation["security"]
    (scheme_name,) = requirement
    assert schema["components"]["securitySchemes"][scheme_name] == {
        "type": "http",
        "scheme": "bearer",
    }
    fields = schema["components"]["schemas"]["MovementIn"]["properties"]
    assert set(fields) == {"event_id", "kind", "occurred_at", "document_number", "border_point"}
    assert fields["occurred_at"]["format"] == "date-time"
