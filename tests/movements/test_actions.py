"""Recording crossings: idempotent by the client's event id; an entry with the visa opens the permit stage."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent
from haven.issuance.actions import validity_end
from haven.issuance.models import IssuedDocument
from haven.movements.actions import (
    integration_client_create,
    integration_client_revoke,
    movement_record,
)
from haven.movements.errors import MovementError, MovementErrorCode
from haven.movements.models import IntegrationClient, Movement
from haven.movements.selectors import integration_client_for_token
from tests.movements.conftest import granted_visa_case

pytestmark = pytest.mark.django_db


def record(client: IntegrationClient, **changes):
    values = {
        "event_id": "svetogorsk-000001",
        "kind": "entry",
        "occurred_at": timezone.localtime(),
        "document_number": "V26000001",
        "border_point": "Svetogorsk",
        **changes,
    }
    return movement_record(client=client, **values)


def test_an_entry_with_the_granted_visa_opens_the_permit_stage(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    today = timezone.localdate()
    movement, created = record(client, document_number=f" {visa.number.lower()} ")
    assert created
    assert movement.entry_recorded
    assert (movement.document, movement.document_kind, movement.document_number) == (
        visa,
        "visa",
        visa.number,
    )
    case = Case.objects.get(pk=visa.case_id)
    assert movement.case == case
    assert (case.stage, case.status, case.stage_started_on) == ("trp", "trp_submitted", today)
    assert case.deadline == validity_end(today + timedelta(days=1), {"months": 4})
    visa.refresh_from_db()
    assert visa.used_on == today
    event = CaseEvent.objects.filter(case=case, type="ENTRY_RECORDED").get()
    assert event.actor is None
    assert event.details == {
        "entered_on": today.isoformat(),
        "source": "border:border-svetogorsk",
    }


def test_the_entry_date_is_the_local_date_of_the_crossing(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    # A crossing late in the evening in Vladivostok is already the next day in UTC terms;
    # the stage starts on the local (Moscow) date Haven keeps.
    client, _token = border
    moment = timezone.localtime().astimezone(ZoneInfo("Asia/Vladivostok"))
    record(client, document_number=visa.number, occurred_at=moment)
    case = Case.objects.get(pk=visa.case_id)
    assert case.stage_started_on == timezone.localtime(moment).date()


def test_the_same_report_twice_is_stored_once(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    moment = timezone.localtime()
    first, created = record(client, document_number=visa.number, occurred_at=moment)
    audited = AuditEvent.objects.count()
    # The same instant written in UTC is the same crossing.
    again, created_again = record(
        client, document_number=visa.number, occurred_at=moment.astimezone(ZoneInfo("UTC"))
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Movement.objects.count() == 1
    assert AuditEvent.objects.count() == audited


@pytest.mark.django_db(transaction=True)
def test_the_same_report_sent_at_once_is_stored_once(make_user: Callable[..., User]) -> None:
    visa = IssuedDocument.objects.get(case=granted_visa_case(make_user), kind="visa")
    client, _token = integration_client_create(name="border-svetogorsk")
    moment = timezone.localtime()
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            _movement, created = record(client, document_number=visa.number, occurred_at=moment)
            outcomes.append(created)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(outcomes) == [False] * 5 + [True]
    assert Movement.objects.count() == 1
    assert CaseEvent.objects.filter(case_id=visa.case_id, type="ENTRY_RECORDED").count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.MOVEMENT_RECORDED).count() == 1
    assert verify_chain().intact


def test_an_event_id_reused_for_another_crossing_is_a_conflict(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    record(client, kind="exit", document_number="X1")
    before = (Movement.objects.count(), AuditEvent.objects.count())
    with pytest.raises(MovementError) as error:
        record(client, kind="entry", document_number=visa.number)
    assert error.value.code == MovementErrorCode.CONFLICT
    assert (Movement.objects.count(), AuditEvent.objects.count()) == before
    assert Case.objects.get(pk=visa.case_id).status == "visa_granted"


def test_event_ids_are_per_client(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    other, _other_token = integration_client_create(name="border-pulkovo")
    record(client, kind="exit", document_number="X1")
    _movement, created = record(other, kind="exit", document_number="X2")
    assert created
    assert Movement.objects.count() == 2


def test_an_unknown_document_is_kept_unmatched(border: tuple[IntegrationClient, str]) -> None:
    client, _token = border
    movement, created = record(client, document_number="V99999999")
    assert created
    assert (movement.document, movement.case, movement.document_kind) == (None, None, "")
    assert not movement.entry_recorded


def test_an_exit_is_stored_and_changes_no_case(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    movement, _created = record(client, kind="exit", document_number=visa.number)
    assert (movement.kind, movement.case_id, movement.entry_recorded) == (
        "exit",
        visa.case_id,
        False,
    )
    assert Case.objects.get(pk=visa.case_id).status == "visa_granted"
    visa.refresh_from_db()
    assert visa.used_on is None


def test_a_second_entry_on_a_used_visa_is_kept_without_changing_the_case(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    record(client, document_number=visa.number)
    case = Case.objects.get(pk=visa.case_id)
    movement, created = record(client, event_id="svetogorsk-000002", document_number=visa.number)
    assert created
    assert (movement.case_id, movement.entry_recorded) == (case.pk, False)
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.version) == ("trp_submitted", case.version)


def test_an_entry_before_the_visa_is_valid_leaves_the_case(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    movement, _created = record(
        client, document_number=visa.number, occurred_at=timezone.localtime() - timedelta(days=2)
    )
    assert (movement.case_id, movement.entry_recorded) == (visa.case_id, False)
    assert Case.objects.get(pk=visa.case_id).status == "visa_granted"


def test_a_crossing_in_the_future_is_refused(border: tuple[IntegrationClient, str]) -> None:
    client, _token = border
    with pytest.raises(MovementError) as error:
        record(client, occurred_at=timezone.now() + timedelta(hours=1))
    assert error.value.code == MovementErrorCode.IN_THE_FUTURE
    assert not Movement.objects.exists()
    # A clock a minute ahead is tolerated.
    _movement, created = record(client, occurred_at=timezone.now() + timedelta(minutes=1))
    assert created


def test_the_audit_event_names_the_event_id_and_kind_only(
    border: tuple[IntegrationClient, str], visa: IssuedDocument
) -> None:
    client, _token = border
    movement, _created = record(client, document_number=visa.number)
    event = AuditEvent.objects.get(event_type=EventType.MOVEMENT_RECORDED)
    assert (event.subject_type, event.subject_id, event.actor_id) == (
        "movements.movement",
        str(movement.pk),
        None,
    )
    assert event.details == {
        "event_id": "svetogorsk-000001",
        "kind": "entry",
        "matched": True,
        "entry_recorded": True,
    }
    assert visa.number not in str(event.details)


def test_a_token_is_stored_only_as_its_hash(border: tuple[IntegrationClient, str]) -> None:
    client, token = border
    assert token.startswith("hvn_")
    assert len(token) > 40
    stored = IntegrationClient.objects.get(pk=client.pk)
    assert token not in (stored.token_hash, stored.token_prefix)
    assert token.startswith(stored.token_prefix)
    assert integration_client_for_token(token) == client
    assert integration_client_for_token(token + "x") is None
    assert integration_client_for_token(stored.token_hash) is None
    created = AuditEvent.objects.get(event_type=EventType.INTEGRATION_CLIENT_CREATED)
    assert created.details == {"name": "border-svetogorsk"}


def test_a_revoked_client_is_refused_and_revoking_twice_changes_nothing(
    border: tuple[IntegrationClient, str],
) -> None:
    client, token = border
    integration_client_revoke(name=client.name)
    integration_client_revoke(name=client.name)
    assert integration_client_for_token(token) is None
    assert AuditEvent.objects.filter(event_type=EventType.INTEGRATION_CLIENT_REVOKED).count() == 1


@pytest.mark.parametrize("name", ["", "Border", "border point", "-border", "x" * 65])
def test_client_names_are_plain(name: str) -> None:
    with pytest.raises(MovementError) as error:
        integration_client_create(name=name)
    assert error.value.code == MovementErrorCode.INVALID_NAME
    assert not IntegrationClient.objects.exists()


def test_client_names_are_unique(border: tuple[IntegrationClient, str]) -> None:
    with pytest.raises(MovementError) as error:
        integration_client_create(name="border-svetogorsk")
    assert error.value.code == MovementErrorCode.NAME_TAKEN
    assert IntegrationClient.objects.count() == 1
