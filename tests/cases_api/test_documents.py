"""Uploads through the API: checked by content, refused with the refusal's code, removable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.casework.applicant_actions import case_submit
from haven.documents.models import Document
from tests.cases.helpers import complete_draft, image_upload
from tests.cases_api.conftest import BASE, call, detail_of, stored_files
from tests.documents import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant) -> tuple[Any, User, Case]:
    client, user = applicant
    public_id = call(client, "post", "", {"programme": "shared-values"}).json()["public_id"]
    return client, user, Case.objects.get(public_id=public_id)


def upload(client: Any, case: Case, kind: str, file: SimpleUploadedFile):
    return client.post(f"{BASE}/{case.public_id}/documents", {"kind": kind, "file": file})


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.jpg", files.SCRIPT, "type_not_allowed"),
        ("photo.png", files.svg_with_script(), "type_not_allowed"),
        ("passport.pdf", files.pdf_with_open_action_javascript(), "pdf_active_content"),
        (
            "passport.pdf",
            files.pdf_with_action(files.EXTERNAL_ACTIONS["GoToR"](), "link"),
            "pdf_external_action",
        ),
        ("photo.png", files.pixel_flood_png(), "image_too_many_pixels"),
        ("photo.jpg", b"", "empty"),
    ],
)
def test_a_hostile_file_is_refused_with_its_code_and_nothing_is_stored(
    draft, media_root: Path, name: str, content: bytes, code: str
) -> None:
    client, _user, case = draft
    audit_count = AuditEvent.objects.count()
    response = upload(client, case, "photo", SimpleUploadedFile(name, content))
    assert response.status_code == 422
    (item,) = detail_of(response)
    assert (item["type"], item["loc"]) == (code, ["file", "file"])
    assert item["msg"]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.count() == audit_count


def test_the_refusal_is_explained_in_the_requests_language(draft) -> None:
    client, _user, case = draft
    response = client.post(
        f"{BASE}/{case.public_id}/documents",
        {"kind": "photo", "file": SimpleUploadedFile("photo.jpg", files.SCRIPT)},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    (item,) = detail_of(response)
    assert item["type"] == "type_not_allowed"
    assert item["msg"].startswith("Diese Datei ist keine JPEG-, PNG- oder PDF-Datei.")


def test_a_kind_the_programme_does_not_ask_for(draft, media_root: Path) -> None:
    client, _user, case = draft
    response = upload(client, case, "diploma", image_upload())
    assert response.status_code == 422
    assert [(i["type"], i["loc"]) for i in detail_of(response)] == [
        ("unknown_kind", ["form", "kind"])
    ]
    assert stored_files(media_root) == []


def test_a_missing_file_is_a_422(draft) -> None:
    client, _user, case = draft
    response = client.post(f"{BASE}/{case.public_id}/documents", {"kind": "photo"})
    assert response.status_code == 422
    assert [(i["type"], i["loc"]) for i in detail_of(response)] == [("missing", ["file", "file"])]


def test_remove_a_document(draft, django_capture_on_commit_callbacks, media_root: Path) -> None:
    client, _user, case = draft
    receipt = upload(client, case, "photo", image_upload()).json()
    url = f"/{case.public_id}/documents/{receipt['public_id']}"
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, "delete", url)
    assert response.status_code == 204
    assert response.content == b""
    assert Document.objects.get().removed_at is not None
    assert stored_files(media_root) == []
    application = call(client, "get", f"/{case.public_id}").json()
    assert application["documents"] == []
    assert "photo" in [item["field"] for item in application["missing"]]
    gone = call(client, "delete", url)
    assert gone.status_code == 404
    assert detail_of(gone) == [{"type": "not_found", "loc": [], "msg": "Not found."}]


def test_a_document_of_another_application_cannot_be_removed_through_this_one(draft) -> None:
    client, user, case = draft
    other = complete_draft(user)
    document = Document.objects.filter(case=other).first()
    assert document is not None
    response = call(client, "delete", f"/{case.public_id}/documents/{document.public_id}")
    assert response.status_code == 404
    document.refresh_from_db()
    assert document.removed_at is None


def test_no_uploads_or_removals_once_submitted(applicant, media_root: Path) -> None:
    client, user = applicant
    case = case_submit(actor=user, case=complete_draft(user))
    before = stored_files(media_root)
    refused = upload(client, case, "photo", image_upload())
    assert refused.status_code == 409
    assert [i["type"] for i in detail_of(refused)] == ["not_a_draft"]
    document = Document.objects.filter(case=case).first()
    assert document is not None
    kept = call(client, "delete", f"/{case.public_id}/documents/{document.public_id}")
    assert kept.status_code == 409
    assert stored_files(media_root) == before
    assert Document.objects.filter(case=case, removed_at__isnull=True).count() == 2
