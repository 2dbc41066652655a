"""One record of every change to a case: its timeline entry and its audit event, together.

Every action on a case, in every app, calls ``record_change`` inside its
transaction, so what the applicant and officials read in the case's history
and what the auditor reads in the chain cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent, CaseEventType


def record_change(
    *,
    case: Case,
    actor: User | None,
    audit: EventType,
    timeline: CaseEventType | None = None,
    from_status: str = "",
    visible: bool = True,
    details: dict[str, Any] | None = None,
    subject: models.Model | None = None,
) -> AuditEvent:
    """Write the audit event and, for a change on the case's timeline, its entry.

    ``timeline`` is the entry's type (None for changes that only the audit
    trail keeps, such as a draft's edits or an internal note); ``visible``
    says whether the applicant sees the entry; ``details`` go to both.
    ``subject`` is what the audit event is about when it is not the case
    (an issued document). The caller holds the transaction.
    """
    details = dict(details or {})
    if timeline is not None:
        CaseEvent.objects.create(
            case=case,
            type=timeline,
            occurred_at=timezone.now(),
            actor=actor,
            from_status=from_status,
            to_status=case.status,
            visible_to_applicant=visible,
            details=details,
        )
    return audit_record(event_type=audit, actor=actor, subject=subject or case, details=details)
