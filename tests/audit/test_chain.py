"""The audit chain detects every edit, removal and reordering, and refuses in-place change."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from haven.audit.actions import audit_record
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from tests.cli import run_haven

pytestmark = pytest.mark.django_db


def record_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(event_type=EventType.LOGIN_FAILED, details={"known_account": i % 2 == 0})
        for i in range(count)
    ]


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Act as someone with full control of the database, who can remove the triggers."""
    import importlib

    migration = importlib.import_module("haven.audit.migrations.0002_refuse_update_and_delete")
    prefix = "PG" if connection.vendor == "postgresql" else "SQLITE"
    with connection.cursor() as cursor:
        cursor.execute(getattr(migration, f"{prefix}_BACKWARD"))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(getattr(migration, f"{prefix}_FORWARD"))


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies() -> None:
    record_events(5)
    result = verify_chain()
    assert result.intact
    assert result.checked == 5
    assert result.head_sequence == 5


def test_each_event_links_to_the_one_before() -> None:
    first, second = record_events(2)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64


def test_an_edited_event_is_named() -> None:
    events = record_events(4)
    with triggers_dropped():
        raw(
            "UPDATE audit_auditevent SET details = %s WHERE id = %s",
            ['{"known_account": false, "note": "rewritten"}', events[1].pk],
        )
    result = verify_chain()
    assert result.first_break is not None
    assert result.first_break.sequence == 2
    assert "edited" in result.first_break.problem
    with pytest.raises(CommandError, match="broken at event 2") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


def test_a_deleted_event_is_named() -> None:
    events = record_events(4)
    with triggers_dropped():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = verify_chain()
    assert result.first_break is not None
    assert result.first_break.sequence == 3
    assert "missing" in result.first_break.problem


def test_reordered_events_are_named() -> None:
    events = record_events(4)
    with triggers_dropped():
        raw("UPDATE audit_auditevent SET sequence = 1000 WHERE id = %s", [events[1].pk])
        raw("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [events[2].pk])
        raw("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [events[1].pk])
    result = verify_chain()
    assert result.first_break is not None
    assert result.first_break.sequence == 2
    assert result.first_break.event_id == events[2].pk
    assert "does not link" in result.first_break.problem


def test_a_cut_tail_is_found_against_a_recorded_head() -> None:
    events = record_events(4)
    head = f"{events[-1].sequence}:{events[-1].hash}"
    call_command("audit", "verify", "--expect-head", head)
    with triggers_dropped():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert verify_chain().intact  # the chain alone cannot see a cut end...
    with pytest.raises(CommandError, match="expected head 4") as raised:
        call_command("audit", "verify", "--expect-head", head)  # ...the recorded head can
    assert raised.value.returncode == 1


def test_the_database_refuses_to_update_an_event() -> None:
    (event,) = record_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(event_type=EventType.LOGIN_SUCCEEDED)
    event.refresh_from_db()
    assert event.event_type == EventType.LOGIN_FAILED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_an_event() -> None:
    (event,) = record_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_details_may_not_carry_secrets() -> None:
    with pytest.raises(ValueError, match="secrets"):
        audit_record(event_type=EventType.LOGIN_FAILED, details={"password": "x"})
    assert not AuditEvent.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only")
def test_lockdown_leaves_the_application_role_insert_and_select_only() -> None:
    table = AuditEvent._meta.db_table
    raw("CREATE ROLE haven_app_under_test NOLOGIN", [])
    raw(f"GRANT ALL ON {table} TO haven_app_under_test", [])
    raw(
        "GRANT SELECT ON accounts_user, accounts_user_groups, auth_group TO haven_app_under_test",
        [],
    )
    call_command("audit", "lockdown", "--role", "haven_app_under_test")
    raw("SET ROLE haven_app_under_test", [])
    try:
        event = audit_record(event_type=EventType.LOGIN_FAILED)
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        for statement in (
            f"UPDATE {table} SET event_type = 'LOGIN_SUCCEEDED'",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                raw(statement, [])
    finally:
        raw("RESET ROLE", [])
    assert verify_chain().intact


def test_lockdown_refuses_other_databases_and_bad_role_names() -> None:
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("audit", "lockdown", "--role", "haven")
    else:
        with pytest.raises(CommandError, match="not a valid role name"):
            call_command("audit", "lockdown", "--role", "haven; DROP TABLE x")


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain() -> None:
    errors: list[BaseException] = []

    def append() -> None:
        try:
            for _ in range(5):
                audit_record(event_type=EventType.LOGIN_FAILED)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = verify_chain()
    assert result.intact
    assert result.checked == 40


@pytest.mark.django_db(transaction=True)
def test_the_haven_command_exits_0_when_intact_and_1_when_broken() -> None:
    events = record_events(3)
    intact = run_haven("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "intact: 3 events" in intact.stdout
    with triggers_dropped():
        raw("UPDATE audit_auditevent SET subject_id = 'x' WHERE id = %s", [events[0].pk])
    broken = run_haven("audit", "verify")
    assert broken.returncode == 1
    assert "broken at event 1" in broken.stderr
