"""Submissions and border crossings in a process killed with SIGKILL: nothing half-written.

A server process can die at any instant: the kernel's OOM killer, a host going down, an
operator's ``kill -9``. This test makes that happen for real, twenty times (fewer if the
machine is slow: the cycles stop after ``BUDGET_SECONDS``): a server process
(``write_loop.py``), set up once, forks a writer that submits applications through
``case_submit``, or posts crossings to ``POST /api/v1/movements`` with a client's token,
and the test kills the writer with SIGKILL after a short random time, the two in turn. Then the database must be sound (SQLite's
``integrity_check``; on PostgreSQL amcheck's ``bt_index_check`` over every index), the
audit chain intact, every write the process reported committed present, every submitted
case submitted exactly once, every recorded crossing with its audit event, and no stored
file without its row once the daily sweep ran.
"""

from __future__ import annotations

import contextlib
import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import DatabaseError
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent, CaseEventType
from haven.cases.transitions import DRAFT
from haven.documents.actions import uploads_sweep
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.movements.actions import integration_client_create
from haven.movements.models import Movement
from tests.cli import environment_for_haven
from tests.documents.conftest import stored_files
from tests.movements.conftest import granted_visa_case

LOOP = Path(__file__).with_name("write_loop.py")
CYCLES = 20  # in all, submissions and crossings in turn
# Stop starting cycles after this long, so a slow machine keeps the test bounded.
BUDGET_SECONDS = 40
# How long after the process is ready it is killed: some writes (each takes some
# milliseconds), and a test well under a minute.
KILL_AFTER_SECONDS = (0.2, 1.0)
READY_TIMEOUT_SECONDS = 30
LINE_TIMEOUT_SECONDS = 20
GRANTED_VISAS = 4


