"""``backup_restore``: a backup made by ``haven backup``, into an empty database and media folder.

In four steps, each of which stops the restore when it fails:

1. the backup is checked against its manifest: every file present with its
   size and SHA-256, no file the manifest does not list (``OperationFailed``);
2. the configured database and MEDIA_ROOT must be empty (``OperationRefused``);
   nothing has been changed before this point;
3. the database is loaded and the documents are copied into MEDIA_ROOT;
4. the copy is checked before it is called restored: the audit chain intact
   with the manifest's head, the same counts, every kept document's file
   present with its row's SHA-256 and listed in the manifest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from haven.audit.chain import verify_chain
from haven.audit.heads import Head
from haven.operations import database
from haven.operations.contents import stored_documents, table_counts
from haven.operations.errors import OperationFailed, OperationRefused
from haven.operations.manifest import (
    MANIFEST_NAME,
    MEDIA_FOLDER,
    Manifest,
    ManifestError,
    media_path,
    read_manifest,
    sha256_of,
    sha256_of_stream,
)

logger = logging.getLogger(__name__)

# How many of a backup's problems are named before "and N more".
_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    counts: dict[str, int]
    head: Head


def backup_restore(*, source: Path) -> RestoreResult:
    """Restore the backup in ``source`` into the configured database and MEDIA_ROOT.

    For operators (``haven restore``). Changes nothing unless the backup matches
    its manifest and both targets are empty; when the restored copy does not
    match the backup, ``OperationFailed`` says how and the copy must not be used.
    """
    if not source.is_dir():
        raise OperationRefused(f"{source} is not a folder holding a backup.")
    manifest = verify_backup(source)
    refusal = _target_refusal(manifest)
    if refusal:
        raise OperationRefused(refusal)
    database.restore(source / manifest.database.file)
    for document in manifest.documents:
        _copy_into_storage(source / document.file, document.file)
    counts, head = _verify_restored(manifest)
    logger.info("backup restored: %d documents, audit head %s", len(manifest.documents), head)
    return RestoreResult(manifest, counts, head)


def verify_backup(source: Path) -> Manifest:
    """The backup's manifest, once every file matches it; ``OperationFailed`` otherwise."""
    try:
        manifest = read_manifest(source)
    except ManifestError as error:
        raise OperationFailed(f"Not a complete backup: {error}.") from None
    problems = []
    listed = set()
    for entry in manifest.files():
        listed.add(entry.file)
        path = source / entry.file
        if not path.resolve().is_relative_to(source.resolve()):
            problems.append(f"{entry.file} lies outside the backup")
        elif not path.is_file():
            problems.append(f"{entry.file} is missing")
        else:
            digest, size = sha256_of(path)
            if size != entry.size:
                problems.append(f"{entry.file} has {size} bytes, the manifest says {entry.size}")
            elif digest != entry.sha256:
                problems.append(f"{entry.file} does not match its SHA-256 in the manifest")
    problems += [
        f"{name} is not in the manifest"
        for name in sorted(_files_in(source) - listed - {MANIFEST_NAME})
    ]
    if problems:
        shown = "; ".join(problems[:_PROBLEMS_SHOWN])
        more = len(problems) - _PROBLEMS_SHOWN
        raise OperationFailed(
            f"The backup in {source} does not match its manifest: {shown}"
            + (f"; and {more} more" if more > 0 else "")
            + ". Nothing was restored."
        )
    return manifest


def _files_in(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def _target_refusal(manifest: Manifest) -> str | None:
    vendor = database.vendor()
    if manifest.database.vendor != vendor:
        return (
            f"This backup is of a {manifest.database.vendor} database; the configured "
            f"database is {vendor}. Restore it into a database of the same kind."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        return (
            f"MEDIA_ROOT ({media_root}) is not empty. Restore only into an empty or "
            "missing media folder."
        )
    return database.target_refusal()


def _copy_into_storage(path: Path, relative: str) -> None:
    name = relative.removeprefix(f"{MEDIA_FOLDER}/")
    with path.open("rb") as file:
        saved = default_storage.save(name, File(file))
    if saved != name:
        raise OperationFailed(f"{relative} was stored as {saved}, not under its own name.")


def _verify_restored(manifest: Manifest) -> tuple[dict[str, int], Head]:
    problems = []
    result = verify_chain()
    head = Head(result.head_sequence, result.head_hash)
    if result.first_break is not None:
        problems.append(
            f"the audit chain is broken at event {result.first_break.sequence}: "
            f"{result.first_break.problem}"
        )
    elif str(head) != manifest.audit_head:
        problems.append(f"the audit chain's head is {head}, the backup's {manifest.audit_head}")
    counts = table_counts()
    for name, expected in manifest.counts.items():
        if counts.get(name) != expected:
            problems.append(f"{counts.get(name)} {name}, the backup holds {expected}")
    in_manifest = {document.file: document.public_id for document in manifest.documents}
    for document in stored_documents():
        relative = media_path(document.storage_name)
        if in_manifest.pop(relative, None) != document.public_id:
            problems.append(f"document {document.public_id} is not in the manifest")
        try:
            with default_storage.open(document.storage_name, "rb") as stored:
                digest, _size = sha256_of_stream(stored)
        except FileNotFoundError:
            problems.append(f"document {document.public_id}: its file is missing")
            continue
        if digest != document.sha256:
            problems.append(f"document {document.public_id}: its file does not match its SHA-256")
    problems += [f"document {public_id} has no row" for public_id in in_manifest.values()]
    if problems:
        raise OperationFailed(
            "The restored copy does not match the backup; do not use it: "
            + "; ".join(problems[:_PROBLEMS_SHOWN])
            + "."
        )
    return counts, head
