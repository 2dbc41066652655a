"""The hash chain: canonical form of an event, and verification of the whole chain.

``hash = SHA-256(prev_hash || canonical_json(event))``, where the canonical
JSON has sorted keys, no whitespace, UTF-8, and the time in UTC with
microseconds. Changing, removing or reordering any event breaks the link at
that event or the one after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from haven.audit.models import GENESIS_HASH, AuditEvent


def canonical_json(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_role: str,
    event_type: str,
    subject_type: str,
    subject_id: str,
    request_id: str,
    ip_address: str | None,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    document = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "event_type": event_type,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "request_id": request_id,
        "ip_address": ip_address,
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    canonical = canonical_json(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        event_type=event.event_type,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        request_id=event.request_id,
        ip_address=event.ip_address,
        details=event.details,
        prev_hash=event.prev_hash,
    )
    return link_hash(event.prev_hash, canonical)


@dataclass(frozen=True)
class Break:
    """The first event at which the chain does not hold, and why."""

    sequence: int
    event_id: int
    event_type: str
    occurred_at: datetime
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head_sequence: int
    head_hash: str
    first_break: Break | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_events(events: Iterable[AuditEvent]) -> VerifyResult:
    """Walk events in sequence order and return the first break, if any."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    last_sequence, last_hash = 0, GENESIS_HASH
    for event in events:
        problem = None
        if event.sequence != expected_sequence:
            problem = (
                f"sequence {event.sequence} follows {expected_sequence - 1}: "
                "events are missing or out of order"
            )
        elif event.prev_hash != expected_prev:
            problem = "it does not link to the event before it (removed or reordered)"
        elif event_hash(event) != event.hash:
            problem = "its content does not match its stored hash (edited)"
        if problem:
            return VerifyResult(
                checked,
                last_sequence,
                last_hash,
                Break(event.sequence, event.pk, event.event_type, event.occurred_at, problem),
            )
        checked += 1
        expected_prev = event.hash
        expected_sequence = event.sequence + 1
        last_sequence, last_hash = event.sequence, event.hash
    return VerifyResult(checked, last_sequence, last_hash, None)


def iter_chain(chunk_size: int = 2000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)


def verify_chain() -> VerifyResult:
    return verify_events(iter_chain())