class Lines:
    """The lines a process prints, each read within a timeout."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        assert process.stdout is not None
        self.stream = process.stdout
        self.log = log
        self.buffer = b""

    def next(self, timeout: float = LINE_TIMEOUT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            with selectors.DefaultSelector() as selector:
                selector.register(self.stream, selectors.EVENT_READ)
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"{LOOP.name} printed nothing for {timeout} s; {self}")
            chunk = os.read(self.stream.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"{LOOP.name} ended; {self}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def __str__(self) -> str:
        return f"its errors: {self.log.read_text()[-3000:]}"


@contextlib.contextmanager
def write_server(media_root: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], Lines]]:
    """The loop's server, ready; closed and waited for at the end."""
    environment = {
        **environment_for_haven(),
        "MEDIA_ROOT": str(media_root),
        # Every post of every cycle counts against one client's allowance.
        "HAVEN_API_MOVEMENTS_RATE": "100000/min",
        # A writer killed between making a draft and submitting it leaves the draft behind.
        "HAVEN_MAX_DRAFTS_PER_PROGRAMME": "1000",
    }
    with log.open("a") as errors:
        process = subprocess.Popen(
            [sys.executable, str(LOOP)],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
    try:
        lines = Lines(process, log)
        assert lines.next(READY_TIMEOUT_SECONDS) == "ready", str(lines)
        yield process, lines
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=10) == 0, str(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def _write_until_killed(
    process: subprocess.Popen[bytes], lines: Lines, command: list[str], delay: float
) -> list[str]:
    """Start a writer, kill it ``delay`` seconds later; the writes it reported."""
    assert process.stdin is not None
    process.stdin.write((" ".join(command) + "\n").encode())
    process.stdin.flush()
    reported: list[str] = []
    line = lines.next()
    while not line.startswith("started "):
        reported.append(line)
        line = lines.next()
    time.sleep(delay)
    os.kill(int(line.removeprefix("started ")), signal.SIGKILL)
    line = lines.next()
    while not line.startswith("ended "):
        reported.append(line)
        line = lines.next()
    # Killed, not ended by itself: an error in the writer ends it with 1.
    assert line == f"ended {-signal.SIGKILL}", f"{line}; {lines}"
    return reported


def _unused_visas() -> list[str]:
    return list(
        IssuedDocument.objects.filter(kind=IssuedDocument.Kind.VISA, used_on__isnull=True)
        .order_by("pk")
        .values_list("number", flat=True)
    )


def _check_database_structure() -> str | None:
    """Raise AssertionError when the database is damaged; the reason a check was skipped."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchall() == [("ok",)]
            return None
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except DatabaseError as error:
            return f"amcheck is not available on this PostgreSQL server: {error}"
        cursor.execute(
            """
            SELECT index_class.oid::regclass::text
            FROM pg_index AS i
            JOIN pg_class AS index_class ON index_class.oid = i.indexrelid
            JOIN pg_am AS am ON am.oid = index_class.relam
            JOIN pg_namespace AS ns ON ns.oid = index_class.relnamespace
            WHERE am.amname = 'btree' AND ns.nspname = current_schema()
              AND i.indisvalid AND i.indisready
            """
        )
        indexes = [name for (name,) in cursor.fetchall()]
        assert len(indexes) > 50, indexes  # Haven's tables, not an empty schema
        for name in indexes:
            # heapallindexed: every row of the table is found in the index, too.
            cursor.execute("SELECT bt_index_check(%s::regclass, true)", [name])
    return None


def _check_submissions(acknowledged: set[int]) -> None:
    cases = {case.pk: case for case in Case.objects.all()}
    assert acknowledged <= set(cases), sorted(acknowledged - set(cases))
    submitted_events = Counter(
        CaseEvent.objects.filter(type=CaseEventType.SUBMITTED).values_list("case_id", flat=True)
    )
    submitted_audit = Counter(
        int(subject_id)
        for subject_id in AuditEvent.objects.filter(
            event_type=EventType.CASE_SUBMITTED, subject_type="cases.case"
        ).values_list("subject_id", flat=True)
    )
    references = [case.reference for case in cases.values() if case.reference is not None]
    assert len(references) == len(set(references))
    for pk, case in cases.items():
        if case.status == DRAFT:
            assert pk not in acknowledged
            assert (case.reference, case.submitted_at) == (None, None), pk
            assert submitted_events[pk] == submitted_audit[pk] == 0, pk
        else:
            assert case.reference is not None, pk
            assert case.submitted_at is not None, pk
            assert submitted_events[pk] == submitted_audit[pk] == 1, pk
    assert {pk for pk in acknowledged if cases[pk].status == "visa_submitted"} == acknowledged


def _check_movements(acknowledged: set[str]) -> None:
    movements = {movement.event_id: movement for movement in Movement.objects.all()}
    assert acknowledged <= set(movements), sorted(acknowledged - set(movements))
    recorded = Counter(
        AuditEvent.objects.filter(event_type=EventType.MOVEMENT_RECORDED).values_list(
            "subject_id", flat=True
        )
    )
    assert all(recorded[str(movement.pk)] == 1 for movement in movements.values())
    assert sum(recorded.values()) == len(movements)
    entries = Counter(
        movement.document_id for movement in movements.values() if movement.entry_recorded
    )
    for visa in IssuedDocument.objects.filter(kind=IssuedDocument.Kind.VISA):
        case = Case.objects.get(pk=visa.case_id)
        entered = CaseEvent.objects.filter(case=case, type=CaseEventType.ENTRY_RECORDED).count()
        if visa.used_on is None:
            assert (entries[visa.pk], entered, case.status) == (0, 0, "visa_granted")
        else:
            assert (entries[visa.pk], entered, case.status) == (1, 1, "trp_submitted")
            assert (
                AuditEvent.objects.filter(
                    event_type=EventType.ENTRY_RECORDED,
                    subject_type="cases.case",
                    subject_id=case.pk,
                ).count()
                == 1
            )


@pytest.mark.django_db(transaction=True)
def test_writes_killed_with_sigkill_leave_a_sound_database(
    make_user: Callable[..., User], media_root: Path, tmp_path: Path
) -> None:
    applicant = make_user(Role.APPLICANT)
    for _ in range(GRANTED_VISAS):
        granted_visa_case(make_user)
    _border, token = integration_client_create(name="border-svetogorsk")
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    submitted: set[int] = set()
    recorded: set[str] = set()
    cycles = 0
    log = tmp_path / "write_loop.log"
    started = time.monotonic()
    with write_server(media_root, log) as (process, lines):
        while cycles < CYCLES and time.monotonic() - started < BUDGET_SECONDS:
            delay = chance.uniform(*KILL_AFTER_SECONDS)
            if cycles % 2 == 0:
                command = ["submit", str(applicant.pk)]
            else:
                command = ["movements", token, f"cycle{cycles:02d}", *_unused_visas()]
            for line in _write_until_killed(process, lines, command, delay):
                what, _space, value = line.partition(" ")
                if what == "submitted":
                    submitted.add(int(value))
                else:
                    assert what == "recorded", line
                    recorded.add(value)
            cycles += 1
    assert cycles >= CYCLES // 2, f"only {cycles} cycles in {BUDGET_SECONDS} s (seed {seed})"
    assert submitted, f"no submission committed before a kill (seed {seed})"
    assert recorded, f"no crossing recorded before a kill (seed {seed})"

    skipped = _check_database_structure()
    assert verify_chain().intact, f"seed {seed}"
    _check_submissions(submitted)
    _check_movements(recorded)
    # The daily sweep as it runs an hour later: a kill between storing an upload and
    # committing its row leaves a file behind (ADR 16); after the sweep none is.
    uploads_sweep(now=timezone.now() + timedelta(hours=1, minutes=1))
    on_disk = {str(path.relative_to(media_root)) for path in stored_files(media_root)}
    assert on_disk == set(Document.objects.values_list("storage_name", flat=True))
    assert verify_chain().intact, f"seed {seed}"
    if skipped:
        pytest.skip(f"everything else checked; {skipped}")
