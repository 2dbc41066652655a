from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from haven.accounts.access import AuthenticatedRequest, require_permission
from haven.audit.actions import audit_record
from haven.audit.forms import TrailFilterForm
from haven.audit.models import EventType
from haven.audit.selectors import audit_event_list

PAGE_SIZE = 50


@require_permission("audit.view_auditevent")
def trail(request: AuthenticatedRequest) -> HttpResponse:
    """The audit trail, newest first. Reading it is itself recorded."""
    form = TrailFilterForm(request.GET or None)
    filters = form.to_filter()
    page = Paginator(audit_event_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        event_type=EventType.AUDIT_TRAIL_VIEWED,
        actor=request.user,
        details={
            "page": page.number,
            "event_type": filters.event_type,
            "filtered_by_actor": bool(filters.actor_email),
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
