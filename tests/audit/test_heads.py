"""The chain's head, kept outside the database by the daily checks, catches a cut tail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.audit.actions import audit_record
from haven.audit.heads import Head, head_check_and_record, last_recorded_head
from haven.audit.models import AuditEvent, EventType
from haven.casework.tasks import daily_checks
from tests.audit.test_chain import raw, triggers_dropped

pytestmark = pytest.mark.django_db


def _events(count: int) -> list[AuditEvent]:
    return [audit_record(event_type=EventType.AUDIT_TRAIL_VIEWED) for _ in range(count)]


def test_each_check_appends_the_verified_head(audit_head_file: Path) -> None:
    events = _events(3)
    first = head_check_and_record()
    assert first.ok
    assert first.head == Head(events[-1].sequence, events[-1].hash)
    more = _events(2)
    second = head_check_and_record()
    assert (second.expected, second.head) == (first.head, Head(more[-1].sequence, more[-1].hash))
    lines = [json.loads(line) for line in audit_head_file.read_text().splitlines()]
    assert [(line["sequence"], line["hash"]) for line in lines] == [
        (events[-1].sequence, events[-1].hash),
        (more[-1].sequence, more[-1].hash),
    ]
    assert all(line["recorded_at"] for line in lines)


def test_an_empty_chain_records_nothing(audit_head_file: Path) -> None:
    check = head_check_and_record()
    assert check.ok
    assert check.head is None
    assert not audit_head_file.exists()


def test_a_cut_tail_is_caught_and_the_evidence_kept(audit_head_file: Path) -> None:
    events = _events(4)
    recorded = head_check_and_record().head
    with triggers_dropped():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    check = head_check_and_record()
    assert not check.ok
    assert "no longer in the chain" in check.problem
    assert last_recorded_head(audit_head_file) == recorded  # nothing appended over it


def test_a_rewritten_head_is_caught(audit_head_file: Path) -> None:
    events = _events(2)
    head_check_and_record()
    with triggers_dropped():
        raw("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["0" * 64, events[-1].pk])
    check = head_check_and_record()
    assert not check.ok


def test_a_head_file_that_is_not_haven_s_is_a_failure_not_a_crash(audit_head_file: Path) -> None:
    _events(1)
    audit_head_file.parent.mkdir(parents=True)
    audit_head_file.write_text("not json\n")
    check = head_check_and_record()
    assert not check.ok
    assert str(audit_head_file) in check.problem


def test_the_daily_checks_record_the_head_and_fail_on_a_cut_tail(audit_head_file: Path) -> None:
    events = _events(3)
    summary = daily_checks.call("2026-12-05")
    assert (summary["audit_heads_recorded"], summary["audit_chain_problems"]) == (1, 0)
    call_command("daily", "--date", "2026-12-05")
    with triggers_dropped():
        raw("DELETE FROM audit_auditevent WHERE sequence >= %s", [events[-1].sequence])
    with pytest.raises(CommandError, match="audit chain failed its check") as raised:
        call_command("daily", "--date", "2026-12-06")
    assert raised.value.returncode == 1
