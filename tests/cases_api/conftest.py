"""Fixtures for the applications API: JSON calls, a signed-in applicant, the stored files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role

BASE = "/api/v1/applications"


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def call(client: Client, method: str, path: str, body: Any = None, **headers: Any):
    """A JSON request to ``BASE + path``; ``body`` None sends no body."""
    send = getattr(client, method.lower())
    if body is None:
        return send(BASE + path, **headers)
    return send(BASE + path, json.dumps(body), content_type="application/json", **headers)


def detail_of(response) -> list[dict[str, Any]]:
    """The error items, after checking the API's one error shape."""
    body = response.json()
    assert list(body) == ["detail"], body
    for item in body["detail"]:
        assert {"type", "loc", "msg"} <= set(item), item
    return body["detail"]


@pytest.fixture
def applicant(signed_in: Callable[..., tuple[Client, User]]) -> tuple[Client, User]:
    return signed_in(Role.APPLICANT)


def about_you_body(**changes: Any) -> dict[str, Any]:
    """'About you' as the API takes it: the page form's fields, citizenships as a list."""
    from tests.cases.helpers import PERSON

    body = {**PERSON, "birth_date": PERSON["birth_date"].isoformat()}  # type: ignore[attr-defined]
    return {**body, **changes}


def passport_body(**changes: Any) -> dict[str, Any]:
    from tests.cases.helpers import PASSPORT

    body = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in PASSPORT.items()
    }
    return {**body, **changes}


DECLARATION = {"agree": True, "full_name": "Anna Maria Schmidt", "statement": ""}
