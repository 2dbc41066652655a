"""Fixtures for documents: an applicant, a draft case and the stored files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.documents.actions import document_upload
from haven.documents.models import Document
from tests.documents import files

ALLOWED_KINDS = ("passport_scan", "photo", "other")


@pytest.fixture(autouse=True)
def documents_urls(settings) -> None:
    settings.ROOT_URLCONF = "tests.documents.urls"


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def make_draft_case(applicant: User) -> Case:
    # The action that starts an application (haven.cases.applicant_actions.case_start) needs a
    # programme open on the test's date; a direct create is enough for documents.
    return Case.objects.create(
        programme="shared-values", stage="visa", applicant=applicant, language="en"
    )


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT)


@pytest.fixture
def draft_case(applicant: User) -> Case:
    return make_draft_case(applicant)


def upload_file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    """As the browser sends it: the name and content type are the browser's claims only."""
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def upload(applicant: User, draft_case: Case) -> Callable[..., Document]:
    """Upload through the real action, as the applicant, to the draft case."""

    def do(
        data: bytes | None = None,
        name: str = "scan.png",
        kind: str = "passport_scan",
        **kwargs,
    ) -> Document:
        return document_upload(
            actor=kwargs.pop("actor", applicant),
            case=kwargs.pop("case", draft_case),
            kind=kind,
            uploaded_file=upload_file(name, files.png() if data is None else data),
            allowed_kinds=kwargs.pop("allowed_kinds", ALLOWED_KINDS),
        )

    return do
