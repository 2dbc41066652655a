"""The restore drill: back up the demo, restore it elsewhere, compare the two installations.

What an operator's drill compares: the case figures (``haven cases summary``), the
audit chain's head (``haven audit head``), every table's count and every
document's SHA-256, in the restored database and its files.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from haven.demo.cases import load_demo_cases
from haven.documents.models import Document
from haven.operations.contents import table_counts
from tests.cli import run_haven
from tests.operations.conftest import Installation

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_CASES = 12


def _document_hashes(installation: Installation) -> dict[str, tuple[str, str]]:
    """Each kept document's public id: its row's SHA-256 and its file's, as found."""
    rows = installation.rows(
        f"SELECT public_id, storage_name, sha256 FROM {Document._meta.db_table} "
        "WHERE removed_at IS NULL"
    )
    return {
        str(public_id).replace("-", ""): (
            digest,
            hashlib.sha256((installation.media / name).read_bytes()).hexdigest(),
        )
        for public_id, name, digest in rows
    }


def test_a_backup_of_the_demo_restores_to_the_same_figures_chain_head_and_documents(
    original: Installation, fresh: Installation, tmp_path: Path
) -> None:
    load_demo_cases(DEMO_CASES)
    started = time.monotonic()
    backup = tmp_path / "backup"

    made = run_haven("backup", str(backup), env=original.env)
    assert made.returncode == 0, made.stderr
    restored = run_haven("restore", str(backup), env=fresh.env)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored: ")
    seconds = time.monotonic() - started

    manifest = json.loads((backup / "manifest.json").read_text())
    counts = table_counts()
    assert manifest["counts"] == counts
    assert counts["cases"] >= DEMO_CASES
    assert counts["documents"] > 0
    assert counts["issued_documents"] > 0
    for args in (("cases", "summary", "--format", "json"), ("audit", "head")):
        before, after = run_haven(*args, env=original.env), run_haven(*args, env=fresh.env)
        assert before.returncode == after.returncode == 0, (before.stderr, after.stderr)
        assert before.stdout == after.stdout, args
    head = after.stdout.strip()
    assert manifest["audit_chain"]["head"] == head
    assert f"head {head}" in restored.stdout
    assert run_haven("audit", "verify", "--expect-head", head, env=fresh.env).returncode == 0

    documents = _document_hashes(original)
    assert len(documents) == len(manifest["documents"])
    assert all(row == found for row, found in documents.values())
    assert _document_hashes(fresh) == documents
    # The drill's own pace: the backup and the restore of a dozen demo cases.
    assert seconds < 30, f"backup and restore took {seconds:.1f} s"
