"""``backup_create``: the database, the uploaded documents and the audit chain's head, in a folder.

The folder holds the database's copy (``database.sqlite3`` or, from
PostgreSQL, ``pg_dump``'s ``database.dump``), a copy of every kept document's
stored file under ``media/`` and, written last, ``manifest.json`` (see
``haven.operations.manifest``). A folder without a manifest is not a backup:
when anything fails, what was written is removed.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone

from haven.audit.heads import Head
from haven.operations import database
from haven.operations.contents import (
    StoredDocument,
    last_audit_head,
    stored_documents,
    table_counts,
)
from haven.operations.errors import OperationFailed, OperationRefused
from haven.operations.manifest import (
    CHUNK_BYTES,
    DatabaseEntry,
    DocumentEntry,
    Manifest,
    media_path,
    sha256_of,
    write_manifest,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """What the manifest records about the database, read with its copy."""

    documents: list[StoredDocument]
    head: Head
    counts: dict[str, int]


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: Manifest

    @property
    def document_bytes(self) -> int:
        return sum(document.size for document in self.manifest.documents)


def backup_create(*, target: Path) -> BackupResult:
    """Back up the configured database and MEDIA_ROOT's documents into ``target``.

    For operators (``haven backup``). ``target`` must be a new or empty folder
    (``OperationRefused`` otherwise, nothing written). A document whose file is
    missing or does not match its recorded SHA-256 fails the backup
    (``OperationFailed``, naming the document's public id); so does any other
    error, and what was written is then removed.
    """
    created = _claim(target)
    try:
        manifest = _write_backup(target)
    except BaseException:
        _discard(target, created)
        raise
    logger.info(
        "backup written: %d documents, audit head %s", len(manifest.documents), manifest.audit_head
    )
    return BackupResult(target, manifest)


def _claim(target: Path) -> bool:
    """Make sure ``target`` is an empty folder; True when this backup created it."""
    if target.exists() and not target.is_dir():
        raise OperationRefused(f"{target} exists and is not a folder; give a new or empty folder.")
    if target.is_dir():
        if any(target.iterdir()):
            raise OperationRefused(
                f"{target} is not empty; give a new or empty folder for the backup."
            )
        return False
    target.mkdir(parents=True)
    # A backup holds every applicant's data: only its owner may read it.
    target.chmod(0o700)
    return True


def _discard(target: Path, created: bool) -> None:
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _read_snapshot() -> Snapshot:
    return Snapshot(stored_documents(), last_audit_head(), table_counts())


def _write_backup(target: Path) -> Manifest:
    vendor = database.vendor()
    database_file = database.DATABASE_FILES[vendor]
    snapshot = database.dump(target / database_file, _read_snapshot)
    digest, size = sha256_of(target / database_file)
    documents = tuple(_copy_document(document, target) for document in snapshot.documents)
    manifest = Manifest(
        haven_version=_haven_version(),
        created_at=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        database=DatabaseEntry(file=database_file, sha256=digest, size=size, vendor=vendor),
        documents=documents,
        audit_head=str(snapshot.head),
        counts=snapshot.counts,
    )
    write_manifest(target, manifest)
    return manifest


def _copy_document(document: StoredDocument, target: Path) -> DocumentEntry:
    """Copy the document's stored file into the backup, checking it against its row."""
    relative = media_path(document.storage_name)
    destination = target / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with (
            default_storage.open(document.storage_name, "rb") as stored,
            destination.open("xb") as copy,
        ):
            while chunk := stored.read(CHUNK_BYTES):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise OperationFailed(
            f"Document {document.public_id}: its stored file {document.storage_name} is missing "
            "from MEDIA_ROOT."
        ) from None
    if digest.hexdigest() != document.sha256:
        raise OperationFailed(
            f"Document {document.public_id}: its stored file {document.storage_name} does not "
            "match the SHA-256 recorded when it was uploaded."
        )
    return DocumentEntry(
        file=relative, sha256=digest.hexdigest(), size=size, public_id=document.public_id
    )


def _haven_version() -> str:
    try:
        return version("haven")
    except PackageNotFoundError:
        return "unknown"
