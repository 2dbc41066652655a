"""Every change to an application's documents: upload and remove, one function each."""

from __future__ import annotations

import posixpath
import re
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.history import record_change
from haven.cases.models import Case
from haven.cases.policy import may_act_as
from haven.cases.transitions import DRAFT, Action
from haven.documents.models import Document
from haven.documents.validation import CheckedFile, UploadRefused, check_upload, clean_file_name
from haven.rules.selectors import programme_get

# Kinds are codes from the programme's parameters; they also name downloaded files.
_KIND = re.compile(r"^[a-z0-9_]{1,64}$")
# The kind of the files an applicant sends with an answer to a request for information.
ANSWER_KIND = "additional"
# Every upload is stored under this folder of the default storage (see ``_storage_name``).
UPLOADS_FOLDER = "documents"
# A stored file with no row that is older than this is left over from an upload whose
# process died between storing the file and committing its row: an upload takes seconds.
LEFTOVER_AGE = timedelta(hours=1)
# Storage names looked up in one query.
_SWEEP_BATCH = 500


def _check_may_change(actor: User, case: Case) -> None:
    """The applicant's own draft only (``policy.EDIT_DRAFT``)."""
    if not may_act_as(actor, Action.EDIT_DRAFT, case, programme_get(case.programme)):
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    if case.status != DRAFT:
        raise CaseError(CaseErrorCode.NOT_A_DRAFT)


def _storage_name(checked: CheckedFile, now: Any) -> str:
    return f"{UPLOADS_FOLDER}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.extension}"


def document_upload(
    *,
    actor: User,
    case: Case,
    kind: str,
    uploaded_file: File[Any],
    allowed_kinds: Collection[str],
) -> Document:
    """Check a file, store it and record it on the applicant's draft application.

    Who: the applicant who owns ``case``, while it is a draft (files sent in
    answer to a request for information go through ``uploads_store`` and
    ``document_record``, see ``case_answer_information``). ``kind`` must be
    one of ``allowed_kinds``, which the caller takes from the programme.

    Raises ``CaseError(ACTION_NOT_ALLOWED)`` for someone else's case or a kind
    not allowed, ``CaseError(NOT_A_DRAFT)`` once submitted, and
    ``UploadRefused`` for a file Haven does not accept; in all of these
    nothing is stored. The file is fully checked before anything is stored,
    then saved under a name Haven makes up, and the row and its audit event
    are written in one transaction; if that fails, the stored file is deleted
    again. Call it outside any transaction of your own: a rollback of an
    enclosing transaction would leave the stored file behind. A process that
    dies between storing and committing leaves the file with no row;
    ``uploads_sweep`` in the daily checks deletes it.
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
            document = document_record(
                actor=actor,
                case=locked,
                kind=kind,
                stored=StoredUpload(checked, storage_name, clean_file_name(uploaded_file.name)),
                received_at=now,
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return document


@dataclass(frozen=True)
class StoredUpload:
    """A checked file saved under a name Haven made up, not yet recorded on any case."""

    checked: CheckedFile
    storage_name: str
    original_name: str


def uploads_store(uploaded_files: Sequence[File[Any]]) -> list[StoredUpload]:
    """Check every file, then store them all: one refused file means none is stored.

    Raises ``UploadRefused`` (with ``file_name`` set to the refused file's
    name) before anything is stored. The caller records the files with
    ``document_record`` in its own transaction and, if that fails, deletes
    them again with ``uploads_discard``; files of a process that dies first
    are left to ``uploads_sweep``.
    """
    checked: list[tuple[CheckedFile, str]] = []
    for uploaded in uploaded_files:
        name = clean_file_name(uploaded.name)
        try:
            checked.append((check_upload(uploaded), name))
        except UploadRefused as refusal:
            refusal.file_name = name
            raise
    now = timezone.now()
    stored: list[StoredUpload] = []
    try:
        for item, name in checked:
            storage_name = default_storage.save(_storage_name(item, now), ContentFile(item.content))
            stored.append(StoredUpload(item, storage_name, name))
    except BaseException:
        uploads_discard(stored)
        raise
    return stored


def uploads_discard(stored: Sequence[StoredUpload]) -> None:
    """Delete stored files that were never recorded (their action failed)."""
    for item in stored:
        default_storage.delete(item.storage_name)


def _stored_names(folder: str) -> Iterator[str]:
    """Every file's name under ``folder`` of the default storage, folder by folder."""
    try:
        folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield posixpath.join(folder, name)
    for inner in sorted(folders):
        yield from _stored_names(posixpath.join(folder, inner))


