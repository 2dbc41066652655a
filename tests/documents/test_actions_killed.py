"""Uploads in a process killed with SIGKILL: no file is left without a row once swept.

A process that dies between storing a file and committing its row leaves personal data
that nothing tracks. This test makes that happen for real: it starts a process that
uploads in a loop (``upload_loop.py``), kills it with SIGKILL after a short random time,
five times, then runs the daily sweep as it would run an hour later and checks that
every file left has its row and every upload the process reported is there with its file.
"""

from __future__ import annotations

import hashlib
import random
import selectors
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.documents.actions import uploads_sweep
from haven.documents.models import Document
from tests.cli import environment_for_haven
from tests.documents.conftest import make_draft_case, stored_files

LOOP = Path(__file__).with_name("upload_loop.py")
# Five kills; five more only if none of the first five left a file without a row (most
# kills do: the kill lands between storing a file and committing its row).
CYCLES = 5
MORE_CYCLES = 5
# How long after the process is ready it is killed: long enough for some uploads
# (each takes some milliseconds), short enough to keep the test well under 30 s.
KILL_AFTER_SECONDS = (0.2, 1.2)
READY_TIMEOUT_SECONDS = 20


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The next line the process prints, or AssertionError after ``timeout`` seconds."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"{LOOP.name} printed nothing for {timeout} s")
    return process.stdout.readline()


def _upload_until_killed(
    case_id: int, user_id: int, media_root: Path, delay: float, log: Path
) -> list[int]:
    """Run the loop, kill it ``delay`` seconds after it is ready; the ids it reported."""
    environment = {**environment_for_haven(), "MEDIA_ROOT": str(media_root)}
    with log.open("a") as errors:
        process = subprocess.Popen(
            [sys.executable, str(LOOP), str(case_id), str(user_id)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        first = _read_line(process, READY_TIMEOUT_SECONDS)
        assert first == "ready\n", f"{first!r}; see {log}: {log.read_text()[-2000:]}"
        time.sleep(delay)
        assert process.poll() is None, f"it stopped by itself; see {log.read_text()[-2000:]}"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        assert process.stdout is not None
        printed = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    # Only whole lines: each id is written and flushed after its upload committed.
    return [int(line) for line in printed.splitlines(keepends=True) if line.endswith("\n")]


def _unrecorded(media_root: Path) -> set[str]:
    on_disk = {str(path.relative_to(media_root)) for path in stored_files(media_root)}
    return on_disk - set(Document.objects.values_list("storage_name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_uploads_killed_with_sigkill_leave_no_file_without_a_row_once_swept(
    make_user, media_root: Path, tmp_path: Path
) -> None:
    applicant = make_user(Role.APPLICANT)
    case = make_draft_case(applicant)
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    acknowledged: list[int] = []
    started = time.monotonic()
    for cycle in range(CYCLES + MORE_CYCLES):
        if cycle >= CYCLES and _unrecorded(media_root):
            break
        delay = chance.uniform(*KILL_AFTER_SECONDS)
        acknowledged += _upload_until_killed(
            case.pk, applicant.pk, media_root, delay, tmp_path / "upload_loop.log"
        )
    assert time.monotonic() - started < 90, "the kill cycles took far longer than planned"
    assert acknowledged, f"no upload finished before a kill (seed {seed})"
    unrecorded = _unrecorded(media_root)
    assert unrecorded, f"no kill left a file without a row (seed {seed})"
    recorded = set(Document.objects.values_list("storage_name", flat=True))

    # The daily checks as they run an hour later: every file is older than an hour by then.
    assert uploads_sweep(now=timezone.now() + timedelta(hours=1, minutes=1)) == len(unrecorded)

    left = {str(path.relative_to(media_root)) for path in stored_files(media_root)}
    assert left == recorded, f"seed {seed}: files without a row: {sorted(left - recorded)}"
    for document in Document.objects.all():
        assert document.storage_name is not None
        stored = (media_root / document.storage_name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert set(acknowledged) <= set(Document.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(event_type=EventType.UPLOAD_LEFTOVERS_DELETED)
    if unrecorded:
        assert events.get().details["without_document"] == len(unrecorded)
    else:
        assert not events.exists()
    assert verify_chain().intact
