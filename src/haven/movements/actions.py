"""Recording border crossings, and the clients allowed to report them.

A crossing arrives from border control's system with the system's own event
id. Recording it is idempotent: the same id with the same content changes
nothing the second time; the same id with other content is refused. An entry
with a visa that is granted and unused moves the case to its next stage in
the same transaction (``case_record_entry``), so the permit stage's deadline
runs from the day of entry.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.errors import CaseError
from haven.casework.official_actions import case_record_entry
from haven.issuance.models import IssuedDocument
from haven.movements.errors import MovementError, MovementErrorCode
from haven.movements.models import IntegrationClient, Movement

# A marker that tells Haven's tokens apart, not a secret.
TOKEN_PREFIX = "hvn_"  # noqa: S105  # nosec B105
# The token's first characters, stored in clear to find and tell tokens apart.
TOKEN_PREFIX_LENGTH = 12
CLIENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# Border systems' clocks may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def integration_client_create(*, name: str) -> tuple[IntegrationClient, str]:
    """A new client for border control's system; operators call it (``haven clients create``).

    Returns the client and its token. Only the token's hash is stored, so
    the token cannot be shown again: a lost token means a new client.
    """
    if not CLIENT_NAME.fullmatch(name):
        raise MovementError(MovementErrorCode.INVALID_NAME)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if IntegrationClient.objects.filter(name=name).exists():
            raise MovementError(MovementErrorCode.NAME_TAKEN)
        client = IntegrationClient.objects.create(
            name=name,
            token_hash=token_digest(token),
            token_prefix=token[:TOKEN_PREFIX_LENGTH],
            created_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.INTEGRATION_CLIENT_CREATED, subject=client, details={"name": name}
        )
    return client, token


def integration_client_revoke(*, name: str) -> IntegrationClient:
    """Refuse the client's token from now on (operators). Revoking twice changes nothing."""
    with transaction.atomic():
        client = IntegrationClient.objects.select_for_update().filter(name=name).first()
        if client is None:
            raise MovementError(MovementErrorCode.UNKNOWN_CLIENT)
        if not client.is_active:
            return client
        client.is_active = False
        client.revoked_at = timezone.now()
        client.save(update_fields=["is_active", "revoked_at"])
        audit_record(
            event_type=EventType.INTEGRATION_CLIENT_REVOKED, subject=client, details={"name": name}
        )
    return client


def document_number_normalise(value: str) -> str:
    """As printed or read from a zone: spaces and hyphens dropped, upper case."""
    return re.sub(r"[\s-]", "", value).upper()


def _content_digest(
    *, kind: str, occurred_at: datetime, document_number: str, border_point: str
) -> str:
    # The same instant written with another offset is the same crossing.
    content = {
        "kind": kind,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "document_number": document_number,
        "border_point": border_point,
    }
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _replay(existing: Movement, digest: str) -> tuple[Movement, bool]:
    if existing.payload_hash != digest:
        raise MovementError(MovementErrorCode.CONFLICT)
    return existing, False


def _matching_document(number: str) -> IssuedDocument | None:
    """The issued document with this number; none when unknown (or, unexpectedly, ambiguous)."""
    found = list(IssuedDocument.objects.filter(number=number).select_related("case")[:2])
    return found[0] if len(found) == 1 else None


def movement_record(
    *,
    client: IntegrationClient,
    event_id: str,
    kind: str,
    occurred_at: datetime,
    document_number: str,
    border_point: str,
) -> tuple[Movement, bool]:
    """Store a crossing reported by an active client; ``True`` when it is new.

    Called by the movements API for an authenticated client. The crossing is
    linked to the issued document with its number, and to that document's
    case. An entry with a granted, unused visa records the entry on the case
    (the case moves to its next stage); any other crossing leaves the case as
    it is. A repeat of a stored event id with the same content returns the
    stored crossing and changes nothing; with other content it raises
    ``MovementError(CONFLICT)``.
    """
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at needs its offset from UTC")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise MovementError(MovementErrorCode.IN_THE_FUTURE)
    kind = Movement.Kind(kind)
    number = document_number_normalise(document_number)
    border_point = border_point.strip()
    digest = _content_digest(
        kind=kind, occurred_at=occurred_at, document_number=number, border_point=border_point
    )
    stored = Movement.objects.select_related("case")
    with transaction.atomic():
        existing = stored.filter(client=client, event_id=event_id).first()
        if existing is not None:
            return _replay(existing, digest)
        document = _matching_document(number)
        try:
            with transaction.atomic():
                movement = Movement.objects.create(
                    client=client,
                    event_id=event_id,
                    kind=kind,
                    occurred_at=occurred_at,
                    document_kind=document.kind if document else "",
                    document_number=number,
                    document=document,
                    case=document.case if document else None,
                    border_point=border_point,
                    received_at=timezone.now(),
                    payload_hash=digest,
                )
        except IntegrityError:
            # The same report, sent twice at once: the other request stored it first.
            return _replay(stored.get(client=client, event_id=event_id), digest)
        if (
            kind == Movement.Kind.ENTRY
            and document is not None
            and document.kind == IssuedDocument.Kind.VISA
            and document.used_on is None
        ):
            try:
                movement.case = case_record_entry(
                    actor=None,
                    case=document.case,
                    entered_on=timezone.localtime(occurred_at).date(),
                    source=f"border:{client.name}",
                )
            except CaseError:
                pass  # outside the visa's validity, or the case has moved on: kept as a crossing
            else:
                movement.entry_recorded = True
                movement.save(update_fields=["entry_recorded"])
        audit_record(
            event_type=EventType.MOVEMENT_RECORDED,
            subject=movement,
            details={
                "event_id": event_id,
                "kind": kind.value,
                "matched": document is not None,
                "entry_recorded": movement.entry_recorded,
            },
        )
    return movement, True
