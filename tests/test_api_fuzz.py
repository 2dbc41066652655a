"""schemathesis over the JSON API's OpenAPI schema: no answer is a 5xx, each matches the schema.

The schema is read from ``/api/v1/openapi.json`` as clients read it, and every operation
in it (the public eligibility check, the applicant's applications, border control's
movements) is called with generated requests through the WSGI application, as a signed-in
applicant with the session cookie and the CSRF token, and with an integration client's
bearer token. Bounded: a few examples per operation, so the module runs in seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.api import api
from haven.movements.actions import integration_client_create
from tests.conftest import signed_in_client

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Any 32 letters: Django takes a CSRF cookie's secret and the header's token when they match.
CSRF_TOKEN = "x" * 32
PREFIX = "/api/v1/"


def _schema_as_served() -> dict[str, Any]:
    """What ``/api/v1/openapi.json`` serves (``test_the_schema_is_the_one_served`` checks it).

    Built in this process, inside the test: the schema reads the programmes as amended
    (the document kinds an upload may name), so it needs the test database.
    """
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX), cls=NinjaJSONEncoder))


def _operations() -> Iterator[Any]:
    schema = schemathesis.openapi.from_dict(_schema_as_served())
    schema.app = get_wsgi_application()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # a schema schemathesis cannot read is a failure
        yield result.ok()


@pytest.fixture(autouse=True)
def one_connection(db: None) -> Iterator[None]:
    """As Django's test client does: the test's connection and transaction outlive requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_is_the_one_served(client: Client) -> None:
    response = client.get(PREFIX + "openapi.json")
    assert response.status_code == 200
    assert response.json() == _schema_as_served()


@pytest.fixture
def credentials(make_user: Callable[..., User]) -> tuple[dict[str, str], dict[str, str]]:
    """The headers and cookies of a signed-in applicant who is also border control's client."""
    client = signed_in_client(make_user(Role.APPLICANT))
    _border, token = integration_client_create(name="border-fuzz")
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN}
    headers = {"X-CSRFToken": CSRF_TOKEN, "Authorization": f"Bearer {token}"}
    return headers, cookies


FUZZ = settings(
    max_examples=8,
    deadline=None,
    database=None,
    derandomize=True,  # the same requests on every run: a finding is no flake
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_answers_within_its_schema(
    credentials: tuple[dict[str, str], dict[str, str]],
) -> None:
    headers, cookies = credentials
    operations = list(_operations())
    assert len(operations) >= 10  # the public, applicant and border-control operations
    calls: list[str] = []

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def answers_within_its_schema(case: Any) -> None:
            calls.append(case.operation.path)
            case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

        answers_within_its_schema()
    assert len(set(calls)) == len({operation.path for operation in operations}), calls


def test_answer_documents_the_status_of_an_unparsable_body(
    make_user: Callable[..., User],
) -> None:
    """What schemathesis's negative phase found, as one request: the same on every run."""
    path = "/api/v1/applications/{public_id}/answer"
    documented = set(_schema_as_served()["paths"][path]["post"]["responses"])
    client = signed_in_client(make_user(Role.APPLICANT))
    client.cookies["csrftoken"] = CSRF_TOKEN
    response = client.post(
        path.format(public_id=uuid.uuid4()),
        b"\xff{",
        content_type="application/json",
        headers={"X-CSRFToken": CSRF_TOKEN},
    )
    assert str(response.status_code) in documented, (response.status_code, response.content)
