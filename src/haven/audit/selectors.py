from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from haven.audit.models import AuditEvent


@dataclass(frozen=True)
class TrailFilter:
    event_type: str = ""
    actor_email: str = ""
    subject_type: str = ""
    subject_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_event_list(filters: TrailFilter) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the filters; for auditors only (the view checks)."""
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.actor_email:
        events = events.filter(actor__email__iexact=filters.actor_email)
    if filters.subject_type:
        events = events.filter(subject_type=filters.subject_type)
    if filters.subject_id:
        events = events.filter(subject_id=filters.subject_id)
    if filters.date_from:
        events = events.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(occurred_at__date__lte=filters.date_to)
    return events
