"""POST /api/v1/eligibility: the CLI's JSON contract, public, rate-limited, one error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility"
GERMAN = {"programme": "shared-values", "nationalities": ["DE"], "date": "2024-10-01"}


def post(body: Any, client: Client | None = None, **headers: Any):
    text = body if isinstance(body, str) else json.dumps(body)
    return (client or Client()).post(URL, text, content_type="application/json", **headers)


def test_the_answer_has_exactly_the_clis_keys() -> None:
    response = post(GERMAN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["programme", "stage", "date", "outcome", "reasons", "parameters"]
    assert (body["programme"], body["stage"], body["date"], body["outcome"]) == (
        "shared-values",
        "visa",
        "2024-10-01",
        "eligible",
    )
    assert [list(reason) for reason in body["reasons"]] == [["code", "message", "legal_reference"]]
    assert body["reasons"][0]["code"] == "NATIONALITY_LISTED"
    assert body["reasons"][0]["message"] == "Citizenship of a designated state: Germany."
    assert body["reasons"][0]["legal_reference"].startswith("Government Order No. 2560-r")
    used = body["parameters"]["designated_states"]
    assert list(used) == ["value", "valid_from", "legal_reference"]
    assert used["valid_from"] == "2024-09-20"
    assert "DE" in used["value"]
    assert len(used["value"]) == 47


def test_optional_fields_stage_residence_and_language() -> None:
    body = post(
        GERMAN | {"stage": "trp", "nationalities": ["XXA"], "residence": "FR", "language": "de"}
    ).json()
    assert (body["stage"], body["outcome"]) == ("trp", "eligible")
    assert body["reasons"][0]["code"] == "RESIDENCE_LISTED"
    assert "Frankreich" in body["reasons"][0]["message"]


def test_icao_codes_are_read_as_the_cli_reads_them() -> None:
    assert post(GERMAN | {"nationalities": ["D<<"]}).json()["outcome"] == "eligible"
    assert post(GERMAN | {"nationalities": ["GBD"]}).json()["outcome"] == "eligible"


def test_no_csrf_token_or_session_is_needed() -> None:
    response = post(GERMAN, Client(enforce_csrf_checks=True))
    assert response.status_code == 200


def error_of(response) -> list[dict[str, Any]]:
    body = response.json()
    assert list(body) == ["detail"]
    for item in body["detail"]:
        assert {"type", "loc", "msg"} <= set(item)
    return body["detail"]


@pytest.mark.parametrize(
    ("change", "kind", "loc"),
    [
        ({"programme": "no-such"}, "unknown_programme", ["body", "payload", "programme"]),
        ({"stage": "residence_permit"}, "unknown_stage", ["body", "payload", "stage"]),
        (
            {"nationalities": ["DE", "QQ"]},
            "unknown_nationality",
            ["body", "payload", "nationalities", 1],
        ),
        ({"residence": "XXA"}, "residence_not_a_state", ["body", "payload", "residence"]),
        ({"date": "2024-02-30"}, "value_error", ["body", "payload", "date"]),
        ({"date": "1 October 2024"}, "string_pattern_mismatch", ["body", "payload", "date"]),
        ({"language": "pt"}, "literal_error", ["body", "payload", "language"]),
        ({"nationality": ["DE"]}, "extra_forbidden", ["body", "payload", "nationality"]),
    ],
)
def test_invalid_input_is_a_422_saying_where(change, kind: str, loc: list) -> None:
    response = post(GERMAN | change)
    assert response.status_code == 422
    detail = error_of(response)
    assert any(item["type"] == kind and item["loc"] == loc for item in detail), detail


@pytest.mark.parametrize("missing", ["programme", "nationalities", "date"])
def test_a_missing_field_is_a_422(missing: str) -> None:
    body = {key: value for key, value in GERMAN.items() if key != missing}
    response = post(body)
    assert response.status_code == 422
    assert error_of(response)[0]["loc"] == ["body", "payload", missing]
    assert error_of(response)[0]["type"] == "missing"


def test_a_body_that_is_not_json_is_a_400_in_the_same_shape() -> None:
    response = post("{not json")
    assert response.status_code == 400
    assert error_of(response) == [
        {"type": "invalid_json", "loc": ["body"], "msg": "The body is not valid JSON."}
    ]


def test_over_the_rate_limit_the_api_answers_429(settings) -> None:
    settings.HAVEN_API_ELIGIBILITY_RATE = "3/min"
    client = Client()
    assert [post(GERMAN, client).status_code for _ in range(3)] == [200, 200, 200]
    response = post(GERMAN, client)
    assert response.status_code == 429
    assert error_of(response) == [{"type": "throttled", "loc": [], "msg": "Too many requests."}]
    assert 0 < int(response["Retry-After"]) <= 60
    # Another address has its own allowance.
    assert post(GERMAN, client, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(settings) -> None:
    settings.HAVEN_API_ELIGIBILITY_RATE = "1/min"
    client = Client()
    assert post(GERMAN, client).status_code == 200
    assert post(GERMAN, client, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_the_openapi_schema_documents_the_endpoint_and_its_errors() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Haven API"
    assert schema["info"]["version"] == "1"
    operation = schema["paths"]["/api/v1/eligibility"]["post"]
    assert set(operation["responses"]) == {"200", "400", "413", "415", "422", "429", "default"}
    error = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorOut")
    request = schema["components"]["schemas"]["EligibilityIn"]
    assert set(request["required"]) == {"programme", "nationalities", "date"}
    fields = request["properties"]
    assert fields["programme"]["minLength"] == 1
    assert fields["nationalities"]["items"]["pattern"] == "^[A-Za-z]{1,3}<*$"
    assert fields["residence"]["pattern"] == "^[A-Za-z]{1,3}<*$"
    assert fields["date"]["pattern"] == r"^\d{4}-\d{2}-\d{2}$"


def test_the_docs_page_is_off_because_it_would_load_swagger_from_a_cdn() -> None:
    assert Client().get("/api/v1/docs").status_code == 404


def test_the_endpoint_answers_only_post() -> None:
    assert Client().get(URL).status_code == 405
