"""Changes to the rules a user can make."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.rules.amendments import AmendmentSpec, Operation
from haven.rules.models import Amendment
from haven.rules.references import LegalReference
from haven.rules.selectors import amendment_check


def amendment_record(
    *,
    actor: User,
    programme_id: str,
    parameter: str,
    operation: Operation,
    country: str,
    effective_from: date,
    act: str,
    act_date: date | None = None,
    article: str = "",
    url: str = "",
) -> Amendment:
    """Record a state added to or removed from a programme's list, from its effective date.

    For policy administrators (the view checks ``accounts.manage_programmes``).
    Raises ``AmendmentError`` when it cannot apply (already listed, not listed,
    not a state, or in conflict with an amendment recorded for a later date);
    nothing is written then. Audited in the same transaction.
    """
    spec = AmendmentSpec(
        parameter=parameter,
        operation=operation,
        effective_from=effective_from,
        country=country,
        reference=LegalReference(act=act, date=act_date, article=article or None, url=url or None),
    )
    with transaction.atomic():
        new_value = amendment_check(programme_id, spec).after  # raises before anything is written
        amendment = Amendment.objects.create(
            programme=programme_id,
            parameter=parameter,
            operation=operation.value,
            country=country.upper(),
            effective_from=effective_from,
            act=act,
            act_date=act_date,
            article=article,
            url=url,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.AMENDMENT_RECORDED,
            actor=actor,
            subject=amendment,
            details={
                "programme": programme_id,
                "parameter": parameter,
                "operation": operation.value,
                "country": country.upper(),
                "effective_from": effective_from.isoformat(),
                "list_size_after": len(new_value.value),
            },
        )
    return amendment
