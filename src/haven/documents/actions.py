"""Every change to an application's documents: upload and remove, one function each."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case
from haven.cases.transitions import DRAFT
from haven.documents.models import Document
from haven.documents.validation import CheckedFile, check_upload, clean_file_name

# Kinds are codes from the programme's parameters; they also name downloaded files.
_KIND = re.compile(r"^[a-z0-9_]{1,64}$")


def _check_may_change(actor: User, case: Case) -> None:
    if case.applicant_id != actor.pk:
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    if case.status != DRAFT:
        raise CaseError(CaseErrorCode.NOT_A_DRAFT)


def _storage_name(checked: CheckedFile, now: Any) -> str:
    return f"documents/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.extension}"


def document_upload(
    *,
    actor: User,
    case: Case,
    kind: str,
    uploaded_file: File[Any],
    allowed_kinds: Collection[str],
) -> Document:
    """Check a file, store it and record it on the applicant's draft application.

    Who: the applicant who owns ``case``, while it is a draft (uploads in
    answer to a request for information are not handled yet). ``kind`` must be
    one of ``allowed_kinds``, which the caller takes from the programme.

    Raises ``CaseError(ACTION_NOT_ALLOWED)`` for someone else's case or a kind
    not allowed, ``CaseError(NOT_A_DRAFT)`` once submitted, and
    ``UploadRefused`` for a file Haven does not accept; in all of these
    nothing is stored. The file is fully checked before anything is stored,
    then saved under a name Haven makes up, and the row and its audit event
    are written in one transaction; if that fails, the stored file is deleted
    again. Call it outside any transaction of your own: a rollback of an
    enclosing transaction would leave the stored file behind.
    """
    _check_may_change(actor, case)
    if kind not in allowed_kinds or not _KIND.match(kind):
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    checked = check_upload(uploaded_file)
    now = timezone.now()
    storage_name = default_storage.save(_storage_name(checked, now), ContentFile(checked.content))
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            _check_may_change(actor, locked)
            document = Document.objects.create(
                case=locked,
                kind=kind,
                original_name=clean_file_name(uploaded_file.name),
                storage_name=storage_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                width=checked.width,
                height=checked.height,
                pages=checked.pages,
                received_at=now,
                uploaded_by=actor,
            )
            # Never the file name: applicants name files after themselves.
            audit_record(
                event_type=EventType.DOCUMENT_UPLOADED,
                actor=actor,
                subject=document,
                details={
                    "case": locked.pk,
                    "kind": kind,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "content_type": checked.content_type,
                },
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return document


def document_remove(*, actor: User, document: Document) -> Document:
    """Remove a document from the applicant's draft application.

    Who: the applicant who owns the case, while it is a draft. Raises
    ``CaseError(ACTION_NOT_ALLOWED)`` for someone else's document and
    ``CaseError(NOT_A_DRAFT)`` once submitted. The row stays, marked removed,
    for the audit trail; the stored file is deleted once the removal has
    committed. Removing a document already removed changes nothing.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=document.case_id)
        _check_may_change(actor, locked)
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.removed_at is not None:
            return current
        current.removed_at = timezone.now()
        current.save(update_fields=["removed_at"])
        audit_record(
            event_type=EventType.DOCUMENT_REMOVED,
            actor=actor,
            subject=current,
            details={"case": locked.pk, "kind": current.kind, "sha256": current.sha256},
        )
        storage_name = current.storage_name
        transaction.on_commit(lambda: default_storage.delete(storage_name))
    return current


def document_record_viewed(*, actor: User, document: Document) -> None:
    """Record that someone opened or downloaded a document (every time, applicants too)."""
    audit_record(
        event_type=EventType.DOCUMENT_VIEWED,
        actor=actor,
        subject=document,
        details={"case": document.case_id, "kind": document.kind},
    )
