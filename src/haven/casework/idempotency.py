"""Idempotency keys: one client's retries of one submission, answered once.

As the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header) describes: a key names one
request of one applicant. The same request again gets the answer the first
got; the key sent with another request is refused (``IDEMPOTENCY_KEY_REUSED``);
a request while the first with the key is still in flight is refused too
(``IDEMPOTENCY_KEY_IN_FLIGHT``), and may be sent again a moment later.

A key is claimed in a transaction of its own, committed before the work
starts, so a second request sees it at once on SQLite and PostgreSQL alike;
it is completed in the transaction of the work and released when the work
fails, so a refused attempt leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, IdempotencyKey

# A claim not completed within this time belongs to a request that died (a worker
# restarted mid-request): longer than any request may run, so the key's next request
# takes it over instead of being told for a day that the first is still in flight.
ABANDONED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    """The claim of one request on a key; ``repeat`` when the key already named this case."""

    pk: int
    created_at: datetime
    repeat: bool


def idempotency_key_digest(applicant: User, key: str) -> str:
    """What is stored of the client's key: its applicant's id and the key, hashed."""
    return hashlib.sha256(f"{applicant.pk}:{key}".encode()).hexdigest()


def idempotency_key_lifetime() -> timedelta:
    return timedelta(hours=settings.HAVEN_IDEMPOTENCY_KEY_HOURS)


def idempotency_key_claim(*, applicant: User, key: str, case: Case) -> Claim:
    """Claim ``key`` of ``applicant`` for a request on ``case``, committed at once.

    Returns a repeat when the key already named a completed request on this
    case. Raises ``CaseError(IDEMPOTENCY_KEY_REUSED)`` when it named a request
    on another case, ``CaseError(IDEMPOTENCY_KEY_IN_FLIGHT)`` while the
    request that claimed it has not finished. An expired key, or one whose
    request died, is claimed afresh.
    """
    digest = idempotency_key_digest(applicant, key)
    now = timezone.now()
    for _attempt in range(3):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    fresh = IdempotencyKey.objects.create(
                        applicant=applicant, key=digest, case=case, created_at=now
                    )
                return Claim(pk=fresh.pk, created_at=now, repeat=False)
            except IntegrityError:
                pass  # the key exists: whose request, and is it over?
            held = (
                IdempotencyKey.objects.select_for_update()
                .filter(applicant=applicant, key=digest)
                .first()
            )
            if held is None:
                continue  # released by its failed request meanwhile: claim it afresh
            expired = held.created_at <= now - idempotency_key_lifetime()
            abandoned = held.completed_at is None and held.created_at <= now - ABANDONED_AFTER
            if not (expired or abandoned):
                if held.completed_at is None:
                    raise CaseError(CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT)
                if held.case_id != case.pk:
                    raise CaseError(CaseErrorCode.IDEMPOTENCY_KEY_REUSED)
                return Claim(pk=held.pk, created_at=held.created_at, repeat=True)
            held.case = case
            held.created_at = now
            held.completed_at = None
            held.save(update_fields=["case", "created_at", "completed_at"])
            return Claim(pk=held.pk, created_at=now, repeat=False)
    # Claimed and released again and again by other requests: they are in flight.
    raise CaseError(CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT)


def idempotency_key_complete(claim: Claim) -> None:
    """Mark the claimed key done; call inside the transaction of the work it names.

    Raises ``CaseError(IDEMPOTENCY_KEY_IN_FLIGHT)``, undoing the work, when
    another request took the key over meanwhile (this one ran longer than
    ``ABANDONED_AFTER``): two requests with one key never both succeed.
    """
    done = IdempotencyKey.objects.filter(
        pk=claim.pk, created_at=claim.created_at, completed_at=None
    ).update(completed_at=timezone.now())
    if done != 1:
        raise CaseError(CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT)


def idempotency_key_release(claim: Claim) -> None:
    """Give the key back after the work failed: the same request may be tried again."""
    IdempotencyKey.objects.filter(
        pk=claim.pk, created_at=claim.created_at, completed_at=None
    ).delete()


def idempotency_keys_purge() -> int:
    """Delete the keys that no longer count (older than their lifetime); how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lte=timezone.now() - idempotency_key_lifetime()
    ).delete()
    return deleted
