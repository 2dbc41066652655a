"""``haven restore PATH``: a checked backup into an empty installation, and everything it refuses.

Each refusal also shows that nothing was changed: no database made or filled, no
document copied.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from haven.cases.models import Case
from haven.documents.models import Document
from haven.operations.contents import table_counts
from tests.cli import run_haven
from tests.operations.conftest import Installation

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


@pytest.fixture
def backup(case_with_documents: Case, tmp_path: Path) -> Path:
    """A backup of one applicant's draft with two scans, made in this process."""
    path = tmp_path / "backup"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _a_document_in(backup: Path) -> Path:
    manifest = json.loads((backup / "manifest.json").read_text())
    return backup / manifest["documents"][0]["file"]


def test_a_backup_restores_into_an_empty_installation(
    backup: Path, fresh: Installation, original: Installation
) -> None:
    result = run_haven("restore", str(backup), env=fresh.env)

    assert result.returncode == 0, result.stderr
    head = run_haven("audit", "head", env=original.env).stdout.strip()
    assert result.stdout == (
        "Restored: 1 cases, 1 persons, 2 documents, 0 issued documents, "
        f"{table_counts()['audit_events']} audit events, 1 users; "
        f"audit chain intact, head {head}; 2 document files checked.\n"
    )
    for document in Document.objects.all():
        assert document.storage_name is not None
        stored = fresh.media / document.storage_name
        assert stored.read_bytes() == (original.media / document.storage_name).read_bytes()
    assert "Schmidt" not in result.stdout + result.stderr


def test_a_database_holding_rows_is_refused_and_left_as_it_was(
    backup: Path, original: Installation, tmp_path: Path
) -> None:
    counts = table_counts()
    media = tmp_path / "empty-media"
    result = run_haven("restore", str(backup), env={**original.env, "MEDIA_ROOT": str(media)})

    assert result.returncode == 2
    assert "is not empty" in result.stderr
    assert "Restore only into a new, empty database." in result.stderr
    assert result.stdout == ""
    assert table_counts() == counts
    assert not media.exists()


def test_a_media_folder_holding_a_file_is_refused_and_nothing_is_restored(
    backup: Path, fresh: Installation
) -> None:
    (fresh.media / "documents").mkdir(parents=True)
    (fresh.media / "documents" / "left-over.png").write_bytes(b"\x89PNG")

    result = run_haven("restore", str(backup), env=fresh.env)

    assert result.returncode == 2
    assert f"MEDIA_ROOT ({fresh.media}) is not empty" in result.stderr
    assert fresh.database_is_untouched()
    assert [path.name for path in fresh.media.rglob("*")] == ["documents", "left-over.png"]


def test_a_migrated_empty_database_is_taken_on_sqlite_and_refused_on_postgresql(
    backup: Path, fresh: Installation
) -> None:
    """SQLite takes a migrated, empty database (the file is replaced); PostgreSQL needs none."""
    migrated = run_haven("migrate", "--no-input", "--verbosity", "0", env=fresh.env)
    assert migrated.returncode == 0, migrated.stderr

    result = run_haven("restore", str(backup), env=fresh.env)

    if connection.vendor == "sqlite":
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Restored: 1 cases")
    else:
        assert result.returncode == 2
        assert "already has tables" in result.stderr
        assert not fresh.media.exists()


def _change_a_document(backup: Path) -> str:
    document = _a_document_in(backup)
    document.write_bytes(document.read_bytes()[:-1] + b"\0")
    return f"{document.relative_to(backup).as_posix()} does not match its SHA-256 in the manifest"


def _change_the_database(backup: Path) -> str:
    name = DATABASE_FILE[connection.vendor]
    data = bytearray((backup / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (backup / name).write_bytes(bytes(data))
    return f"{name} does not match its SHA-256 in the manifest"


def _remove_a_document(backup: Path) -> str:
    document = _a_document_in(backup)
    document.unlink()
    return f"{document.relative_to(backup).as_posix()} is missing"


def _truncate_the_database(backup: Path) -> str:
    name = DATABASE_FILE[connection.vendor]
    size = (backup / name).stat().st_size
    with (backup / name).open("r+b") as file:
        file.truncate(size // 2)
    return f"{name} has {size // 2} bytes, the manifest says {size}"


def _add_a_file(backup: Path) -> str:
    (backup / "media" / "documents" / "extra.png").write_bytes(b"\x89PNG")
    return "media/documents/extra.png is not in the manifest"


def _remove_the_manifest(backup: Path) -> str:
    (backup / "manifest.json").unlink()
    return "manifest.json is missing: the backup is incomplete"


def _edit_the_manifest(backup: Path) -> str:
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["documents"][0]["file"] = "../outside.png"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return "'../outside.png' is not a path inside the backup"


DAMAGES = [
    _change_a_document,
    _change_the_database,
    _remove_a_document,
    _truncate_the_database,
    _add_a_file,
    _remove_the_manifest,
    _edit_the_manifest,
]


def _named(damage: Callable[[Path], str]) -> str:
    return damage.__name__.strip("_").replace("_", " ")


@pytest.mark.parametrize("damage", DAMAGES, ids=_named)
def test_a_damaged_or_incomplete_backup_is_refused_naming_what_is_wrong(
    damage: Callable[[Path], str], backup: Path, media_root: Path
) -> None:
    """Checked first: this process's own database and media folder are not even looked at."""
    problem = damage(backup)
    counts = table_counts()
    files = sorted(media_root.rglob("*"))

    with pytest.raises(CommandError) as failed:
        call_command("restore", str(backup), stdout=io.StringIO())

    assert failed.value.returncode == 1
    assert problem in str(failed.value)
    assert table_counts() == counts
    assert sorted(media_root.rglob("*")) == files


@pytest.mark.parametrize("damage", [_change_a_document, _remove_the_manifest], ids=_named)
def test_the_executable_exits_1_on_a_damaged_backup_with_nothing_changed(
    damage: Callable[[Path], str], backup: Path, fresh: Installation
) -> None:
    problem = damage(backup)

    result = run_haven("restore", str(backup), env=fresh.env)

    assert result.returncode == 1
    assert problem in result.stderr
    assert "Nothing was restored" in result.stderr or "incomplete" in result.stderr
    assert result.stdout == ""
    assert fresh.database_is_untouched()
    assert not fresh.media.exists()


def test_a_path_that_is_not_a_folder_is_refused(fresh: Installation, tmp_path: Path) -> None:
    result = run_haven("restore", str(tmp_path / "no-such-backup"), env=fresh.env)
    assert result.returncode == 2
    assert "is not a folder holding a backup" in result.stderr
    assert fresh.database_is_untouched()
