"""The one way to add to the audit chain."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from haven.audit.chain import event_hash
from haven.audit.models import GENESIS_HASH, AuditEvent, EventType
from haven.core import request_context

# A fixed key for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x4A5645
_FORBIDDEN_DETAIL_KEYS = ("password", "secret", "token", "code", "otp", "key")


def _check_details(details: dict[str, Any]) -> None:
    for key in details:
        if any(word in key.lower() for word in _FORBIDDEN_DETAIL_KEYS):
            raise ValueError(f"Audit details must not carry secrets (key {key!r}).")
    json.dumps(details, allow_nan=False)


def _normalised_ip(value: str | None) -> str | None:
    # Stored as the database gives it back, so the hash verifies on every backend.
    try:
        return ipaddress.ip_address(value).compressed if value else None
    except ValueError:
        return None


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: every transaction is BEGIN IMMEDIATE, so writers are already serialised.


def audit_record(
    *,
    event_type: EventType,
    actor: Any = None,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction when there is one.

    Anyone's code may call it; state-changing actions call it inside their own
    transaction so the change and its record commit or fail together. The
    request id and client address come from the request being served. The
    actor's roles are recorded as the actor names them (``role_names()``):
    the audit trail sits below the accounts and imports nothing of them.
    """
    details = dict(details or {})
    _check_details(details)
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    context = request_context.current()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
        sequence = last.sequence + 1 if last else 1
        prev_hash = last.hash if last else GENESIS_HASH
        event = AuditEvent(
            sequence=sequence,
            occurred_at=timezone.now(),
            actor=actor_user,
            actor_role=",".join(actor_user.role_names()) if actor_user else "",
            event_type=event_type.value,
            subject_type=subject_type,
            subject_id=str(subject_id),
            request_id=context.request_id if context else "",
            ip_address=_normalised_ip(context.ip_address if context else None),
            details=details,
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event
