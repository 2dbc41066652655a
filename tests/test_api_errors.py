"""Every error under /api/v1/ comes in the API's one shape, in the request's language.

Also the answers ninja and Django would give themselves: a method the path
does not take, a path that is none of the API's, a body that cannot be read,
is too large or of another media type, a fault of Haven's. The schema lists
each operation's own errors and, as ``default``, the shape of any other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.documents.models import Document
from haven.movements.actions import integration_client_create
from tests.cases.helpers import complete_draft, image_upload
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

API = "/api/v1"
ELIGIBILITY = {"programme": "shared-values", "nationalities": ["DE"], "date": "2024-10-01"}


def detail_of(response: Any) -> list[dict[str, Any]]:
    """The error items, after checking the shape and the media type."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert list(body) == ["detail"], body
    for item in body["detail"]:
        assert {"type", "loc", "msg"} <= set(item), item
        assert isinstance(item["msg"], str), item
        assert item["msg"], item
    return body["detail"]


def only_error(response: Any) -> tuple[str, list[Any], str]:
    (item,) = detail_of(response)
    return item["type"], item["loc"], item["msg"]


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> tuple[Client, User, str]:
    """A signed-in applicant whose client checks CSRF as a browser's request would be."""
    user = make_user(Role.APPLICANT)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, user)
    client.get("/applications/")  # any page sets the CSRF cookie
    return client, user, client.cookies["csrftoken"].value


# 405: a method the path does not take.


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("get", "/eligibility", "POST"),
        ("put", "/eligibility", "POST"),
        ("get", "/movements", "POST"),
        ("delete", "/applications", "GET, POST"),
        ("post", "/openapi.json", "GET, HEAD"),
    ],
)
def test_a_method_the_path_does_not_take_is_a_405_with_allow(
    method: str, path: str, allow: str
) -> None:
    response = getattr(Client(), method)(API + path)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert only_error(response) == (
        "method_not_allowed",
        [],
        f"This address does not take this method; it takes {allow}.",
    )


