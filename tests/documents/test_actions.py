"""Uploading and removing documents: what is stored, what is recorded, and that refusals leave nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.documents import actions
from haven.documents.actions import document_remove
from haven.documents.models import Document
from haven.documents.selectors import document_list_for_case, uploaded_kinds
from haven.documents.validation import RefusalCode, UploadRefused
from tests.documents import files
from tests.documents.conftest import make_draft_case, stored_files

pytestmark = pytest.mark.django_db


def test_an_upload_is_stored_under_a_made_up_name_and_recorded(
    upload, applicant, draft_case, media_root: Path
) -> None:
    document = upload(files.png(size=(30, 20)), name="Anna Petrova passport.png")
    assert document.case == draft_case
    assert document.uploaded_by == applicant
    assert (document.kind, document.content_type, document.width, document.height) == (
        "passport_scan",
        "image/png",
        30,
        20,
    )
    assert document.pages is None
    assert document.original_name == "Anna Petrova passport.png"
    assert document.removed_at is None
    name = document.storage_name
    assert name.startswith(f"documents/{document.received_at:%Y}/{document.received_at:%m}/")
    assert name.endswith(".png")
    assert "Anna" not in name
    stored = (media_root / name).read_bytes()
    assert document.size == len(stored)
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert stored_files(media_root) == [media_root / name]


def test_the_audit_event_has_the_facts_but_never_the_file_name(upload, applicant) -> None:
    document = upload(files.jpeg(), name="Anna Petrova.jpg")
    event = AuditEvent.objects.get(event_type=EventType.DOCUMENT_UPLOADED)
    assert event.actor_id == applicant.pk
    assert (event.subject_type, event.subject_id) == ("documents.document", str(document.pk))
    assert event.details == {
        "case": document.case_id,
        "kind": "passport_scan",
        "size": document.size,
        "sha256": document.sha256,
        "content_type": "image/jpeg",
    }
    assert "Anna" not in json.dumps(event.details)


def test_a_png_named_pdf_is_stored_as_a_png(upload, media_root: Path) -> None:
    document = upload(files.png(), name="scan.pdf")
    assert document.content_type == "image/png"
    assert document.storage_name.endswith(".png")
    assert Image.open(media_root / document.storage_name).format == "PNG"


def test_a_pdf_is_stored_byte_for_byte(upload, media_root: Path) -> None:
    data = files.pdf(pages=2)
    document = upload(data, name="scan.pdf")
    assert (media_root / document.storage_name).read_bytes() == data
    assert (document.content_type, document.pages) == ("application/pdf", 2)


def test_the_polyglot_payload_is_not_in_the_stored_file(upload, media_root: Path) -> None:
    document = upload(files.jpeg_pdf_polyglot(), name="photo.jpg")
    stored = (media_root / document.storage_name).read_bytes()
    assert document.content_type == "image/jpeg"
    assert b"%PDF" not in stored
    assert files.SCRIPT not in stored


def test_exif_is_not_in_the_stored_photo(upload, media_root: Path) -> None:
    document = upload(files.jpeg_with_gps_exif(), name="IMG_0001.jpg", kind="photo")
    stored = Image.open(media_root / document.storage_name)
    assert dict(stored.getexif()) == {}
    assert b"SpyPhone" not in (media_root / document.storage_name).read_bytes()
    assert (document.width, document.height) == (40, 60)


HOSTILE = [
    pytest.param(
        b"just some text\n" * 10, "photo.jpg", RefusalCode.TYPE_NOT_ALLOWED, id="text-as-jpg"
    ),
    pytest.param(files.docx_zip_bomb(), "cv.docx", RefusalCode.TYPE_NOT_ALLOWED, id="zip-bomb"),
    pytest.param(files.html_page(), "scan.pdf", RefusalCode.TYPE_NOT_ALLOWED, id="html"),
    pytest.param(
        files.pixel_flood_png(), "flood.png", RefusalCode.IMAGE_TOO_MANY_PIXELS, id="pixel-flood"
    ),
    pytest.param(
        files.zlib_bomb_png(), "bomb.png", RefusalCode.IMAGE_TOO_MANY_PIXELS, id="zlib-bomb"
    ),
    pytest.param(files.truncated_jpeg(), "half.jpg", RefusalCode.IMAGE_DAMAGED, id="half-jpeg"),
    pytest.param(files.encrypted_pdf(), "locked.pdf", RefusalCode.PDF_ENCRYPTED, id="encrypted"),
    pytest.param(
        files.pdf_with_document_javascript(),
        "form.pdf",
        RefusalCode.PDF_ACTIVE_CONTENT,
        id="javascript",
    ),
    pytest.param(
        files.pdf_with_embedded_file(), "a.pdf", RefusalCode.PDF_ACTIVE_CONTENT, id="attachment"
    ),
    pytest.param(
        files.pdf_with_action(files.EXTERNAL_ACTIONS["URI"](), "catalog_open_action"),
        "statement.pdf",
        RefusalCode.PDF_EXTERNAL_ACTION,
        id="web-address",
    ),
    pytest.param(files.truncated_pdf(), "cut.pdf", RefusalCode.PDF_DAMAGED, id="truncated-pdf"),
    pytest.param(b"", "empty.png", RefusalCode.EMPTY, id="empty"),
]


@pytest.mark.parametrize(("data", "name", "code"), HOSTILE)
def test_after_a_refusal_nothing_is_stored(
    upload, data: bytes, name: str, code: RefusalCode, media_root: Path
) -> None:
    with pytest.raises(UploadRefused) as raised:
        upload(data, name=name)
    assert raised.value.code == code
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_UPLOADED).exists()


@override_settings(HAVEN_UPLOAD_MAX_BYTES=2_000)
def test_an_oversized_file_leaves_nothing(upload, media_root: Path) -> None:
    with pytest.raises(UploadRefused) as raised:
        upload(files.png(size=(500, 500)) + b"\0" * 2_000)
    assert raised.value.code == RefusalCode.TOO_LARGE
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


@override_settings(HAVEN_UPLOAD_MAX_PDF_PAGES=1)
def test_a_pdf_over_the_page_limit_leaves_nothing(upload, media_root: Path) -> None:
    with pytest.raises(UploadRefused) as raised:
        upload(files.pdf(pages=2), name="long.pdf")
    assert raised.value.code == RefusalCode.PDF_TOO_MANY_PAGES
    assert stored_files(media_root) == []


def test_if_the_database_write_fails_the_stored_file_is_deleted(
    upload, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs):
        raise IntegrityError("forced failure")

    monkeypatch.setattr(actions, "record_change", fail)
    with pytest.raises(IntegrityError):
        upload(files.png())
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_if_creating_the_row_fails_the_stored_file_is_deleted(
    upload, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args, **kwargs):
        raise IntegrityError("forced failure")

    monkeypatch.setattr(Document.objects, "create", fail)
    with pytest.raises(IntegrityError):
        upload(files.jpeg())
    assert stored_files(media_root) == []


def test_nobody_uploads_to_someone_elses_case(
    upload, make_user, media_root: Path, draft_case
) -> None:
    other = make_user(Role.APPLICANT)
    with pytest.raises(CaseError) as raised:
        upload(files.png(), actor=other)
    assert raised.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_nobody_uploads_once_the_case_is_submitted(upload, draft_case, media_root: Path) -> None:
    draft_case.status = "visa_submitted"  # as case_submit leaves it
    draft_case.save()
    with pytest.raises(CaseError) as raised:
        upload(files.png())
    assert raised.value.code == CaseErrorCode.NOT_A_DRAFT
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.parametrize("kind", ["../passport", "Passport_Scan", "", "a" * 65])
def test_a_kind_that_is_no_code_is_refused_even_if_allowed(
    upload, kind: str, media_root: Path
) -> None:
    # Kinds name the downloaded files, so only lower-case codes are accepted.
    with pytest.raises(CaseError) as raised:
        upload(files.png(), kind=kind, allowed_kinds=(kind,))
    assert raised.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
    assert stored_files(media_root) == []


def test_a_kind_the_caller_does_not_allow_is_refused(upload, media_root: Path) -> None:
    with pytest.raises(CaseError) as raised:
        upload(files.png(), kind="visa_fee_receipt", allowed_kinds=("passport_scan",))
    assert raised.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
    assert stored_files(media_root) == []


def test_the_list_is_oldest_first_and_the_kinds_follow_it(upload, draft_case) -> None:
    first = upload(files.png(), kind="passport_scan")
    second = upload(files.jpeg(), kind="photo")
    assert list(document_list_for_case(draft_case)) == [first, second]
    assert uploaded_kinds(draft_case) == {"passport_scan", "photo"}


# Removal


def test_removal_keeps_the_row_deletes_the_file_and_is_recorded(
    upload, applicant, draft_case, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    document = upload(files.png())
    with django_capture_on_commit_callbacks(execute=True):
        removed = document_remove(actor=applicant, document=document)
    assert removed.removed_at is not None
    document.refresh_from_db()
    assert document.removed_at == removed.removed_at
    assert stored_files(media_root) == []
    assert list(document_list_for_case(draft_case)) == []
    assert uploaded_kinds(draft_case) == set()
    event = AuditEvent.objects.get(event_type=EventType.DOCUMENT_REMOVED)
    assert event.actor_id == applicant.pk
    assert event.subject_id == str(document.pk)
    assert event.details == {
        "case": draft_case.pk,
        "kind": "passport_scan",
        "sha256": document.sha256,
    }


def test_removing_twice_changes_nothing_the_second_time(
    upload, applicant, django_capture_on_commit_callbacks
) -> None:
    document = upload(files.png())
    with django_capture_on_commit_callbacks(execute=True):
        first = document_remove(actor=applicant, document=document)
        second = document_remove(actor=applicant, document=document)
    assert second.removed_at == first.removed_at
    assert AuditEvent.objects.filter(event_type=EventType.DOCUMENT_REMOVED).count() == 1


def test_another_applicant_cannot_remove_it_and_nothing_changes(
    upload, make_user, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    document = upload(files.png())
    other = make_user(Role.APPLICANT)
    make_draft_case(other)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CaseError) as raised:
        document_remove(actor=other, document=document)
    assert raised.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
    document.refresh_from_db()
    assert document.removed_at is None
    assert stored_files(media_root) == [media_root / document.storage_name]
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_REMOVED).exists()


def test_an_official_cannot_remove_it(upload, make_user, media_root: Path) -> None:
    document = upload(files.png())
    with pytest.raises(CaseError):
        document_remove(actor=make_user(Role.CONSULAR_OFFICER), document=document)
    document.refresh_from_db()
    assert document.removed_at is None


def test_nothing_is_removed_after_submission(
    upload, applicant, draft_case, media_root: Path
) -> None:
    document = upload(files.png())
    draft_case.status = "visa_submitted"
    draft_case.save()
    with pytest.raises(CaseError) as raised:
        document_remove(actor=applicant, document=document)
    assert raised.value.code == CaseErrorCode.NOT_A_DRAFT
    document.refresh_from_db()
    assert document.removed_at is None
    assert stored_files(media_root) == [media_root / document.storage_name]


# Files left behind by a process that died: the sweep in the daily checks


def leave_unrecorded(data: bytes, *, age: timedelta, name: str | None = None) -> str:
    """Store a file as an upload does before its row commits, and make it ``age`` old.

    What a process killed between storing the file and committing the row leaves.
    """
    stored = default_storage.save(
        name or f"documents/2026/11/{uuid.uuid4().hex}.png", ContentFile(data)
    )
    when = (timezone.now() - age).timestamp()
    os.utime(default_storage.path(stored), (when, when))
    return stored


def make_old(document: Document, age: timedelta) -> None:
    when = (timezone.now() - age).timestamp()
    assert document.storage_name is not None
    os.utime(default_storage.path(document.storage_name), (when, when))


def test_a_file_with_no_row_older_than_an_hour_is_deleted_and_the_count_audited(
    media_root: Path,
) -> None:
    first = leave_unrecorded(files.png(), age=timedelta(hours=1, minutes=1))
    second = leave_unrecorded(files.pdf(), age=timedelta(days=40), name="documents/2026/10/x.pdf")
    assert actions.uploads_sweep() == 2
    assert stored_files(media_root) == []
    event = AuditEvent.objects.get(event_type=EventType.UPLOAD_LEFTOVERS_DELETED)
    assert event.actor_id is None
    assert (event.subject_type, event.subject_id) == ("", "")
    assert event.details == {
        "without_document": 2,
        "of_removed_documents": 0,
        "older_than_minutes": 60,
    }
    for name in (first, second):
        assert Path(name).stem not in json.dumps(event.details)


def test_a_file_with_no_row_younger_than_an_hour_is_kept_an_upload_may_be_under_way(
    media_root: Path,
) -> None:
    young = leave_unrecorded(files.png(), age=timedelta(minutes=59))
    assert actions.uploads_sweep() == 0
    assert stored_files(media_root) == [media_root / young]
    assert not AuditEvent.objects.filter(event_type=EventType.UPLOAD_LEFTOVERS_DELETED).exists()
    # Once it is an hour old, it goes.
    assert actions.uploads_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert stored_files(media_root) == []


def test_a_file_with_a_current_document_is_kept_however_old(upload, media_root: Path) -> None:
    document = upload(files.png())
    make_old(document, timedelta(days=400))
    assert actions.uploads_sweep() == 0
    assert stored_files(media_root) == [media_root / document.storage_name]
    assert not AuditEvent.objects.filter(event_type=EventType.UPLOAD_LEFTOVERS_DELETED).exists()


def test_the_file_of_a_removed_document_that_outlived_its_removal_is_deleted(
    upload, applicant, media_root: Path
) -> None:
    kept = upload(files.jpeg())
    removed = upload(files.png())
    # Removed, and the process dies before the file is deleted after the commit.
    document_remove(actor=applicant, document=removed)
    assert (media_root / removed.storage_name).exists()
    assert actions.uploads_sweep() == 1
    assert stored_files(media_root) == [media_root / kept.storage_name]
    event = AuditEvent.objects.get(event_type=EventType.UPLOAD_LEFTOVERS_DELETED)
    assert (event.details["without_document"], event.details["of_removed_documents"]) == (0, 1)


def test_the_sweep_touches_nothing_outside_the_uploads_folder(media_root: Path) -> None:
    other = leave_unrecorded(b"not an upload", age=timedelta(days=2), name="exports/report.csv")
    assert actions.uploads_sweep() == 0
    assert stored_files(media_root) == [media_root / other]


def test_the_sweep_with_nothing_stored_yet_does_nothing(media_root: Path) -> None:
    assert actions.uploads_sweep() == 0
    assert not AuditEvent.objects.exists()


def test_sweeping_again_deletes_nothing_more_and_records_nothing_more(media_root: Path) -> None:
    leave_unrecorded(files.png(), age=timedelta(hours=2))
    assert actions.uploads_sweep() == 1
    assert actions.uploads_sweep() == 0
    assert AuditEvent.objects.filter(event_type=EventType.UPLOAD_LEFTOVERS_DELETED).count() == 1


def test_the_daily_checks_sweep_and_say_how_many_files_went(upload, media_root: Path) -> None:
    document = upload(files.png())
    make_old(document, timedelta(days=3))
    leave_unrecorded(files.png(), age=timedelta(hours=3))
    leave_unrecorded(files.png(), age=timedelta(minutes=5))
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "  upload leftovers deleted: 1\n" in out.getvalue()
    assert len(stored_files(media_root)) == 2
    assert (media_root / document.storage_name).exists()
