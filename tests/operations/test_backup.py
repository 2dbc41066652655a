"""``haven backup PATH``: what a backup holds, the folders it refuses, the documents it fails on."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.cases.models import Case
from haven.documents.models import Document
from haven.operations import database
from haven.operations.contents import table_counts
from tests.cli import run_haven
from tests.conftest import PASSWORD
from tests.operations.conftest import Installation

pytestmark = pytest.mark.django_db(transaction=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_lists_the_database_every_document_the_head_and_the_counts(
    case_with_documents: Case, original: Installation, tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    result = run_haven("backup", str(backup), env=original.env)
    assert result.returncode == 0, result.stderr

    manifest = json.loads((backup / "manifest.json").read_text())
    assert list(manifest) == [
        "format",
        "format_version",
        "haven_version",
        "created_at",
        "database",
        "documents",
        "audit_chain",
        "counts",
    ]
    assert manifest["format"] == "haven-backup"
    assert manifest["format_version"] == 1
    assert manifest["haven_version"] == "0.1.0"
    file = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}[connection.vendor]
    assert manifest["database"] == {
        "vendor": connection.vendor,
        "file": file,
        "sha256": _sha256(backup / file),
        "size": (backup / file).stat().st_size,
    }
    documents = Document.objects.filter(case=case_with_documents).order_by("pk")
    assert manifest["documents"] == [
        {
            "public_id": str(document.public_id),
            "file": f"media/{document.storage_name}",
            "sha256": document.sha256,
            "size": document.size,
        }
        for document in documents
    ]
    for document in documents:
        assert document.storage_name is not None
        copy = backup / "media" / document.storage_name
        assert copy.read_bytes() == (original.media / document.storage_name).read_bytes()
    head = run_haven("audit", "head", env=original.env).stdout.strip()
    assert manifest["audit_chain"] == {"head": head}
    assert manifest["counts"] == {
        "cases": 1,
        "persons": 1,
        "documents": 2,
        "issued_documents": 0,
        "audit_events": table_counts()["audit_events"],
        "users": 1,
    }
    lines = result.stdout.splitlines()
    assert lines[0] == f"Backed up to {backup}:"
    assert lines[1].startswith(f"  database ({connection.vendor}): {file}, ")
    assert lines[2:] == [
        f"  documents: 2 files, {sum(d.size for d in documents) / 1024:.1f} KiB",
        f"  audit chain head: {head}",
        "  rows: 1 cases, 1 persons, 2 documents, 0 issued documents, "
        f"{manifest['counts']['audit_events']} audit events, 1 users",
    ]


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(
    original: Installation, tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "notes.txt").write_text("last week's backup\n")

    result = run_haven("backup", str(backup), env=original.env)

    assert result.returncode == 2
    assert f"{backup} is not empty" in result.stderr
    assert result.stdout == ""
    assert [path.name for path in backup.iterdir()] == ["notes.txt"]
    assert (backup / "notes.txt").read_text() == "last week's backup\n"


def test_a_folder_holding_an_empty_folder_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "backup" / "old").mkdir(parents=True)
    with pytest.raises(CommandError, match="is not empty") as refused:
        call_command("backup", str(tmp_path / "backup"))
    assert refused.value.returncode == 2
    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["old"]


def test_a_path_that_is_a_file_is_refused(original: Installation, tmp_path: Path) -> None:
    path = tmp_path / "backup.tar"
    path.write_bytes(b"not a folder")
    result = run_haven("backup", str(path), env=original.env)
    assert result.returncode == 2
    assert "exists and is not a folder" in result.stderr
    assert path.read_bytes() == b"not a folder"


def test_an_empty_folder_is_used(case_with_documents: Case, tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    backup.mkdir()
    call_command("backup", str(backup), stdout=io.StringIO())
    assert (backup / "manifest.json").is_file()


@pytest.mark.parametrize("damage", ["changed", "missing"])
@pytest.mark.parametrize("folder", ["new", "empty"])
def test_a_document_whose_file_is_changed_or_missing_fails_the_backup_naming_its_public_id(
    damage: str, folder: str, case_with_documents: Case, media_root: Path, tmp_path: Path
) -> None:
    document = Document.objects.filter(case=case_with_documents).order_by("pk").last()
    assert document is not None
    assert document.storage_name is not None
    stored = media_root / document.storage_name
    if damage == "changed":
        stored.write_bytes(stored.read_bytes() + b"\0")
    else:
        stored.unlink()
    backup = tmp_path / "backup"
    if folder == "empty":
        backup.mkdir()

    with pytest.raises(CommandError) as failed:
        call_command("backup", str(backup), stdout=io.StringIO())

    assert failed.value.returncode == 1
    message = str(failed.value)
    assert message.startswith(f"Document {document.public_id}: its stored file ")
    problem = "does not match the SHA-256" if damage == "changed" else "is missing"
    assert problem in message
    # No name of a person, nor the file name the applicant gave.
    assert "Schmidt" not in message
    assert document.original_name not in message
    # Nothing claims to be a backup: the folder is gone, or left empty as it was given.
    if folder == "new":
        assert not backup.exists()
    else:
        assert list(backup.iterdir()) == []


def test_the_copy_and_what_the_manifest_records_come_from_one_snapshot(tmp_path: Path) -> None:
    """A user created while the backup runs is in neither the counts nor the database's copy."""
    user_create(email="before@example.org", password=PASSWORD, roles=[])
    target = tmp_path / database.DATABASE_FILES[connection.vendor]

    def read_after_a_concurrent_write() -> dict[str, int]:
        # Another connection commits a user (and its audit event) inside the snapshot's life.
        writer = threading.Thread(target=_create_user_elsewhere, args=["during@example.org"])
        writer.start()
        writer.join()
        assert User.objects.count() == 1  # this connection's snapshot
        return table_counts()

    counts = database.dump(target, read_after_a_concurrent_write)

    assert counts["users"] == 1
    assert User.objects.count() == 2  # the write itself went through
    assert _users_in_copy(target) == ["before@example.org"]


def _create_user_elsewhere(email: str) -> None:
    try:
        user_create(email=email, password=PASSWORD, roles=[])
    finally:
        connection.close()  # this thread's own connection


def _users_in_copy(target: Path) -> list[str]:
    table = User._meta.db_table
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            return [email for (email,) in copy.execute(f"SELECT email FROM {table}")]
        finally:
            copy.close()
    listing = subprocess.run(
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(target)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    _before, _copy, rest = listing.partition(f"COPY public.{table} (")
    columns, _from, rest = rest.partition(") FROM stdin;\n")
    email = [column.strip() for column in columns.split(",")].index("email")
    return [row.split("\t")[email] for row in rest.partition("\\.\n")[0].splitlines()]