def test_the_405_speaks_the_requests_language(applicant) -> None:
    client, user, _token = applicant
    case = complete_draft(user)
    response = client.get(f"{API}/applications/{case.public_id}/submit", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert only_error(response)[2] == (
        "Diese Adresse nimmt diese Methode nicht an; sie nimmt POST an."
    )
    assert Case.objects.get(pk=case.pk).status == "draft"


# 404: a path that is none of the API's.


@pytest.mark.parametrize(
    "path", ["/", "/nothing-here", "/eligibility/", "/applications/a/b/c", "/docs"]
)
def test_an_unknown_path_is_a_404_in_the_shape(path: str) -> None:
    response = Client().get(API + path, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert only_error(response) == ("not_found", [], "Не найдено.")


def test_an_unsafe_method_on_an_unknown_path_is_a_404_not_a_csrf_page() -> None:
    response = Client(enforce_csrf_checks=True).post(API + "/nothing-here", {"a": "b"})
    assert response.status_code == 404
    assert only_error(response)[0] == "not_found"


# 400: a body that cannot be read.


def test_a_body_that_is_not_json_is_a_400_in_the_requests_language() -> None:
    response = Client().post(
        API + "/eligibility", "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert only_error(response) == (
        "invalid_json",
        ["body"],
        "Le corps de la requête n’est pas du JSON valide.",
    )


@pytest.mark.parametrize("action", ["submit", "withdraw", "documents"])
def test_multipart_without_a_boundary_is_a_400_and_changes_nothing(applicant, action) -> None:
    client, user, token = applicant
    case = complete_draft(user)
    documents = Document.objects.count()
    response = client.post(
        f"{API}/applications/{case.public_id}/{action}",
        b"--x\r\nContent-Disposition: form-data; name=kind\r\n\r\nphoto\r\n--x--\r\n",
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert only_error(response) == (
        "invalid_multipart",
        ["body"],
        "The body cannot be read as multipart/form-data (is its boundary given?).",
    )
    assert Case.objects.get(pk=case.pk).status == "draft"
    assert Document.objects.count() == documents


def test_too_many_form_fields_is_a_400(applicant, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    client, user, token = applicant
    case = complete_draft(user, upload=False)
    response = client.post(
        f"{API}/applications/{case.public_id}/documents",
        {"kind": "photo", "a": "1", "b": "2", "c": "3", "file": image_upload()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert only_error(response)[:2] == ("bad_request", ["body"])
    assert not Document.objects.filter(case=case).exists()


# 413: a body larger than Django takes.


def test_a_body_over_djangos_limit_is_a_413(settings, caplog) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({**ELIGIBILITY, "stage": "v" * 200})
    with caplog.at_level(logging.ERROR, logger="django.security.RequestDataTooBig"):
        response = Client().post(API + "/eligibility", body, content_type="application/json")
    assert response.status_code == 413
    assert only_error(response) == ("body_too_large", ["body"], "The body is too large.")
    assert [r.name for r in caplog.records] == ["django.security.RequestDataTooBig"]


def test_a_section_over_djangos_limit_is_a_413_and_changes_nothing(applicant, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client, user, token = applicant
    case = complete_draft(user)
    response = client.put(
        f"{API}/applications/{case.public_id}/declaration",
        json.dumps({"agree": True, "full_name": "Anna Maria Schmidt", "statement": "s" * 200}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 413
    assert Case.objects.get(pk=case.pk).declaration.statement == ""


# 415: a body of another media type than the operation reads.


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_json_operation_refuses_another_media_type_with_a_415(content_type: str) -> None:
    response = Client().post(
        API + "/eligibility", json.dumps(ELIGIBILITY), content_type=content_type
    )
    assert response.status_code == 415
    assert only_error(response) == (
        "unsupported_media_type",
        ["header", "Content-Type"],
        "Send the body as application/json, with that Content-Type.",
    )


def test_json_with_a_charset_or_a_json_suffix_is_json() -> None:
    for content_type in ("application/json; charset=utf-8", "application/problem+json"):
        response = Client().post(
            API + "/eligibility", json.dumps(ELIGIBILITY), content_type=content_type
        )
        assert response.status_code == 200, content_type


def test_the_border_controls_json_must_be_json(make_user) -> None:
    _client, token = integration_client_create(name="border-svetogorsk")
    response = Client().post(
        API + "/movements",
        "event_id=e-1",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 415


def test_an_upload_sent_as_json_is_a_415_and_stores_nothing(applicant) -> None:
    client, user, token = applicant
    case = complete_draft(user, upload=False)
    response = client.post(
        f"{API}/applications/{case.public_id}/documents",
        json.dumps({"kind": "photo"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 415
    assert only_error(response)[2] == (
        "Envíe el cuerpo de la solicitud como multipart/form-data, con ese Content-Type."
    )
    assert not Document.objects.filter(case=case).exists()


def test_an_upload_still_takes_multipart(applicant) -> None:
    client, user, token = applicant
    case = complete_draft(user, upload=False)
    response = client.post(
        f"{API}/applications/{case.public_id}/documents",
        {"kind": "photo", "file": image_upload()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


# 422: pydantic's refusals, in the request's language.


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This field is required."),
        ("ru", "Это поле обязательно."),
        ("de", "Dieses Feld ist erforderlich."),
        ("fr", "Ce champ est obligatoire."),
        ("it", "Questo campo è obbligatorio."),
        ("es", "Este campo es obligatorio."),
    ],
)
def test_a_missing_field_is_explained_in_the_requests_language(language, message) -> None:
    body = {key: value for key, value in ELIGIBILITY.items() if key != "date"}
    response = Client().post(
        API + "/eligibility",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    assert only_error(response) == ("missing", ["body", "payload", "date"], message)


def test_the_refusals_of_the_schemas_are_translated() -> None:
    body = {**ELIGIBILITY, "nationalities": ["DE"] * 11, "language": "pt", "extra": 1}
    response = Client().post(
        API + "/eligibility",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 422
    assert {item["type"]: item["msg"] for item in detail_of(response)} == {
        "too_long": "Geben Sie höchstens 10 Einträge an.",
        "literal_error": "Geben Sie einen dieser Werte an: 'en', 'ru', 'de', 'fr', 'it' or 'es'.",
        "extra_forbidden": "Dieses Feld gehört nicht zu dieser Operation.",
    }


def test_a_field_validators_message_is_translated() -> None:
    response = Client().post(
        API + "/eligibility",
        json.dumps({**ELIGIBILITY, "date": "2024-02-30"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert only_error(response) == (
        "value_error",
        ["body", "payload", "date"],
        "2024-02-30 non è una data del calendario.",
    )


def test_a_malformed_id_in_the_path_is_a_422_in_the_language(applicant) -> None:
    client, _user, _token = applicant
    response = client.get(f"{API}/applications/not-an-id", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 422
    assert only_error(response)[::2] == ("uuid_parsing", "Это неверный идентификатор.")


# 500: a fault of Haven's.


def test_a_fault_is_a_500_in_the_shape_and_is_logged(monkeypatch, caplog) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the rules are on fire")

    monkeypatch.setattr("haven.rules.api.eligibility_evaluate", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).post(
            API + "/eligibility", json.dumps(ELIGIBILITY), content_type="application/json"
        )
    assert response.status_code == 500
    kind, loc, message = only_error(response)
    assert (kind, loc) == ("server_error", [])
    assert "X-Request-ID" in message
    assert "fire" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "fire" in str(record.exc_info[1])


# The schema.


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return Client().get(API + "/openapi.json").json()


def test_every_operation_lists_its_body_errors_and_a_default_in_the_shape(schema) -> None:
    error = "#/components/schemas/ErrorOut"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert responses["default"]["content"]["application/json"]["schema"]["$ref"] == error
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= set(responses), name
            elif method == "post":
                assert "400" in responses, name  # the CSRF check reads a form body
            for status, response in responses.items():
                if status[0] in "45" or status == "default":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == error, (name, status)


def test_the_description_names_every_general_error(schema) -> None:
    description = schema["info"]["description"]
    for status in ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429", "500"):
        assert status in description, status
    assert "Accept-Language" in description
