"""The chain's head, kept outside the database and checked against it every day.

``haven audit verify`` proves the events in the table link up, but not that
none were cut from the end: a chain truncated after event 900 still links.
So the daily checks append the head they verified (sequence and hash) to a
file outside the database (``HAVEN_AUDIT_HEAD_FILE``: put it on another
volume or machine, or ship the ``haven.audit`` log line, which carries the
same head) and, the next day, first check that the head they wrote last is
still in the chain.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    sequence: int
    hash: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


class HeadFileError(ValueError):
    """The head file cannot be read as Haven writes it."""


def head_file() -> Path:
    return Path(settings.HAVEN_AUDIT_HEAD_FILE)


def parse_head(text: str) -> Head:
    """A head written as ``SEQUENCE:HASH``; ``ValueError`` for anything else."""
    sequence, _sep, digest = text.strip().partition(":")
    if not sequence.isdigit() or len(digest) != 64:
        raise ValueError(f"{text.strip()!r} is not SEQUENCE:HASH")
    return Head(int(sequence), digest)


def chain_contains(head: Head) -> bool:
    """Whether the chain still holds ``head``: an event of that sequence, with that hash."""
    return AuditEvent.objects.filter(sequence=head.sequence, hash=head.hash).exists()


def last_recorded_head(path: Path) -> Head | None:
    """The head written last to ``path``, or None when nothing was written yet."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return None
    if not lines:
        return None
    try:
        entry = json.loads(lines[-1])
        return Head(int(entry["sequence"]), str(entry["hash"]))
    except (ValueError, KeyError, TypeError) as error:
        raise HeadFileError(f"{path}: its last line is not a recorded head") from error


@dataclass(frozen=True)
class HeadCheck:
    """What the daily check found: the verified head, or the problem that stopped it."""

    checked: int
    head: Head | None
    expected: Head | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def head_check_and_record(path: Path | None = None) -> HeadCheck:
    """Verify the chain and the head recorded last, then record today's head.

    When the chain is broken, or the head recorded last is gone from it (events
    were cut from its end or rewritten), nothing is appended, so the file keeps
    the evidence, and the problem is logged at ERROR for the operators.
    """
    path = path or head_file()
    result = verify_chain()
    try:
        expected = last_recorded_head(path)
    except HeadFileError as error:
        return _failed(HeadCheck(result.checked, None, None, str(error)))
    if result.first_break is not None:
        bad = result.first_break
        problem = f"the chain is broken at event {bad.sequence}: {bad.problem}"
        return _failed(HeadCheck(result.checked, None, expected, problem))
    if expected is not None and not chain_contains(expected):
        problem = (
            f"the head recorded last, {expected}, is no longer in the chain: "
            "events were removed from its end or rewritten"
        )
        return _failed(HeadCheck(result.checked, None, expected, problem))
    if result.head_sequence == 0:
        return HeadCheck(result.checked, None, expected)
    head = Head(result.head_sequence, result.head_hash)
    _append(path, head)
    logger.info("audit chain head %s recorded (%d events)", head, result.checked)
    return HeadCheck(result.checked, head, expected)


def _failed(check: HeadCheck) -> HeadCheck:
    logger.error("audit chain check failed: %s", check.problem)
    return check


def _append(path: Path, head: Head) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "sequence": head.sequence,
            "hash": head.hash,
            "recorded_at": timezone.now().isoformat(timespec="seconds"),
        }
    )
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
