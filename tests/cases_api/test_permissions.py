"""Only the applicant reaches their own applications: others get 404, 401 or 403, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import STAFF_ROLES, Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.casework.applicant_actions import case_submit
from haven.documents.models import Document
from haven.people.models import Passport, Person
from tests.cases.helpers import complete_draft, image_upload
from tests.cases_api.conftest import (
    BASE,
    DECLARATION,
    about_you_body,
    call,
    detail_of,
    passport_body,
    stored_files,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    person = Person.objects.get(case=case)
    passport = Passport.objects.get(person=person)
    fields = lambda row: {  # noqa: E731
        field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields
    }
    return (
        fields(case),
        fields(person),
        fields(passport),
        sorted((d.public_id, d.removed_at) for d in Document.objects.filter(case=case)),
        getattr(case, "declaration", None) and case.declaration.signed_at,
        case.events.count(),
        # Signing in is audited too: count what was recorded about the case and its documents.
        AuditEvent.objects.filter(
            Q(subject_type="cases.case", subject_id=str(case.pk))
            | Q(
                subject_type="documents.document",
                subject_id__in=[
                    str(pk)
                    for pk in Document.objects.filter(case=case).values_list("pk", flat=True)
                ],
            )
        ).count(),
    )


def every_call(client: Client, case: Case, document: Document) -> list[tuple[str, Any]]:
    """Each endpoint once, with a body that would succeed for the owner."""
    path = f"/{case.public_id}"
    return [
        ("list", call(client, "get", "")),
        ("start", call(client, "post", "", {"programme": "shared-values"})),
        ("detail", call(client, "get", path)),
        ("about-you", call(client, "put", path + "/about-you", about_you_body(surname="Intruder"))),
        ("passport", call(client, "put", path + "/passport", passport_body())),
        ("declaration", call(client, "put", path + "/declaration", DECLARATION)),
        (
            "upload",
            client.post(f"{BASE}{path}/documents", {"kind": "photo", "file": image_upload()}),
        ),
        ("remove", call(client, "delete", f"{path}/documents/{document.public_id}")),
        ("submit", call(client, "post", path + "/submit", HTTP_IDEMPOTENCY_KEY="intruder")),
        ("withdraw", call(client, "post", path + "/withdraw")),
    ]


@pytest.fixture
def owners_case(make_user: Callable[..., User]) -> Callable[[bool], Case]:
    def make(submitted: bool) -> Case:
        owner = make_user(Role.APPLICANT)
        case = complete_draft(owner)
        return case_submit(actor=owner, case=case) if submitted else case

    return make


@pytest.mark.parametrize("submitted", [False, True])
def test_another_applicant_gets_404_everywhere_and_changes_nothing(
    owners_case, make_user, media_root: Path, submitted: bool
) -> None:
    case = owners_case(submitted)
    document = Document.objects.filter(case=case).first()
    assert document is not None
    before, files_before = snapshot(case), stored_files(media_root)
    assert before[-1] > 0  # the snapshot does see the owner's audit events
    intruder = Client()
    sign_in(intruder, make_user(Role.APPLICANT))
    answers = {name: response for name, response in every_call(intruder, case, document)}
    # The intruder may list and start their own; nothing else of the owner's exists for them.
    assert answers.pop("list").json() == []
    assert answers.pop("start").status_code == 201
    for name, response in answers.items():
        assert response.status_code == 404, name
        assert detail_of(response) == [{"type": "not_found", "loc": [], "msg": "Not found."}], name
    assert snapshot(case) == before
    assert stored_files(media_root) == files_before


def test_a_case_that_does_not_exist_is_the_same_404(applicant) -> None:
    client, _user = applicant
    response = call(client, "get", "/5f0c6b8e-2d7a-4c1e-9b3f-0a1b2c3d4e5f")
    assert response.status_code == 404
    assert detail_of(response) == [{"type": "not_found", "loc": [], "msg": "Not found."}]
    malformed = call(client, "get", "/not-a-uuid")
    assert malformed.status_code == 422
    assert [i["loc"] for i in detail_of(malformed)] == [["path", "public_id"]]


def test_anonymous_callers_get_401_and_change_nothing(owners_case, media_root: Path) -> None:
    case = owners_case(False)
    document = Document.objects.filter(case=case).first()
    assert document is not None
    before, cases_before = snapshot(case), Case.objects.count()
    for name, response in every_call(Client(), case, document):
        assert response.status_code == 401, name
        assert detail_of(response) == [
            {"type": "not_authenticated", "loc": [], "msg": "Sign in first."}
        ], name
    assert snapshot(case) == before
    assert Case.objects.count() == cases_before


def test_anonymous_callers_get_401_not_a_csrf_complaint() -> None:
    response = call(Client(enforce_csrf_checks=True), "post", "", {"programme": "shared-values"})
    assert response.status_code == 401


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_officials_get_403_and_change_nothing(
    owners_case, signed_in, role: Role, media_root: Path
) -> None:
    case = owners_case(False)
    document = Document.objects.filter(case=case).first()
    assert document is not None
    before, cases_before = snapshot(case), Case.objects.count()
    official, _user = signed_in(role)
    for name, response in every_call(official, case, document):
        assert response.status_code == 403, name
        assert [i["type"] for i in detail_of(response)] == ["permission_denied"], name
    assert snapshot(case) == before
    assert Case.objects.count() == cases_before


def test_an_official_without_a_second_factor_is_stopped_by_the_middleware(make_user) -> None:
    """The API answers in its own shape (401), the pages send the official to set TOTP up."""
    official = make_user(Role.CONSULAR_OFFICER, mfa=False)
    client = Client()
    sign_in(client, official)
    response = call(client, "get", "")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert client.get("/work/visas/")["Location"].startswith("/accounts/2fa/totp/activate")


def test_unsafe_calls_need_the_csrf_token(applicant) -> None:
    signed, user = applicant
    case = complete_draft(user)
    before = snapshot(case)
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed.cookies
    assert client.get("/applications/").status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    path = f"/{case.public_id}"
    for response in (
        call(client, "put", path + "/about-you", about_you_body(surname="Forged")),
        call(client, "post", path + "/submit"),
        call(client, "put", path + "/about-you", about_you_body(), HTTP_X_CSRFTOKEN="x" * 32),
    ):
        assert response.status_code == 403
        assert [i["type"] for i in detail_of(response)] == ["csrf_failed"]
    assert snapshot(case) == before
    # Reading needs no token; writing with it works.
    assert call(client, "get", path).status_code == 200
    saved = call(client, "put", path + "/about-you", about_you_body(), HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200