def _batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == _SWEEP_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _is_older_than(name: str, cutoff: datetime) -> bool:
    try:
        return default_storage.get_modified_time(name) < cutoff
    except FileNotFoundError:
        return False  # deleted meanwhile


def uploads_sweep(*, now: datetime | None = None) -> int:
    """Delete the stored files no document tracks; return how many were deleted.

    Who: Haven itself, in the daily checks. Two kinds of file are left
    behind when a process dies at the wrong moment: one stored by an upload
    whose row never committed (deleted once it is older than
    ``LEFTOVER_AGE``, so an upload still in progress keeps its file), and
    the file of a document whose removal committed before its file was
    deleted (deleted at once). A file whose document is current is never
    touched, nor anything outside ``UPLOADS_FOLDER``.

    Records one ``UPLOAD_LEFTOVERS_DELETED`` audit event with the two counts
    when it deleted anything; never a file's name. Safe to run again, or
    twice at once: deleting a file already gone is no error (two runs at
    once may then both count it).
    """
    cutoff = (now or timezone.now()) - LEFTOVER_AGE
    without_document = 0
    of_removed_documents = 0
    for batch in _batches(_stored_names(UPLOADS_FOLDER)):
        # Looked up after the files were listed: a row committed before this query is seen.
        removed_at = dict(
            Document.objects.filter(storage_name__in=batch).values_list(
                "storage_name", "removed_at"
            )
        )
        for name in batch:
            if name not in removed_at:
                if _is_older_than(name, cutoff):
                    default_storage.delete(name)
                    without_document += 1
            elif removed_at[name] is not None:
                default_storage.delete(name)
                of_removed_documents += 1
    if without_document or of_removed_documents:
        audit_record(
            event_type=EventType.UPLOAD_LEFTOVERS_DELETED,
            details={
                "without_document": without_document,
                "of_removed_documents": of_removed_documents,
                "older_than_minutes": int(LEFTOVER_AGE.total_seconds() // 60),
            },
        )
    return without_document + of_removed_documents


def document_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    stored: StoredUpload,
    received_at: datetime,
    details: dict[str, Any] | None = None,
) -> Document:
    """Record a stored file on ``case``, with its audit event, in the caller's transaction.

    Only for actions that hold the case's lock and have checked that ``actor``
    may add the file (``document_upload``, ``case_answer_information``).
    """
    if not _KIND.match(kind):
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    checked = stored.checked
    document = Document.objects.create(
        case=case,
        kind=kind,
        original_name=stored.original_name,
        storage_name=stored.storage_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        width=checked.width,
        height=checked.height,
        pages=checked.pages,
        received_at=received_at,
        uploaded_by=actor,
    )
    # Never the file name: applicants name files after themselves.
    record_change(
        case=case,
        actor=actor,
        audit=EventType.DOCUMENT_UPLOADED,
        subject=document,
        details={
            "case": case.pk,
            "kind": kind,
            "size": checked.size,
            "sha256": checked.sha256,
            "content_type": checked.content_type,
            **(details or {}),
        },
    )
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
        record_change(
            case=locked,
            actor=actor,
            audit=EventType.DOCUMENT_REMOVED,
            subject=current,
            details={"case": locked.pk, "kind": current.kind, "sha256": current.sha256},
        )
        storage_name = current.storage_name
        if storage_name is not None:
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


def documents_erase(*, case: Case) -> int:
    """Delete the stored files of every document of ``case``; return how many rows had one.

    Who: Haven itself, when the case's personal data is deleted after its
    retention period (``haven.casework.retention``), inside that action's
    transaction and with the case locked. Each row stays, for the audit trail
    and the counts, with its kind, type, size, fingerprint and dates; its
    uploaded file name is blanked, ``storage_name`` set to NULL and
    ``removed_at`` set when it was not yet. The files are deleted once the
    transaction has committed; a file whose deletion fails then is no longer
    tracked by any row, so ``uploads_sweep`` deletes it the next day.
    """
    rows = Document.objects.select_for_update().filter(case=case, storage_name__isnull=False)
    names = [name for name in rows.values_list("storage_name", flat=True) if name]
    now = timezone.now()
    Document.objects.filter(case=case, removed_at__isnull=True).update(removed_at=now)
    Document.objects.filter(case=case).update(original_name="", storage_name=None)

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return len(names)
