"""Every applications endpoint is in the OpenAPI schema, with its response and error models."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/applications"
OPERATIONS = {
    (PREFIX, "get"): ("application_list", {"200", "401", "403"}),
    (PREFIX, "post"): ("application_start", {"201", "400", "401", "403", "422"}),
    (PREFIX + "/{public_id}", "get"): (
        "application_detail",
        {"200", "401", "403", "404", "422"},
    ),
    **{
        (f"{PREFIX}/{{public_id}}/{section}", "put"): (
            f"application_{section.replace('-', '_')}",
            {"200", "400", "401", "403", "404", "409", "422"},
        )
        for section in ("about-you", "passport", "declaration")
    },
    (PREFIX + "/{public_id}/documents", "post"): (
        "application_document_upload",
        {"201", "401", "403", "404", "409", "422"},
    ),
    (PREFIX + "/{public_id}/documents/{document_public_id}", "delete"): (
        "application_document_remove",
        {"204", "401", "403", "404", "409", "422"},
    ),
    (PREFIX + "/{public_id}/submit", "post"): (
        "application_submit",
        {"200", "400", "401", "403", "404", "409", "422"},
    ),
    (PREFIX + "/{public_id}/withdraw", "post"): (
        "application_withdraw",
        {"200", "401", "403", "404", "409", "422"},
    ),
    (PREFIX + "/{public_id}/answer", "post"): (
        "application_answer",
        {"200", "401", "403", "404", "409", "422"},
    ),
}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def test_every_operation_is_documented_with_its_answers(schema: dict) -> None:
    found = {
        (path, method)
        for path, methods in schema["paths"].items()
        if path.startswith(PREFIX)
        for method in methods
    }
    assert found == set(OPERATIONS)
    for (path, method), (operation_id, statuses) in OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert operation["operationId"] == operation_id
        assert set(operation["responses"]) == statuses, operation_id
        assert operation["security"], operation_id
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (operation_id, status)
            elif status != "204":
                assert "content" in response, (operation_id, status)


def test_the_request_bodies_use_the_forms_field_names(schema: dict) -> None:
    components = schema["components"]["schemas"]
    about_you = components["AboutYouIn"]
    assert set(about_you["properties"]) == {
        "surname",
        "given_names",
        "native_surname",
        "native_given_names",
        "birth_date",
        "birth_place",
        "sex",
        "citizenships",
        "residence",
        "address",
        "phone",
        "email",
    }
    assert about_you["properties"]["citizenships"]["maxItems"] == 3
    assert set(components["PassportIn"]["properties"]) == {
        "mrz_line1",
        "mrz_line2",
        "number",
        "issuing_state",
        "issue_date",
        "expiry_date",
    }
    assert set(components["DeclarationIn"]["required"]) == {"agree", "full_name"}
    submit = schema["paths"][PREFIX + "/{public_id}/submit"]["post"]
    assert [(p["in"], p["name"], p["required"]) for p in submit["parameters"]][-1] == (
        "header",
        "Idempotency-Key",
        False,
    )
