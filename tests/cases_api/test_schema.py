"""Every applications endpoint is in the OpenAPI schema, with its response and error models.

Each lists the errors it can answer; ``default`` says any other comes in the same shape.
"""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client

from haven.applicant_web.answer_forms import ANSWER_MAX_LENGTH
from haven.applicant_web.forms import AboutYouForm, PassportForm

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/applications"
OPERATIONS = {
    (PREFIX, "get"): ("application_list", {"200", "401", "403"}),
    (PREFIX, "post"): ("application_start", {"201", "400", "401", "403", "413", "415", "422"}),
    (PREFIX + "/{public_id}", "get"): (
        "application_detail",
        {"200", "401", "403", "404", "422"},
    ),
    **{
        (f"{PREFIX}/{{public_id}}/{section}", "put"): (
            f"application_{section.replace('-', '_')}",
            {"200", "400", "401", "403", "404", "409", "413", "415", "422"},
        )
        for section in ("about-you", "passport", "declaration")
    },
    (PREFIX + "/{public_id}/documents", "post"): (
        "application_document_upload",
        {"201", "400", "401", "403", "404", "409", "413", "415", "422"},
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
        {"200", "400", "401", "403", "404", "409", "422"},
    ),
    (PREFIX + "/{public_id}/answer", "post"): (
        "application_answer",
        {"200", "400", "401", "403", "404", "409", "413", "415", "422"},
    ),
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
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
        assert set(operation["responses"]) == statuses | {"default"}, operation_id
        assert operation["security"], operation_id
        for status, response in operation["responses"].items():
            if status.startswith("4") or status == "default":
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


def longest(form: forms.Form, name: str) -> int | None:
    field = form.fields[name]
    assert isinstance(field, forms.CharField)
    return field.max_length


def test_the_schema_declares_what_the_forms_check(schema: dict) -> None:
    """Required and non-empty, the forms' lengths, the codes and choices; the forms enforce them."""
    components = schema["components"]["schemas"]
    about_you = components["AboutYouIn"]["properties"]
    form = AboutYouForm(language="en")
    for name in ("surname", "given_names", "birth_place", "address", "phone"):
        assert about_you[name]["minLength"] == 1, name
        assert about_you[name]["maxLength"] == longest(form, name), name
    for name in ("native_surname", "native_given_names"):
        assert about_you[name]["maxLength"] == longest(form, name), name
        assert "minLength" not in about_you[name], name
    assert about_you["birth_date"]["format"] == "date"
    assert about_you["email"]["format"] == "email"
    assert about_you["sex"]["enum"] == ["F", "M", "X"]
    assert about_you["citizenships"]["minItems"] == 1
    assert about_you["citizenships"]["items"]["pattern"] == "^[A-Z]{2,3}$"
    assert about_you["residence"]["pattern"] == "^[A-Z]{2}$"
    passport = components["PassportIn"]["properties"]
    passport_form = PassportForm(language="en", person=None)
    for name in ("mrz_line1", "mrz_line2", "number"):
        assert passport[name]["maxLength"] == longest(passport_form, name), name
    assert passport["issuing_state"]["pattern"] == "^([A-Z]{2})?$"
    declaration = components["DeclarationIn"]["properties"]
    assert declaration["agree"]["const"] is True
    assert (declaration["full_name"]["minLength"], declaration["full_name"]["maxLength"]) == (
        1,
        200,
    )
    answer = components["AnswerIn"]["properties"]["answer"]
    assert (answer["minLength"], answer["maxLength"]) == (1, ANSWER_MAX_LENGTH)
    assert components["StartIn"]["properties"]["programme"]["minLength"] == 1


def test_the_upload_declares_the_kinds_a_draft_may_ask_for(schema: dict) -> None:
    upload = schema["paths"][PREFIX + "/{public_id}/documents"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["kind"]["enum"] == ["passport_scan", "photo"]
    assert form["required"] == ["kind", "file"]
