"""A backup's manifest: what the backup holds, each file with its SHA-256.

``manifest.json`` is written last, so a backup without one is incomplete. Its
shape (format version 1)::

    {
      "format": "haven-backup",
      "format_version": 1,
      "haven_version": "0.1.0",
      "created_at": "2025-06-01T02:00:00Z",
      "database": {"vendor": "sqlite", "file": "database.sqlite3",
                   "sha256": "...", "size": 1234},
      "documents": [{"public_id": "...", "file": "media/documents/2025/06/....png",
                     "sha256": "...", "size": 5678}],
      "audit_chain": {"head": "SEQUENCE:HASH"},
      "counts": {"cases": 12, "persons": 12, "documents": 40,
                 "issued_documents": 5, "audit_events": 400, "users": 30}
    }

Paths are relative to the backup's folder, with forward slashes; a document's
file is ``media/`` followed by its row's ``storage_name``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "haven-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_FOLDER = "media"
# How many bytes are hashed or copied at a time.
CHUNK_BYTES = 1024 * 1024


class ManifestError(ValueError):
    """The manifest is missing, unreadable or not of a shape Haven writes."""


@dataclass(frozen=True)
class FileEntry:
    """A file of the backup: its path inside the backup's folder, SHA-256 and size."""

    file: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DatabaseEntry(FileEntry):
    vendor: str


@dataclass(frozen=True)
class DocumentEntry(FileEntry):
    public_id: str


@dataclass(frozen=True)
class Manifest:
    haven_version: str
    created_at: str
    database: DatabaseEntry
    documents: tuple[DocumentEntry, ...]
    audit_head: str
    counts: dict[str, int]

    def files(self) -> list[FileEntry]:
        return [self.database, *self.documents]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "haven_version": self.haven_version,
            "created_at": self.created_at,
            "database": {"vendor": self.database.vendor, **asdict(self.database)},
            "documents": [
                {"public_id": document.public_id, **asdict(document)} for document in self.documents
            ],
            "audit_chain": {"head": self.audit_head},
            "counts": dict(self.counts),
        }


def sha256_of(path: Path) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size in bytes."""
    with path.open("rb") as file:
        return sha256_of_stream(file)


def sha256_of_stream(stream: IO[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what is left to read in ``stream``."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def media_path(storage_name: str) -> str:
    """Where a stored document's copy lives inside the backup."""
    return f"{MEDIA_FOLDER}/{storage_name}"


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` whole or not at all: a temporary file, synced, then renamed."""
    path = folder / MANIFEST_NAME
    partial = folder / f".{MANIFEST_NAME}.partial"
    with partial.open("w", encoding="utf-8") as file:
        json.dump(manifest.as_dict(), file, indent=2, ensure_ascii=False)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)
    _sync_folder(folder)
    return path


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in ``folder``; ``ManifestError`` saying what is wrong."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(
            f"{path} is missing: the backup is incomplete (the manifest is written last)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path} cannot be read: {error}") from None
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ManifestError(f"{path} is not a Haven backup manifest: {error}") from None


def _parse(data: Any) -> Manifest:
    if data.get("format") != FORMAT:
        raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
    if data.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"format version {data.get('format_version')!r}; this Haven reads {FORMAT_VERSION}"
        )
    database = data["database"]
    return Manifest(
        haven_version=str(data["haven_version"]),
        created_at=str(data["created_at"]),
        database=DatabaseEntry(
            file=_relative_path(database["file"]),
            sha256=_sha256(database["sha256"]),
            size=_size(database["size"]),
            vendor=str(database["vendor"]),
        ),
        documents=tuple(
            DocumentEntry(
                file=_relative_path(entry["file"]),
                sha256=_sha256(entry["sha256"]),
                size=_size(entry["size"]),
                public_id=str(entry["public_id"]),
            )
            for entry in data["documents"]
        ),
        audit_head=str(data["audit_chain"]["head"]),
        counts={str(name): _size(count) for name, count in data["counts"].items()},
    )


def _relative_path(value: Any) -> str:
    """A path inside the backup's folder: relative, with no ``..``, never outside it."""
    text = str(value)
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts or "\\" in text:
        raise ValueError(f"{text!r} is not a path inside the backup")
    return text


def _sha256(value: Any) -> str:
    text = str(value)
    if len(text) != 64 or any(character not in "0123456789abcdef" for character in text):
        raise ValueError(f"{text!r} is not a SHA-256")
    return text


def _size(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a count of bytes or rows")
    return value
